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


@functools.lru_cache(maxsize=1)
def _one_off() -> tuple[frozenset[str], frozenset[str]]:
    """Known first names of 5+ letters with one letter masked ("ash?ey"), and with one
    letter left out ("ashey")."""
    names = [n for n in first_names() if len(n) >= 5]
    masked = {n[:i] + "?" + n[i + 1 :] for n in names for i in range(len(n))}
    return frozenset(masked), frozenset(n[:i] + n[i + 1 :] for n in names for i in range(len(n)))


def is_near_first_name(word: str) -> bool:
    """Whether a word is a known first name, or a capitalised one of 5+ letters that is
    one read a letter wrong or short ("Askley", "Cwistine", "Thoms").

    Only a column's cells ask this (columns.py): anywhere in a record it matched
    ordinary words by the hundred ("Renal", "Email", "Chart"), and no English word list
    ships here to tell them apart.
    """
    if is_first_name(word):
        return True
    raw = word.strip(".,;:'-")
    w = raw.lower()
    if len(w) < 5 or not w.isalpha() or not raw[0].isupper():
        return False
    masked, short = _one_off()
    return w in short or any(w[:i] + "?" + w[i + 1 :] in masked for i in range(len(w)))


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
