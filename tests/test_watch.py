"""Watched folder: a crash between any two file-system steps, and a real SIGKILL."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from phiguard import journal, watch
from phiguard.config import Config
from tests.support import PHIGUARD, engine, render_lines

PATIENT = "So proud of Mr. Robert Okafor in bed 12 who rang the bell today!"
CLEAN = "Flu shots in the main lobby, 9 AM to 3 PM."
PLANTED = ("Okafor", "Robert", "GARCIA", "00482913")


class Crash(BaseException):
    """Stands for SIGKILL: nothing in the watcher catches it."""


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def files(d: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in d.iterdir() if p.is_file() and not p.name.startswith(".")}


def layout(tmp: Path) -> journal.Dirs:
    dirs = journal.Dirs(tmp / "inbox", tmp / "approved", tmp / "quarantine")
    for d in (dirs.inbox, dirs.approved, dirs.quarantine):
        d.mkdir(parents=True)
    (dirs.inbox / "clean.txt").write_text(CLEAN)
    (dirs.inbox / "phi.txt").write_text(PATIENT)
    (dirs.quarantine / "phi.txt").write_text("an older, unrelated file with the same name")
    return dirs


def run_once(dirs: journal.Dirs, log: Path) -> None:
    checker = watch.make_checker(engine(), Config())
    watch.run(
        dirs, checker, watch.announcer(str(log)), redact=True, interval=0, settle=0, once=True
    )


def test_crash_between_any_two_steps_loses_and_duplicates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ops = ("_link", "_unlink", "_rename")
    originals = {name: getattr(journal, name) for name in ops}
    crash_at = 0
    while True:
        dirs = layout(tmp_path / str(crash_at))
        before = files(dirs.inbox) | {"old": digest(dirs.quarantine / "phi.txt")}
        count = [0]

        def counted(name: str, count: list[int] = count, at: int = crash_at):  # type: ignore[no-untyped-def]
            def op(*args):  # type: ignore[no-untyped-def]
                if count[0] == at:
                    raise Crash(name)
                count[0] += 1
                return originals[name](*args)

            return op

        for name in ops:
            monkeypatch.setattr(journal, name, counted(name))
        try:
            run_once(dirs, tmp_path / "audit.jsonl")
            crashed = False
        except Crash:
            crashed = True
        for name in ops:
            monkeypatch.setattr(journal, name, originals[name])
        run_once(dirs, tmp_path / "audit.jsonl")  # the restart

        assert files(dirs.inbox) == {}, crash_at
        assert [p.name for p in dirs.work.iterdir()] == ["lock"], crash_at
        approved, held = files(dirs.approved), files(dirs.quarantine)
        assert set(approved) == {"clean.txt", "phi.txt"}, (crash_at, approved)
        assert approved["clean.txt"] == before["clean.txt"]
        assert "Okafor" not in (dirs.approved / "phi.txt").read_text()
        assert set(held) == {"phi.txt", "phi (1).txt", "phi (1).txt.phiguard.json"}, crash_at
        assert held["phi.txt"] == before["old"] and held["phi (1).txt"] == before["phi.txt"]
        if not crashed:
            break
        crash_at += 1
    assert crash_at > 10  # every step of claim, plan and both groups was interrupted once
    assert not any(v in (tmp_path / "audit.jsonl").read_text() for v in PLANTED)


def test_sigkill_mid_run_then_restart(tmp_path: Path) -> None:
    dirs = journal.Dirs(tmp_path / "inbox", tmp_path / "approved", tmp_path / "quarantine")
    for d in (dirs.inbox, dirs.approved, dirs.quarantine):
        d.mkdir()
    for i in range(3):
        render_lines([f"GARCIA, MARIA J   MRN: 0048291{i}"]).save(dirs.inbox / f"chart{i}.png")
        render_lines(["Wash your hands", f"Visiting hours {i + 8} AM"]).save(
            dirs.inbox / f"sign{i}.png"
        )
    for i in range(6):
        (dirs.inbox / f"post{i}.txt").write_text(PATIENT if i % 2 else CLEAN)
    before = files(dirs.inbox)
    args = [*PHIGUARD, "watch", str(dirs.inbox), "--approved", str(dirs.approved)]
    args += ["--quarantine", str(dirs.quarantine), "--settle", "0.1", "--interval", "0.05"]
    log = tmp_path / "audit.jsonl"
    proc = subprocess.Popen([*args, "--audit-log", str(log)], stdout=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while (
        time.monotonic() < deadline and len(files(dirs.approved)) + len(files(dirs.quarantine)) < 2
    ):
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    left = files(dirs.inbox)
    assert 0 < len(left) < len(before), "the kill should land in the middle of the run"

    again = subprocess.run([*args, "--once", "--audit-log", str(log)], capture_output=True,
                           text=True, timeout=300)  # fmt: skip
    assert again.returncode == 0, again.stderr
    approved, held = files(dirs.approved), files(dirs.quarantine)
    reports = {n for n in held if n.endswith(".phiguard.json")}
    originals = {n: h for n, h in held.items() if n not in reports}
    assert files(dirs.inbox) == {} and [p.name for p in dirs.work.iterdir()] == ["lock"]
    assert set(approved) | set(originals) == set(before)  # nothing lost
    assert not set(approved) & set(originals)  # nothing twice, no "name (1).png"
    assert all(before[n] == h for n, h in {**approved, **originals}.items())
    assert reports == {f"{n}.phiguard.json" for n in originals}
    assert set(originals) == {f"chart{i}.png" for i in range(3)} | {
        "post1.txt",
        "post3.txt",
        "post5.txt",
    }
    decisions = [json.loads(line) for line in log.read_text().splitlines()]
    assert {Path(d["path"]).name for d in decisions} == set(before)
    assert not any(v in log.read_text() for v in PLANTED)
