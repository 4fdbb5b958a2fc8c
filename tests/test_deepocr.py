"""PP-OCR (rapidocr) as the reader of text blocks, and Tesseract as the alternative."""

from __future__ import annotations

import importlib.util

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from phiguard import deepocr
from phiguard.config import Config
from phiguard.models import Box
from phiguard.ocr import OcrOptions, read_blocks
from phiguard.regions import Region, find_regions, regions_from_lines
from phiguard.scan import scan_image
from tests.support import FONT, engine, render_lines

pytestmark = pytest.mark.skipif(not deepocr.available(), reason="rapidocr is not installed")

BOARD = ["Patient: HERNANDEZ, LUCIA", "MRN 00731942   DOB 04/22/1958"]


@pytest.mark.skipif(importlib.util.find_spec("openvino") is None, reason="no openvino")
def test_both_runtimes_read_the_planted_values(monkeypatch: pytest.MonkeyPatch) -> None:
    img = render_lines(BOARD, size=16, width=900, angle=4)
    gray = np.asarray(img.convert("L"))
    (region, *_) = find_regions(gray)
    texts = {}
    try:
        for name in deepocr.RUNTIMES:
            monkeypatch.setenv("PHIGUARD_OCR_RUNTIME", name)
            deepocr.runtime.cache_clear()
            deepocr._engine.cache_clear()
            assert deepocr.runtime() == name
            texts[name] = " ".join(w.text for w in deepocr.read_region(gray, region, 0))
    finally:
        monkeypatch.delenv("PHIGUARD_OCR_RUNTIME")
        deepocr.runtime.cache_clear()
        deepocr._engine.cache_clear()
    for text in texts.values():
        assert "HERNANDEZ" in text and "00731942" in text.replace(" ", "")


def test_deep_reading_boxes_land_on_the_words() -> None:
    img = render_lines(BOARD, size=16, width=900, angle=4)
    gray = np.asarray(img.convert("L"))
    (region, *_) = find_regions(gray)
    words = deepocr.read_region(gray, region, line_base=100)
    text = " ".join(w.text for w in words)
    assert "00731942" in text.replace(" ", "")
    grown = region.box.padded(40, *img.size)
    assert all(grown.intersection(w.box) == w.box.area for w in words)
    assert min(w.line for w in words) >= 100


@pytest.mark.parametrize("mode", ["auto", "deep", "tesseract"])
def test_both_readers_find_the_planted_values(mode: str) -> None:
    img = render_lines(BOARD, size=18, width=900, angle=3)
    blocks = read_blocks(img, OcrOptions(engine=mode))
    assert any(b.region is not None and b.words for b in blocks)
    rep = scan_image(img, engine(), Config(ocr_engine=mode, faces="ignore"))
    assert {"MRN", "DATE"} <= {f.entity_type for f in rep.findings}, rep.findings


def _soft_board() -> Image.Image:
    """Grey marker-like text, smeared sideways (a board shot while moving), beside a hard
    black edge that sets the gradient threshold above the text's strokes."""
    photo = Image.new("RGB", (1600, 1000), (90, 60, 120))
    d = ImageDraw.Draw(photo)
    d.rectangle([100, 100, 1100, 700], fill=(225, 228, 232))
    d.rectangle([1200, 100, 1500, 900], fill=(10, 10, 10))
    font = ImageFont.truetype(FONT, 30)
    for i, text in enumerate(["REED, DARRELL", "Michelle Okafor", "MRN 00731942"]):
        d.text((160, 160 + 110 * i), text, fill=(120, 125, 140), font=font)
    smear = np.full((1, 9), 1 / 9, np.float32)
    return Image.fromarray(cv2.filter2D(np.asarray(photo), -1, smear))


def test_soft_text_the_gradient_misses_is_found_as_lines() -> None:
    img = _soft_board()
    assert find_regions(np.asarray(img.convert("L"))) == []  # what this test is about
    text = " ".join(w.text for b in read_blocks(img) for w in b.words)
    assert "00731942" in text.replace(" ", ""), text
    rep = scan_image(img, engine(), Config(faces="ignore"))
    assert "MRN" in {f.entity_type for f in rep.findings}, rep.findings


def test_lines_inside_found_regions_are_not_read_twice() -> None:
    held = Region(Box(100, 100, 400, 200), 12.0, 0.0, 40)
    lines = [
        (Box(120, 130, 300, 30), 12.0, 0.0),  # inside the region found
        (Box(900, 500, 300, 30), 12.0, -4.0),  # two lines of one block...
        (Box(900, 545, 260, 30), 12.0, -6.0),
        (Box(300, 900, 200, 60), 24.0, 0.0),  # ...and a line far off
    ]
    got = regions_from_lines(lines, [held], 2000, 1500)
    assert sorted((r.box.x, r.box.y, r.box.w, r.box.h) for r in got) == [
        (300, 900, 200, 60),
        (900, 500, 300, 75),
    ]
    block = next(r for r in got if r.box.x == 900)
    assert block.angle == -5.0 and block.line_height == 12.0


def test_large_text_is_found_on_a_smaller_copy_and_read_whole() -> None:
    # 44 px letters: the detector sees the block at about half size, the recognizer
    # reads the lines cut from the block at full size.
    img = render_lines(BOARD, size=44, width=1500, angle=2)
    gray = np.asarray(img.convert("L"))
    (region, *_) = sorted(find_regions(gray), key=lambda r: -r.box.area)
    assert deepocr.MIN_LINE_H / region.line_height < 1.0  # what this test is about
    words = deepocr.read_region(gray, region, 0)
    text = " ".join(w.text for w in words)
    assert "HERNANDEZ" in text and "00731942" in text.replace(" ", ""), text
    assert all(region.crop(*img.size).intersection(w.box) == w.box.area for w in words)


def test_the_recognizer_sees_few_widths() -> None:
    # Widths rounded to REC_STEP: OpenVINO prepares each new input shape anew.
    seen: list[int] = []
    rec = deepocr._engine()._load_rec_model()

    class Spy:
        def __call__(self, x: np.ndarray) -> np.ndarray:
            seen.append(x.shape[3])
            return rec.session(x)

    class Rec:
        session = Spy()
        postprocess_op = rec.postprocess_op

    line = np.asarray(render_lines(["MRN 00731942"], size=30, width=420, angle=0).convert("RGB"))
    for w in (300, 317, 330, 420):
        text, score, _ = deepocr._read_line(Rec(), np.ascontiguousarray(line[:, :w]))
        assert text and score > 0
    assert all(w % deepocr.REC_STEP == 0 for w in seen) and len(set(seen)) < len(seen)


def test_the_detector_input_is_rapidocrs_own() -> None:
    """_normalized looks rapidocr's normalisation up per gray level: the same float32s."""
    det = deepocr._engine()._load_det_model()
    pre = det.get_preprocess()
    img = np.random.default_rng(1).integers(0, 256, (64, 96, 3), dtype=np.uint8)
    theirs = np.expand_dims(pre.permute(pre.normalize(img)), axis=0).astype(np.float32)
    assert np.array_equal(deepocr._normalized(pre, img), theirs)


def test_the_detector_finds_what_rapidocr_finds() -> None:
    gray = np.asarray(render_lines(BOARD, size=16, width=900, angle=4).convert("L"))
    result = deepocr._engine()(deepocr._rgb(gray), use_det=True, use_cls=False, use_rec=False)
    assert np.array_equal(deepocr._detect(gray), np.asarray(result.boxes, np.float32))
