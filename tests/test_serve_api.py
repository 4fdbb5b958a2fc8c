"""The HTTP API of `phiguard serve` against a real uvicorn server on loopback, with real
Tesseract, Presidio and spaCy behind it. Synthetic values only."""

from __future__ import annotations

import io
import json
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image

from phiguard.config import Config
from phiguard.server import STATIC, Limits, create_app, keep_temp_files_in_memory
from tests.serve_support import free_port, running
from tests.support import PHIGUARD, engine, render_lines, run_cli

CHART = ["GARCIA, MARIA J  MRN: 00482913  DOB: 03/14/1951", "Attending: Dr. Alan Whitfield"]
LIMITS = Limits(max_bytes=2 * 1024 * 1024, max_pixels=4_000_000)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with running(create_app(Config(), engine(), LIMITS)) as base:
        yield base


@pytest.fixture(scope="module")
def chart() -> bytes:
    out = io.BytesIO()
    render_lines(CHART, angle=0).save(out, format="PNG")
    return out.getvalue()


def post(url: str, path: str, data: bytes, name: str = "chart.png", **fields: str) -> Any:
    files = {"file": (name, data, "application/octet-stream")}
    return httpx.post(url + path, files=files, data=fields, timeout=120)


def person_boxes(report: dict[str, Any], word: str) -> list[list[int]]:
    """Boxes of PERSON findings with a masked word starting like `word` (masks keep it;
    a title such as "Dr." may come first)."""
    return [
        b
        for f in report["findings"]
        if f["entity_type"] == "PERSON" and word[:1] in {w[:1] for w in f["text"].split()}
        for b in f["boxes"]
    ]


def region(img: Image.Image, box: list[int]) -> np.ndarray:
    x, y, w, h = box
    return np.asarray(img.convert("L").crop((x, y, x + w, y + h)), dtype=int)


def test_scan_reports_like_the_cli_with_masked_matches_and_caption(url: str, chart: bytes) -> None:
    res = post(url, "/api/scan", chart, caption="Thank you Mr. Robert Okafor for the flowers!")
    assert res.status_code == 200, res.text
    doc = res.json()
    assert set(doc) >= {"path", "kind", "verdict", "findings", "error", "width", "height"}
    assert (doc["path"], doc["kind"], doc["verdict"]) == ("chart.png", "image", "phi")
    assert (doc["width"], doc["height"]) == Image.open(io.BytesIO(chart)).size
    assert person_boxes(doc, "GARCIA") and person_boxes(doc, "Alan")
    assert doc["caption"]["verdict"] == "phi"
    assert doc["caption"]["findings"][0]["entity_type"] == "PERSON"
    for secret in ("GARCIA", "MARIA", "Whitfield", "Okafor"):
        assert secret not in res.text  # masked, as in `phiguard scan --format json`


def test_caption_endpoint_gives_offsets(url: str) -> None:
    text = "Congratulations to Maria Garcia on her discharge!"
    doc = httpx.post(url + "/api/text", data={"text": text}).json()
    (f,) = doc["findings"]
    assert text[f["start"] : f["end"]] == "Maria Garcia" and "Garcia" not in json.dumps(doc)


def test_clean_sign_is_clean(url: str) -> None:
    out = io.BytesIO()
    render_lines(["Hand hygiene saves lives", "Visiting hours 9 AM to 3 PM"]).save(out, "PNG")
    assert post(url, "/api/scan", out.getvalue()).json()["verdict"] == "clean"


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (255, 255, 255)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "status", "message"),
    [
        (b"", "empty.jpg", 422, "empty"),
        (b"Patient list: nobody\n", "notes.txt", 415, "not a photo"),
        (bytes(range(256)) * 40, "blob.bin", 415, "not a photo"),
        (_png((600, 400))[:300], "cut.png", 422, "cannot be read"),
        (_png((2100, 2000)), "huge.png", 413, "pixels"),
        (b"\xff" * (3 * 1024 * 1024), "big.jpg", 413, "too large"),
    ],
)
def test_bad_uploads_get_a_4xx_with_a_message(
    url: str, data: bytes, name: str, status: int, message: str
) -> None:
    for path in ("/api/scan", "/api/redact"):
        res = post(url, path, data, name)
        assert res.status_code == status, res.text
        assert message in res.json()["detail"]


