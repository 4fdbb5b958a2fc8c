"""A census board's name columns are redacted whole, read or not (columns.py)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from phiguard.columns import column_findings
from phiguard.config import Config
from phiguard.layout import Record
from phiguard.models import Box, Finding, Word
from phiguard.ocr import Block
from phiguard.redact import redaction_boxes
from phiguard.regions import Region
from phiguard.scan import scan_image
from tests.support import FONT, engine

ROWS = [  # room, patient, nurse, notes; None: a cell OCR did not read at all
    ("407", "Dunied T", "Sharon", "pain 6/10"),
    ("401", "Okafor, R", "Justin", "NPO after MN"),
    ("435", None, "Avita", "DNR"),
    ("423", "LYONS ALLEN", "Hexker", "wound care"),
    ("438", "Rivers, Jeremy", "Rebecco", "Taylor"),  # a stray name in the notes
    ("403", "Sackun L", "K0vy", "d/c today"),
]
COLS = (0, 120, 480, 700)


def _board(angle_deg: float) -> tuple[list[Word], dict[tuple[int, int], tuple[float, float]]]:
    """Word boxes of a board tilted by angle_deg, and each cell's centre in the image."""
    a = math.radians(angle_deg)
    words, centres = [], {}
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            u, v = 300 + COLS[c], 300 + 60 * r
            w = 16 * len(text or "Xxxxxxx")
            cx, cy = u + w / 2, v + 12
            x, y = cx * math.cos(a) + cy * math.sin(a), -cx * math.sin(a) + cy * math.cos(a)
            centres[r, c] = (x, y)
            if text is None:
                continue
            hw, hh = w / 2 * math.cos(a) + 12 * math.sin(a), w / 2 * math.sin(a) + 12 * math.cos(a)
            box = Box(int(x - hw), int(y - hh), int(2 * hw), int(2 * hh))
            words += [Word(t, box, 60.0, r * 10 + c) for t in [text]]
    return words, centres


def _record(words: list[Word], angle_deg: float) -> Record:
    region = Region(Box.around(w.box for w in words), 24.0, angle_deg, 200)
    return Record((Block(tuple(words), region),), frozenset({"rm", "rn"}), region.box)


def _names_found(words: list[Word]) -> list[Finding]:
    hits = {"Okafor, R", "LYONS ALLEN", "Justin", "Taylor", "Rebecco"}
    return [Finding("PERSON", 0.9, w.text, boxes=(w.box,)) for w in words if w.text in hits]


def _covered(boxes: list[Box], p: tuple[float, float]) -> bool:
    return any(b.x <= p[0] < b.right and b.y <= p[1] < b.bottom for b in boxes)


def test_a_tilted_name_column_is_covered_down_to_its_unread_cells() -> None:
    words, centres = _board(8.0)
    rec = _record(words, 8.0)
    cols = column_findings(list(rec.blocks), [rec], _names_found(words), (2000, 1500))
    boxes = [b for f in cols for b in f.boxes]
    assert {f.entity_type for f in cols} == {"RECORD_COLUMN"}
    for r in range(len(ROWS)):
        assert _covered(boxes, centres[r, 1]), ("patient", r)  # "Dunied T", the unread one
        assert _covered(boxes, centres[r, 2]), ("nurse", r)
    # The notes column held one stray name: not a column of names. Rooms stay too.
    assert not any(_covered(boxes, centres[r, 3]) for r in (0, 1, 3, 5))
    assert not any(_covered(boxes, centres[r, 0]) for r in range(len(ROWS)))


def test_one_name_is_not_a_column_nor_two_among_codes_outside_a_record() -> None:
    words, _ = _board(0.0)
    rec = _record(words, 0.0)
    two = [f for f in _names_found(words) if f.text in ("Justin", "Rebecco")]
    # (In the nurse column one name found is enough: "Sharon", "Avita" are first names.)
    one = [f for f in _names_found(words) if f.text == "LYONS ALLEN"]
    assert column_findings(list(rec.blocks), [rec], one, (2000, 1500)) == []
    assert column_findings(list(rec.blocks), [rec], two, (2000, 1500)) != []
    # Outside a record (no label words read), two names make a list of people only
    # among name-shaped cells: "Sharon", "Avita", "Hexker" here; times and codes not.
    assert column_findings(list(rec.blocks), [], two, (2000, 1500)) != []
    codes = {"Sharon": "0830", "Avita": "x2", "Hexker": "2L NC"}
    plain = [replace(w, text=codes.get(w.text, w.text)) for w in words]
    two = [f for f in _names_found(plain) if f.text in ("Justin", "Rebecco")]
    alone = [Block(tuple(plain), rec.blocks[0].region)]
    assert column_findings(alone, [], two, (2000, 1500)) == []


