"""Sticky notes read again on their own, where the photo's reading got nothing out of them.

A note's writing read as part of a larger block (a monitor, a wall of notices) is read
at that block's text height, often not its own; read alone, at the height of its own
letters, it is read better.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from phiguard.models import Box, Word
from phiguard.ocr import Block
from phiguard.regions import Region
from phiguard.sticky import READ_INK, ink_inside, ink_read, is_plain, secret_in


def read_notes_again(gray: np.ndarray, blocks: list[Block], writings: list[Box],
                     read: Callable[[Region, int], list[Word]]) -> list[Block]:  # fmt: skip
    """`blocks` with the writing on each sticky note they read neither as a login nor as
    plain words read again on its own (`read`: a block reader, given a region and its
    first line id), where that reads a login, or more of the ink where the first reading
    left 30% of it unread. The new words replace those other blocks read from the note,
    so a reading no better is not taken: the first may tie the note's words to lines
    beyond the writing found ("medina20" over "/ Fall88$" by the note's edge, seed 69).

    Read within a monitor's block, a note's "wifi: StaffNet / key: Spring2021!" came
    back "hey. Spving202 1!", and a note's "med room / 8005" not at all; read alone, at
    its own letters' height, "wifi: StaffNet key: Spmvivg2021!" and "med room 8005".
    """
    base = 1 + max((w.line for b in blocks for w in b.words), default=0)
    for writing in writings:
        before = [w for b in blocks for w in b.words if w.box.centre_in(writing)]
        if secret_in(before) or is_plain(gray, writing, before):
            continue
        words = read(Region(writing, _letter_height(gray, writing), 0.0, 0), base)
        share = ink_read(gray, writing, before)
        better = share < READ_INK and share < ink_read(gray, writing, words)
        if not (secret_in(words) or better):
            continue
        # A block without a region: the note is not part of a record or a column of the
        # chart it is stuck on (a login note on a form made a column of its lines).
        blocks = [Block(tuple(w for w in b.words if not w.box.centre_in(writing)), b.region)
                  for b in blocks] + [Block(tuple(words), None)]  # fmt: skip
        base = 1 + max(w.line for w in words)
    return blocks


def _letter_height(gray: np.ndarray, writing: Box) -> float:
    """The median height of the ink's marks: letters, or words joined up in script."""
    ink = ink_inside(gray, writing)[1].astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink)
    heights = stats[1:, 3][stats[1:, 4] >= 4]
    return float(np.median(heights)) if len(heights) else 12.0
