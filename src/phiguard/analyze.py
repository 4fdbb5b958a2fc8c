"""Run the analyzer over text, and map OCR text spans back to word boxes.

Three passes over the same characters, merged by span:
- the text as read;
- ALL-CAPS words in title case, for names only: en_core_web_sm misses banners such
  as "GARCIA, MARIA" but finds "Garcia, Maria";
- OCR confusions undone inside digit-heavy tokens (O->0, l->1, S->5 ...), for the
  numeric entities: "O3/l4/1951" is a date of birth.
Every variant keeps the text's length, so offsets stay valid for all three.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from phiguard.config import Config
from phiguard.engine import NER_ENTITIES, Engine, without_ner
from phiguard.models import Box, Finding, Word

NUMERIC_ENTITIES = frozenset(
    {"MRN", "DATE", "PHONE_NUMBER", "US_SSN", "ACCOUNT_NUMBER", "HEALTH_PLAN_ID", "AGE_OVER_89"}
)
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z'\-]+\b")
_TOKEN = re.compile(r"\S+")
_CONFUSABLE = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
    }
)
# A name found only in the title-cased pass is less certain than one found as read.
CAPS_PASS_FACTOR = 0.85


@dataclass(frozen=True)
class OcrText:
    """OCR words joined into text: words by spaces, lines by newlines."""

    text: str
    spans: tuple[tuple[int, int, int], ...]  # (start, end, index into words)
    words: tuple[Word, ...]


def join_words(words: list[Word]) -> OcrText:
    """Join words line by line; a line break keeps a match from bleeding into the next line."""
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    pos, prev_line = 0, None
    for i, w in enumerate(words):
        if prev_line is not None:
            sep = " " if w.line == prev_line else "\n"
            parts.append(sep)
            pos += 1
        parts.append(w.text)
        spans.append((pos, pos + len(w.text), i))
        pos += len(w.text)
        prev_line = w.line
    return OcrText(text="".join(parts), spans=tuple(spans), words=tuple(words))


def title_caps(text: str) -> str:
    return _CAPS_WORD.sub(lambda m: m.group(0)[0] + m.group(0)[1:].lower(), text)


def undo_confusions(text: str) -> str:
    """Map look-alike letters to digits inside tokens that are mostly digits already."""

    def fix(m: re.Match[str]) -> str:
        tok = m.group(0)
        digits = sum(c.isdigit() for c in tok)
        if digits < 2:
            return tok
        mapped = tok.translate(_CONFUSABLE)
        alnum = [c for c in mapped if c.isalnum()]
        return mapped if alnum and sum(c.isdigit() for c in alnum) / len(alnum) >= 0.75 else tok

    return _TOKEN.sub(fix, text)


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Three characters between a day and a year ("15-Jam-1958"), or before a day and a year
# ("Dee 3, 1958"): where a month stands in a date.
_MONTH_SLOT = re.compile(
    r"(?<![\w/])[0-3]?\d[\s-]?([A-Za-z0-9]{3})(?=\.?,?[\s-]?(?:19|20)?\d{2}(?!\w))"
    r"|\b([A-Za-z0-9]{3})(?=\.?\s[0-3]?\d,?\s(?:19|20)\d{2}\b)"
)
_AS_LETTERS = str.maketrans("0158", "olsb")


# "354.93-6514": a 9-px hyphen read as a stop or a comma. Presidio's SSN recognizer
# rejects mixed separators, so one read that way was never a candidate.
_SSN_SHAPE = re.compile(r"(?<![\w.,-])(\d{3})([-.,])(\d{2})([-.,])(\d{4})(?![\w-]|[.,]\d)")


# A small hyphen between digits read as a tilde ("409-937~0773"); no digit group is
# written with one.
_TILDE = re.compile(r"(?<=\d)~(?=\d)")


def undo_separator_confusions(text: str) -> str:
    """A 3-2-4 group of digits whose two separators differ, one a hyphen, gets two; a
    tilde between digits is a hyphen."""

    def fix(m: re.Match[str]) -> str:
        a, b = m.group(2), m.group(4)
        if a == b or "-" not in (a, b):
            return m.group(0)
        return f"{m.group(1)}-{m.group(3)}-{m.group(5)}"

    return _SSN_SHAPE.sub(fix, _TILDE.sub("-", text))


def undo_month_confusions(text: str) -> str:
    """A month misread by one letter inside a date ("15-Jam-1958", "0ct") made whole."""

    def fix(m: re.Match[str]) -> str:
        k = 1 if m.group(1) is not None else 2
        word = m.group(k)
        seen = word.lower().translate(_AS_LETTERS)
        near = [mo for mo in _MONTHS if sum(a != b for a, b in zip(mo, seen, strict=True)) <= 1]
        if not near or word.lower() in _MONTHS:
            return m.group(0)
        best = seen if seen in _MONTHS else near[0]
        month = best.upper() if word.isupper() else best.title()
        a, b = m.span(k)
        return m.group(0)[: a - m.start()] + month + m.group(0)[b - m.start() :]

    return _MONTH_SLOT.sub(fix, text)


def analyze_text(
    text: str, engine: Engine, config: Config, source: str = "text", confusions: bool = True
) -> list[Finding]:
    """All candidate findings with their scores; decide.py applies the policy.

    `confusions=False` skips the OCR look-alike pass: typed captions have no O-for-0.
    """
    wanted = set(config.entities) & set(engine.entities)
    if not text.strip() or not wanted:
        return []
    best: dict[tuple[str, int, int], Finding] = {}
    passes = [(text, wanted, 1.0)]
    caps = title_caps(text)
    if caps != text and "PERSON" in wanted:
        passes.append((caps, {"PERSON"}, CAPS_PASS_FACTOR))
    digits = undo_separator_confusions(undo_month_confusions(undo_confusions(text)))
    if confusions and digits != text and wanted & NUMERIC_ENTITIES:
        passes.append((digits, wanted & NUMERIC_ENTITIES, 1.0))
    for variant, entities, factor in passes:
        # The numeric pass asks nothing of NER: only its tokens, for context words.
        artifacts = None if entities & set(NER_ENTITIES) else without_ner(engine, variant)
        for r in engine.analyzer.analyze(text=variant, language="en", entities=sorted(entities),
                                         nlp_artifacts=artifacts):  # fmt: skip
            meta = r.recognition_metadata or {}
            f = Finding(
                entity_type=r.entity_type,
                score=round(float(r.score) * factor, 3),
                text=text[r.start : r.end],
                start=r.start,
                end=r.end,
                source=f"{source}:{meta.get('recognizer_name', 'presidio')}",
            )
            key = (f.entity_type, r.start, r.end)
            if key not in best or best[key].score < f.score:
                best[key] = f
    found = sorted(best.values(), key=lambda f: (f.start or 0, f.end or 0, f.entity_type))
    joined = join_adjacent_names(found, text)
    # In a photo the title and initials beside a blurred name stay readable; a caption's
    # redacted copy reads better as "Mr. [PERSON]".
    return extend_names(joined, text) if source == "ocr" else joined


# A name's own parts that recognizers leave out: a title or an initial before it
# ("Mrs. Dalton", "A. Roth"), a middle initial or an initial after a comma behind it
# ("CONTRERAS, TINA V", "Taylor, J"). Left out, they stay readable beside the blur.
_BEFORE = re.compile(r"(?:\b(?:Mrs?|Ms|Miss|Mx|Dr)\.?|\b[A-Z]\.) ?$")
_AFTER = re.compile(r",? ?[A-Z]\.?")
_NEXT_NAME = re.compile(r"[\w']| ?[A-Z][a-z]")  # what follows an initial of the next name


def extend_names(findings: list[Finding], text: str) -> list[Finding]:
    out = []
    for f in findings:
        if f.entity_type == "PERSON" and f.start is not None and f.end is not None:
            before = _BEFORE.search(text[max(0, f.start - 6) : f.start])
            after = _AFTER.match(text, f.end)
            if after and _NEXT_NAME.match(text, after.end()):
                after = None  # "Dalton A. Roth": the A. is Roth's
            start = f.start - len(before.group(0)) if before else f.start
            end = after.end() if after else f.end
            if (start, end) != (f.start, f.end):
                f = replace(f, start=start, end=end, text=text[start:end])
        out.append(f)
    return out


_NAME_GAP = re.compile(r"[ ,]{1,3}")


def join_adjacent_names(findings: list[Finding], text: str) -> list[Finding]:
    """ "GARCIA" + ", " + "MARIA" is one name, not two lone words (decide.py discounts those)."""
    people = [f for f in findings if f.entity_type == "PERSON" and "Spacy" in f.source]
    joined: list[Finding] = []
    for f in people:
        prev = joined[-1] if joined else None
        if prev and prev.end is not None and f.start is not None and prev.end <= f.start \
                and _NAME_GAP.fullmatch(text[prev.end : f.start]):  # fmt: skip
            joined[-1] = replace(prev, end=f.end, text=text[prev.start : f.end],
                                 score=max(prev.score, f.score))  # fmt: skip
        else:
            joined.append(f)
    others = [f for f in findings if f not in people]
    return sorted(others + joined, key=lambda f: (f.start or 0, f.end or 0, f.entity_type))


def locate(findings: list[Finding], ocr: OcrText) -> list[Finding]:
    """Give each finding one box per OCR line it touches, covering whole words."""
    out = []
    for f in findings:
        per_line: dict[int, Box] = {}
        for start, end, idx in ocr.spans:
            if f.start is not None and f.end is not None and start < f.end and end > f.start:
                w = ocr.words[idx]
                per_line[w.line] = per_line[w.line].union(w.box) if w.line in per_line else w.box
        if per_line:
            # Offsets index the joined OCR text, not a file: the contract keeps them null.
            out.append(replace(f, boxes=tuple(per_line.values()), start=None, end=None))
    return out


def merge_duplicates(findings: list[Finding]) -> list[Finding]:
    """One finding per value: overlapping blocks (or the full page) often read the same one.

    Findings of one type whose boxes overlap are merged; the boxes are united so the
    redaction covers every place either pass saw the value.
    """
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: -f.score):
        for i, g in enumerate(out):
            if g.entity_type == f.entity_type and _overlaps(f, g):
                boxes = g.boxes + tuple(b for b in f.boxes if b not in g.boxes)
                out[i] = replace(g, boxes=boxes)
                break
        else:
            out.append(f)
    return out


def _overlaps(a: Finding, b: Finding) -> bool:
    for x in a.boxes:
        for y in b.boxes:
            if x.intersection(y) >= 0.3 * min(x.area, y.area):
                return True
    return False
