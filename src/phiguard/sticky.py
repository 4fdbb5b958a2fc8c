"""Sticky notes with writing we could not read.

A note stuck to a monitor bezel holds a login more often than anything else, and in a
photo its handwriting is often 8-12 px high and blurred: no reader gets the password
out of it, yet someone zooming into the posted photo might. So a pastel square with
pen strokes on it (a sticky note) whose writing was not read as ordinary words is a
finding over the writing: STICKY_NOTE, blurred, in a photo that holds PHI; NEEDS_REVIEW
in one that does not. A note we did read ("Huddle at 2") is left alone; credentials
read on it are findings of their own.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

from phiguard.models import Box, Finding, Word
from phiguard.ocr import Block

KIND = "STICKY_NOTE"
WORK_SIDE = 800  # notes are looked for on a copy this size: they are 55+ px wide
HUE_STEP = 10
# (saturation, value) a note's paper is at least, tried in turn: any pastel; bright
# paper; coloured paper; paper in dim light (HSV, 0-255). The second and third split a
# note from what it touches: a lit wall of its own hue, a white label with a colour
# cast. The last, tried after the others, finds notes in a dark corner or an
# underexposed photo, their paper at 120-160 (seeds 7, 29, 65: a login on a note whose
# photo was reported clean).
PAPER_FLOORS = ((40, 160), (40, 215), (65, 160), (40, 120))
AREA = (0.001, 0.15)  # share of the photo: a 55-px note 2,000 px away (0.1%) to a close-up (8%)
# A close-up note fills up to 30% of the photo (seed 89's 20%: "LOCKBOX 3952", a name and
# a phone number, reported clean). So big, only a nearly square one: a note is square and
# seen close it is seen nearly head-on; the pastel posters that took 17-31% of clean
# photos were 0.79-0.87 (A4 is 0.71, letter 0.77), the note 0.95.
CLOSE_UP = (0.3, 0.92)  # (share of the photo, least side ratio)
PAPER_SHARE = 0.8  # of the note's outline is paper of its colour (the rest is writing)
SQUARE = 0.72  # its sides' ratio is at least this (a note is about square)
# Its outline fills this share of its rotated bounding rectangle; a note seen in
# perspective is a trapezoid (0.84 for one in the bench at 0.85).
FILLED = 0.8
INK_DROP = 35  # ink is this much darker than the paper (0-255)
MIN_STROKES = 3
# Pen strokes grow with the note: on a note `side` px wide, MIN_STROKES marks of at
# least (side / MARK_SCALE)^2 px. Camera noise on a blank patch in dim light makes
# specks of 4-10 px whatever the patch's size (a 330-px blurred square read as a
# note with ten "strokes").
MARK_SCALE = 60
READ_CONF = 80  # PP-OCR or Tesseract confidence of words read as ordinary text
MAX_LABELS = 4  # short words (labels, an app's name) beside the codes of a login


def note_findings(
    gray: np.ndarray, blocks: list[Block], blur: bool, writings: list[Box]
) -> list[Finding]:
    """Findings for the writing on each sticky note in the photo.

    A password-shaped word read on a note ("Summer24!") makes the writing a CREDENTIAL,
    labelled or not: two bare lines on a note by a workstation are a login; so do a few
    tokens of letters and digits and nothing else ("davis44", "Summer20207"), and any
    writing under a login's label ("PW", "wifi", "user"). Writing not
    read as plain words is STICKY_NOTE (blurred) when `blur`, that is when the photo is
    being redacted anyway (a chart, a name, a wristband in it); in a photo otherwise
    clean it is NEEDS_REVIEW: a person looks, and a reminder ("Huddle 2pm") is not
    blurred out of an innocent photo. `gray`: the photo in grayscale; `writings`: the
    notes' writing (writing_on_notes).
    """
    words = [w for b in blocks for w in b.words]
    out = []
    for writing in writings:
        inside = [w for w in words if w.box.centre_in(writing)]
        # A word read from the writing may run past it where light across the note left
        # its corner out of the paper found (a password's last 60 px, seed 103).
        whole = Box.around([writing, *(w.box for w in inside)])
        if secret := secret_in(inside):
            out.append(Finding("CREDENTIAL", 0.7, secret, boxes=(whole,),
                               source="layout:sticky-note"))  # fmt: skip
        elif not is_plain(gray, writing, inside):
            out.append(Finding(KIND if blur else "NEEDS_REVIEW", 0.7,
                               f"sticky note: {len(inside)} words read, not as plain text",
                               boxes=(whole,), source="layout:sticky-note"))  # fmt: skip
    return out


def secret_in(words: list[Word]) -> str | None:
    """The password read on a note, "login" for a login written down, or None."""
    secret = next((w.text for w in words if _PASSWORD.fullmatch(w.text.strip())), None)
    return secret or ("login" if _login_pair(words) or _labelled(words) else None)


def is_plain(gray: np.ndarray, writing: Box, words: list[Word]) -> bool:
    """Read with confidence as plain words, all of its ink."""
    return _ordinary(words) and _all_read(gray, writing, words)


def writing_on_notes(rgb: np.ndarray, gray: np.ndarray | None = None) -> list[Box]:
    """The box round the pen strokes on each sticky note in the photo (`gray`: the
    photo in grayscale, where the caller has it already)."""
    scale = min(1.0, WORK_SIDE / max(rgb.shape[:2]))
    small = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    if gray is None:
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    found: list[list[Box]] = [[] for _ in PAPER_FLOORS]
    # A note is paper lit like the wall behind it or brighter: on a peach wall of its own
    # hue it is its own shape only above the wall's brightness (seed 29's photo_002).
    papers = [((hsv[..., 1] >= sat) & (hsv[..., 1] <= 175) & (hsv[..., 2] >= val)).astype(np.uint8)
              for sat, val in PAPER_FLOORS]  # fmt: skip
    hues = np.arange(256, dtype=np.int16)
    # One hue at a time: a yellow note on a pale aqua wall is its own shape only in its
    # own colour (opencv hue runs 0-179; bins overlap so a note is never split).
    for centre in range(0, 180, HUE_STEP):
        lut = (np.abs((hues - centre + 90) % 180 - 90) <= HUE_STEP).astype(np.uint8)
        near = cv2.LUT(hsv[..., 0], lut)  # a table lookup: 18 hues, cheaply
        for i, paper in enumerate(papers):
            found[i] += _notes_in(cv2.bitwise_and(paper, near), hsv, gray, centre, scale)
    # The loosest floor's shape first: a note's whole paper, where it stands alone.
    return _distinct([b for boxes in found for b in boxes])


def _notes_in(mask: np.ndarray, hsv: np.ndarray, gray: np.ndarray, centre: int,
              scale: float) -> list[Box]:  # fmt: skip
    """The writing on each note-shaped patch of one colour (mask on the small copy)."""
    if np.count_nonzero(mask) < AREA[0] * mask.size:
        return []  # no note's worth of this colour: most hues of most photos
    paper = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for c in contours:
        area = cv2.contourArea(c) / mask.size
        square = SQUARE if area <= AREA[1] else CLOSE_UP[1]
        if (
            AREA[0] <= area <= CLOSE_UP[0]
            and _note_shaped(c, square)
            and _one_colour(hsv, paper, c, centre)
        ):
            box = _strokes(gray, (c / scale).astype(np.int32))
            if box is not None:
                out.append(box)
    return out


def _distinct(boxes: list[Box]) -> list[Box]:
    out: list[Box] = []
    for b in boxes:
        if not any(b.intersection(o) > 0.5 * min(b.area, o.area) for o in out):
            out.append(b)
    return out


def _note_shaped(c: np.ndarray, square: float = SQUARE) -> bool:
    (_, _), (w, h), _ = cv2.minAreaRect(c)
    if min(w, h) < square * max(w, h):
        return False
    return bool(cv2.contourArea(cv2.convexHull(c)) >= FILLED * w * h)


def _one_colour(hsv: np.ndarray, paper: np.ndarray, c: np.ndarray, centre: int) -> bool:
    """Not a poster, a photo, a gradient, or a cork board with white sheets pinned on it:
    the note is of one hue all over, writing apart."""
    filled = np.zeros_like(paper)
    cv2.drawContours(filled, [cv2.convexHull(c)], -1, 1, -1)
    on = (filled > 0) & (paper > 0)
    if on.sum() < 50 or on.sum() < PAPER_SHARE * filled.sum():
        return False
    # Hue is an angle: a pink note's pixels sit at 178 and 2, which are 4 apart, not 176.
    hue = (hsv[..., 0][on].astype(np.int16) - centre + 90) % 180 - 90
    return float(np.std(hue)) <= 12


def _strokes(gray: np.ndarray, c: np.ndarray) -> Box | None:
    """Small dark marks inside the note (full resolution): pen writing, not a line."""
    x, y, w, h = cv2.boundingRect(c)
    crop = gray[y : y + h, x : x + w]
    filled = np.zeros_like(crop)
    cv2.drawContours(filled, [cv2.convexHull(c - [x, y])], -1, 1, -1)
    m = max(3, int(0.04 * min(w, h)))  # not the note's shaded edge
    filled = cv2.erode(filled, np.ones((m, m), np.uint8))
    if filled.sum() < 100:
        return None
    ink = (filled > 0) & (crop < np.median(crop[filled > 0]) - INK_DROP)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8))
    side = float(np.sqrt(filled.sum()))
    marks = [s for s in stats[1:] if s[4] >= 4 and s[3] <= 0.2 * side and s[2] <= 0.6 * side]
    least = max(4.0, (side / MARK_SCALE) ** 2)
    if sum(1 for s in marks if s[4] >= least) < MIN_STROKES:
        return None
    x0, y0 = min(s[0] for s in marks), min(s[1] for s in marks)
    x1, y1 = max(s[0] + s[2] for s in marks), max(s[1] + s[3] for s in marks)
    if x1 - x0 < 0.6 * (y1 - y0):
        return None  # lines of writing are wider than tall; an edge's shadow is not
    pad = max(3, int(0.02 * side))
    return Box(int(x + x0 - pad), int(y + y0 - pad), int(x1 - x0 + 2 * pad), int(y1 - y0 + 2 * pad))


# A password's shape: 6-24 characters without spaces, letters and digits, and a symbol
# or a capital inside the word ("Summer24!", "kx7Qp2zz"); not "x4821", "10:30am",
# "Rm412B" (a capital at the start is a word's), "MRN:00731942" (a label's colon).
_PASSWORD = re.compile(
    r"(?=\S*[A-Za-z]\S*[A-Za-z])(?=\S*\d)(?=\S*[!@#$%^&*+=?~_]|\S*[a-z]\S*[A-Z])[^\s:]{6,24}"
)


# A user name or a password misread ("davis44", "eclayto3", "Summer20207" for
# "Summer2020!"): a run of three letters and a digit in one token of 6-24 characters.
_CODE = re.compile(r"(?=\S*[A-Za-z]{3})(?=\S*\d)[^\s:]{6,24}")


def _login_pair(words: list[Word]) -> bool:
    """A login written down: two to four such tokens and nothing else ("davis44" over
    "Summer2020!"), or beside a few short words with a label's colon among them ("Citrix
    pw / user: johnson65 / pw: Garden028#" in a script, read "po", "waer:",
    "po:Garden028"). A reminder has plain words ("Huddle 2pm")."""
    tokens = [t.strip(".,;") for w in words for t in re.split(r"[:/|]", w.text)]
    tokens = [t for t in tokens if t]
    others = [t for t in tokens if not _CODE.fullmatch(t)]
    codes = len(tokens) - len(others)
    # "U: eclayto3 / P: Spring63$" read "U", "eclayto3", "P.", "Spring635": the colons
    # lost, the one-letter labels are still a login's (seed 41, a photo reported clean).
    labelled = any(":" in w.text for w in words) or all(t.lower() in _LETTER_LABELS for t in others)
    fits = not others or (labelled and len(others) <= MAX_LABELS and max(map(len, others)) <= 8)
    return 2 <= codes <= 4 and fits


_LETTER_LABELS = frozenset(("u", "p", "l", "id", "un", "pw"))  # user, password, login


# What a note says its secret is. A note by a workstation that names one holds it, however
# the secret itself was (mis)read: "PW WELCOMEOOS" for "PW Welcome00$". ("pass" is left
# out: a bus or visitor pass; "code": a code blue.)
_LABELS = frozenset(("pw", "pwd", "passwd", "password", "passcode", "login", "logon", "user",
                     "username", "userid", "pin", "wifi", "wi-fi"))  # fmt: skip


# "Password03$" read "PASSWORDO35": the label word is the secret's own start.
_PASSWORD_WORD = re.compile(r"pass?w[o0]rd\w*\d", re.I)


def _labelled(words: list[Word]) -> bool:
    tokens = [t for w in words for t in re.split(r"[^\w-]+", w.text) if t]
    return any(t.lower() in _LABELS or _PASSWORD_WORD.match(t) for t in tokens)


READ_INK = 0.7  # share of a note's ink under the words read off it


def _all_read(gray: np.ndarray, writing: Box, words: list[Word]) -> bool:
    """Whether the words read cover the writing's ink: one word read well ("login" read
    "togin", "dtucker" read "dhucker") says nothing of the line beside it that no
    reader made out ("bramirez / f3G6wReq(dTV", "/ Fall2025!": seeds 7 and 59)."""
    return ink_read(gray, writing, words) >= READ_INK


def ink_read(gray: np.ndarray, writing: Box, words: list[Word]) -> float:
    """The share of the writing's ink under the words read (1.0: no ink)."""
    h, w = gray.shape
    box, ink = ink_inside(gray, writing)
    if not ink.any():
        return 1.0
    read = np.zeros_like(ink)
    for word in words:
        b = word.box.padded(3, w, h)
        read[max(0, b.y - box.y) : b.bottom - box.y, max(0, b.x - box.x) : b.right - box.x] = 1
    return float((ink & read).sum() / ink.sum())


def ink_inside(gray: np.ndarray, writing: Box) -> tuple[Box, np.ndarray]:
    """The writing's box clipped to the photo, and its ink: darker than the paper."""
    box = writing.padded(0, gray.shape[1], gray.shape[0])
    crop = gray[box.y : box.bottom, box.x : box.right]
    return box, crop < np.median(crop) - INK_DROP


def _ordinary(words: list[Word]) -> bool:
    """Read with confidence as plain words ("Huddle at 2pm"), not a password's jumble."""
    if not words:
        return False
    plain = [w for w in words if w.conf >= READ_CONF and w.text.strip(".,!:-").isalpha()]
    return len(plain) >= 0.8 * len(words)
