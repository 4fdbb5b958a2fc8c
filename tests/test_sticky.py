"""Sticky notes whose writing we cannot read are blurred; read or blank ones are not."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from phiguard.config import Config
from phiguard.models import Box, Word
from phiguard.noteread import read_notes_again
from phiguard.ocr import Block
from phiguard.redact import redaction_boxes
from phiguard.regions import Region
from phiguard.scan import scan_image
from phiguard.sticky import writing_on_notes
from tests.support import FONT, engine, quad_box

AQUA = (150, 205, 200)


def _wall(colour: tuple[int, int, int] = AQUA) -> Image.Image:
    """A pale aqua wall: pastel itself, so the note must stand out by its own hue."""
    rng = np.random.default_rng(3)
    base = np.clip(np.array(colour) + rng.normal(0, 4, (900, 1200, 3)), 0, 255)
    return Image.fromarray(base.astype(np.uint8))


def _note(lines: list[str], size: int, blur: float, colour=(255, 238, 120)) -> Image.Image:
    note = Image.new("RGB", (200, 200), colour)
    d, font = ImageDraw.Draw(note), ImageFont.truetype(FONT, size)
    for i, line in enumerate(lines):
        d.text((14, 16 + i * int(size * 1.6)), line, fill=(30, 30, 60), font=font)
    return note.filter(ImageFilter.GaussianBlur(blur)) if blur else note


def _photo(note: Image.Image, angle: float = 7.0, at: tuple[int, int] = (700, 150),
           wall: tuple[int, int, int] = AQUA) -> Image.Image:  # fmt: skip
    photo = _wall(wall)
    tilted = note.rotate(angle, expand=True, fillcolor=(0, 0, 0))
    mask = Image.new("L", note.size, 255).rotate(angle, expand=True)
    photo.paste(tilted, at, mask)
    return photo


def _inside(outer: Box, x: int, y: int) -> bool:
    return outer.x <= x < outer.right and outer.y <= y < outer.bottom


def test_the_writing_on_a_tilted_note_is_found_and_a_blank_note_is_not() -> None:
    note = _note(["epic login", "jsmith / Tr0ub4dor!"], 12, 0)
    found = writing_on_notes(np.asarray(_photo(note)))
    assert len(found) == 1, found
    assert _inside(found[0], 730, 185), found  # the first line, near the note's corner
    assert writing_on_notes(np.asarray(_photo(_note([], 12, 0)))) == []


def test_a_pinned_up_poster_and_a_cork_board_are_not_notes() -> None:
    poster = Image.new("RGB", (300, 420), (225, 235, 170))  # portrait, pastel, printed
    d = ImageDraw.Draw(poster)
    d.text((20, 20), "Fall prevention", fill=(20, 20, 40), font=ImageFont.truetype(FONT, 30))
    d.text((20, 90), "Call, don't fall. Use the call light.", fill=(20, 20, 40),
           font=ImageFont.truetype(FONT, 12))  # fmt: skip
    cork = Image.new("RGB", (260, 240), (180, 140, 95))
    ImageDraw.Draw(cork).rectangle((20, 20, 240, 220), fill=(250, 250, 245))
    ImageDraw.Draw(cork).text((30, 40), "Potluck Friday", fill=(20, 20, 30),
                              font=ImageFont.truetype(FONT, 14))  # fmt: skip
    for thing in (poster, cork):
        assert writing_on_notes(np.asarray(_photo(thing, angle=4))) == []


def test_an_unreadable_note_is_blurred_in_a_photo_with_phi_and_shown_in_a_clean_one() -> None:
    cfg = Config(faces="ignore")
    unreadable = _photo(_note(["pacs login", "mkhan2 / Zq7!pRw"], 11, 1.6))
    rep = scan_image(unreadable, engine(), cfg, "note.png")
    assert [f.entity_type for f in rep.findings] == ["NEEDS_REVIEW"], rep.findings
    assert redaction_boxes(rep.findings, unreadable.width, unreadable.height, cfg) == []
    ImageDraw.Draw(unreadable).text(
        (80, 600), "Patient: OKAFOR, ROBERT  MRN: 00731942", fill=(20, 20, 30),
        font=ImageFont.truetype(FONT, 28),
    )  # fmt: skip
    rep = scan_image(unreadable, engine(), cfg, "note.png")
    assert "STICKY_NOTE" in {f.entity_type for f in rep.findings}, rep.findings
    boxes = redaction_boxes(rep.findings, unreadable.width, unreadable.height, cfg)
    assert any(_inside(b, 760, 200) for b in boxes)


def test_a_note_read_as_plain_words_is_left_alone() -> None:
    readable = _photo(_note(["Huddle", "at noon", "today"], 30, 0))
    rep = scan_image(readable, engine(), Config(faces="ignore"), "huddle.png")
    assert not {"STICKY_NOTE", "NEEDS_REVIEW"} & {f.entity_type for f in rep.findings}


def test_two_bare_lines_with_a_password_shaped_word_are_a_credential() -> None:
    cfg = Config(faces="ignore")
    photo = _photo(_note(["jsmith", "Summer24!"], 28, 0))
    rep = scan_image(photo, engine(), cfg, "login.png")
    assert "CREDENTIAL" in {f.entity_type for f in rep.findings}, rep.findings
    assert any(_inside(b, 760, 190) for b in redaction_boxes(rep.findings, 1200, 900, cfg))


def test_a_pink_note_is_a_note_though_its_hue_wraps_round_red() -> None:
    note = np.asarray(_note(["epic login", "jsmith / Tr0ub4dor!"], 12, 0, (250, 205, 205)))
    grain = np.random.default_rng(5).normal(0, 3, note.shape)  # a camera's noise
    pink = Image.fromarray(np.clip(note + grain, 0, 255).astype(np.uint8))
    hues = np.asarray(pink.convert("HSV"))[..., 0]
    assert (hues < 5).mean() > 0.2 and (hues > 250).mean() > 0.2  # either side of red
    assert len(writing_on_notes(np.asarray(_photo(pink)))) == 1


def test_a_user_name_over_a_misread_password_is_a_credential() -> None:
    # "Summer2020!" read as "Summer20207": no symbol left, still a login written down.
    cfg = Config(faces="ignore")
    photo = _photo(_note(["davis44", "Summer20207"], 28, 0))
    rep = scan_image(photo, engine(), cfg, "login.png")
    assert "CREDENTIAL" in {f.entity_type for f in rep.findings}, rep.findings
    reminder = _photo(_note(["Room12 at", "3pm today"], 28, 0))
    rep = scan_image(reminder, engine(), cfg, "memo.png")
    assert "CREDENTIAL" not in {f.entity_type for f in rep.findings}, rep.findings


def test_misread_labels_beside_two_codes_still_make_a_login() -> None:
    # "Citrix pw / user: johnson65 / pw: Garden028#" in a script font, as PP-OCR read it.
    from phiguard.models import Box, Word
    from phiguard.sticky import _login_pair

    def words(*texts: str) -> list[Word]:
        return [Word(t, Box(10 * i, 0, 9, 9), 90.0, 0) for i, t in enumerate(texts)]

    assert _login_pair(words("Citrix", "po", "waer:", "johnson65", "po:Garden028"))
    assert not _login_pair(words("Citrix", "po", "waer:", "johnson65"))  # one code
    assert _login_pair(words("eclayto3", "Spring635"))  # a user name with one digit
    assert _login_pair(words("U", "eclayto3", "P.", "Spring635"))  # "U: ... P: ..."
    assert not _login_pair(words("Rm", "eclayto3", "at", "Spring635"))
    assert not _login_pair(words("Huddle", "at", "2pm", "bring", "Room12B", "reports2024"))
    assert not _login_pair(words("Potluck:", "Friday", "Unit4B22", "sign-up", "sheet", "desk",
                                 "today", "Room221"))  # fmt: skip


def test_a_note_on_a_wall_of_its_own_hue_stands_out_by_its_brightness() -> None:
    # Seed 29's photo_002: a peach note on a lit peach-brown wall, both pastel and of
    # one hue, merged into one shape too big for a note.
    wall = np.asarray(_wall((168, 132, 100)))
    photo = Image.fromarray(wall)
    note = _note(["PACS", "jwagner7 / Clearly204#"], 12, 0, (255, 200, 130))
    photo.paste(note.rotate(5, expand=True, fillcolor=(168, 132, 100)), (500, 300))
    found = writing_on_notes(np.asarray(photo))
    assert len(found) == 1, found
    assert _inside(found[0], 530, 330), found


def test_a_note_stuck_on_a_white_label_with_a_colour_cast_is_its_own_shape() -> None:
    # Seed 7's photo_042: a pale blue note overlapping a wristband whose white label the
    # camera tinted blue (saturation ~50); at the pastel floor of 40 they were one shape.
    photo = _wall((40, 190, 80))  # a green wall: not pastel
    ImageDraw.Draw(photo).rectangle((300, 420, 1000, 600), fill=(154, 173, 190))
    note = _note(["wifi: chelsea.baker / His381#"], 12, 0, (129, 168, 199))
    photo.paste(note, (350, 260))
    found = writing_on_notes(np.asarray(photo))
    assert len(found) == 1, found
    assert _inside(found[0], 380, 285), found


def test_a_note_in_dim_light_is_a_note() -> None:
    # Seeds 7, 29 and 65: a login on a note in an underexposed corner, its paper at a
    # brightness of 125-150, was below every paper floor and the photo reported clean.
    note = _note(["Citrix login", "jsmith / Tr0ub4dor!"], 12, 0.6, (150, 142, 80))
    found = writing_on_notes(np.asarray(_photo(note, 6, (600, 300), wall=(45, 48, 58))))
    assert len(found) == 1, found
    assert _inside(found[0], 640, 345), found


def test_camera_noise_on_a_blank_patch_in_dim_light_is_no_writing() -> None:
    # Noise specks of 4-10 px on a 330-px dim pastel square passed for ten pen strokes.
    rng = np.random.default_rng(5)
    photo = np.clip(np.array((40, 70, 50)) + rng.normal(0, 4, (900, 1200, 3)), 0, 255)
    speckle = cv2.GaussianBlur(rng.normal(0, 1, (330, 330)), (0, 0), 1.2)
    photo[300:630, 500:830] = np.clip(np.array((95, 140, 120)) + 14 * speckle[..., None]
                                      / speckle.std(), 0, 255)  # fmt: skip
    assert writing_on_notes(photo.astype(np.uint8)) == []


def test_a_note_that_names_its_secret_is_a_credential_however_the_secret_was_read() -> None:
    from phiguard.models import Box, Word
    from phiguard.sticky import _labelled

    def words(*texts: str) -> list[Word]:
        return [Word(t, Box(10 * i, 0, 9, 9), 90.0, 0) for i, t in enumerate(texts)]

    assert _labelled(words("WIFI", "MEDNET-5G", "PW", "WELCOMEOOS"))  # "Welcome00$"
    assert _labelled(words("user:", "jsmith"))
    assert _labelled(words("LISAJAMES", "PASSWORDO35"))  # "Password03$", its own label
    assert not _labelled(words("Passover", "potluck", "2pm"))
    assert not _labelled(words("Bus", "pass", "Friday"))
    assert not _labelled(words("Huddle", "2pm", "bring", "Pinwheels"))


def test_a_note_is_read_only_where_its_words_cover_its_ink() -> None:
    # "login" read "togin" at 100 over an unread "bramirez / f3G6wReq(dTV" (seed 7).
    from phiguard.models import Word
    from phiguard.sticky import _all_read

    gray = np.full((100, 200), 230, np.uint8)
    gray[20:30, 20:80] = 40  # the word that was read
    gray[60:70, 20:180] = 40  # the line that was not
    writing = Box(10, 10, 180, 70)
    top = Word("togin", Box(18, 18, 64, 14), 100.0, 0)
    below = Word("bramirez", Box(18, 58, 164, 14), 40.0, 1)
    assert not _all_read(gray, writing, [top])
    assert _all_read(gray, writing, [top, below])


def test_a_name_and_a_number_to_call_on_a_note_are_lifted_and_a_reminder_is_not() -> None:
    """A titled name or a phone number alone is weak (a poster's "Dr. Lee", a hospital's
    own number); on a note they are somebody's contact (seed 89 photo_023)."""
    cfg = Config(faces="ignore")
    photo = _photo(_note(["CALL MRS. BARNETT", "908-541-0668"], 17, 0), angle=3)
    found = {f.entity_type: f.text for f in scan_image(photo, engine(), cfg, "n.png").findings}
    assert found.get("PERSON") == "MRS. BARNETT" and found.get("PHONE_NUMBER"), found
    reminder = _photo(_note(["Snacks", "Friday"], 24, 0), angle=3)
    kinds = {f.entity_type for f in scan_image(reminder, engine(), cfg, "r.png").findings}
    assert not kinds & {"PERSON", "PHONE_NUMBER", "DATE"}, kinds
    on_a_wall = _wall()
    font = ImageFont.truetype(FONT, 30)
    ImageDraw.Draw(on_a_wall).text((100, 100), "CALL MRS. BARNETT  908-541-0668", font=font,
                                   fill=(20, 20, 40))  # fmt: skip
    assert scan_image(on_a_wall, engine(), cfg, "w.png").findings == ()


