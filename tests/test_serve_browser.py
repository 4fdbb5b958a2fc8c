"""The review page end to end in a real browser: Debian's chromium driven by Playwright,
against a real server with real Tesseract, Presidio and spaCy. Synthetic values only.

Set PHIGUARD_SCREENSHOT=docs/serve.png to also save the screenshot used in the README.
"""

from __future__ import annotations

import base64
import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

from phiguard.config import Config
from phiguard.scan import scan_image
from phiguard.server import Limits, create_app
from tests.serve_support import running
from tests.support import engine, render_lines

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHART = [
    "4 WEST  -  BED 12",
    "GARCIA, MARIA J  MRN: 00482913  DOB: 03/14/1951",
    "Attending: Dr. Alan Whitfield",
    "Fall risk: low     Diet: regular",
    "Next vitals due 14:00     Family visiting today",
]
MRN_AREA = [270, 90, 230, 50]  # "MRN: 00482913" on the second chart line
CAPTION = "So proud of Mr. Robert Okafor, who rang the bell today!"

DROP = """async ({b64, name}) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const dt = new DataTransfer();
  dt.items.add(new File([bytes], name, { type: "image/jpeg" }));
  const zone = document.querySelector("#drop");
  zone.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
}"""


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with running(create_app(Config(), engine())) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def photo() -> bytes:
    """A chart photo as a phone would send it: JPEG with EXIF that must not survive."""
    exif = Image.Exif()
    exif[0x010F] = "SyntheticCam"
    exif[0x0132] = "2026:11:21 09:30:00"
    out = io.BytesIO()
    render_lines(CHART, angle=0, width=1100).save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def rect_boxes(page: Page, selector: str) -> list[dict[str, Any]]:
    return page.eval_on_selector_all(
        selector,
        """els => els.map(r => ({key: r.dataset.key, off: r.classList.contains("off"),
            box: ["x", "y", "width", "height"].map(k => Math.round(+r.getAttribute(k)))}))""",
    )


def drag(page: Page, box: list[int]) -> list[int]:
    """Drag across the photo over `box` (image pixels); return the box the page drew."""
    view = page.locator(".card .overlay").bounding_box()
    assert view is not None
    width = page.evaluate("document.querySelector('.card img').naturalWidth")
    k = view["width"] / width
    x, y, w, h = box
    page.mouse.move(view["x"] + x * k, view["y"] + y * k)
    page.mouse.down()
    page.mouse.move(view["x"] + (x + w) * k, view["y"] + (y + h) * k, steps=6)
    page.mouse.up()
    (manual,) = rect_boxes(page, '.overlay rect[data-type="MANUAL"]')
    return list(manual["box"])


def gray(img: Image.Image, box: list[int]) -> np.ndarray:
    x, y, w, h = box
    return np.asarray(img.convert("L").crop((x, y, x + w, y + h)), dtype=int)