def test_a_census_board_photo_has_its_name_columns_blurred() -> None:
    rows = [
        ("Rm", "Patient", "RN", "Notes"),
        ("407", "Okafor, Robert", "Maria", "fall risk"),
        ("409", "Lindqvist, Anna", "Brian", "NPO after MN"),
        ("411", "Zubrowski, Tomasz", "Keisha", "tele"),
        ("414", "Haddad, Samir", "Carlos", "d/c today"),
        ("416", "Nakamura, Emi", "Deborah", "PT eval"),
    ]
    board = Image.new("RGB", (1300, 520), (240, 240, 244))
    d, font = ImageDraw.Draw(board), ImageFont.truetype(FONT, 30)
    centres = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            x, y = 40 + (0, 150, 650, 900)[c], 30 + 80 * r
            d.text((x, y), text, fill=(30, 40, 140), font=font)
            if r and c == 1:
                centres.append((200 + x + d.textlength(text, font=font) / 2, 300 + y + 18))
    photo = Image.fromarray(np.full((1100, 1700, 3), 120, np.uint8))
    photo.paste(board, (200, 300))
    rep = scan_image(photo, engine(), Config(faces="ignore"), "board.png")
    assert "RECORD_COLUMN" in {f.entity_type for f in rep.findings}, rep.findings
    boxes = redaction_boxes(rep.findings, photo.width, photo.height, Config())
    assert all(_covered(boxes, p) for p in centres)


def test_flat_word_boxes_do_not_hang_the_column_search() -> None:
    # OCR can return 0-px-high boxes (a dash, a rule); a column's slices must still end.
    words = [Word(t, Box(100, 100 + 40 * i, 60, 0), 50.0, i) for i, t in
             enumerate(["Ann Lee", "Bo Diaz", "Cy Park", "Di Chen"])]  # fmt: skip
    rec = _record(words, 0.0)
    found = [Finding("PERSON", 0.9, w.text, boxes=(w.box,)) for w in words]
    assert isinstance(column_findings(list(rec.blocks), [rec], found, (800, 600)), list)


def test_first_names_fill_the_other_columns_of_a_proven_table_of_people() -> None:
    # No label word read, no nurse flagged: the patient column proves a table of people,
    # and then "Sharon" and "Justin" (first names) make the nurse column.
    words, centres = _board(0.0)
    block = Block(tuple(words), Region(Box.around(w.box for w in words), 24.0, 0.0, 200))
    patients = [Finding("PERSON", 0.9, w.text, boxes=(w.box,)) for w in words
                if w.text in ("Okafor, R", "LYONS ALLEN", "Rivers, Jeremy")]  # fmt: skip
    boxes = [b for f in column_findings([block], [], patients, (2000, 1500)) for b in f.boxes]
    assert all(_covered(boxes, centres[r, 2]) for r in range(len(ROWS)))
    assert not any(_covered(boxes, centres[r, 3]) for r in (0, 1, 3, 5))  # the notes


def test_a_record_column_of_dates_read_badly_is_blurred_whole() -> None:
    # A patient list's DOB column: two dates recognised, the others misread into no
    # date at all ("125/1925", "811/28"); shaped like dates, they are the column's cells.
    dobs = ["03/14/1951", "125/1925", "11/394", "8/19/1928", "811/28", "3/5/47"]
    words = []
    for r, dob in enumerate(dobs):
        words.append(Word(f"{401 + r}", Box(300, 300 + 60 * r, 48, 24), 90.0, 2 * r))
        words.append(Word(dob, Box(500, 300 + 60 * r, 16 * len(dob), 24), 90.0, 2 * r + 1))
    rec = _record(words, 0.0)
    found = [Finding("DATE", 0.9, w.text, boxes=(w.box,)) for w in words
             if w.text in ("03/14/1951", "8/19/1928")]  # fmt: skip
    boxes = [b for f in column_findings(list(rec.blocks), [rec], found, (2000, 1500))
             for b in f.boxes]  # fmt: skip
    for w in words:
        centre = (w.box.x + w.box.w / 2, w.box.y + w.box.h / 2)
        assert _covered(boxes, centre) == (w.box.x == 500), w.text


def test_tilted_words_close_across_a_column_gap_stay_two_cells() -> None:
    """At 9 degrees the upright box round "Rodriguez" reaches over the 24-px gap to the
    room number beside it; cut with the words' own rectangles they are two cells."""
    from phiguard.columns import _cells

    a = math.radians(9)
    words = []
    for i, (text, u, w) in enumerate([("Rodriguez", 300, 110), ("419", 434, 40)]):
        cx, cy, hw0, hh0 = u + w / 2, 300.0, w / 2, 8.0
        x, y = cx * math.cos(a) + cy * math.sin(a), -cx * math.sin(a) + cy * math.cos(a)
        hw, hh = hw0 * math.cos(a) + hh0 * math.sin(a), hw0 * math.sin(a) + hh0 * math.cos(a)
        words.append(Word(text, Box(int(x - hw), int(y - hh), int(2 * hw), int(2 * hh)), 90.0, i))
    h = float(np.median([w.box.h for w in words]))
    assert len(_cells(words, [False, False], a, h)) == 1  # upright boxes: joined
    assert len(_cells(words, [False, False], a, h, own_rect=True)) == 2


