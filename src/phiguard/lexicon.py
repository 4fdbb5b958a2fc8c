"""Word lists shipped inside the package: caption context rules and first names.

Static package data, read once per process (cached); users tune the YAML in the
source tree (src/phiguard/data/), not at run time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml


@dataclass(frozen=True)
class CaptionRules:
    """Cues that tell a patient's name from a staff member's (see caption_rules.yaml)."""

    staff_titles: frozenset[str]
    staff_credentials: frozenset[str]
    staff_phrases: tuple[str, ...]
    patient_titles: frozenset[str]
    patient_phrases: tuple[str, ...]
    not_name_words: frozenset[str]
    sign_words: frozenset[str]  # never a surname: a sign's words (phototext.doubt_ocr_names)
    org_email_names: frozenset[str]


def _data(name: str) -> str:
    return (resources.files("phiguard") / "data" / name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def caption_rules() -> CaptionRules:
    raw = yaml.safe_load(_data("caption_rules.yaml"))

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in raw[key])

    return CaptionRules(
        staff_titles=words("staff_titles"),
        staff_credentials=words("staff_credentials"),
        staff_phrases=tuple(sorted(words("staff_phrases"))),
        patient_titles=words("patient_titles"),
        patient_phrases=tuple(sorted(words("patient_phrases"))),
        not_name_words=words("not_name_words"),
        sign_words=words("sign_words"),
        org_email_names=words("org_email_names"),
    )


@functools.lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Lower-cased first names (1990 US Census lists minus ordinary English words)."""
    lines = _data("first_names.txt").splitlines()
    return frozenset(s for s in lines if s and not s.startswith("#"))


def is_first_name(word: str) -> bool:
    """Whether a word, less the punctuation a list puts round it ("Karen,"), is a known
    first name. The one test of it: recognizers, layout, columns and decide ask it."""
    return word.strip(".,;:'-").lower() in first_names()


@dataclass(frozen=True)
class LayoutCues:
    """Label words of a patient record (see layout_cues.yaml)."""

    strong: frozenset[str]
    weak: frozenset[str]
    login: frozenset[str]  # a short line holding one heads a note of credentials
    people: frozenset[str]  # a column's header over a column of people


@functools.lru_cache(maxsize=1)
def layout_cues() -> LayoutCues:
    raw = yaml.safe_load(_data("layout_cues.yaml"))
    return LayoutCues(
        strong=frozenset(str(w).lower() for w in raw["strong"]),
        weak=frozenset(str(w).lower() for w in raw["weak"]),
        login=frozenset(str(w).lower() for w in raw["login"]),
        people=frozenset(str(w).lower() for w in raw["people"]),
    )
