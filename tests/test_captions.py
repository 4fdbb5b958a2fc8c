"""Captions, known-patient hashes and posts: real engine, real Tesseract, real CLI."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import pytest

from bench.captions import corpus
from phiguard.config import Config
from phiguard.decide import weigh_in_context
from phiguard.known import KnownListError, hash_census, known_findings, parse
from phiguard.lexicon import caption_rules
from phiguard.models import Finding
from phiguard.scan import find_in_caption
from tests import support

CFG = Config()
# Synthetic values only (made up, Faker-style).
CENSUS = 'Name,MRN,Room\n"Quintero, Xiomara",00482913,412\nTomasz Wierzbicki,E7730215,3B\n'


def flagged(text: str, config: Config = CFG) -> list[tuple[str, str]]:
    return [(f.entity_type, f.text) for f in find_in_caption(text, support.engine(), config)]


@pytest.mark.parametrize(
    "text",
    [
        "Congratulations to Jenna Morales, RN, on her DAISY Award! 🌼",
        "Meet our new Chief Medical Officer, Dr. Alan Whitfield.",
        "Visiting hours are 9 AM to 3 PM starting March 3.",
        "Last year we delivered 4,000 babies. Walk 30 minutes a day!",
        "Join us on June 14 for our 5K. Email events@stbrigid.org to register.",
        "Shout out to Kevin in Environmental Services for keeping our halls sparkling!",
    ],
)
def test_clean_captions_raise_no_alarm(text: str) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("After 6 weeks in our ICU, Aida is finally heading home! 💙", "Aida"),
        ("Grateful patient Margarita wrote us a letter. Thank you, Margarita!", "Margarita"),
        ("Mrs. Lewis finished chemo on 4-22-26 and brought cupcakes!", "4-22-26"),
        ("When Tina came to our ER on Dec. 11, her heart had stopped.", "Dec. 11"),
        (
            "When Dustin came to our ER, his heart had stopped. Today he came back to hug the "
            "nurses who saved his life.",
            "Dustin",
        ),
        ("Mr. Rowe turned 101 this week while recovering on our ortho unit.", "101"),
        ("Welcome baby Liam, born 6/14/2025 at 7 lbs 2 oz!", "6/14/2025"),
    ],
)
def test_patient_captions_are_flagged(text: str, value: str) -> None:
    found = [t for _, t in flagged(text)]
    assert any(value in t for t in found), found


def test_a_first_name_after_a_sentences_first_word_or_on_the_next_line_is_a_candidate() -> None:
    from phiguard.decide import first_name_candidates

    def names(text: str) -> list[str]:
        return [f.text for f in first_name_candidates(text)]

    assert names("When Dustin came in") == ["Dustin"]  # "When Dustin" is no name
    assert names("Harles\nEmily\nRenal") == ["Emily"]  # a board's cells, one a line
    assert names("Emily\nRenal") == ["Emily"]  # never a pair across two lines
    assert names("Meet Bernardo Hayden.") == ["Bernardo Hayden"]
    assert names("Thanks to Nayeli Nolan") == []  # a surname that is also a first name


def test_repeated_name_is_flagged_everywhere() -> None:
    found = flagged("Grateful patient Margarita wrote us a letter. Thank you, Margarita!")
    assert [t for _, t in found].count("Margarita") == 2


def test_staff_cue_lowers_and_patient_cue_raises() -> None:
    text = "Dr. Ana Ruiz cared for patient Omar Haddad"
    fs = [Finding("PERSON", 0.85, "Ana Ruiz", 4, 12, source="text:SpacyRecognizer"),
          Finding("PERSON", 0.5, "Omar Haddad", 31, 42, source="text:FirstNameList")]  # fmt: skip
    staff, patient = weigh_in_context(fs, text, caption_rules())
    assert staff.score < 0.6 <= patient.score


def test_caption_latency_after_start_up() -> None:
    caps = [c.text for c in corpus(per_template=1)][:60]
    find_in_caption("warm-up for Maria", support.engine(), CFG)
    ms = []
    for text in caps:
        t0 = time.perf_counter()
        find_in_caption(text, support.engine(), CFG)
        ms.append((time.perf_counter() - t0) * 1000)
    assert statistics.median(ms) < 25, statistics.median(ms)


def test_bench_spans_are_labelled_exactly() -> None:
    caps = corpus(per_template=1)
    assert any(c.clean for c in caps) and any(not c.clean for c in caps)
    for c in caps:
        for s in c.spans:
            assert c.text[s.start : s.end].strip() == c.text[s.start : s.end] != ""


def test_hash_file_holds_no_value_in_the_clear() -> None:
    out = hash_census(CENSUS)
    for secret in ("quintero", "xiomara", "482913", "7730215", "wierzbicki"):
        assert secret not in out.lower()
    assert hash_census(CENSUS).splitlines()[0] != out.splitlines()[0]  # a fresh salt each time


def test_known_list_matches_names_and_mrns_ner_misses() -> None:
    known = parse(hash_census(CENSUS))
    text = "Xiomara QUINTERO says hi to Mr. Wierzbicki; chart MRN 0048-2913, Anna Quintero"
    hits = [(f.entity_type, f.text, f.source) for f in known_findings(text, known)]
    assert ("PERSON", "Xiomara QUINTERO", "text:known-list") in hits
    assert ("PERSON", "Wierzbicki", "text:known-list") in hits
    assert ("MRN", "0048-2913", "text:known-list") in hits
    assert not any("Anna" in t for _, t, _ in hits)
    cfg = CFG.with_(known=known)
    assert ("PERSON", "Xiomara QUINTERO") in flagged("Xiomara QUINTERO went home", cfg)


def test_bad_hash_file_is_rejected() -> None:
    with pytest.raises(KnownListError):
        parse("Quintero, Xiomara\n")


@pytest.mark.slow
def test_cli_hash_list_and_known_scan(tmp_path: Path) -> None:
    census = tmp_path / "census.csv"
    census.write_text(CENSUS, encoding="utf-8")
    made = support.run_cli("hash-list", str(census))
    assert made.returncode == 0 and "Quintero" not in made.stdout
    (tmp_path / "known.hashes").write_text(made.stdout, encoding="utf-8")
    res = support.run_cli("scan", "--known", str(tmp_path / "known.hashes"), "--format", "json",
                          "-", stdin="so proud of xiomara quintero today")  # fmt: skip
    doc = json.loads(res.stdout)
    assert res.returncode == 1
    assert doc["files"][0]["findings"][0]["source"] == "text:known-list"
    assert "quintero" not in res.stdout.lower()


@pytest.fixture(scope="module")
def whiteboard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("post")
    img = support.render_lines(["4 WEST CENSUS", "RM 412   Xiomara", "RM 414   Bed cleaning"])
    img.save(folder / "whiteboard.png")
    return folder


@pytest.mark.slow
def test_post_catches_caption_name_on_the_whiteboard(whiteboard: Path) -> None:
    caption = "Our girl Xiomara is going home today!"
    photo = str(whiteboard / "whiteboard.png")
    res = support.run_cli("scan", "--format", "json", "--caption", caption, photo)
    doc = json.loads(res.stdout)
    assert res.returncode == 1, res.stderr
    assert [f["kind"] for f in doc["files"]] == ["text", "image"]
    post = doc["post"]
    assert post["verdict"] == "phi"
    paths = {c["path"] for c in post["combinations"]}
    assert paths == {"<caption>", str(whiteboard / "whiteboard.png")}
    photo_hit = next(c for c in post["combinations"] if c["bbox"])
    assert photo_hit["entity_type"] == "POST_COMBINATION" and photo_hit["text"] == "X******"


@pytest.mark.slow
def test_post_folder_with_caption_txt(whiteboard: Path, tmp_path: Path) -> None:
    post = tmp_path / "post"
    post.mkdir()
    (post / "caption.txt").write_text("Happy Nurses Week to our 4 West team!", encoding="utf-8")
    (post / "team.png").write_bytes((whiteboard / "whiteboard.png").read_bytes())
    (post / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    res = support.run_cli("scan", "--format", "json", str(post))
    doc = json.loads(res.stdout)
    assert doc["post"]["caption"].endswith("caption.txt")
    assert doc["post"]["verdict"] == "error" and res.returncode == 2  # fails closed
    assert {f["verdict"] for f in doc["files"]} >= {"error"}


def test_a_post_keeps_an_audit_log_and_refuses_file_only_options(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    caption = "Our girl Xiomara Okafor is going home today!"
    res = support.run_cli("scan", "--caption", caption, "--audit-log", str(log))
    assert res.returncode == 1
    lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert lines and "Okafor" not in log.read_text(encoding="utf-8")
    (tmp_path / "b.json").write_text("{}", encoding="utf-8")
    for opt in (["--format", "sarif"], ["--baseline", str(tmp_path / "b.json")]):
        bad = support.run_cli("scan", "--caption", caption, *opt)
        assert bad.returncode == 2 and "not on a post" in bad.stderr


def test_the_clean_sample_caption_and_its_hashtag_are_clean() -> None:
    """spaCy tags "#nursesweek" a PERSON (0.75) in a caption about a fall: no capital, no name."""
    sample = Path(__file__).parent.parent / "samples" / "caption_clean.txt"
    assert flagged(sample.read_text()) == []
    found = flagged("Our patient Ruth Alvarez went home today #nursesweek")
    assert found == [("PERSON", "Ruth Alvarez")]
