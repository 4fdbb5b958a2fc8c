"""Watched folder: each new file in INBOX goes to APPROVED if clean, else to QUARANTINE
with a JSON report beside it. The crash-safe moves are in journal.py."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phiguard.check import Checked, sha256
from phiguard.journal import Dirs, claim, execute, plan_for, reset, write_atomic

if TYPE_CHECKING:
    from phiguard.config import Config
    from phiguard.engine import Engine

# Names that browsers, sync clients and editors use while a file is still arriving.
PARTIAL = (".part", ".partial", ".crdownload", ".download", ".tmp", ".swp", "~")


@dataclass(frozen=True)
class Decision:
    """What a checker decided for one claimed file; `redacted` is a finished copy."""

    checked: Checked
    redacted: Path | None = None
    note: str = ""


Checker = Callable[[Path, Path | None], Decision]  # (claimed file, redact-to path or None)


def check_dirs(dirs: Dirs) -> None:
    """Make the folders; refuse layouts where moves could not be atomic."""
    for d in (dirs.inbox, dirs.approved, dirs.quarantine, dirs.work):
        d.mkdir(parents=True, exist_ok=True)
    real = [d.resolve() for d in (dirs.inbox, dirs.approved, dirs.quarantine)]
    if len(set(real)) < 3:
        raise ValueError("inbox, approved and quarantine must be three different folders")
    if len({os.stat(d).st_dev for d in real}) != 1:
        raise ValueError("inbox, approved and quarantine must be on one file system")


def pending(inbox: Path) -> list[Path]:
    """Top-level regular files that are not hidden and not partial downloads."""
    out = []
    with os.scandir(inbox) as it:
        for e in it:
            if e.name.startswith(".") or e.name.endswith(PARTIAL):
                continue
            if e.is_file(follow_symlinks=False):
                out.append(Path(e.path))
    return sorted(out)


@dataclass
class Settle:
    """A file is ready once its size and mtime have not changed for `seconds`."""

    seconds: float
    seen: dict[Path, tuple[int, int, float]] = field(default_factory=dict)

    def ready(self, files: list[Path], now: float) -> list[Path]:
        out, current = [], {}
        for p in files:
            try:
                st = p.stat()
            except FileNotFoundError:
                continue
            sig = (st.st_size, st.st_mtime_ns)
            prev = self.seen.get(p)
            since = prev[2] if prev and prev[:2] == sig else now
            current[p] = (*sig, since)
            if now - since >= self.seconds:
                out.append(p)
        self.seen = current
        return out


def _report_json(decision: Decision, action: str) -> bytes:
    from phiguard import __version__
    from phiguard.report import file_dict

    doc = {
        "phiguard": __version__,
        "action": action,
        "sha256": decision.checked.sha256,
        "note": decision.note or None,
        "file": file_dict(decision.checked.report),
    }
    return (json.dumps(doc, indent=2) + "\n").encode("utf-8")


def _settled(decision: Decision, src: Path, shown: str) -> Decision:
    """Name the report after the inbox file, and fail closed if the bytes changed after
    they were checked (a writer that kept its handle open)."""
    rep = replace(decision.checked.report, path=shown)
    try:
        same = sha256(src.read_bytes()) == decision.checked.sha256
    except OSError:
        same = False
    if not same:
        rep = replace(rep, verdict="error", error="file changed while it was being checked")
        return Decision(replace(decision.checked, report=rep), None, decision.note)
    return replace(decision, checked=replace(decision.checked, report=rep))


OnDecision = Callable[[Decision, str], None]


def process(job: Path, dirs: Dirs, checker: Checker, redact: bool, on: OnDecision) -> None:
    """Take one job folder from wherever a previous run stopped to its end."""
    if (job / "plan.json").exists():
        execute(job, dirs)  # replay: the decision was already recorded
        return
    inputs = sorted((job / "in").iterdir()) if (job / "in").is_dir() else []
    if not inputs:
        shutil.rmtree(job)  # stopped between mkdir and claim
        return
    reset(job)
    src = inputs[0]
    decision = checker(src, job / "redacted" if redact else None)
    decision = _settled(decision, src, str(dirs.inbox / src.name))
    rep = decision.checked.report
    plan = plan_for(src.name, rep.verdict, decision.redacted is not None)
    if rep.verdict != "clean":
        write_atomic(job / "report.json", _report_json(decision, plan["action"]))
    on(decision, plan["action"])
    write_atomic(job / "plan.json", json.dumps(plan).encode())
    execute(job, dirs)


@contextlib.contextmanager
def single_watcher(dirs: Dirs) -> Any:
    """One watcher per inbox: a second one would replay the first one's live jobs."""
    import fcntl

    with open(dirs.work / "lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ValueError(f"another phiguard watch is already running on {dirs.inbox}") from exc
        yield


def run(
    dirs: Dirs,
    checker: Checker,
    on: OnDecision,
    *,
    redact: bool = False,
    interval: float = 1.0,
    settle: float = 2.0,
    once: bool = False,
) -> None:
    """Recover unfinished jobs, then handle files as they settle; `once`: until empty."""
    check_dirs(dirs)
    with single_watcher(dirs):
        for job in sorted(p for p in dirs.work.iterdir() if p.is_dir()):
            process(job, dirs, checker, redact, on)
        stable = Settle(settle)
        while True:
            files = pending(dirs.inbox)
            for path in stable.ready(files, time.monotonic()):
                claimed = claim(dirs, path)
                if claimed is not None:
                    process(claimed, dirs, checker, redact, on)
            if once and not files:
                return
            time.sleep(interval)


def make_checker(engine: Engine, config: Config) -> Checker:
    """check_file, and with a redact-to path a re-checked redacted copy of PHI files."""
    from phiguard.check import check_file, redacted_copy

    def check(path: Path, redact_to: Path | None) -> Decision:
        c = check_file(str(path), engine, config)
        if redact_to is None or c.report.verdict != "phi":
            return Decision(c)
        why = redacted_copy(str(path), c, redact_to, engine, config)
        return Decision(c, None if why else redact_to, why)

    return check


def announcer(audit_log: str | None, echo: Callable[[str], None] = print) -> OnDecision:
    """Print one line per decision and append it to the audit log."""
    from phiguard import audit
    from phiguard.report import summary

    def on(decision: Decision, action: str) -> None:
        rep = decision.checked.report
        by_type = summary([rep])["by_type"]
        what = ", ".join(f"{n} {t}" for t, n in by_type.items()) or rep.error or ""
        line = f"{action:<12} {Path(rep.path).name}" + (f": {what}" if what else "")
        echo(line + (f" ({decision.note})" if decision.note else ""))
        if audit_log:
            audit.record_checked(audit_log, decision.checked, command="watch", action=action)

    return on
