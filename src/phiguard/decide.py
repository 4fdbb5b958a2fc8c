"""Policy: which candidate findings count, given thresholds and allow/deny lists."""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from phiguard.config import Config
from phiguard.lexicon import CaptionRules, caption_rules, first_names, is_first_name
from phiguard.models import Finding


def normalize(value: str) -> str:
    """Case- and space-insensitive form used to compare with allow and deny lists."""
    return " ".join(value.casefold().split())


# A lone capitalised word that spaCy calls a PERSON ("Wash" on a hand-hygiene sign, "Cap"
# in a diagnosis list) is weak evidence; with patient context Presidio lifts it to 1.0
# first, and 1.0 x 0.6 still passes the PERSON threshold.
SINGLE_NAME_FACTOR = 0.6


def weigh(f: Finding) -> Finding:
    """Adjust scores for patterns of evidence the recognizers cannot see alone."""
    if f.entity_type != "PERSON" or "SpacyRecognizer" not in f.source:
        return f
    if re.search(r"\d", f.text):
        # On OCR text spaCy calls "MRN 00731942 DOB" a person; kept, it would also hide
        # the MRN inside it (one value, one row). Names have no digits; a name run on
        # into the next line's field ("G. Carlson\nMRN:7883321") is its first line.
        first = f.text.split("\n")[0]
        if first == f.text or re.search(r"\d", first) or f.start is None:
            return replace(f, score=0.0)
        f = replace(f, text=first, end=f.start + len(first))
    if f.source.startswith("ocr:Spacy") and not _name_like(f):
        return replace(f, score=0.0)
    if _single_word(f.text) and "+record" not in f.source:
        # A lone surname on a wristband or chart ("Miller") is how records write it.
        return replace(f, score=round(f.score * SINGLE_NAME_FACTOR, 3))
    return f


# Lower-case words that do belong in names ("Ana de la Cruz", "Ludwig van Beethoven").
_PARTICLES = frozenset({"de", "del", "della", "da", "di", "du", "la", "le", "van", "von", "der",
                        "den", "bin", "ibn", "al", "el", "y"})  # fmt: skip


def _name_like(f: Finding) -> bool:
    """spaCy on OCR text calls fragments names ("Partiy kt C", "Wash", "Romember"). A name
    read in a photo has capitalised words, and a lone word must be a census first name
    unless it sits in a patient-record block (layout.boost marks those "+record")."""
    words = re.findall(r"[^\W\d_]+", f.text)
    if any(w.islower() and w not in _PARTICLES for w in words):
        return False
    if len([w for w in words if len(w) > 1]) >= 2 or "+record" in f.source:
        return True
    return bool(words) and is_first_name(words[0])


# "J. Collier", "Danielle H.": an initial with its stop beside a name is how lists and
# charts write a whole name, not a lone word.
_INITIALLED = re.compile(r"(?<![\w.])[A-Z]\.\s?[A-Z][a-z]|[A-Z][a-z]+\s[A-Z]\.(?!\w)")


def _single_word(text: str) -> bool:
    return len(re.findall(r"[^\W\d_]{2,}", text)) < 2 and not _INITIALLED.search(text)


def decide(findings: list[Finding], config: Config, prose: str | None = None) -> list[Finding]:
    """Keep findings of wanted entities above their threshold and not allow-listed.

    `prose`: the caption the findings came from; its words then raise patients' names
    and lower staff names (weigh_in_context). OCR text is not prose and skips this.
    """
    allowed = {normalize(a) for a in config.allow_list}
    weighed = [weigh(f) for f in findings]
    if prose is not None:
        weighed = weigh_in_context(weighed, prose, caption_rules())
    kept = [
        f
        for f in weighed
        if (f.entity_type in config.entities or f.entity_type == "DENY_LIST")
        and f.score >= config.threshold(f.entity_type)
        and normalize(f.text) not in allowed
    ]
    if prose is not None:
        kept += repeated_names(kept, prose)
    return _drop_contained(kept)


def repeated_names(kept: list[Finding], text: str) -> list[Finding]:
    """Once "patient Margarita" is flagged, "Thank you, Margarita!" is the same person."""
    out: list[Finding] = []
    taken = [(f.start, f.end) for f in kept if f.start is not None and f.end is not None]
    for f in kept:
        if f.entity_type != "PERSON" or f.start is None:
            continue
        for word in set(re.findall(r"\b[A-Z][^\W\d_]{2,}\b", f.text)):
            for m in re.finditer(rf"\b{re.escape(word)}\b", text):
                if not any(s is not None and e is not None and s < m.end() and m.start() < e
                           for s, e in taken):  # fmt: skip
                    out.append(replace(f, text=word, start=m.start(), end=m.end(),
                                       source=f"{f.source}:repeated"))  # fmt: skip
                    taken.append((m.start(), m.end()))
    return out


def _drop_contained(findings: list[Finding]) -> list[Finding]:
    """Drop a finding whose span lies inside a stronger one of any type (one value, one row)."""
    out = []
    for f in findings:
        if f.start is None or f.end is None:
            out.append(f)
            continue
        shadowed = any(
            g is not f
            and g.start is not None
            and g.end is not None
            and g.start <= f.start
            and f.end <= g.end
            and (g.end - g.start, g.score) > (f.end - f.start, f.score)
            for g in findings
        ) or any(  # the same value found twice (a recognizer and the known list): keep one
            (g.entity_type, g.start, g.end) == (f.entity_type, f.start, f.end) for g in out
        )
        if not shadowed:
            out.append(f)
    return out


