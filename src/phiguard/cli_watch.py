"""`phiguard watch`: the shared-folder gate in front of a scheduling or upload tool."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

import click

from phiguard.cli import build_config, config_options
from phiguard.config import STYLES


@click.command()
@click.argument("inbox", type=click.Path(file_okay=False))
@click.option(
    "--approved",
    required=True,
    type=click.Path(file_okay=False),
    help="Clean files (and, with --redact, redacted copies) are moved here.",
)
@click.option(
    "--quarantine",
    required=True,
    type=click.Path(file_okay=False),
    help="Files with findings or errors go here, each with a .phiguard.json report.",
)
@click.option(
    "--redact",
    is_flag=True,
    help="Put a redacted, re-checked copy of each file with findings in --approved.",
)
@click.option("--style", type=click.Choice(STYLES), default="blur", show_default=True)
@click.option(
    "--interval",
    type=float,
    default=1.0,
    show_default=True,
    help="Seconds between looks at the inbox.",
)
@click.option(
    "--settle",
    type=float,
    default=2.0,
    show_default=True,
    help="Seconds a file's size and time must stay unchanged before it is checked.",
)
@click.option("--once", is_flag=True, help="Handle what is in the inbox, then exit.")
@click.option(
    "--audit-log",
    type=click.Path(dir_okay=False),
    help="Append one JSON line per decision (hash, verdict, counts; no PHI).",
)
@config_options
def watch(inbox: str, approved: str, quarantine: str, redact: bool, style: str,
          interval: float, settle: float, once: bool, audit_log: str | None, jobs: int,
          **opts: Any) -> None:  # fmt: skip
    """Watch INBOX: clean files move to --approved, files with PHI or that could not be
    checked move to --quarantine with a JSON report beside them.

    Files already in INBOX at start are handled too. Moves are atomic and journaled in
    INBOX/.phiguard-work, so a watcher stopped at any point loses and duplicates nothing
    when started again. The three folders must be on one file system. Files are
    checked one at a time (--jobs is not used).

    \b
    Example:
        phiguard watch inbox/ --approved ready/ --quarantine held/
        phiguard watch inbox/ --approved ready/ --quarantine held/ --redact --once
    """
    from phiguard import watch as watcher
    from phiguard.engine import build_engine

    dirs = watcher.Dirs(Path(inbox), Path(approved), Path(quarantine))
    cfg = build_config(**opts, style=style)
    # SIGTERM ends like Ctrl-C; the journal makes stopping mid-file safe either way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    checker = watcher.make_checker(build_engine(cfg), cfg)
    try:
        watcher.run(dirs, checker, watcher.announcer(audit_log, click.echo), redact=redact,
                    interval=interval, settle=settle, once=once)  # fmt: skip
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


def register(group: click.Group) -> None:
    group.add_command(watch)
