"""QR codes too small or too blurred for zxing to decode, found by their finder patterns.

A QR code's corners hold finder patterns: a dark square ring, a light ring and a dark
core, 1:1:3:1:1 modules across. On a wristband in the background of a photo the
modules are 2-3 px and blurred, so zxing cannot read the code; the nested squares still
show in a local threshold as a dark blob with a hole that holds a dark core (finders.py).
Three of them at the corners of a square filled with modules are a QR code (two, when blur
took the third); one alone, with paper outside two sides and modules beyond the other two, is a
Micro QR code (for short data such as "MRN:95106631" segno, which the bench uses, picks
Micro QR). Blur at 2-3 px a module wipes out timing patterns, so they are not asked for.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from phiguard.finders import Finder, find_finders, pt, sample
from phiguard.models import Box

QUIET = 0.6  # a quiet zone is this much of the way from the core's gray to the ring's
BUSY = 0.25  # least share of dark (and of light) modules in a code's data
PAD = 2  # modules around the code in the box


def qr_shapes(gray: np.ndarray) -> list[tuple[Box, str]]:
    """Boxes of QR-shaped codes in a grayscale image, with "QR" or "Micro QR"."""
    # A finder sits at a corner of its code with paper outside two sides; light letters on
    # a dark screen ("D", "0") are finder-shaped but have the dark screen all round.
    finders = [f for f in find_finders(gray) if _quiet_corner(gray, f)]
    out: list[tuple[Box, str]] = []
    used: set[int] = set()
    for trio in _trios(finders):
        quad = _triangle(gray, *(finders[i] for i in trio)) if used.isdisjoint(trio) else None
        if quad is not None:
            out.append((_box(quad, gray), "QR"))
            used.update(trio)
    # A smeared finder is only a dark blob with the profile across one side: three at the
    # corners of a square code make one, fewer do not (blurred text made a Micro QR).
    used.update(i for i, f in enumerate(finders) if f.smeared)
    # Blur can take one finder of three: two still make a code.
    for i, j in combinations([i for i in range(len(finders)) if i not in used], 2):
        if used.isdisjoint((i, j)) and (quad := _pair(gray, finders[i], finders[j])) is not None:
            out.append((_box(quad, gray), "QR"))
            used.update((i, j))
    for i, f in enumerate(finders):
        if i not in used and (quad := _micro(gray, f)) is not None:
            out.append((_box(quad, gray), "Micro QR"))
    return out


def _trios(finders: list[Finder]) -> list[tuple[int, int, int]]:
    """Triples that could be one code: each finder with two near ones of its size (a page of
    icons would make all triples of many finders too many to try)."""
    out = []
    for k, f in enumerate(finders):
        near = [j for j, g in enumerate(finders) if j > k and 0.67 < g.module / f.module < 1.5
                and np.hypot(g.c[0] - f.c[0], g.c[1] - f.c[1]) < 75 * f.module]  # fmt: skip
        out += [(k, i, j) for i, j in combinations(near, 2)]
    return out


def _triangle(gray: np.ndarray, *trio: Finder) -> np.ndarray | None:
    """The code's corners if the three finders sit at three corners of one square code.

    The sides are taken from the finders' centres: at 2 px a module a finder's own edges
    are only good to 15 degrees or so."""
    m = float(np.mean([f.module for f in trio]))
    for k in range(3):  # k: the finder at the corner between the other two
        f = trio[k]
        v1, v2 = (np.array(trio[(k + i) % 3].c) - np.array(f.c) for i in (1, 2))
        n1, n2 = float(np.hypot(*v1)) / m, float(np.hypot(*v2)) / m
        cos = float(v1 @ v2) / (n1 * n2 * m * m)
        # Finder centres are (side - 7) modules apart: 14 (version 1) to 50 (version 10).
        if abs(cos) < 0.35 and max(n1, n2) < 1.25 * min(n1, n2) and 11 <= n1 <= 60:
            return _square(gray, _frame(f, v1, v2, m), (n1, n2), [(n1, 0.0), (0.0, n2)])
    return None


def _pair(gray: np.ndarray, f: Finder, g: Finder) -> np.ndarray | None:
    """The code's corners if two finders are two corners of a square filled with modules."""
    if not 0.67 < g.module / f.module < 1.5:
        return None
    m = (f.module + g.module) / 2
    v = np.array(g.c) - np.array(f.c)
    u = np.linalg.solve(np.array([f.a, f.b]).T, v)
    angle = float(np.degrees(np.arctan2(abs(u[1]), abs(u[0]))))  # 0 or 90: along a side
    n = float(np.hypot(*v)) / m
    if angle < 22 or angle > 68:  # one side: the code lies on one side of it or the other
        across = np.array([-v[1], v[0]])
        for side in (across, -across):
            if (quad := _square(gray, _frame(f, v, side, m), (n, n), [(n, 0.0)])) is not None:
                return quad
    elif 25 < angle < 65:  # opposite corners
        n /= np.sqrt(2)
        v1, v2 = _turn(v, 45) / np.sqrt(2), _turn(v, -45) / np.sqrt(2)
        return _square(gray, _frame(f, v1, v2, m), (n, n), [(n, n)])
    return None


def _turn(v: np.ndarray, degrees: float) -> np.ndarray:
    c, s = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


def _frame(f: Finder, v1: np.ndarray, v2: np.ndarray, m: float) -> Finder:
    """Finder f with one module along v1 and along v2 as its sides."""
    a, b = v1 * m / np.hypot(*v1), v2 * m / np.hypot(*v2)
    return Finder(f.c, pt(a), pt(b), f.core, f.contrast)


