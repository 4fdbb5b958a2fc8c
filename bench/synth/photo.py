"""Composite flat objects into a phone-photo-like image and carry the labels along.

Pipeline: cluttered background -> each object scaled to a sampled text height, rotated,
perspective-warped and dropped in with a shadow -> optional foreground occluder -> uneven
light, glare, blur, noise, resampling -> JPEG. Labels follow the same homographies; labels
that end up hidden (occluded or off-frame) are dropped, so every kept label is visible.
"""

from __future__ import annotations

import cv2
import numpy as np

from bench.synth.sheet import Label, Sheet

SIZES = (
    (1280, 960),
    (1600, 1200),
    (2016, 1512),
    (1512, 2016),
    (1920, 1080),
    (1440, 1080),
    (960, 1280),
    (1800, 1350),
)
MIN_VISIBLE = 0.97  # a label partly hidden by more than this is dropped, see module doc


def background(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """Float32 HxWx3 in 0..255: gradient wall, furniture-like blocks, blurred."""
    c0, c1 = rng.uniform(40, 230, 3), rng.uniform(40, 230, 3)
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    img = (c0 * (1 - t) + c1 * t) * np.ones((1, w, 1), np.float32)
    for _ in range(int(rng.integers(4, 14))):
        x0, y0 = rng.uniform(-0.2, 1) * w, rng.uniform(-0.2, 1) * h
        x1, y1 = x0 + rng.uniform(0.05, 0.6) * w, y0 + rng.uniform(0.05, 0.6) * h
        color = tuple(float(v) for v in rng.uniform(20, 245, 3))
        if rng.random() < 0.7:
            cv2.rectangle(img, (int(x0), int(y0)), (int(x1), int(y1)), color, -1)
        else:
            cv2.circle(img, (int(x0), int(y0)), int((x1 - x0) / 2), color, -1)
    for _ in range(int(rng.integers(0, 6))):
        p, q = rng.uniform(0, 1, 2) * (w, h), rng.uniform(0, 1, 2) * (w, h)
        cv2.line(
            img,
            tuple(int(v) for v in p),
            tuple(int(v) for v in q),
            tuple(float(v) for v in rng.uniform(0, 255, 3)),
            int(rng.integers(2, 12)),
        )
    return cv2.GaussianBlur(img, (0, 0), float(rng.uniform(2, 9)))


def sample_text_height(rng: np.random.Generator) -> float:
    """Median label height to aim for: about half the objects have text under 14 px."""
    return (
        float(np.exp(rng.uniform(np.log(9), np.log(14))))
        if rng.random() < 0.45
        else float(rng.uniform(14, 32))
    )


def _scale(
    sheet: Sheet, rng: np.random.Generator, w: int, h: int, target: float, fit: bool | None = None
) -> float:
    heights = [lab.quad[2][1] - lab.quad[0][1] for lab in sheet.labels] or [20.0]
    med = float(np.median(heights))
    s = target / med
    sw, sh = sheet.size
    limit = min(0.92 * w / sw, 0.92 * h / sh)
    shrink = rng.random() < 0.5 if fit is None else fit
    if s > limit and shrink:  # by default half the time shrink to fit, else let it crop
        s = limit if fit else max(limit, 8.0 / med)
    return s


def _dest_corners(
    rng: np.random.Generator, sw: float, sh: float, w: int, h: int, max_rot: float
) -> np.ndarray:
    """Corners of the object in photo pixels: rotated, keystoned and placed."""
    pts = np.array([[-sw / 2, -sh / 2], [sw / 2, -sh / 2], [sw / 2, sh / 2], [-sw / 2, sh / 2]])
    a = np.deg2rad(rng.uniform(-max_rot, max_rot))
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    pts = pts @ rot.T
    k = rng.uniform(0, 0.09)  # perspective: shrink one edge as if seen at an angle
    edge = int(rng.integers(4))
    i, j = edge, (edge + 1) % 4
    mid = (pts[i] + pts[j]) / 2
    pts[i] += (mid - pts[i]) * k * 2
    pts[j] += (mid - pts[j]) * k * 2
    pts += rng.normal(0, 0.012 * max(sw, sh), pts.shape)
    lo, hi = pts.min(0), pts.max(0)
    span = hi - lo
    cx = rng.uniform(-lo[0], w - hi[0]) if span[0] < w else rng.uniform(w - hi[0], -lo[0])
    cy = rng.uniform(-lo[1], h - hi[1]) if span[1] < h else rng.uniform(h - hi[1], -lo[1])
    return (pts + np.array([cx, cy])).astype(np.float32)


def _overlap(dst: np.ndarray, avoid: np.ndarray | None) -> float:
    if avoid is None:
        return 0.0
    poly = np.zeros(avoid.shape, np.uint8)
    cv2.fillPoly(poly, [np.round(dst).astype(np.int32)], 1)
    return float((poly.astype(bool) & avoid).sum()) / max(1, int(poly.sum()))


def place(
    canvas: np.ndarray,
    sheet: Sheet,
    rng: np.random.Generator,
    target: float,
    max_rot: float = 12.0,
    avoid: np.ndarray | None = None,
    fit: bool | None = None,
) -> tuple[list[Label], np.ndarray]:
    """Warp `sheet` into `canvas` in place. Returns its labels in photo pixels and its mask.

    With `avoid`, a few placements are tried so the object mostly stays off that mask (a
    sign next to the monitor rather than on top of it); the last try is kept regardless.
    """
    h, w = canvas.shape[:2]
    s = _scale(sheet, rng, w, h, target, fit)
    arr = np.asarray(sheet.img)
    sw, sh = sheet.size
    nw, nh = max(2, round(sw * s)), max(2, round(sh * s))
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
    small = cv2.resize(arr, (nw, nh), interpolation=interp).astype(np.float32)
    src = np.float32([[0, 0], [nw, 0], [nw, nh], [0, nh]])
    for _ in range(8):
        dst = _dest_corners(rng, nw, nh, w, h, max_rot)
        if _overlap(dst, avoid) < 0.15:
            break
    hom = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(small, hom, (w, h), flags=cv2.INTER_LINEAR)
    alpha = warped[..., 3:4] / 255.0
    _shadow(canvas, alpha, rng)
    canvas[:] = canvas * (1 - alpha) + warped[..., :3] * alpha
    full = hom @ np.diag([nw / sw, nh / sh, 1.0])
    # Text that ran past the object's edge was never drawn: it must not be labelled.
    labels = [lab.mapped(full) for lab in sheet.labels if _within(lab.quad, sw, sh)]
    return labels, alpha[..., 0] > 0.5


def _within(quad: tuple, w: int, h: int) -> bool:
    return all(-1 <= x <= w + 1 and -1 <= y <= h + 1 for x, y in quad)


def _shadow(canvas: np.ndarray, alpha: np.ndarray, rng: np.random.Generator) -> None:
    dx, dy = (int(v) for v in rng.integers(-12, 13, 2))
    sh = np.roll(alpha[..., 0], (dy, dx), axis=(0, 1))
    sh = cv2.GaussianBlur(sh, (0, 0), float(rng.uniform(4, 14)))[..., None]
    canvas *= 1 - float(rng.uniform(0.15, 0.45)) * sh


def occluder(canvas: np.ndarray, rng: np.random.Generator, near: np.ndarray) -> np.ndarray:
    """Paint a blurry foreground shape (a shoulder, a hand, a cup) over part of an object."""
    h, w = canvas.shape[:2]
    # Centre on the object's outline so the shape hides a corner or an edge, not all of it.
    edge = near & ~cv2.erode(near.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    ys, xs = np.nonzero(edge)
    if len(xs) == 0:
        return np.zeros((h, w), bool)
    k = int(rng.integers(len(xs)))
    cx, cy = int(xs[k]), int(ys[k])
    mask = np.zeros((h, w), np.float32)
    r = int(rng.uniform(0.05, 0.14) * np.sqrt(near.sum()))
    if rng.random() < 0.5:  # person-like: a head over a shoulder
        cv2.ellipse(mask, (cx, cy + r), (int(r * 1.8), r), 0, 0, 360, 1.0, -1)
        cv2.circle(mask, (cx, cy - int(r * 0.3)), int(r * 0.6), 1.0, -1)
    else:
        cv2.ellipse(
            mask,
            (cx, cy),
            (r, int(r * rng.uniform(0.4, 1.2))),
            float(rng.uniform(0, 180)),
            0,
            360,
            1.0,
            -1,
        )
    mask = cv2.GaussianBlur(mask, (0, 0), float(rng.uniform(3, 12)))[..., None]
    color = rng.choice(
        [[230, 190, 160], [120, 80, 60], [70, 130, 160], [40, 60, 110], [235, 235, 235]]
    ) * rng.uniform(0.6, 1.1)
    canvas[:] = canvas * (1 - mask) + color * mask
    return mask[..., 0] > 0.05


def visible_share(quad: tuple, cover: np.ndarray) -> float:
    """Share of a quad's pixels inside the frame and not under `cover`."""
    h, w = cover.shape
    pts = np.asarray(quad, np.float64)
    x0, y0 = np.floor(pts.min(0)).astype(int)
    x1, y1 = np.ceil(pts.max(0)).astype(int) + 1
    local = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(local, [np.round(pts - [x0, y0]).astype(np.int32)], 1)
    total = int(local.sum())
    if total == 0:
        return 0.0
    cx0, cy0, cx1, cy1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if cx1 <= cx0 or cy1 <= cy0:
        return 0.0
    sub = local[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0].astype(bool)
    return float((sub & ~cover[cy0:cy1, cx0:cx1]).sum()) / total
