"""QR codes too small or blurred for zxing, found by shape; squares that are not codes."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
import segno
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from phiguard.codes import find_codes
from phiguard.models import Box, Finding
from tests.support import FONT, quad_box, render_lines


def cluttered(size: tuple[int, int] = (1200, 900)) -> Image.Image:
    rng = np.random.default_rng(5)
    base = rng.normal(150, 25, (size[1] // 8, size[0] // 8, 3)).clip(0, 255).astype(np.uint8)
    return Image.fromarray(base).resize(size, Image.Resampling.BICUBIC)


def photographed(img: Image.Image, blur: float) -> Image.Image:
    """Blurred and JPEG-compressed, as a phone camera leaves a background detail."""
    buf = io.BytesIO()
    img.filter(ImageFilter.GaussianBlur(blur)).save(buf, "JPEG", quality=80)
    return Image.open(buf).convert("RGB")


def small_qr(data: str, side: int, angle: float, blur: float) -> tuple[Image.Image, Box]:
    """A QR code `side` px wide on a white label, rotated, in a cluttered photo; and where
    the code itself (not its label) ended up."""
    mat = np.array(segno.make(data, error="m").matrix, dtype=bool)
    modules = np.kron(np.where(mat, 20, 245).astype(np.uint8), np.ones((8, 8), np.uint8))
    label = Image.new("L", (side + 40, side + 40), 245)
    label.paste(Image.fromarray(modules).resize((side, side), Image.Resampling.LANCZOS), (20, 20))
    where = Image.new("L", label.size, 0)
    where.paste(255, (20, 20, 20 + side, 20 + side))
    photo = cluttered()
    turn = {"angle": angle, "expand": True, "fillcolor": 0}
    photo.paste(label.rotate(**turn, resample=Image.Resampling.BICUBIC).convert("RGB"),
                (500, 400), Image.new("L", label.size, 255).rotate(**turn))  # fmt: skip
    x0, y0, x1, y1 = where.rotate(**turn).getbbox() or (0, 0, 0, 0)
    return photographed(photo, blur), Box(500 + x0, 400 + y0, x1 - x0, y1 - y0)


def qr_findings(image: Image.Image) -> list[Finding]:
    return [f for f in find_codes(image) if f.entity_type == "QR_CODE"]


@pytest.mark.parametrize(
    ("data", "side", "angle", "blur"),
    [
        ("MRN:00731942", 50, 17, 1.0),  # segno makes this a 17-module Micro QR: 3 px a module
        ("MRN:00731942", 45, -38, 1.0),
        ("PID|00731942|OKAFOR^ROBERT|19580422", 60, 38, 1.0),  # 29 modules: 2 px a module
        ("PID|00731942|OKAFOR^ROBERT|19580422", 60, 0, 1.0),  # blur takes one finder of three
        # 29 modules in 54 px, under 2 px a module: its finders show only at twice the size
        ("PID|1811720|NASH^HUNTER|19360930", 54, 5, 1.0),
    ],
)
def test_small_blurred_qr_codes_are_found_by_shape(
    data: str, side: int, angle: float, blur: float
) -> None:
    photo, where = small_qr(data, side, angle, blur)
    found = qr_findings(photo)
    assert [f.source for f in found] == ["code:shape"], found
    assert found[0].boxes[0].intersection(where) >= 0.98 * where.area, (found, where)
    assert found[0].score == 0.9


def smeared(img: Image.Image, length: int, degrees: float) -> Image.Image:
    """Motion blur: each pixel averaged along a line `length` px long at `degrees`."""
    kernel = np.zeros((length, length), np.float32)
    centre, turn = (length - 1) / 2, np.radians(degrees)
    for t in np.linspace(-centre, centre, 4 * length):
        kernel[round(centre + t * np.sin(turn)), round(centre + t * np.cos(turn))] = 1
    rgb = cv2.filter2D(np.asarray(img), -1, kernel / kernel.sum())
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=85)
    return Image.open(buf).convert("RGB")


@pytest.mark.parametrize(("side", "degrees"), [(60, 20.0), (70, 160.0)])
def test_a_qr_code_under_motion_blur_is_found_by_shape(side: int, degrees: float) -> None:
    # A smear of two modules fills each finder's light ring along its path: no ring
    # closes under the threshold, and zxing decodes nothing.
    photo, where = small_qr("PID|0662006|SPENCER^HALEY|19530330", side, 8, 0.6)
    found = qr_findings(smeared(photo, 5, degrees))
    assert [f.source for f in found] == ["code:shape"], found
    assert found[0].boxes[0].intersection(where) >= 0.95 * where.area, (found, where)


@pytest.mark.parametrize(
    ("seed", "index", "codes"),
    [
        (69, 27, 1),  # a discharge form's QR code under motion blur
        (101, 31, 1),  # the same, and the form's blurred text made a Micro QR of one blob
        (7, 22, 0),  # a patient list's small bold text: three dark blobs made a "code"
        (63, 2, 0),  # the same on a census screen
    ],
)
def test_bench_photos_under_motion_blur(seed: int, index: int, codes: int) -> None:
    from bench.synth.corpus import make_photo

    jpeg, rec = make_photo(seed, index)
    quads = [v["quad"] for v in rec["values"] if v["kind"] == "QR"]
    found = qr_findings(Image.open(io.BytesIO(jpeg)).convert("RGB"))
    assert len(found) == codes == len(quads), found
    for f, quad in zip(found, quads, strict=True):
        code = quad_box(quad)
        assert f.boxes[0].intersection(code) >= 0.95 * code.area, (f, code)


def test_a_qr_code_zxing_decodes_is_not_reported_twice() -> None:
    photo, _ = small_qr("PID|00731942|OKAFOR^ROBERT|19580422", 90, 10, 0.5)
    (found,) = qr_findings(photo)
    assert found.source == "code:QRCode" and "OKAFOR" in found.text


def checkerboard() -> Image.Image:
    cells = np.indices((60, 80)).sum(axis=0) % 2
    board = np.kron(np.where(cells, 30, 225), np.ones((14, 14))).astype(np.uint8)
    return Image.fromarray(board).rotate(12, fillcolor=128).convert("RGB")


def keyboard() -> Image.Image:
    img = Image.new("RGB", (1200, 500), (40, 40, 44))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 16)
    for row in range(5):
        for col in range(20):
            x, y = 20 + col * 58, 30 + row * 90
            draw.rounded_rectangle((x, y, x + 50, y + 50), 6, fill=(215, 215, 210))
            key = "QWERTYUIOP0@#DB8"[(row * 20 + col) % 16]
            draw.text((x + 18, y + 14), key, fill=(30, 30, 30), font=font)
    return img


def window_grid() -> Image.Image:
    """Dark frames round light panes, each pane split by a dark cross (nested squares)."""
    img = Image.new("RGB", (1200, 900), (200, 210, 220))
    draw = ImageDraw.Draw(img)
    for y in range(20, 860, 70):
        for x in range(20, 1160, 70):
            draw.rectangle((x, y, x + 60, y + 60), outline=(30, 30, 30), width=6)
            draw.rectangle((x + 24, y + 24, x + 36, y + 36), fill=(30, 30, 30))
    return img


def form_with_checkboxes() -> Image.Image:
    """Filled checkboxes next to labels: a dark square in a square, like a finder pattern."""
    img = Image.new("RGB", (1200, 900), (250, 250, 248))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 18)
    for i in range(12):
        for j, label in enumerate(("Yes", "No", "Unknown")):
            x, y = 60 + j * 330, 40 + i * 68
            draw.rectangle((x, y, x + 20, y + 20), outline=(20, 20, 20), width=3)
            if (i + j) % 2 == 0:
                draw.rectangle((x + 6, y + 6, x + 14, y + 14), fill=(20, 20, 20))
            draw.text((x + 30, y - 1), f"{label} allergy review {i}", fill=(20, 20, 20), font=font)
    return img


def poster() -> Image.Image:
    lines = ["Hand hygiene saves lives", "CLEAN HANDS 0 @ 8 B D O Q 回 ® ©",
             "Questions? Call 0800 000 000", "DOOR 0B  ROOM 8D  BED 0O"]  # fmt: skip
    return render_lines(lines, size=30, width=1200, angle=4)


def dark_screen() -> Image.Image:
    """Light letters on a dark screen: "D", "0" and "O" are light rings round a dark core."""
    lines = ["DOB 04/22/1958   MD   MD   MD", "ROOM 0D   BED 8B   DR. DODD, MD", "0000 DDDD OOOO"]
    return ImageOps.invert(render_lines(lines * 3, size=24, width=1000, angle=3))


@pytest.mark.parametrize(
    "scene", [checkerboard, keyboard, window_grid, form_with_checkboxes, poster, dark_screen]
)
def test_scenes_without_codes_have_no_qr_findings(scene: object) -> None:
    assert callable(scene)
    for scale, blur in ((1.0, 0.0), (0.35, 0.6), (0.2, 0.4)):  # close up and far away
        img = scene()
        img = img.resize((int(img.width * scale), int(img.height * scale)), Image.Resampling.BOX)
        assert qr_findings(photographed(img, blur)) == [], (scene, scale)


def test_bars_that_ocr_read_as_a_word_are_not_a_barcode() -> None:
    # The stems of a poster's big bold "hours" passed for parallel bars (a clean photo
    # was blurred); a word read surely over the area says it is text.
    from phiguard.codes import not_words
    from phiguard.models import Word
    from phiguard.ocr import Block

    shape = Finding("BARCODE", 0.9, "barcode at -2 degrees", boxes=(Box(775, 131, 160, 45),),
                    source="code:shape")  # fmt: skip
    decoded = Finding("BARCODE", 1.0, "00731942", boxes=(Box(100, 100, 200, 80),),
                      source="code:Code128")  # fmt: skip
    hours = Block((Word("hours", Box(770, 125, 175, 60), 96.0, 0),), None)
    digits = Block((Word("00731942", Box(780, 130, 150, 40), 96.0, 1),), None)
    assert not_words([shape, decoded], [hours]) == [decoded]
    assert not_words([shape, decoded], [digits]) == [shape, decoded]  # a code's own digits
    # A bulletin card's times in serif digits made bars too (seed 65 photo_049).
    times = Block((Word("10:00-14:00,", Box(770, 125, 220, 45), 100.0, 2),), None)
    assert not_words([shape, decoded], [times]) == [decoded]


def test_bars_run_across_the_long_side_of_a_linear_code() -> None:
    # Rows of cards on a bulletin board made "bars" along the area's long side (a clean
    # photo was blurred as a barcode); a code's bars cross its long side.
    from phiguard.codes import _long_across

    wide = np.zeros((80, 240), bool)
    wide[10:70, 20:220] = True
    assert _long_across(wide, 0.0)  # gradient along x: upright bars, 200 px of them
    assert not _long_across(wide, np.pi / 2)  # level "bars" stacked 60 px high
    tilted = np.asarray(Image.fromarray(wide.astype(np.uint8) * 255).rotate(30, expand=True)) > 0
    assert _long_across(tilted, -np.radians(30))


def banded_barcode(gap: int, blur: float) -> tuple[Image.Image, Box]:
    """A wristband across a photo: a brown band, a white label, and near its right end a
    blurred barcode `gap` px from the label's edges; and where the bars are."""
    rng = np.random.default_rng(47)
    photo = cluttered((1280, 960))
    draw = ImageDraw.Draw(photo)
    draw.rounded_rectangle((130, 220, 830, 390), 30, fill=(120, 80, 60))
    draw.rounded_rectangle((135, 250, 825, 355), 20, fill=(240, 236, 240))
    x, top, bottom = 680, 250 + gap, 355 - gap
    while x < 772:  # bars and spaces of 1-3 modules of 2 px, as Code 128 prints them
        width = 2 * int(rng.integers(1, 4))
        draw.rectangle((x, top, x + width - 1, bottom), fill=(30, 30, 30))
        x += width + 2 * int(rng.integers(1, 4))
    return photographed(photo, blur), Box(680, top, x - 680, bottom - top)


