"""Reading photos: text blocks at an angle, barcodes and QR codes, record blocks."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from phiguard.analyze import join_words
from phiguard.codes import find_codes
from phiguard.config import Config
from phiguard.layout import boost, records
from phiguard.models import Box, Finding, Word
from phiguard.ocr import Block
from phiguard.redact import redaction_boxes
from phiguard.regions import Region, find_regions
from phiguard.scan import scan_image
from tests.support import engine, render_lines

FORM = [
    "Patient: OKAFOR, ROBERT T",
    "MRN: 00731942   DOB: 04/22/1958",
    "Admitted: 3/6/2025   Room 4B",
    "Attending: Eric Murphy, MD",
]


def cluttered(size: tuple[int, int] = (1600, 1200)) -> Image.Image:
    rng = np.random.default_rng(5)
    base = rng.normal(150, 25, (size[1] // 8, size[0] // 8, 3)).clip(0, 255).astype(np.uint8)
    return Image.fromarray(base).resize(size, Image.Resampling.BICUBIC)


def test_a_form_at_15_degrees_is_found_straightened_and_read() -> None:
    card = render_lines(FORM, size=22, width=760, angle=0)
    photo = cluttered()
    photo.paste(card.rotate(15, expand=True, fillcolor=(150, 150, 150)), (300, 250))
    (region, *_) = find_regions(np.asarray(photo.convert("L")))
    assert abs(region.angle - 15) <= 2.5, region
    rep = scan_image(photo, engine(), Config(faces="ignore"), "form.png")
    types = {f.entity_type for f in rep.findings}
    assert {"MRN", "DATE", "PERSON", "CHART_SCREEN"} <= types, rep.findings


def barcode_image(rotate: float, module_px: int) -> tuple[Image.Image, Box]:
    import barcode
    from barcode.writer import ImageWriter

    buf = io.BytesIO()
    opts = {"module_width": 0.4, "module_height": 8, "write_text": False, "quiet_zone": 2,
            "dpi": 127}  # 2 px per module, then scaled as a camera would  # fmt: skip
    barcode.get("code128", "00731942", writer=ImageWriter()).write(buf, opts)
    code = Image.open(buf).convert("RGB")
    code = code.resize((code.width * module_px // 2, code.height * module_px // 2),
                       Image.Resampling.BILINEAR)  # fmt: skip
    code = code.rotate(rotate, expand=True, fillcolor=(255, 255, 255))
    band = Image.new("RGB", (code.width + 80, code.height + 60), (250, 246, 210))
    band.paste(code, (40, 30))
    photo = cluttered((1200, 900))
    photo.paste(band, (500, 400))
    return photo, Box(540, 430, code.width, code.height)


@pytest.mark.parametrize(("rotate", "module_px"), [(0, 3), (9, 2), (-7, 2)])
def test_barcodes_are_found_rotated_and_small(rotate: float, module_px: int) -> None:
    photo, where = barcode_image(rotate, module_px)
    codes = [f for f in find_codes(photo) if f.entity_type == "BARCODE"]
    assert codes, "no barcode found"
    covered = codes[0].boxes[0].padded(6, *photo.size).intersection(where)
    assert covered >= 0.9 * where.area


def test_qr_code_is_decoded_and_blurred_by_default() -> None:
    import segno

    buf = io.BytesIO()
    segno.make("MRN 00731942 OKAFOR ROBERT 1958-04-22").save(buf, kind="png", scale=4)
    photo = cluttered((1000, 800))
    photo.paste(Image.open(buf).convert("RGB"), (300, 200))
    (qr,) = find_codes(photo)
    assert qr.entity_type == "QR_CODE" and "OKAFOR" in qr.text
    assert redaction_boxes([qr], *photo.size, Config())


def test_plain_text_has_no_codes() -> None:
    text = render_lines(["Illinois lllll IIIII 1111 ||||| wall", "Hand hygiene saves lives"])
    assert find_codes(text) == []


def _block(rows: list[list[str]], first_line: int = 0, top: int = 0) -> Block:
    words = []
    for i, row in enumerate(rows):
        for j, t in enumerate(row):
            words.append(Word(t, Box(100 * j, top + 30 * i, 80, 20), 90.0, first_line + i))
    return Block(tuple(words), Region(Box(0, top, 400, 30 * len(rows)), 20.0, 0.0, 20))


def test_record_block_lifts_bare_values_and_a_poster_does_not() -> None:
    table = _block([["Room", "Patient", "MRN", "DOB"], ["4B", "Okafor", "00731942", "4/22/58"]])
    poster = _block([["Flu", "shots", "today"], ["Call", "00731942"]], first_line=10, top=900)
    ocr = join_words(list(table.words) + list(poster.words))
    recs = records([table, poster])
    assert [r.blocks for r in recs] == [(table,)]
    start = ocr.text.index("00731942")
    late = ocr.text.rindex("00731942")
    cands = [Finding("MRN", 0.2, "00731942", start, start + 8),
             Finding("MRN", 0.2, "00731942", late, late + 8)]  # fmt: skip
    lifted = boost(cands, ocr, recs)
    assert lifted[0].score >= 0.5 > lifted[1].score


def test_chart_screen_is_shown_but_blurred_whole_only_when_strict() -> None:
    f = Finding("CHART_SCREEN", 0.8, "dob, mrn", boxes=(Box(10, 10, 300, 200),))
    assert redaction_boxes([f], 1000, 800, Config()) == []
    assert redaction_boxes([f], 1000, 800, Config(strict=True))


def test_a_label_glued_to_its_value_still_makes_a_record() -> None:
    # OCR read a wristband's "DOB: 7/21/1972" as one word "DOB:7/21/1972".
    band = _block([["E,TINA", "N:E7892880", "DOB:7/21/1972"], ["Acct:", "932370226"]])
    assert [r.cues for r in records([band])] == [frozenset({"dob", "acct"})]


def test_a_board_titled_patient_assignments_is_a_record() -> None:
    # Seed 97: its "ATTENDING" header read "ATTENDRNO", its "DNR" "ONR"; the title says
    # who looks after which bed.
    board = _block([["PATIENT", "ASSIGNMENTS"], ["ROOM", "PATIENT", "NOTES"], ["415", "CS"]])
    assert [r.cues for r in records([board])] == [frozenset({"patient", "assignments", "room"})]


def test_a_long_label_word_read_with_one_letter_wrong_still_counts() -> None:
    # A census board in marker (seed 79): "Patient Assignments", "Rm", "Precautions"
    # read "Trecautions"; short cues and a last letter changed do not count.
    board = _block([["Patient", "issignments"], ["Rm", "928"], ["Trecautions", "droplet"]])
    assert [r.cues for r in records([board])] == [
        frozenset({"patient", "assignments", "rm", "precautions"})
    ]
    dashboard = _block([["Discharges", "before", "noon"], ["Patient", "Room", "turnover"]])
    assert records([dashboard]) == []  # "discharges" is no misread "discharged"


def test_a_patient_list_without_its_header_row_is_still_a_record() -> None:
    from phiguard.layout import looks_tabular

    rows = ("ORTIZ, CATHY N 33025034 4/8/1941 M. Mueller, MD Renal "
            "HANSON, CHRIS A 7812778 10/23/98 L. Meyers, MD Regular "
            "FERGUSON, D 00266683 05/25/1929 A. Carroll, MD NPO")  # fmt: skip
    assert looks_tabular(rows)
    dashboard = ("Falls this month 3 Hand hygiene 96.2% Goal 95% Updated 4/8/2025 "
                 "Next review 5/8/2025 Press Ganey 88th percentile Call ext 4410 "
                 "Thank you, Team! Posted 4/1/2025")  # fmt: skip
    assert not looks_tabular(dashboard)


def test_a_census_title_and_two_inverted_names_make_a_record() -> None:
    # A board in marker: its title and two "Last, First" names read, the rest as noise.
    board = _block([["4", "West", "Census"], ["Marales,", "Coututy"], ["674", "ee", "psis"],
                    ["Sctt,", "Lauree"], ["DUNLAP.L", "TODRY"]])  # fmt: skip
    (rec,) = records([board])
    assert rec.cues == frozenset({"census", "rows of ids, dates, names"})
    poster = _block([["Nurses", "Week"], ["Monday,", "May", "6"], ["Tuesday,", "May", "7"]])
    assert records([poster]) == []  # days of the week are no surnames


def test_four_names_written_with_initials_make_a_list_of_people() -> None:
    # A "Today's Team" board: no label word, rooms read, names with initials.
    board = _block([["Today's", "Team"], ["Worgos,", "Bloke"], ["426-4"], ["L.", "Reed"],
                    ["406-2"], ["Trecy", "R"], ["Hurst,", "N"], ["425"]])  # fmt: skip
    (rec,) = records([board])
    assert rec.cues == frozenset({"rows of ids, dates, names"})
    thanks = _block([["Thank", "you", "Dr.", "A.", "Patel"], ["and", "Nurse", "Jane", "D."],
                     ["Open", "Mon", "9-5"]])  # fmt: skip
    assert records([thanks]) == []


def test_four_known_first_names_on_their_own_make_a_list_of_people() -> None:
    # A board whose headers were read as noise ("NNE"): its nurse column still reads.
    board = _block([["NNE"], ["Karen", "4B"], ["Linda"], ["Lisa", "12"], ["Donald"]])
    (rec,) = records([board])
    assert rec.cues == frozenset({"rows of ids, dates, names"})
    poster = _block([["Nurses", "Week", "May", "6-12"], ["Thank", "you", "Karen", "and", "Lisa!"],
                     ["See", "June", "newsletter"]])  # fmt: skip
    assert records([poster]) == []  # two names; "May" and "June" are months


def test_an_id_beside_a_birth_date_makes_a_record() -> None:
    band = _block([["MANDA", "DB:", "11/21/34"], ["15014466", "Bowers"]])
    assert [r.cues for r in records([band])] == [frozenset({"an id and a birth date"})]
    supplies = _block([["LOT", "4829113"], ["EXP", "2027-03-01"], ["Rev", "01/15/24"]])
    assert records([supplies]) == []


def test_a_decoded_barcode_box_grows_to_its_bars(monkeypatch: pytest.MonkeyPatch) -> None:
    # zxing's corners of a code seen in perspective can fall inside its bars (a wristband
    # code at 9 degrees lost its top left): the box blurred is the bars' whole area.
    from phiguard import codes

    photo, where = barcode_image(9, 2)
    decoded = codes._decoded
    inner = Box(where.x + where.w // 5, where.y + where.h // 5, where.w * 7 // 10, where.h * 3 // 5)

    def shrunk(gray: np.ndarray, dx: int, dy: int, scale: float = 1.0, rotate: bool = True):
        return [replace(f, boxes=(inner,)) for f in decoded(gray, dx, dy, scale, rotate)]

    monkeypatch.setattr(codes, "_decoded", shrunk)
    (code,) = [f for f in find_codes(photo) if f.entity_type == "BARCODE"]
    assert code.source == "code:Code128"
    ys, xs = np.nonzero(
        np.asarray(photo.convert("L"))[where.y : where.bottom, where.x : where.right] < 90
    )
    bars = Box(where.x + int(xs.min()), where.y + int(ys.min()), int(np.ptp(xs)), int(np.ptp(ys)))
    blurred = redaction_boxes([code], *photo.size, Config())
    assert sum(b.intersection(bars) for b in blurred) >= 0.98 * bars.area


def test_a_last_century_date_with_its_label_cut_off_is_a_birth_date() -> None:
    # A wristband cut by the frame: "D" is all that is left of "DOB".
    cfg = Config(faces="ignore")
    band = render_lines(["D", "16-Aug-1922", "95426916"], size=26, width=500)
    kinds = {f.entity_type for f in scan_image(band, engine(), cfg, "band.png").findings}
    assert "DATE" in kinds
    poster = render_lines(["Flu clinic", "16-Aug-2025", "Room 4B"], size=26, width=500)
    kinds = {f.entity_type for f in scan_image(poster, engine(), cfg, "poster.png").findings}
    assert "DATE" not in kinds


def test_a_grainy_photo_is_not_one_block_and_its_small_label_is_read() -> None:
    # High-ISO grain clears the gradient floor everywhere: the whole frame became one
    # block of 7 px "characters", read shrunk to the reader's size limit (seed 7's
    # photo_027 wristband, nothing read).
    card = render_lines(["MASON, BECKY", "MRN: 00965353  DOB: 6/29/1965"], size=13,
                        width=330, angle=0)  # fmt: skip
    photo = cluttered((2016, 1512))
    photo.paste(card, (1200, 1100))
    grain = np.random.default_rng(9).normal(0, 7, (1512, 2016, 1))
    buf = io.BytesIO()
    Image.fromarray((np.asarray(photo) + grain).clip(0, 255).astype(np.uint8)).save(
        buf, "JPEG", quality=85
    )
    grainy = Image.open(buf).convert("RGB")
    regions = find_regions(np.asarray(grainy.convert("L")))
    assert regions and all(r.box.area < 0.5 * 2016 * 1512 for r in regions), regions
    assert any(r.box.intersection(Box(1250, 1140, 200, 60)) > 0 for r in regions), regions
    rep = scan_image(grainy, engine(), Config(faces="ignore"), "band.jpg")
    assert "MRN" in {f.entity_type for f in rep.findings}, rep.findings


def test_a_block_read_as_noise_is_needs_review_and_plain_text_is_not() -> None:
    # Seed 41's photo_004: a dark patient list in 8 px text, read as "0400/1961 MaSL M)"
    # with no label word, had no finding at all and was reported clean.
    from phiguard.layout import noise_findings

    region = Region(Box(100, 100, 300, 200), 10.0, 0.0, 40)

    def block(texts: str, conf: float) -> Block:
        return Block(tuple(Word(t, Box(100 + 20 * i, 100, 18, 10), conf, 0)
                           for i, t in enumerate(texts.split())), region)  # fmt: skip

    noise = block("0on 0400/1961 M 101/40 E R M) 0104193 L MaSL", 62.0)
    plain = block("Badges must be visible at all times in the unit", 99.0)
    assert [f.entity_type for f in noise_findings([noise], [])] == ["NEEDS_REVIEW"]
    assert noise_findings([plain], []) == []
    assert noise_findings([block("0on 0400/1961 MaSL", 40.0)], []) == []  # too few words
    # Half the words unsure is noise whatever the rest scored (seed 61's census table).
    half = Block(block("Orthe Ceasus maucly twall.2", 45.0).words
                 + block("Romae Lotae Parce COP", 99.0).words, region)  # fmt: skip
    assert [f.entity_type for f in noise_findings([half], [])] == ["NEEDS_REVIEW"]
