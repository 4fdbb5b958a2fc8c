"""Redaction is verified: every redacted area is read again by real Tesseract, on small
and large text and in all three styles, and a readable value fails the file with no
copy written. Synthetic values only."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from PIL import Image, ImageFilter

from phiguard import scan as scan_mod
from phiguard import verify
from phiguard.config import Config
from phiguard.models import FileReport
from phiguard.redact import redaction_boxes, to_blur
from phiguard.scan import RedactJob, redact_frames, scan_image
from tests.support import engine, render_lines, run_cli

CHART = ["Patient: GARCIA, MARIA  MRN: 00482913", "DOB: 03/14/1951  Dr. Alan Whitfield"]
SECRETS = ("GARCIA", "MARIA", "00482913", "Whitfield")


@functools.cache
def chart(size: int) -> tuple[Image.Image, FileReport]:
    img = render_lines(CHART, size=size, width=max(1400, size * 34), angle=0)
    return img, scan_image(img, engine(), Config())


@pytest.mark.parametrize("size", [14, 72])
def test_every_style_leaves_nothing_readable_on_small_and_large_text(size: int) -> None:
    img, rep = chart(size)
    assert {"PERSON", "MRN", "DATE"} <= {f.entity_type for f in rep.findings}
    for style in ("blur", "pixelate", "box"):
        cfg = Config(style=style)
        frames = redact_frames((img,), rep.findings, cfg)
        # Whole chart screens are shown, not blurred, by default: check what was blurred.
        assert verify.leaks(frames, to_blur(rep.findings, cfg)) == [], (size, style)


def test_the_check_reads_what_a_weak_blur_leaves() -> None:
    img, rep = chart(14)
    # Unredacted, every value is read back: the check is not blind.
    assert {x.entity_type for x in verify.leaks([img], rep.findings)} >= {"PERSON", "MRN"}
    weak = img.copy()
    for b in redaction_boxes(rep.findings, *img.size, Config()):
        area = (b.x, b.y, b.right, b.bottom)
        weak.paste(weak.crop(area).filter(ImageFilter.GaussianBlur(1)), area[:2])
    assert verify.leaks([weak], to_blur(rep.findings, Config()))


def test_ocr_slips_still_count_as_the_value() -> None:
    wanted = verify.tokens("GARCIA, MARIA J")
    assert wanted == {"garcia", "maria"}
    assert verify.matches(wanted, ["garcla"]) and not verify.matches(wanted, ["hands", "wash"])


def _job(tmp_path: Path) -> tuple[Path, Path, RedactJob]:
    src, out = tmp_path / "chart.png", tmp_path / "out" / "chart.png"
    chart(14)[0].save(src)
    return src, out, RedactJob({str(src): str(out)})


def test_a_readable_value_fails_the_file_and_removes_a_stale_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out, job = _job(tmp_path)
    out.parent.mkdir()
    out.write_bytes(b"a copy from an earlier run")
    # A redaction that does nothing: the check must catch it.
    monkeypatch.setattr(scan_mod, "redact_frames", lambda frames, *_: list(frames))
    rep = job(str(src), engine(), Config())
    assert rep.verdict == "error" and "redaction check failed" in (rep.error or "")
    assert "no copy was written" in (rep.error or "") and not out.exists()
    assert not any(s.lower() in (rep.error or "").lower() for s in SECRETS)
    unchecked = RedactJob(job.outputs, verify=False)(str(src), engine(), Config())
    assert unchecked.verdict == "phi" and out.exists()  # --no-verify writes it


def test_redact_command_verifies_by_default(tmp_path: Path) -> None:
    src, out, _ = _job(tmp_path)
    res = run_cli("redact", str(src), "--out-dir", str(out.parent), "--style", "pixelate")
    assert res.returncode == 1, res.stderr
    assert "redaction verified" in res.stdout and out.exists()
    assert "--no-verify" in run_cli("redact", "--help").stdout
