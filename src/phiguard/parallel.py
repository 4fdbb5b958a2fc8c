"""Run a per-file job over many files, in this process or in a pool of workers.

Each worker builds its own engine once (spaCy and Presidio do not pickle cheaply), and
only when it first has a file to check. Results come back in input order so reports
stay stable between runs, and they are streamed: at most a few files per worker are in
flight, so memory stays bounded however many files there are. Images are loaded and
dropped inside the worker; only reports travel back.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from phiguard.config import Config
from phiguard.engine import Engine, build_engine
from phiguard.load import STDIN

R = TypeVar("R")
Job = Callable[[str, Engine, Config], Any]
# Called in the parent before a file is dispatched: a finished result (a cache hit), or
# None to check the file.
Lookup = Callable[[str], Any]
# Turns a worker crash (the pool broke: a segfault, the OOM killer) into a result, so
# the file is reported as an error and the rest goes on.
OnCrash = Callable[[str, BaseException], Any]
# Builds a worker's engine (build_engine; a test's stub). A module-level function, as it
# travels to the worker by name.
Build = Callable[[Config], Engine]

# Files in flight per worker: enough to keep every core busy, few enough that a huge
# folder never queues up in memory.
WINDOW_PER_JOB = 3

# Workers start as fresh interpreters ("spawn"), never as forks of this process: this
# process may already run ONNX Runtime and OpenMP thread pools (a test run, a library
# caller that checked a file itself), and a mutex one of their threads holds at fork
# time stays locked for ever in the child. One CI run hung that way. A spawned worker
# also sees this process's environment as it is now (PHIGUARD_OCR_RUNTIME,
# PHIGUARD_DEBUG), which a long-lived fork server would not. Measured cost:
# BENCHMARKS.md, "Speed" (session 18).
START_METHOD = "spawn"

# Per-worker-process state: a worker process has no caller to pass the engine in, so
# this holder is its stand-in. The engine is built on the first file, not at start-up.
_WORKER: dict[str, Any] = {}


def default_jobs() -> int:
    """Cores this process may use (respects taskset/cgroup CPU affinity)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def worker_engine(config: Config, build: Build | None = None) -> Engine:
    """This process's engine for `config`, built once (pool workers, Dask workers)."""
    build = build or build_engine
    if _WORKER.get("key") != (config, build):
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        os.environ["PHIGUARD_POOL_WORKER"] = "1"  # one ONNX thread each (deepocr.py)
        _WORKER.update(key=(config, build), engine=build(config))
    engine: Engine = _WORKER["engine"]
    return engine


def run_one(job: Job, path: str, config: Config, build: Build | None = None) -> Any:
    """The task every worker runs: one file with this process's engine."""
    return job(path, worker_engine(config, build), config)


def run_files(
    job: Job,
    paths: Iterable[str],
    config: Config,
    jobs: int = 1,
    engine: Engine | None = None,
    lookup: Lookup | None = None,
    on_crash: OnCrash | None = None,
    build: Build | None = None,
) -> Iterator[Any]:
    """Yield `job(path, engine, config)` for each path, in order, using `jobs` processes.

    `lookup(path)` may answer a file without checking it (the result cache); an engine
    is only built once some file needs one. `jobs` 0: one per core. Workers are spawned
    interpreters, so a script that calls this with `jobs` > 1 needs the usual
    `if __name__ == "__main__":` guard.
    """
    jobs = jobs if jobs > 0 else default_jobs()
    if jobs > 1 and isinstance(paths, Sized):
        jobs = min(jobs, len(paths))
        if STDIN in paths:
            jobs = 1  # a pool worker's stdin is /dev/null: only this process can read it
    if jobs <= 1:
        yield from _serial(job, paths, config, engine, lookup, build)
    else:
        yield from _pooled(job, paths, config, jobs, lookup, on_crash, build)


def _serial(
    job: Job,
    paths: Iterable[str],
    config: Config,
    engine: Engine | None,
    lookup: Lookup | None,
    build: Build | None,
) -> Iterator[Any]:
    for p in paths:
        hit = lookup(p) if lookup else None
        if hit is not None:
            yield hit
            continue
        engine = engine or (build or build_engine)(config)
        yield job(p, engine, config)


def _pooled(
    job: Job,
    paths: Iterable[str],
    config: Config,
    jobs: int,
    lookup: Lookup | None,
    on_crash: OnCrash | None,
    build: Build | None,
) -> Iterator[Any]:
    pending: deque[tuple[str, Future[Any]]] = deque()
    pools: list[ProcessPoolExecutor] = []  # the live one is last
    window = WINDOW_PER_JOB * jobs

    def submit(path: str) -> Future[Any]:
        if not pools or _broken(pools[-1]):
            if pools:
                pools[-1].shutdown(wait=False)
            ctx = multiprocessing.get_context(START_METHOD)
            pools.append(ProcessPoolExecutor(max_workers=jobs, mp_context=ctx))
        return pools[-1].submit(run_one, job, path, config, build)

    try:
        for p in paths:
            hit = lookup(p) if lookup else None
            pending.append((p, _done(hit) if hit is not None else submit(p)))
            # Hand results over as soon as the oldest is done; block only when full.
            while pending and (pending[0][1].done() or len(pending) >= window):
                yield _take(pending, submit, on_crash)
        while pending:
            yield _take(pending, submit, on_crash)
    finally:
        if pools:
            pools[-1].shutdown(wait=True, cancel_futures=True)


def _done(value: Any) -> Future[Any]:
    fut: Future[Any] = Future()
    fut.set_result(value)
    return fut


def _broken(pool: ProcessPoolExecutor) -> bool:
    return bool(getattr(pool, "_broken", False))


def _crashed(fut: Future[Any]) -> bool:
    return isinstance(fut.exception(), BrokenProcessPool)


def _take(
    pending: deque[tuple[str, Future[Any]]],
    submit: Callable[[str], Future[Any]],
    on_crash: OnCrash | None,
) -> Any:
    """The oldest result; after a worker died, its files are first checked again."""
    if _crashed(pending[0][1]):
        _isolate(pending, submit, on_crash)
    return pending.popleft()[1].result()


def _isolate(
    pending: deque[tuple[str, Future[Any]]],
    submit: Callable[[str], Future[Any]],
    on_crash: OnCrash | None,
) -> None:
    """A worker died (segfault, OOM killer) and took the pool down. Which file did it is
    unknown, so every file that was in flight is checked again, one at a time on a fresh
    pool: only a file that kills a worker on its own becomes on_crash's error report."""
    wait([f for _, f in pending])  # the broken pool fails each future it still held
    for i, (path, fut) in enumerate(pending):
        if not _crashed(fut):
            continue
        redo = submit(path)
        if _crashed(redo):
            if on_crash is None:
                raise BrokenProcessPool(f"a worker died while checking {path}")
            redo = _done(on_crash(path, redo.exception() or BrokenProcessPool()))
        pending[i] = (path, redo)
