"""The recognizer narrowed to printable ASCII: derived from the wheel's model, kept in
the cache, and still reading the text it read before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from phiguard import deepocr, latinrec
from tests.support import render_lines

pytestmark = pytest.mark.skipif(not deepocr.available(), reason="rapidocr is not installed")


def test_narrowed_model_scores_only_ascii_and_is_kept(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = latinrec.model_path()
    assert path is not None and path.parent == tmp_path / "phiguard" / "models"
    stamp = path.stat().st_mtime_ns
    assert latinrec.model_path() == path and path.stat().st_mtime_ns == stamp  # reused
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    chars = session.get_modelmeta().custom_metadata_map["character"].splitlines()
    assert len(chars) == 94 and all(latinrec.keep(c) for c in chars)
    out = session.run(None, {"x": np.zeros((1, 3, 48, 160), np.float32)})[0]
    assert out.shape[-1] == len(chars) + 2  # blank, the characters, space


def test_unwritable_cache_falls_back_to_the_temp_folder(tmp_path: Path, monkeypatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr(latinrec.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    path = latinrec.model_path()
    assert path is not None and path.is_relative_to(tmp_path / "tmp")


def test_the_reader_in_use_is_the_narrowed_one_and_reads_words() -> None:
    rec = deepocr._engine()._load_rec_model()
    assert len(rec.postprocess_op.character) == 96
    img = render_lines(["Password: Winter2024!  MRN 00731942"], size=22, width=700)
    rgb = np.asarray(img.convert("RGB"))
    result = deepocr._engine()(rgb, use_det=True, use_cls=False, use_rec=True)
    assert "Winter2024!" in "".join(result.txts) and "00731942" in "".join(result.txts)


def test_a_model_it_cannot_narrow_leaves_the_stock_recognizer(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    def refuse(_: bytes) -> bytes:
        raise ValueError("expected a class layer")

    monkeypatch.setattr(latinrec, "narrow", refuse)
    assert latinrec.model_path() is None
    assert not list((tmp_path / "phiguard" / "models").glob("*.onnx"))
