"""Fast checks of the synthetic bench corpus generator and its scorer."""

from __future__ import annotations

import numpy as np
import pytest
from faker import Faker

from bench.score import covered_share, label_covered, score_photo, summarize
from bench.synth.corpus import CLEAN_WEIGHTS, SCENES, _faker, make_photo
from bench.synth.sheet import ORDINARY

KINDS = {
    "PERSON",
    "MRN",
    "DATE",
    "PHONE_NUMBER",
    "ACCOUNT_NUMBER",
    "HEALTH_PLAN_ID",
    "STREET_ADDRESS",
    "EMAIL_ADDRESS",
    "US_SSN",
    "AGE_OVER_89",
    "BARCODE",
    "QR",
    "CREDENTIAL",
    "CONFIDENTIAL_MARKING",
}
SQUARE = [[0, 0], [10, 0], [10, 10], [0, 10]]
SIZE = (1280, 960)


@pytest.fixture(scope="module")
def photos() -> list[tuple[bytes, dict]]:
    # Small frames keep the suite fast; index 1 is a clean photo (every fourth one is).
    return [make_photo(11, i, size=SIZE) for i in range(4)]


def test_generator_is_deterministic(photos: list[tuple[bytes, dict]]) -> None:
    for i in (1,):
        jpeg, rec = make_photo(11, i, size=SIZE)
        assert jpeg == photos[i][0]
        assert rec == photos[i][1]


def test_labels_are_well_formed_and_inside_the_image(photos: list[tuple[bytes, dict]]) -> None:
    for _, rec in photos:
        w, h = rec["width"], rec["height"]
        for lab in rec["values"] + rec["ordinary"]:
            q = np.asarray(lab["quad"])
            assert q.shape == (4, 2)
            assert (q[:, 0] >= -1).all() and (q[:, 0] <= w + 1).all()
            assert (q[:, 1] >= -1).all() and (q[:, 1] <= h + 1).all()
            assert lab["height_px"] > 0
        assert {v["kind"] for v in rec["values"]} <= KINDS


def test_corpus_has_values_and_clean_photos(photos: list[tuple[bytes, dict]]) -> None:
    assert any(rec["clean"] for _, rec in photos)
    assert sum(len(rec["values"]) for _, rec in photos) > 10


def _seeded(seed: int) -> Faker:
    fake = _faker()
    fake.seed_instance(seed)
    return fake


@pytest.mark.parametrize("scene", sorted(CLEAN_WEIGHTS))
def test_clean_scenes_have_no_phi(scene: str) -> None:
    rng = np.random.default_rng(3)
    sheet = SCENES[scene](_seeded(3), rng)
    assert sheet.labels
    assert all(lab.kind == ORDINARY for lab in sheet.labels)


def test_clean_photo_has_no_values() -> None:
    _, rec = make_photo(5, 1, clean=True, size=SIZE)
    assert rec["clean"] and rec["values"] == [] and rec["ordinary"]


def test_wristband_barcode_encodes_the_mrn() -> None:
    sheet = SCENES["wristband"](_seeded(8), np.random.default_rng(8))
    codes = [lab for lab in sheet.labels if lab.kind in ("BARCODE", "QR")]
    mrns = [lab.text for lab in sheet.labels if lab.kind == "MRN"]
    assert codes and mrns and mrns[0] in codes[0].text


def test_covered_share_known_values() -> None:
    assert covered_share(SQUARE, [(0, 0, 10, 10)]) == pytest.approx(1.0, abs=0.03)
    assert covered_share(SQUARE, [(0, 0, 5, 10)]) == pytest.approx(0.5, abs=0.03)
    assert covered_share(SQUARE, [(0, 0, 5, 10), (5, 0, 5, 5)]) == pytest.approx(0.75, abs=0.03)
    assert covered_share(SQUARE, [(20, 20, 5, 5)]) == 0.0
    assert covered_share(SQUARE, []) == 0.0


def test_word_gaps_need_not_be_covered() -> None:
    label = {
        "quad": [[0, 0], [30, 0], [30, 10], [0, 10]],
        "words": [SQUARE, [[20, 0], [30, 0], [30, 10], [20, 10]]],
    }
    assert label_covered(label, [(0, 0, 10, 10), (20, 0, 10, 10)]) == pytest.approx(1, abs=0.03)
    assert covered_share(label["quad"], [(0, 0, 10, 10), (20, 0, 10, 10)]) < 0.7


def _labels() -> dict:
    small = {"kind": "MRN", "text": "1", "quad": SQUARE, "height_px": 10.0}
    big = {
        "kind": "PERSON",
        "text": "A B",
        "quad": [[0, 20], [40, 20], [40, 40], [0, 40]],
        "height_px": 20.0,
    }
    line = {"text": "Wash your hands", "quad": SQUARE, "height_px": 10.0}
    return {
        "photos": [
            {"file": "a.jpg", "clean": False, "values": [small, big], "ordinary": []},
            {"file": "b.jpg", "clean": True, "values": [], "ordinary": [line, dict(line)]},
            {"file": "c.jpg", "clean": True, "values": [], "ordinary": [line]},
        ]
    }


def test_score_photo_thresholds() -> None:
    photo = _labels()["photos"][0]
    got = score_photo(photo, [(0, 0, 10, 10), (0, 20, 38, 20)])  # 95% of the name
    assert [v["hit"] for v in got["values"]] == [True, True]
    got = score_photo(photo, [(0, 0, 10, 10), (0, 20, 36, 20)])  # 90%: still readable
    assert [v["hit"] for v in got["values"]] == [True, False]


def test_summarize_known_values() -> None:
    boxes = {"a.jpg": [(0, 0, 10, 10)], "b.jpg": [(0, 0, 6, 10)], "c.jpg": []}
    s = summarize(_labels(), boxes, {"a.jpg": 1.0, "b.jpg": 2.0, "c.jpg": 3.0})
    assert s["values"] == {"n": 2, "hit": 1, "share": 0.5}
    assert s["by_kind"]["MRN"]["share"] == 1.0 and s["by_kind"]["PERSON"]["share"] == 0.0
    assert s["by_height"]["<14px"]["hit"] == 1 and s["by_height"][">=14px"]["hit"] == 0
    assert s["ordinary_destroyed_clean"] == {"n": 3, "hit": 2, "share": 2 / 3}
    assert s["clean_altered"] == {"n": 1, "of": 2}
    assert s["seconds_per_photo"] == pytest.approx(2.0)
