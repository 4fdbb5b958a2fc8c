"""Fast tests of the pure mapping, masking and policy logic (canned OCR words)."""

from __future__ import annotations

import pytest

from phiguard.analyze import join_words, locate, title_caps, undo_confusions
from phiguard.config import Config
from phiguard.decide import decide, deny_list_findings
from phiguard.models import Box, FileReport, Finding, Word
from phiguard.redact import redact_text
from phiguard.report import exit_code, mask


def words(*rows: list[str]) -> list[Word]:
    out, x = [], 0
    for line, row in enumerate(rows):
        x = 10
        for t in row:
            out.append(Word(t, Box(x, 20 * line, 10 * len(t), 12), 90.0, line))
            x += 10 * len(t) + 8
    return out


def test_join_words_puts_lines_on_separate_lines() -> None:
    ocr = join_words(words(["GARCIA,", "MARIA"], ["MRN:", "00482913"]))
    assert ocr.text == "GARCIA, MARIA\nMRN: 00482913"
    assert [ocr.text[s:e] for s, e, _ in ocr.spans] == ["GARCIA,", "MARIA", "MRN:", "00482913"]


def test_locate_covers_whole_words_one_box_per_line() -> None:
    ocr = join_words(words(["1234", "Oak"], ["Street", "Boston"]))
    f = Finding("STREET_ADDRESS", 0.9, "1234 Oak\nStreet", 0, 15)
    (located,) = locate([f], ocr)
    assert len(located.boxes) == 2
    assert located.boxes[0] == Box(10, 0, 40 + 8 + 30, 12)
    assert located.boxes[1] == Box(10, 20, 60, 12)
    assert located.start is None and located.end is None


def test_locate_partial_word_match_covers_the_word() -> None:
    ocr = join_words(words(["MRN:00482913"]))
    (located,) = locate([Finding("MRN", 0.9, "00482913", 4, 12)], ocr)
    assert located.boxes == (Box(10, 0, 120, 12),)


def test_title_caps_and_confusions_keep_length() -> None:
    assert title_caps("GARCIA, MARIA J Rm 4") == "Garcia, Maria J Rm 4"
    assert undo_confusions("DOB O3/l4/1951 MRN 0O4829l3") == "DOB 03/14/1951 MRN 00482913"
    assert undo_confusions("Oslo SOLD Bob") == "Oslo SOLD Bob"  # words stay words


def test_a_month_misread_by_one_letter_inside_a_date_is_made_whole() -> None:
    from phiguard.analyze import undo_month_confusions as fix

    assert fix("D08:15-Jam-1958") == "D08:15-Jan-1958"
    assert fix("DOB 0ct 3, 1951 | 3 DEE 2024") == "DOB Oct 3, 1951 | 3 DEC 2024"
    # Outside a date's slot a word stays: no day before it, or no year after it.
    assert fix("Room 4 Dee") == "Room 4 Dee"
    assert fix("3 Jam sessions") == "3 Jam sessions"
    for s in ["GARCIA", "O3/l4/1951 x"]:
        assert len(title_caps(s)) == len(s) == len(undo_confusions(s))


def test_mask_hides_digits_and_all_but_initials() -> None:
    assert mask("Maria Garcia") == "M**** G*****"
    assert mask("(617) 555-2231") == "(***) ***-****"
    assert mask("E1234567") == "E*******"


def test_decide_thresholds_allow_list_and_containment() -> None:
    cfg = Config(allow_list=frozenset({"Alan Smith"}))
    found = [
        Finding("PERSON", 0.85, "Alan  smith", 0, 11),
        Finding("PERSON", 0.4, "Maria", 20, 25),
        Finding("MRN", 0.9, "00482913", 30, 38),
        Finding("PHONE_NUMBER", 0.6, "0048291", 30, 37),
        Finding("LOCATION", 0.9, "Boston", 40, 46),
    ]
    kept = decide(found, cfg)
    assert [f.entity_type for f in kept] == ["MRN"]


def test_an_ocr_name_run_into_the_next_lines_field_keeps_its_first_line() -> None:
    from phiguard.decide import weigh

    src = "ocr:SpacyRecognizer+record"
    run_on = Finding("PERSON", 1.0, "G. Carlson\nMRN:7883321", 10, 32, source=src)
    assert weigh(run_on) == Finding("PERSON", 1.0, "G. Carlson", 10, 20, source=src)
    assert weigh(Finding("PERSON", 1.0, "MRN 00731942 DOB", 0, 16, source=src)).score == 0.0
    # A lone surname is how a wristband writes a name; on a sign it is weak evidence.
    assert weigh(Finding("PERSON", 0.9, "Miller", 0, 6, source=src)).score == 0.9
    assert weigh(Finding("PERSON", 0.9, "Wash", 0, 4, source="ocr:SpacyRecognizer")).score < 0.6


