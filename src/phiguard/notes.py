"""Credentials on sticky notes: the lines under a login heading.

"PACS login" on one line, "kelly.morgan / R+Xj0Hi&" on the next. A secret in handwriting
is rarely read exactly ("kellymorgn / R+xj oti"), and the text patterns of
recognizers/credential.yaml need it exact, so on the bench half of the credentials
were read and still missed. The layout says it instead: a short line with a login word,
and under it one or two short lines with something that is not a plain word in them
(a digit, a symbol, a dot or capital inside a word). Those lines are CREDENTIAL.
"""

from __future__ import annotations

import re

import numpy as np

from phiguard.lexicon import layout_cues
from phiguard.models import Box, Finding, Word
from phiguard.ocr import Block

MAX_WORDS = 4  # a heading or a value line on a note is short; a sentence is not
GAP = 2.5  # line heights between a line and the next one under it
SCORE = 0.75
# Not a plain word: a letter with a digit, a symbol in front or inside ("R+Xj", "k.morgan"),
# a capital inside; a lone number only as a PIN ("every 90 days" on a poster is not one).
_SHAPED = re.compile(r"(?=.*[^\W\d_])(?:.*\d|^[^\w\s]+\w|.*\w[^\w\s,;!?)]+\w|.*[a-z][A-Z])")
_PIN = re.compile(r"^\d{3,8}#?$")
_BLANK = re.compile(r"^[\W_]*$")  # "____", "••••", ":"
_LABEL = re.compile(r"^(?:u|p|user(?:name)?|usr|pw|pwd|pass(?:word)?|login|id)\s*[:=]?$", re.I)


def _lines(block: Block) -> list[list[Word]]:
    by_id: dict[int, list[Word]] = {}
    for w in block.words:
        by_id.setdefault(w.line, []).append(w)
    lines = [sorted(ws, key=lambda w: w.box.x) for ws in by_id.values()]
    return sorted(lines, key=lambda ws: min(w.box.y for w in ws))


def _line_box(line: list[Word]) -> Box:
    return Box.around(w.box for w in line)


def _height(line: list[Word]) -> float:
    return max(6.0, float(np.median([w.box.h for w in line])))


def _is_cue(word: Word) -> bool:
    """A login word, also run into the next word ("Epiclogin"): PP-OCR often drops the
    space between handwritten words. Short cues ("pw", "pin") only as whole words."""
    text = re.sub(r"[^\w-]", "", word.text.lower())
    cues = layout_cues().login
    return text in cues or any(
        len(c) >= 4 and len(text) <= 16 and (text.startswith(c) or text.endswith(c)) for c in cues
    )


def _is_heading(line: list[Word]) -> bool:
    return len(line) <= MAX_WORDS and any(map(_is_cue, line))


def _after_cue(head: list[Word]) -> list[Word]:
    """The words after the login word of a heading: "login jthornton" names the user."""
    first = next(i for i, w in enumerate(head) if _is_cue(w))
    return [w for w in head[first + 1 :] if not _is_cue(w)]


def _is_value(line: list[Word]) -> bool:
    """A user name or secret: shaped, a PIN alone, or a value after a "U:"/"pw:" label."""
    texts = [w.text for w in line if not _BLANK.match(w.text)]
    if not texts or len(line) > MAX_WORDS:
        return False
    labelled = _LABEL.match(texts[0]) and texts[0][-1] in ":=" and len(texts) in (2, 3)
    return bool(labelled) or any(map(_SHAPED.match, texts)) or bool(_PIN.match(" ".join(texts)))


def _below(head: list[Word], lines: list[list[Word]]) -> list[list[Word]]:
    """Up to two lines stacked under `head`, each within GAP line heights of the last.

    Centres, not tops, are compared: the box of a tilted line starts above its middle.
    """
    out: list[list[Word]] = []
    hbox = lbox = _line_box(head)
    h = _height(head)
    for line in lines:
        box = _line_box(line)
        if box.y + box.h / 2 <= lbox.y + lbox.h / 2 + 0.5 * h:
            continue  # level with the last line or above it
        if box.right < hbox.x - 2 * h or box.x > hbox.right + 2 * h:
            continue  # another column
        if box.y + box.h / 2 - (lbox.y + lbox.h / 2) > GAP * h or len(out) == 2:
            break
        out.append(line)
        lbox, h = box, _height(line)
    return out


def credential_lines(blocks: list[Block], found: list[Finding]) -> list[Finding]:
    """CREDENTIAL findings for the value lines under each login heading of each block (and
    a user name on the heading itself, once a value line confirms the note), unless the
    text patterns (in `found`) already cover them."""
    have = [b for f in found if f.entity_type == "CREDENTIAL" for b in f.boxes]
    out: list[Finding] = []
    for block in blocks:
        lines = _lines(block)
        for head in filter(_is_heading, lines):
            values = [line for line in _below(head, lines) if _is_value(line)]
            for line in [_after_cue(head), *values] if values else []:
                words = [w for w in line if not _LABEL.match(w.text) and not _BLANK.match(w.text)]
                words = [w for w in words if not any(w.box.intersection(b) > 0.5 * w.box.area
                                                     for b in have)]  # fmt: skip
                if words:
                    text = " ".join(w.text for w in words)
                    out.append(Finding("CREDENTIAL", SCORE, text, boxes=tuple(w.box for w in words),
                                       source="layout:login-note"))  # fmt: skip
    return out
