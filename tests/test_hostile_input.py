"""Bad, big and hostile files: each is an error with a plain message, never "clean", and
the scan goes on. One real `phiguard scan` run (as an unprivileged user where the tests
run as root, so a permission really is denied) covers a folder of every bad kind; its
time and peak memory are measured. Synthetic values only."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from phiguard import load
from phiguard.config import Config
from phiguard.scan import scan
from tests import hostile_support as hostile
from tests.support import PHIGUARD, engine

NAME, MRN = "Maria Garcia", "00482913"


def _jpeg(size: tuple[int, int] = (400, 300)) -> bytes:
    buf = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buf, "JPEG")
    return buf.getvalue()


def _files() -> dict[str, bytes]:
    """Name -> content of every regular file in the hostile folder."""
    return {
        "caption.txt": f"Congratulations to {NAME} on going home!".encode(),
        "sign.txt": b"Hand hygiene saves lives",
        "latin1.txt": f"Get well soon {NAME} \xe9\xe8 MRN {MRN}".encode("latin-1"),
        "truncated.jpg": _jpeg()[:3000],
        "empty.jpg": b"",
        "notes.jpg": b"Shift notes: nothing to report\n",
        "blob.dat": bytes(range(256)) * 8,
        "locked.jpg": _jpeg((64, 64)),
        "bomb.png": hostile.png_bomb(60000, 60000),
        "bomb-named.txt": hostile.png_bomb(60000, 60000),
        "bomb.jpg": hostile.jpeg_bomb(65000, 65000),
        "bomb.tif": hostile.tiff_bomb(100000, 100000),
        "many-frames.gif": hostile.gif_many_frames(5000, 16),
        "huge-page.pdf": hostile.pdf_page(14400, 14400),
        "many-pages.pdf": hostile.pdf_page(1000, 1000, pages=99),
    }


def _build(root: Path) -> None:
    for name, data in _files().items():
        (root / name).write_bytes(data)
    (root / "locked.jpg").chmod(0o000)
    os.mkfifo(root / "pipe.jpg")  # reading it would wait for a writer forever
    (root / "loop.jpg").symlink_to("loop.jpg")  # a link to itself
    (root / "gone.jpg").symlink_to("nowhere.jpg")
    with (root / "huge.jpg").open("wb") as f:  # 3 GB of nothing: sparse, costs no disk
        f.truncate(3 * 2**30)
    sub = root / "sub"
    sub.mkdir()
    (sub / "round").symlink_to("..")  # a folder loop
    (sub / "folder.jpg").mkdir()  # a folder with a photo's name is walked, not read
    (sub / "folder.jpg" / "inner.txt").write_text("Visiting hours 9 AM to 3 PM")


@dataclass(frozen=True)
class Run:
    doc: dict[str, Any]
    returncode: int
    wall: float
    max_rss_mb: float
    root: Path

    def entry(self, name: str) -> dict[str, Any]:
        (hit,) = [f for f in self.doc["files"] if f["path"] == str(self.root / name)]
        return hit


def _unprivileged() -> list[str]:
    """A command prefix under which a mode-000 file is really unreadable. Root reads
    anything through two capabilities; setpriv (util-linux) drops them for the child."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root without setpriv to drop the file-access capabilities")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("hostile")
    _build(root)
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [*_unprivileged(), *PHIGUARD, "scan", "--format", "json", "--no-progress", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    with proc.stdout, proc.stderr:  # type: ignore[union-attr]
        out_t = _reader(proc.stdout)
        err_t = _reader(proc.stderr)
        # wait4 on this child alone: its peak memory and that of any Tesseract it ran.
        _, status, rusage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - t0
        out, err = out_t(), err_t()
    assert out, err.decode()
    return Run(json.loads(out), proc.returncode, wall, rusage.ru_maxrss / 1024, root)


def _reader(stream: Any) -> Any:
    """Drain a pipe in a thread (so a full pipe cannot stall the child); call to join."""
    chunks: list[bytes] = []
    t = threading.Thread(target=lambda: chunks.append(stream.read()))
    t.start()

    def done() -> bytes:
        t.join(timeout=240)
        return b"".join(chunks)

    return done


def _error(run: Run, name: str, message: str) -> None:
    e = run.entry(name)
    assert e["verdict"] == "error" and message in e["error"], e


def test_the_scan_goes_on_and_exits_2(run: Run) -> None:
    assert run.returncode == 2
    assert run.entry("caption.txt")["verdict"] == "phi"
    assert run.entry("sign.txt")["verdict"] == "clean"
    assert run.entry("sub/folder.jpg/inner.txt")["verdict"] == "clean"
    assert run.doc["summary"]["exit_code"] == 2
    assert NAME not in json.dumps(run.doc) and MRN not in json.dumps(run.doc)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("truncated.jpg", "cannot decode JPEG image"),
        ("empty.jpg", "empty file"),
        ("notes.jpg", "not a readable image although named .jpg"),
        ("blob.dat", "unsupported format"),
        ("locked.jpg", "Permission denied"),
        ("pipe.jpg", "not a regular file: a named pipe"),
        ("loop.jpg", "Too many levels of symbolic links"),
        ("gone.jpg", "No such file or directory"),
        ("huge.jpg", "file too large to check: 3,221,225,472 bytes"),
    ],
)
def test_unreadable_file_is_a_named_error(run: Run, name: str, message: str) -> None:
    _error(run, name, message)