def test_drop_review_toggle_and_download(
    url: str, browser: Browser, photo: bytes, tmp_path: Any
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(url + "/")
    page.evaluate(DROP, {"b64": base64.b64encode(photo).decode(), "name": "ward-photo.jpg"})
    page.fill("#caption", CAPTION)
    page.wait_for_selector(".card[data-status=done] .overlay rect", timeout=60_000)
    page.wait_for_selector("#caption-result mark")
    assert page.inner_text("#caption-result mark") == "Robert Okafor"

    # Values start ticked (blurred); the whole chart screen is outlined for the user only.
    boxes = rect_boxes(page, ".overlay rect:not(.area)")
    assert len(boxes) >= 2 and not any(b["off"] for b in boxes)
    assert rect_boxes(page, '.overlay rect.area[data-type="CHART_SCREEN"]')
    assert "Look at 1 patient chart or list" in page.inner_text(".card .verdict")
    assert "patient name" in page.inner_text(".card .verdict")
    assert "Patient name" in page.inner_text("#legend")
    # Keep the attending's name visible (masked as "A*** W********" in the list).
    rows = page.eval_on_selector_all(
        ".findings li", "els => els.map(li => [li.dataset.key, li.innerText])"
    )
    (keep_key,) = [key for key, text in rows if "A*** W" in text]
    # One finding may carry a box per reading of it (the full page and its text block).
    keep, *_ = [b for b in boxes if b["key"] == keep_key]
    # Its boxes overlap; clicking the top one toggles the finding.
    page.locator(f'.overlay rect[data-key="{keep["key"]}"]').last.click()
    assert page.get_attribute(f'.findings li[data-key="{keep["key"]}"]', "class") == "off"
    assert "1 left visible by you" in page.inner_text(".card .verdict")
    hidden = [b["box"] for b in boxes if b["key"] != keep["key"]]
    drawn = drag(page, MRN_AREA)
    assert "plus 1 area you marked" in page.inner_text(".card .verdict")
    hidden.append(drawn)

    photo_src = page.get_attribute(".card img", "src")
    page.click(".card .preview")  # the safe copy in place of the photo, boxes hidden
    page.wait_for_selector(".card.previewing")
    assert page.get_attribute(".card img", "src") != photo_src
    page.click(".card .preview")
    assert page.get_attribute(".card img", "src") == photo_src
    assert "previewing" not in (page.get_attribute(".card", "class") or "")

    if os.environ.get("PHIGUARD_SCREENSHOT"):
        page.screenshot(path=os.environ["PHIGUARD_SCREENSHOT"], full_page=True)

    with page.expect_download() as dl:
        page.click(".card .download")
    assert dl.value.suggested_filename == "ward-photo-safe.jpg"
    data = Path(dl.value.path()).read_bytes()
    out, before = Image.open(io.BytesIO(data)), Image.open(io.BytesIO(photo))
    assert out.format == "JPEG" and out.size == before.size
    assert not out.getexif() and "exif" not in out.info and b"SyntheticCam" not in data
    for box in hidden:  # blurred: the strokes are gone
        assert np.abs(gray(out, box) - gray(before, box)).mean() > 15, box
    # Left visible: only JPEG re-encoding noise.
    assert np.abs(gray(out, keep["box"]) - gray(before, keep["box"])).mean() < 3

    names = {f.text for f in scan_image(out.convert("RGB"), engine(), Config()).findings}
    assert not any("GARCIA" in n.upper() for n in names), names
    assert any("Whitfield" in n for n in names), names

    with page.expect_download() as dl_all:
        page.click("#download-all")
    with zipfile.ZipFile(dl_all.value.path()) as z:
        assert z.testzip() is None and z.namelist() == ["ward-photo-safe.jpg"]
    assert not errors, errors
    page.close()


def test_unsupported_and_oversized_files_get_plain_messages(url: str, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(url + "/")
    page.set_input_files(
        "#picker",
        files=[
            {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 fake"},
            {"name": "broken.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff\xe0 cut"},
        ],
    )
    # Built inside the page: pushing 26 MB through the driver would take seconds.
    page.evaluate(
        """size => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(size)], "huge.jpg", { type: "image/jpeg" }));
      document.querySelector("#drop").dispatchEvent(
        new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    }""",
        Limits().max_bytes + 1024 * 1024,
    )
    # (Locator waits: wait_for_function would need eval, which the page's CSP forbids.)
    page.locator(".card[data-status=error]").nth(2).wait_for()
    # Paste from the clipboard: a clean sign is checked like a dropped photo.
    sign = io.BytesIO()
    render_lines(["Hand hygiene saves lives"], angle=0, width=700).save(sign, "PNG")
    page.evaluate(
        """b64 => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], "image.png", { type: "image/png" }));
      document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true }));
    }""",
        base64.b64encode(sign.getvalue()).decode(),
    )
    page.wait_for_selector(".card[data-status=done]")
    assert "Nothing found" in page.inner_text(".card[data-status=done] .verdict")
    texts = page.locator(".card[data-status=error] .verdict").all_inner_texts()
    assert "not a photo" in texts[0] and "Do not post" in texts[0]
    assert "not a photo phiguard can read" in texts[1]
    assert "the limit is 25 MB" in texts[2]
    assert page.is_disabled(".card[data-status=error] .download")
    assert "3 could not be checked" in page.inner_text("#overall")
    page.close()
