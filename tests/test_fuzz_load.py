"""Fuzz the loaders: random bytes and mutated real files of every format phiguard reads.
load_bytes must return a Loaded or raise LoadError, never anything else, and never
hang. Bounded and derandomized, so CI runs the same examples every time."""

from __future__ import annotations

import functools
import io
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from phiguard.load import Loaded, LoadError, load_bytes
from tests import hostile_support as hostile
from tests.support import render_lines

FUZZ = settings(
    max_examples=600,
    derandomize=True,
    deadline=None,  # timed below, per example, with a clearer message
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
SLOWEST_S = 3.0
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow on corrupt EXIF


def _save(img: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


@functools.cache
def seeds() -> tuple[tuple[str, bytes], ...]:
    """One small real file per format (name, bytes): text drawn into each picture."""
    from phiguard.media import register_heif

    register_heif()
    img = render_lines(["MRN 00482913"], size=14, width=160, angle=0)
    frames = [img, img.rotate(180)]
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "SyntheticCam"
    return (
        ("a.jpg", _save(img, "JPEG", exif=exif.tobytes())),
        ("a.png", _save(img, "PNG")),
        ("a.gif", _save(frames[0], "GIF", save_all=True, append_images=frames[1:])),
        ("a.tif", _save(frames[0], "TIFF", save_all=True, append_images=frames[1:])),
        ("a.webp", _save(img, "WEBP")),
        ("a.bmp", _save(img, "BMP")),
        ("a.heic", _save(img, "HEIF")),
        ("a.pdf", _save(img, "PDF")),
        ("tiny.pdf", hostile.pdf_page(200, 100)),
        ("a.txt", "Caption: get well soon, Maria Garcia \u2764".encode()),
    )


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A real file with bytes overwritten, a slice cut out or repeated, or cut short."""
    name, data = draw(st.sampled_from(seeds()))
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["set", "cut", "dup", "truncate"]))
        i = draw(st.integers(0, max(0, len(buf) - 1)))
        j = min(len(buf), i + draw(st.integers(1, 64)))
        if op == "set":
            buf[i:j] = draw(st.binary(min_size=j - i, max_size=j - i))
        elif op == "cut":
            del buf[i:j]
        elif op == "dup":
            buf[i:i] = buf[i:j]
        else:
            del buf[i:]
    return name, bytes(buf)


def _must_load_or_refuse(name: str, data: bytes) -> None:
    t0 = time.monotonic()
    try:
        out = load_bytes(data, name)
    except LoadError:
        pass
    else:
        assert isinstance(out, Loaded)
        assert (out.image is None) != (out.text is None)
    took = time.monotonic() - t0
    assert took < SLOWEST_S, f"{name}: {len(data)} bytes took {took:.1f} s"


@FUZZ
@given(mutated())
def test_mutated_real_files_load_or_raise_load_error(case: tuple[str, bytes]) -> None:
    _must_load_or_refuse(*case)


@settings(FUZZ, max_examples=200)
@given(
    st.sampled_from(["x.jpg", "x.png", "x.txt", "x", "x.pdf"]),
    st.binary(max_size=2048),
    st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"II*\x00", b"%PDF-"]),
)
def test_random_bytes_load_or_raise_load_error(name: str, data: bytes, magic: bytes) -> None:
    _must_load_or_refuse(name, magic + data)
