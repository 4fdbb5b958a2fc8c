"""Monitor scenes with PHI: an EHR patient chart and a patient list."""

from __future__ import annotations

from typing import Any

import numpy as np
from faker import Faker

from bench.synth import values as V
from bench.synth.fonts import font_at, pick_path
from bench.synth.sheet import Sheet, new_sheet, put_text

DARK = {
    "bg": (28, 31, 38),
    "bar": (45, 52, 66),
    "banner": (36, 62, 96),
    "text": (222, 226, 232),
    "dim": (150, 158, 170),
    "accent": (255, 196, 90),
    "alert": (255, 110, 100),
}
LIGHT = {
    "bg": (246, 247, 249),
    "bar": (214, 222, 235),
    "banner": (225, 236, 250),
    "text": (25, 30, 40),
    "dim": (95, 105, 120),
    "accent": (20, 90, 170),
    "alert": (190, 30, 30),
}
APPS = ("CareView EHR", "MedChart 9", "ClinDesk", "Horizon Clinical", "NovaChart")
MEDS = (
    "Metoprolol tartrate 25 mg PO BID",
    "Heparin 5,000 units SubQ q8h",
    "Acetaminophen 650 mg PO q6h PRN",
    "Furosemide 40 mg IV daily",
    "Insulin lispro per sliding scale",
    "Pantoprazole 40 mg PO daily",
    "Ceftriaxone 1 g IV q24h",
    "Atorvastatin 40 mg PO nightly",
    "Ondansetron 4 mg IV PRN",
)
ALLERGIES = ("Penicillin", "Sulfa", "NKDA", "Latex", "Codeine", "Iodine contrast")
TABS = ("Summary", "Chart Review", "Results", "Flowsheets", "MAR", "Notes", "Orders", "I/O")


def theme(rng: np.random.Generator) -> dict[str, tuple[int, int, int]]:
    base = DARK if rng.random() < 0.5 else LIGHT
    shift = rng.integers(-12, 13, 3)
    return {
        k: tuple(int(np.clip(c + s, 0, 255)) for c, s in zip(v, shift, strict=True))
        for k, v in base.items()
    }


def _patient(fake: Faker, rng: np.random.Generator) -> dict[str, str]:
    first, last, mid = V.person(fake, rng)
    old = rng.random() < 0.2
    born, age = V.dob(fake, rng, old)
    af, al, _ = V.person(fake, rng)
    return {
        "name": V.name_as(rng, first, last, mid)
        if rng.random() < 0.4
        else f"{last.upper()}, {first.upper()} {mid}",
        "mrn": V.mrn(rng),
        "dob": V.date_text(rng, born),
        "age": f"{age} y",
        "old": "1" if old else "",
        "room": f"{rng.integers(2, 9)}{rng.integers(10, 60)}-{V.choice(rng, ('A', 'B', '1', '2'))}",
        "attending": f"{af[0]}. {al}",
        "acct": V.account(rng),
        "sex": str(V.choice(rng, ("F", "M"))),
    }


def chart_screen(fake: Faker, rng: np.random.Generator, w: int = 1600, h: int = 1000) -> Sheet:
    t = theme(rng)
    sh = new_sheet(w, h, t["bg"])
    sans, bold = pick_path("sans", rng), pick_path("sans_bold", rng)
    body = float(rng.uniform(17, 24))
    f, fb = font_at(sans, body), font_at(bold, body * rng.uniform(1.3, 1.7))
    sh.draw.rectangle((0, 0, w, body * 2), fill=t["bar"])
    put_text(
        sh,
        (12, body * 0.4),
        f"{V.choice(rng, APPS)}   Patient Lookup   In Basket   Schedule",
        font_at(sans, body * 0.9),
        t["dim"],
    )
    top = body * 2.4
    _banner(sh, fake, rng, t, f, fb, body, top)
    _sidebar(sh, rng, t, sans, body, top + body * 5.2)
    _vitals_and_meds(sh, rng, t, sans, bold, body, top + body * 5.6)
    _results_panel(sh, rng, t, sans, bold, body, top + body * 5.6)
    _footer(sh, rng, t, sans, body)
    return sh


