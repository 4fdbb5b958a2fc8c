"""Builders for phone-like test files: EXIF with GPS and an embedded thumbnail.

Pillow writes EXIF but not its IFD1 (the thumbnail directory), so the APP1 payload is
assembled here by hand. All values are synthetic.
"""

from __future__ import annotations

import io
import struct

from PIL import Image

ASCII, LONG, RATIONAL = 2, 4, 5


def _entry(tag: int, kind: int, count: int, value: bytes) -> bytes:
    return struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\x00")


def exif_with_gps_and_thumbnail(
    thumb: Image.Image, lat: float = 42.358, lon: float = -71.064, device: str = "Acme"
) -> bytes:
    """A little-endian TIFF block: IFD0 (Make, GPS pointer), GPS IFD, IFD1 + thumbnail."""
    buf = io.BytesIO()
    thumb.convert("RGB").save(buf, format="JPEG", quality=80)
    jpeg = buf.getvalue()
    make = device.encode() + b"\x00"
    # Layout: header(8) IFD0(2+2*12+4=30) GPS(2+4*12+4=54) IFD1(2+2*12+4=30) data...
    ifd0, gps, ifd1 = 8, 38, 92
    data = 122
    make_at, lat_at, lon_at = data, data + len(make), data + len(make) + 24
    thumb_at = lon_at + 24

    def dms(v: float) -> bytes:
        d = abs(v)
        deg, minutes = int(d), int((d % 1) * 60)
        sec = round(((d * 60) % 1) * 60 * 100)
        return struct.pack("<6I", deg, 1, minutes, 1, sec, 100)

    out = b"II*\x00" + struct.pack("<I", ifd0)
    out += struct.pack("<H", 2) + _entry(0x010F, ASCII, len(make), struct.pack("<I", make_at))
    out += _entry(0x8825, LONG, 1, struct.pack("<I", gps)) + struct.pack("<I", ifd1)
    out += struct.pack("<H", 4)
    out += _entry(1, ASCII, 2, b"N" if lat >= 0 else b"S")
    out += _entry(2, RATIONAL, 3, struct.pack("<I", lat_at))
    out += _entry(3, ASCII, 2, b"E" if lon >= 0 else b"W")
    out += _entry(4, RATIONAL, 3, struct.pack("<I", lon_at)) + struct.pack("<I", 0)
    out += struct.pack("<H", 2) + _entry(0x0201, LONG, 1, struct.pack("<I", thumb_at))
    out += _entry(0x0202, LONG, 1, struct.pack("<I", len(jpeg))) + struct.pack("<I", 0)
    assert len(out) == data, len(out)
    return b"Exif\x00\x00" + out + make + dms(lat) + dms(lon) + jpeg
