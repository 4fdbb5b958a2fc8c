"""Find blocks of text in a photo, so that each can be read at the right scale and angle.

Tesseract reads a whole photo poorly when the text is small (9-20 px), rotated or sits
on a screen, board or form in a corner of a cluttered scene; on a discharge form
photographed at 15 degrees it read not one word. Characters, however, are easy to find
with classic morphology: each is a compact blob of strong gradient. We find them,
group neighbours into blocks (a screen, a board, a label), and estimate each block's
tilt by the angle at which its characters' centres fall into the sharpest rows (a
projection profile over points, not pixels: cheap). The OCR stage then straightens and
scales each block so its lines are about 30 px tall.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from phiguard.models import Box

MIN_CHAR_H = 5  # below this no OCR engine reads anything
MAX_CHAR_H = 70  # bigger glyphs are posters and signs: detected lines or the full page
V_REACH = 1.6  # text heights a block reaches up and down to take in the next row
MIN_CHARS = 4  # a block needs a few characters to be worth an OCR call
MAX_REGIONS = 16  # bound the cost on a cluttered photo: biggest blocks first
GRAD_FLOOR = 16.0  # gradient strength below which a pixel is noise, not a stroke
ANGLES = np.arange(-30.0, 30.5, 1.0)
CHARS_PER_LINE = 4  # a detected line counts as this many characters (Region.chars)
GRAIN_AREA, GRAIN_LINE_H = 0.5, 10.0  # a block this big with "characters" this small is grain
# The floor on the smoothed copy of a grainy photo when the usual one leaves MAX_REGIONS
# blocks: what was left of i.i.d. grain (sigma 5-9, JPEG 85) crowded out a 13 px label.
# Not the first choice: on seed 11 it lost 4 values that the usual floor finds.
GRAIN_FLOOR = 24.0


@dataclass(frozen=True)
class Region:
    """A block of text: where it is, how tall its characters are, how it is tilted."""

    box: Box
    line_height: float
    angle: float  # degrees, counter-clockwise: the block is straightened by -angle
    chars: int

    def crop(self, width: int, height: int) -> Box:
        """The block with a margin of about a line (ascenders, a tilted line's ends),
        clipped to a width x height image: what each reader is given."""
        return self.box.padded(int(max(8, 1.5 * self.line_height)), width, height)


def char_boxes(gray: np.ndarray, floor: float = GRAD_FLOOR) -> np.ndarray:
    """Character- or word-like blobs of strong gradient, as rows of (x, y, w, h)."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    grad = cv2.morphologyEx(gray, cv2.MORPH_GRADIENT, kernel)
    otsu, _ = cv2.threshold(grad, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    # A floor keeps sensor noise on flat walls from turning into "text". At 24 the faint
    # strokes of a marker on a whiteboard fell under it; at 16 more values of both bench
    # seeds lay inside a block (seed 11: 92.9% -> 94.8%) with fewer, larger blocks.
    _, bw = cv2.threshold(grad, max(float(otsu), floor), 255, cv2.THRESH_BINARY)
    _, _, stats, _ = cv2.connectedComponentsWithStats(bw, connectivity=8)
    s = stats[1:]
    w, h, area = s[:, 2], s[:, 3], s[:, 4]
    keep = (
        (h >= MIN_CHAR_H)
        & (h <= MAX_CHAR_H)
        # Small text blurs into one blob per word; a table rule or a screen edge is far
        # longer, or hollow (the fill test below).
        & (w <= 15 * h)
        & (w >= 2)
        & (area >= 0.12 * w * h)
    )
    return s[keep, :4].astype(np.int32)


def group_chars(chars: np.ndarray, width: int, height: int) -> list[np.ndarray]:
    """Blocks of characters: blobs within about one character height of each other."""
    ids = _clusters(chars, chars[:, 3], width, height)
    return [chars[ids == k] for k in np.unique(ids) if k > 0 and (ids == k).sum() >= MIN_CHARS]


def _clusters(rects: np.ndarray, text_h: np.ndarray, width: int, height: int) -> np.ndarray:
    """A block label for each rectangle (x, y, w, h): rectangles grown by their text
    height `text_h` that touch share one."""
    canvas = np.zeros((height, width), np.uint8)
    for (x, y, w, h), th in zip(rects, text_h, strict=True):
        # Across: a word gap. Down: the row spacing of a census board or a table, whose
        # rows (one word each per column) sit three to four text heights apart.
        pad, down = int(0.8 * th) + 1, int(V_REACH * th) + 1
        cv2.rectangle(canvas, (int(x - pad), int(y - down)), (int(x + w + pad), int(y + h + down)),
                      255, -1)  # fmt: skip
    _, labels = cv2.connectedComponents(canvas, connectivity=8)
    cx = np.clip(rects[:, 0] + rects[:, 2] // 2, 0, width - 1)
    cy = np.clip(rects[:, 1] + rects[:, 3] // 2, 0, height - 1)
    return labels[cy, cx]


def block_angle(chars: np.ndarray, char_h: float) -> float:
    """The tilt at which character centres line up in the sharpest rows."""
    cx = chars[:, 0] + chars[:, 2] / 2.0
    cy = chars[:, 1] + chars[:, 3] / 2.0
    weight = chars[:, 2].astype(float)
    bin_h = max(2.0, char_h / 2.0)

    def sharpness(deg: float) -> float:
        t = np.radians(deg)
        rows = cy * np.cos(t) + cx * np.sin(t)  # row coordinate after straightening
        hist, _ = np.histogram(rows, bins=max(1, int(np.ptp(rows) / bin_h) + 1), weights=weight)
        return float((hist**2).sum())

    coarse = max(ANGLES, key=sharpness)
    fine = np.arange(coarse - 1.0, coarse + 1.01, 0.25)
    return float(max(fine, key=sharpness))


def _region(chars: np.ndarray) -> Region:
    x0, y0 = chars[:, 0].min(), chars[:, 1].min()
    x1 = (chars[:, 0] + chars[:, 2]).max()
    y1 = (chars[:, 1] + chars[:, 3]).max()
    char_h = float(np.median(chars[:, 3]))
    angle = block_angle(chars, char_h) if len(chars) >= 8 else 0.0
    # A tilted glyph's bounding box is a little taller than the glyph.
    line_h = char_h * float(np.cos(np.radians(angle)))
    return Region(Box(int(x0), int(y0), int(x1 - x0), int(y1 - y0)), line_h, angle, len(chars))


def find_regions(gray: np.ndarray) -> list[Region]:
    """Blocks of text in a grayscale photo, biggest first.

    In a grainy photo (high ISO, 1 in 10 of the bench's) the grain clears the gradient
    floor everywhere and joins the whole frame into one block of small "characters",
    which the reader then sees shrunk to its size limit: a wristband's 9-12 px text was
    not read at all. Blocks are then looked for again on a lightly smoothed copy, where
    the grain is gone and pen and print strokes are not; with a higher floor if what is
    left of the grain still fills the blocks' quota.
    """
    regions = _find_regions(gray)
    if not any(_grain(r, gray.size) for r in regions):
        return regions
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    for floor in (GRAD_FLOOR, GRAIN_FLOOR):
        smoothed = _find_regions(smooth, floor)
        if any(_grain(r, gray.size) for r in smoothed):
            continue
        if len(smoothed) < MAX_REGIONS or floor == GRAIN_FLOOR:
            return smoothed
    return regions


def _grain(r: Region, photo_area: int) -> bool:
    """A block of half the photo or more, of characters too small to be its text."""
    return r.box.area >= GRAIN_AREA * photo_area and r.line_height < GRAIN_LINE_H


def _find_regions(gray: np.ndarray, floor: float = GRAD_FLOOR) -> list[Region]:
    chars = char_boxes(gray, floor)
    if len(chars) == 0:
        return []
    blocks = group_chars(chars, gray.shape[1], gray.shape[0])
    regions = [_region(b) for b in blocks]
    regions.sort(key=lambda r: r.chars, reverse=True)
    return regions[:MAX_REGIONS]


def regions_from_lines(
    lines: list[tuple[Box, float, float]], found: list[Region], width: int, height: int
) -> list[Region]:
    """Blocks of the text lines a detector found (box, text height, angle) that no
    region found already holds, grouped as group_chars groups characters."""
    missed = [
        (b, h, a) for b, h, a in lines
        if not any(r.box.padded(int(r.line_height), width, height).intersection(b) >= 0.5 * b.area
                   for r in found)
    ]  # fmt: skip
    if not missed:
        return []
    rects = np.array([b.as_list() for b, _, _ in missed])
    ids = _clusters(rects, np.array([h for _, h, _ in missed]), width, height)
    groups: dict[int, list[tuple[Box, float, float]]] = {}
    for item, k in zip(missed, ids, strict=True):
        groups.setdefault(int(k), []).append(item)
    regions = [
        Region(Box.around(b for b, _, _ in g), float(np.median([h for _, h, _ in g])),
               float(np.median([a for _, _, a in g])), CHARS_PER_LINE * len(g))
        for g in groups.values()
    ]  # fmt: skip
    return sorted(regions, key=lambda r: r.chars, reverse=True)[: MAX_REGIONS // 2]
