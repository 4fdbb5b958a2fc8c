"""Load phiguard's own recognizers from YAML, one recognizer per file.

Each file is a Presidio PatternRecognizer definition (name, supported_entity, patterns,
context, deny_list) plus three phiguard-only keys that Presidio would reject:
`description` (for humans), `examples` (self-tests run by tests/test_recognizers.py)
and `validator` (the name of a check in VALIDATORS that a match must pass). Patterns
and words live in the YAML so that tuning a detector never needs a code change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import regex
import yaml
from presidio_analyzer import EntityRecognizer, PatternRecognizer

# Re-exported: the folder is found in config.py, which the CLI imports without Presidio.
from phiguard.config import default_recognizers_dir as default_recognizers_dir
from phiguard.lexicon import is_first_name

# Keys Presidio's PatternRecognizer.from_dict understands, and phiguard's extras.
PRESIDIO_KEYS = frozenset(
    {"name", "supported_entity", "supported_language", "patterns", "context", "deny_list",
     "deny_list_score"}
)  # fmt: skip
PHIGUARD_KEYS = frozenset({"description", "examples", "validator"})
REQUIRED_KEYS = frozenset({"name", "supported_entity"})
PATTERN_KEYS = frozenset({"name", "regex", "score"})
EXAMPLE_KEYS = frozenset({"match", "no_match"})

# Presidio compiles patterns with these flags; we compile with the same ones so a
# regex that loads here also loads there.
PRESIDIO_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE

_MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"  # CMS leaves out S, L, O, I, B, Z
_MBI_LAYOUT = re.compile(
    rf"[1-9][{_MBI_LETTERS}][{_MBI_LETTERS}\d]\d[{_MBI_LETTERS}][{_MBI_LETTERS}\d]\d"
    rf"[{_MBI_LETTERS}]{{2}}\d{{2}}"
)


class RecognizerDefinitionError(ValueError):
    """A recognizer YAML file is malformed; the message names the file."""


def mbi_layout_ok(text: str) -> bool:
    """Medicare Beneficiary Identifier: CMS fixes the character class of all 11 positions."""
    return _MBI_LAYOUT.fullmatch(text.upper().replace("-", "").replace(" ", "")) is not None


def starts_with_first_name(text: str) -> bool:
    """The match's first word is a known first name ("Vickie R", not "Room B")."""
    words = text.split()
    return bool(words) and is_first_name(words[0])


# A validator sees the matched text and says whether it can be the real thing.
VALIDATORS: dict[str, Callable[[str], bool]] = {
    "mbi": mbi_layout_ok,
    "first_name": starts_with_first_name,
}


