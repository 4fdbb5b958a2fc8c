"""PP-OCR (rapidocr) as the reader of text blocks, and Tesseract as the alternative."""

from __future__ import annotations

import numpy as np
import pytest

from phiguard import deepocr
from phiguard.config import Config
from phiguard.ocr import OcrOptions, read_blocks
from phiguard.regions import find_regions
from phiguard.scan import scan_image
from tests.support import engine, render_lines

pytestmark = pytest.mark.skipif(not deepocr.available(), reason="rapidocr is not installed")

BOARD = ["Patient: HERNANDEZ, LUCIA", "MRN 00731942   DOB 04/22/1958"]


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
