"""What a census whiteboard says: its columns, their header words and the cells under them.

Unit boards differ from unit to unit (and a held-out set of real-world-like photos will
not share our layout), so each board draws its own columns, header words and order here;
scenes_board.py lays them out. A cell is a list of put_text parts, so every PHI value keeps
its own label: patient and staff names are both PERSON, told apart by role.
"""

from __future__ import annotations

import numpy as np
from faker import Faker

from bench.synth import values as V
from bench.synth.sheet import Part

# role -> header words seen on real boards for that column.
HEADERS: dict[str, tuple[str, ...]] = {
    "room": ("Rm", "Room", "Bed", "Rm #"),
    "patient": ("Patient", "Pt", "Name", "Pt Name", "Patient Name", "PATIENT"),
    "nurse": ("RN", "Nurse", "RN/CNA", "Care Team"),
    "doctor": ("MD", "Attending", "Doctor", "Provider"),
}
NOTES = (
    "NPO after MN",
    "fall risk",
    "d/c today",
    "PT eval",
    "tele",
    "2L NC",
    "I&O",
    "q2h turns",
    "CT at 1400",
    "wound care",
    "pain 6/10",
    "iso: contact",
    "AM labs",
    "ambulate TID",
    "bedrest",
    "DNR",
    "",
)
# Non-PHI columns (header word -> what is written under it); "" is an empty cell.
OTHER: dict[str, tuple[str, ...]] = {
    "Notes": NOTES,
    "Dx": ("CHF", "PNA", "COPD exac", "s/p R hip", "sepsis", "UTI", "CP r/o MI", "DKA", "AKI",
           "cellulitis", "GI bleed", ""),
    "Diet": ("NPO", "reg", "cardiac", "ADA", "clear liq", "soft", "renal", "NPO p MN", "thick liq"),
    "Plan": ("d/c AM", "PT/OT", "CT today", "echo", "IV abx", "wean O2", "SNF?", "home w/ HH",
             "MRI", ""),
    "Status": ("stable", "improving", "tele", "obs", "inpt", "guarded", "d/c ready"),
    "Needs": ("2 assist", "walker", "hoyer", "bed alarm", "sitter", "interpreter", "glasses", ""),
    "Precautions": ("contact", "droplet", "fall", "seizure", "aspiration", "none", "neutropenic",
                    "C-diff"),
    "D/C": ("today", "tmrw", "Fri", "pending", "SNF", "home", "?", ""),
    "Activity": ("OOB", "BRP", "bedrest", "amb x1", "amb TID", "chair", "OOB w/ assist"),
}  # fmt: skip
# Free-text columns where a nurse jots an age ("97yo"); under "Diet" it would be odd.
AGE_COLUMNS = ("Notes", "Dx", "Status", "Needs")
Column = tuple[str, str]  # (role, header word); role "other" for the non-PHI columns


def columns(rng: np.random.Generator) -> list[Column]:
    """3 to 6 columns in a plausible but varied order: room usually first, sometimes after
    the patient or missing; nurse and doctor after the patient; free-text columns anywhere
    after the patient."""
    n = int(rng.integers(3, 7))
    first = ["room", "patient"] if rng.random() < 0.85 else ["patient"]
    if len(first) == 2 and rng.random() < 0.2:
        first.reverse()
    staff = [r for r, p in (("nurse", 0.75), ("doctor", 0.35)) if rng.random() < p]
    staff = staff[: max(0, n - len(first))]
    if rng.random() < 0.3:
        staff.reverse()
    tail: list[Column] = [(r, str(V.choice(rng, HEADERS[r]))) for r in staff]
    others = [str(k) for k in rng.permutation(list(OTHER))[: n - len(first) - len(staff)]]
    for key in others:
        tail.insert(int(rng.integers(0, len(tail) + 1)), ("other", key))
    return [(r, str(V.choice(rng, HEADERS[r]))) for r in first] + tail


def row(fake: Faker, rng: np.random.Generator, cols: list[Column]) -> list[list[Part]]:
    """One bed's cells. An empty bed (about 1 in 12) keeps only its room number."""
    empty = rng.random() < 0.08
    age_col = next((h for r, h in cols if r == "other" and h in AGE_COLUMNS), None)
    out: list[list[Part]] = []
    for role, head in cols:
        if role == "room":
            out.append([(_room(rng), None)])
        elif empty:
            out.append([])
        elif role == "patient":
            out.append(_patient(fake, rng))
        elif role in ("nurse", "doctor"):
            out.append(_nurses(fake, rng, head) if role == "nurse" else _doctor(fake, rng))
        elif head == age_col and rng.random() < 0.15:
            out.append(_age(fake, rng))
        else:
            note = str(V.choice(rng, OTHER[head]))
            out.append([(note, None)] if note else [])
    return out


def _room(rng: np.random.Generator) -> str:
    num = str(rng.integers(401, 440)) if rng.random() < 0.7 else str(rng.integers(1, 33))
    return num + (str(V.choice(rng, ("A", "B", "-1", "-2"))) if rng.random() < 0.2 else "")


def _patient(fake: Faker, rng: np.random.Generator) -> list[Part]:
    """A patient's name as boards write it. Initials alone ("J.S.") are labelled PERSON
    too: values.py labels every written form of a name (even "Smith, J" and "Mr. Smith")
    and score.py weighs all PERSON values alike; next to a room number, initials identify
    the patient to anyone on the unit."""
    first, last, mid = V.person(fake, rng)
    if rng.random() < 0.1:
        style = int(rng.integers(3))
        text = (f"{first[0]}.{last[0]}.", f"{first[0]}{last[0]}", f"{first[0]}. {last[0]}.")[style]
    else:
        text = V.name_as(rng, first, last, mid)
    return [(text, "PERSON", "patient")]


def _nurses(fake: Faker, rng: np.random.Generator, head: str) -> list[Part]:
    """A nurse's first name (sometimes with an initial or in full); an RN and a CNA when
    the header says the column holds a team."""
    team = head in ("RN/CNA", "Care Team") and rng.random() < 0.7
    parts: list[Part] = []
    for k in range(2 if team else 1):
        first, last, _ = V.person(fake, rng)
        pick = rng.random()
        name = first if pick < 0.7 else f"{first} {last[0]}." if pick < 0.9 else f"{first} {last}"
        if k:
            parts.append((str(V.choice(rng, (" / ", ", ", " + "))), None))
        parts.append((name, "PERSON", "staff"))
    return parts


def _doctor(fake: Faker, rng: np.random.Generator) -> list[Part]:
    """A doctor as "Dr. Lastname"; like the wristband, the title is not part of the name."""
    _first, last, _ = V.person(fake, rng)
    title = str(V.choice(rng, ("Dr. ", "Dr. ", "Dr ", "")))
    return [(title, None), (last, "PERSON", "staff")] if title else [(last, "PERSON", "staff")]


def _age(fake: Faker, rng: np.random.Generator) -> list[Part]:
    _born, age = V.dob(fake, rng, old=rng.random() < 0.5)
    kind = "AGE_OVER_89" if age >= 90 else None
    return [(f"{age}", kind), (str(V.choice(rng, ("yo", "yo", " y/o", "y"))), None)]
