"""Printed objects: discharge form (PHI) and clean posters, signs and a staff bulletin."""

from __future__ import annotations

import numpy as np
from faker import Faker
from PIL import Image, ImageDraw

from bench.synth import values as V
from bench.synth.codes import put_qr
from bench.synth.fonts import font_at, pick_path
from bench.synth.sheet import Sheet, new_sheet, put_rotated, put_text

INSTRUCTIONS = (
    "Take all medications exactly as prescribed.",
    "Resume a regular diet as tolerated.",
    "Call your doctor for fever over 101 F or new pain.",
    "No driving while taking opioids.",
    "Keep the incision clean and dry for 48 hours.",
    "Walk at least three times a day.",
    "Follow up with your primary care provider in 1 week.",
    "Weigh yourself every morning.",
)
DIAG = (
    "Community-acquired pneumonia",
    "CHF exacerbation",
    "Cellulitis, left leg",
    "NSTEMI",
    "COPD exacerbation",
    "Acute appendicitis, s/p lap appy",
    "Hip fracture, ORIF",
)


def _paper(rng: np.random.Generator, w: int, h: int) -> Sheet:
    c = int(rng.integers(232, 252))
    return new_sheet(w, h, (c, c - int(rng.integers(0, 8)), c - int(rng.integers(0, 16))))


def discharge_form(fake: Faker, rng: np.random.Generator) -> Sheet:
    w, h = int(rng.integers(1300, 1700)), 2200
    sh = _paper(rng, w, h)
    serif = rng.random() < 0.5
    reg = pick_path("serif" if serif else "sans", rng)
    bold = pick_path("serif_bold" if serif else "sans_bold", rng)
    body = float(rng.uniform(24, 34))
    ink = tuple(int(v) for v in rng.integers(0, 50, 3))  # toner is never quite black
    f, fb = font_at(reg, body), font_at(bold, body)
    hosp = f"{fake.last_name()} {V.choice(rng, ('Medical Center', 'Regional Hospital', 'Health'))}"
    put_text(sh, (80, 70), hosp, font_at(bold, body * 1.5), ink)
    title = str(V.choice(rng, ("DISCHARGE SUMMARY", "AFTER VISIT SUMMARY", "PATIENT FACE SHEET")))
    put_text(sh, (80, 70 + body * 2.4), title, font_at(bold, body * 1.25), ink)
    first, last, mid = V.person(fake, rng)
    mrn, (born, age) = V.mrn(rng), V.dob(fake, rng, rng.random() < 0.15)
    qr_data = f"PID|{mrn}|{last.upper()}^{first.upper()}|{born:%Y%m%d}"
    qr_x = w - 80 - 33 * 8
    put_qr(sh, (qr_x, 60), qr_data, int(rng.integers(6, 9)))
    y = 70 + body * 5
    sh.draw.line((80, y - body * 0.6, qr_x - 30, y - body * 0.6), fill=ink, width=2)
    for parts in _form_fields(fake, rng, first, last, mid, mrn, born, age):
        put_text(sh, (80, y), parts, f, ink)
        y += body * 1.55
    y += body
    put_text(sh, (80, y), "Instructions", fb, ink)
    for line in rng.permutation(INSTRUCTIONS)[: int(rng.integers(3, 7))]:
        y += body * 1.45
        if y > h - body * 4:
            break
        put_text(sh, (100, y), f"- {line}", f, ink)
    # Crop to the printed part: a photo of half a page, not of a mostly blank sheet.
    sh.img = sh.img.crop((0, 0, w, min(h, int(y + body * 4))))
    paper_damage(sh, rng)
    _stamp(sh, rng, bold, body)
    return sh


