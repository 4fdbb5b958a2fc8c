"""Blocks of text that look like a patient record, and what that changes.

A census board or a patient list labels its columns once ("Room | Patient | MRN | DOB");
the values below sit far from their label, beyond the few words Presidio looks back
over, so a bare 8-digit number or a bare date stays under its threshold. Inside a block
whose words look like a record, such weak candidates count. The block itself is
reported too (CHART_SCREEN, or WRISTBAND when it carries a barcode), and so is a record
block we could not read with confidence (NEEDS_REVIEW): the photo is then not clean.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from phiguard.analyze import OcrText
from phiguard.lexicon import is_first_name, layout_cues
from phiguard.models import Box, Finding, Word
from phiguard.ocr import Block

# Weak candidates that a record block lifts: a bare MRN-shaped number (0.2), a bare
# date (0.3), a "Last, First" name without a label (0.2) all pass their threshold.
BOOSTED = frozenset({"MRN", "DATE", "PERSON", "ACCOUNT_NUMBER", "HEALTH_PLAN_ID",
                     "PHONE_NUMBER", "AGE_OVER_89", "STREET_ADDRESS"})  # fmt: skip
# On a sticky note only a phone number and a titled name are lifted (by recognizer):
# spaCy's guesses ("ORDER GLOVES") and lone first names ("Thu") on a memo, or a date
# ("Fire drill Thu"), are no one's record.
NOTE_LIFTED = ("PhoneRecognizer", "PhoneShapeRecognizer", "TitledNameRecognizer")
FLOOR = 0.15
BOOST = 0.4
LOW_CONF = 55  # Tesseract's word confidence below which a word is a guess
REVIEW_SHARE = 0.35  # this share of guessed words makes a record block unreadable
# A block outside any record is text read as noise when it has this many words and at
# least half of them fall below NOISE_CONF. Measured: a dark patient list in 8 px text
# and a census board read as noise had medians of 64-78; 3 of 75 clean photos of five
# seeds hold such a block, readable text scores about 100. A census table read as
# "Orthe Ceasus maucly twall.2 Romae Lotae" had half its words unsure but a median of 86
# (seed 61, reported clean). On four seeds no clean photo is newly flagged: besides
# seed 7's photo_045 (flagged before, median 64), none has a block of 8 words or more
# with over 42% of them unsure.
NOISE_WORDS = 8
NOISE_CONF = 80
_PUNCT = re.compile(r"[^\w#\s]")
_GLUED = re.compile(r":(?=\S)")


@dataclass(frozen=True)
class Record:
    """Blocks that together look like a patient record, and the cue words that said so.

    A table is read as one block per column (the gaps between columns are wide), so the
    "Patient" column alone has one cue; with its neighbours "MRN" and "DOB" it is a record.
    """

    blocks: tuple[Block, ...]
    cues: frozenset[str]
    box: Box


def _norm(text: str) -> str:
    # OCR often glues a label to its value ("DOB:7/21/1972"): the colon parts them.
    return " ".join(_PUNCT.sub("", _GLUED.sub(" ", text.lower())).split())


# A label word this long still counts with one letter misread: a census board's
# handwritten "Precautions" read "Trecautions" (seed 79). Shorter ones ("room", "rn",
# "bed") would turn ordinary words into labels.
FUZZY_CUE = 7


def cues_in(words: tuple[Word, ...]) -> frozenset[str]:
    text = f" {_norm(' '.join(w.text for w in words))} "
    c = layout_cues()
    cues = c.strong | c.weak
    found = {cue for cue in cues if f" {_norm(cue)} " in text}
    long = [cue for cue in cues - found if len(cue) >= FUZZY_CUE and cue.isalpha()]
    misread = {cue for tok in set(text.split()) for cue in long if _one_off(tok, cue)}
    return frozenset(found | misread)


def _one_off(word: str, cue: str) -> bool:
    """One letter of `cue` read as another, not its last: "discharges" on a dashboard
    is a word of its own, not a misread "discharged"."""
    return (len(word) == len(cue) and word[-1] == cue[-1]
            and sum(a != b for a, b in zip(word, cue, strict=True)) == 1)  # fmt: skip


def _neighbours(blocks: list[Block]) -> list[list[Block]]:
    """Region blocks within a few line heights of each other, grouped (union-find)."""
    parent = list(range(len(blocks)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    grown = []
    for b in blocks:
        assert b.region is not None
        # The words' own height too: on a marker-written board the strokes come apart
        # into small blobs, and the region's line height is a third of the real one.
        text_h = max(b.region.line_height, float(np.median([w.box.h for w in b.words])))
        pad = int(4 * text_h)
        grown.append(b.region.box.padded(pad, 10**6, 10**6))
    for i in range(len(blocks)):
        for j in range(i + 1, len(blocks)):
            if grown[i].intersection(grown[j]) > 0:
                parent[root(i)] = root(j)
    groups: dict[int, list[Block]] = {}
    for i, b in enumerate(blocks):
        groups.setdefault(root(i), []).append(b)
    return list(groups.values())


# A patient list photographed without its header row has no label words; its rows still
# repeat an ID, a date and a "Last, First" name. Two of these kinds, each REPEATS times.
REPEATS = 3
_ROW_VALUES = {
    "id": re.compile(r"(?<![\w/.-])[A-Z]?\d{6,10}(?![\w/.-])|(?<!\d)\d{3}-\d{2}-\d{3,4}(?!\d)"),
    "date": re.compile(
        r"(?<!\d)\d{1,2}/\d{1,2}/\d{2,4}(?!\d)|(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)"
        r"|\b[A-Z][a-z]{2} \d{1,2}, \d{4}\b|\b\d{1,2}-[A-Z][a-z]{2}-\d{4}\b"
    ),
    "name": re.compile(r"\b[A-Z][A-Za-z'-]{1,20}, [A-Z][A-Za-z'-]*\b"),
}
# A name as a list writes it with an initial: "L. Reed", "Tracy R", "Hurst, N". Looser
# than decide._INITIALLED (which needs the stop): here four of them are needed, not one.
_LISTED_NAME = re.compile(
    r"(?<![\w.])[A-Z]\.\s?[A-Z][a-z]{2,}\b|\b[A-Z][a-z]{2,}(?:,\s?| )[A-Z]\b\.?(?![\w.])"
)
LISTED_NAMES = 4  # names written so, or known first names, in one block: a list of people
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{2,}\b")


_CALENDAR = re.compile(
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|may|june"
    r"|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?"
    r"|oct|nov|dec)\b",
    re.I,
)


def looks_tabular(text: str, cued: bool = False) -> bool:
    """Rows of IDs, dates and names, without any label word; or, beside a weak label
    word (`cued`: "4 West Census"), two "Last, First" names: a census board's names in
    marker, the rest of its cells read as noise (seed 47 photo_043, nine names); or four
    names written as lists write them ("L. Reed", "Tracy R", "Hurst, N") or known first
    names on their own ("Karen", "Lisa", "Donald": a board's nurse column, its headers
    read as noise), label or not."""
    found = {kind: rx.findall(text) for kind, rx in _ROW_VALUES.items()}
    kinds = sum(len(values) >= REPEATS for values in found.values())
    names = [n for n in found["name"] if not _CALENDAR.match(n)]
    listed = set(_LISTED_NAME.findall(text)) | set(names)
    listed |= {w for w in _CAPITALISED.findall(text) if is_first_name(w)}
    listed = {n for n in listed if not _CALENDAR.match(n)}  # "May", "June" are months here
    return kinds >= 2 or (cued and len(names) >= REPEATS - 1) or len(listed) >= LISTED_NAMES


def identifies(text: str) -> bool:
    """An ID number beside a birth date: a wristband or label whose label words were cut
    off or misread ("MANDA DB: 11/21/34 15014466 Bowers", seed 41 photo_002, reported
    clean). A supply label's lot number and expiry, or a form's revision date, is no
    birth date."""
    dates = _ROW_VALUES["date"].findall(text)
    return bool(_ROW_VALUES["id"].search(text)) and any(map(_born, dates))


def _unlabelled(text: str, cued: bool) -> str | None:
    """What makes a block without enough label words a record, if anything."""
    if looks_tabular(text, cued):
        return "rows of ids, dates, names"
    return "an id and a birth date" if identifies(text) else None


def _born(date: str) -> bool:
    """A date of the last century: a birth date, not a form's revision or an expiry."""
    year = re.findall(r"\d+", date)[-1] if not re.match(r"\d{4}-", date) else date[:4]
    if len(year) == 4:
        return year.startswith("19")
    return int(year) > datetime.date.today().year % 100