@pytest.mark.parametrize("gap", [4, 8])
def test_a_barcode_close_to_its_bands_edges_is_found(gap: int) -> None:
    # The band's long edges are parallel lines too, at right angles to the bars: in one
    # mask they closed round the code into one band-sized area that was no barcode.
    photo, bars = banded_barcode(gap, 1.5)
    found = [f for f in find_codes(photo) if f.entity_type == "BARCODE"]
    assert any(b.intersection(bars) >= 0.9 * bars.area for f in found for b in f.boxes), found


def test_a_qr_code_cut_by_the_photos_edge_is_boxed_whole() -> None:
    # Seed 67 photo_019: a 25-module code on a form, its top rows and quiet zone past the
    # photo's top edge. Its top finders' quiet zones were read off the finders themselves
    # (sampling clipped to the frame), so the one finder left made a Micro QR's box.
    photo, where = small_qr("PID|00731942|OKAFOR^ROBERT|19580422|F", 230, 3, 1.0)
    cut = where.y + 10
    photo = photo.crop((0, cut, photo.width, photo.height))
    seen = Box(where.x, 0, where.w, where.bottom - cut)
    found = [b for f in qr_findings(photo) for b in f.boxes]
    assert any(b.intersection(seen) >= 0.95 * seen.area for b in found), (found, seen)


