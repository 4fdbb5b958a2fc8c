"""End to end with real Tesseract, Presidio and spaCy on generated photos."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from phiguard.config import Config
from phiguard.scan import scan_image
from tests.support import engine, render_lines, run_cli

CHART = [
    "GARCIA, MARIA J     MRN: 00482913     DOB: 03/14/1951",
    "Room 412B     Attending: Dr. Alan Whitfield",
    "Allergies: Penicillin     Home phone: (617) 555-2231",
]


def test_planted_mrn_and_name_are_found_on_a_photo() -> None:
    rep = scan_image(render_lines(CHART), engine(), Config(), "chart.png")
    types = {f.entity_type: f for f in rep.findings}
    assert rep.verdict == "phi"
    assert {"MRN", "PERSON", "DATE"} <= set(types)
    assert any("GARCIA" in f.text.upper() for f in rep.findings if f.entity_type == "PERSON")
    assert all(f.boxes for f in rep.findings)


def test_redact_blurs_the_planted_values(tmp_path: Path) -> None:
    src = tmp_path / "chart.jpg"
    render_lines(CHART, angle=0).save(src, quality=92)
    res = run_cli("redact", str(src), "-o", str(tmp_path / "out"))
    assert res.returncode == 1, res.stdout + res.stderr
    out = tmp_path / "out" / "chart.jpg"
    scan = json.loads(run_cli("scan", str(out), "--format", "json", "--show-matches").stdout)
    leftover = {f["text"] for f in scan["files"][0]["findings"]}
    assert not any("00482913" in t or "GARCIA" in t.upper() for t in leftover), leftover
    before, after = (np.asarray(Image.open(p).convert("L"), dtype=int) for p in (src, out))
    assert before.shape == after.shape and (abs(before - after) > 40).any()


def test_clean_sign_is_not_altered() -> None:
    rep = scan_image(
        render_lines(["Hand hygiene saves lives", "Visiting hours 9 AM to 3 PM"]),
        engine(),
        Config(),
        "sign.png",
    )
    assert rep.verdict == "clean", rep.findings
