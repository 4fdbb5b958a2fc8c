"""Beyond one machine: the same per-file job on Dask distributed workers.

    phiguard scan --engine dask archive/                         # a local cluster
    phiguard scan --engine dask --scheduler tcp://10.0.0.5:8786 archive/

Each Dask worker process builds its engine once, on its first file (parallel.worker_engine),
exactly like a local pool worker; files are read by the workers, so every worker must
see the same paths (a shared or network file system). Results stream back in input
order with a bounded number of files in flight. Dask is optional:
`pip install 'phiguard[dask]'`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from phiguard.config import Config
from phiguard.parallel import WINDOW_PER_JOB, Job, Lookup, OnCrash, default_jobs, run_one


class ClusterError(RuntimeError):
    """Dask is missing or the scheduler cannot be reached."""


def _client(scheduler: str | None, workers: int) -> Any:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterError("--engine dask needs Dask: pip install 'phiguard[dask]'") from exc
    if scheduler:
        try:
            return Client(scheduler, timeout="10s")
        except OSError as exc:
            raise ClusterError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from exc
    # One single-threaded worker process per core: spaCy and Tesseract hold the GIL or a
    # core each, so threads would only queue behind each other.
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    return Client(cluster)


def run_on_dask(
    job: Job,
    paths: Iterable[str],
    config: Config,
    jobs: int = 0,
    lookup: Lookup | None = None,
    on_crash: OnCrash | None = None,
    scheduler: str | None = None,
) -> Iterator[Any]:
    """Like parallel.run_files, on Dask workers (a local cluster of `jobs` unless
    `scheduler` names one). A task that fails on the cluster becomes on_crash's result."""
    client = _client(scheduler, jobs if jobs > 0 else default_jobs())
    window = WINDOW_PER_JOB * max(1, sum(client.nthreads().values()))
    pending: deque[tuple[str, Any, Any]] = deque()  # (path, cache hit, Dask future)
    try:
        for p in paths:
            hit = lookup(p) if lookup else None
            # pure=False: the same path checked twice (a file changed) is two tasks.
            fut = None if hit is not None else client.submit(run_one, job, p, config, pure=False)
            pending.append((p, hit, fut))
            while pending and (_done(pending[0][2]) or len(pending) >= window):
                yield _result(*pending.popleft(), on_crash)
        while pending:
            yield _result(*pending.popleft(), on_crash)
    finally:
        cluster = client.cluster
        client.close()
        if cluster is not None and not scheduler:
            cluster.close()


def _done(fut: Any) -> bool:
    return fut is None or bool(fut.done())


def _result(path: str, hit: Any, fut: Any, on_crash: OnCrash | None) -> Any:
    if fut is None:
        return hit
    try:
        return fut.result()
    except Exception as exc:  # a worker that died (Dask retries, then gives up) or lost
        if on_crash is None:
            raise
        return on_crash(path, exc)
