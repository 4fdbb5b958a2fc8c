"""Front-camera selfies can store text mirrored; Tesseract then reads garbage.

When most of what Tesseract read is low-confidence noise, the mirror image is read
too and its findings are mapped back onto the original pixels. Measured with
bench/media_measure.py: on mirrored synthetic charts the plain read found 0 of the
planted MRNs, phones and e-mails, the extra read found them as on unmirrored charts;
it never triggered on the unmirrored charts, nor on photos without text (Tesseract
reads no word there), so it costs one more OCR (~0.5 s) only where it pays.
"""

from __future__ import annotations

from dataclasses import replace

from phiguard.models import Box, Finding, Word

MIN_WORDS = 3  # below this there is too little to judge, and too little to lose
GOOD_CONF = 60


def _good(w: Word) -> bool:
    return w.conf >= GOOD_CONF and sum(c.isalnum() for c in w.text) >= 2


def looks_mirrored(words: list[Word]) -> bool:
    """Many words but few read with confidence: the text may be mirrored."""
    if len(words) < MIN_WORDS:
        return False
    return sum(_good(w) for w in words) < 0.5 * len(words)


def unmirror(findings: list[Finding], width: int) -> list[Finding]:
    """Findings read on the mirror image, with boxes flipped back onto the original."""
    return [
        replace(
            f,
            boxes=tuple(Box(width - b.x - b.w, b.y, b.w, b.h) for b in f.boxes),
            source=f"{f.source}:mirrored",
        )
        for f in findings
    ]
