"""Builders for hostile inputs: files whose headers promise far more pixels, frames or
pages than their bytes hold. Each is a few hundred bytes, built without decoding."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_bomb(width: int = 60000, height: int = 60000) -> bytes:
    """A PNG header claiming width x height grayscale, with a tiny zlib stream (a few
    rows of zeros): decoding it would need width*height bytes for nothing."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * 4, 9)
    chunks = _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", rows) + _chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def jpeg_bomb(width: int = 65000, height: int = 65000) -> bytes:
    """A small real JPEG whose SOF0 marker is rewritten to claim width x height."""
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(buf, "JPEG")
    data = bytearray(buf.getvalue())
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def tiff_bomb(width: int = 100000, height: int = 100000) -> bytes:
    """A small real TIFF whose width and length tags are rewritten."""
    buf = io.BytesIO()
    Image.new("L", (8, 8), 255).save(buf, "TIFF")
    data = bytearray(buf.getvalue())
    ifd = struct.unpack_from("<I", data, 4)[0]
    (count,) = struct.unpack_from("<H", data, ifd)
    for i in range(count):
        at = ifd + 2 + 12 * i
        tag, kind = struct.unpack_from("<HH", data, at)
        if tag in (256, 257):  # ImageWidth, ImageLength
            value = width if tag == 256 else height
            if kind == 3:
                struct.pack_into("<HHIH", data, at, tag, 4, 1, 0)  # widen SHORT to LONG
            struct.pack_into("<I", data, at + 8, value)
    return bytes(data)


def gif_many_frames(frames: int = 5000, size: int = 64) -> bytes:
    """An animated GIF of many tiny, different frames (each a few bytes compressed)."""
    imgs = []
    for i in range(frames):
        img = Image.new("P", (size, size), 0)
        img.putpixel((i % size, (i // size) % size), 1 + i % 200)  # equal frames get merged
        imgs.append(img)
    buf = io.BytesIO()
    imgs[0].save(buf, "GIF", save_all=True, append_images=imgs[1:], duration=10, loop=0)
    return buf.getvalue()


def pdf_page(width_pt: float, height_pt: float, pages: int = 1) -> bytes:
    """A minimal PDF of empty pages of the given size in points (1/72 inch). PDF allows
    UserUnit to make a page far larger than its MediaBox numbers say; plain numbers
    up to 14400 pt (200 inches) are what every reader accepts."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    for _ in range(pages):
        box = f"[0 0 {width_pt:g} {height_pt:g}]"
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox {box} >>".encode())
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