def test_deny_list_is_always_flagged() -> None:
    cfg = Config(deny_list=frozenset({"Project Falcon"}))
    found = deny_list_findings("the project  falcon rollout", cfg)
    assert [(f.start, f.end) for f in found] == [(4, 19)]
    assert decide(found, cfg)


def test_redact_text_replaces_spans() -> None:
    text = "Pt Maria Garcia MRN 00482913."
    fs = [Finding("PERSON", 0.9, "", 3, 15), Finding("MRN", 0.9, "", 20, 28)]
    assert redact_text(text, fs) == "Pt [PERSON] MRN [MRN]."


def test_exit_codes() -> None:
    clean = FileReport("a", "text", "clean")
    phi = FileReport("b", "text", "phi")
    err = FileReport("c", "image", "error", error="x")
    assert exit_code([clean]) == 0
    assert exit_code([clean, phi]) == 1
    assert exit_code([phi, err, clean]) == 2


def test_analysis_opens_no_network_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is fetched at run time: e-mail validation must not download a suffix list."""
    import socket

    from phiguard.scan import scan_text
    from tests.support import engine

    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    rep = scan_text("Write to maria.garcia@example.org or m.lee@clinic.co.uk", engine(), Config())
    assert {f.entity_type for f in rep.findings} == {"EMAIL_ADDRESS"}
    assert attempts == []


def test_a_crash_is_an_error_that_does_not_quote_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from phiguard.scan import _failing_closed

    def crash() -> FileReport:
        raise ValueError("invalid literal for int() with base 10: 'Okafor'")

    monkeypatch.delenv("PHIGUARD_DEBUG", raising=False)
    rep = _failing_closed("photo.jpg", crash)
    assert rep.verdict == "error" and "ValueError at test_units.py:" in (rep.error or "")
    assert "Okafor" not in (rep.error or "")
    monkeypatch.setenv("PHIGUARD_DEBUG", "1")
    assert "Okafor" in (_failing_closed("photo.jpg", crash).error or "")


def test_leptonica_noise_stays_off_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    import ctypes

    from phiguard import tessapi

    tessapi._api("eng", 3)  # loads tesserocr (and its leptonica), then quiets it
    with open("/proc/self/maps", encoding="ascii", errors="replace") as maps:
        lib = next(line.split()[-1] for line in maps if "libleptonica" in line)
    assert ctypes.CDLL(lib).pixScanForForeground(None, None, 0, None) == 1  # an error...
    assert "Error in" not in capfd.readouterr().err  # ...that is not printed


def test_a_spacy_name_holding_a_signs_word_is_only_a_candidate_in_a_photo() -> None:
    from phiguard.phototext import OCR_GUESS_SCORE, doubt_ocr_names

    def spacy(text: str) -> Finding:
        return Finding("PERSON", 0.85, text, source="ocr:SpacyRecognizer")

    poster, band, banner = (
        spacy("HAND HYGIENE - BER"),
        spacy("HAND, MARIA"),
        spacy("Okafor, Robert"),
    )
    scores = [f.score for f in doubt_ocr_names([poster, band, banner])]
    assert scores == [OCR_GUESS_SCORE, 0.85, 0.85]


def test_a_name_read_as_guesses_among_guesses_is_only_a_candidate() -> None:
    from phiguard.ocr import Block
    from phiguard.phototext import OCR_GUESS_SCORE, doubt_ocr_names, guesses

    def block(words: list[tuple[str, float]], line: int) -> Block:
        return Block(tuple(Word(t, Box(60 * i, 40 * line, 50, 20), c, line)
                           for i, (t, c) in enumerate(words)), None)  # fmt: skip

    poster = block([("Saiaion", 50), ("Phevsston", 26), ("and", 21), ("Cosrol", 32)], 0)
    board = block([("Patient", 95), ("Sobm", 31), ("Sox", 44), ("REED", 100)], 1)
    blocks = [poster, board]
    ocr = join_words([w for b in blocks for w in b.words])

    def spacy(text: str) -> Finding:
        start = ocr.text.index(text)
        return Finding("PERSON", 0.85, text, start, start + len(text), source="ocr:SpacyRecognizer")

    found = doubt_ocr_names([spacy("Saiaion Phevsston"), spacy("Sobm Sox")], guesses(blocks, ocr))
    assert [f.score for f in found] == [OCR_GUESS_SCORE, 0.85]


def test_a_name_in_a_block_read_as_noise_needs_a_title_or_a_first_name() -> None:
    # Seed 71: a bulletin card's "Potluck Friday" read "Palick Frily" (99, 50) among
    # words read as noise; seed 7: "Mrs Daltoo" on a census board read as noise.
    from phiguard.ocr import Block
    from phiguard.phototext import OCR_GUESS_SCORE, doubt_ocr_names, guesses

    words = [("Palick", 99), ("Frily", 50), ("b", 66), ("be", 29), ("brta", 68), ("Mrs", 87),
             ("Daltoo", 30), ("Linda", 99), ("Frily", 50), ("besk", 85)]  # fmt: skip
    blocks = [Block(tuple(Word(t, Box(60 * i, 0, 50, 20), c, 0)
                          for i, (t, c) in enumerate(words)), None)]  # fmt: skip
    ocr = join_words(list(blocks[0].words))

    def spacy(text: str) -> Finding:
        start = ocr.text.index(text)
        return Finding("PERSON", 0.85, text, start, start + len(text), source="ocr:SpacyRecognizer")

    names = [spacy("Palick Frily"), spacy("Mrs Daltoo"), spacy("Linda Frily")]
    found = doubt_ocr_names(names, guesses(blocks, ocr))
    assert [f.score for f in found] == [OCR_GUESS_SCORE, 0.85, 0.85]


def test_a_name_spacy_ran_from_one_block_into_the_next_is_split_at_the_block() -> None:
    # Seed 69: a card's "Cm Ran" (for "Conf Room B") and a far-off sign's "Family";
    # seed 61: "Dr Brock" and "Charlene M." on a board, two blocks, both names.
    from phiguard.ocr import Block
    from phiguard.phototext import one_block_names

    blocks = [Block((Word("Cm", Box(0, 0, 20, 10), 90, 0), Word("Ran", Box(25, 0, 30, 10), 90, 0)),
                    None),
              Block((Word("Family", Box(900, 500, 60, 10), 99, 1),), None)]  # fmt: skip
    ocr = join_words([w for b in blocks for w in b.words])
    name = Finding("PERSON", 0.85, ocr.text, 0, len(ocr.text), source="ocr:SpacyRecognizer")
    assert [f.text for f in one_block_names([name], blocks, ocr)] == ["Cm Ran", "Family"]
    one = Finding("PERSON", 0.85, "Cm Ran", 0, 6, source="ocr:SpacyRecognizer")
    assert one_block_names([one], blocks, ocr) == [one]


def test_a_spacy_name_run_on_into_a_signs_line_is_still_a_name() -> None:
    from phiguard.phototext import doubt_ocr_names

    run_on = Finding("PERSON", 0.85, "Dr. Wilkins\nQuiet", source="ocr:SpacyRecognizer")
    assert doubt_ocr_names([run_on])[0].score == 0.85


@pytest.mark.parametrize(
    ("text", "source", "kept"),
    [
        ("J. Collier", "ocr:SpacyRecognizer+record", True),
        ("Danielle H.", "ocr:SpacyRecognizer+record", True),
        ("Collier", "ocr:SpacyRecognizer+record", True),  # a wristband's lone surname
        ("Danielle", "ocr:SpacyRecognizer", False),  # a lone word outside a record
    ],
)
def test_an_initialled_name_is_not_a_lone_word(text: str, source: str, kept: bool) -> None:
    """spaCy's 0.9 on "Patient: J. Collier" stays; a lone word outside a record goes to
    0.54, under PERSON's threshold."""
    found = Finding("PERSON", 0.9, text, start=0, end=len(text), source=source)
    assert bool(decide([found], Config())) is kept


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("SSN: 354.93-6514", "SSN: 354-93-6514"),  # a 9-px hyphen read as a stop
        ("SSN 129-37,4356", "SSN 129-37-4356"),
        ("354.93.6514", "354.93.6514"),  # one separator throughout: not a misread
        ("v 3.12-2024", "v 3.12-2024"),
        ("1354.93-6514", "1354.93-6514"),
    ],
)
def test_mixed_separators_in_an_ssn_shape_are_made_hyphens(text: str, fixed: str) -> None:
    from phiguard.analyze import undo_separator_confusions

    assert undo_separator_confusions(text) == fixed


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("Phone 409-937~0773", "Phone 409-937-0773"),  # a small hyphen read as a tilde
        ("~30 min", "~30 min"),
    ],
)
def test_a_tilde_between_digits_is_a_hyphen(text: str, fixed: str) -> None:
    from phiguard.analyze import undo_separator_confusions

    assert undo_separator_confusions(text) == fixed


def test_the_numeric_pass_needs_no_ner() -> None:
    """Presidio on spaCy's tokens alone finds what it finds with NER for the numeric
    entities, context words ("MRN", "DOB") included."""
    from phiguard.analyze import NUMERIC_ENTITIES
    from phiguard.engine import without_ner
    from tests.support import engine

    eng = engine()
    text = "Pt: GARCIA, MARIA  MRN 00731942  DOB 04/22/1958\nacct 88213377 call 555-201-4477"
    wanted = sorted(NUMERIC_ENTITIES & set(eng.entities))
    full = eng.analyzer.analyze(text=text, language="en", entities=wanted)
    bare = eng.analyzer.analyze(text=text, language="en", entities=wanted,
                                nlp_artifacts=without_ner(eng, text))  # fmt: skip
    assert full and sorted(map(str, full)) == sorted(map(str, bare))
