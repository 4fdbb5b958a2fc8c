"""How the blocks of a photo are put together (canned words: the mapping logic only)."""

from __future__ import annotations

import numpy as np

from phiguard.boards import surfaces
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


def _scene(board_gray: int) -> np.ndarray:
    """A 1600x1200 photo: a dark wall, a 700x500 board of `board_gray` with a little
    faint writing, and a darker block of text in its top left corner."""
    gray = np.full((1200, 1600), 60, np.uint8)
    gray[300:800, 400:1100] = board_gray
    rng = np.random.default_rng(0)
    for y in range(350, 780, 40):  # faint strokes all over the board
        for x in rng.integers(420, 1050, 4):
            gray[y : y + 10, x : x + 30] = board_gray - 25
    return gray


def test_a_board_round_a_small_block_is_read_whole() -> None:
    block = Region(Box(420, 320, 150, 80), 12.0, 2.0, 20)
    (board,) = surfaces(_scene(220), [block])
    assert board.box.intersection(Box(400, 300, 700, 500)) >= 0.95 * 700 * 500
    assert board.box.area <= 1.1 * 700 * 500
    assert (board.line_height, board.angle) == (12.0, 2.0)


def test_no_surface_where_the_blocks_fill_it_or_it_is_dark() -> None:
    most = Region(Box(400, 300, 600, 450), 12.0, 0.0, 200)
    assert surfaces(_scene(220), [most]) == []  # the blocks found cover the board
    block = Region(Box(420, 320, 150, 80), 12.0, 0.0, 20)
    assert surfaces(_scene(100), [block]) == []  # a dark screen is read as found
    wall = Region(Box(100, 100, 150, 80), 12.0, 0.0, 20)
    assert surfaces(_scene(220), [wall]) == []  # the dark wall is no board
    light = _scene(220)
    light[light == 60] = 220  # a wall as light as the board: one surface to the edges
    assert surfaces(light, [block]) == []
