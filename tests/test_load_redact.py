"""Loading (formats by content, EXIF orientation, failures) and metadata-free redaction."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from phiguard.load import LoadError, load, load_bytes
from phiguard.models import Box
from phiguard.redact import redact_image
from phiguard.report import write_image


def jpeg_bytes(img: Image.Image, **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="JPEG", **kw)
    return buf.getvalue()


def test_exif_orientation_is_applied_before_anything() -> None:
    img = Image.new("RGB", (200, 100), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise on display
    loaded = load_bytes(jpeg_bytes(img, exif=exif.tobytes()), "phone.jpg")
    assert loaded.image is not None and loaded.image.size == (100, 200)


def test_format_is_sniffed_by_content_not_name(tmp_path: Path) -> None:
    p = tmp_path / "photo.txt"
    Image.new("RGB", (30, 20)).save(p, format="PNG")
    assert load(str(p)).kind == "image"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.jpg", b"", "empty"),
        ("notes.jpg", b"just some text", "not a readable image"),
        ("blob.bin", b"\x00\x01\x02binary", "unsupported format"),
    ],
)
def test_unreadable_inputs_raise(name: str, data: bytes, message: str) -> None:
    with pytest.raises(LoadError, match=message):
        load_bytes(data, name)


def test_truncated_jpeg_is_an_error() -> None:
    data = jpeg_bytes(Image.effect_noise((400, 300), 60).convert("RGB"))
    with pytest.raises(LoadError, match="cannot decode"):
        load_bytes(data[: len(data) // 2], "cut.jpg")


def test_invalid_utf8_is_scanned_with_a_note() -> None:
    loaded = load_bytes(b"caption \xff\xfe ok", "c.txt")
    assert loaded.kind == "text" and "\ufffd" in (loaded.text or "") and loaded.notes


@pytest.mark.parametrize("style", ["blur", "pixelate", "box"])
def test_redaction_changes_only_the_boxes(style: str) -> None:
    img = Image.effect_noise((300, 200), 80).convert("RGB")
    out = redact_image(img, [Box(50, 40, 100, 30)], style)
    assert out.size == img.size
    assert out.crop((50, 40, 150, 70)).tobytes() != img.crop((50, 40, 150, 70)).tobytes()
    assert out.crop((0, 100, 300, 200)).tobytes() == img.crop((0, 100, 300, 200)).tobytes()


def test_written_copy_has_no_metadata(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x9003] = "2026:11:02 10:00:00"
    src = load_bytes(jpeg_bytes(Image.new("RGB", (64, 48), "red"), exif=exif.tobytes()), "a.jpg")
    assert src.image is not None
    out = tmp_path / "a.jpg"
    write_image(redact_image(src.image, [], "blur"), out, "JPEG")
    back = Image.open(out)
    assert not back.getexif() and "exif" not in back.info and "icc_profile" not in back.info
