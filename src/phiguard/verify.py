"""Check a redaction before it is written: read every redacted area again with Tesseract
and fail if any flagged value can still be read there.

Blur and pixelate are sized from the text height (redact.py); this is the proof, per
file, that they were strong enough. Each area is read with a margin (a value whose box
was too tight shows its edges there), scaled so its text is about as tall as Tesseract
reads best, and what comes back is compared word by word with the flagged value,
allowing for OCR slips ("Garcla" for "Garcia").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PIL import Image

from phiguard.models import Box, Finding

# Findings OCR cannot confirm: faces and what a file says about itself have no text
# drawn in the pixels.
UNREADABLE_TYPES = frozenset({"FACE", "GPS_LOCATION", "METADATA", "CAPTURE_TIME", "DEVICE"})
MIN_TOKEN = 3  # "Dr", "J" and "12" match too much by chance to prove a leak
SIMILAR = 0.8  # difflib ratio for a word read back to count as the flagged word
TARGET_LINE_H = 30.0


@dataclass(frozen=True)
class Leak:
    """A flagged value still readable after redaction (the value itself is not kept)."""

    entity_type: str
    box: Box
    frame: int | None = None


def tokens(value: str) -> set[str]:
    """The words of a value worth looking for: letters and digits, lower-cased."""
    return {t for t in (w.lower() for w in re.findall(r"\w+", value)) if len(t) >= MIN_TOKEN}


def matches(wanted: set[str], read: Iterable[str]) -> bool:
    for word in read:
        for t in wanted:
            if t == word or (
                len(t) >= 4 and difflib.SequenceMatcher(None, t, word).ratio() >= SIMILAR
            ):
                return True
    return False


def read_area(image: Image.Image, box: Box, lang: str = "eng") -> list[str]:
    """Words Tesseract reads in `box` and a margin of one line around it."""
    from phiguard.ocr import OcrOptions, ocr_words

    area = box.padded(max(8, box.h), image.width, image.height)
    crop = image.crop((area.x, area.y, area.right, area.bottom))
    scale = min(4.0, max(1.0, TARGET_LINE_H / max(1, box.h)))
    words = ocr_words(crop, OcrOptions(lang=lang, psm=6, scale=scale))
    return [w.lower() for word in words for w in re.findall(r"\w+", word.text)]


def leaks(
    frames: Sequence[Image.Image], findings: Iterable[Finding], lang: str = "eng"
) -> list[Leak]:
    """Every finding whose value can still be read in the redacted frames."""
    out = []
    for f in findings:
        wanted = tokens(f.text)
        if f.entity_type in UNREADABLE_TYPES or not wanted:
            continue
        image = frames[f.frame or 0]
        for box in f.boxes:
            if box.area > 0 and matches(wanted, read_area(image, box, lang)):
                out.append(Leak(f.entity_type, box, f.frame))
    return out


def describe(found: list[Leak], style: str) -> str:
    """A message for the report; it names types and places, never the values."""
    first = found[0]
    where = f"at {first.box.as_list()}" + (f" frame {first.frame}" if first.frame else "")
    more = f" and {len(found) - 1} more" if len(found) > 1 else ""
    return (
        f"redaction check failed: a {first.entity_type} value is still readable after "
        f"{style} {where}{more}; no copy was written"
    )
