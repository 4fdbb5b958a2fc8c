"""Credentials under a login heading on a sticky note (notes.py)."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont

from phiguard.config import Config
from phiguard.models import Box, Word
from phiguard.notes import credential_lines
from phiguard.ocr import Block
from phiguard.scan import scan_image
from tests.support import FONT, engine
from tests.test_photo_objects import cluttered


def _note(rows: list[list[str]], dy: int = 30) -> Block:
    """Canned words, one row a line, as OCR would give them (mapping logic only)."""
    words = [
        Word(t, Box(200 + 90 * j, 100 + dy * i, 80, 22), 90.0, i)
        for i, row in enumerate(rows)
        for j, t in enumerate(row)
    ]
    return Block(tuple(words), None)


@pytest.mark.parametrize(
    "rows, flagged",
    [
        ([["PACS", "login"], ["kellymorgn", "/", "R+xj", "oti"]], ["kellymorgn R+xj oti"]),
        ([["Epiclogin"], [":mwilcox"], ["P:", "Fund583#"]], [":mwilcox", "Fund583#"]),
        ([["wifi"], ["GuestNet", "Mercy2024"]], ["GuestNet Mercy2024"]),
        ([["Supply", "room", "PIN"], ["4471"]], ["4471"]),
        ([["Pyxis", "login"], ["U:", "jsmith"]], ["jsmith"]),
        ([["login", "jthornton"], ["pass", "Summer2021!"]], ["jthornton", "Summer2021!"]),
    ],
)
def test_value_lines_under_a_login_heading(rows: list[list[str]], flagged: list[str]) -> None:
    assert [f.text for f in credential_lines([_note(rows)], [])] == flagged


@pytest.mark.parametrize(
    "rows",
    [
        [["Change", "your", "password"], ["every", "90", "days"]],  # a poster
        [["Staff", "wifi"], ["ask", "the", "front", "desk"]],
        [["Password", "tips"], ["12+", "characters"]],  # no value line: "tips" is no user
        [["Username:", "________"], ["Password:", "••••••"]],  # an empty login screen
        [["Logged", "in", "as", "ward", "station", "37"], ["Room", "4B", "ready"]],
        [["Flu", "shots", "today"], ["Clinic", "B2", "8-4pm"]],  # no login heading
    ],
)
def test_posters_and_empty_forms_are_not_credentials(rows: list[list[str]]) -> None:
    assert credential_lines([_note(rows)], []) == []


def test_a_line_far_below_the_heading_is_not_taken() -> None:
    far = _note([["PACS", "login"], [], [], [], ["kelly.morgan"]])
    assert credential_lines([far], []) == []


def _sticky(lines: list[str]) -> Image.Image:
    note = Image.new("RGB", (420, 220), (250, 236, 140))
    draw = ImageDraw.Draw(note)
    font = ImageFont.truetype(FONT.replace("DejaVuSans.ttf", "DejaVuSans-Oblique.ttf"), 26)
    for i, line in enumerate(lines):
        draw.text((24, 20 + i * 52), line, fill=(30, 30, 90), font=font)
    photo = cluttered()
    photo.paste(note.rotate(6, expand=True, fillcolor=(150, 150, 150)), (600, 400))
    return photo


def test_a_sticky_note_in_a_photo_is_read_and_its_login_blurred() -> None:
    photo = _sticky(["Pyxis login", "kelly.morgan / R+Xj0Hi&", "ext 4410"])
    rep = scan_image(photo, engine(), Config(faces="ignore"), "note.jpg")
    creds = [f for f in rep.findings if f.entity_type == "CREDENTIAL"]
    assert creds and rep.verdict == "phi", rep.findings
    assert not any("4410" in f.text for f in creds)  # the third line is not a login