LABS = (
    "Na 138 mmol/L",
    "K 4.1 mmol/L",
    "Cr 1.02 mg/dL",
    "WBC 11.2 K/uL",
    "Hgb 10.9 g/dL",
    "Glucose 142 mg/dL",
    "Lactate 1.8 mmol/L",
    "Trop I <0.01 ng/mL",
    "INR 1.1",
    "BUN 22",
)
NOTES = (
    "Resting comfortably, denies chest pain.",
    "Plan: continue diuresis, BMP in AM.",
    "Tolerating diet, ambulating with walker.",
    "Pain controlled on current regimen.",
    "Family updated at bedside.",
    "Wean O2 as tolerated, goal SpO2 > 92%.",
)


def _results_panel(
    sh: Sheet, rng: np.random.Generator, t: dict, sans: str, bold: str, body: float, y: float
) -> None:
    """Right-hand column of labs and a progress note, so the screen is dense like the real one."""
    f, fb = font_at(sans, body * 0.95), font_at(bold, body * 1.05)
    x0 = sh.size[0] * rng.uniform(0.6, 0.66)
    put_text(sh, (x0, y), "Recent Results", fb, t["accent"])
    for i, lab in enumerate(rng.permutation(LABS)[: int(rng.integers(4, 8))]):
        put_text(sh, (x0, y + body * (1.6 + 1.3 * i)), str(lab), f, t["text"])
    y += body * (2.6 + 1.3 * 7)
    put_text(sh, (x0, y), "Progress Note", fb, t["accent"])
    for i, line in enumerate(rng.permutation(NOTES)[: int(rng.integers(2, 5))]):
        put_text(sh, (x0, y + body * (1.6 + 1.3 * i)), str(line), f, t["text"])


def _banner(
    sh: Sheet,
    fake: Faker,
    rng: np.random.Generator,
    t: dict,
    f: Any,
    fb: Any,
    body: float,
    top: float,
) -> None:
    """Patient banner: name, MRN, DOB (age), room and more on the first two rows."""
    p = _patient(fake, rng)
    sh.draw.rectangle((0, top - 6, sh.size[0], top + body * 4.6), fill=t["banner"])
    put_text(sh, (20, top), [(p["name"], "PERSON", "patient")], fb, t["text"])
    age_kind = "AGE_OVER_89" if p["old"] else None
    y2 = top + body * 2.1
    x = put_text(
        sh,
        (20, y2),
        [
            ("MRN: ", None),
            (p["mrn"], "MRN"),
            ("   DOB: ", None),
            (p["dob"], "DATE"),
            (" (", None),
            (p["age"], age_kind),
            (f") {p['sex']}", None),
        ],
        f,
        t["text"],
    )
    x = put_text(sh, (x + body * 2, y2), [("Room/Bed: ", None), (p["room"], None)], f, t["text"])
    if rng.random() < 0.3:
        put_text(
            sh,
            (x + body * 2, y2),
            [("Ins ID: ", None), (V.plan_id(rng), "HEALTH_PLAN_ID")],
            f,
            t["text"],
        )
    _banner_row3(sh, rng, t, f, body, y2, p)


def _banner_row3(
    sh: Sheet, rng: np.random.Generator, t: dict, f: Any, body: float, y2: float, p: dict[str, str]
) -> None:
    """Third banner row: attending, allergies and sometimes the account number."""
    y3 = y2 + body * 1.3
    x = put_text(
        sh,
        (20, y3),
        [("Attending: ", None), (p["attending"], "PERSON", "staff"), (", MD", None)],
        f,
        t["dim"],
    )
    x = put_text(
        sh,
        (x + body * 2, y3),
        [("Allergies: ", None), (str(V.choice(rng, ALLERGIES)), None)],
        f,
        t["alert"],
    )
    if rng.random() < 0.6:
        put_text(
            sh, (x + body * 2, y3), [("Acct: ", None), (p["acct"], "ACCOUNT_NUMBER")], f, t["dim"]
        )


def _sidebar(
    sh: Sheet, rng: np.random.Generator, t: dict, sans: str, body: float, y: float
) -> None:
    sh.draw.rectangle((0, y, body * 9, sh.size[1]), fill=t["bar"])
    f = font_at(sans, body * 0.95)
    for i, tab in enumerate(TABS[: int(rng.integers(5, len(TABS) + 1))]):
        put_text(sh, (14, y + body * (0.8 + 1.7 * i)), tab, f, t["text"] if i else t["accent"])


