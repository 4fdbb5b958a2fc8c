"""The one library entry point behind the CLI, the hook and the web page.

from phiguard.config import Config
from phiguard.engine import build_engine
from phiguard.scan import scan
cfg = Config(); engine = build_engine(cfg)      # once per process
for report in scan(["photos/"], engine, cfg):
    print(report.path, report.verdict)
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from phiguard import load as loader
from phiguard.config import Config
from phiguard.engine import Engine
from phiguard.find import find_in_caption, find_in_image
from phiguard.metadata import counts as meta_counts
from phiguard.metadata import meta_findings
from phiguard.models import FileReport, Finding, Kind, Verdict
from phiguard.ocr import OcrError
from phiguard.post import PostReport, assemble, caption_terms
from phiguard.redact import redact_image, redact_text, redaction_boxes, to_blur
from phiguard.report import write_frames, write_text


def _verdict(findings: tuple[Finding, ...], config: Config) -> Verdict:
    """ "phi" if anything counts; see metadata.counts for what a photo's own data adds."""
    counted = [
        f for f in findings if (config.faces_count or f.entity_type != "FACE") and meta_counts(f)
    ]
    return "phi" if counted else "clean"


def scan_text(
    text: str, engine: Engine, config: Config, path: str = "<text>", notes: tuple[str, ...] = ()
) -> FileReport:
    t0 = time.perf_counter()
    findings = tuple(find_in_caption(text, engine, config))
    return FileReport(
        path=path,
        kind="text",
        verdict=_verdict(findings, config),
        findings=findings,
        notes=notes,
        seconds=time.perf_counter() - t0,
    )


def scan_image(
    image: Image.Image,
    engine: Engine,
    config: Config,
    path: str = "<image>",
    notes: tuple[str, ...] = (),
) -> FileReport:
    """Check one oriented RGB image. OCR failure is an error, never "clean"."""
    t0 = time.perf_counter()
    w, h = image.size
    try:
        findings = tuple(find_in_image(image, engine, config))
    except OcrError as exc:
        return FileReport(
            path=path,
            kind="image",
            verdict="error",
            error=str(exc),
            width=w,
            height=h,
            seconds=time.perf_counter() - t0,
        )
    return FileReport(
        path=path,
        kind="image",
        verdict=_verdict(findings, config),
        findings=findings,
        width=w,
        height=h,
        notes=notes,
        seconds=time.perf_counter() - t0,
    )


def scan_loaded(item: loader.Loaded, engine: Engine, config: Config) -> FileReport:
    if item.image is None:
        return scan_text(item.text or "", engine, config, item.path, item.notes)
    frames = item.frames or (item.image,)
    if len(frames) == 1:
        rep = scan_image(item.image, engine, config, item.path, item.notes)
    else:
        rep = _scan_frames(frames, engine, config, item.path, item.notes)
    if rep.verdict == "error" or not config.metadata or not item.meta:
        return rep
    findings = rep.findings + tuple(meta_findings(item.meta))
    return replace(rep, findings=findings, verdict=_verdict(findings, config))


def _scan_frames(
    frames: tuple[Image.Image, ...],
    engine: Engine,
    config: Config,
    path: str,
    notes: tuple[str, ...],
) -> FileReport:
    """Check every frame or page; findings carry the frame index. One failure fails all."""
    t0 = time.perf_counter()
    findings: list[Finding] = []
    for i, frame in enumerate(frames):
        rep = scan_image(frame, engine, config, path)
        if rep.verdict == "error":
            return replace(rep, error=f"frame {i}: {rep.error}", seconds=time.perf_counter() - t0)
        findings += [replace(f, frame=i) for f in rep.findings]
    w, h = frames[0].size
    return FileReport(
        path=path,
        kind="image",
        verdict=_verdict(tuple(findings), config),
        findings=tuple(findings),
        width=w,
        height=h,
        notes=(*notes, f"{len(frames)} frames or pages, each checked"),
        seconds=time.perf_counter() - t0,
    )


def redact_frames(
    frames: tuple[Image.Image, ...], findings: Iterable[Finding], config: Config
) -> list[Image.Image]:
    """Each frame with its own findings blurred (faces only with --faces blur)."""
    findings = list(findings)
    out = []
    for i, frame in enumerate(frames):
        mine = [f for f in findings if f.frame is None or f.frame == i]
        boxes = redaction_boxes(mine, *frame.size, config)
        out.append(redact_image(frame, boxes, config.style))
    return out


def scan_file(path: str, engine: Engine, config: Config) -> FileReport:
    """Load and check one file; any failure becomes an error report naming the file."""
    return _failing_closed(path, lambda: scan_loaded(loader.load(path), engine, config))