def test_a_close_up_note_is_a_note_and_a_big_pastel_poster_is_not() -> None:
    """Up to 15% of the photo any about-square patch; a close-up up to 30% only when
    nearly square, as a note is and a poster (A4 0.71, letter 0.77) is not."""
    note = _note(["epic login", "jsmith / Tr0ub4dor!"], 12, 0).resize((470, 470))
    assert len(writing_on_notes(np.asarray(_photo(note, angle=3, at=(300, 150))))) == 1
    poster = _note(["Flu shots", "for staff"], 12, 0).resize((400, 520))
    assert writing_on_notes(np.asarray(_photo(poster, angle=3, at=(300, 150)))) == []


def _ink_page() -> tuple[np.ndarray, Box]:
    """A pale page with two lines of dark marks in a note's writing box."""
    gray = np.full((300, 400), 230, np.uint8)
    for y in (110, 140):
        for x in range(110, 290, 12):
            gray[y : y + 10, x : x + 7] = 40
    return gray, Box(100, 100, 200, 60)


def test_a_note_misread_in_a_larger_block_is_read_again_on_its_own() -> None:
    gray, writing = _ink_page()
    seen = [
        Word("hey.", Box(108, 106, 60, 16), 80.0, 1),
        Word("Spving202", Box(172, 106, 120, 46), 90.0, 1),
    ]
    other = Word("Vitals", Box(10, 10, 50, 14), 99.0, 0)
    blocks = [Block((other, *seen), Region(Box(0, 0, 400, 300), 14.0, 0.0, 40))]
    again = [
        Word("wifi:", Box(108, 106, 50, 16), 97.0, 0),
        Word("StaffNet", Box(170, 106, 110, 16), 80.0, 0),
        Word("key:", Box(108, 136, 50, 16), 90.0, 1),
        Word("Spring2021!", Box(170, 136, 120, 16), 98.0, 1),
    ]
    asked: list[Region] = []

    def reader(region: Region, base: int) -> list[Word]:
        asked.append(region)
        return [Word(w.text, w.box, w.conf, base + w.line) for w in again]

    out = read_notes_again(gray, blocks, [writing], reader)
    assert [r.box for r in asked] == [writing] and 8 <= asked[0].line_height <= 12
    assert [w.text for b in out for w in b.words] == [
        "Vitals",
        "wifi:",
        "StaffNet",
        "key:",
        "Spring2021!",
    ]
    assert min(w.line for w in out[-1].words) > 1  # line ids stay unique across blocks
    # A note read as a login already is not read again; a rereading worse than the first is dropped.
    login = [Block((Word("pw:", Box(108, 106, 40, 16), 90.0, 1), *seen), None)]
    assert read_notes_again(gray, login, [writing], reader) == login
    assert (
        read_notes_again(
            gray, blocks, [writing], lambda r, b: [Word("x", Box(108, 106, 9, 9), 50.0, b)]
        )
        == blocks
    )


def test_a_wifi_key_on_a_note_by_a_monitor_is_a_credential() -> None:
    # Bench seed 103 photo 26: read within the monitor's block, "hey. Spving202 1!".
    from bench.synth.corpus import make_photo

    jpeg, rec = make_photo(103, 26)
    photo = Image.open(io.BytesIO(jpeg)).convert("RGB")
    (quad,) = [v["quad"] for v in rec["values"] if v["kind"] == "CREDENTIAL"]
    cfg = Config(faces="ignore")
    rep = scan_image(photo, engine(), cfg, "note.jpg")
    assert "CREDENTIAL" in {f.entity_type for f in rep.findings}, rep.findings
    boxes = redaction_boxes(rep.findings, photo.width, photo.height, cfg)
    secret = quad_box(quad)
    assert any(b.intersection(secret) >= 0.95 * secret.area for b in boxes), (boxes, secret)
