"""The bench generator's census whiteboards and sticky notes vary as real ones do, and
every PHI value on them stays labelled."""

from __future__ import annotations

from collections import Counter

import numpy as np
from faker import Faker

from bench.synth import board_cells as C
from bench.synth.corpus import _faker
from bench.synth.scenes_board import whiteboard
from bench.synth.scenes_hand import sticky_note
from bench.synth.sheet import ORDINARY, Sheet

KINDS_ON_BOARD = {"PERSON", "AGE_OVER_89"}


def _seeded(seed: int) -> Faker:
    # Every test draws the same names on every run (an unseeded draw once failed CI).
    fake = _faker()
    fake.seed_instance(seed)
    return fake


def _boards(n: int) -> list[Sheet]:
    fake = _seeded(99)
    return [whiteboard(fake, np.random.default_rng([99, i])) for i in range(n)]


def test_columns_vary_in_number_order_and_words() -> None:
    layouts = [C.columns(np.random.default_rng(i)) for i in range(300)]
    roles = [[r for r, _ in cols] for cols in layouts]
    assert {len(cols) for cols in layouts} == {3, 4, 5, 6}
    assert all(r.count("patient") == 1 for r in roles)
    firsts = Counter(r[0] for r in roles)
    assert firsts["room"] > firsts["patient"] > 30  # room usually first, not always
    assert any("room" not in r for r in roles)
    words = {h for cols in layouts for role, h in cols if role == "patient"}
    assert words == set(C.HEADERS["patient"])
    # Staff columns never come before the patient's.
    staff = [(r, s) for r in roles for s in ("nurse", "doctor") if s in r]
    assert all(r.index("patient") < r.index(s) for r, s in staff)


def test_board_labels_are_people_and_ages_inside_the_board() -> None:
    for sh in _boards(12):
        w, h = sh.size
        values = [lab for lab in sh.labels if lab.kind != ORDINARY]
        assert {lab.kind for lab in values} <= KINDS_ON_BOARD
        assert any(lab.role == "patient" for lab in values)
        assert all(lab.role in ("patient", "staff") for lab in values if lab.kind == "PERSON")
        for lab in sh.labels:
            xs, ys = [p[0] for p in lab.quad], [p[1] for p in lab.quad]
            assert min(xs) >= 0 and max(xs) <= w and min(ys) >= 0 and max(ys) <= h


def test_doctor_title_is_not_part_of_the_name() -> None:
    # An unseeded run once drew the surname "Drake", which a bare startswith("Dr") took
    # for the title.
    fake = _seeded(5)
    rng = np.random.default_rng(5)
    for _ in range(40):
        parts = C._doctor(fake, rng)
        named = [p for p in parts if p[1] == "PERSON"]
        assert len(named) == 1 and not named[0][0].startswith(("Dr.", "Dr "))


def test_every_sticky_note_holds_a_credential() -> None:
    fake = _seeded(98)
    for i in range(30):
        sh = sticky_note(fake, np.random.default_rng([98, i]))
        assert any(lab.kind == "CREDENTIAL" for lab in sh.labels)