def records(blocks: list[Block]) -> list[Record]:
    """Groups of neighbouring region blocks whose words look like a patient record."""
    c = layout_cues()
    out = []
    for group in _neighbours([b for b in blocks if b.region is not None and b.words]):
        words = tuple(w for b in group for w in b.words)
        cues = cues_in(words)
        if not (cues & c.strong or len(cues & c.weak) >= 3):
            shape = _unlabelled(" ".join(w.text for w in words), bool(cues))
            if shape is None:
                continue
            cues |= {shape}
        box = Box.around(b.region.box for b in group)  # type: ignore[union-attr]
        out.append(Record(tuple(group), cues, box))
    return out


def boost(
    cands: list[Finding], ocr: OcrText, recs: list[Record], notes: Sequence[Box] = ()
) -> list[Finding]:
    """Lift weak candidates that lie inside a record (by position: any reading counts),
    or a phone number or titled name in the writing on a sticky note (`notes`): a note
    is somebody's scribble, and "CALL MRS. BARNETT" over a phone number on one is a
    patient's contact, where the same words on a poster would be staff."""
    if not recs and not notes:
        return cands
    areas = [r.box for r in recs]
    out = []
    for f in cands:
        weak = f.entity_type in BOOSTED and f.score >= FLOOR
        if weak and _inside(f, ocr, areas):
            f = _lifted(f, "+record")
        elif weak and f.source.endswith(NOTE_LIFTED) and _inside(f, ocr, notes):
            f = _lifted(f, "+note")
        out.append(f)
    return out