class ValidatedPatternRecognizer(PatternRecognizer):
    """A PatternRecognizer whose matches must also pass a named validator.

    A failing match is dropped; a passing one keeps its pattern score, so context still
    decides. (Presidio's validate_result would lift a pass straight to 1.0, which is
    right for a checksum but too strong for a layout check.)
    """

    def __init__(self, validator: Callable[[str], bool], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._validator = validator

    def invalidate_result(self, pattern_text: str) -> bool:
        return not self._validator(pattern_text)


def recognizer_files(directory: Path) -> list[Path]:
    """Every recognizer definition in `directory`, in a stable order."""
    if not directory.is_dir():
        raise FileNotFoundError(f"recognizers directory not found: {directory}")
    return sorted(directory.glob("*.yaml"))


def _fail(path: Path, message: str) -> RecognizerDefinitionError:
    return RecognizerDefinitionError(f"{path}: {message}")


def _mapping(path: Path, where: str, value: object, allowed: frozenset[str]) -> dict[str, Any]:
    """`value` as a dict whose keys are all in `allowed`, or a clear error."""
    if not isinstance(value, dict):
        raise _fail(path, f"{where} must be a mapping")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise _fail(path, f"unknown key(s) {unknown} in {where}; allowed: {sorted(allowed)}")
    return value


def _check_patterns(path: Path, patterns: object) -> None:
    if not isinstance(patterns, list):
        raise _fail(path, "'patterns' must be a list")
    for i, item in enumerate(patterns):
        pattern = _mapping(path, f"patterns[{i}]", item, PATTERN_KEYS)
        if set(pattern) != PATTERN_KEYS:
            raise _fail(path, f"patterns[{i}] needs name, regex and score")
        score = pattern["score"]
        if not isinstance(score, int | float) or not 0 <= score <= 1:
            raise _fail(path, f"patterns[{i}] ({pattern['name']}): score must be in [0, 1]")
        try:
            regex.compile(pattern["regex"], PRESIDIO_FLAGS)
        except (regex.error, TypeError) as exc:
            raise _fail(path, f"patterns[{i}] ({pattern['name']}): bad regex: {exc}") from exc


def _check_examples(path: Path, examples: object) -> None:
    for kind, items in _mapping(path, "examples", examples, EXAMPLE_KEYS).items():
        if not isinstance(items, list):
            raise _fail(path, f"examples.{kind} must be a list")
        for i, item in enumerate(items):
            ok = isinstance(item, str) or (
                isinstance(item, dict)
                and set(item) in ({"text"}, {"text", "value"})
                and all(isinstance(v, str) for v in item.values())
                and item.get("value", "") in item["text"]
            )
            if not ok:
                what = "a string or {text, value} with value a substring of text"
                raise _fail(path, f"examples.{kind}[{i}] must be {what}")


def _check_definition(path: Path, raw: object) -> dict[str, Any]:
    data = _mapping(path, "the file", raw, PRESIDIO_KEYS | PHIGUARD_KEYS)
    missing = sorted(REQUIRED_KEYS - set(data))
    if missing:
        raise _fail(path, f"missing key(s) {missing}")
    if not all(isinstance(data[key], str) and data[key] for key in REQUIRED_KEYS):
        raise _fail(path, f"{sorted(REQUIRED_KEYS)} must be non-empty strings")
    if not data.get("patterns") and not data.get("deny_list"):
        raise _fail(path, "needs 'patterns' or 'deny_list'")
    _check_patterns(path, data.get("patterns", []))
    for key in ("context", "deny_list"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            raise _fail(path, f"'{key}' must be a list of strings")
    if "validator" in data and data["validator"] not in VALIDATORS:
        raise _fail(path, f"unknown validator {data['validator']!r}; known: {sorted(VALIDATORS)}")
    if "examples" in data:
        _check_examples(path, data["examples"])
    return data


def load_definition(path: Path) -> dict[str, Any]:
    """Read and validate one recognizer file; the raw dict, examples included."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _fail(path, f"not valid YAML: {exc}") from exc
    return _check_definition(path, data)


def load_definitions(directory: Path) -> list[dict[str, Any]]:
    """Every definition in `directory` as a validated raw dict (for tests and tooling)."""
    return [load_definition(path) for path in recognizer_files(directory)]


def build_recognizer(definition: dict[str, Any]) -> PatternRecognizer:
    """Turn one validated definition into a Presidio recognizer."""
    presidio = {k: v for k, v in definition.items() if k not in PHIGUARD_KEYS}
    validator = definition.get("validator")
    if validator is None:
        return PatternRecognizer.from_dict(presidio)
    return ValidatedPatternRecognizer.from_dict({**presidio, "validator": VALIDATORS[validator]})


def load_recognizers(directory: Path) -> list[EntityRecognizer]:
    """Build a recognizer from every `*.yaml` in `directory`; names must be unique."""
    recognizers: list[EntityRecognizer] = []
    seen: dict[str, Path] = {}
    for path in recognizer_files(directory):
        definition = load_definition(path)
        name = definition["name"]
        if name in seen:
            raise _fail(path, f"recognizer name {name!r} is already used by {seen[name]}")
        seen[name] = path
        try:
            recognizers.append(build_recognizer(definition))
        except (TypeError, ValueError) as exc:  # what Presidio raises on a bad definition
            raise _fail(path, str(exc)) from exc
    return recognizers
