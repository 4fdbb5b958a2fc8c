"""Handwritten and small objects: census whiteboard, sticky note, wristband."""

from __future__ import annotations

import numpy as np
from faker import Faker
from PIL import ImageDraw, ImageFilter

from bench.synth import values as V
from bench.synth.codes import code128_modules, put_barcode, put_qr
from bench.synth.fonts import font_at, pick_path
from bench.synth.sheet import Sheet, new_sheet, put_rotated, put_text

MARKERS = ((20, 30, 150), (15, 15, 20), (170, 25, 25), (20, 110, 50), (90, 40, 140))
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
STICKY = ((255, 238, 120), (255, 180, 200), (170, 230, 160), (160, 210, 255), (255, 200, 120))


def _jitter(rng: np.random.Generator, a: float = 3.0) -> float:
    return float(rng.uniform(-a, a))


def whiteboard(fake: Faker, rng: np.random.Generator) -> Sheet:
    w, h = int(rng.integers(1700, 2300)), int(rng.integers(1100, 1500))
    tone = int(rng.integers(225, 250))
    sh = new_sheet(w, h, (tone, tone, min(255, tone + 4)))
    d = sh.draw
    frame = int(rng.integers(14, 30))
    d.rectangle((0, 0, w - 1, h - 1), outline=(170, 172, 176), width=frame)
    _ghosts(d, rng, w, h)
    size = float(rng.uniform(34, 52))
    hand = pick_path("hand", rng)
    ink = MARKERS[int(rng.integers(len(MARKERS)))]
    title = f"{V.choice(rng, ('4 West', '5 North', 'ICU', 'Med-Surg', 'Step-Down', 'L&D'))} Census"
    put_rotated(sh, (frame + 30, frame + 18), title, font_at(hand, size * 1.4), ink, _jitter(rng))
    cf, _cl, _ = V.person(fake, rng)
    put_rotated(
        sh,
        (w * 0.55, frame + 24),
        [("Charge RN: ", None), (cf, "PERSON", "staff")],
        font_at(hand, size),
        ink,
        _jitter(rng),
    )
    cols = (0.0, 0.12, 0.47, 0.64)
    top = frame + size * 3.2
    for i, head in enumerate(("Rm", "Patient", "RN", "Notes")):
        put_text(sh, (frame + 30 + cols[i] * w, top), head, font_at(hand, size * 0.9), ink)
    rows = int(rng.integers(5, 10))
    step = (h - top - frame - size) / (rows + 0.5)
    for r in range(rows):
        y = top + step * (r + 1)
        d.line(
            (frame + 10, y - step * 0.18, w - frame - 10, y - step * 0.18),
            fill=(60, 60, 70),
            width=3,
        )
        _board_row(sh, fake, rng, hand, size, frame + 30, y, cols, w)
    return sh


def _ghosts(d: ImageDraw.ImageDraw, rng: np.random.Generator, w: int, h: int) -> None:
    """Half-erased marker smudges, as on every real whiteboard."""
    for _ in range(int(rng.integers(3, 9))):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        c = int(rng.integers(195, 225))
        d.line(
            (x, y, x + rng.uniform(60, 300), y + rng.uniform(-20, 20)),
            fill=(c, c, c + 6),
            width=int(rng.integers(6, 20)),
        )


def _board_row(
    sh: Sheet,
    fake: Faker,
    rng: np.random.Generator,
    hand: str,
    size: float,
    x0: float,
    y: float,
    cols: tuple,
    w: int,
) -> None:
    if rng.random() < 0.5:  # each row in a possibly different hand and marker
        hand = pick_path("hand", rng)
    ink = MARKERS[int(rng.integers(len(MARKERS)))]
    f = font_at(hand, size * rng.uniform(0.8, 1.1))
    first, last, mid = V.person(fake, rng)
    nf, _, _ = V.person(fake, rng)
    put_rotated(sh, (x0 + cols[0] * w, y), str(rng.integers(401, 440)), f, ink, _jitter(rng))
    put_rotated(
        sh,
        (x0 + cols[1] * w, y),
        [(V.name_as(rng, first, last, mid), "PERSON", "patient")],
        f,
        ink,
        _jitter(rng),
    )
    put_rotated(sh, (x0 + cols[2] * w, y), [(nf, "PERSON", "staff")], f, ink, _jitter(rng))
    note = str(V.choice(rng, NOTES))
    if rng.random() < 0.15:
        _born, age = V.dob(fake, rng, old=rng.random() < 0.5)
        kind = "AGE_OVER_89" if age >= 90 else None
        put_rotated(
            sh, (x0 + cols[3] * w, y), [(f"{age}", kind), ("yo", None)], f, ink, _jitter(rng)
        )
    elif note:
        put_rotated(sh, (x0 + cols[3] * w, y), note, f, ink, _jitter(rng))


