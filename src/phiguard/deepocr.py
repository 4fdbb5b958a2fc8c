"""The reader for text blocks in photos: PP-OCR through rapidocr.

Measured on the text blocks of the 12 hardest corpus photos (patient lists, census
boards in marker fonts, small chart text): Tesseract read 43 of the planted values,
rapidocr's PP-OCR models (ONNX, shipped inside the rapidocr wheel; nothing is fetched)
read 123. Reading every block with it was also faster than reading each with Tesseract
first (ocr.read_region). Its detector also finds the text lines of the whole photo
that the gradient missed (find_lines); Tesseract reads any block PP-OCR finds nothing in.
The recognizer runs on OpenVINO where the CPU computes in bfloat16, else on onnxruntime
(runtime()); the detector on onnxruntime. A block's lines are found with rapidocr's
detector and read one at a time by its recognizer model (read_region), outside
rapidocr's batching: that uses its internals (rapidocr 3.x, pinned below 4).
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
            # The recognizer only: the detector in bfloat16 moved more values than it
            # saved time (ten corpora; again in session 10: -21 values on eleven).
            # OpenVINO reads the narrowed ONNX file and the character list in its
            # metadata. Without that file rapidocr would fetch a model in OpenVINO's own
            # format, so the stock recognizer stays on onnxruntime (with a warning).
            params["Rec.engine_type"] = EngineType.OPENVINO
    return RapidOCR(params=params)


def read_region(gray: np.ndarray, region: Region, line_base: int) -> list[Word]:
    """Words of one block, boxes in image pixels; one line id per text line found.

    The detector sees the block with its text MIN_LINE_H tall: small text scaled up
    (3x at most), large text scaled down (to half at most: on twelve corpora 5 values
    more, about 60 ms less a photo; seeing small text at 13 px instead lost 20 values).
    Lines are cut for the recognizer from the block at no less than its own size.
    """
    ih, iw = gray.shape
    crop = region.crop(iw, ih)
    patch = gray[crop.y : crop.bottom, crop.x : crop.right]
    fit = MIN_LINE_H / max(region.line_height, 1.0)
    scale, det_scale = float(min(3.0, max(1.0, fit))), float(min(3.0, max(0.5, fit)))
    big = _scaled(patch, scale)
    quads = _detect(big if det_scale == scale else _scaled(patch, det_scale))
    words: list[Word] = []
    for i, line in enumerate(_recognize(big, quads * np.float32(scale / det_scale))):
        for text, score, quad in line:
            pts = np.asarray(quad, dtype=float) / scale
            x0, y0 = pts.min(axis=0)
            x1, y1 = pts.max(axis=0)
            box = Box(int(x0) + crop.x, int(y0) + crop.y, max(1, int(x1 - x0) + 1),
                      max(1, int(y1 - y0) + 1))  # fmt: skip
            words.append(Word(str(text), box, float(score) * 100.0, line_base + i))
    return words


REC_STEP = 64  # columns: the recognizer's input widths are rounded up to a multiple
REC_H = 48  # rows: the recognizer's input height (rapidocr's Rec.rec_img_shape)


def _scaled(patch: np.ndarray, scale: float) -> np.ndarray:
    if scale == 1.0:
        return patch
    interp = cv2.INTER_CUBIC if scale > 1.0 else cv2.INTER_AREA
    return cv2.resize(patch, None, fx=scale, fy=scale, interpolation=interp)


def _detect(gray: np.ndarray) -> np.ndarray:
    """Quads of the text lines PP-OCR's detector finds, in `gray`'s pixels, top to bottom.

    rapidocr's own steps (its bounds and padding, the detector's size, its post-process),
    without two of its costs here: it cut out every line found for a recognizer that is
    not asked, and normalised the input in float64. Detection's own overhead went from
    ~100 to ~54 ms a photo (seed 107), for the same quads on all 1,090 region detections
    of seeds 41, 59 and 107."""
    from rapidocr.utils.process_img import apply_vertical_padding, map_boxes_to_original

    engine = _engine()
    rgb = _rgb(gray)
    img, record = engine.preprocess_img(rgb)
    if engine.cfg.Global.use_vertical_padding:
        img, record = apply_vertical_padding(img, record, engine.width_height_ratio,
                                             engine.min_height)  # fmt: skip
    else:
        record["padding_1"] = {"top": 0, "left": 0}
    det = engine._load_det_model()
    pre = det.get_preprocess()
    resized = pre.resize(img)
    if resized is None:
        return np.zeros((0, 4, 2), np.float32)
    boxes, _ = det.postprocess_op(det.session(_normalized(pre, resized)), img.shape[:2])
    if len(boxes) < 1:
        return np.zeros((0, 4, 2), np.float32)
    boxes = map_boxes_to_original(det.sorted_boxes(boxes), record, *rgb.shape[:2])
    return np.asarray(boxes, np.float32)


def _normalized(pre: Any, img: np.ndarray) -> np.ndarray:
    """rapidocr's DetPreProcess normalisation, (x / 255 - mean) / std in float64 then
    float32, looked up per gray level: the same numbers, a fraction of the time."""
    levels = np.arange(256, dtype=np.uint8)[:, None].astype("float32")
    table = ((levels * pre.scale - pre.mean) / pre.std).astype(np.float32)  # (256, 3)
    out = np.empty((1, 3, *img.shape[:2]), np.float32)
    for c in range(3):
        out[0, c] = table[:, c][img[..., c]]
    return out


def _recognize(gray: np.ndarray, quads: np.ndarray) -> list[list[tuple[str, float, Any]]]:
    """Each line's words (text, score, quad in `gray`'s pixels); a line read empty or
    below the engine's text score has none."""
    from rapidocr.ch_ppocr_rec.typings import TextRecOutput
    from rapidocr.utils.process_img import get_rotate_crop_image

    engine = _engine()
    rec = engine._load_rec_model()
    crops = [_rgb(get_rotate_crop_image(gray, q.copy())) for q in quads]
    read = [_read_line(rec, c) for c in crops]
    keep = [i for i, (t, s, _) in enumerate(read) if t.strip() and s >= engine.text_score]
    out: list[list[tuple[str, float, Any]]] = [[] for _ in quads]
    if not keep:  # also no line at all
        return out
    # rapidocr annotates txts as a one-string tuple; it holds one string a line.
    res = TextRecOutput(txts=tuple(read[i][0] for i in keep),  # type: ignore[arg-type]
                        word_results=tuple(read[i][2] for i in keep))  # fmt: skip
    res = engine.cal_rec_boxes([crops[i] for i in keep], quads[keep], res, False)
    for i, line in zip(keep, res.word_results, strict=True):
        out[i] = [(t, s, q) for t, s, q in line if q is not None]
    return out


