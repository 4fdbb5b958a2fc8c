"""A flat "object" image (screen, board, band, paper) plus the labels drawn on it.

Every piece of text goes through `put_text`, which records the ink box of each labelled
value and of each ordinary run as a quad, so labels always match the pixels drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

Quad = tuple[tuple[float, float], ...]
ORDINARY = "ordinary"
# A part is (text, kind) or (text, kind, role); kind None means ordinary text.
Part = tuple[str, str | None] | tuple[str, str | None, str]


@dataclass(frozen=True)
class Label:
    """A labelled piece of text. `words` holds one quad per whitespace-separated token so
    the scorer can ignore the blank gaps between words (see bench.score)."""

    kind: str
    text: str
    quad: Quad
    role: str = ""
    words: tuple[Quad, ...] = ()

    def mapped(self, m: np.ndarray) -> Label:
        """The same label under a 2x3 affine or 3x3 homography."""
        return Label(
            self.kind,
            self.text,
            transform_quad(self.quad, m),
            self.role,
            tuple(transform_quad(q, m) for q in self.words),
        )


@dataclass
class Sheet:
    img: Image.Image  # RGBA; alpha 0 outside the object (rounded corners, arm, ...)
    labels: list[Label] = field(default_factory=list)

    @property
    def draw(self) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self.img)

    @property
    def size(self) -> tuple[int, int]:
        return self.img.size


def new_sheet(w: int, h: int, color: tuple[int, int, int] | tuple[int, int, int, int]) -> Sheet:
    rgba = color if len(color) == 4 else (*color, 255)
    return Sheet(Image.new("RGBA", (w, h), rgba))


def _box_quad(b: tuple[float, float, float, float]) -> Quad:
    x0, y0, x1, y1 = b
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def _ink_box(
    x: float, y: float, text: str, fnt: ImageFont.FreeTypeFont
) -> tuple[float, float, float, float]:
    """Tight box of the pixels a text really inks (over half coverage), drawn at (x, y).

    Font boxes include side bearings and line metrics; labels hug the ink instead, so a
    tool whose OCR boxes hug the ink too is not scored as missing a sliver of margin.
    """
    left, top, right, bottom = fnt.getbbox(text)
    im = Image.new("L", (int(right - left) + 4, int(bottom - top) + 4))
    ImageDraw.Draw(im).text((2 - left, 2 - top), text, font=fnt, fill=255)
    ys, xs = np.nonzero(np.asarray(im) > 127)
    if len(xs) == 0:
        return (x + left, y + top, x + right, y + bottom)
    ox, oy = x + left - 2, y + top - 2
    return (ox + xs.min(), oy + ys.min(), ox + xs.max() + 1, oy + ys.max() + 1)


def _record(
    sheet: Sheet,
    x: float,
    y: float,
    text: str,
    fnt: ImageFont.FreeTypeFont,
    kind: str,
    role: str = "",
) -> None:
    stripped = text.strip()
    if not stripped:
        return
    lead = len(text) - len(text.lstrip())
    x0 = x + fnt.getlength(text[:lead])
    box = _ink_box(x0, y, stripped, fnt)
    words, pos = [], 0
    for token in stripped.split():
        pos = stripped.index(token, pos)
        wx = x0 + fnt.getlength(stripped[:pos])
        words.append(_box_quad(_ink_box(wx, y, token, fnt)))
        pos += len(token)
    sheet.labels.append(Label(kind, stripped, _box_quad(box), role, tuple(words)))


def put_text(
    sheet: Sheet,
    xy: tuple[float, float],
    parts: str | Sequence[Part],
    fnt: ImageFont.FreeTypeFont,
    fill: tuple[int, ...],
) -> float:
    """Draw a line made of parts; label values and ordinary runs. Returns the end x."""
    x, y = xy
    seq: Sequence[Part] = [(parts, None)] if isinstance(parts, str) else parts
    draw = sheet.draw
    run, run_x = "", x
    for part in seq:
        text, kind = part[0], part[1]
        if kind is None:
            run_x = x if not run else run_x
            run += text
        else:
            _record(sheet, run_x, y, run, fnt, ORDINARY)
            run = ""
            _record(sheet, x, y, text, fnt, kind, part[2] if len(part) > 2 else "")  # type: ignore[misc]
        draw.text((x, y), text, font=fnt, fill=fill)
        x += fnt.getlength(text)
    _record(sheet, run_x, y, run, fnt, ORDINARY)
    return x


def text_layer(
    parts: str | Sequence[Part], fnt: ImageFont.FreeTypeFont, fill: tuple[int, ...]
) -> Sheet:
    """A transparent sheet holding one line of text, ready to rotate and paste."""
    flat = parts if isinstance(parts, str) else "".join(p[0] for p in parts)
    w = int(fnt.getlength(flat)) + 8
    asc, desc = fnt.getmetrics()
    layer = new_sheet(w, asc + desc + 8, (*fill[:3], 0))
    put_text(layer, (4, 4), parts, fnt, fill)
    return layer


def transform_quad(quad: Quad, m: np.ndarray) -> Quad:
    """Apply a 2x3 affine or 3x3 homography to a quad."""
    pts = np.asarray(quad, dtype=np.float64).reshape(-1, 1, 2)
    mat = m if m.shape == (3, 3) else np.vstack([m, [0, 0, 1]])
    out = cv2.perspectiveTransform(pts, mat).reshape(-1, 2)
    return tuple((float(a), float(b)) for a, b in out)


def paste(dst: Sheet, src: Sheet, xy: tuple[float, float], angle: float = 0.0) -> None:
    """Alpha-composite `src` rotated by `angle` degrees (counter-clockwise) at xy."""
    arr = np.asarray(src.img)
    h, w = arr.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    corners = transform_quad(_box_quad((0, 0, w, h)), m)
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    m[0, 2] += -min(xs) + xy[0] - int(xy[0])
    m[1, 2] += -min(ys) + xy[1] - int(xy[1])
    nw, nh = int(np.ceil(max(xs) - min(xs))) + 2, int(np.ceil(max(ys) - min(ys))) + 2
    rot = cv2.warpAffine(arr, m, (nw, nh), flags=cv2.INTER_CUBIC, borderValue=(0, 0, 0, 0))
    # Clamp so PIL accepts the offset; labels use the same clamped offset, so they match.
    ox, oy = max(0, int(xy[0])), max(0, int(xy[1]))
    dst.img.alpha_composite(Image.fromarray(rot), (ox, oy))
    shift = np.array([[1, 0, ox], [0, 1, oy], [0, 0, 1]], dtype=np.float64)
    full = shift @ np.vstack([m, [0, 0, 1]])
    for lab in src.labels:
        dst.labels.append(lab.mapped(full))


def put_rotated(
    dst: Sheet,
    xy: tuple[float, float],
    parts: str | Sequence[Part],
    fnt: ImageFont.FreeTypeFont,
    fill: tuple[int, ...],
    angle: float,
) -> None:
    """One text line drawn at a slant (handwriting, stamps)."""
    paste(dst, text_layer(parts, fnt, fill), xy, angle)
