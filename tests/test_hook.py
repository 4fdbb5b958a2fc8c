"""pre-commit, baseline, waivers, audit log and SARIF through real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from phiguard.config import Config
from phiguard.scan import scan_text
from phiguard.waivers import apply
from tests.support import engine, render_lines, run_cli

ROOT = Path(__file__).resolve().parents[1]
PHIGUARD_BIN = Path(sys.executable).parent / "phiguard"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
PATIENT = "So proud of Mr. Robert Okafor in bed 12 who rang the bell today!"
CLEAN = "Flu shots in the main lobby, 9 AM to 3 PM."
CHART = ["GARCIA, MARIA J     MRN: 00482913     DOB: 03/14/1951"]
PLANTED = ("Okafor", "Robert", "GARCIA", "Garcia", "00482913", "03/14/1951")


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
    }
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=300
    )


def test_shipped_manifest_is_valid() -> None:
    res = subprocess.run(
        [str(PRE_COMMIT), "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert "id: phiguard" in (ROOT / ".pre-commit-hooks.yaml").read_text()


def test_pre_commit_blocks_phi_and_lets_clean_through(tmp_path: Path) -> None:
    repo = tmp_path / "site"
    repo.mkdir()
    git(repo, "init", "-q")
    # language: system with this venv's phiguard, so the test does not pip-install spaCy.
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n  - id: phiguard\n    name: phiguard\n"
        f"    entry: {PHIGUARD_BIN} hook\n    language: system\n"
        "    types_or: [image, text]\n    require_serial: true\n"
    )
    (repo / ".gitignore").write_text("")
    git(repo, "add", ".")
    assert git(repo, "commit", "-qm", "config").returncode == 0
    inst = subprocess.run(
        [str(PRE_COMMIT), "install"], cwd=repo, capture_output=True, text=True, check=False
    )
    assert inst.returncode == 0, inst.stderr

    render_lines(CHART).save(repo / "ward.png")
    (repo / "caption.md").write_text(PATIENT + "\n")
    git(repo, "add", "ward.png", "caption.md")
    blocked = git(repo, "commit", "-m", "post")
    out = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, out
    assert "ward.png" in out and "caption.md:1:17: PERSON" in out
    assert not any(v in out for v in PLANTED), out
    assert git(repo, "log", "--oneline").stdout.count("\n") == 1

    git(repo, "rm", "-q", "--cached", "ward.png", "caption.md")
    (repo / "flu.md").write_text(CLEAN + "\n")
    git(repo, "add", "flu.md")
    ok = git(repo, "commit", "-m", "flu clinic")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "flu clinic" in git(repo, "log", "--oneline").stdout


def test_baseline_round_trip_flags_only_new_findings(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "old.md").write_text(PATIENT + "\n")
    render_lines(CHART).save(posts / "chart.png")
    (posts / "flu.md").write_text(CLEAN + "\n")
    bl = tmp_path / "baseline.json"
    made = run_cli("baseline", "create", str(posts), "-o", str(bl))
    assert made.returncode == 0, made.stderr
    text = bl.read_text()
    assert not any(v in text for v in PLANTED), text
    doc = json.loads(text)
    kinds = {Path(f["path"]).name: f["findings"] for f in doc["files"]}
    assert set(kinds) == {"old.md", "chart.png"}
    assert all("box" in f for f in kinds["chart.png"]) and all("span" in f for f in kinds["old.md"])

    (posts / "new.md").write_text("Happy 90th birthday to Mrs. Ellen Marsh, MRN 55102948!\n")
    files = [str(p) for p in sorted(posts.iterdir())]
    res = run_cli("hook", "--baseline", str(bl), "--audit-log", str(tmp_path / "a.jsonl"), *files)
    assert res.returncode == 1, res.stdout + res.stderr
    flagged = {line.split(":")[0] for line in res.stdout.splitlines() if "posts" in line}
    assert flagged == {str(posts / "new.md")}, res.stdout
    assert "waived" in res.stdout

    audit = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    by_name = {Path(a["path"]).name: a for a in audit}
    assert by_name["old.md"]["verdict"] == "clean" and by_name["old.md"]["waived"] == {
        "baseline": 1
    }
    assert by_name["new.md"]["verdict"] == "phi" and by_name["new.md"]["sha256"]
    assert not any(v in (tmp_path / "a.jsonl").read_text() for v in (*PLANTED, "Marsh"))

    (posts / "old.md").write_text(PATIENT + " Edited.\n")  # new bytes: reviewed again
    again = run_cli("hook", "--baseline", str(bl), str(posts / "old.md"))
    assert again.returncode == 1


def test_pragma_waives_only_its_own_line_of_a_text_file() -> None:
    text = f"{PATIENT}  <!-- phiguard: allow -->\nAnd thanks to Mrs. Ellen Marsh\n"
    rep = scan_text(text, engine(), Config(), "post.md")
    kept, waived = apply(rep, "0" * 64, text, None)
    assert [w.finding.text for w in waived] == ["Robert Okafor"]
    assert [f.text for f in kept.findings] == ["Ellen Marsh"] and kept.verdict == "phi"
    image_rep = rep.__class__(**{**rep.__dict__, "kind": "image"})
    assert apply(image_rep, "0" * 64, text, None)[1] == ()  # never for photos


def test_bad_baseline_is_refused(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text('{"version": 1, "files": [{"path": "x"}]}')
    (tmp_path / "c.md").write_text(CLEAN)
    res = run_cli("hook", "--baseline", str(tmp_path / "b.json"), str(tmp_path / "c.md"))
    assert res.returncode == 2 and "cannot use baseline" in res.stderr


@pytest.mark.slow
def test_sarif_regions_boxes_and_unchecked_files(tmp_path: Path) -> None:
    (tmp_path / "post.md").write_text("Line one\n" + PATIENT + "\n")
    render_lines(CHART).save(tmp_path / "chart.png")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    res = run_cli("scan", "--format", "sarif", str(tmp_path))
    assert res.returncode == 2, res.stderr
    assert not any(v in res.stdout for v in PLANTED)
    doc = json.loads(res.stdout)
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert {"PERSON", "MRN", "UNCHECKED"} <= set(rules)
    by_file: dict[str, list[dict]] = {}
    for r in run["results"]:
        assert rules[r["ruleIndex"]] == r["ruleId"]
        loc = r["locations"][0]["physicalLocation"]
        by_file.setdefault(Path(loc["artifactLocation"]["uri"]).name, []).append(r)
    (person,) = by_file["post.md"]
    region = person["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (2, 17, 30)
    assert "R***** O*****" in person["message"]["text"]
    assert all(len(r["properties"]["bbox"]) == 4 for r in by_file["chart.png"])
    assert [r["ruleId"] for r in by_file["broken.jpg"]] == ["UNCHECKED"]
