"""Stamps in coloured ink across a record's printed lines.

A red "CONFIDENTIAL" stamped at a slant over a discharge form crosses the printed lines,
and PP-OCR's detector finds neither in the tangle of crossing strokes, even cropped,
levelled or contrast-stretched. In a copy of the record where only coloured ink shows,
the stamp stands alone and is read whole (on the bench's twenty seeds ten stamps are
read this way, five of them covered by nothing else). The copy is the pixels' chroma,
the spread of R, G and B: black print, grey shadows and white paper have none, red or
blue ink a lot.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from phiguard.models import Box, Word
from phiguard.regions import Region

INK = 90  # chroma (0-255) of a stroke of coloured ink; JPEG edges of black print stay under
INK_GAIN = 3  # chroma 115 and over is black in the copy: the text read is dark on white
FRINGE = 30  # chroma the edges of black print reach after JPEG; white in the copy
# Coloured strokes that no word read covers, as a share of the record's area, to be worth
# reading: a stamp across the print spoils the words under it too, so few of its strokes
# lie in a word's box; a coloured label or a board's marker that was read lies in its own.
UNREAD_SHARE = 0.0005
UNREAD_PART = 0.5  # of all its coloured strokes
PAPER = 150  # a record's median brightness at least: paper or a light screen
STROKE = 15  # px: wider than a stamp's strokes (4-8 px), narrower than a coloured panel
STAMP_H = 36.0  # px: the text height the reader assumes (a stamp is large; 20-45 on the bench)


def ink_copies(
    rgb: np.ndarray, records: list[Box], read: list[Box]
) -> list[tuple[Box, np.ndarray]]:
    """For each record on light paper with coloured strokes that no word read (`read`:
    the words' boxes) covers: the area of those strokes, and a copy of it in which only
    coloured strokes show (dark on white, grayscale)."""
    h, w = rgb.shape[:2]
    out = []
    for box in records:
        crop = box.padded(int(0.1 * max(box.w, box.h)), w, h)
        patch = rgb[crop.y : crop.bottom, crop.x : crop.right]
        if patch.size == 0 or float(np.median(patch.max(axis=2))) < PAPER:
            continue
        # Strokes only: a coloured wall or panel beside the paper is a wide area of
        # chroma, which the top-hat (the image minus its opening) leaves out.
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (STROKE, STROKE))
        strokes = cv2.morphologyEx(_chroma(patch), cv2.MORPH_TOPHAT, kernel)
        unread = (strokes >= INK).astype(np.uint8)
        total = int(np.count_nonzero(unread))
        for b in read:
            unread[max(0, b.y - crop.y) : max(0, b.bottom - crop.y),
                   max(0, b.x - crop.x) : max(0, b.right - crop.x)] = 0  # fmt: skip
        left = int(np.count_nonzero(unread))
        if left < UNREAD_SHARE * unread.size or left < UNREAD_PART * total:
            continue
        for area in _clusters(unread, UNREAD_SHARE * unread.size):
            sub = strokes[area.y : area.bottom, area.x : area.right].astype(np.int16)
            ink = (255 - np.clip((sub - FRINGE) * INK_GAIN, 0, 255)).astype(np.uint8)
            out.append((Box(crop.x + area.x, crop.y + area.y, area.w, area.h), ink))
    return out


def stamp_words(rgb: np.ndarray, records: list[Box], read: list[Box], line_base: int) -> list[Word]:
    """Words read in coloured ink on the records (`records`: their boxes; `read`: the
    boxes of the words read already), line ids from `line_base` on."""
    from phiguard import deepocr

    words: list[Word] = []
    for at, ink in ink_copies(rgb, records, read):
        region = Region(Box(0, 0, at.w, at.h), STAMP_H, 0.0, 0)
        for word in deepocr.read_region(ink, region, line_base):
            words.append(replace(word, box=replace(word.box, x=word.box.x + at.x,
                                                   y=word.box.y + at.y)))  # fmt: skip
        line_base = 1 + max((w.line for w in words), default=line_base)
    return words


def _clusters(strokes: np.ndarray, least: float) -> list[Box]:
    """Boxes round groups of strokes a stamp's letter gap apart, holding `least` stroke
    pixels or more, with a margin of a line (the whole record need not be read)."""
    gap = cv2.getStructuringElement(cv2.MORPH_RECT, (int(STAMP_H), int(STAMP_H) // 2))
    n, _, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(strokes, gap))
    h, w = strokes.shape
    out = []
    for i in range(1, n):
        x, y, bw, bh = (int(v) for v in stats[i, :4])
        if np.count_nonzero(strokes[y : y + bh, x : x + bw]) >= least:
            out.append(Box(x, y, bw, bh).padded(int(STAMP_H) // 2, w, h))
    return out


def _chroma(rgb: np.ndarray) -> np.ndarray:
    """The spread of R, G and B: 0 for black, grey and white, high for coloured ink."""
    flat = rgb.reshape(-1, 3)
    hi = cv2.max(cv2.max(flat[:, 0], flat[:, 1]), flat[:, 2])
    lo = cv2.min(cv2.min(flat[:, 0], flat[:, 1]), flat[:, 2])
    return cv2.subtract(hi, lo).reshape(rgb.shape[:2])