def _form_fields(
    fake: Faker,
    rng: np.random.Generator,
    first: str,
    last: str,
    mid: str,
    mrn: str,
    born: object,
    age: int,
) -> list[list]:
    af, al, _ = V.person(fake, rng)
    rows: list[list] = [
        [("Patient: ", None), (V.name_as(rng, first, last, mid), "PERSON", "patient")],
        [
            ("MRN: ", None),
            (mrn, "MRN"),
            ("    DOB: ", None),
            (V.date_text(rng, born), "DATE"),
            ("    Age: ", None),
            (str(age), "AGE_OVER_89" if age >= 90 else None),
        ],
        [
            ("Admitted: ", None),
            (V.date_text(rng, V.recent_date(rng)), "DATE"),
            ("   Discharged: ", None),
            (V.date_text(rng, V.recent_date(rng)), "DATE"),
        ],
        [("Attending: ", None), (f"{af} {al}", "PERSON", "staff"), (", MD", None)],
        [("Diagnosis: ", None), (str(V.choice(rng, DIAG)), None)],
    ]
    extra: list[list] = [
        [
            ("Address: ", None),
            (
                f"{fake.street_address()}, {fake.city()}, {fake.state_abbr()} {fake.zipcode()}",
                "STREET_ADDRESS",
            ),
        ],
        [("Phone: ", None), (V.phone(rng), "PHONE_NUMBER")],
        [("Email: ", None), (fake.free_email(), "EMAIL_ADDRESS")],
        [("Insurance ID: ", None), (V.plan_id(rng), "HEALTH_PLAN_ID")],
        [("Account #: ", None), (V.account(rng), "ACCOUNT_NUMBER")],
        [("SSN: ", None), (V.ssn(rng), "US_SSN")],
    ]
    for i in rng.permutation(len(extra))[: int(rng.integers(3, len(extra) + 1))]:
        rows.insert(int(rng.integers(2, len(rows) + 1)), extra[int(i)])
    return rows


def _stamp(sh: Sheet, rng: np.random.Generator, bold: str, body: float) -> None:
    if rng.random() < 0.5:
        return
    mark = str(V.choice(rng, ("CONFIDENTIAL", "Internal use only", "CONFIDENTIAL PATIENT INFO")))
    w, h = sh.size
    if rng.random() < 0.5:  # red rubber stamp, slanted
        put_rotated(
            sh,
            (w * 0.45, h * rng.uniform(0.55, 0.8)),
            [(mark, "CONFIDENTIAL_MARKING")],
            font_at(bold, body * 1.8),
            (190, 30, 40, 215),
            float(rng.uniform(-15, 15)),
        )
    else:
        put_text(
            sh,
            (80, h - body * 2.2),
            [(mark, "CONFIDENTIAL_MARKING")],
            font_at(bold, body * 0.9),
            (60, 60, 60),
        )


POSTERS = (
    (
        "Wash your hands",
        [
            "Clean hands save lives.",
            "Soap and water for 20 seconds.",
            "Use sanitizer when entering and leaving every room.",
        ],
    ),
    (
        "Visiting hours",
        [
            "9 AM to 3 PM daily",
            "Two visitors per patient at a time.",
            "Children under 12 must be with an adult.",
        ],
    ),
    (
        "Flu shots for staff",
        ["Free in the cafeteria, October 1 to 31.", "Bring your badge. No appointment needed."],
    ),
    (
        "Stop the spread",
        ["Cover your cough.", "Wear a mask if you have symptoms.", "Stay home when sick."],
    ),
    (
        "Fall prevention",
        ["Call, don't fall.", "Use the call light for help.", "Wear non-slip socks."],
    ),
)
SIGNS = (
    "Radiology",
    "Cardiology",
    "Emergency Department",
    "Pharmacy",
    "Laboratory",
    "Authorized personnel only",
    "Oxygen in use - no open flames",
    "Clean utility",
    "Visiting hours 9 AM to 3 PM",
    "Wash your hands",
    "Nurses station",
    "Elevators",
    "Quiet please - healing in progress",
    "Exit",
    "Family lounge",
)


def poster(fake: Faker, rng: np.random.Generator) -> Sheet:
    w, h = int(rng.integers(1100, 1400)), int(rng.integers(1500, 1800))
    bg = tuple(int(c) for c in rng.integers(150, 256, 3))
    sh = new_sheet(w, h, bg)
    ink = (20, 30, 60) if sum(bg) > 450 else (250, 250, 250)
    title, lines = POSTERS[int(rng.integers(len(POSTERS)))]
    bold, reg = pick_path("sans_bold", rng), pick_path(str(V.choice(rng, ("sans", "serif"))), rng)
    tsize = float(rng.uniform(70, 110))
    put_text(sh, (60, 80), title, font_at(bold, tsize), ink)
    y, body = 80 + tsize * 2, float(rng.uniform(34, 48))
    for line in lines:
        put_text(sh, (60, y), line, font_at(reg, body), ink)
        y += body * 1.8
    sh.draw.ellipse((w * 0.3, y + 40, w * 0.7, y + 40 + w * 0.4), fill=tuple(255 - c for c in bg))
    put_text(
        sh, (60, h - body * 2), "Infection Prevention and Control", font_at(reg, body * 0.7), ink
    )
    return sh


