"""The one library entry point behind the CLI, the hook and the web page.

from phiguard.config import Config
from phiguard.engine import build_engine
from phiguard.scan import scan
cfg = Config(); engine = build_engine(cfg)      # once per process
for report in scan(["photos/"], engine, cfg):
    print(report.path, report.verdict)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from phiguard import load as loader
from phiguard.analyze import analyze_text, join_words, locate, merge_duplicates, undo_confusions
from phiguard.config import Config
from phiguard.decide import decide, deny_list_findings, first_name_candidates
from phiguard.engine import Engine
from phiguard.known import known_findings
from phiguard.models import FileReport, Finding, Kind, Verdict
from phiguard.ocr import OcrError, OcrOptions, read_photo
from phiguard.post import PostReport, assemble, caption_terms, combinations_in_photo
from phiguard.redact import redact_image, redact_text, redaction_boxes
from phiguard.report import write_image, write_text


def _verdict(findings: tuple[Finding, ...]) -> Verdict:
    return "phi" if findings else "clean"


def find_in_text(text: str, engine: Engine, config: Config, source: str = "text") -> list[Finding]:
    """Decided findings for a piece of text, with character offsets."""
    candidates = (
        analyze_text(text, engine, config, source)
        + deny_list_findings(text, config, source)
        + known_findings(undo_confusions(text), config.known, source)
    )
    return decide(candidates, config)


def find_in_caption(text: str, engine: Engine, config: Config) -> list[Finding]:
    """Decided findings for a post caption (or any typed text file).

    Unlike OCR text: no look-alike digit pass, first-name candidates, and the words
    around a name decide patient (flagged) or staff (not flagged).
    """
    candidates = (
        analyze_text(text, engine, config, "text", confusions=False)
        + first_name_candidates(text)
        + deny_list_findings(text, config)
        + known_findings(text, config.known)
    )
    return decide(candidates, config, prose=text)


def scan_text(
    text: str, engine: Engine, config: Config, path: str = "<text>", notes: tuple[str, ...] = ()
) -> FileReport:
    t0 = time.perf_counter()
    findings = tuple(find_in_caption(text, engine, config))
    return FileReport(
        path=path,
        kind="text",
        verdict=_verdict(findings),
        findings=findings,
        notes=notes,
        seconds=time.perf_counter() - t0,
    )


def find_in_image(image: Image.Image, engine: Engine, config: Config) -> list[Finding]:
    """OCR the image, analyze its text, and return findings with pixel boxes."""
    groups = read_photo(image, OcrOptions(lang=config.ocr_lang))
    ocr = join_words([w for g in groups for w in g])
    found = merge_duplicates(locate(find_in_text(ocr.text, engine, config, source="ocr"), ocr))
    return found + combinations_in_photo(ocr, config.post_terms)


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
        verdict=_verdict(findings),
        findings=findings,
        width=w,
        height=h,
        notes=notes,
        seconds=time.perf_counter() - t0,
    )


def scan_loaded(item: loader.Loaded, engine: Engine, config: Config) -> FileReport:
    if item.image is not None:
        return scan_image(item.image, engine, config, item.path, item.notes)
    return scan_text(item.text or "", engine, config, item.path, item.notes)


def scan_file(path: str, engine: Engine, config: Config) -> FileReport:
    """Load and check one file; any failure becomes an error report naming the file."""
    return _failing_closed(path, lambda: scan_loaded(loader.load(path), engine, config))


def _failing_closed(path: str, work: Callable[[], FileReport]) -> FileReport:
    t0 = time.perf_counter()
    try:
        return work()
    except loader.LoadError as exc:
        error = str(exc)
    except Exception as exc:  # an unexpected crash is an error, never "clean"
        error = f"internal error: {type(exc).__name__}: {exc}"
    kind: Kind = "text" if path.lower().endswith(tuple(loader.TEXT_SUFFIXES)) else "image"
    return FileReport(
        path=path, kind=kind, verdict="error", error=error, seconds=time.perf_counter() - t0
    )


@dataclass(frozen=True)
class RedactJob:
    """Scan a file and write its redacted copy to `outputs[path]` (picklable for workers)."""

    outputs: dict[str, str]

    def __call__(self, path: str, engine: Engine, config: Config) -> FileReport:
        return _failing_closed(path, lambda: self._redact(path, engine, config))

    def _redact(self, path: str, engine: Engine, config: Config) -> FileReport:
        out = Path(self.outputs[path])
        if path != loader.STDIN and out.resolve() == Path(path).resolve():
            raise loader.LoadError(f"refusing to overwrite the input with its redacted copy: {out}")
        item = loader.load(path)
        rep = scan_loaded(item, engine, config)
        if rep.verdict == "error":
            return rep
        if item.image is not None:
            boxes = redaction_boxes(rep.findings, *item.image.size)
            write_image(redact_image(item.image, boxes, config.style), out, item.fmt)
        else:
            write_text(redact_text(item.text or "", rep.findings), out)
        return rep


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
