"""Barcodes and QR codes on wristbands, labels and forms: found, decoded, always blurred.

A code holds PHI whether or not we can read it (a wristband's Code 128 is the MRN, a
discharge form's QR often the whole record), so every code found is a finding.
zxing-cpp (C++ in its own wheel) finds and decodes codes that are big enough. A wristband
barcode in the background of a photo usually is not: its bars are one pixel wide and
blurred. Those are found by shape instead: an area where the gradient points the same
way everywhere (parallel bars; text strokes point every way), crossed by many bars whose
profile repeats along their length (a line of text does not repeat). QR codes too small
or blurred to decode are found by their finder patterns (qrshape.py).
"""

from __future__ import annotations

import re
from dataclasses import replace

import cv2
import numpy as np
from PIL import Image, ImageOps

from phiguard.models import Box, Finding
from phiguard.ocr import Block

_2D = {"QRCode", "MicroQRCode", "RMQRCode", "DataMatrix", "Aztec", "PDF417", "MaxiCode"}
WINDOW = 11  # px: the neighbourhood over which bars must agree in direction
MIN_SIDE = 28  # px: shorter "bars" are text strokes
MIN_BARS = 7
SAME_PROFILE = 0.6  # correlation of two parallel scans across the bars
# Motion blur along a code's bars leaves them in gray swings of 20-40 levels round a
# level far below the white label's (a wristband, seed 69): counted about the scan's
# mean they were 2, about its running mean, outside a band of this many levels, 9. Only
# where the scans along the bars are near copies (0.98 there; lines of text, 0.6-0.9),
# as blur along the bars leaves them, and bars are long: over a 29 px area the scans lie
# 6 px apart, and a stamp's slanted "ly" matched at 0.9.
BLURRED, SMEARED = 6.0, 0.9
THIN_BARS = 6.0  # px from one bar to the next, at most, for bars a pixel or two wide
# A linear code is about as long across its bars as they are tall or longer (0.97 and
# more on 37 codes of eight corpora: a short code on a label, sheared); a bulletin
# board's rows of cards made 0.70, a whiteboard's ruled rows 0.54.
MIN_ASPECT = 0.9
# Bar directions an area that is no barcode is looked at again in, one at a time (degrees
# of the gradient, folded to 0-180), each with the pixels within DIRECTION_SPAN of it:
# overlapping, so no tilt falls between two.
DIRECTIONS = (0.0, 45.0, 90.0, 135.0)
DIRECTION_SPAN = 30.0
COHERENCE = 0.75  # of the structure tensor: 1 for parallel lines, 0 for no direction
# The gradient's direction in whole-degree bins: bin b holds b - 90 to b - 89 degrees.
_BIN_DEGREES = np.arange(181) + 0.5 - 90.0
# Per direction, which bins lie within DIRECTION_SPAN of it (folded to 0-180).
_NEAR_DIRECTION = [
    np.abs((_BIN_DEGREES - centre + 90.0) % 180.0 - 90.0) < DIRECTION_SPAN for centre in DIRECTIONS
]
# Gray levels from a code's bars to its spaces, at least: printed bars are dark on
# white, 123-250 levels apart across 21 corpora even blurred; the woven stripes of
# scrubs and upholstery that made "bars" on two photos, 22-33.
MIN_CONTRAST = 50
WORD_CONF = 80  # a word read this surely is text, not bars


