"""Columns of a census board or patient list that hold names or IDs, redacted whole.

On a census board the cells are marker handwriting that OCR reads badly: of a column of
eight patient names we may read three well enough for a recognizer, and the others as
noise ("Sackun.", "Dunied T") or not at all. A column is a field, though: when two or
more cells of one column of a record block (layout.py) hold PHI findings, the whole
column is PHI, read or not. It becomes a RECORD_COLUMN finding: a stack of upright boxes
down the column, straightened with the board (one upright box round a tilted column
would spill into its neighbours).

Header words are not relied on to find a board: handwritten ones are read worse than
the names ("Paieal" for "Patient"), and photos of a board often cut them off. On a board
already known to be a record, a header that was read ("RN", "Patient") makes its column
of name-shaped cells a column of people, none of them read as a name needed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from phiguard.layout import Record, _neighbours, _norm
from phiguard.lexicon import is_first_name, is_near_first_name, layout_cues
from phiguard.models import Box, Finding, Word
from phiguard.ocr import Block

KIND = "RECORD_COLUMN"
EVIDENCE = frozenset({"PERSON", "MRN", "DATE", "AGE_OVER_89", "ACCOUNT_NUMBER",
                      "HEALTH_PLAN_ID", "PHONE_NUMBER"})  # fmt: skip
MIN_PHI_CELLS = 2  # cells with a finding in them that make a record's column PHI
MIN_CELLS = 3  # a column has at least this many cells (rows read)
NAMELIKE = 0.6  # share of a column's cells that must be PHI or shaped like a name
ALIGN = 1.0  # cells start within this many text heights of each other: one column
GAP = 0.8  # words closer than this many heights along a row are one cell
ROW_SLACK = 1.15  # tilts whose rows break into at most this many times the fewest cells
MAX_TILT, TILT_STEP = 15.0, 1.5  # degrees: tilts of a board tried (photos are within 12)
SLICE = 1.2  # upright boxes down a column, this many text heights tall

# A capitalised word (Ann, McKay, O'Neil), a word in capitals of four letters or more
# (short ones are abbreviations: NPO, DNR, PT), or an initial.
_NAME = re.compile(r"[A-Z][a-z][A-Za-z'-]*|[A-Z]{4,}|[A-Z]\.?")
_DIGIT_INITIAL = re.compile(r"[0158]\.")  # B, O, I, S read as digits, the stop kept


@dataclass(frozen=True)
class Cell:
    """Words side by side on one row of a board, in board coordinates (rows level)."""

    u0: float
    u1: float
    v0: float
    v1: float
    phi: bool
    name: bool  # shaped like a name ("Dunied T", "WALKER, JAC"), as a misread name is
    value: bool  # shaped like a date or an ID ("125/1925", "811/28"), as a misread one is
    labelled: bool  # "MRN: 00731942": a form's field, its label at the margin, not a cell
    header: bool = False  # "RN", "Patient": the header of a column of people
    # Starts with a known first name ("BENJAMIN", "Thomas"), or one read a letter off
    # ("Askley", "Michoel"): a board's marker is read so more often than not.
    first: bool = False


def column_findings(
    blocks: list[Block], recs: list[Record], found: list[Finding], size: tuple[int, int]
) -> list[Finding]:
    """RECORD_COLUMN findings for the columns of names or IDs in a photo's text blocks.

    In a record block two PHI cells make a column; elsewhere (a board whose label words
    were not read) three do, or two among four name-shaped cells: such a column is a
    list of people, and then two make each of its other columns.
    """
    boxes = [b for f in found if f.entity_type in EVIDENCE for b in f.boxes]
    in_record = {id(b) for r in recs for b in r.blocks}
    out: list[Finding] = []
    for group in _neighbours([b for b in blocks if b.region is not None and b.words]):
        words = [w for b in group for w in b.words if w.text.strip()]
        if len(words) < MIN_CELLS:
            continue
        need = MIN_PHI_CELLS if any(id(b) in in_record for b in group) else MIN_PHI_CELLS + 1
        h = max(1.0, float(np.median([w.box.h for w in words])))  # never a 0-px step
        phi = [_covered(w.box, boxes) for w in words]  # once, not at every tilt tried
        tilts = _tilts(group, words, h)  # once: rows do not depend on which cells are PHI
        angle, cells, cols = _best_tilt(tilts, words, phi, h, need)
        if cols and need > MIN_PHI_CELLS:
            # A column of names makes the block a table of people: its other columns
            # need no more than a record's do, and a first name in them is a person (a
            # nurse column: "Charles", "Samantha", "Carl").
            phi = [p or is_first_name(w.text) for w, p in zip(words, phi, strict=True)]
            angle, cells, cols = _best_tilt(tilts, words, phi, h, MIN_PHI_CELLS)
        out += [_finding(col, cells, angle, h, size) for col in cols]
    return out


def _tilts(group: list[Block], words: list[Word], h: float) -> tuple[float, list[float]]:
    """The block's own angle, and the tilts (degrees) to try for its columns.

    The block's own angle comes from its characters; on a marker board the ruled lines
    and loose strokes can mislead it by several degrees, and then a column drifts a
    name's width sideways over eight rows. So tilts either side are tried too.
    """
    own = float(np.median([b.region.angle for b in group if b.region]))
    tried = [float(deg) for deg in [own, *np.arange(-MAX_TILT, MAX_TILT + 0.1, TILT_STEP)]]
    rows = [len(_rows(words, math.radians(deg), h)) for deg in tried]  # no cells needed
    # At the right tilt the rows hold together: the fewest cells. A wrong tilt cuts rows
    # into pieces that can line up by chance (a chart form's lines at 13 degrees).
    return own, [deg for deg, n in zip(tried, rows, strict=True) if n <= ROW_SLACK * min(rows)]


def _best_tilt(tilts: tuple[float, list[float]], words: list[Word], phi: list[bool], h: float,
               need: int) -> tuple[float, list[Cell], list[list[Cell]]]:  # fmt: skip
    """Of the tilts to try (_tilts), the one that lines up the most PHI cells in columns
    (in radians), its cells and those columns."""
    own, degrees = tilts
    best: tuple[tuple[int, int, int, float], float, list[Cell], list[list[Cell]]] | None = None
    for deg in degrees:
        a = math.radians(deg)
        # Cut at that tilt with each word's own rectangle: upright boxes round tilted
        # words reach into the next column and join its cells to theirs.
        cells = _cells(words, phi, a, h, own_rect=True)
        cols = _columns(cells, h, need)
        # Ties: fewer, straighter columns beat cells broken into more by a wrong tilt,
        # even when those pick up a stray cell (a board at 10 degrees cut at -13.5: two
        # name columns of 9 and 8 cells became four of 6, 5, 4 and 3).
        key = (
            sum(c.phi or c.name for col in cols for c in col),
            -len(cols),
            sum(map(len, cols)),
            -abs(deg - own),
        )
        if best is None or key > best[0]:
            best = (key, a, cells, cols)
    assert best is not None  # the fewest cells' tilt is always level
    return best[1], best[2], best[3]


Placed = tuple[tuple[float, float, float, float], tuple[float, float] | None, int]


def _rows(words: list[Word], angle: float, h: float, own_rect: bool = False) -> list[list[Placed]]:
    """Words joined along rows into cells: each row's words as (extent, own span, index).
    With own_rect, the gap between two words is measured between their own rectangles,
    not the upright boxes round them."""
    placed: list[Placed] = sorted(
        ((_extent(w.box, angle), _own_span(w.box, angle) if own_rect else None, i)
         for i, w in enumerate(words)),
        key=lambda t: t[0][0],
    )  # fmt: skip
    rows: list[list[Placed]] = []
    for item in placed:
        (u0, _, v0, v1), own, _i = item
        mid = (v0 + v1) / 2
        for row in rows:
            (_, pu1, pv0, pv1), pown, _p = row[-1]
            gap = own[0] - pown[1] if own and pown else u0 - pu1
            if abs((pv0 + pv1) / 2 - mid) < 0.5 * h and gap < GAP * h:
                row.append(item)
                break
        else:
            rows.append([item])
    return rows


def _cells(words: list[Word], phi: list[bool], angle: float, h: float,
           own_rect: bool = False) -> list[Cell]:  # fmt: skip
    """The cells of _rows; a cell is PHI when a finding covers a word (phi[i]: words[i]
    is covered)."""
    people = layout_cues().people
    out = []
    for r in _rows(words, angle, h, own_rect):
        texts = [words[i].text for *_, i in r]
        out.append(Cell(min(e[0] for e, *_ in r), max(e[1] for e, *_ in r),
                        min(e[2] for e, *_ in r), max(e[3] for e, *_ in r),
                        any(phi[i] for *_, i in r), _namelike(texts), _valuelike(texts),
                        ":" in texts[0], _norm(" ".join(texts)) in people,
                        is_near_first_name(texts[0])))  # fmt: skip
    return out


def _columns(cells: list[Cell], h: float, need: int) -> list[list[Cell]]:
    """Groups of cells starting at about one place along the rows, PHI in enough of them."""
    out: list[list[Cell]] = []
    # A form's "Label: value" lines all start at its margin: a column of fields, each
    # flagged on its own, not a table (a whole chart form is blurred only with --strict).
    cells = [c for c in cells if not c.labelled]
    in_record = need == MIN_PHI_CELLS
    for anchor in (c for c in cells if c.phi):
        near = [c.u0 for c in cells if c.phi and abs(c.u0 - anchor.u0) < ALIGN * h]
        at = float(np.median(near))  # the column's edge: the PHI cells' own, not one's
        col = [c for c in cells if abs(c.u0 - at) < ALIGN * h]
        # In a record a first name counts as a PHI cell: a nurse column read "Kevin",
        # "Askley", "HELVIW" had one name found and its other cells misread.
        phi = sum(c.phi or (in_record and c.first) for c in col)
        named = sum(c.phi or c.name for c in col)
        if phi < MIN_PHI_CELLS or len(col) < MIN_CELLS:
            continue
        if phi < need and named < need + 1:
            continue  # outside a record: three PHI cells, or two among four name-shaped
        if sum(c.phi or c.name or c.value for c in col) < NAMELIKE * len(col):
            continue  # a notes column with a stray finding in it
        if not _shares(col, out):
            out.append(col)
    # On a record no cell need be read as PHI; elsewhere, as many as a record's column.
    least = 0 if in_record else MIN_PHI_CELLS
    for col in _people_columns(cells, h, least):
        if not _shares(col, out):
            out.append(col)
    return out


def _shares(col: list[Cell], cols: list[list[Cell]]) -> bool:
    return any(set(map(id, col)) & set(map(id, o)) for o in cols)


def _people_columns(cells: list[Cell], h: float, least: int) -> list[list[Cell]]:
    """Columns under a people header ("RN", "Patient") whose cells are mostly name-shaped,
    `least` of them PHI or a known first name: a nurse column of lone first names
    ("BENJAMIN", "Thomas") is no record, and a first name alone is no finding."""
    out = []
    for head in (c for c in cells if c.header):
        below = [c for c in cells if abs(c.u0 - head.u0) < ALIGN * h and c.v0 > head.v1]
        if len(below) < MIN_CELLS:
            continue
        at = float(np.median([c.u0 for c in below]))  # the cells' edge, not the header's
        col = [c for c in cells if abs(c.u0 - at) < ALIGN * h and c.v0 > head.v1]
        named, phi = sum(c.phi or c.name for c in col), sum(c.phi or c.first for c in col)
        if len(col) >= MIN_CELLS and named >= NAMELIKE * len(col) and phi >= least:
            out.append(col)
    return out


def _namelike(texts: list[str]) -> bool:
    """Mostly capitalised words, no digits: "Dunied T", "WALKER, JAC" (not "NPO", "2L NC")."""
    raw = [t for text in texts for t in text.split()]
    # An initial after a name read as a digit ("Justin 8." for "Justin B.") is a letter.
    tokens = ["I" if i and _DIGIT_INITIAL.fullmatch(t) else t.strip(".,;:'-")
              for i, t in enumerate(raw)]  # fmt: skip
    if not tokens or any(any(ch.isdigit() for ch in t) for t in tokens):
        return False
    caps = sum(bool(_NAME.fullmatch(t)) for t in tokens)
    return caps * 2 >= len(tokens) and any(len(t) >= 3 for t in tokens if _NAME.fullmatch(t))


def _valuelike(texts: list[str]) -> bool:
    """Digits and a date's or an ID's separators, four digits or more: a DOB column's
    dates misread ("125/1925", "811/28", "1993-06-62") are no dates to a recognizer."""
    chars = "".join("".join(texts).split())
    digits = sum(ch.isdigit() for ch in chars)
    return digits >= 4 and digits + sum(ch in "/-.," for ch in chars) >= 0.8 * len(chars)


def _finding(col: list[Cell], cells: list[Cell], angle: float, h: float,
             size: tuple[int, int]) -> Finding:  # fmt: skip
    left = min(c.u0 for c in col) - 0.5 * h
    starts = [c.u0 for c in cells if c.u0 > max(c.u0 for c in col) + ALIGN * h]
    # The cell text we read may stop short of what is written: reach to the next column.
    right = min(starts) - 0.3 * h if starts else max(c.u1 for c in col) + 2 * h
    right = max(right, max(c.u1 for c in col) + 0.3 * h)
    top = min(c.v0 for c in col) - 0.5 * h
    # Down to the table's last row, but no further than a row or so past the column's
    # own last cell: three lines of a board's top matter are not a column to the bottom.
    tops = sorted(c.v0 for c in col)
    pitch = float(np.median(np.diff(tops))) if len(tops) > 1 else 2 * h
    bottom = min(max(c.v1 for c in cells) + 0.5 * h, max(c.v1 for c in col) + 1.5 * pitch)
    boxes = _strip((left, right, top, bottom), h * SLICE, angle, size)
    return Finding(KIND, 0.8, f"column of {len(col)} cells", boxes=tuple(boxes),
                   source="layout:column")  # fmt: skip


def _covered(b: Box, phi: list[Box]) -> bool:
    return any(b.intersection(p) > 0.5 * b.area for p in phi)


def _strip(rect: tuple[float, float, float, float], step: float, angle: float,
           size: tuple[int, int]) -> list[Box]:  # fmt: skip
    """Upright boxes covering a straightened rectangle, slice by slice down it."""
    left, right, top, bottom = rect
    out = []
    v = top
    while v < bottom:
        corners = [_xy(u, vv, angle) for u in (left, right) for vv in (v, min(bottom, v + step))]
        x0 = max(0, int(min(x for x, _ in corners)))
        y0 = max(0, int(min(y for _, y in corners)))
        x1 = min(size[0], math.ceil(max(x for x, _ in corners)))
        y1 = min(size[1], math.ceil(max(y for _, y in corners)))
        if x1 > x0 and y1 > y0:
            out.append(Box(x0, y0, x1 - x0, y1 - y0))
        v += step
    return out


def _extent(b: Box, a: float) -> tuple[float, float, float, float]:
    """A box's span in board coordinates: (u0, u1, v0, v1)."""
    pts = [_uv(x, y, a) for x in (b.x, b.right) for y in (b.y, b.bottom)]
    us, vs = [p[0] for p in pts], [p[1] for p in pts]
    # The corners of an upright box round tilted text stick out; the middle is the text.
    cu, cv = _uv(b.x + b.w / 2, b.y + b.h / 2, a)
    du, dv = (max(us) - min(us)) / 2, (max(vs) - min(vs)) / 2
    return cu - du, cu + du, cv - min(dv, b.h / 2), cv + min(dv, b.h / 2)


def _own_span(b: Box, a: float) -> tuple[float, float] | None:
    """The span along the rows of the word an upright box holds, if tilted by a.

    The box is w = W cos a + H sin a wide and h = W sin a + H cos a tall; solved for the
    word's own W, an 80-px word at 9 degrees no longer reaches 12 px into the next column.
    """
    c, s, c2 = abs(math.cos(a)), abs(math.sin(a)), math.cos(2 * a)
    ww, hh = (b.w * c - b.h * s) / c2, (b.h * c - b.w * s) / c2
    if ww <= 0 or hh <= 0:
        return None  # the word is not tilted that much
    cu = _uv(b.x + b.w / 2, b.y + b.h / 2, a)[0]
    return cu - ww / 2, cu + ww / 2


def _uv(x: float, y: float, a: float) -> tuple[float, float]:
    """Image point -> board coordinates, rows level (angle counter-clockwise)."""
    return x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)


def _xy(u: float, v: float, a: float) -> tuple[float, float]:
    return u * math.cos(a) + v * math.sin(a), -u * math.sin(a) + v * math.cos(a)
