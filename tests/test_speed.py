"""Scanning many files: worker pools keep order, the result cache, jsonl streaming, the
Dask engine, and the Tesseract C API. Synthetic images only (Faker-free fixed strings
that are not real people)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest

from phiguard import cache as store
from phiguard import parallel
from phiguard.check import Checked, CheckJob, crashed, run_checks
from phiguard.config import Config, default_recognizers_dir
from phiguard.models import FileReport
from phiguard.parallel import run_files
from tests.support import PHIGUARD, engine, render_lines

LINES = [
    ["Patient: Verna Quillfeather", "MRN: 48291731", "DOB 03/14/1951"],
    ["Team lunch today", "Great work everyone"],
    ["Pt Orlando Brisbee", "Phone (617) 555-2231"],
    ["Unit 4 East huddle board", "Hand hygiene 98%"],
]


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    d = tmp_path_factory.mktemp("photos")
    out = []
    for i, lines in enumerate(LINES):
        p = d / f"p{i}.png"
        render_lines(lines, size=22, width=700).save(p)
        out.append(str(p))
    (d / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    return [*out, str(d / "broken.jpg")]


def _stable(c: Checked) -> FileReport:
    return replace(c.report, seconds=0.0)


@pytest.fixture(scope="module")
def serial(photos: list[str]) -> list[Checked]:
    return list(run_files(CheckJob(), photos, Config(), jobs=1, engine=engine()))


def test_jobs_2_gives_the_same_reports_in_the_same_order(
    photos: list[str], serial: list[Checked]
) -> None:
    pooled = list(run_checks(photos, Config(), jobs=2))
    assert [c.report.path for c in pooled] == photos
    assert [_stable(c) for c in pooled] == [_stable(c) for c in serial]
    assert [c.report.verdict for c in serial] == ["phi", "clean", "phi", "clean", "error"]


def _die(path: str, engine: object, config: Config) -> Checked:
    if path.endswith("p1.png"):
        os._exit(9)  # a worker killed mid-file (OOM killer, segfault)
    return Checked(FileReport(path=path, kind="image", verdict="clean"))


def _no_engine(config: Config) -> None:
    return None


def test_a_dead_worker_fails_closed_and_the_rest_goes_on(photos: list[str]) -> None:
    # A stub engine keeps the test about the pool, not spaCy (each new pool's spawned
    # workers would build one, about 10 s in all).
    got = list(run_files(_die, photos, Config(), jobs=2, on_crash=crashed, build=_no_engine))
    assert [c.report.path for c in got] == photos
    by_name = {Path(c.report.path).name: c.report for c in got}
    assert by_name["p1.png"].verdict == "error"
    assert "worker process died" in (by_name["p1.png"].error or "")
    # The files that were in flight with it were checked again, each on its own.
    assert all(r.verdict == "clean" for name, r in by_name.items() if name != "p1.png")


def test_cache_hit_needs_no_engine_and_no_worker(
    photos: list[str], serial: list[Checked], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = store.open_cache(Config(), tmp_path)
    first = list(run_files(CheckJob(cache=cache), photos, Config(), jobs=1, engine=engine()))
    assert not any(c.cached for c in first)

    def no_engine(config: Config) -> None:
        raise AssertionError("a cached folder must not build an engine")

    monkeypatch.setattr(parallel, "build_engine", no_engine)
    images = photos[:-1]
    t0 = time.perf_counter()
    again = list(run_checks(images, Config(), jobs=2, cache=cache))
    assert time.perf_counter() - t0 < 2.0
    assert all(c.cached for c in again)
    for hit, fresh in zip(again, serial, strict=False):
        assert hit.report.verdict == fresh.report.verdict
        assert [f.bbox for f in hit.report.findings] == [f.bbox for f in fresh.report.findings]
        assert store.CACHED_NOTE in hit.report.notes


def test_cache_holds_no_phi_and_no_errors(photos: list[str], tmp_path: Path) -> None:
    cache = store.open_cache(Config(), tmp_path)
    got = list(run_files(CheckJob(cache=cache), photos, Config(), jobs=1, engine=engine()))
    assert got[-1].report.verdict == "error"
    entries = list(tmp_path.rglob("*.json"))
    assert len(entries) == 4  # four photos; the broken one is never stored
    stored = " ".join(p.read_text() for p in entries)
    for secret in ("Quillfeather", "Brisbee", "48291731", "555-2231", "1951"):
        assert secret not in stored
    assert got[-1].sha256 and store.get(cache, got[-1].sha256, photos[-1]) is None
    # An error report offered to the cache is refused.
    assert not store.put(cache, "0" * 64, got[-1].report)


def test_changed_settings_or_recognizers_miss(tmp_path: Path) -> None:
    base = store.settings_key(Config())
    assert store.settings_key(Config()) == base
    assert store.settings_key(Config(default_threshold=0.4)) != base
    assert store.settings_key(Config(allow_list=frozenset({"Dr Example"}))) != base
    assert store.settings_key(Config(style="pixelate")) == base  # how copies blur: same finds
    assert store.settings_key(Config(ocr_engine="tesseract")) != base
    recs = tmp_path / "recognizers"
    shutil.copytree(default_recognizers_dir(), recs)
    assert store.settings_key(Config(recognizers_dir=recs)) == base
    first = sorted(recs.glob("*.yaml"))[0]
    first.write_text(first.read_text() + "\n# tuned\n")
    assert store.settings_key(Config(recognizers_dir=recs)) != base


def test_the_ocr_runtime_keys_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """OpenVINO in bfloat16 and onnxruntime read a few unsure words differently."""
    from phiguard import deepocr

    keys = set()
    try:
        for name in deepocr.RUNTIMES:
            monkeypatch.setenv("PHIGUARD_OCR_RUNTIME", name)
            deepocr.runtime.cache_clear()
            keys.add(store.settings_key(Config()))
    finally:
        monkeypatch.delenv("PHIGUARD_OCR_RUNTIME")
        deepocr.runtime.cache_clear()
    assert len(keys) == 2


def test_cache_clear(tmp_path: Path) -> None:
    root = tmp_path / "c"
    cache = store.open_cache(Config(), root)
    rep = FileReport(path="a.png", kind="image", verdict="clean", width=4, height=4)
    assert store.put(cache, "ab" * 32, rep)
    assert store.get(cache, "ab" * 32, "b.png") == replace(
        rep, path="b.png", notes=(store.CACHED_NOTE,)
    )
    assert store.clear(root) == 1
    assert store.get(cache, "ab" * 32, "b.png") is None


def test_cli_jsonl_streams_and_show_matches_bypasses_the_cache(
    photos: list[str], tmp_path: Path
) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    cmd = [*PHIGUARD, "scan", "--format", "jsonl", "-j1", *photos[:3]]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    first = json.loads(proc.stdout.readline())
    still_running = proc.poll() is None  # the first file is out before the last is read
    rest = [json.loads(line) for line in proc.stdout]
    assert proc.wait(timeout=120) == 1
    assert still_running
    assert [d["path"] for d in [first, *rest]] == photos[:3]
    assert first["findings"] and "Quillfeather" not in json.dumps(first)

    again = subprocess.run([*cmd, "--show-matches"], capture_output=True, text=True, env=env)
    docs = [json.loads(line) for line in again.stdout.splitlines()]
    assert all(store.CACHED_NOTE not in d["notes"] for d in docs)
    assert "Quillfeather" in again.stdout
    cached = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert all(store.CACHED_NOTE in json.loads(x)["notes"] for x in cached.stdout.splitlines())


def test_dask_local_cluster_gives_the_same_reports(
    photos: list[str], serial: list[Checked]
) -> None:
    pytest.importorskip("distributed")
    t0 = time.perf_counter()
    got = list(run_checks(photos, Config(), jobs=2, backend="dask"))
    assert time.perf_counter() - t0 < 120
    assert [_stable(c) for c in got] == [_stable(c) for c in serial]


def test_tesseract_api_reads_what_the_command_reads() -> None:
    import pytesseract

    from phiguard import tessapi
    from phiguard.ocr import prepare

    if not tessapi.available("eng"):
        pytest.skip("tesserocr or Debian's eng.traineddata missing")
    img = prepare(render_lines(LINES[0] + LINES[2], size=22, width=800))
    api = tessapi.image_to_data(img, "eng", 3, 60)
    cli = pytesseract.image_to_data(img, config="--psm 3", output_type=pytesseract.Output.DICT)
    words = [t.strip() for t in cli["text"] if t.strip()]
    assert [t.strip() for t in api["text"] if t.strip()] == words
    assert "Quillfeather" in words


def test_jobs_default_is_every_core(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def pooled(job, paths, config, jobs, lookup, on_crash, build):  # type: ignore[no-untyped-def]
        seen.append(jobs)
        return iter(())

    monkeypatch.setattr(parallel, "default_jobs", lambda: 7)
    monkeypatch.setattr(parallel, "_pooled", pooled)
    list(run_files(CheckJob(), [f"f{i}" for i in range(20)], Config(), jobs=0))
    assert seen == [7]
