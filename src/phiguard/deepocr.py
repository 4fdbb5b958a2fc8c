"""The reader for text blocks in photos: PP-OCR through rapidocr.

Measured on the text blocks of the 12 hardest corpus photos (patient lists, census
boards in marker fonts, small chart text): Tesseract read 43 of the planted values,
rapidocr's PP-OCR models (ONNX, shipped inside the rapidocr wheel; nothing is fetched)
read 123. Reading every block with it was also faster than reading each with Tesseract
first (ocr._read_region). Its detector also finds the text lines of the whole photo
that the gradient missed (find_lines); Tesseract reads any block PP-OCR finds nothing in.
The recognizer runs on OpenVINO where the CPU computes in bfloat16, else on onnxruntime
(runtime()); the detector on onnxruntime.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any

import cv2
import numpy as np

from phiguard.models import Box, Word
from phiguard.regions import Region

log = logging.getLogger(__name__)

MIN_LINE_H = 18.0  # px: smaller text is scaled up before the text detector sees it


def available() -> bool:
    """Whether rapidocr is installed (which reader to use is Config.ocr_engine's choice)."""
    try:
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


RUNTIMES = ("openvino", "onnxruntime")


@functools.lru_cache(maxsize=1)
def runtime() -> str:
    """The runtime PP-OCR's recognizer runs on in this process: OpenVINO where it computes
    in bfloat16 on this CPU (AVX-512 BF16 or AMX), onnxruntime elsewhere.

    Measured on this project's 2-vCPU AMD EPYC (read_blocks, one thread): OpenVINO in
    bfloat16 took 0.76x onnxruntime's reading time with the recognizer on it, 0.75x with
    the detector too; in float32 it took 1.18x, so without bfloat16 onnxruntime stays.
    PHIGUARD_OCR_RUNTIME forces one.
    """
    forced = os.environ.get("PHIGUARD_OCR_RUNTIME", "").strip().lower()
    if forced in RUNTIMES:
        return forced
    if forced:
        log.warning("PHIGUARD_OCR_RUNTIME=%s is not one of %s: ignored", forced, RUNTIMES)
    try:
        import openvino

        caps = openvino.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    except Exception as exc:  # no wheel for this platform, or no CPU plugin: not fatal
        log.debug("OpenVINO unavailable (%s): onnxruntime reads", exc)
        return "onnxruntime"
    return "openvino" if "BF16" in caps else "onnxruntime"


@functools.lru_cache(maxsize=1)
def _engine() -> Any:
    # One model per process, loaded on first use, like Tesseract's in tessapi.py.
    from rapidocr import EngineType, RapidOCR

    from phiguard import latinrec

    params: dict[str, Any] = {
        "Global.log_level": "error",
        # By default the detector scales every crop up to 736 px on its short side; our
        # crops are already scaled for their text. Same values read, half the time.
        "Det.limit_type": "max",
        "Det.limit_side_len": 1600,
        # rapidocr turns onnxruntime's memory arena off; with it on, 2 workers on the
        # corpus took 0.674 s a photo instead of 0.700 (two runs each, alternating).
        "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,
    }
    if os.environ.get("PHIGUARD_POOL_WORKER"):
        # The pool already runs one process per core; more threads only contend.
        params["EngineConfig.onnxruntime.intra_op_num_threads"] = 1
        params["EngineConfig.openvino.inference_num_threads"] = 1
        # OpenVINO pins its one thread to a core, the same core in every worker: two
        # workers then took 1.58 s a photo against onnxruntime's 1.35 (1.17 unpinned).
        params["EngineConfig.openvino.enable_cpu_pinning"] = False
    narrowed = latinrec.model_path()
    if narrowed is not None:
        params["Rec.model_path"] = str(narrowed)
        if runtime() == "openvino":
            # The recognizer only: it is two thirds of the reading time, and on ten
            # corpora the detector in bfloat16 moved more values than it saved time.
            # OpenVINO reads the narrowed ONNX file and the character list in its
            # metadata. Without that file rapidocr would fetch a model in OpenVINO's own
            # format, so the stock recognizer stays on onnxruntime (with a warning).
            params["Rec.engine_type"] = EngineType.OPENVINO
    return RapidOCR(params=params)


def read_region(gray: np.ndarray, region: Region, line_base: int) -> list[Word]:
    """Words of one block, boxes in image pixels; one line id per text line found."""
    ih, iw = gray.shape
    crop = region.crop(iw, ih)
    patch = gray[crop.y : crop.bottom, crop.x : crop.right]
    scale = float(min(3.0, max(1.0, MIN_LINE_H / max(region.line_height, 1.0))))
    if scale > 1.0:
        patch = cv2.resize(patch, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    rgb = _rgb(patch)
    # Every step named on every call: rapidocr keeps the last call's choices.
    result = _engine()(rgb, use_det=True, use_cls=False, use_rec=True, return_word_box=True)
    words: list[Word] = []
    for i, line in enumerate(getattr(result, "word_results", None) or ()):
        if line and isinstance(line[0], str):
            line = (line,)  # a one-word line comes unwrapped
        for item in line:
            if not isinstance(item, tuple | list) or len(item) != 3 or not str(item[0]).strip():
                continue  # a line the recognizer left empty
            text, score, quad = item
            pts = np.asarray(quad, dtype=float) / scale
            x0, y0 = pts.min(axis=0)
            x1, y1 = pts.max(axis=0)
            box = Box(int(x0) + crop.x, int(y0) + crop.y, max(1, int(x1 - x0) + 1),
                      max(1, int(y1 - y0) + 1))  # fmt: skip
            words.append(Word(str(text), box, float(score) * 100.0, line_base + i))
    return words


DET_SIDE = 640  # long side of the copy of the whole photo that PP-OCR's detector sees
LINE_PAD = 1.7  # a detected line's box is this many times its text's height (rendered text)


def find_lines(gray: np.ndarray) -> list[tuple[Box, float, float]]:
    """Text lines PP-OCR's detector finds on a small copy of the whole photo:
    (box in image pixels, text height, angle in degrees counter-clockwise).

    The gradient finder (regions.py) misses text whose strokes are soft (a board shot
    with motion blur: its threshold is set by the photo's hard edges); a learned
    detector does not, down to about 10 px text in a 2000 px photo.
    """
    scale = min(1.0, DET_SIDE / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    rgb = _rgb(small)
    result = _engine()(rgb, use_det=True, use_cls=False, use_rec=False, return_word_box=False)
    quads = getattr(result, "boxes", None)
    out = []
    for quad in quads if quads is not None else ():
        pts = np.asarray(quad, dtype=float) / scale
        (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
        dx, dy = pts[1] - pts[0]
        height = float(np.linalg.norm(pts[3] - pts[0])) / LINE_PAD
        out.append((Box(int(x0), int(y0), int(x1 - x0) + 1, int(y1 - y0) + 1), height,
                    float(-np.degrees(np.arctan2(dy, dx)))))  # fmt: skip
    return out


def _rgb(gray: np.ndarray) -> np.ndarray:
    """The three-channel image rapidocr's models take, from a grayscale one."""
    return np.ascontiguousarray(np.stack([gray] * 3, axis=-1))
