"""python -m bench.run: stock Presidio image redaction vs phiguard on the same photos.

Both tools get the same decoded PIL image and are timed on the call that finds the boxes
(Presidio: ImageAnalyzerEngine.analyze, which runs OCR + analysis; phiguard: scan_image),
so image decoding and drawing the blur are outside the timing for both. The boxes scored
are the ones each tool would paint: Presidio's ImageRedactorEngine fills the analyzer
bboxes as they are; phiguard pads its finding boxes (phiguard.redact.redaction_boxes).
OMP_THREAD_LIMIT=1 is set for both, and photos are spread over --jobs worker processes (2
by default, one per core), each building its tool once.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from bench.score import Box, summarize
from bench.synth.corpus import GENERATOR_VERSION, write_corpus

os.environ["OMP_THREAD_LIMIT"] = "1"  # before Tesseract is ever started, for both tools
# One worker per core, as `phiguard scan` runs: one ONNX thread each (phiguard.deepocr).
os.environ["PHIGUARD_POOL_WORKER"] = "1"
CORPUS = Path("bench/corpus")
OUT = Path("bench/out")
TOOLS = ("presidio", "phiguard")
Finder = Callable[[Image.Image, str], list[Box]]
_finder: Finder | None = None  # one per worker process


def presidio_finder() -> Finder:
    from bench.stock import stock_image_engine

    engine = stock_image_engine()

    def find(img: Image.Image, path: str) -> list[Box]:
        return [(int(r.left), int(r.top), int(r.width), int(r.height)) for r in engine.analyze(img)]

    return find


def phiguard_finder() -> Finder:
    from phiguard.config import Config
    from phiguard.engine import build_engine
    from phiguard.redact import redaction_boxes
    from phiguard.scan import scan_image

    cfg = Config()
    eng = build_engine(cfg)

    def find(img: Image.Image, path: str) -> list[Box]:
        rep = scan_image(img, eng, cfg, path=path)
        if rep.verdict == "error":
            raise RuntimeError(rep.error or "phiguard reported an error")
        # The boxes `phiguard redact` really blurs: its padding, and no whole chart screens
        # or faces unless asked (--strict, --faces blur).
        boxes = redaction_boxes(rep.findings, *img.size, cfg)
        return [(b.x, b.y, b.w, b.h) for b in boxes]

    return find


FINDERS: dict[str, Callable[[], Finder]] = {
    "presidio": presidio_finder,
    "phiguard": phiguard_finder,
}


def _init(tool: str) -> None:
    global _finder
    _finder = FINDERS[tool]()


def _one(job: tuple[str, str]) -> tuple[str, list[Box], float, str | None]:
    corpus, name = job
    assert _finder is not None
    img = Image.open(Path(corpus) / name).convert("RGB")
    t0 = time.perf_counter()
    try:
        boxes = _finder(img, name)
    except Exception as exc:  # a crash on one photo is reported, not fatal
        return name, [], time.perf_counter() - t0, f"{type(exc).__name__}: {exc}"
    return name, boxes, time.perf_counter() - t0, None


def run_tool(tool: str, corpus: Path, files: list[str], jobs: int) -> dict:
    """Boxes, seconds and errors per photo for one tool."""
    work = [(str(corpus), f) for f in files]
    if jobs <= 1:
        _init(tool)
        results = [_one(w) for w in work]
    else:
        with mp.get_context("spawn").Pool(jobs, initializer=_init, initargs=(tool,)) as pool:
            results = pool.map(_one, work, chunksize=1)
    return {
        "boxes": {n: b for n, b, _, _ in results},
        "seconds": {n: s for n, _, s, _ in results},
        "errors": {n: e for n, _, _, e in results if e},
    }


def ensure_corpus(corpus: Path, n: int, seed: int) -> dict:
    path = corpus / "labels.json"
    if path.is_file():
        labels = json.loads(path.read_text())
        fresh = labels.get("generator") == GENERATOR_VERSION
        if fresh and labels.get("seed") == seed and len(labels["photos"]) == n:
            return labels
    print(f"generating corpus: {n} photos, seed {seed} -> {corpus}")
    return write_corpus(corpus, n, seed)


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Benchmark stock Presidio and phiguard.")
    ap.add_argument("--n", type=int, default=60, help="photos in the corpus")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--only", choices=TOOLS, help="run one tool only")
    ap.add_argument("--limit", type=int, help="score only the first N photos")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes per tool")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=OUT)
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _args(argv)
    labels = ensure_corpus(args.corpus, args.n, args.seed)
    files = [p["file"] for p in labels["photos"]][: args.limit]
    summaries, raw = {}, {}
    for tool in [args.only] if args.only else list(TOOLS):
        t0 = time.perf_counter()
        try:
            raw[tool] = run_tool(tool, args.corpus, files, args.jobs)
        except ImportError as exc:  # phiguard's API may not exist yet in a checkout
            print(f"skipping {tool}: {exc}")
            continue
        summaries[tool] = summarize(
            labels, raw[tool]["boxes"], raw[tool]["seconds"], raw[tool]["errors"]
        )
        print(f"{tool}: {len(files)} photos in {time.perf_counter() - t0:.0f}s wall")
    from bench.report import markdown

    meta = (
        f"Synthetic corpus: {len(files)} photos, seed {args.seed}. A value counts as "
        "unreadable when >= 95% of its quad is covered; an ordinary line as destroyed at "
        "50%. Time: Presidio ImageAnalyzerEngine.analyze vs phiguard scan_image, "
        f"OMP_THREAD_LIMIT=1, {args.jobs} worker(s)."
    )
    table = markdown(summaries, meta)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(table)
    (args.out / "results.json").write_text(
        json.dumps(
            {
                "n": len(files),
                "seed": args.seed,
                "summaries": summaries,
                "errors": {t: r["errors"] for t, r in raw.items()},
                "boxes": {t: r["boxes"] for t, r in raw.items()},
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
