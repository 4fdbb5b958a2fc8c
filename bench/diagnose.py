"""python -m bench.diagnose [--corpus DIR]: why was each PHI value of the corpus missed?

For every labelled value: `ok` (>= 95% of its quad covered by what `redact` blurs),
`partial` (30-95%), `notflagged` (the OCR text holds it, no finding covers it) or
`notread` (no reading of the photo holds it). Counts by kind and text height, and the
rows in bench/out/diagnose.json for a closer look. This is what the development of the
photo pipeline was steered by; `bench.run` is the score. DIAG_STRICT=1 scores what
`--strict` blurs (whole chart screens too): the ceiling of redacting records whole.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

os.environ["OMP_THREAD_LIMIT"] = "1"
os.environ["PHIGUARD_POOL_WORKER"] = "1"
_ENGINE: dict[str, Any] = {}  # one per worker process


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


def _status(v: dict[str, Any], mask: np.ndarray, text: str) -> str:
    quad = np.zeros_like(mask)
    cv2.fillPoly(quad, [np.array(v["quad"], np.int32)], 1)
    cov = (quad & mask).sum() / max(1, quad.sum())
    if cov >= 0.95:
        return "ok"
    if cov >= 0.3:
        return "partial"
    return "notflagged" if _norm(v["text"]) in text else "notread"


def check(args: tuple[str, dict[str, Any], str]) -> list[tuple[str, float, str, str, str]]:
    from phiguard.analyze import join_words
    from phiguard.config import Config
    from phiguard.engine import build_engine
    from phiguard.ocr import OcrOptions, read_photo
    from phiguard.redact import redaction_boxes
    from phiguard.scan import scan_image

    corpus, p, ocr = args
    cfg = Config(faces="ignore", ocr_engine=ocr, strict=bool(os.environ.get("DIAG_STRICT")))
    engine = _ENGINE.setdefault("engine", build_engine(cfg))
    img = Image.open(Path(corpus) / p["file"]).convert("RGB")
    rep = scan_image(img, engine, cfg, p["file"])
    groups = read_photo(img, OcrOptions(engine=cfg.ocr_engine))
    text = _norm(join_words([w for g in groups for w in g]).text)
    mask = np.zeros((img.height, img.width), np.uint8)
    for b in redaction_boxes(rep.findings, img.width, img.height, cfg):
        mask[b.y : b.bottom, b.x : b.right] = 1
    return [(v["kind"], v["height_px"], _status(v, mask, text), p["file"], p["scene"])
            for v in p["values"]]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="bench/corpus")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--ocr", default="auto", choices=["auto", "deep", "tesseract"])
    args = ap.parse_args()
    photos = json.loads((Path(args.corpus) / "labels.json").read_text())["photos"]
    with ProcessPoolExecutor(args.jobs) as pool:
        jobs = [(args.corpus, p, args.ocr) for p in photos]
        t0 = time.perf_counter()
        rows = [r for rs in pool.map(check, jobs) for r in rs]
        print(f"{time.perf_counter() - t0:.0f} s wall for {len(photos)} photos")
    by: dict[str, Counter[str]] = defaultdict(Counter)
    for kind, height, status, *_ in rows:
        for key in (kind, "ALL", "<14" if height < 14 else ">=14"):
            by[key][status] += 1
    for key, c in sorted(by.items()):
        print(f"{key:22s} ok={c['ok'] / sum(c.values()):.0%}  {dict(c)}")
    Path("bench/out").mkdir(parents=True, exist_ok=True)
    Path("bench/out/diagnose.json").write_text(json.dumps(rows, indent=0))


if __name__ == "__main__":
    main()
