"""How the blocks of a photo are put together (canned words: the mapping logic only)."""

from __future__ import annotations

from phiguard.models import Box, Word
from phiguard.ocr import Block, _without_rereadings
from phiguard.regions import Region

SIGN = Region(Box(590, 20, 520, 70), 26.5, 0.0, 30)
HALF = Region(Box(600, 58, 40, 20), 7.0, 0.0, 4)


def test_a_block_inside_another_does_not_read_the_same_ink_twice() -> None:
    sign = Block((Word("Quiet", Box(600, 40, 90, 40), 100.0, 0),
                  Word("please", Box(700, 40, 110, 40), 100.0, 0)), SIGN)  # fmt: skip
    half = Block((Word("Qui", Box(602, 59, 29, 17), 100.0, 1),
                  Word("Qu1et", Box(640, 59, 40, 17), 90.0, 1),  # another reading: kept
                  Word("2B", Box(800, 120, 30, 17), 90.0, 1)), HALF)  # fmt: skip
    got = _without_rereadings([sign, half])
    assert got[0] == sign
    assert [w.text for w in got[1].words] == ["Qu1et", "2B"]


def test_blocks_side_by_side_keep_their_words() -> None:
    left = Block((Word("Quiet", Box(600, 40, 90, 40), 100.0, 0),), SIGN)
    apart = Region(Box(1200, 58, 40, 20), 7.0, 0.0, 4)
    right = Block((Word("Quiet", Box(1202, 59, 30, 17), 100.0, 1),), apart)
    assert _without_rereadings([left, right]) == [left, right]
