"""Finder patterns of QR codes: where a code too small or blurred to decode is.

A finder is a dark square ring, a light ring and a dark core, 1:1:3:1:1 modules across.
In a local threshold it shows as a dark blob with a hole that holds a dark core; under
motion blur the light ring fills along the blur's path and only the core stands alone.
qrshape.py puts finders together into codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

BLOCK = 15  # px: adaptive-threshold window; wider ones fill the light ring of a blurred finder
OFFSET = 10  # gray levels below the local mean that count as dark
MIN_HOLE = 3.0  # px: the light ring's inside (5 modules); smaller cores are gone in blur
MAX_HOLE = 120.0  # px: bigger codes are zxing's
FINDER_PROFILE = 0.6  # correlation with the 1:1:3:1:1 profile across both axes
# Motion blur fills a finder's light ring along its path (a discharge form, seeds 69 and
# 101): the core is left a solid dark blob, its profile 0.73-0.83 across the smear and
# 0.33-0.44 along it. Such a blob is asked for the finder's profile across one side and
# for this much of it along the other.
SMEARED = 0.3
SOLID = 0.6  # least share of dark pixels in a smeared core's bounding box
SMEAR_CORE = 5  # px: a smeared core's least side (the bench's were 12-15 px where found)
# A smeared core is printed black: at most this share of its ring's gray (0.03-0.22 on
# the codes of seeds 69 and 101; small bold text on screens, 0.66-0.85, made three-blob
# "codes" of patient lists).
DARK_CORE = 0.5


@dataclass(frozen=True)
class Finder:
    """A finder pattern: its centre and one module along each of its two sides, in px.

    The sides need not be square to each other: a code seen at an angle is sheared."""

    c: tuple[float, float]
    a: tuple[float, float]
    b: tuple[float, float]
    core: float  # gray level of the dark core
    contrast: float  # light ring minus dark core, gray levels
    smeared: bool = False  # found by its core alone (_smeared)

    @property
    def module(self) -> float:
        return float(np.sqrt(np.hypot(*self.a) * np.hypot(*self.b)))


def find_finders(gray: np.ndarray) -> list[Finder]:
    """Nested dark/light/dark squares with the finder's run profile, and solid dark cores
    whose light ring motion blur filled (_smeared)."""
    # Sensor noise and JPEG make specks by the hundred thousand in a flat area under a
    # local threshold (findContours then takes seconds); a light blur and an offset of
    # 10 levels leave a few thousand and keep a blurred finder's light ring.
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    bw = cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                               BLOCK, OFFSET)  # fmt: skip
    contours, hier = cv2.findContours(bw, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hier is None:
        return []
    parent = hier[0][:, 3]
    found = [
        _finder(gray, contours[int(parent[core])], contours[int(core)])
        for core in np.flatnonzero((parent >= 0) & (parent[np.maximum(parent, 0)] >= 0))
    ]
    found += _smeared_all(gray, bw, contours, np.flatnonzero(hier[0][:, 2] < 0))
    out: list[Finder] = []
    for f in found:
        if f and not any(np.hypot(f.c[0] - o.c[0], f.c[1] - o.c[1]) < 3 * o.module for o in out):
            out.append(f)
    return out


def _finder(gray: np.ndarray, hole: np.ndarray, core: np.ndarray) -> Finder | None:
    _, _, w, h = cv2.boundingRect(hole)
    if not (min(w, h) >= MIN_HOLE and max(w, h) <= MAX_HOLE and min(w, h) > 0.5 * max(w, h)):
        return None
    hole_area, core_area = cv2.contourArea(hole), cv2.contourArea(core)
    if not 0.08 * hole_area <= core_area <= 0.7 * hole_area:
        return None
    quad = _corners(hole)
    if quad is None or cv2.contourArea(quad.astype(np.float32)) < 0.7 * hole_area:
        return None
    c = quad.mean(axis=0)
    m = cv2.moments(core)
    if m["m00"] <= 0 or np.hypot(m["m10"] / m["m00"] - c[0], m["m01"] / m["m00"] - c[1]) > 0.2 * w:
        return None
    # The hole is the light ring's inside: 5 modules across.
    a = (quad[1] - quad[0] + quad[2] - quad[3]) / 10
    b = (quad[3] - quad[0] + quad[2] - quad[1]) / 10
    return _fit_profile(gray, c, a, b)


def _smeared_all(gray: np.ndarray, bw: np.ndarray, contours: Sequence[np.ndarray],
                 childless: np.ndarray) -> list[Finder | None]:  # fmt: skip
    """Finders whose light ring motion blur filled along one side: each a core left alone,
    a solid dark blob 3 modules across (SMEAR_CORE px or more: a photo has thousands of
    specks) with the finder's profile across the smear."""
    out = []
    for i in childless:
        x, y, w, h = cv2.boundingRect(contours[i])
        if min(w, h) < SMEAR_CORE or max(w, h) > 0.6 * MAX_HOLE or min(w, h) <= 0.5 * max(w, h):
            continue
        if bw[y : y + h, x : x + w].mean() >= SOLID * 255:
            out.append(_smeared(gray, contours[i]))
    return out