def _read_line(rec: Any, crop: np.ndarray) -> tuple[str, float, Any]:
    """One line through the recognizer alone, its width rounded up to REC_STEP columns.

    rapidocr pads every line of a batch to the widest and to at least 320 columns; the
    recognizer's time grows with width, and OpenVINO prepares each new input shape anew
    (twice the time of a shape it has seen), so widths are few and tight.
    """
    h, w = crop.shape[:2]
    ratio = w / max(h, 1)
    width = max(REC_STEP, int(np.ceil(REC_H * ratio / REC_STEP)) * REC_STEP)
    fit = min(width, int(np.ceil(REC_H * ratio)))
    # rapidocr's resize_norm_img does this too, in another order of float operations
    # (967 of 968 crops differ in their last bits); this one is what the bench measured.
    norm = np.zeros((1, 3, REC_H, width), np.float32)
    norm[0, :, :, :fit] = cv2.resize(crop, (fit, REC_H)).transpose(2, 0, 1) / 127.5 - 1.0
    lines, infos = rec.postprocess_op(rec.session(norm), True, wh_ratio_list=[ratio],
                                      max_wh_ratio=width / REC_H)  # fmt: skip
    return str(lines[0][0]), float(lines[0][1]), infos[0]


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
    out = []
    for quad in _detect(_scaled(gray, scale)):
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
