"""Blocks of text that look like a patient record, and what that changes.

A census board or a patient list labels its columns once ("Room | Patient | MRN | DOB");
the values below sit far from their label, beyond the few words Presidio looks back
over, so a bare 8-digit number or a bare date stays under its threshold. Inside a block
whose words look like a record, such weak candidates count. The block itself is
reported too (CHART_SCREEN, or WRISTBAND when it carries a barcode), and so is a record
block we could not read with confidence (NEEDS_REVIEW): the photo is then not clean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from phiguard.analyze import OcrText
from phiguard.lexicon import layout_cues
from phiguard.models import Box, Finding, Word
from phiguard.ocr import Block

# Weak candidates that a record block lifts: a bare MRN-shaped number (0.2), a bare
# date (0.3), a "Last, First" name without a label (0.2) all pass their threshold.
BOOSTED = frozenset({"MRN", "DATE", "PERSON", "ACCOUNT_NUMBER", "HEALTH_PLAN_ID",
                     "PHONE_NUMBER", "AGE_OVER_89", "STREET_ADDRESS"})  # fmt: skip
FLOOR = 0.15
BOOST = 0.4
LOW_CONF = 55  # Tesseract's word confidence below which a word is a guess
REVIEW_SHARE = 0.35  # this share of guessed words makes a record block unreadable
_PUNCT = re.compile(r"[^\w#\s]")


@dataclass(frozen=True)
class Record:
    """A block that looks like a patient record, and the cue words that said so."""

    block: Block
    cues: frozenset[str]
    lines: frozenset[int]


def _norm(text: str) -> str:
    return " ".join(_PUNCT.sub("", text.lower()).split())


def cues_in(words: tuple[Word, ...]) -> frozenset[str]:
    text = f" {_norm(' '.join(w.text for w in words))} "
    c = layout_cues()
    return frozenset(cue for cue in c.strong | c.weak if f" {_norm(cue)} " in text)


def records(blocks: list[Block]) -> list[Record]:
    """Region blocks whose words look like a patient record."""
    c = layout_cues()
    out = []
    for b in blocks:
        if b.region is None or not b.words:
            continue
        cues = cues_in(b.words)
        if cues & c.strong or len(cues & c.weak) >= 3:
            out.append(Record(b, cues, frozenset(w.line for w in b.words)))
    return out


def boost(cands: list[Finding], ocr: OcrText, recs: list[Record]) -> list[Finding]:
    """Lift weak candidates whose words all lie in a record block."""
    lines = frozenset().union(*(r.lines for r in recs)) if recs else frozenset()
    if not lines:
        return cands
    out = []
    for f in cands:
        if f.entity_type in BOOSTED and f.score >= FLOOR and _inside(f, ocr, lines):
            f = replace(f, score=round(min(1.0, f.score + BOOST), 3), source=f.source + "+record")
        out.append(f)
    return out


def _inside(f: Finding, ocr: OcrText, lines: frozenset[int]) -> bool:
    hit = [ocr.words[i].line for s, e, i in ocr.spans
           if f.start is not None and f.end is not None and s < f.end and e > f.start]  # fmt: skip
    return bool(hit) and all(line in lines for line in hit)


def block_findings(recs: list[Record], codes: list[Finding]) -> list[Finding]:
    """One CHART_SCREEN (or WRISTBAND) per record block, plus NEEDS_REVIEW where unreadable."""
    out = []
    for r in recs:
        assert r.block.region is not None
        box = r.block.region.box
        kind = "WRISTBAND" if any(_near(b, box) for c in codes for b in c.boxes) else "CHART_SCREEN"
        label = ", ".join(sorted(r.cues))  # cue words are labels, never values
        out.append(Finding(kind, min(1.0, 0.5 + 0.1 * len(r.cues)), label, boxes=(box,),
                           source="layout:record"))  # fmt: skip
        words = r.block.words
        guessed = sum(w.conf < LOW_CONF for w in words)
        if guessed >= REVIEW_SHARE * len(words):
            out.append(Finding("NEEDS_REVIEW", 1.0, f"{guessed} of {len(words)} words unsure",
                               boxes=(box,), source="layout:unreadable"))  # fmt: skip
    return out


def _near(code: Box, block: Box) -> bool:
    grown = block.padded(max(block.h, 40), 10**6, 10**6)
    return code.intersection(grown) > 0.5 * code.area
