"""A post is a caption plus photos: one verdict, and the combinations neither shows alone.

A first name in the caption ("Maria went home today!") is weak on its own; the same
name on a whiteboard in the photo, or the caption's "room 412" on a door sign, ties the
post to one patient. The caption's terms travel to the photo scans in the Config (so
worker processes get them too), and each photo reports a POST_COMBINATION finding with
the box of the matching word; `assemble` moves those into the post's report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from phiguard.analyze import OcrText, analyze_text
from phiguard.config import Config
from phiguard.decide import first_name_candidates, weigh, weigh_in_context
from phiguard.engine import Engine
from phiguard.lexicon import caption_rules
from phiguard.models import FileReport, Finding, Verdict

COMBINATION = "POST_COMBINATION"
CAPTION_FILE = "caption.txt"
# A caption name counts as a term unless the caption's own words made it staff
# (a lone listed first name sits at 0.5; a staff name is pushed to 0.25-0.5).
TERM_SCORE = 0.5
_ROOM = re.compile(r"\b(?:room|rm|bed|bay|suite)\s*#?\s*(\d{1,4}[A-Za-z]?)\b", re.IGNORECASE)
_NAME_WORD = re.compile(r"\b[A-Z][^\W\d_]{2,}\b")


@dataclass(frozen=True)
class PostReport:
    """The post's own verdict and the combination findings (path, finding)."""

    verdict: Verdict
    caption: str
    files: tuple[str, ...]
    combinations: tuple[tuple[str, Finding], ...] = ()


def caption_terms(caption: str, engine: Engine, config: Config) -> tuple[tuple[str, str], ...]:
    """("name", word) for every patient-or-unknown name word, ("room", number) for rooms."""
    people = [f for f in analyze_text(caption, engine, config, confusions=False)
              if f.entity_type == "PERSON"] + first_name_candidates(caption)  # fmt: skip
    weighed = weigh_in_context([weigh(f) for f in people], caption, caption_rules())
    names = {w for f in weighed if f.score >= TERM_SCORE for w in _NAME_WORD.findall(f.text)}
    rooms = {m.group(1).upper() for m in _ROOM.finditer(caption)}
    return tuple(sorted({("name", n) for n in names} | {("room", r) for r in rooms}))


def combinations_in_photo(ocr: OcrText, terms: tuple[tuple[str, str], ...]) -> list[Finding]:
    """A POST_COMBINATION finding on each photo word that is one of the caption's terms."""
    if not terms:
        return []
    wanted = {(kind, value.casefold()) for kind, value in terms}
    out = []
    for word in ocr.words:
        name = re.sub(r"[^\w'-]", "", word.text).casefold()
        room = re.sub(r"^(?:rm|room|bed)#?|[^\w]", "", word.text, flags=re.IGNORECASE).casefold()
        kind = "name" if ("name", name) in wanted else "room" if ("room", room) in wanted else None
        if kind:
            out.append(Finding(COMBINATION, 1.0, word.text, boxes=(word.box,),
                               source=f"ocr:caption-{kind}"))  # fmt: skip
    return out


def caption_matches(caption: str, terms: set[tuple[str, str]]) -> list[Finding]:
    """Where the matched terms sit in the caption (so the post report can point at both)."""
    out = []
    for kind, value in sorted(terms):
        pattern = _ROOM if kind == "room" else re.compile(rf"\b{re.escape(value)}\b", re.IGNORECASE)
        for m in pattern.finditer(caption):
            if kind == "name" or m.group(1).casefold() == value.casefold():
                out.append(Finding(COMBINATION, 1.0, m.group(0), m.start(), m.end(),
                                   source=f"caption:caption-{kind}"))  # fmt: skip
    return out


def assemble(
    caption: FileReport,
    caption_text: str,
    photos: list[FileReport],
    terms: tuple[tuple[str, str], ...],
) -> tuple[PostReport, list[FileReport]]:
    """One verdict for the post; per-file reports keep only what each file shows alone."""
    combos: list[tuple[str, Finding]] = []
    files = []
    for r in photos:
        own = tuple(f for f in r.findings if f.entity_type != COMBINATION)
        combos += [(r.path, f) for f in r.findings if f.entity_type == COMBINATION]
        alone: Verdict = r.verdict if r.verdict == "error" else "phi" if own else "clean"
        files.append(replace(r, findings=own, verdict=alone))
    matched = {(k, v) for k, v in terms if any(_term_of(f) == (k, v.casefold()) for _, f in combos)}
    combos = [(caption.path, f) for f in caption_matches(caption_text, matched)] + combos
    everything = [caption, *files]
    verdict: Verdict = (
        "error" if any(r.verdict == "error" for r in everything)
        else "phi" if combos or any(r.verdict == "phi" for r in everything)
        else "clean"
    )  # fmt: skip
    post = PostReport(verdict, caption.path, tuple(r.path for r in files), tuple(combos))
    return post, everything


def _term_of(f: Finding) -> tuple[str, str]:
    kind = f.source.rsplit("-", 1)[-1]
    text = f.text if kind == "name" else re.sub(r"^(?:rm|room|bed)#?|[^\w]", "", f.text, flags=re.I)
    return kind, re.sub(r"[^\w'-]", "", text).casefold()
