"""Every example in every recognizer YAML, run through the full engine; plus the loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from phiguard.config import Config
from phiguard.engine import Engine
from phiguard.recognizers import (
    RecognizerDefinitionError,
    default_recognizers_dir,
    load_definition,
    load_definitions,
    load_recognizers,
    mbi_layout_ok,
    recognizer_files,
)
from tests import support

RECOGNIZERS_DIR = default_recognizers_dir()
CONFIG = Config()
MIN_EXAMPLES = 6


@pytest.fixture(scope="module")
def engine() -> Engine:
    """The full engine, shared with the other test modules (built once per process)."""
    return support.engine()


def flagged_spans(engine: Engine, text: str, entity: str) -> list[tuple[int, int]]:
    """Spans of `entity` that the pipeline would act on in `text`.

    The single place that decides "is this flagged", so it can later go through
    phiguard.analyze (which adds the OCR-normalized and title-cased passes).
    """
    results = engine.analyzer.analyze(text=text, language="en", entities=[entity])
    threshold = CONFIG.threshold(entity)
    return [(r.start, r.end) for r in results if r.entity_type == entity and r.score >= threshold]


def _example_params() -> list[object]:
    params: list[object] = []
    for path in recognizer_files(RECOGNIZERS_DIR):
        definition = load_definition(path)
        examples = definition.get("examples", {})
        for kind in ("match", "no_match"):
            for i, example in enumerate(examples.get(kind, [])):
                item = {"text": example} if isinstance(example, str) else example
                params.append(
                    pytest.param(
                        definition["supported_entity"], kind, item, id=f"{path.name}::{kind}[{i}]"
                    )
                )
    return params


@pytest.mark.parametrize(("entity", "kind", "example"), _example_params())
def test_example(engine: Engine, entity: str, kind: str, example: dict[str, str]) -> None:
    text = example["text"]
    spans = flagged_spans(engine, text, entity)
    found = [text[s:e] for s, e in spans]
    if kind == "no_match":
        assert not spans, f"{entity} wrongly flagged {found} in {text!r}"
        return
    assert spans, f"{entity} missed in {text!r}"
    if "value" in example:
        start = text.index(example["value"])
        end = start + len(example["value"])
        assert any(s <= start and e >= end for s, e in spans), (
            f"{entity} flagged {found} but not all of {example['value']!r} in {text!r}"
        )


@pytest.mark.parametrize("path", recognizer_files(RECOGNIZERS_DIR), ids=lambda p: p.name)
def test_every_recognizer_has_enough_examples(path: Path) -> None:
    examples = load_definition(path).get("examples", {})
    assert len(examples.get("match", [])) >= MIN_EXAMPLES
    assert len(examples.get("no_match", [])) >= MIN_EXAMPLES


def test_shipped_recognizers_load_with_unique_names() -> None:
    recognizers = load_recognizers(RECOGNIZERS_DIR)
    names = [r.name for r in recognizers]
    assert len(names) == len(set(names)) == len(load_definitions(RECOGNIZERS_DIR)) > 0


GOOD = """\
name: TicketRecognizer
supported_entity: TICKET
description: test only
patterns:
  - {name: ticket, regex: 'TKT-\\d{4}', score: 0.7}
context: [ticket]
examples:
  match: ["TKT-1234"]
  no_match: ["ticket"]
"""


def _write(tmp_path: Path, text: str, name: str = "ticket.yaml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_loader_strips_phiguard_keys(tmp_path: Path) -> None:
    (recognizer,) = load_recognizers(_write(tmp_path, GOOD))
    assert recognizer.name == "TicketRecognizer"
    assert recognizer.supported_entities == ["TICKET"]
    assert not hasattr(recognizer, "examples")
    assert load_definitions(tmp_path)[0]["examples"]["match"] == ["TKT-1234"]
    assert [r.start for r in recognizer.analyze("see TKT-1234", ["TICKET"])] == [4]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("context:", "contexts:", "unknown key"),
        ("'TKT-\\d{4}'", "'TKT-(\\d{4}'", "bad regex"),
        ("score: 0.7", "score: 7", "score"),
        ("score: 0.7}", "score: 0.7, flags: 2}", "unknown key"),
        ("description:", "validator: nope\ndescription:", "unknown validator"),
        ('match: ["TKT-1234"]', "matches: []", "unknown key"),
        ("name: TicketRecognizer\n", "", "missing key"),
    ],
)
def test_bad_definition_names_the_file(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new), name="broken.yaml")
    with pytest.raises(RecognizerDefinitionError, match=message) as info:
        load_recognizers(path)
    assert "broken.yaml" in str(info.value)


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(RecognizerDefinitionError, match=r"broken\.yaml"):
        load_recognizers(_write(tmp_path, "name: [unclosed\n", name="broken.yaml"))


def test_duplicate_names_are_rejected(tmp_path: Path) -> None:
    _write(tmp_path, GOOD, name="a.yaml")
    _write(tmp_path, GOOD, name="b.yaml")
    with pytest.raises(RecognizerDefinitionError, match="already used"):
        load_recognizers(tmp_path)


@pytest.mark.parametrize(
    ("text", "ok"),
    [("1EG4-TE5-MK73", True), ("1eg4te5mk73", True), ("1EB4-TE5-MK73", False),
     ("0EG4-TE5-MK73", False), ("1EG4-TE5-MK7", False), ("1EG4-TS5-MK73", False)],
)  # fmt: skip
def test_mbi_layout(text: str, ok: bool) -> None:
    assert mbi_layout_ok(text) is ok


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_recognizers(tmp_path / "nowhere")