def test_missing_field_bad_style_and_bad_boxes_are_422(url: str, chart: bytes) -> None:
    assert httpx.post(url + "/api/scan", data={"caption": "x"}).status_code == 422
    assert post(url, "/api/redact", chart, style="smudge").status_code == 422
    res = post(url, "/api/redact", chart, boxes='{"include": [[1, 2]]}')
    assert res.status_code == 422 and "[x, y, w, h]" in res.json()["detail"]


def test_redact_hides_found_and_drawn_boxes_and_keeps_excluded(url: str, chart: bytes) -> None:
    doc = post(url, "/api/scan", chart).json()
    garcia, whitfield = person_boxes(doc, "GARCIA")[0], person_boxes(doc, "Alan")[0]
    drawn = [900, 120, 120, 40]
    boxes = json.dumps({"exclude": [whitfield], "include": [drawn]})
    res = post(url, "/api/redact", chart, style="box", boxes=boxes)
    assert res.status_code == 200, res.text
    assert res.headers["content-type"] == "image/png"
    assert "chart-safe.png" in res.headers["content-disposition"]
    before, after = Image.open(io.BytesIO(chart)), Image.open(io.BytesIO(res.content))
    assert after.size == before.size
    assert (region(after, garcia) < 10).all()  # black box over the name
    assert (region(after, drawn) < 10).all()  # and over the area drawn by hand
    assert (region(after, whitfield) == region(before, whitfield)).all()  # left as it was


def test_redact_keeps_jpeg_orientation_and_strips_all_metadata(url: str) -> None:
    upright = render_lines(CHART, angle=0)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was held sideways
    exif[0x010F] = "SyntheticCam"  # Make
    exif[0x9286] = "bed 12, GARCIA"  # UserComment-like free text that must not survive
    raw = io.BytesIO()
    upright.transpose(Image.Transpose.ROTATE_90).save(raw, "JPEG", quality=92, exif=exif)
    res = post(url, "/api/redact", raw.getvalue(), "IMG_0042.JPG")
    assert res.status_code == 200 and res.headers["content-type"] == "image/jpeg"
    assert int(res.headers["x-phiguard-findings"]) >= 2
    out = Image.open(io.BytesIO(res.content))
    assert out.format == "JPEG" and out.size == upright.size
    assert not out.getexif() and not {"exif", "icc_profile", "xmp"} & set(out.info)
    assert b"GARCIA" not in res.content and b"SyntheticCam" not in res.content


def test_page_api_docs_and_privacy_headers(url: str) -> None:
    page = httpx.get(url + "/")
    assert page.status_code == 200 and "Drop photos here" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    spec = httpx.get(url + "/openapi.json").json()
    assert {"/api/scan", "/api/redact", "/api/text"} <= set(spec["paths"])
    assert httpx.get(url + "/docs").status_code == 404  # Swagger UI would load a CDN
    info = httpx.get(url + "/api/info").json()
    assert info["max_bytes"] == LIMITS.max_bytes and "blur" in info["styles"]


def test_page_loads_nothing_from_elsewhere() -> None:
    for f in STATIC.iterdir():
        text = f.read_text(encoding="utf-8")
        # The only URL is the SVG namespace, an identifier that is never fetched.
        urls = set(re.findall(r"\w+://[^\s\"'`)]+", text)) - {"http://www.w3.org/2000/svg"}
        assert not urls, (f.name, urls)
        assert "@import" not in text and "fonts." not in text


