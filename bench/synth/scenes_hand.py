"""Handwritten and small objects: sticky note, wristband (the whiteboard: scenes_board.py)."""

from __future__ import annotations

import numpy as np
from faker import Faker
from PIL import ImageFilter

from bench.synth import values as V
from bench.synth.codes import code128_modules, put_barcode, put_qr
from bench.synth.fonts import font_at, pick_path
from bench.synth.sheet import Part, Sheet, new_sheet, put_rotated, put_text

MARKERS = ((20, 30, 150), (15, 15, 20), (170, 25, 25), (20, 110, 50), (90, 40, 140))
STICKY = ((255, 238, 120), (255, 180, 200), (170, 230, 160), (160, 210, 255), (255, 200, 120))


def jitter(rng: np.random.Generator, a: float = 3.0) -> float:
    return float(rng.uniform(-a, a))


def _blank_note(rng: np.random.Generator) -> tuple[Sheet, int, str, tuple[int, int, int]]:
    """A square note of a sticky-note colour, and the hand and marker it is written in."""
    side = int(rng.integers(420, 620))
    sh = new_sheet(side, side, STICKY[int(rng.integers(len(STICKY)))])
    return sh, side, pick_path("hand", rng), MARKERS[int(rng.integers(len(MARKERS)))]


def sticky_note(fake: Faker, rng: np.random.Generator) -> Sheet:
    sh, side, hand, ink = _blank_note(rng)
    lines = _sticky_lines(fake, rng)
    size = side / rng.uniform(9, 13)
    longest = max(("".join(p[0] for p in parts) for parts in lines), key=len)
    # Shrink the hand until the longest line fits the note, as a writer would.
    while font_at(hand, size).getlength(longest) > side * 0.85 and size > 14:
        size *= 0.92
    f = font_at(hand, size)
    y = size * 0.8
    for parts in lines:
        if parts:
            put_rotated(sh, (size * 0.6, y), parts, f, ink, jitter(rng, 4))
        y += size * 1.6
    return sh


MEMOS = (
    ("Huddle 2pm",),
    ("Order gloves", "size M"),
    ("Thank you", "night shift!"),
    ("Fire drill Thu",),
    ("Call facilities", "ext 4410"),
    ("Bring snacks", "Friday"),
    ("Pump 3 to", "biomed"),
)


def memo_note(fake: Faker, rng: np.random.Generator) -> Sheet:
    """Clean: a sticky note with an ordinary reminder, no login, no PHI."""
    sh, side, hand, ink = _blank_note(rng)
    lines = MEMOS[int(rng.integers(len(MEMOS)))]
    f = font_at(hand, side / rng.uniform(7, 10))
    for i, line in enumerate(lines):
        put_rotated(sh, (side * 0.08, side * (0.12 + 0.2 * i)), line, f, ink, jitter(rng, 4))
    return sh


SYSTEMS = ("Epic", "Pyxis", "PACS", "wifi", "Citrix", "lab portal", "Omnicell", "VPN", "")
Line = list[Part]


def _sticky_lines(fake: Faker, rng: np.random.Generator) -> list[Line]:
    """What is scribbled on the note, top to bottom; an empty list is a blank line. The
    secrets are CREDENTIAL whatever the layout: people write them every which way."""
    layout = int(rng.integers(7))
    if layout == 5:
        lines = _pin_lines(rng)
    elif layout == 6:
        lines = _wifi_lines(fake, rng)
    else:
        lines = _login_lines(fake, rng, layout)
    if rng.random() < 0.3:  # a patient call-back next to the password, as happens
        _first, last, _ = V.person(fake, rng)
        lines += [
            [],
            [("call ", None), (f"Mrs. {last}", "PERSON", "patient")],
            [(V.phone(rng), "PHONE_NUMBER")],
        ]
    return lines


def _login_lines(fake: Faker, rng: np.random.Generator, layout: int) -> list[Line]:
    """A user name and password: labelled on two lines, "user / pw" under a heading,
    "Epic: user / pw" on one line, two bare lines, or the password alone."""
    user, pw = V.credential_pair(fake, rng)
    system = str(V.choice(rng, SYSTEMS))
    word = str(V.choice(rng, ("login", "login", "pw", "")))
    head: list[Line] = [[(f"{system} {word}".strip(), None)]] if system else []
    if layout in (0, 1):
        lab_u, lab_p = _pair(rng, (("user: ", "pw: "), ("U: ", "P: "), ("login ", "pass ")))
        return [*head, [(lab_u, None), (user, "CREDENTIAL")], [(lab_p, None), (pw, "CREDENTIAL")]]
    if layout == 2:
        return [*head, [(user, "CREDENTIAL"), (" / ", None), (pw, "CREDENTIAL")]]
    if layout == 3:
        sep = str(V.choice(rng, (": ", " - ", " ")))
        system = system or "Epic"
        return [[(f"{system}{sep}", None), (user, "CREDENTIAL"), (" / ", None), (pw, "CREDENTIAL")]]
    if rng.random() < 0.5:  # two bare lines, nothing says what they are
        return [[(user, "CREDENTIAL")], [(pw, "CREDENTIAL")]]
    label = str(V.choice(rng, ("pw: ", "PW ", "password: ", "pass - ", "new pw ")))
    return [*head, [(label, None), (pw, "CREDENTIAL")]]


def _pin_lines(rng: np.random.Generator) -> list[Line]:
    """A dispensing-cabinet PIN or a door code: digits alone are the secret."""
    what = str(V.choice(rng, ("Pyxis PIN", "PIN", "door code", "med room", "lockbox", "alarm")))
    pin = V.digits(rng, int(rng.integers(4, 7))) + ("#" if rng.random() < 0.2 else "")
    if rng.random() < 0.5:
        return [[(f"{what} ", None), (pin, "CREDENTIAL")]]
    return [[(what, None)], [(pin, "CREDENTIAL")]]


def _wifi_lines(fake: Faker, rng: np.random.Generator) -> list[Line]:
    """A wifi network and its key. The network name is broadcast to anyone nearby, so it
    is ordinary text; the key is the CREDENTIAL."""
    ssid = str(V.choice(rng, ("StaffNet", "HOSP-Staff", "MedNet-5G", "Clinical_WiFi", "4W-Staff")))
    _user, key = V.credential_pair(fake, rng)
    lab_n, lab_k = _pair(rng, (("wifi: ", "key: "), ("WiFi ", "pw "), ("network: ", "pass: ")))
    return [[(f"{lab_n}{ssid}", None)], [(lab_k, None), (key, "CREDENTIAL")]]


def _pair(rng: np.random.Generator, pairs: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    return pairs[int(rng.integers(len(pairs)))]


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
