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
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageOps

from phiguard import load as loader
from phiguard.analyze import analyze_text, join_words, locate, merge_duplicates
from phiguard.config import Config
from phiguard.decide import decide, deny_list_findings
from phiguard.engine import Engine
from phiguard.metadata import counts as meta_counts
from phiguard.metadata import meta_findings
from phiguard.mirror import looks_mirrored, unmirror
from phiguard.models import FileReport, Finding, Kind, Verdict, Word
from phiguard.ocr import OcrError, OcrOptions, ocr_words, read_photo
from phiguard.redact import redact_image, redact_text, redaction_boxes
from phiguard.report import write_frames, write_text


def _verdict(findings: tuple[Finding, ...], config: Config) -> Verdict:
    """ "phi" if anything counts; see metadata.counts for what a photo's own data adds."""
    counted = [
        f for f in findings if (config.faces_count or f.entity_type != "FACE") and meta_counts(f)
    ]
    return "phi" if counted else "clean"


def find_in_text(text: str, engine: Engine, config: Config, source: str = "text") -> list[Finding]:
    """Decided findings for a piece of text, with character offsets."""
    candidates = analyze_text(text, engine, config, source) + deny_list_findings(
        text, config, source
    )
    return decide(candidates, config)


def scan_text(
    text: str, engine: Engine, config: Config, path: str = "<text>", notes: tuple[str, ...] = ()
) -> FileReport:
    t0 = time.perf_counter()
    findings = tuple(find_in_text(text, engine, config))
    return FileReport(
        path=path,
        kind="text",
        verdict=_verdict(findings, config),
        findings=findings,
        notes=notes,
        seconds=time.perf_counter() - t0,
    )


def _find_in_words(words: list[Word], engine: Engine, config: Config) -> list[Finding]:
    ocr = join_words(words)
    return locate(find_in_text(ocr.text, engine, config, source="ocr"), ocr)


def find_in_image(image: Image.Image, engine: Engine, config: Config) -> list[Finding]:
    """OCR the image, analyze its text, and return findings with pixel boxes; faces too
    unless config.faces is "ignore"."""
    from concurrent.futures import ThreadPoolExecutor

    from phiguard.faces import detect_faces

    # Faces are looked for while Tesseract (a subprocess) reads: on a photo checked on
    # its own, the ~65 ms of detection then costs no wall time.
    with ThreadPoolExecutor(max_workers=1) as pool:
        faces = (
            pool.submit(detect_faces, image, config.threshold("FACE"))
            if config.faces != "ignore"
            else None
        )
        opts = OcrOptions(lang=config.ocr_lang)
        groups = read_photo(image, opts)  # the full page first, then each text region
        found = _find_in_words([w for g in groups for w in g], engine, config)
        if looks_mirrored(groups[0]):  # a selfie's mirrored sign: read it the right way round
            flipped = ocr_words(ImageOps.mirror(image), opts)
            found += unmirror(_find_in_words(flipped, engine, config), image.width)
        return merge_duplicates(found) + (faces.result() if faces else [])


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
        boxes = redaction_boxes(mine, *frame.size, faces=config.faces == "blur")
        out.append(redact_image(frame, boxes, config.style))
    return out


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
            frames = redact_frames(item.frames or (item.image,), rep.findings, config)
            write_frames(frames, out, item.fmt)
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