def deny_list_findings(text: str, config: Config, source: str = "text") -> list[Finding]:
    """Values the organization always wants flagged, wherever they appear."""
    out = []
    for term in sorted(config.deny_list):
        pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, term.split())) + r"(?!\w)"
        for m in re.finditer(pattern, text, flags=re.IGNORECASE):
            out.append(
                Finding(
                    "DENY_LIST", 1.0, m.group(0), m.start(), m.end(), source=f"{source}:deny_list"
                )
            )
    return out


# Scores a caption's context sets: a name next to a patient cue is flagged; a staff
# cue pushes even a confident spaCy name (1.0 x 0.5) under PERSON's 0.6.
PATIENT_SCORE = 0.75
STAFF_FACTOR = 0.5
FIRST_NAME_SCORE = 0.5  # a listed first name alone is a candidate, not a finding
# The surname on the same line only: on a photo the next line is another cell ("Emily"
# over "Renal"), and a pair across two lines drew one box round both.
_CAP_NAME = re.compile(
    r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:[ \t]+(?:Mc|Mac|O')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)?\b"
)
_STARTS = re.compile(r"(?:^|[.!?\n])[ \t]*$")  # what comes before a sentence's first word
_ABBREV = re.compile(r"\b(?:dr|mr|mrs|ms|mx|st|jr|sr|rev|prof|pt|no|vs)\.$", re.IGNORECASE)


def first_name_candidates(text: str, source: str = "text") -> list[Finding]:
    """Capitalised words on the first-name list, with a following capitalised surname.

    spaCy's small model misses many lone first names ("Aida is heading home!"); these
    candidates stay under the PERSON threshold unless the caption tells a patient's story.
    """
    names, out, pos = first_names(), [], 0
    while m := _CAP_NAME.search(text, pos):
        words = m.group(0).split()
        pos = m.start() + len(words[0])
        if words[0].lower() not in names:
            # A sentence's or a line's first word, capitalised as such, may stand before
            # a name ("When Dustin came"); elsewhere the next word is a surname ("Nayeli
            # Nolan"), and the pair is spaCy's to judge.
            if not _STARTS.search(text[max(0, m.start() - 4) : m.start()]):
                pos = m.end()
            continue
        end = m.end() if len(words) > 1 and words[1].lower() not in caption_rules().not_name_words \
            else pos  # fmt: skip
        out.append(Finding("PERSON", FIRST_NAME_SCORE, text[m.start() : end], m.start(), end,
                           source=f"{source}:FirstNameList"))  # fmt: skip
        pos = end
    return out


def weigh_in_context(findings: list[Finding], text: str, rules: CaptionRules) -> list[Finding]:
    """Patient or staff? Adjust caption names by the words around them (caption_rules.yaml)."""
    patient_story = _has_phrase(text.lower(), rules.patient_phrases)
    out = []
    for f in findings:
        if (
            f.entity_type == "EMAIL_ADDRESS"
            and f.text.split("@")[0].lower() in rules.org_email_names
        ):
            continue  # events@hospital.org is the organisation's, not a person's
        if f.entity_type == "DATE" and patient_story and "Date" in f.source:
            f = replace(f, score=max(f.score, PATIENT_SCORE))  # a date in a patient's story
        if f.entity_type != "PERSON" or f.start is None or f.end is None or "known" in f.source:
            out.append(f)
            continue
        if _not_a_name(f.text, rules):
            continue
        role = _role(text, f.start, f.end, rules)
        sentence = _sentence(text, f.start, f.end)
        if role is None and patient_story and _has_phrase(sentence, rules.patient_phrases):
            role = "patient"
        if role is None and _has_phrase(sentence, rules.staff_phrases):
            role = "staff"
        if role == "staff":
            out.append(replace(f, score=round(f.score * STAFF_FACTOR, 3)))
        elif role == "patient" or patient_story:
            out.append(replace(f, score=max(f.score, PATIENT_SCORE)))
        else:
            out.append(f)
    return out


def _not_a_name(value: str, rules: CaptionRules) -> bool:
    # No capital anywhere: a hashtag or a word ("#nursesweek"), however spaCy tagged it.
    words = re.findall(r"[^\W\d_]+", value.lower())
    return (
        value.islower()
        or any(c.isdigit() or c == "@" for c in value)
        or any(w in rules.not_name_words for w in words)
    )


def _role(text: str, start: int, end: int, rules: CaptionRules) -> str | None:
    """A title right before the name or a credential right after it decides at once."""
    before = re.search(r"([\w.'-]+)[\s,]*$", text[max(0, start - 30) : start])
    word = before.group(1).lower() if before else ""
    if word in rules.patient_titles or word.rstrip(".") in rules.patient_titles:
        return "patient"
    if word in rules.staff_titles or word.rstrip(".") in rules.staff_titles:
        return "staff"
    after = re.match(r"\s*,?\s*([A-Za-z][A-Za-z-]*\.?)", text[end : end + 20])
    if (
        after
        and after.group(1).isupper()
        and after.group(1).lower().rstrip(".") in rules.staff_credentials
    ):
        return "staff"
    return None


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end]; "Dr." and "Mrs." do not end one."""
    left, right = 0, len(text)
    for m in re.finditer(r"[!?\n]+|\.(?=\s)", text):
        if m.group(0) == "." and _ABBREV.search(text[max(0, m.start() - 5) : m.end()]):
            continue
        if m.end() <= start:
            left = m.end()
        elif m.start() >= end:
            right = m.start()
            break
    return text[left:right].lower()


@functools.lru_cache(maxsize=8)
def _phrase_regex(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")


def _has_phrase(text: str, phrases: tuple[str, ...]) -> bool:
    return _phrase_regex(phrases).search(text) is not None
