"""Find blocks of text in a photo, so that each can be read at the right scale and angle.

Tesseract reads a whole photo poorly when the text is small (9-20 px), rotated or sits
on a screen in a corner of a cluttered scene. Text lines, however, are easy to find
with classic morphology: strokes make a dense band of strong gradients, wider than
tall. We find those bands, group nearby bands into blocks (a screen, a board, a label),
and hand each block to the OCR stage with its median line height and skew angle.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from phiguard.models import Box

MIN_LINE_H = 6  # below this no OCR engine reads anything
MAX_LINE_H = 80  # bigger "lines" are posters: the full-page pass reads them already
MAX_REGIONS = 24  # bound the cost on a cluttered photo: biggest blocks first


@dataclass(frozen=True)
class Line:
    box: Box  # axis-aligned bounds of the band
    angle: float  # degrees, counter-clockwise, of the band's long side
    height: float  # the band's thickness across its own direction


@dataclass(frozen=True)
class Region:
    """A block of text lines: where it is, how tall its lines are, how it is tilted."""

    box: Box
    line_height: float
    angle: float
    lines: int


def find_lines(gray: np.ndarray) -> list[Line]:
    """Text-line candidates: bands of gradient that are wider than tall."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    grad = cv2.morphologyEx(gray, cv2.MORPH_GRADIENT, kernel)
    otsu, _ = cv2.threshold(grad, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    # A floor keeps sensor noise on flat walls from turning into "text".
    _, bw = cv2.threshold(grad, max(float(otsu), 24.0), 255, cv2.THRESH_BINARY)
    joined = cv2.morphologyEx(
        bw, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1))
    )
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    lines = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if not (MIN_LINE_H <= h <= MAX_LINE_H * 3 and w >= 1.5 * min(h, MAX_LINE_H)):
            continue
        fill = area / float(w * h)
        if fill < 0.25:
            continue
        line = _measure(labels[y : y + h, x : x + w] == i, x, y)
        if line and MIN_LINE_H <= line.height <= MAX_LINE_H:
            lines.append(line)
    return lines


def _measure(mask: np.ndarray, x: int, y: int) -> Line | None:
    """Fit a rotated rectangle to a band; its short side is the line height."""
    pts = cv2.findNonZero(mask.astype(np.uint8))
    if pts is None or len(pts) < 10:
        return None
    (_, _), (rw, rh), ang = cv2.minAreaRect(pts)
    if rw < rh:
        rw, rh, ang = rh, rw, ang - 90
    ang = -ang if abs(ang) <= 45 else -(ang - 90 * np.sign(ang))
    if rw < 2 * rh or abs(ang) > 30:
        return None
    return Line(Box(x, y, mask.shape[1], mask.shape[0]), float(ang), float(rh))


def group_lines(lines: list[Line], width: int, height: int) -> list[Region]:
    """Merge lines that sit within about two line heights of each other into blocks."""
    if not lines:
        return []
    canvas = np.zeros((height, width), np.uint8)
    for ln in lines:
        pad = max(4, ln.box.h)
        b = ln.box.padded(pad, width, height)
        canvas[b.y : b.bottom, b.x : b.right] = 255
    _, labels, stats, _ = cv2.connectedComponentsWithStats(canvas, connectivity=8)
    members: dict[int, list[Line]] = {}
    for ln in lines:
        cy, cx = ln.box.y + ln.box.h // 2, ln.box.x + ln.box.w // 2
        members.setdefault(int(labels[cy, cx]), []).append(ln)
    regions = [_region(stats[k], ls, width, height) for k, ls in members.items() if k > 0]
    regions.sort(key=lambda r: r.box.area, reverse=True)
    return regions[:MAX_REGIONS]


def _region(stat: np.ndarray, lines: list[Line], width: int, height: int) -> Region:
    x, y, w, h = (int(v) for v in stat[:4])
    widths = np.array([ln.box.w for ln in lines], float)
    angles = np.array([ln.angle for ln in lines], float)
    # Wide lines say more about the tilt than short fragments do.
    angle = float(np.average(angles, weights=widths))
    line_h = float(np.median([ln.height for ln in lines]))
    return Region(Box(x, y, w, h), line_h, angle, len(lines))


def find_regions(gray: np.ndarray) -> list[Region]:
    """Blocks of text in a grayscale photo, biggest first."""
    return group_lines(find_lines(gray), gray.shape[1], gray.shape[0])
