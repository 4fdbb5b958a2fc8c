"""Tesseract OCR: word boxes and confidences for an oriented RGB image."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, replace

import cv2
import numpy as np
from PIL import Image, ImageOps

from phiguard.boards import surfaces
from phiguard.models import Box, Word
from phiguard.regions import Region, find_regions

# Tesseract's OpenMP threads fight each other on small machines: 52 s vs 6.2 s for ten
# photos on 2 cores. The subprocess inherits this; a user's own setting wins.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

OCR_TIMEOUT_S = 120
NOT_INSTALLED = "tesseract is not installed (Debian: apt-get install tesseract-ocr)"


class OcrError(Exception):
    """Tesseract failed or is missing: the image cannot be called clean."""


@dataclass(frozen=True)
class OcrOptions:
    lang: str = "eng"
    psm: int = 3  # automatic layout; psm 11 was no faster and caught half as much on photos
    scale: float = 1.0
    # Reader for text blocks: "auto" PP-OCR (deepocr.py), Tesseract where it found
    # nothing; "deep" PP-OCR only; "tesseract" Tesseract only.
    engine: str = "auto"


def engine_version(lang: str = "eng") -> str:
    """Tesseract's version (part of the result cache's key); "missing" if not installed."""
    import pytesseract

    from phiguard import tessapi

    if tessapi.available(lang):
        return tessapi.version()
    try:
        return str(pytesseract.get_tesseract_version())
    except (pytesseract.TesseractNotFoundError, OSError, RuntimeError):
        return "missing"


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

    from phiguard import tessapi

    prepared = prepare(image, opts.scale)
    if tessapi.available(opts.lang):  # the C API: no process and no model load per call
        try:
            data = tessapi.image_to_data(prepared, opts.lang, opts.psm, OCR_TIMEOUT_S)
        except (tessapi.ApiError, RuntimeError) as exc:
            raise OcrError(f"tesseract failed: {exc}") from exc
        return _words_from_data(data, opts.scale, line_base, offset)
    try:
        data = pytesseract.image_to_data(
            prepared,
            lang=opts.lang,
            config=f"--psm {opts.psm}",
            output_type=pytesseract.Output.DICT,
            timeout=OCR_TIMEOUT_S,
        )
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrError(NOT_INSTALLED) from exc
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


TARGET_LINE_H = 30.0  # px: Tesseract reads best with text about this tall
MAX_UPSCALE = 4.0


def region_transform(region: Region, crop: Box) -> tuple[np.ndarray, tuple[int, int], float]:
    """Affine map from crop pixels to a deskewed, upscaled canvas, and the canvas size."""
    scale = float(min(MAX_UPSCALE, max(1.0, TARGET_LINE_H / max(region.line_height, 1.0))))
    center = (crop.w / 2.0, crop.h / 2.0)
    m = cv2.getRotationMatrix2D(center, -region.angle, scale)
    corners = np.array([[0, 0, 1], [crop.w, 0, 1], [0, crop.h, 1], [crop.w, crop.h, 1]], float)
    moved = corners @ m.T
    lo, hi = moved.min(axis=0), moved.max(axis=0)
    m[:, 2] -= lo  # shift so the rotated crop starts at (0, 0)
    size = (int(np.ceil(hi[0] - lo[0])), int(np.ceil(hi[1] - lo[1])))
    return m, size, scale


def ocr_region(gray: np.ndarray, region: Region, opts: OcrOptions, line_base: int) -> list[Word]:
    """Read one text block: crop with a margin, straighten, upscale, OCR, map boxes back."""
    ih, iw = gray.shape
    crop = region.crop(iw, ih)
    m, size, _ = region_transform(region, crop)
    patch = cv2.warpAffine(gray[crop.y : crop.bottom, crop.x : crop.right], m, size,
                           flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
    local = ocr_words(Image.fromarray(patch), replace(opts, scale=1.0), line_base)
    inv = cv2.invertAffineTransform(m)
    return [replace(w, box=_back(w.box, inv, crop)) for w in local]


def _back(b: Box, inv: np.ndarray, crop: Box) -> Box:
    pts = np.array([[b.x, b.y, 1], [b.right, b.y, 1], [b.x, b.bottom, 1], [b.right, b.bottom, 1]],
                   float) @ inv.T  # fmt: skip
    x0, y0 = np.floor(pts.min(axis=0)).astype(int)
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int)
    return Box(int(x0) + crop.x, int(y0) + crop.y, max(1, int(x1 - x0)), max(1, int(y1 - y0)))


@dataclass(frozen=True)
class Block:
    """The words read in one region of a photo (region None: the full-page reading)."""

    words: tuple[Word, ...]
    region: Region | None


def read_blocks(image: Image.Image, opts: OcrOptions = OcrOptions()) -> list[Block]:
    """A photo read block by block: the text regions found, each read on its own.

    With PP-OCR: the regions of strong gradient (regions.py) and the lines its detector
    finds on a small copy of the photo that those missed. With Tesseract only: the full
    page first (region None), then the regions. Line ids are unique across blocks, so
    the words of all blocks can be joined.
    """
    gray = np.asarray(ImageOps.grayscale(image))
    regions = find_regions(gray)
    if uses_pp_ocr(opts):
        from phiguard import deepocr
        from phiguard.regions import regions_from_lines

        # The lines replace a full-page Tesseract pass (large text, missed blocks) at the
        # same cost, and find soft text that pass and the gradient both missed (a board
        # shot with motion blur): +5 and +2 values on the two bench corpora.
        if opts.engine == "auto":
            _check_tesseract(opts.lang)  # the reader of what PP-OCR finds nothing in
        lines = deepocr.find_lines(gray)
        regions += regions_from_lines(lines, regions, gray.shape[1], gray.shape[0])
        out: list[Block] = []
    else:
        full = ocr_words(image, opts)
        out = [Block(tuple(full), None)]
    out += _read_each(gray, regions, opts, out)
    # A board read only in part is read whole (boards.py); the blocks inside it then
    # give up the words it read again (_without_rereadings).
    out += _read_each(gray, surfaces(gray, [b.region for b in out if b.region and b.words]),
                      opts, out)  # fmt: skip
    return _without_rereadings(out)


def _read_each(gray: np.ndarray, regions: list[Region], opts: OcrOptions,
               before: list[Block]) -> list[Block]:  # fmt: skip
    """Each region read as a block, line ids going on from those of `before`."""
    base = 1 + max((w.line for b in before for w in b.words), default=0)
    out = []
    for region in regions:
        words = read_region(gray, region, opts, base)
        out.append(Block(tuple(words), region))
        base = 1 + max((w.line for w in words), default=base)
    return out


def _without_rereadings(blocks: list[Block]) -> list[Block]:
    """Blocks without the words a block inside a larger one read again from the same ink.

    A sign's large words also make small gradient blocks of their halves; read again,
    "Quiet please" came back as "Qui" and "et ple" too, and spaCy joined "Qui" and the
    sign's "Quiet" into a name (a clean photo blurred).
    """
    out = []
    for b in blocks:
        outer = [o for o in blocks if _inside(b.region, o.region)]
        keep = [w for w in b.words if not any(_again(w, o.words) for o in outer)]
        out.append(b if len(keep) == len(b.words) else Block(tuple(keep), b.region))
    return out


def _inside(inner: Region | None, outer: Region | None) -> bool:
    """Whether `inner` is a smaller block lying (mostly) within `outer`."""
    if inner is None or outer is None or outer.box.area <= inner.box.area:
        return False
    return outer.box.intersection(inner.box) >= 0.8 * inner.box.area


def _again(word: Word, others: tuple[Word, ...]) -> bool:
    """Whether one of `others` covers most of `word` and holds its text: the same reading
    (a different one may be the better, and is kept)."""
    text = word.text.lower()
    return any(text in v.text.lower() and v.box.intersection(word.box) >= 0.5 * word.box.area
               for v in others)  # fmt: skip


@functools.lru_cache(maxsize=8)
def _check_tesseract(lang: str) -> None:
    """Raise OcrError when Tesseract cannot read `lang`: a photo is then not fully
    checked, even if PP-OCR happens to read all of it."""
    import pytesseract

    from phiguard import tessapi

    if tessapi.available(lang):
        return
    try:
        have = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, OSError) as exc:
        raise OcrError(NOT_INSTALLED) from exc
    missing = [part for part in lang.split("+") if part not in have]
    if missing:
        raise OcrError(f"tesseract has no language data for {'+'.join(missing)}")


def uses_pp_ocr(opts: OcrOptions) -> bool:
    """Whether PP-OCR reads (installed, and not turned off for Tesseract alone)."""
    from phiguard import deepocr

    return opts.engine != "tesseract" and deepocr.available()


def read_region(gray: np.ndarray, region: Region, opts: OcrOptions, base: int) -> list[Word]:
    """PP-OCR first where it is installed; Tesseract where it found nothing (or is off).

    Measured on an unseen corpus seed: PP-OCR on every block made 68% of the values
    unreadable in half the time of Tesseract-first-then-PP-OCR-where-unsure (61%):
    Tesseract read 87% of the blocks poorly anyway.
    """
    from phiguard import deepocr

    if uses_pp_ocr(opts):
        words = deepocr.read_region(gray, region, base)
        if words or opts.engine == "deep":
            return words
    return ocr_region(gray, region, opts, base)


def read_photo(image: Image.Image, opts: OcrOptions = OcrOptions()) -> list[list[Word]]:
    """Words of a photo, one list per block (see read_blocks)."""
    return [list(b.words) for b in read_blocks(image, opts)]