def _vitals_and_meds(
    sh: Sheet, rng: np.random.Generator, t: dict, sans: str, bold: str, body: float, y: float
) -> None:
    f, fb = font_at(sans, body), font_at(bold, body * 1.1)
    x0 = body * 10.5
    put_text(sh, (x0, y), "Vitals (last 24h)", fb, t["accent"])
    vit = [
        f"BP {rng.integers(95, 170)}/{rng.integers(55, 100)}",
        f"HR {rng.integers(55, 120)}",
        f"SpO2 {rng.integers(88, 100)}%",
        f"Temp {rng.uniform(36.1, 38.9):.1f} C",
        f"RR {rng.integers(12, 26)}",
    ]
    for i, v in enumerate(vit):
        put_text(sh, (x0 + (i % 3) * body * 9, y + body * (1.6 + 1.4 * (i // 3))), v, f, t["text"])
    y += body * 5.2
    put_text(sh, (x0, y), "Active Medications", fb, t["accent"])
    meds = list(rng.permutation(MEDS))[: int(rng.integers(3, 7))]
    for i, med in enumerate(meds):
        put_text(sh, (x0, y + body * (1.6 + 1.35 * i)), str(med), f, t["text"])
    if rng.random() < 0.5:
        ny = y + body * (2.2 + 1.35 * len(meds))
        put_text(
            sh,
            (x0, ny),
            [("Emergency contact: ", None), (V.phone(rng), "PHONE_NUMBER")],
            f,
            t["dim"],
        )


def _footer(sh: Sheet, rng: np.random.Generator, t: dict, sans: str, body: float) -> None:
    w, h = sh.size
    if rng.random() < 0.35:
        mark = str(
            V.choice(rng, ("CONFIDENTIAL", "Internal use only", "CONFIDENTIAL - contains PHI"))
        )
        put_text(
            sh,
            (w - body * 16, h - body * 1.6),
            [(mark, "CONFIDENTIAL_MARKING")],
            font_at(sans, body * 0.85),
            t["alert"],
        )
    put_text(
        sh,
        (body * 10.5, h - body * 1.6),
        f"Logged in: ward station {rng.integers(1, 40)}",
        font_at(sans, body * 0.8),
        t["dim"],
    )


def patient_list(fake: Faker, rng: np.random.Generator, w: int = 1600, h: int = 1000) -> Sheet:
    """A unit census grid: many small names, MRNs and DOBs."""
    t = theme(rng)
    sh = new_sheet(w, h, t["bg"])
    sans, bold = pick_path("sans", rng), pick_path("sans_bold", rng)
    body = float(rng.uniform(15, 21))
    f, fb = font_at(sans, body), font_at(bold, body)
    sh.draw.rectangle((0, 0, w, body * 2.2), fill=t["bar"])
    put_text(
        sh,
        (14, body * 0.5),
        f"{V.choice(rng, APPS)} - My Patients - Unit "
        f"{rng.integers(2, 9)} {V.choice(rng, ('West', 'East', 'North'))}",
        fb,
        t["text"],
    )
    cols = (
        ("Room", 0.0),
        ("Patient", 5.0),
        ("MRN", 20.0),
        ("DOB", 28.5),
        ("Attending", 37.0),
        ("Diet", 50.0),
    )
    y = body * 3.2
    for name, cx in cols:
        put_text(sh, (14 + cx * body, y), name, fb, t["accent"])
    for i in range(int(rng.integers(10, 26))):
        ry = y + body * 1.7 * (i + 1)
        if ry > h - body * 2:
            break
        if i % 2:
            sh.draw.rectangle((0, ry - body * 0.3, w, ry + body * 1.3), fill=t["bar"])
        _list_row(sh, fake, rng, t, f, ry, body, cols)
    return sh


def _list_row(
    sh: Sheet,
    fake: Faker,
    rng: np.random.Generator,
    t: dict,
    f: object,
    y: float,
    body: float,
    cols: tuple,
) -> None:
    p = _patient(fake, rng)
    cells = [
        [(p["room"], None)],
        [(p["name"], "PERSON", "patient")],
        [(p["mrn"], "MRN")],
        [(p["dob"], "DATE")],
        [(p["attending"], "PERSON", "staff"), (", MD", None)],
        [(str(V.choice(rng, ("Regular", "NPO", "Cardiac", "Renal", "Clear liq"))), None)],
    ]
    for (_, cx), parts in zip(cols, cells, strict=True):
        put_text(sh, (14 + cx * body, y), parts, f, t["text"])  # type: ignore[arg-type]
