"""`phiguard hook` (pre-commit) and `phiguard baseline create`, plus the --baseline and
--audit-log options that scan shares."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from phiguard.cli import build_config, config_options

if TYPE_CHECKING:
    from phiguard.check import Checked
    from phiguard.waivers import Baseline


def waiver_options(f: Any) -> Any:
    """--baseline and --audit-log, for every command that decides about files."""
    f = click.option(
        "--audit-log",
        type=click.Path(dir_okay=False),
        help="Append one JSON line per decision (hash, verdict, counts; no PHI).",
    )(f)
    return click.option(
        "--baseline",
        "baseline_file",
        type=click.Path(exists=True, dir_okay=False),
        help="Let findings recorded in this baseline pass; flag only new ones.",
    )(f)


def read_baseline(path: str | None) -> Baseline | None:
    if not path:
        return None
    from phiguard.waivers import parse_baseline

    try:
        return parse_baseline(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        # A baseline that cannot be read must not silently waive nothing or everything.
        raise click.BadParameter(
            f"cannot use baseline {path}: {exc}", param_hint="--baseline"
        ) from exc


def write_audit(path: str | None, checked: list[Checked], command: str) -> None:
    if not path:
        return
    from phiguard import audit

    for c in checked:
        audit.record_checked(path, c, command=command)


def hook_line(c: Checked, show_matches: bool = False) -> list[str]:
    """Compiler-style lines (path:line:col: TYPE 'masked') that terminals and editors link."""
    from phiguard.report import mask
    from phiguard.sarif import position

    rep = c.report
    if rep.verdict == "error":
        return [f"{rep.path}: ERROR could not be fully checked: {rep.error}"]
    out = []
    for f in rep.findings:
        shown = repr(f.text if show_matches else mask(f.text))
        if rep.kind == "text" and c.line_starts and f.start is not None:
            line, col = position(c.line_starts, f.start)
            out.append(f"{rep.path}:{line}:{col}: {f.entity_type} {shown}")
        else:
            where = f" at {f.bbox.as_list()}" if f.bbox else ""
            out.append(f"{rep.path}: {f.entity_type} {shown}{where}")
    return out


def hook_summary(checked: list[Checked]) -> str:
    verdicts = Counter(c.report.verdict for c in checked)
    waived = sum(len(c.waived) for c in checked)
    text = (
        f"phiguard: {verdicts['phi']} file(s) with PHI, {verdicts['error']} could not be "
        f"checked, {verdicts['clean']} clean"
    )
    if waived:
        text += f"; {waived} reviewed finding(s) waived"
    if verdicts["phi"]:
        text += (
            "\n  blur with `phiguard redact FILE -o DIR`, mark a reviewed caption line "
            "with `phiguard: allow`, or record reviewed findings with "
            "`phiguard baseline create`"
        )
    return text


@click.command()
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--show-matches", is_flag=True, help="Print matched values in the clear.")
@waiver_options
@config_options
def hook(
    files: tuple[str, ...],
    show_matches: bool,
    baseline_file: str | None,
    audit_log: str | None,
    jobs: int,
    **opts: Any,
) -> None:
    """Pre-commit hook: check the staged photos and captions, print only problems.

    Exit code: 0 clean, 1 PHI found, 2 a file could not be fully checked.
    A text line containing `phiguard: allow` waives the findings on that line.

    \b
    Example (.pre-commit-config.yaml):
        - repo: <phiguard repository>
          rev: <tag>
          hooks:
            - id: phiguard
              args: [--baseline, .phiguard-baseline.json]
    Example (by hand):
        phiguard hook posts/2024-05-01.md media/ward-party.jpg
    """
    from phiguard import report
    from phiguard.check import run_checks

    if not files:
        sys.exit(0)  # pre-commit passes no file names when nothing matched
    baseline = read_baseline(baseline_file)
    checked = list(run_checks(list(files), build_config(**opts), jobs, baseline))
    for c in checked:
        for line in hook_line(c, show_matches):
            click.echo(line)
    click.echo(hook_summary(checked))
    write_audit(audit_log, checked, "hook")
    sys.exit(report.exit_code(c.report for c in checked))


@click.group()
def baseline() -> None:
    """Record reviewed findings so that only new ones are flagged."""


@baseline.command("create")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--output",
    "-o",
    default=".phiguard-baseline.json",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Baseline file to write (use - for stdout).",
)
@config_options
def baseline_create(paths: tuple[str, ...], output: str, jobs: int, **opts: Any) -> None:
    """Scan PATHS and write a baseline of every finding: file hash, entity type, span
    or box. The matched values themselves are never written.

    Files that could not be checked are left out and named; the exit code is then 2.

    \b
    Example:
        phiguard baseline create posts/ media/
        phiguard hook --baseline .phiguard-baseline.json posts/new.md
    """
    from phiguard import load
    from phiguard.check import run_checks
    from phiguard.waivers import baseline_doc

    files = list(load.iter_paths(list(paths)))
    checked = list(run_checks(files, build_config(**opts), jobs))
    doc = baseline_doc((c.report, c.sha256) for c in checked if c.sha256)
    text = json.dumps(doc, indent=2) + "\n"
    if output == "-":
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
    errors = [c.report for c in checked if c.report.verdict == "error"]
    for rep in errors:
        click.echo(f"{rep.path}: ERROR not in the baseline: {rep.error}", err=True)
    n = sum(len(f["findings"]) for f in doc["files"])
    click.echo(f"baseline: {n} finding(s) in {len(doc['files'])} file(s) -> {output}", err=True)
    sys.exit(2 if errors else 0)


def register(group: click.Group) -> None:
    group.add_command(hook)
    group.add_command(baseline)