@pytest.mark.parametrize(
    "seed, index",
    [
        # A 56 px wristband code, bars 1-2 px wide, their direction measured 3 degrees
        # off: the scans along the bars matched at 0.49 unshifted.
        (101, 7),
        # Motion blur along the bars: swings of 20-40 gray levels round a dark level,
        # two bars about the scan's mean.
        (69, 19),
    ],
)
def test_a_barcode_blurred_or_seen_at_an_angle_is_found(seed: int, index: int) -> None:
    from bench.synth.corpus import make_photo

    jpeg, rec = make_photo(seed, index)
    photo = Image.open(io.BytesIO(jpeg)).convert("RGB")
    (quad,) = [v["quad"] for v in rec["values"] if v["kind"] == "BARCODE"]
    code = quad_box(quad)
    found = [b for f in find_codes(photo) if f.entity_type == "BARCODE" for b in f.boxes]
    assert any(b.intersection(code) >= 0.9 * code.area for b in found), (found, code)


@pytest.mark.parametrize("period", [4.0, 6.0])
def test_woven_stripes_are_no_barcode(period: float) -> None:
    # Scrubs and upholstery: fine parallel stripes 30 gray levels apart made "bars" on
    # two corpus photos (seeds 11 and 31); printed bars are 120+ levels from their spaces.
    photo = cluttered((1280, 960))
    ys, xs = np.mgrid[0:200, 0:260].astype(float)
    turn = np.radians(20.0)
    phase = 2 * np.pi * (xs * np.cos(turn) + ys * np.sin(turn)) / period
    noise = np.random.default_rng(3).normal(0, 3, phase.shape)
    cloth = np.clip(170 + 15 * np.sign(np.sin(phase)) + noise, 0, 255)
    rgb = np.stack([cloth * 0.8, cloth, cloth * 0.9], -1).astype(np.uint8)
    photo.paste(Image.fromarray(rgb), (500, 380))
    found = [f for f in find_codes(photographed(photo, 0.8)) if f.entity_type == "BARCODE"]
    assert not found, found
