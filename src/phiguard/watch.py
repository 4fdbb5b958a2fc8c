"""Watched folder: each new file in INBOX goes to APPROVED if clean, else to QUARANTINE.

Crash safety comes from a journal kept in INBOX/.phiguard-work/, one folder per file:

1. claim: the file is renamed into its job folder, so the bytes that are checked are
   the bytes that are moved (a later copy with the same name is a new file);
2. check it (and with --redact write a redacted copy and check that copy again);
3. write the JSON report, then plan.json, the list of moves;
4. carry out the plan: each group of moves hard-links every member into place under
   one free name, then unlinks the sources. A link never overwrites, and a link
   already in place is recognised by inode, so replaying a half-done plan neither
   loses nor duplicates a file;
5. remove the job folder.

A watcher killed at any point replays step 4 from plan.json on restart, or, with no
plan yet, checks the claimed file again. Hard links need the three folders on one
file system, which is checked at start.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from phiguard.check import Checked, sha256

WORK = ".phiguard-work"
REPORT_SUFFIX = ".phiguard.json"
# Names that browsers, sync clients and editors use while a file is still arriving.
PARTIAL = (".part", ".partial", ".crdownload", ".download", ".tmp", ".swp", "~")


@dataclass(frozen=True)
class Dirs:
    inbox: Path
    approved: Path
    quarantine: Path

    @property
    def work(self) -> Path:
        return self.inbox / WORK

    def by_name(self, name: str) -> Path:
        return {"approved": self.approved, "quarantine": self.quarantine}[name]


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


# Thin wrappers over the file-system steps, so tests can stop the run between any two.
def _link(src: Path, dst: Path) -> None:
    os.link(src, dst)


def _unlink(p: Path) -> None:
    p.unlink(missing_ok=True)


def _rename(src: Path, dst: Path) -> None:
    os.rename(src, dst)


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    _rename(tmp, path)


def claim(dirs: Dirs, path: Path) -> Path | None:
    """Move the file into a new job folder; None if its owner took it away first."""
    job = dirs.work / f"{time.time_ns()}-{os.getpid()}"
    (job / "in").mkdir(parents=True)
    try:
        _rename(path, job / "in" / path.name)
    except FileNotFoundError:
        shutil.rmtree(job)
        return None
    return job


def variant(name: str, k: int) -> str:
    """photo.jpg, photo (1).jpg, photo (2).jpg ..."""
    if k == 0:
        return name
    p = Path(name)
    return f"{p.stem} ({k}){p.suffix}"


def _free_k(members: list[tuple[Path, Path, str]], base: str) -> int:
    k = 0
    while any((d / (variant(base, k) + sfx)).exists() for _, d, sfx in members):
        k += 1
    return k


def place_group(job: Path, gi: int, group: dict[str, Any], dirs: Dirs) -> None:
    """Link every member of a group into place under one name, then drop the sources."""
    members = [(job / src, dirs.by_name(d), sfx) for src, d, sfx in group["members"]]
    if not all(src.exists() for src, _, _ in members):
        # Sources are only unlinked once all members were linked: finish that phase.
        for src, _, _ in members:
            _unlink(src)
        return
    kfile = job / f"name-{gi}"
    while True:
        if not kfile.exists():
            write_atomic(kfile, str(_free_k(members, group["base"])).encode())
        name = variant(group["base"], int(kfile.read_text()))
        if _link_all(members, name):
            break
        _unlink(kfile)  # another program took the name meanwhile: choose again
    for d in {d for _, d, _ in members}:
        _fsync_dir(d)
    for src, _, _ in members:
        _unlink(src)


def _link_all(members: list[tuple[Path, Path, str]], name: str) -> bool:
    done: list[Path] = []
    for src, d, sfx in members:
        dst = d / (name + sfx)
        try:
            _link(src, dst)
        except FileExistsError:
            if os.path.samefile(src, dst):
                continue  # linked before a restart
            for p in done:
                _unlink(p)
            return False
        done.append(dst)
    return True


def _fsync_dir(d: Path) -> None:
    fd = os.open(d, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def plan_for(name: str, verdict: str, redacted: bool) -> dict[str, Any]:
    quarantine = {
        "base": name,
        "members": [["report.json", "quarantine", REPORT_SUFFIX], [f"in/{name}", "quarantine", ""]],
    }
    if verdict == "clean":
        return {
            "action": "approved",
            "groups": [{"base": name, "members": [[f"in/{name}", "approved", ""]]}],
        }
    if redacted:
        approve = {"base": name, "members": [["redacted", "approved", ""]]}
        return {"action": "redacted", "groups": [approve, quarantine]}
    return {"action": "quarantined", "groups": [quarantine]}


def execute(job: Path, dirs: Dirs) -> dict[str, Any]:
    plan: dict[str, Any] = json.loads((job / "plan.json").read_text(encoding="utf-8"))
    for gi, group in enumerate(plan["groups"]):
        place_group(job, gi, group, dirs)
    shutil.rmtree(job)
    return plan


def _reset(job: Path) -> None:
    """Drop whatever a run that stopped before its plan left behind, except the input."""
    for p in job.iterdir():
        if p.name != "in":
            _unlink(p) if not p.is_dir() else shutil.rmtree(p)


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
    _reset(job)
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
