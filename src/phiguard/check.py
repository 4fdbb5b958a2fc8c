"""Check one file and keep what the hook, baseline, audit log and SARIF need beyond a
FileReport: the SHA-256 of exactly the bytes that were scanned, where each text line
starts, and which findings a waiver let through.

The file is read once: hashing a second read would let a file edited between the two
reads be recorded under a hash that was never scanned.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from phiguard import load as loader
from phiguard.config import Config
from phiguard.engine import Engine
from phiguard.models import FileReport, Kind
from phiguard.parallel import run_files
from phiguard.scan import _failing_closed, scan_loaded
from phiguard.waivers import Baseline, Waived, apply

if TYPE_CHECKING:
    from phiguard.cache import ResultCache


@dataclass(frozen=True)
class Checked:
    report: FileReport
    sha256: str | None = None  # None when the file could not be read at all
    line_starts: tuple[int, ...] = ()  # text files: offset where each line begins
    waived: tuple[Waived, ...] = ()
    cached: bool = False  # answered from the result cache, not checked in this run

    @property
    def path(self) -> str:  # lets cli.progress label a Checked like a FileReport
        return self.report.path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def line_starts(text: str) -> tuple[int, ...]:
    return (0, *(i + 1 for i, c in enumerate(text) if c == "\n"))


def check_bytes(
    data: bytes,
    path: str,
    engine: Engine,
    config: Config,
    baseline: Baseline | None = None,
    cache: ResultCache | None = None,
) -> Checked:
    """Scan bytes (fail closed), then apply the baseline and inline waivers. The report
    before waivers goes into `cache` (which keeps photos only, never errors)."""
    loaded: list[loader.Loaded] = []

    def work() -> FileReport:
        loaded.append(loader.load_bytes(data, path))
        return scan_loaded(loaded[0], engine, config)

    digest = sha256(data)
    rep = _failing_closed(path, work)
    if cache is not None:
        from phiguard import cache as store

        store.put(cache, digest, rep)
    text = loaded[0].text if loaded else None
    rep, waived = apply(rep, digest, text, baseline)
    return Checked(rep, digest, line_starts(text) if text is not None else (), waived)


def check_file(
    path: str,
    engine: Engine,
    config: Config,
    baseline: Baseline | None = None,
    cache: ResultCache | None = None,
) -> Checked:
    try:
        data = loader.read_bytes(path)
    except loader.LoadError as exc:
        return Checked(_failing_closed(path, functools.partial(_raise, exc)))
    return check_bytes(data, path, engine, config, baseline, cache)


def check_cached(path: str, cache: ResultCache, baseline: Baseline | None) -> Checked | None:
    """The cached result for a file's current bytes, waivers applied; None: check it."""
    from phiguard import cache as store

    if path == loader.STDIN:
        return None  # stdin can be read once only: the worker needs it
    try:
        data = loader.read_bytes(path)
    except loader.LoadError:
        return None  # the check itself reports the error
    digest = sha256(data)
    rep = store.get(cache, digest, path)
    if rep is None:
        return None
    rep, waived = apply(rep, digest, None, baseline)
    return Checked(rep, digest, (), waived, cached=True)


def _raise(exc: Exception) -> FileReport:
    raise exc


@dataclass(frozen=True)
class CheckJob:
    """check_file with a fixed baseline and cache, picklable for worker processes."""

    baseline: Baseline | None = None
    cache: ResultCache | None = None

    def __call__(self, path: str, engine: Engine, config: Config) -> Checked:
        return check_file(path, engine, config, self.baseline, self.cache)


def crashed(path: str, exc: BaseException) -> Checked:
    """A file whose worker died: an error report, never clean."""
    error = f"worker process died while checking this file ({type(exc).__name__})"
    kind: Kind = "text" if path.lower().endswith(tuple(loader.TEXT_SUFFIXES)) else "image"
    return Checked(FileReport(path=path, kind=kind, verdict="error", error=error))


def run_checks(
    paths: Iterable[str],
    config: Config,
    jobs: int = 1,
    baseline: Baseline | None = None,
    cache: ResultCache | None = None,
    backend: str = "local",
    scheduler: str | None = None,
) -> Iterator[Checked]:
    """check_file over many files, in order, on `jobs` processes (or Dask workers); with
    a cache, files whose bytes and settings were checked before need no worker."""
    lookup = functools.partial(check_cached, cache=cache, baseline=baseline) if cache else None
    job = CheckJob(baseline, cache)
    if backend == "dask":
        from phiguard.cluster import run_on_dask

        yield from run_on_dask(job, paths, config, jobs, lookup, crashed, scheduler)
    else:
        yield from run_files(job, paths, config, jobs, lookup=lookup, on_crash=crashed)


def redacted_copy(path: str, checked: Checked, out: Path, engine: Engine, config: Config) -> str:
    """Write a redacted copy of a checked file to `out`, then check the copy again.

    Returns "" when the copy came out clean; otherwise the copy is removed and the
    reason is returned, so nothing half-redacted is ever approved.
    """
    from phiguard.redact import redact_image, redact_text, redaction_boxes
    from phiguard.report import write_image, write_text

    try:
        data = loader.read_bytes(path)
        if sha256(data) != checked.sha256:
            return "the file changed while it was being redacted"
        item = loader.load_bytes(data, path)
        findings = checked.report.findings
        if item.image is not None:
            boxes = redaction_boxes(findings, *item.image.size, config)
            write_image(redact_image(item.image, boxes, config.style), out, item.fmt)
        else:
            write_text(redact_text(item.text or "", findings), out)
    except Exception as exc:  # any failure means no redacted copy, never a wrong one
        out.unlink(missing_ok=True)
        return f"no redacted copy: {type(exc).__name__}: {exc}"
    again = check_file(str(out), engine, config)
    if again.report.verdict != "clean":
        out.unlink(missing_ok=True)
        return f"the redacted copy was not clean ({again.report.verdict}); nothing was approved"
    return ""