def _square(gray: np.ndarray, f: Finder, far: tuple[float, float],
            others: list[tuple[float, float]]) -> np.ndarray | None:  # fmt: skip
    """The corners of the code whose finder centres span 0..far in f's frame, if filled."""
    if min(far) < 11 or max(far) > 60:
        return None
    lo, hi = np.array([-3.5, -3.5]), np.array(far) + 3.5
    if _filled(gray, f, lo, hi, [(0.0, 0.0), *others]):
        return _frame_quad(f, lo - PAD, hi + PAD)
    return None


def _filled(gray: np.ndarray, f: Finder, lo: np.ndarray, hi: np.ndarray,
            finders: list[tuple[float, float]]) -> bool:  # fmt: skip
    """Whether the modules of a code spanning lo..hi (module coordinates of f) outside its
    finders are a mix of dark and light, as QR data is; a grid of checkboxes is mostly paper."""
    us, vs = np.meshgrid(np.arange(lo[0] + 0.5, hi[0]), np.arange(lo[1] + 0.5, hi[1]))
    keep = np.ones(us.shape, dtype=bool)
    for cu, cv in finders:
        keep &= np.maximum(abs(us - cu), abs(vs - cv)) > 4.5
    p = _grid(gray, f, us[keep], vs[keep])
    if len(p) == 0:
        return False
    # Blur greys small modules: dark is measured against this code's own paper.
    dark = (f.core + float(np.percentile(p, 90))) / 2
    return BUSY <= float((p < dark).mean()) <= 1 - BUSY


def _frame_quad(f: Finder, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Pixel corners of the rectangle lo..hi in the finder's module coordinates."""
    basis = np.array([f.a, f.b]).T
    corners = np.array([[lo[0], lo[1]], [hi[0], lo[1]], [hi[0], hi[1]], [lo[0], hi[1]]])
    return np.asarray(f.c) + corners @ basis.T


def _micro(gray: np.ndarray, f: Finder) -> np.ndarray | None:
    """The code's corners if the finder has a quiet zone on two sides and modules on two.

    Blur at 2-3 px a module wipes out the timing pattern, so we only ask that the L-shaped
    band a Micro QR code fills beyond its finder holds both dark and light modules."""
    for su, sv in _QUADRANTS:
        quiet = _quiet(gray, f, su, sv)
        if quiet.min() < f.core + QUIET * f.contrast:
            continue
        band = _grid(gray, f, _BAND[0] * su, _BAND[1] * sv)
        # Blur greys the small modules: dark is measured against this code's own paper.
        dark = (f.core + float(np.median(quiet))) / 2
        if BUSY <= float((band < dark).mean()) <= 1 - BUSY:
            # 17 modules: M4, the largest Micro QR, so the box covers any of them.
            far = np.array([su, sv]) * (17 - 3.5 + PAD)
            near = -np.array([su, sv]) * (3.5 + PAD)
            return _frame_quad(f, np.minimum(near, far), np.maximum(near, far))
    return None


_QUADRANTS = ((1, 1), (1, -1), (-1, 1), (-1, -1))


def _quiet(gray: np.ndarray, f: Finder, su: int, sv: int) -> np.ndarray:
    """Gray levels just outside the finder on the two sides away from quadrant (su, sv),
    in the photo only: clipped to the frame they read the finder itself, and a QR cut by
    the photo's edge was a Micro QR boxed at 65% (seed 67). None in it: paper."""
    xs, ys = np.concatenate([_points(f, -su * 5.0, _SIDE * sv), _points(f, _SIDE * su, -sv * 5.0)],
                            axis=1)  # fmt: skip
    on = (xs > -0.5) & (xs < gray.shape[1] - 0.5) & (ys > -0.5) & (ys < gray.shape[0] - 0.5)
    return sample(gray, xs[on], ys[on]) if on.any() else np.array([f.core + f.contrast])


def _quiet_corner(gray: np.ndarray, f: Finder) -> bool:
    """Light paper outside two adjacent sides of the finder."""
    return any(
        _quiet(gray, f, su, sv).min() >= f.core + QUIET * f.contrast for su, sv in _QUADRANTS
    )


_SIDE = np.arange(-3.0, 4.0)  # module centres along a side of the finder
# Module centres of the smallest Micro QR (11 modules) outside its finder and separator.
_BAND = np.array([(u, v) for u in range(-3, 8) for v in range(-3, 8) if max(u, v) >= 5],
                 dtype=float).T  # fmt: skip


def _grid(gray: np.ndarray, f: Finder, u: np.ndarray | float, v: np.ndarray | float) -> np.ndarray:
    """Gray levels at module coordinates (u, v) of the finder's frame."""
    return sample(gray, *_points(f, u, v))


def _points(f: Finder, u: np.ndarray | float, v: np.ndarray | float) -> np.ndarray:
    """Pixel positions (2 x n) of module coordinates (u, v) in the finder's frame."""
    u, v = np.broadcast_arrays(np.asarray(u, dtype=float), np.asarray(v, dtype=float))
    return np.asarray(f.c)[:, None] + np.array([f.a, f.b]).T @ np.stack([u.ravel(), v.ravel()])


def _box(quad: np.ndarray, gray: np.ndarray) -> Box:
    """The axis-aligned box of a quad, clipped to the image."""
    x0, y0 = np.clip(np.floor(quad.min(axis=0)), 0, None)
    x1 = min(float(np.ceil(quad[:, 0].max())), gray.shape[1])
    y1 = min(float(np.ceil(quad[:, 1].max())), gray.shape[0])
    return Box(int(x0), int(y0), max(1, int(x1 - x0)), max(1, int(y1 - y0)))