def test_foreign_host_header_is_refused(url: str) -> None:
    # A page on another site reaching this server through DNS rebinding sends its own Host.
    res = httpx.get(url + "/api/info", headers={"Host": "attacker.example"})
    assert res.status_code == 400


def test_serve_command_prints_the_url_and_answers() -> None:
    port = free_port()
    proc = subprocess.Popen(
        [*PHIGUARD, "serve", "--port", str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # printed once the models are loaded
        assert f"http://127.0.0.1:{port}/" in line, line
        for _ in range(100):
            try:
                info = httpx.get(f"http://127.0.0.1:{port}/api/info")
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert info.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_warns_when_listening_beyond_this_computer() -> None:
    # A model that does not exist stops the command before it binds any address.
    res = run_cli("serve", "--host", "0.0.0.0", "--model", "no_such_model")
    assert res.returncode != 0
    assert "warning: listening on 0.0.0.0" in res.stderr
    assert "Example" in run_cli("serve", "--help").stdout


def test_tesseract_temp_files_stay_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract.pytesseract as pt

    from phiguard import tessapi
    from phiguard.ocr import ocr_words

    seen: list[str] = []
    real = pt.NamedTemporaryFile

    def spy(*args: Any, **kwargs: Any) -> Any:
        f = real(*args, **kwargs)
        seen.append(f.name)
        return f

    monkeypatch.setattr(pt, "NamedTemporaryFile", spy)
    monkeypatch.setattr(tempfile, "tempdir", tempfile.tempdir)  # restored afterwards
    keep_temp_files_in_memory()
    ocr_words(render_lines(["Hand hygiene saves lives"]))
    if tessapi.available("eng"):
        assert seen == []  # Tesseract's C API reads the pixels from memory: no file at all
    else:
        assert seen and all(name.startswith("/dev/shm/") for name in seen), seen


def test_unreadable_image_is_an_error_never_clean_and_gets_no_copy(chart: bytes) -> None:
    # A Tesseract language that is not installed: OCR really fails.
    with running(create_app(Config(ocr_lang="zzz"), engine(), LIMITS)) as base:
        doc = post(base, "/api/scan", chart).json()
        assert doc["verdict"] == "error" and "tesseract" in doc["error"]
        res = post(base, "/api/redact", chart)
        assert res.status_code == 500 and "could not be checked" in res.json()["detail"]
        assert not res.headers["content-type"].startswith("image/")


def test_a_crash_is_a_500_that_quotes_nothing(
    chart: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    broken: Any = object()  # an engine without an analyzer: analysis raises
    with running(create_app(Config(), broken, LIMITS)) as base:
        res = httpx.post(base + "/api/text", data={"text": "Maria Garcia"})
    assert res.status_code == 500 and res.json() == {"detail": "internal error (AttributeError)"}
    assert "default-src" in res.headers["content-security-policy"]
    assert "Maria" not in caplog.text and "analyzer" not in caplog.text
    assert "internal error (AttributeError)" in caplog.text


def test_server_answers_while_ocr_runs(url: str) -> None:
    out = io.BytesIO()
    lines = [f"Visiting hours {i} AM to 3 PM, please wash your hands" for i in range(28)]
    render_lines(lines, width=1900, size=30).save(out, "PNG")  # 3.8 MP: 2-3 s of OCR
    done: dict[str, float] = {}

    def slow_scan() -> None:
        assert post(url, "/api/scan", out.getvalue(), "board.png").status_code == 200
        done["scan"] = time.monotonic()

    worker = threading.Thread(target=slow_scan)
    worker.start()
    time.sleep(0.5)  # the upload is in and Tesseract is working
    asked = time.monotonic()
    assert httpx.get(url + "/api/info").status_code == 200
    done["info"] = time.monotonic()
    assert done["info"] - asked < 0.5
    worker.join(timeout=120)
    assert done["info"] < done["scan"]