def test_invalid_utf8_is_scanned_with_a_note(run: Run) -> None:
    e = run.entry("latin1.txt")
    assert e["verdict"] == "phi" and "invalid UTF-8" in e["notes"][0]


def test_symlinked_folder_loop_is_walked_once(run: Run) -> None:
    paths = [f["path"] for f in run.doc["files"]]
    assert len(paths) == len(set(paths))
    assert not any("round" in p for p in paths)  # the loop back to the top adds nothing


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bomb.png", "image too large to check: 3,600,000,000 pixels"),
        ("bomb-named.txt", "image too large to check"),  # never read as text
        ("bomb.jpg", "image too large to check: 4,225,000,000 pixels"),
        ("bomb.tif", "image too large to check: 10,000,000,000 pixels"),
        ("many-frames.gif", "too many frames to check: more than 100"),
        ("huge-page.pdf", "PDF page 1 is 200x200 inches: too large to check"),
        ("many-pages.pdf", "PDF too large to check: 99 pages"),
    ],
)
def test_bomb_is_refused_before_decoding(run: Run, name: str, message: str) -> None:
    _error(run, name, message)
    assert run.entry(name)["seconds"] < 0.25


def test_whole_hostile_folder_in_bounded_time_and_memory(run: Run) -> None:
    # Start-up (models) is most of the wall time; the bad files themselves cost little.
    print(f"hostile folder: {run.wall:.1f} s wall, peak RSS {run.max_rss_mb:.0f} MB")
    assert run.max_rss_mb < 2048
    assert run.wall < 60


def test_file_that_vanishes_mid_scan_is_a_named_error(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text("Visiting hours 9 AM to 3 PM")
    # The folder is listed before a.txt is scanned; b.txt is deleted right after.
    reports = list(
        scan(
            [str(tmp_path)],
            engine(),
            Config(),
            on_file=lambda r: (tmp_path / "b.txt").unlink(missing_ok=True),
        )
    )
    verdicts = {Path(r.path).name: (r.verdict, r.error) for r in reports}
    assert verdicts["a.txt"][0] == verdicts["c.txt"][0] == "clean"
    assert verdicts["b.txt"][0] == "error" and "No such file" in (verdicts["b.txt"][1] or "")


def test_file_that_keeps_changing_while_read_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "growing.jpg"
    path.write_bytes(b"\xff" * (8 * 2**20))
    stop = threading.Event()

    def keep_writing() -> None:  # a copy that is still arriving
        with path.open("ab") as f:
            while not stop.is_set():
                f.write(b"\xff" * 4096)
                f.flush()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        with pytest.raises(load.LoadError, match="changed while it was being read"):
            for _ in range(20):  # each try reads twice; the writer never pauses that long
                load.read_bytes(str(path))
    finally:
        stop.set()
        writer.join()


def test_a_file_read_whole_is_returned_as_is(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(_jpeg())
    assert load.read_bytes(str(path)) == path.read_bytes()
