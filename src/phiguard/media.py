"""Decode what phones and scanners produce into plain RGB frames, and read the metadata
a photo carries. Works on decoded images and bytes only; load.py does the file I/O.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from PIL import Image

# 200 dpi: 10 pt print is ~28 px tall, what Tesseract reads best; a letter page is 3.7 MP.
PDF_DPI = 200
# A page too large for the pixel limit is rendered at less, but never under this: at
# 100 dpi 10 pt print is ~14 px, the smallest Tesseract still reads. A larger page
# (a 200-inch MediaBox costs nothing to write) is refused before anything is rendered.
PDF_MIN_DPI = 100
_GPS_IFD, _EXIF_IFD = 0x8825, 0x8769
_MAKE, _MODEL, _DATETIME = 0x010F, 0x0110, 0x0132
_DATETIME_ORIGINAL, _DATETIME_DIGITIZED, _MAKER_NOTE = 0x9003, 0x9004, 0x927C


class MediaError(Exception):
    """A page or frame could not be decoded: the file must not be called clean."""


@functools.cache
def register_heif() -> None:
    """Teach Pillow HEIC/HEIF (iPhone photos); done once, on the first such file."""
    from pillow_heif import register_heif_opener

    register_heif_opener()


def to_rgb(frame: Image.Image) -> Image.Image:
    """Any mode to 8-bit RGB without losing text: alpha is flattened onto a background
    that contrasts with the visible pixels, 16-bit and float are scaled, not clipped."""
    mode = frame.mode
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in frame.info:
        return _flatten(frame.convert("RGBA"))
    if mode in ("I", "F") or mode.startswith("I;16"):
        return _scale_wide(frame)
    return frame.convert("RGB")


def _flatten(rgba: Image.Image) -> Image.Image:
    # Flatten on white, as a viewer would; but white text on a transparent banner would
    # vanish on white, so when what is visible is light, flatten on black instead.
    a = np.asarray(rgba, dtype=np.float32)
    alpha = a[..., 3:] / 255.0
    visible = alpha[..., 0] > 0.5
    lum = a[..., :3].mean(axis=2)
    light = bool(visible.any()) and float(lum[visible].mean()) > 200
    bg = 0.0 if light else 255.0
    out = a[..., :3] * alpha + bg * (1.0 - alpha)
    return Image.fromarray(out.round().astype(np.uint8), "RGB")


def _scale_wide(frame: Image.Image) -> Image.Image:
    # Pillow's own convert clips 16-bit values at 255: a 12-bit scan would come out white.
    a = np.asarray(frame, dtype=np.float64)
    lo, hi = float(a.min()), float(a.max())
    scaled = (a - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros_like(a)
    return Image.fromarray(scaled.round().astype(np.uint8), "L").convert("RGB")


def render_pdf(
    data: bytes, max_pages: int, max_pixels: int, max_total: int | None = None
) -> tuple[Image.Image, ...]:
    """Every page as RGB at PDF_DPI (less for huge pages). pdfium ships in the wheel.
    Page sizes are checked against the limits before any page is rendered."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise MediaError(f"cannot open PDF (encrypted or damaged?): {exc}") from exc
    try:
        n = len(pdf)
        if n == 0 or n > max_pages:
            raise MediaError(f"cannot check a PDF of {n} pages (limit {max_pages})")
        scales = _pdf_scales([pdf[i].get_size() for i in range(n)], max_pixels, max_total)
        return tuple(pdf[i].render(scale=s).to_pil().convert("RGB") for i, s in enumerate(scales))
    except pdfium.PdfiumError as exc:
        raise MediaError(f"cannot render PDF page: {exc}") from exc
    finally:
        pdf.close()


def _pdf_scales(
    sizes: list[tuple[float, float]], max_pixels: int, max_total: int | None
) -> list[float]:
    """Render scale of each page (pixels per point), or MediaError when the pages are
    too large to check. Sizes are in points (1/72 inch)."""
    scales, total = [], 0.0
    for i, (w, h) in enumerate(sizes):
        area = max(1.0, w * h)
        scale = min(PDF_DPI / 72, math.sqrt(max_pixels / area))
        if scale < PDF_MIN_DPI / 72:
            raise MediaError(
                f"PDF page {i + 1} is {w / 72:.0f}x{h / 72:.0f} inches: too large to check "
                f"at {PDF_MIN_DPI} dpi (limit {max_pixels:,} pixels)"
            )
        scales.append(scale)
        total += area * scale * scale
    if max_total is not None and total > max_total:
        raise MediaError(
            f"PDF too large to check: {len(sizes)} pages of {total:,.0f} pixels in all "
            f"(limit {max_total:,})"
        )
    return scales


def read_meta(img: Image.Image) -> tuple[tuple[str, str], ...]:
    """What a photo says about where, when and with what it was taken, and whether it
    carries a thumbnail of the original (which a careless redaction leaves intact)."""
    exif = img.getexif()
    sub = exif.get_ifd(_EXIF_IFD)
    out: list[tuple[str, str]] = []
    gps = _gps(exif.get_ifd(_GPS_IFD))
    xmp = _xmp(img)
    if gps:
        out.append(("GPS_LOCATION", gps))
    elif b"GPSLatitude" in xmp:
        out.append(("GPS_LOCATION", "GPS position in XMP"))
    when = sub.get(_DATETIME_ORIGINAL) or sub.get(_DATETIME_DIGITIZED) or exif.get(_DATETIME)
    if when:
        out.append(("CAPTURE_TIME", str(when).strip("\x00 ")))
    device = " ".join(str(exif.get(t, "")).strip("\x00 ") for t in (_MAKE, _MODEL)).strip()
    if device:
        out.append(("DEVICE", device))
    if sub.get(_MAKER_NOTE):
        out.append(("MAKER_NOTES", f"{len(sub[_MAKER_NOTE])} bytes"))
    if _has_thumbnail(img):
        out.append(("THUMBNAIL", "embedded thumbnail"))
    return tuple(out)


def _gps(ifd: dict[int, object]) -> str:
    """Decimal degrees "lat, lon" from the EXIF GPS IFD, or "" when it holds no position."""
    lat, lon = ifd.get(2), ifd.get(4)
    if not lat or not lon:
        return "GPS data" if ifd else ""
    try:
        dlat = _degrees(lat) * (-1 if str(ifd.get(1, "N")).upper().startswith("S") else 1)
        dlon = _degrees(lon) * (-1 if str(ifd.get(3, "E")).upper().startswith("W") else 1)
    except (TypeError, ValueError, ZeroDivisionError):
        return "GPS data"
    return f"{dlat:.5f}, {dlon:.5f}"


def _degrees(dms: object) -> float:
    d, m, s = (float(v) for v in dms)  # type: ignore[attr-defined]
    return d + m / 60 + s / 3600


def _xmp(img: Image.Image) -> bytes:
    raw = img.info.get("xmp") or img.info.get("XML:com.adobe.xmp") or b""
    return raw.encode() if isinstance(raw, str) else bytes(raw)


def _has_thumbnail(img: Image.Image) -> bool:
    # An EXIF thumbnail is a whole JPEG inside the APP1 segment, after the TIFF header.
    raw = img.info.get("exif") or b""
    if isinstance(raw, bytes) and b"\xff\xd8\xff" in raw[8:]:
        return True
    return bool(img.info.get("thumbnails"))  # pillow-heif lists HEIC thumbnails here