def _smeared(gray: np.ndarray, blob: np.ndarray) -> Finder | None:
    """The smeared finder whose core is `blob`, with its sides along the blob's own."""
    (cx, cy), (rw, rh), deg = cv2.minAreaRect(blob)
    t = np.radians(deg)
    a, b = np.array([np.cos(t), np.sin(t)]) * rw / 3, np.array([-np.sin(t), np.cos(t)]) * rh / 3
    f = _fit_profile(gray, np.array([cx, cy]), a, b, SMEARED, (0.8, 0.9, 1.0, 1.1, 1.25))
    dark = f is not None and f.core <= DARK_CORE * (f.core + f.contrast)
    return replace(f, smeared=True) if f and dark else None


def _corners(contour: np.ndarray) -> np.ndarray | None:
    """The four corners of a roughly quadrilateral contour, in order around it."""
    poly = cv2.approxPolyDP(contour, 0.08 * cv2.arcLength(contour, True), True)
    if len(poly) != 4:
        poly = cv2.boxPoints(cv2.minAreaRect(contour))
    return np.asarray(poly, dtype=np.float64).reshape(4, 2)


_RUNS = np.repeat([1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0], 4)  # dark=1 over 7 modules, 4 samples each
_T = (np.arange(28) - 13.5) / 4
_RUNS_DEV = _RUNS - _RUNS.mean()
_RUNS_SS = float((_RUNS_DEV * _RUNS_DEV).sum())


def _fit_profile(gray: np.ndarray, c: np.ndarray, a: np.ndarray, b: np.ndarray,
                 least: float = FINDER_PROFILE, scales: tuple[float, ...] = (0.85, 1.0, 1.15),
                 ) -> Finder | None:  # fmt: skip
    """The finder at the scale whose runs across both sides best match 1:1:3:1:1: at least
    FINDER_PROFILE across one side and `least` across the other."""
    k = np.asarray(scales)[:, None] * _T  # (scale, sample): all at once, as specks abound
    p = np.stack([sample(gray, c[0] + k * d[0], c[1] + k * d[1]) for d in (a, b)], axis=1)
    dev = p - p.mean(axis=-1, keepdims=True)
    spread = np.sqrt((dev * dev).sum(axis=-1) * _RUNS_SS)
    corrs = np.where(spread > 0, -(dev * _RUNS_DEV).sum(axis=-1) / np.maximum(spread, 1e-9), 0.0)
    core = p[..., 12:16].mean(axis=-1)
    contrast = (p[..., _RUNS == 0].mean(axis=-1) - core).min(axis=-1)
    ok = (corrs.max(axis=1) > FINDER_PROFILE) & (corrs.min(axis=1) > least) & (contrast > 0)
    if not ok.any():
        return None
    i = int(np.argmax(np.where(ok, corrs.min(axis=1), -np.inf)))  # the first of equals
    return Finder(
        pt(c), pt(a * scales[i]), pt(b * scales[i]), float(core[i, 1]), float(contrast[i])
    )


def pt(v: np.ndarray) -> tuple[float, float]:
    return float(v[0]), float(v[1])


def sample(gray: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    xi = np.clip(np.rint(xs), 0, gray.shape[1] - 1).astype(int)
    yi = np.clip(np.rint(ys), 0, gray.shape[0] - 1).astype(int)
    return gray[yi, xi].astype(np.float32)