def sign(fake: Faker, rng: np.random.Generator) -> Sheet:
    text = str(V.choice(rng, SIGNS))
    size = float(rng.uniform(50, 80))
    f = font_at(pick_path("sans_bold", rng), size)
    w, h = int(f.getlength(text) + size * 1.6), int(size * 2.2)
    bg = tuple(
        int(c)
        for c in rng.choice(
            [[20, 70, 140], [250, 250, 250], [30, 120, 60], [200, 30, 30], [240, 200, 40]]
        )
    )
    sh = new_sheet(w, h, bg)
    put_text(
        sh, (size * 0.8, size * 0.5), text, f, (255, 255, 255) if sum(bg) < 500 else (10, 10, 10)
    )
    return sh


def bulletin(fake: Faker, rng: np.random.Generator) -> Sheet:
    """Clean: a staff bulletin with event notes, no names and no personal dates."""
    w, h = int(rng.integers(1500, 1900)), int(rng.integers(1100, 1400))
    sh = new_sheet(w, h, (180, 140, 95))  # cork
    d = ImageDraw.Draw(sh.img)
    items = [
        "Skills fair Tuesday 10:00-14:00, Conf Room B",
        "Badges must be visible at all times",
        "Unit meeting minutes are in the shared drive",
        "98% hand hygiene - great work team!",
        "New IV pumps: training sign-up at the desk",
        "Parking lot C closed for repairs",
        "Remember to complete annual compliance modules",
        "Potluck Friday in the break room",
    ]
    reg = pick_path(str(V.choice(rng, ("sans", "serif", "hand"))), rng)
    body = float(rng.uniform(44, 64))  # big enough to wrap: notes are read across a room
    for k, i in enumerate(rng.permutation(len(items))[:4]):
        x, y = 40 + (k % 2) * (w / 2), 80 + (k // 2) * (h / 2 - 40)
        d.rectangle((x, y, x + w / 2 - 80, y + h / 2 - 140), fill=(250, 250, 245))
        words, line, yy = items[int(i)].split(), "", y + 30
        for word in words:  # wrap by hand so each printed line is its own label
            if font_at(reg, body).getlength(line + " " + word) > w / 2 - 140 and line:
                put_text(sh, (x + 25, yy), line, font_at(reg, body), (20, 20, 30))
                line, yy = word, yy + body * 1.5
            else:
                line = f"{line} {word}".strip()
        put_text(sh, (x + 25, yy), line, font_at(reg, body), (20, 20, 30))
    return sh


def paper_damage(sh: Sheet, rng: np.random.Generator) -> None:
    """Creases, a coffee ring and faded toner: what a form on a cart looks like."""
    w, h = sh.size
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    for _ in range(int(rng.integers(0, 3))):  # fold lines, one lit side and one shaded
        y = float(rng.uniform(0.2, 0.8) * h)
        d.line((0, y, w, y + rng.uniform(-30, 30)), fill=(255, 255, 255, 90), width=3)
        d.line((0, y + 3, w, y + 3 + rng.uniform(-30, 30)), fill=(0, 0, 0, 45), width=2)
    if rng.random() < 0.4:
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(60, 160)
        d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(120, 80, 30, 110), width=8)
    sh.img.alpha_composite(layer)
    if rng.random() < 0.4:  # toner running low: a pale vertical band
        x0 = int(rng.uniform(0, 0.7) * w)
        band = sh.img.crop((x0, 0, x0 + int(w * rng.uniform(0.1, 0.3)), h))
        pale = Image.blend(
            band, Image.new("RGBA", band.size, (245, 245, 240, 255)), float(rng.uniform(0.25, 0.5))
        )
        sh.img.paste(pale, (x0, 0))
