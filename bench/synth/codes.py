"""1D barcodes (Code128 via python-barcode) and QR codes (segno), drawn module by module.

We only take the module patterns from the libraries and paint them ourselves, so size,
colour and position are exact and the label quad is the code's own footprint.
"""

from __future__ import annotations

import barcode
import numpy as np
import segno
from PIL import Image

from bench.synth.sheet import Label, Sheet


def code128_modules(data: str) -> str:
    """'1'/'0' string of bars and spaces for a Code128 symbol (no quiet zone)."""
    return str(barcode.get("code128", data).build()[0])


def qr_matrix(data: str) -> np.ndarray:
    return np.array(segno.make(data, error="m").matrix, dtype=bool)


def put_barcode(
    sheet: Sheet,
    xy: tuple[int, int],
    data: str,
    module: int,
    height: int,
    ink: tuple[int, int, int] = (10, 10, 10),
) -> tuple[int, int]:
    """Draw Code128 of `data` with its top-left at xy. Returns (width, height)."""
    bars = code128_modules(data)
    x0, y0 = xy
    draw = sheet.draw
    for i, bit in enumerate(bars):
        if bit == "1":
            draw.rectangle((x0 + i * module, y0, x0 + (i + 1) * module - 1, y0 + height), fill=ink)
    w = len(bars) * module
    quad = ((x0, y0), (x0 + w, y0), (x0 + w, y0 + height), (x0, y0 + height))
    sheet.labels.append(Label("BARCODE", data, tuple((float(a), float(b)) for a, b in quad)))
    return w, height


def put_qr(
    sheet: Sheet, xy: tuple[int, int], data: str, module: int, ink: tuple[int, int, int] = (0, 0, 0)
) -> int:
    """Draw a QR code (no quiet zone) with its top-left at xy. Returns its side in px."""
    mat = qr_matrix(data)
    side = mat.shape[0] * module
    tile = np.where(mat, 0, 255).astype(np.uint8)
    tile = np.kron(tile, np.ones((module, module), dtype=np.uint8))
    rgba = np.zeros((side, side, 4), dtype=np.uint8)
    rgba[..., :3] = np.array(ink, dtype=np.uint8)
    rgba[..., 3] = 255 - tile  # only the dark modules are painted
    sheet.img.alpha_composite(Image.fromarray(rgba), xy)
    x0, y0 = xy
    quad = ((x0, y0), (x0 + side, y0), (x0 + side, y0 + side), (x0, y0 + side))
    sheet.labels.append(Label("QR", data, tuple((float(a), float(b)) for a, b in quad)))
    return side
