"""Boards and papers read whole where the text blocks found cover only part of them.

On a census board in faint marker the gradient finder (regions.py) sees the strokes of
a few names and misses the rest, which sit under the photo's gradient floor, set by its
hard edges; the detector's copy of the whole photo is too small for 10-17 px writing.
The board itself is easy to see: a light, even surface round the block that was found.
It is flooded from the block's background, and where it is much larger than the blocks
inside it, it is read again as one block at their text height.
"""

from __future__ import annotations

import cv2
import numpy as np

from phiguard.models import Box
from phiguard.regions import Region

SIDE = 800  # px: the long side of the copy the surface is flooded on
STEP = 3  # gray levels between neighbours on the surface (light varies across a board)
LIGHT = 140  # a board's or a paper's gray, at least (dark screens are read as found)
GROWTH = 2.5  # a surface this many times the blocks inside it is read whole
MAX_SHARE = 0.35  # of the photo: a larger "surface" is a wall or a backdrop


def surfaces(gray: np.ndarray, regions: list[Region]) -> list[Region]:
    """Light surfaces round found blocks that are much larger than the blocks inside
    them, each as a block with its blocks' text height and angle."""
    ih, iw = gray.shape
    s = min(1.0, SIDE / max(ih, iw))
    small = cv2.medianBlur(cv2.resize(gray, None, fx=s, fy=s, interpolation=cv2.INTER_AREA), 5)
    out: list[Region] = []
    for r in regions:
        box = _flood(small, s, r.box)
        if box is None or any(box.intersection(o.box) > 0.5 * box.area for o in out):
            continue
        edge = box.x <= 0 or box.y <= 0 or box.right >= iw - 1 or box.bottom >= ih - 1
        if edge or box.area > MAX_SHARE * iw * ih:  # a wall, or the photo's backdrop
            continue
        inside = [q for q in regions if box.intersection(q.box) >= 0.8 * q.box.area]
        if not inside or box.area < GROWTH * sum(q.box.area for q in inside):
            continue
        out.append(Region(box, float(np.median([q.line_height for q in inside])),
                          float(np.median([q.angle for q in inside])),
                          sum(q.chars for q in inside)))  # fmt: skip
    return out


def _flood(small: np.ndarray, s: float, box: Box) -> Box | None:
    """The light surface a block's background belongs to, in image pixels."""
    x0, y0 = int(box.x * s), int(box.y * s)
    patch = small[y0 : int(box.bottom * s), x0 : int(box.right * s)]
    if patch.size == 0:
        return None
    mode = int(np.argmax(np.bincount(patch.ravel(), minlength=256)))
    if mode < LIGHT:
        return None
    ys, xs = np.nonzero(np.abs(patch.astype(int) - mode) <= 1)
    k = len(ys) // 2  # a background pixel amid the block
    mask = np.zeros((small.shape[0] + 2, small.shape[1] + 2), np.uint8)
    cv2.floodFill(small, mask, (int(xs[k]) + x0, int(ys[k]) + y0), 0, STEP, STEP,
                  4 | cv2.FLOODFILL_MASK_ONLY | (255 << 8))  # fmt: skip
    ys, xs = np.nonzero(mask[1:-1, 1:-1])
    return Box(int(xs.min() / s), int(ys.min() / s), int((xs.max() - xs.min() + 1) / s),
               int((ys.max() - ys.min() + 1) / s))  # fmt: skip
