"""A stamp in coloured ink across printed lines is read from a copy of only its ink."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from phiguard.models import Box
from phiguard.stamps import stamp_words
from tests.support import FONT

LINES = ["- Keep the incision clean and dry for 48 hours.", "- No driving while taking opioids.",
         "- Call your doctor for fever over 101 F or new pain.",
         "- Follow up with your primary care provider in 1 week."]  # fmt: skip


def _form(stamp: tuple[int, int, int] | None) -> Image.Image:
    page = Image.new("RGB", (900, 420), (246, 244, 236))
    d, font = ImageDraw.Draw(page), ImageFont.truetype(FONT, 22)
    for i, line in enumerate(LINES):
        d.text((30, 60 + 60 * i), line, fill=(25, 25, 30), font=font)
    if stamp:
        mark = Image.new("RGBA", (520, 80), (0, 0, 0, 0))
        ImageDraw.Draw(mark).text((10, 10), "CONFIDENTIAL", fill=(*stamp, 230),
                                  font=ImageFont.truetype(FONT, 50))  # fmt: skip
        mark = mark.rotate(12, expand=True)
        page.paste(mark, (250, 150), mark)
    return page


def test_a_red_stamp_across_the_print_is_read_and_black_print_alone_is_not_reread() -> None:
    form = np.asarray(_form((190, 30, 40)))
    whole = [Box(0, 0, 900, 420)]
    texts = [w.text for w in stamp_words(form, whole, [], 1)]
    assert "CONFIDENTIAL" in texts, texts
    assert stamp_words(np.asarray(_form(None)), whole, [], 1) == []


def test_coloured_ink_inside_words_already_read_is_not_read_again() -> None:
    form = np.asarray(_form((30, 60, 190)))
    assert stamp_words(form, [Box(0, 0, 900, 420)], [Box(200, 100, 650, 250)], 1) == []
