"""Tesseract OCR: word boxes and confidences for an oriented RGB image."""

from __future__ import annotations

import os
from dataclasses import dataclass

from PIL import Image, ImageOps

from phiguard.models import Box, Word

# Tesseract's OpenMP threads fight each other on small machines: 52 s vs 6.2 s for ten
# photos on 2 cores. The subprocess inherits this; a user's own setting wins.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

OCR_TIMEOUT_S = 120


class OcrError(Exception):
    """Tesseract failed or is missing: the image cannot be called clean."""


@dataclass(frozen=True)
class OcrOptions:
    lang: str = "eng"
    psm: int = 3  # automatic layout; psm 11 was no faster and caught half as much on photos
    scale: float = 1.0


def prepare(image: Image.Image, scale: float = 1.0) -> Image.Image:
    """Grayscale (a photographed screen went from 2 to 16 of 22 words read) and scale."""
    gray = ImageOps.grayscale(image)
    if scale != 1.0:
        size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
        gray = gray.resize(size, Image.Resampling.LANCZOS)
    # pytesseract re-encodes format-less images as PNG (seconds on a 12 MP photo);
    # BMP is written at memory speed.
    gray.format = "BMP"
    return gray


def ocr_words(
    image: Image.Image,
    opts: OcrOptions = OcrOptions(),
    line_base: int = 0,
    offset: tuple[int, int] = (0, 0),
) -> list[Word]:
    """OCR an image region; boxes are mapped back by 1/scale and shifted by `offset`."""
    import pytesseract

    prepared = prepare(image, opts.scale)
    try:
        data = pytesseract.image_to_data(
            prepared,
            lang=opts.lang,
            config=f"--psm {opts.psm}",
            output_type=pytesseract.Output.DICT,
            timeout=OCR_TIMEOUT_S,
        )
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrError(
            "tesseract is not installed (Debian: apt-get install tesseract-ocr)"
        ) from exc
    except (pytesseract.TesseractError, RuntimeError, OSError) as exc:
        raise OcrError(f"tesseract failed: {exc}") from exc
    return _words_from_data(data, opts.scale, line_base, offset)


def _words_from_data(
    data: dict[str, list], scale: float, line_base: int, offset: tuple[int, int]
) -> list[Word]:
    """Turn pytesseract's column dict into Words with one line id per text line."""
    words: list[Word] = []
    line_ids: dict[tuple[int, int, int], int] = {}
    for i, raw in enumerate(data["text"]):
        text = (raw or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        line = line_ids.setdefault(key, line_base + len(line_ids))
        box = Box(
            round(data["left"][i] / scale) + offset[0],
            round(data["top"][i] / scale) + offset[1],
            max(1, round(data["width"][i] / scale)),
            max(1, round(data["height"][i] / scale)),
        )
        words.append(Word(text=text, box=box, conf=conf, line=line))
    return words
