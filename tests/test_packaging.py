"""The wheel carries the recognizer YAMLs, and the command starts fast."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_recognizers(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("phiguard-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n.split("/")[-1] for n in names if n.startswith("phiguard/recognizers/")}
    expected = {p.name for p in (ROOT / "recognizers").glob("*.yaml")}
    assert expected and expected <= shipped
    assert "phiguard/cli.py" in names


def test_help_is_fast() -> None:
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "phiguard", "--help"], capture_output=True,
                         text=True, timeout=60, check=False)  # fmt: skip
    elapsed = time.perf_counter() - t0
    assert res.returncode == 0 and "scan" in res.stdout
    # The budget is 0.5 s on a warm machine; CI's cold first start gets headroom.
    assert elapsed < 2.0, f"--help took {elapsed:.2f} s: something imports heavy modules eagerly"