def _lifted(f: Finding, why: str) -> Finding:
    return replace(f, score=round(min(1.0, f.score + BOOST), 3), source=f.source + why)


def _inside(f: Finding, ocr: OcrText, areas: Sequence[Box]) -> bool:
    if f.start is None or f.end is None:
        return False
    boxes = [ocr.words[i].box for s, e, i in ocr.spans if s < f.end and e > f.start]
    return bool(boxes) and all(any(b.centre_in(a) for a in areas) for b in boxes)


def block_findings(recs: list[Record], codes: list[Finding]) -> list[Finding]:
    """One CHART_SCREEN (or WRISTBAND) per record block, plus NEEDS_REVIEW where unreadable."""
    out = []
    for r in recs:
        box = r.box
        kind = "WRISTBAND" if any(_near(b, box) for c in codes for b in c.boxes) else "CHART_SCREEN"
        label = ", ".join(sorted(r.cues))  # cue words are labels, never values
        out.append(Finding(kind, min(1.0, 0.5 + 0.1 * len(r.cues)), label, boxes=(box,),
                           source="layout:record"))  # fmt: skip
        words = [w for b in r.blocks for w in b.words]
        guessed = sum(w.conf < LOW_CONF for w in words)
        if guessed >= REVIEW_SHARE * len(words):
            out.append(Finding("NEEDS_REVIEW", 1.0, f"{guessed} of {len(words)} words unsure",
                               boxes=(box,), source="layout:unreadable"))  # fmt: skip
    return out


def noise_findings(blocks: list[Block], recs: list[Record]) -> list[Finding]:
    """NEEDS_REVIEW over each block read as noise that no record holds: text was there
    and we could not read it, so the photo is not clean (fail closed). Without label
    words we cannot tell a chart from a poster in a stylised font, so it is shown, not
    blurred (blurred with --strict)."""
    held = {id(b) for r in recs for b in r.blocks}
    out = []
    for b in blocks:
        if b.region is None or id(b) in held or not read_as_noise(b):
            continue
        out.append(Finding("NEEDS_REVIEW", 0.6, f"text read as noise: {_unsure(b)} of "
                           f"{len(b.words)} words unsure", boxes=(b.region.box,),
                           source="layout:noise"))  # fmt: skip
    return out


def read_as_noise(b: Block) -> bool:
    """Whether half or more of a block's words (at least NOISE_WORDS of them) are unsure."""
    return len(b.words) >= NOISE_WORDS and _unsure(b) >= 0.5 * len(b.words)


def _unsure(b: Block) -> int:
    return sum(w.conf < NOISE_CONF for w in b.words)


def _near(code: Box, block: Box) -> bool:
    grown = block.padded(max(block.h, 40), 10**6, 10**6)
    return code.intersection(grown) > 0.5 * code.area