def find_codes(image: Image.Image) -> list[Finding]:
    """Every code zxing-cpp decodes, plus barcode- and QR-shaped areas it could not; image
    pixels."""
    gray = np.asarray(ImageOps.grayscale(image))
    # Not turned 90 degrees on the whole photo (half the time, no code fewer over both
    # bench corpora): a standing barcode is still found by its bars below, and its crop
    # is decoded turned.
    found = _decoded(gray, 0, 0, rotate=False)
    found += _qr_shaped(gray, found)
    for box, angle in bar_areas(gray):
        hit = [i for i, f in enumerate(found) if any(box.intersection(b) > 0.3 * box.area
                                                     for b in f.boxes)]  # fmt: skip
        for i in (i for i in hit if found[i].entity_type == "BARCODE"):
            # zxing's corners of a code seen in perspective fall inside its bars (a
            # 9-degree wristband code lost its top left); the bars' area holds them all.
            found[i] = replace(found[i], boxes=(found[i].boxes[0].union(box),))
        if hit:
            continue
        crop = box.padded(box.h // 2 + 4, gray.shape[1], gray.shape[0])
        patch = cv2.resize(gray[crop.y : crop.bottom, crop.x : crop.right], None, fx=2, fy=2,
                           interpolation=cv2.INTER_CUBIC)  # fmt: skip
        decoded = [
            replace(f, boxes=(f.boxes[0].union(box),)) for f in _decoded(patch, crop.x, crop.y, 2.0)
        ]
        found += decoded or [Finding("BARCODE", 0.9, f"barcode at {angle:.0f} degrees",
                                     boxes=(box,), source="code:shape")]  # fmt: skip
    return found


def _qr_shaped(gray: np.ndarray, found: list[Finding]) -> list[Finding]:
    """QR codes by their finder patterns, where no decoded code already covers them.

    Neither zxing nor OpenCV's QR detectors (cv2.QRCodeDetector, QRCodeDetectorAruco) find
    the blurred ~55 px Micro QR on a wristband, even on a crop upscaled 2-4x and sharpened,
    so a code found by shape is reported without its text.

    The photo is searched at twice its size too: at modules of about 2 px a blurred
    finder's light ring closes under the local threshold (a 56 px code on a discharge
    form, seed 29); doubled, it opens. 40 ms a photo; no other shape found on five seeds."""
    from phiguard.qrshape import qr_shapes

    double = cv2.resize(gray, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_LINEAR)
    shapes = qr_shapes(gray) + [(_halved(b), kind) for b, kind in qr_shapes(double)]
    out: list[Finding] = []
    for box, kind in shapes:
        # A shape box is wider than the code it covers: skip it when a decoded code fills
        # most of either one.
        if any(box.intersection(b) > 0.3 * min(box.area, b.area) for f in found + out
               for b in f.boxes):  # fmt: skip
            continue
        out.append(Finding("QR_CODE", 0.9, f"{kind} code by shape", boxes=(box,),
                           source="code:shape"))  # fmt: skip
    return out


def _halved(b: Box) -> Box:
    return Box(b.x // 2, b.y // 2, max(1, b.w // 2), max(1, b.h // 2))


def _decoded(
    gray: np.ndarray, dx: int, dy: int, scale: float = 1.0, rotate: bool = True
) -> list[Finding]:
    import zxingcpp

    out = []
    for r in zxingcpp.read_barcodes(gray, try_rotate=rotate, try_downscale=True):
        fmt = r.format.name if hasattr(r.format, "name") else str(r.format)
        p = r.position
        xs = [q.x / scale + dx for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
        ys = [q.y / scale + dy for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
        box = Box(
            int(min(xs)), int(min(ys)), int(max(xs) - min(xs)) + 1, int(max(ys) - min(ys)) + 1
        )
        kind = "QR_CODE" if fmt in _2D else "BARCODE"
        if kind == "BARCODE" and box.h < 0.4 * box.w:
            # zxing places a 1D code on the scan line that decoded it; the bars go on
            # above and below it.
            grow = int(0.4 * box.w - box.h) // 2 + 1
            box = Box(box.x, max(0, box.y - grow), box.w, box.h + 2 * grow)
        out.append(Finding(kind, 1.0, r.text or fmt, boxes=(box,), source=f"code:{fmt}"))
    return out


def bar_areas(gray: np.ndarray) -> list[tuple[Box, float]]:
    """Areas of parallel bars: (box, bar direction in degrees).

    An area that is no barcode is looked at again one bar direction at a time: a
    wristband's barcode lies a few pixels from the band's long edges, which are coherent
    too but at right angles to its bars, and the two closed into one band-sized area
    (seed 47 photo_022). Only there: on the whole photo it took 4x the time and found
    more lines of text."""
    g = gray.astype(np.float32)
    gx, gy = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    k = (WINDOW, WINDOW)
    jxx, jyy = cv2.boxFilter(gx * gx, -1, k), cv2.boxFilter(gy * gy, -1, k)
    jxy = cv2.boxFilter(gx * gy, -1, k)
    energy, diff = jxx + jyy, jxx - jyy
    # Coherence sqrt(diff^2 + 4 jxy^2) / energy above 0.75, squared: no root or division
    # over 3 million pixels.
    coherent = (diff * diff + 4 * jxy * jxy > COHERENCE**2 * energy * energy) & (energy > 2000)
    # The gradient's direction (across the bars), wanted only where an area can be: at
    # coherent pixels and within the 9 px closing of them (_bar_areas_in), 8% of a
    # photo. Computed there alone, the same areas in a fifth of arctan2's 60 ms.
    near_coherent = cv2.dilate(coherent.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    theta = np.zeros(jxy.shape, np.float32)
    np.arctan2(2 * jxy, diff, out=theta, where=near_coherent)
    theta *= np.float32(0.5)
    out, missed = _bar_areas_in(g, coherent, theta, 0, 0)
    for m in missed:
        sub = (slice(m.y, m.bottom), slice(m.x, m.right))
        # Whole degrees from -90 (bin 0) to 90 (bin 180), looked up per direction.
        bins = ((theta[sub] + np.pi / 2) * (180 / np.pi)).astype(np.uint8)
        for near in _NEAR_DIRECTION:
            found, _ = _bar_areas_in(g, coherent[sub] & near[bins], theta, m.x, m.y)
            out += [(b, th) for b, th in found if not _seen(b, out)]
    return out


def _seen(box: Box, areas: list[tuple[Box, float]]) -> bool:
    return any(box.intersection(b) > 0.5 * min(box.area, b.area) for b, _ in areas)


def _bar_areas_in(
    g: np.ndarray, coherent: np.ndarray, theta: np.ndarray, dx: int, dy: int
) -> tuple[list[tuple[Box, float]], list[Box]]:
    """Bar areas of a mask of coherent pixels whose top left is (dx, dy) in the photo, and
    the areas big enough to hold a barcode that are none."""
    opened = cv2.morphologyEx(coherent.astype(np.uint8) * 255, cv2.MORPH_OPEN,
                              np.ones((5, 5), np.uint8))  # fmt: skip
    mask = cv2.morphologyEx(opened, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out, missed = [], []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if min(w, h) < MIN_SIDE:
            continue
        box = Box(x + dx, y + dy, w, h)
        inside = labels[y : y + h, x : x + w] == i
        th = float(np.median(theta[box.y : box.bottom, box.x : box.right][inside]))
        if max(w, h) <= 0.5 * max(g.shape) and area >= 0.35 * w * h \
                and _long_across(inside, th) and _looks_like_bars(g, box, inside, th):  # fmt: skip
            out.append((box, float(np.degrees(th))))
        elif min(w, h) >= 2 * MIN_SIDE:  # room for a code beside what joined it
            missed.append(box)
    return out, missed


def _long_across(inside: np.ndarray, th: float) -> bool:
    """The area's extent across the bars (direction th) against its extent along them."""
    ys, xs = np.nonzero(inside)
    across = xs * np.cos(th) + ys * np.sin(th)
    along = ys * np.cos(th) - xs * np.sin(th)
    span = [float(np.percentile(a, 98) - np.percentile(a, 2)) for a in (across, along)]
    return span[0] >= MIN_ASPECT * max(1.0, span[1])


def _looks_like_bars(g: np.ndarray, b: Box, inside: np.ndarray, th: float) -> bool:
    """Many bars across the area, and the same profile at two heights along them."""
    length = max(b.w, b.h)
    ts = np.linspace(-length / 2, length / 2, 2 * length)
    along = min(b.w, b.h) * 0.2

    def scan(off: float) -> tuple[np.ndarray, np.ndarray]:
        xs = b.x + b.w / 2 - off * np.sin(th) + ts * np.cos(th)
        ys = b.y + b.h / 2 + off * np.cos(th) + ts * np.sin(th)
        return (np.clip(xs, 0, g.shape[1] - 1).astype(int),
                np.clip(ys, 0, g.shape[0] - 1).astype(int))  # fmt: skip

    xs, ys = scan(0.0)
    keep = inside[np.clip(ys - b.y, 0, b.h - 1), np.clip(xs - b.x, 0, b.w - 1)]
    if keep.sum() < 10:
        return False
    before, mid, after = (g[y, x][keep] for x, y in (scan(-along), (xs, ys), scan(along)))
    lo, hi = np.percentile(mid, (2, 98))
    if hi - lo < MIN_CONTRAST:
        return False
    bars = _crossings(mid - mid.mean())
    # A code seen at an angle: its bars' direction can be a few degrees off (a 56 px
    # wristband code, 3 degrees: 0.7 px between the scans, bars 1-2 px wide: 0.49). Where
    # bars are that thin, the scans before and after are also tried shifted the opposite
    # ways by up to a pixel, as turning the scan a little would. Not for wider bars, which
    # lose little to the error: the stems of a big line of text passed so.
    thin = len(mid) / 2 <= THIN_BARS * max(bars, 1)  # two samples a pixel
    same = max(min(_corr(*_shifted(mid, before, k)), _corr(*_shifted(mid, after, -k)))
               for k in (range(-2, 3) if thin else (0,)))  # fmt: skip
    if bars < MIN_BARS and same >= SMEARED and min(b.w, b.h) >= 2 * MIN_SIDE:
        bars = _crossings(mid - _running_mean(mid), BLURRED)
    return bars >= MIN_BARS and (same >= SAME_PROFILE or bars >= 20)


def _crossings(dev: np.ndarray, dead: float = 0.0) -> int:
    """Bars across a scan: swings from below to above its level and back, leaving out
    deviations of no more than `dead` gray levels."""
    signs = np.sign(dev[np.abs(dev) > dead])
    return int((np.diff(signs) != 0).sum() // 2)


def _running_mean(scan: np.ndarray, width: int = 12) -> np.ndarray:
    """The scan's level over `width` samples (6 px) about each sample."""
    padded = np.pad(scan, (width // 2, width - width // 2 - 1), mode="edge")
    return np.convolve(padded, np.ones(width) / width, mode="valid")


def _shifted(a: np.ndarray, b: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """`a` and `b` overlapped with `b` moved k samples along: the samples that meet."""
    return a[max(0, k) : len(a) + min(0, k)], b[max(0, -k) : len(b) + min(0, -k)]


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) != len(b) or a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def not_words(codes: list[Finding], blocks: list[Block]) -> list[Finding]:
    """Codes found by shape only, less those that OCR read as a word: the stems of a
    poster's big bold "hours" are parallel bars too (a clean photo was blurred)."""
    words = [w for b in blocks for w in b.words if w.conf >= WORD_CONF and _plain(w.text)]

    def a_word(f: Finding) -> bool:
        box = f.boxes[0]
        return f.source == "code:shape" and any(
            box.intersection(w.box) >= 0.5 * box.area for w in words
        )

    return [f for f in codes if not a_word(f)]


def _plain(text: str) -> bool:
    """A word that is text: three letters or more, or a clock time ("10:00-14:00," on a
    bulletin's card in serif digits made bars; a code's own digits hold no colon)."""
    word = text.strip(".,:;!")
    return (len(word) >= 3 and word.isalpha()) or _CLOCK.search(word) is not None


_CLOCK = re.compile(r"(?<!\d)\d{1,2}:\d\d(?!\d)")
