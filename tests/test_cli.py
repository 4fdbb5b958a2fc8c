"""The command line through a real subprocess: exit codes, contract, masking, redact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from tests.support import render_lines, run_cli

PATIENT = "So proud of Mr. Robert Okafor in bed 12 who rang the bell today! DOB 04/22/1958"
CLEAN = "Flu shots in the main lobby, 9 AM to 3 PM. Thank you to all our volunteers!"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("posts")
    (d / "patient.txt").write_text(PATIENT)
    (d / "clean.txt").write_text(CLEAN)
    (d / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    render_lines(["Wash your hands", "Visitors check in at the front desk"]).save(d / "sign.png")
    return d


def test_help_teaches_with_examples() -> None:
    out = run_cli("scan", "--help").stdout
    assert "Example" in out and "Exit code" in out


def test_clean_caption_exits_0(tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_text(CLEAN)
    res = run_cli("scan", str(tmp_path / "c.txt"))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "clean" in res.stdout


def test_patient_caption_from_stdin_exits_1_and_is_masked() -> None:
    res = run_cli("scan", "-", stdin=PATIENT)
    assert res.returncode == 1
    assert "PERSON" in res.stdout and "Okafor" not in res.stdout and "O*****" in res.stdout
    shown = run_cli("scan", "-", "--show-matches", stdin=PATIENT)
    assert "Okafor" in shown.stdout


def test_folder_with_corrupt_file_exits_2_and_reports_the_rest(folder: Path) -> None:
    res = run_cli("scan", str(folder), "--format", "json")
    assert res.returncode == 2, res.stderr
    doc = json.loads(res.stdout)
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert set(by_name) == {"patient.txt", "clean.txt", "broken.jpg", "sign.png"}
    assert by_name["broken.jpg"]["verdict"] == "error" and by_name["broken.jpg"]["error"]
    assert by_name["patient.txt"]["verdict"] == "phi"
    assert by_name["clean.txt"]["verdict"] == "clean"
    assert by_name["sign.png"]["verdict"] == "clean"
    assert doc["summary"]["error"] == 1 and doc["summary"]["exit_code"] == 2
    assert "Okafor" not in res.stdout


def test_json_contract(folder: Path) -> None:
    doc = json.loads(run_cli("scan", str(folder / "patient.txt"), "--format", "json").stdout)
    (f,) = doc["files"]
    assert set(f) >= {"path", "kind", "verdict", "findings", "error"}
    assert f["kind"] == "text"
    finding = f["findings"][0]
    assert set(finding) >= {"entity_type", "score", "text", "start", "end", "bbox", "source"}
    assert isinstance(finding["start"], int) and finding["bbox"] is None


def test_redact_writes_copies_and_never_overwrites_input(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = run_cli("redact", str(folder / "patient.txt"), str(folder / "sign.png"), "-o", str(out))
    assert res.returncode == 1, res.stderr
    text = (out / "patient.txt").read_text()
    assert "Okafor" not in text and "[PERSON]" in text
    assert Image.open(out / "sign.png").size == Image.open(folder / "sign.png").size
    same = run_cli("redact", str(folder / "patient.txt"), "-o", str(folder))
    assert same.returncode == 2 and "overwrite" in same.stdout
    assert (folder / "patient.txt").read_text() == PATIENT


def test_missing_path_is_a_usage_error() -> None:
    res = run_cli("scan")
    assert res.returncode == 2 and "Missing argument" in res.stderr