def test_a_record_column_under_a_people_header_is_blurred_with_no_name_read() -> None:
    # A nurse column in marker: every name misread, none a finding. Under its "RN"
    # header, on a record, the name-shaped cells are people; the notes column under
    # "Notes" and a column of room numbers under "RN" are not.
    cells = [("Rm", "RN", "Notes"), ("407", "Maisty", "pain 6/10"), ("409", "Seffrey", "NPO"),
             ("411", "Beend", "tele"), ("414", "Tronde", "d/c today")]  # fmt: skip
    words = [Word(t, Box(300 + (0, 120, 480)[c], 300 + 60 * r, 16 * len(t), 24), 40.0, r)
             for r, row in enumerate(cells) for c, t in enumerate(row)]  # fmt: skip
    rec = _record(words, 0.0)
    boxes = [b for f in column_findings(list(rec.blocks), [rec], [], (2000, 1500))
             for b in f.boxes]  # fmt: skip
    for w in words[3:]:
        centre = (w.box.x + w.box.w / 2, w.box.y + w.box.h / 2)
        assert _covered(boxes, centre) == (w.box.x == 420), w.text
    rooms = [replace(w, text={"Maisty": "412", "Seffrey": "413"}.get(w.text, w.text))
             for w in words]  # fmt: skip
    outside = column_findings([Block(tuple(rooms), rec.blocks[0].region)], [], [], (2000, 1500))
    assert column_findings(list(_record(rooms, 0.0).blocks), [_record(rooms, 0.0)], [],
                           (2000, 1500)) == [] and outside == []  # fmt: skip


def test_an_initial_read_as_a_digit_keeps_a_cell_name_shaped() -> None:
    from phiguard.columns import _namelike

    assert _namelike(["Justin", "8."]) and _namelike(["Donald 0."])
    assert not _namelike(["Bed", "3."]) and not _namelike(["8.", "Justin"])
    assert not _namelike(["Room 401"])


def _staff_column(cells: list[str]) -> tuple[list[Finding], list[Word]]:
    """A nurse column cut off from its board: the header, then one cell a row."""
    words = [Word(t, Box(600, 300 + 90 * r, 16 * len(t), 40), 90.0, r)
             for r, t in enumerate(["NURSE", *cells])]  # fmt: skip
    block = Block(tuple(words), Region(Box.around(w.box for w in words), 40.0, 0.0, 200))
    return column_findings([block], [], [], (2000, 1500)), words


def test_a_nurse_column_of_first_names_is_blurred_with_no_record_around_it() -> None:
    # The board's patient side is out of the photo; no cell is a finding (a first name
    # alone is none), but two known first names under "NURSE" make a column of people,
    # and its misread cells ("Pxul", "Biatthew") go with it.
    found, words = _staff_column(["BENJAMIN", "Pxul", "Biatthew", "Thomas", "Javer"])
    boxes = [b for f in found for b in f.boxes]
    assert all(_covered(boxes, (w.box.x + w.box.w / 2, w.box.y + 20)) for w in words[1:])
    # One first name is not enough outside a record, nor misreads two letters off.
    assert _staff_column(["BENJAMIN", "Pxul", "Biatthew", "Thxmxs", "Jxvxr"])[0] == []
    assert _staff_column(["Benjarnn", "Pxul", "Biatthew", "Thxmxs", "Jxvxr"])[0] == []
    # A first name read a letter off ("Thxmas") counts as one.
    assert _staff_column(["BENJAMIN", "Pxul", "Biatthew", "Thxmas", "Jxvxr"])[0] != []


def test_a_record_column_with_one_name_found_and_misread_first_names_is_blurred() -> None:
    # Seed 101 photo_010: a nurse column under a misread header ("MRSE"), its cells read
    # "Kevin" (found), "Askley" and "Cwistine" (first names read a letter off).
    from phiguard.lexicon import is_near_first_name

    assert [is_near_first_name(w) for w in ("Askley", "Cwistine", "Thoms", "Kevin")] == [True] * 4
    assert not any(is_near_first_name(w) for w in ("askley", "Room", "NPO", "Ann3", "Bed"))
    rows = [("MRSE", None), ("Kevin", "PERSON"), ("Askley", None), ("Cwistine", None)]
    words = [Word(t, Box(500, 300 + 60 * i, 16 * len(t), 24), 60.0, i)
             for i, (t, _) in enumerate(rows)]  # fmt: skip
    other = [Word(f"40{i}", Box(300, 300 + 60 * i, 48, 24), 90.0, 10 + i) for i in range(4)]
    region = Region(Box.around(w.box for w in words + other), 24.0, 0.0, 40)
    rec = Record((Block(tuple(words + other), region),), frozenset({"rm", "md"}), region.box)
    found = [Finding("PERSON", 0.9, "Kevin", boxes=(words[1].box,))]
    cols = column_findings(list(rec.blocks), [rec], found, (2000, 1500))
    boxes = [b for f in cols for b in f.boxes]
    assert all(_covered(boxes, (w.box.x + w.box.w / 2, w.box.y + 12)) for w in words[2:])
