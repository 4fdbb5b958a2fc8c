"""Tesseract through its C API (tesserocr), one loaded model per thread.

pytesseract starts a `tesseract` process per call, which loads the English model each
time: ~300-450 ms per call on this machine against ~70-110 ms for the same read via
tesserocr (bench/speed.py), and a photo is read 1 + (5 to 20 text regions) times.
The tesserocr wheel bundles libtesseract 5.5 but no language data, so it reads
Debian's traineddata. If tesserocr or the data is missing, ocr.py falls back to
pytesseract; PHIGUARD_OCR=cli forces that.

The output is the same column dict as pytesseract.image_to_data, so one function
turns either into Words.
"""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path
from typing import Any

from PIL import Image

TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata")
_LOCAL = threading.local()  # a TessBaseAPI is not thread-safe: one per thread


class ApiError(RuntimeError):
    """Tesseract's API failed on an image (it is then an OCR error, never clean)."""


def tessdata(lang: str) -> str | None:
    """The folder holding `lang`.traineddata: $TESSDATA_PREFIX first, then Debian's."""
    env = os.environ.get("TESSDATA_PREFIX")
    for d in ([env] if env else []) + list(TESSDATA_DIRS):
        if all((Path(d) / f"{part}.traineddata").is_file() for part in lang.split("+")):
            return d
    return None


@functools.lru_cache(maxsize=8)
def available(lang: str) -> bool:
    if os.environ.get("PHIGUARD_OCR") == "cli":
        return False
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return False
    return tessdata(lang) is not None


def version() -> str:
    import tesserocr

    return "tesserocr " + str(tesserocr.tesseract_version()).splitlines()[0]


def _api(lang: str, psm: int) -> Any:
    from tesserocr import PyTessBaseAPI

    apis: dict[tuple[str, int], Any] = _LOCAL.__dict__.setdefault("apis", {})
    if (lang, psm) not in apis:
        _quiet_leptonica()
        apis[(lang, psm)] = PyTessBaseAPI(path=tessdata(lang), lang=lang, psm=psm)
    return apis[(lang, psm)]


@functools.lru_cache(maxsize=1)
def _quiet_leptonica() -> None:
    """Leptonica prints "Error in pixScanForForeground: invalid box" and the like on
    stderr for crops with no foreground; they are not errors of ours (Tesseract's own
    result says whether a read failed), and they bury the progress bar."""
    import contextlib
    import ctypes

    try:
        with open("/proc/self/maps", encoding="ascii", errors="replace") as maps:
            libs = {line.split()[-1] for line in maps if "libleptonica" in line}
    except OSError:
        return  # not Linux: only the noise stays
    for lib in libs:  # another build of leptonica may lack it: only the noise stays
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(lib).setMsgSeverity(6)  # L_SEVERITY_NONE


def image_to_data(image: Image.Image, lang: str, psm: int, timeout_s: float) -> dict[str, list]:
    """Word boxes as pytesseract.image_to_data(output_type=DICT) gives them."""
    from tesserocr import RIL, iterate_level

    api = _api(lang, psm)
    api.SetImage(image)
    if not api.Recognize(timeout=int(timeout_s * 1000)):
        raise ApiError("tesseract gave up on this image (timeout or failure)")
    cols: dict[str, list] = {k: [] for k in
                             ("text", "conf", "left", "top", "width", "height",
                              "block_num", "par_num", "line_num")}  # fmt: skip
    block = par = line = 0
    it = api.GetIterator()
    for w in iterate_level(it, RIL.WORD):
        block += w.IsAtBeginningOf(RIL.BLOCK)
        par += w.IsAtBeginningOf(RIL.PARA)
        line += w.IsAtBeginningOf(RIL.TEXTLINE)
        box = w.BoundingBox(RIL.WORD)
        try:
            text = w.GetUTF8Text(RIL.WORD)
        except RuntimeError:  # "No text returned": an empty page or block, not a failure
            continue
        if box is None or text is None:
            continue
        x0, y0, x1, y1 = box
        for k, v in (("text", text), ("conf", w.Confidence(RIL.WORD)), ("left", x0),
                     ("top", y0), ("width", x1 - x0), ("height", y1 - y0),
                     ("block_num", block), ("par_num", par), ("line_num", line)):  # fmt: skip
            cols[k].append(v)
    return cols
