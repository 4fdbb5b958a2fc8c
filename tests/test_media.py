"""Faces, photo metadata and phone formats, with real Tesseract, Presidio and detector.

Every face comes from a registry package (scikit-image's astronaut, a public-domain
NASA portrait); every value is synthetic.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageDraw, ImageFont, ImageOps

from phiguard import load
from phiguard.config import Config
from phiguard.faces import detect_faces, detector
from phiguard.models import Box
from phiguard.report import file_dict
from phiguard.scan import redact_frames, scan_file, scan_image, scan_loaded
from tests.media_support import exif_with_gps_and_thumbnail
from tests.support import FONT, engine, render_lines, run_cli

CONTACT = ["Contact: maria.garcia@example.com", "Home phone: (617) 555-2231"]
# Where the astronaut's face is in skimage.data.astronaut() (512x512), by eye.
ASTRONAUT_FACE = Box(175, 60, 110, 140)


def astronaut() -> Image.Image:
    from skimage.data import astronaut as pixels

    return Image.fromarray(pixels())


def covered(outer: Box, inner: Box) -> float:
    """The share of `inner` that `outer` covers."""
    return outer.intersection(inner) / inner.area


def test_libfacedetection_is_the_detector_here() -> None:
    assert detector()[0] == "libfacedetection"


def test_face_is_found_flagged_and_counts_by_default() -> None:
    cfg = Config()
    rep = scan_image(astronaut(), engine(), cfg, "astronaut.png")
    faces = [f for f in rep.findings if f.entity_type == "FACE"]
    assert len(faces) == 1 and faces[0].bbox is not None
    assert covered(faces[0].bbox, ASTRONAUT_FACE) > 0.9
    assert rep.verdict == "phi"
    dont_count = scan_image(astronaut(), engine(), cfg.with_(faces_count=False), "a.png")
    assert dont_count.verdict == "clean" and dont_count.findings  # shown, not counted
    ignored = scan_image(astronaut(), engine(), cfg.with_(faces="ignore"), "a.png")
    assert not [f for f in ignored.findings if f.entity_type == "FACE"]


def test_face_is_blurred_only_with_faces_blur() -> None:
    img = astronaut()
    faces = detect_faces(img)
    flagged = redact_frames((img,), faces, Config())[0]
    blurred = redact_frames((img,), faces, Config(faces="blur"))[0]
    region = ASTRONAUT_FACE
    crop = (region.x, region.y, region.right, region.bottom)
    before = np.asarray(img.crop(crop), dtype=int)
    assert np.array_equal(np.asarray(flagged.crop(crop), dtype=int), before)
    assert np.abs(np.asarray(blurred.crop(crop), dtype=int) - before).mean() > 10
    assert detect_faces(blurred) == []


def test_no_face_on_a_chart() -> None:
    assert detect_faces(render_lines(CONTACT * 4)) == []


def _phone_photo(tmp_path: Path) -> Path:
    img = render_lines(CONTACT, angle=0)
    thumb = img.resize((160, 30))
    path = tmp_path / "IMG_0042.jpg"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b'<rdf:Description exif:GPSLatitude="42,21.5N"/></x:xmpmeta>'
    )
    img.save(path, quality=90, exif=exif_with_gps_and_thumbnail(thumb), icc_profile=icc, xmp=xmp)
    return path


def test_gps_and_thumbnail_are_reported_masked_and_gone_from_the_copy(tmp_path: Path) -> None:
    src = _phone_photo(tmp_path)
    res = run_cli("scan", str(src), "--format", "json")
    assert res.returncode == 1, res.stderr
    findings = json.loads(res.stdout)["files"][0]["findings"]
    by_source = {f["source"]: f for f in findings}
    assert by_source["metadata:gps_location"]["entity_type"] == "GPS_LOCATION"
    assert {"metadata:thumbnail", "metadata:device"} <= set(by_source)
    assert "42.358" not in res.stdout and "71.064" not in res.stdout  # masked

    res = run_cli("redact", str(src), "-o", str(tmp_path / "out"))
    assert res.returncode == 1, res.stderr
    out = tmp_path / "out" / "IMG_0042.jpg"
    data = out.read_bytes()
    assert b"Exif" not in data and b"xmpmeta" not in data and b"ICC_PROFILE" not in data
    assert data.count(b"\xff\xd8\xff") == 1  # one JPEG: no thumbnail inside
    copy = Image.open(out)
    assert not copy.getexif() and not copy.info.get("icc_profile")
    again = json.loads(run_cli("scan", str(out), "--format", "json").stdout)
    assert not [f for f in again["files"][0]["findings"] if f["source"].startswith("metadata")]


def test_heic_made_here_is_read_and_checked(tmp_path: Path) -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    path = tmp_path / "IMG_0043.HEIC"
    render_lines(CONTACT, angle=0).save(path, format="HEIF", quality=90)
    rep = scan_file(str(path), engine(), Config())
    assert rep.verdict == "phi", rep.error
    assert {"EMAIL_ADDRESS", "PHONE_NUMBER"} <= {f.entity_type for f in rep.findings}
    res = run_cli("redact", str(path), "-o", str(tmp_path / "out"))
    assert res.returncode == 1, res.stderr
    assert Image.open(tmp_path / "out" / "IMG_0043.HEIC").format == "HEIF"


def test_exif_rotated_photo_boxes_land_on_the_text(tmp_path: Path) -> None:
    upright = Image.new("RGB", (1000, 700), (240, 240, 240))
    draw = ImageDraw.Draw(upright)
    font = ImageFont.truetype(FONT, 30)
    text = "Email maria.garcia@example.com"
    draw.text((120, 500), text, fill=(20, 20, 20), font=font)
    x0, y0, x1, y1 = draw.textbbox((120, 500), text, font=font)
    # A sensor stores the photo sideways and says so: orientation 6 = turn 90 clockwise.
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "sideways.jpg"
    stored.save(path, quality=95, exif=exif)
    rep = scan_file(str(path), engine(), Config())
    assert (rep.width, rep.height) == upright.size
    email = next(f for f in rep.findings if f.entity_type == "EMAIL_ADDRESS")
    assert email.bbox is not None
    text_box = Box(x0 + 90, y0, x1 - x0 - 90, y1 - y0)  # the address, after "Email "
    assert covered(email.bbox.padded(4, *upright.size), text_box) > 0.9, email.bbox


def test_alpha_png_text_is_not_lost() -> None:
    # Text drawn in the alpha channel alone: every pixel is black, only alpha differs.
    mask = Image.new("L", (900, 120), 0)
    ImageDraw.Draw(mask).text((20, 30), CONTACT[0], fill=255, font=ImageFont.truetype(FONT, 34))
    black = Image.new("RGBA", mask.size, (0, 0, 0, 0))
    black.putalpha(mask)
    white = Image.new("RGBA", mask.size, (255, 255, 255, 0))
    white.putalpha(mask)
    for img in (black, white):
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        item = load.load_bytes(buf.getvalue(), "logo.png")
        rep = scan_loaded(item, engine(), Config())
        assert "EMAIL_ADDRESS" in {f.entity_type for f in rep.findings}, img.getpixel((0, 0))


def test_16_bit_and_cmyk_keep_their_contrast() -> None:
    gray = np.zeros((60, 200), dtype=np.uint16)
    gray[20:40, 50:150] = 4095  # a 12-bit scan: Pillow's own convert would clip it white
    buf = io.BytesIO()
    Image.fromarray(gray).save(buf, format="PNG")
    rgb = np.asarray(load.load_bytes(buf.getvalue(), "scan.png").image)
    assert rgb[0, 0, 0] == 0 and rgb[30, 100, 0] == 255
    buf = io.BytesIO()
    Image.new("CMYK", (40, 40), (0, 0, 0, 255)).save(buf, format="JPEG")
    assert max(load.load_bytes(buf.getvalue(), "print.jpg").image.getpixel((20, 20))) < 30  # type: ignore[union-attr,arg-type]


def test_every_tiff_page_is_checked_and_redacted(tmp_path: Path) -> None:
    clean = render_lines(["Hand hygiene saves lives"], angle=0, width=900)
    phi = render_lines(CONTACT, angle=0, width=900).resize(clean.size)
    path = tmp_path / "scan.tif"
    clean.save(path, save_all=True, append_images=[phi])
    rep = scan_file(str(path), engine(), Config())
    assert rep.verdict == "phi" and {f.frame for f in rep.findings} == {1}
    assert file_dict(rep)["findings"][0]["frame"] == 1
    res = run_cli("redact", str(path), "-o", str(tmp_path / "out"))
    assert res.returncode == 1, res.stderr
    out = Image.open(tmp_path / "out" / "scan.tif")
    assert out.n_frames == 2
    out.seek(1)
    assert np.abs(np.asarray(out.convert("L"), int) - np.asarray(phi.convert("L"), int)).max() > 40


def test_pdf_pages_are_rendered_and_checked(tmp_path: Path) -> None:
    pages = [render_lines(["Hand hygiene saves lives"], angle=0), render_lines(CONTACT, angle=0)]
    path = tmp_path / "flyer.pdf"
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=200)
    rep = scan_file(str(path), engine(), Config())
    assert rep.verdict == "phi" and {f.frame for f in rep.findings} == {1}, rep.error


def test_animated_gif_frames_and_limits() -> None:
    frames = [Image.new("RGB", (30, 30), (80 * i, 0, 0)) for i in range(3)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    assert len(load.load_bytes(buf.getvalue(), "a.gif").frames) == 3
    many = [Image.new("RGB", (8, 8), (i, 0, 0)) for i in range(load.MAX_FRAMES + 1)]
    buf = io.BytesIO()
    many[0].save(buf, format="GIF", save_all=True, append_images=many[1:])
    with pytest.raises(load.LoadError, match="too many frames"):
        load.load_bytes(buf.getvalue(), "long.gif")


def test_broken_pdf_is_an_error_not_clean(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n% nothing else\n")
    rep = scan_file(str(path), engine(), Config())
    assert rep.verdict == "error" and "PDF" in (rep.error or "")


def test_mirrored_text_is_read_and_boxed_on_the_original() -> None:
    upright = render_lines(CONTACT, angle=0)
    plain = scan_image(upright, engine(), Config(faces="ignore"))
    mirrored = scan_image(ImageOps.mirror(upright), engine(), Config(faces="ignore"))
    # The tightest reading: the full-page and region passes each contribute a box.
    want = min(next(f for f in plain.findings if f.entity_type == "EMAIL_ADDRESS").boxes,
               key=lambda b: b.area)  # fmt: skip
    got = [f for f in mirrored.findings if f.entity_type == "EMAIL_ADDRESS"]
    assert got and got[0].source.endswith(":mirrored") and got[0].bbox is not None
    flipped = Box(upright.width - want.right, want.y, want.w, want.h)
    assert covered(got[0].bbox.padded(4, *upright.size), flipped) > 0.9