def sticky_note(fake: Faker, rng: np.random.Generator) -> Sheet:
    side = int(rng.integers(420, 620))
    sh = new_sheet(side, side, STICKY[int(rng.integers(len(STICKY)))])
    hand = pick_path("hand", rng)
    ink = MARKERS[int(rng.integers(len(MARKERS)))]
    user, pw = V.credential_pair(fake, rng)
    size = side / rng.uniform(9, 13)
    # Shrink the hand until the longest line fits the note, as a writer would.
    while font_at(hand, size).getlength(f"login {user} / {pw}") > side * 0.9 and size > 14:
        size *= 0.92
    f = font_at(hand, size)
    y = size * 0.8
    for parts in _sticky_lines(fake, rng, user, pw):
        if parts:
            put_rotated(sh, (size * 0.6, y), parts, f, ink, _jitter(rng, 4))
        y += size * 1.6
    return sh


def _sticky_lines(fake: Faker, rng: np.random.Generator, user: str, pw: str) -> list[list]:
    """What is scribbled on the note, top to bottom; an empty list is a blank line."""
    system = str(V.choice(rng, ("Epic", "Pyxis", "PACS", "wifi", "Citrix", "lab portal", "")))
    lines: list[list] = [[(f"{system} login", None)]] if system else []
    if rng.random() < 0.5:
        lab_u, lab_p = V.choice(rng, (("user: ", "pw: "), ("U: ", "P: "), ("login ", "pass ")))
        lines += [
            [(str(lab_u), None), (user, "CREDENTIAL")],
            [(str(lab_p), None), (pw, "CREDENTIAL")],
        ]
    else:
        lines.append([(user, "CREDENTIAL"), (" / ", None), (pw, "CREDENTIAL")])
    if rng.random() < 0.35:  # a patient call-back next to the password, as happens
        _first, last, _ = V.person(fake, rng)
        lines += [
            [],
            [("call ", None), (f"Mrs. {last}", "PERSON", "patient")],
            [(V.phone(rng), "PHONE_NUMBER")],
        ]
    return lines


def wristband(fake: Faker, rng: np.random.Generator) -> Sheet:
    """A patient ID band on a skin-coloured forearm."""
    bw, bh = int(rng.integers(1500, 1900)), int(rng.integers(230, 320))
    skin = tuple(
        int(c)
        for c in rng.choice(
            [[235, 200, 175], [200, 150, 115], [140, 95, 70], [110, 75, 55], [245, 215, 195]]
        )
    )
    pad = int(bh * 0.45)
    sh = new_sheet(bw + 2 * pad, bh + 2 * pad, (0, 0, 0, 0))
    sh.draw.rounded_rectangle(
        (0, pad * 0.2, bw + 2 * pad, bh + pad * 1.8), radius=pad, fill=(*skin, 255)
    )
    band = tuple(
        int(c)
        for c in rng.choice(
            [[250, 250, 250], [245, 245, 235], [255, 240, 120], [250, 200, 200], [200, 225, 255]]
        )
    )
    sh.draw.rounded_rectangle(
        (0, pad, bw + 2 * pad, pad + bh), radius=int(bh * 0.15), fill=(*band, 255)
    )
    _band_text(sh, fake, rng, pad, bh)
    sh.img = sh.img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0, 0.6))))
    return sh


def _band_text(sh: Sheet, fake: Faker, rng: np.random.Generator, pad: int, bh: int) -> None:
    first, last, _mid = V.person(fake, rng)
    mrn = V.mrn(rng)
    old = rng.random() < 0.2
    born, age = V.dob(fake, rng, old)
    sans, bold = pick_path("sans", rng), pick_path("sans_bold", rng)
    size = bh / rng.uniform(6.0, 8.0)
    f, fb = font_at(sans, size), font_at(bold, size * 1.2)
    rows: list[tuple[list, object]] = [
        ([(f"{last.upper()}, {first.upper()}", "PERSON", "patient")], fb),
        ([("MRN: ", None), (mrn, "MRN"), ("  DOB: ", None), (V.date_text(rng, born), "DATE")], f),
    ]
    rows.append(
        (
            [
                ("Age: ", None),
                (f"{age}Y", "AGE_OVER_89" if old else None),
                ("  Acct: ", None),
                (V.account(rng), "ACCOUNT_NUMBER"),
            ],
            f,
        )
    )
    _af, al, _ = V.person(fake, rng)
    rows.append(
        (
            [
                ("Adm: ", None),
                (V.date_text(rng, V.recent_date(rng)), "DATE"),
                ("  Dr. ", None),
                (al, "PERSON", "staff"),
            ],
            f,
        )
    )
    x, y = pad * 1.4, pad + bh * 0.1
    for i, (parts, fnt) in enumerate(rows):
        put_text(sh, (x, y), parts, fnt, (15, 15, 20))  # type: ignore[arg-type]
        y += size * (1.6 if i == 0 else 1.35)
    _band_code(sh, rng, mrn, pad, bh)


def _band_code(sh: Sheet, rng: np.random.Generator, mrn: str, pad: int, bh: int) -> None:
    """Code128 (or now and then a QR) of the MRN at the right end, clear of the text."""
    right = sh.size[0] - pad * 1.3
    if rng.random() < 0.2:
        mod = max(2, int(bh * 0.75 / 25))
        put_qr(sh, (int(right - 25 * mod), int(pad + bh * 0.12)), f"MRN:{mrn}", mod)
    else:
        module = max(2, int(bh / 90))
        bw = len(code128_modules(mrn)) * module
        put_barcode(sh, (int(right - bw), int(pad + bh * 0.15)), mrn, module, int(bh * 0.62))
