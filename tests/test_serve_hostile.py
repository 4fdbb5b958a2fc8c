"""`phiguard serve` under hostile use, as a real process on loopback: 20 uploads at once
with no cross-talk, request and pixel limits (chunked bodies too), CORS closed, no
temporary file left behind, nothing of an upload in its logs. Synthetic values only."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from faker import Faker
from PIL import Image

from tests import hostile_support as hostile
from tests.serve_support import free_port
from tests.support import PHIGUARD, render_lines

UPLOADS = 20


@dataclass(frozen=True)
class Patient:
    first: str
    last: str
    mrn: str
    width: int
    pad: int

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    def chart(self) -> bytes:
        lines = [f"Patient: {self.last.upper()}, {self.first.upper()}", f"MRN: {self.mrn}"]
        buf = io.BytesIO()
        render_lines(lines, size=24, width=self.width, angle=0).save(buf, "PNG")
        return buf.getvalue()

    def caption(self) -> str:
        return "-" * self.pad + f" Get well soon, {self.name}!"


def patients() -> list[Patient]:
    """Faker names whose masked forms differ (masks keep each word's first letter)."""
    fake = Faker("en_US")
    fake.seed_instance(9)
    out: list[Patient] = []
    seen: set[tuple[str, str]] = set()
    while len(out) < UPLOADS:
        first, last = fake.first_name(), fake.last_name()
        if (first[0], last[0]) in seen or len(first) < 4 or len(last) < 4:
            continue
        seen.add((first[0], last[0]))
        i = len(out)
        out.append(Patient(first, last, f"{fake.random_number(8, fix_len=True)}", 700 + 20 * i, i))
    return out


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    tmp: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("serve") / "server.log"
    port = free_port()
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [*PHIGUARD, "serve", "--port", str(port), "--max-mb", "1"],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            httpx.get(url + "/api/info")
            break
        except httpx.ConnectError:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.05)
    (tmp,) = Path("/dev/shm").glob(f"phiguard-{proc.pid}-*")
    yield Server(url, proc, log, tmp)
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


def _scan(url: str, p: Patient) -> dict[str, Any]:
    files = {"file": (f"chart-{p.last}.png", p.chart(), "image/png")}
    res = httpx.post(url + "/api/scan", files=files, data={"caption": p.caption()}, timeout=300)
    assert res.status_code == 200, res.text
    return dict(res.json())


def test_twenty_uploads_at_once_get_only_their_own_results(server: Server) -> None:
    people = patients()
    with ThreadPoolExecutor(max_workers=UPLOADS) as pool:
        docs = list(pool.map(lambda p: _scan(server.url, p), people))
    for p, doc in zip(people, docs, strict=True):
        assert doc["path"] == f"chart-{p.last}.png" and doc["width"] == p.width
        assert doc["verdict"] == "phi"
        (cap,) = doc["caption"]["findings"]
        assert (cap["start"], cap["text"][0]) == (p.pad + len(" Get well soon, "), p.first[0])
        names = [f["text"] for f in doc["findings"] if f["entity_type"] == "PERSON"]
        assert names and all(n[0] == p.last[0] for n in names), (p, names)
        assert "MRN" in {f["entity_type"] for f in doc["findings"]}
    # Tesseract's input files went to the server's private RAM folder, and are gone.
    assert server.tmp.is_dir() and not list(server.tmp.iterdir())


def _chunked(total: int) -> Iterator[bytes]:
    boundary = b"--x\r\n"
    yield boundary + b'Content-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
    sent = 0
    while sent < total:
        yield b"\xff" * 65536
        sent += 65536
    yield b"\r\n--x--\r\n"


def test_limits_hold_for_bombs_and_chunked_bodies(server: Server) -> None:
    headers = {"content-type": "multipart/form-data; boundary=x"}
    res = httpx.post(server.url + "/api/scan", content=_chunked(3 * 2**20), headers=headers)
    assert res.status_code == 413 and "too large" in res.json()["detail"]
    for name, data in [
        ("bomb.png", hostile.png_bomb()),
        ("bomb.jpg", hostile.jpeg_bomb()),
        ("bomb.tif", hostile.tiff_bomb()),
    ]:
        t0 = time.monotonic()
        res = httpx.post(server.url + "/api/scan", files={"file": (name, data)})
        assert res.status_code == 413 and "pixels" in res.json()["detail"], res.text
        assert time.monotonic() - t0 < 1.0
    res = httpx.post(server.url + "/api/scan", files={"file": ("a.gif", hostile.gif_many_frames())})
    assert res.status_code == 422 and "too many frames" in res.json()["detail"]


def test_every_page_of_an_upload_is_checked(server: Server) -> None:
    blank = Image.new("RGB", (900, 200), "white")
    chart = render_lines(["Patient: OKAFOR, ROBERT", "MRN: 55120934"], angle=0).resize((900, 200))
    buf = io.BytesIO()
    blank.save(buf, "TIFF", save_all=True, append_images=[chart], compression="tiff_deflate")
    res = httpx.post(
        server.url + "/api/scan", files={"file": ("two.tif", buf.getvalue())}, timeout=120
    )
    doc = res.json()
    assert doc["verdict"] == "phi" and {f["frame"] for f in doc["findings"]} == {1}


def test_cors_is_closed_to_other_origins(server: Server) -> None:
    evil = {"Origin": "http://evil.example"}
    assert (
        "access-control-allow-origin"
        not in httpx.get(server.url + "/api/info", headers=evil).headers
    )
    pre = httpx.options(
        server.url + "/api/scan",
        headers={**evil, "Access-Control-Request-Method": "POST"},
    )
    assert pre.status_code >= 400 and "access-control-allow-origin" not in pre.headers
    res = httpx.post(server.url + "/api/text", data={"text": "hello"}, headers=evil)
    assert "access-control-allow-origin" not in res.headers
    assert res.status_code == 403  # a form another site posts is not even scanned


def test_the_page_itself_and_tools_without_an_origin_may_post(server: Server) -> None:
    own = {"Origin": server.url}
    assert httpx.post(server.url + "/api/text", data={"text": "hi"}, headers=own).is_success
    assert httpx.post(server.url + "/api/text", data={"text": "hi"}).is_success


def test_zz_logs_hold_nothing_of_the_uploads_and_temp_folder_goes(server: Server) -> None:
    """Runs last in this module: stops the server, then reads everything it printed."""
    server.proc.send_signal(signal.SIGINT)
    server.proc.wait(timeout=30)
    log = server.log.read_text(errors="replace")
    assert "phiguard is ready" in log
    for p in patients():
        for secret in (p.first, p.last, p.last.upper(), p.mrn, f"chart-{p.last}"):
            assert secret not in log, secret
    assert "OKAFOR" not in log and "55120934" not in log
    assert not server.tmp.exists()  # removed at exit
    assert not os.path.exists(server.tmp)
