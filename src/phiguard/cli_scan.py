"""`phiguard scan` and `phiguard redact`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from phiguard.cli import FORMATS, build_config, config_options, progress
from phiguard.cli_hook import read_baseline, waiver_options, write_audit
from phiguard.config import STYLES


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--caption",
    metavar="TEXT",
    help="The post's caption: the caption and the photos get one verdict (see `post` in JSON).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--show-matches", is_flag=True, help="Print matched values in the clear (off: masked)."
)
@click.option("--no-progress", is_flag=True, help="Never draw a progress bar.")
@waiver_options
@config_options
def scan(
    paths: tuple[str, ...],
    caption: str | None,
    fmt: str,
    show_matches: bool,
    no_progress: bool,
    baseline_file: str | None,
    audit_log: str | None,
    jobs: int,
    **opts: Any,
) -> None:
    """Check photos and text files for PHI; folders are walked. Use - for stdin.

    Exit code: 0 clean, 1 findings, 2 a file could not be fully checked (it is
    named in the report and never counted as clean).

    \b
    Example:
        phiguard scan samples/
        phiguard scan --format json photo.jpg > report.json
        phiguard scan --format sarif --baseline .phiguard-baseline.json posts/ > phi.sarif
        echo "Mr. John Doe DOB 03/14/1951" | phiguard scan -
        phiguard scan --caption "Maria went home today!" photo1.jpg photo2.jpg
        phiguard scan post/          # a folder with caption.txt is one post
    """
    from phiguard import load, report
    from phiguard.check import run_checks
    from phiguard.sarif import to_sarif

    if not paths and caption is None:
        raise click.UsageError("Missing argument 'PATHS...' (or give --caption).")
    cfg = build_config(**opts)
    if caption is not None or load.find_post(list(paths)):
        _scan_post(list(paths), caption, cfg, fmt, show_matches, jobs)
    baseline = read_baseline(baseline_file)
    files = list(load.iter_paths(list(paths)))
    checks = run_checks(files, cfg, jobs, baseline)
    checked = list(progress(files, checks, not no_progress))
    results = [c.report for c in checked]
    if fmt == "sarif":
        out = to_sarif(checked, show_matches)
    elif fmt == "json":
        out = report.to_json(results, show_matches)
    else:
        out = report.to_text(results, show_matches)
    click.echo(out)
    write_audit(audit_log, checked, "scan")
    sys.exit(report.exit_code(results))


def _scan_post(
    paths: list[str], caption: str | None, cfg: Any, fmt: str, show_matches: bool, jobs: int
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
    from phiguard.parallel import run_files
    from phiguard.scan import RedactJob

    cfg = build_config(**opts, style=style)
    pairs = [(f, str(Path(out_dir) / rel)) for f, rel in load.iter_with_relnames(list(paths))]
    job = RedactJob(dict(pairs), verify=verify)
    files = [f for f, _ in pairs]
    results = list(progress(files, run_files(job, files, cfg, jobs), not no_progress))
    click.echo(report.to_text(results, show_matches))
    click.echo(f"redacted copies in {out_dir}", err=True)
    sys.exit(report.exit_code(results))


def register(group: click.Group) -> None:
    group.add_command(scan)
    group.add_command(redact)