def _failing_closed(path: str, work: Callable[[], FileReport]) -> FileReport:
    t0 = time.perf_counter()
    try:
        return work()
    except (loader.LoadError, RedactionLeak) as exc:
        error = str(exc)
    except Exception as exc:  # an unexpected crash is an error, never "clean"
        error = internal_error(exc)
    kind: Kind = "text" if path.lower().endswith(tuple(loader.TEXT_SUFFIXES)) else "image"
    return FileReport(
        path=path, kind=kind, verdict="error", error=error, seconds=time.perf_counter() - t0
    )


def internal_error(exc: Exception) -> str:
    """Name the exception and where it was raised, not its message: a message can quote
    text read from the file ("invalid literal for int(): 'Okafor'"). PHIGUARD_DEBUG=1
    adds the message, for a bug report made on synthetic data."""
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" at {os.path.basename(tb[-1].filename)}:{tb[-1].lineno}" if tb else ""
    detail = f": {exc}" if os.environ.get("PHIGUARD_DEBUG") else " (PHIGUARD_DEBUG=1 shows more)"
    return f"internal error: {type(exc).__name__}{where}{detail}"


class RedactionLeak(Exception):
    """A flagged value could still be read in the redacted copy."""


@dataclass(frozen=True)
class RedactJob:
    """Scan a file and write its redacted copy to `outputs[path]` (picklable for workers).

    With `verify` every redacted area is read again first (verify.py); if a flagged value
    is still readable the file is an error and gets no copy. A file that ends as an
    error also loses any copy an earlier run left under its name, so nothing stale
    sits in the output folder looking safe."""

    outputs: dict[str, str]
    verify: bool = True

    def __call__(self, path: str, engine: Engine, config: Config) -> FileReport:
        rep = _failing_closed(path, lambda: self._redact(path, engine, config))
        out = Path(self.outputs[path])
        if rep.verdict == "error" and not _same_file(out, path):
            out.unlink(missing_ok=True)
        return rep

    def _redact(self, path: str, engine: Engine, config: Config) -> FileReport:
        out = Path(self.outputs[path])
        if _same_file(out, path):
            raise loader.LoadError(f"refusing to overwrite the input with its redacted copy: {out}")
        item = loader.load(path)
        rep = scan_loaded(item, engine, config)
        if rep.verdict == "error":
            return rep
        if item.image is None:
            write_text(redact_text(item.text or "", rep.findings), out)
            return rep
        frames = redact_frames(item.frames or (item.image,), rep.findings, config)
        if self.verify:
            rep = _verified(rep, frames, config)
        write_frames(frames, out, item.fmt)
        return rep


def _same_file(out: Path, path: str) -> bool:
    return path != loader.STDIN and out.resolve() == Path(path).resolve()


def _verified(rep: FileReport, frames: list[Image.Image], config: Config) -> FileReport:
    """The report with a note, or RedactionLeak (an error) if anything is still readable."""
    from phiguard import verify

    # Only what was blurred can be checked for being unreadable (see Config.blurs).
    found = verify.leaks(frames, to_blur(rep.findings, config), config.ocr_lang)
    if found:
        raise RedactionLeak(verify.describe(found, config.style))
    return replace(rep, notes=(*rep.notes, "redaction verified: no flagged value readable"))


def scan(
    paths: Iterable[str],
    engine: Engine,
    config: Config,
    on_file: Callable[[FileReport], None] | None = None,
) -> Iterator[FileReport]:
    """Check every file under `paths` (folders are walked); yields one report per file."""
    for path in loader.iter_paths(list(paths)):
        report = scan_file(path, engine, config)
        if on_file:
            on_file(report)
        yield report


FileRunner = Callable[[list[str], Config], Iterable[FileReport]]


def scan_post(
    caption: str,
    photos: list[str],
    engine: Engine,
    config: Config,
    caption_path: str = "<caption>",
    run: FileRunner | None = None,
) -> tuple[PostReport, list[FileReport]]:
    """Check a caption and its photos as one post: (post report, per-file reports).

    `run(paths, config)` scans the photos (default: one by one here; the CLI passes a
    worker pool). The config it gets carries the caption's names and room numbers.
    """
    cap = scan_text(caption, engine, config, caption_path)
    terms = caption_terms(caption, engine, config)
    cfg = config.with_(post_terms=terms)
    runner = run or (lambda paths, c: (scan_file(p, engine, c) for p in paths))
    return assemble(cap, caption, list(runner(photos, cfg)), terms)
