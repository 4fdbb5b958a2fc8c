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

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WORK = ".phiguard-work"
REPORT_SUFFIX = ".phiguard.json"


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


def reset(job: Path) -> None:
    """Drop whatever a run that stopped before its plan left behind, except the input."""
    for p in job.iterdir():
        if p.name != "in":
            _unlink(p) if not p.is_dir() else shutil.rmtree(p)
