"""Run a per-file job over many files, in this process or in a pool of workers.

Each worker builds its own engine once (spaCy and Presidio do not pickle cheaply);
results come back in input order so reports stay stable between runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from phiguard.config import Config
from phiguard.engine import Engine, build_engine
from phiguard.models import FileReport

Job = Callable[[str, Engine, Config], FileReport]

# Per-worker-process state, set once by the pool's initializer: a worker process has
# no caller to pass the engine in, so this holder is its stand-in.
_WORKER: dict[str, Any] = {}


def default_jobs() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def _init(job: Job, config: Config) -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    _WORKER.update(job=job, config=config, engine=build_engine(config))


def _run(path: str) -> FileReport:
    return _WORKER["job"](path, _WORKER["engine"], _WORKER["config"])


def run_files(
    job: Job, paths: Iterable[str], config: Config, jobs: int = 1, engine: Engine | None = None
) -> Iterator[FileReport]:
    """Yield `job(path, engine, config)` for each path, in order, using `jobs` processes."""
    paths = list(paths)
    if jobs <= 1 or len(paths) <= 1:
        engine = engine or build_engine(config)
        for p in paths:
            yield job(p, engine, config)
        return
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(paths)), initializer=_init, initargs=(job, config)
    ) as pool:
        yield from pool.map(_run, paths, chunksize=1)
