"""python -m bench.synth --out bench/corpus --n 60 --seed 7"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.synth.corpus import write_corpus


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Write the labelled synthetic PHI photo corpus.")
    ap.add_argument("--out", type=Path, default=Path("bench/corpus"))
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jobs", type=int, default=2, help="worker processes")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    labels = write_corpus(args.out, args.n, args.seed, args.jobs)
    n_val = sum(len(p["values"]) for p in labels["photos"])
    n_clean = sum(p["clean"] for p in labels["photos"])
    print(
        f"wrote {args.n} photos ({n_clean} clean, {n_val} PHI values) to {args.out} "
        f"in {time.perf_counter() - t0:.1f}s"
    )


if __name__ == "__main__":
    main()
