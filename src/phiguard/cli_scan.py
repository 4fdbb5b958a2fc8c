"""`phiguard scan` and `phiguard redact`."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from phiguard.cli import FORMATS, build_config, config_options, progress
from phiguard.cli_hook import read_baseline, waiver_options, write_audit
from phiguard.config import STYLES

if TYPE_CHECKING:
    from phiguard.check import Checked


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--caption",
    metavar="TEXT",
    help="The post's caption: the caption and the photos get one verdict (see `post` in JSON). "
    "A post takes --format text or json; --baseline is for files only.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="jsonl: one line per file as soon as it is checked (for huge folders).",
)
@click.option(
    "--show-matches", is_flag=True, help="Print matched values in the clear (off: masked)."
)
@click.option("--no-progress", is_flag=True, help="Never draw a progress bar.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Check every file again; neither read nor write the result cache.",
)
@click.option(
    "--engine",
    "backend",
    type=click.Choice(("local", "dask")),
    default="local",
    show_default=True,
    help="local: a process pool here; dask: Dask workers (pip install 'phiguard[dask]').",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="With --engine dask: a running scheduler (tcp://host:8786); "
    "default: a local cluster of --jobs workers.",
)
@waiver_options
@config_options
def scan(
    paths: tuple[str, ...],
    caption: str | None,
    fmt: str,
    show_matches: bool,
    no_progress: bool,
    no_cache: bool,
    backend: str,
    scheduler: str | None,
    baseline_file: str | None,
    audit_log: str | None,
    jobs: int,
    **opts: Any,
) -> None:
    """Check photos and text files for PHI; folders are walked. Use - for stdin.

    Exit code: 0 clean, 1 findings, 2 a file could not be fully checked (it is
    named in the report and never counted as clean). Uses every core; photos
    checked before with the same settings come from the cache.

    \b
    Example:
        phiguard scan samples/
        phiguard scan --format json photo.jpg > report.json
        phiguard scan --format jsonl --jobs 8 archive/ > archive.jsonl
        phiguard scan --format sarif --baseline .phiguard-baseline.json posts/ > phi.sarif
        echo "Mr. John Doe DOB 03/14/1951" | phiguard scan -
        phiguard scan --caption "Maria went home today!" photo1.jpg photo2.jpg
        phiguard scan post/          # a folder with caption.txt is one post
    """
    from phiguard import load
    from phiguard.cache import open_cache
    from phiguard.check import run_checks

    if not paths and caption is None:
        raise click.UsageError("Missing argument 'PATHS...' (or give --caption).")
    cfg = build_config(**opts)
    if caption is not None or load.find_post(list(paths)):
        _post_options_ok(fmt, baseline_file)
        _scan_post(list(paths), caption, cfg, fmt, show_matches, jobs, audit_log)
    baseline = read_baseline(baseline_file)
    files = list(load.iter_paths(list(paths)))
    # Matches in the clear are never in the cache, so --show-matches must check again.
    cache = None if no_cache or show_matches else open_cache(cfg)
    checks = run_checks(files, cfg, jobs, baseline, cache, backend, scheduler)
    checked = progress(files, checks, not no_progress)
    sys.exit(_emit(checked, fmt, show_matches, audit_log))


def _emit(checked: Iterator[Checked], fmt: str, show_matches: bool, audit_log: str | None) -> int:
    """Print results (text and jsonl as each file is done) and return the exit code."""
    from phiguard import report
    from phiguard.sarif import to_sarif

    if fmt in ("json", "sarif"):  # one document: it needs every result first
        done = list(checked)
        results = [c.report for c in done]
        if fmt == "sarif":
            click.echo(to_sarif(done, show_matches))
        else:
            click.echo(report.to_json(results, show_matches))
        write_audit(audit_log, done, "scan")
        return report.exit_code(results)
    verdicts: Counter[str] = Counter()
    types: Counter[str] = Counter()
    for c in checked:
        if fmt == "jsonl":
            line = report.to_jsonl(c.report, show_matches)
        else:
            line = report.file_text(c.report, show_matches)
        click.echo(line)
        sys.stdout.flush()  # a reader of a pipe sees each file when it is done
        write_audit(audit_log, [c], "scan")
        report.count(c.report, verdicts, types)
    summary = report.summary_of(verdicts, types)
    if fmt == "text":
        click.echo(report.text_tail(summary, show_matches))
    return int(summary["exit_code"])


def _post_options_ok(fmt: str, baseline_file: str | None) -> None:
    """A post has one verdict over caption and photos: refuse what only fits files,
    rather than ignore it."""
    if baseline_file or fmt in ("sarif", "jsonl"):
        raise click.UsageError(
            "--baseline and --format sarif/jsonl work on files, not on a post (--caption, "
            "or a folder with caption.txt); use --format text or json, or scan the photos "
            "without the caption."
        )


def _scan_post(
    paths: list[str],
    caption: str | None,
    cfg: Any,
    fmt: str,
    show_matches: bool,
    jobs: int,
    audit_log: str | None = None,
) -> None:
    """A caption plus photos, or a folder with caption.txt: one verdict for the post."""
    from phiguard import load, report
    from phiguard.engine import build_engine
    from phiguard.parallel import run_files
    from phiguard.scan import scan_file, scan_post

    found = load.find_post(paths) if caption is None else None
    caption_path, photos = found if found else ("<caption>", list(load.iter_paths(paths)))
    if found:
        caption = load.load(caption_path).text or ""
    engine = build_engine(cfg)
    post, results = scan_post(
        caption or "", photos, engine, cfg, caption_path,
        run=lambda ps, c: run_files(scan_file, ps, c, jobs, engine),
    )  # fmt: skip
    if fmt == "json":
        click.echo(report.to_json(results, show_matches, post))
    else:
        click.echo(
            report.to_text(results, show_matches) + "\n" + report.post_text(post, show_matches)
        )
    from phiguard.check import Checked

    write_audit(audit_log, [Checked(report=r) for r in results], "scan")
    sys.exit(report.exit_code(results, post))


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--out-dir",
    "-o",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for the redacted copies (same file names; inputs never overwritten).",
)
@click.option("--style", type=click.Choice(STYLES), default="blur", show_default=True)
@click.option(
    "--verify/--no-verify",
    default=True,
    show_default=True,
    help="Read every redacted area again and refuse the copy if a flagged value is still readable.",
)
@click.option("--show-matches", is_flag=True, help="Print matched values in the clear.")
@click.option("--no-progress", is_flag=True, help="Never draw a progress bar.")
@config_options
def redact(
    paths: tuple[str, ...],
    out_dir: str,
    style: str,
    verify: bool,
    show_matches: bool,
    no_progress: bool,
    jobs: int,
    **opts: Any,
) -> None:
    """Write a redacted, metadata-free copy of each photo and text file to --out-dir.

    Exit code as for scan: a file that could not be checked, or whose redaction could
    still be read (--verify), gets no copy and exit 2.

    \b
    Example:
        phiguard redact photo.jpg --out-dir out/
        phiguard redact photos/ --out-dir safe/ --style pixelate
        phiguard redact IMG_0042.heic -o out/ --faces blur
    """
    from phiguard import load, report
    from phiguard.check import crashed
    from phiguard.parallel import run_files
    from phiguard.scan import RedactJob

    cfg = build_config(**opts, style=style)
    pairs = [(f, str(Path(out_dir) / rel)) for f, rel in load.iter_with_relnames(list(paths))]
    job = RedactJob(dict(pairs), verify=verify)
    files = [f for f, _ in pairs]
    run = run_files(job, files, cfg, jobs, on_crash=lambda p, e: crashed(p, e).report)
    results = list(progress(files, run, not no_progress))
    click.echo(report.to_text(results, show_matches))
    click.echo(f"redacted copies in {out_dir}", err=True)
    sys.exit(report.exit_code(results))


def register(group: click.Group) -> None:
    group.add_command(scan)
    group.add_command(redact)
