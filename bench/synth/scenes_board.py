"""Census whiteboard: a unit's beds, patients and care team in marker.

Boards vary as real ones do: columns and header words (board_cells.py), column widths that
follow their content, header style (handwritten plain, all caps, underlined, boxed, or a
printed magnetic strip), no header row at all about 1 in 5 (headers erased or out of the
frame), taped row lines, a full grid or no rules, and the title and top matter.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from faker import Faker
from PIL import ImageDraw

from bench.synth import board_cells as C
from bench.synth import values as V
from bench.synth.fonts import font_at, pick_path
from bench.synth.scenes_hand import MARKERS, jitter
from bench.synth.sheet import Part, Sheet, new_sheet, put_rotated, put_text

UNITS = ("4 West", "5 North", "ICU", "Med-Surg", "Step-Down", "L&D", "3B", "Ortho", "Tele")
HEADER_STYLES = ("plain", "caps", "underlined", "boxed", "strip")
STRIPS = ((30, 60, 120), (20, 110, 110), (70, 70, 80), (150, 30, 40), (225, 225, 230))
TAPES = ((60, 60, 70), (25, 25, 30), (30, 60, 140), (110, 110, 120))


@dataclass(frozen=True)
class Style:
    """One board's look, drawn once so its rows and header agree."""

    hand: str
    ink: tuple[int, int, int]
    size: float
    header: str  # one of HEADER_STYLES, or "none"
    rules: str  # "lines", "grid" or "none"
    tape: tuple[int, int, int]
    head_font: str  # the hand, or an office font for a printed strip
    strip: tuple[int, int, int]


def whiteboard(fake: Faker, rng: np.random.Generator) -> Sheet:
    w, h = int(rng.integers(1700, 2300)), int(rng.integers(1100, 1500))
    tone = int(rng.integers(225, 250))
    sh = new_sheet(w, h, (tone, tone, min(255, tone + 4)))
    frame = int(rng.integers(14, 30))
    sh.draw.rectangle((0, 0, w - 1, h - 1), outline=(170, 172, 176), width=frame)
    _ghosts(sh.draw, rng, w, h)
    st = _style(rng)
    top = _top_matter(sh, fake, rng, st, frame)
    cols = C.columns(rng)
    rows = [C.row(fake, rng, cols) for _ in range(int(rng.integers(5, 10)))]
    left, right = frame + 30.0, w - frame - 30.0
    st, xs = _fit(rng, st, cols, rows, left, right)
    y0 = top + st.size * 0.9
    body = y0 + _band(st) + st.size * 0.3 if st.header != "none" else y0
    # Each row gets at least 1.4 line heights; a full board leaves the last rows off.
    step = max(st.size * 1.4, (h - body - frame - st.size * 0.5) / len(rows))
    n = min(len(rows), int((h - body - frame - st.size * 0.3) / step))
    # Tape first: the marker is written over it.
    _rules(sh, rng, st, xs, (y0, body, step, n), (frame + 10, w - frame - 10))
    if st.header != "none":
        _header(sh, st, cols, xs, y0, right)
    for r in range(n):
        _board_row(sh, rng, st, rows[r], xs, (body + step * r, step))
    return sh


def _style(rng: np.random.Generator) -> Style:
    header = "none" if rng.random() < 0.2 else str(V.choice(rng, HEADER_STYLES))
    pick = rng.random()
    rules = "lines" if pick < 0.55 else "grid" if pick < 0.8 else "none"
    hand = pick_path("hand", rng)
    return Style(
        hand,
        MARKERS[int(rng.integers(len(MARKERS)))],
        float(rng.uniform(34, 52)),
        header,
        rules,
        TAPES[int(rng.integers(len(TAPES)))],
        # A printed magnetic strip is in an office font, whatever the marker hand.
        pick_path("sans_bold", rng) if header == "strip" else hand,
        STRIPS[int(rng.integers(len(STRIPS)))],
    )


def _ghosts(d: ImageDraw.ImageDraw, rng: np.random.Generator, w: int, h: int) -> None:
    """Half-erased marker smudges, as on every real whiteboard."""
    for _ in range(int(rng.integers(3, 9))):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        c = int(rng.integers(195, 225))
        d.line(
            (x, y, x + rng.uniform(60, 300), y + rng.uniform(-20, 20)),
            fill=(c, c, c + 6),
            width=int(rng.integers(6, 20)),
        )


def _top_matter(sh: Sheet, fake: Faker, rng: np.random.Generator, st: Style, frame: int) -> float:
    """Title at the left; charge nurse, unit phone and date stacked at the right (each
    there or not). Returns the y below them."""
    unit = str(V.choice(rng, UNITS))
    titles = (f"{unit} Census", f"{unit} Census", "Unit Board", "Today's Team",
              "Patient Assignments", f"{unit.upper()}", "")  # fmt: skip
    title = str(V.choice(rng, titles))
    f = font_at(st.hand, st.size)
    x, y = frame + 30.0, frame + 18.0
    bottom = y
    if title:
        put_rotated(sh, (x, y), title, font_at(st.hand, st.size * 1.4), st.ink, jitter(rng))
        bottom = y + st.size * 1.9
    items = _top_items(fake, rng)
    ix = sh.size[0] * float(rng.uniform(0.5, 0.62)) if title else x
    for parts in items:
        put_rotated(sh, (ix, y + 6), parts, f, st.ink, jitter(rng))
        y += st.size * 1.35
    return max(bottom, y + 6)


def _top_items(fake: Faker, rng: np.random.Generator) -> list[list[Part]]:
    """Charge nurse (a staff PERSON); unit phone and today's date, which are not PHI: an
    extension belongs to the unit, and the board's date is not any one patient's."""
    items: list[list[Part]] = []
    if rng.random() < 0.7:
        first, last, _ = V.person(fake, rng)
        name = first if rng.random() < 0.7 else f"{first} {last[0]}."
        label = str(V.choice(rng, ("Charge RN: ", "Charge: ", "Charge Nurse - ", "CN: ")))
        items.append([(label, None), (name, "PERSON", "staff")])
    if rng.random() < 0.3:
        label = str(V.choice(rng, ("Unit phone: ", "Unit ph ", "Phone: ", "Call ")))
        items.append([(f"{label}x{V.digits(rng, 4)}", None)])
    if rng.random() < 0.3:
        today = V.date_text(rng, V.TODAY) if rng.random() < 0.6 else "6/1"
        items.append([(f"{V.choice(rng, ('Date: ', 'Today: ', ''))}{today}", None)])
    return items


def _text(parts: list[Part]) -> str:
    return "".join(p[0] for p in parts)


def _fit(
    rng: np.random.Generator,
    st: Style,
    cols: list[C.Column],
    rows: list[list[list[Part]]],
    left: float,
    right: float,
) -> tuple[Style, list[float]]:
    """Marker size and column x positions: each column as wide as its widest cell or
    header, the board's slack shared out in proportion (unevenly, as tape is laid by
    hand); the hand shrinks until the columns fit the board, as a writer's would."""
    size = st.size
    while True:
        f, fh = font_at(st.hand, size * 1.1), font_at(st.head_font, size * 0.95)
        need = np.array(
            [
                max([fh.getlength(_head_text(st, head))] + [f.getlength(_text(r[j])) for r in rows])
                + size * 1.2
                for j, (_role, head) in enumerate(cols)
            ]
        )
        if need.sum() <= right - left or size < 20:
            break
        size *= 0.93
    slack = max(0.0, right - left - float(need.sum()))
    share = need * rng.uniform(0.6, 1.4, len(need))
    widths = need + slack * share / share.sum()
    xs = [left + float(x) for x in np.concatenate([[0.0], np.cumsum(widths)])]
    return replace(st, size=size), xs


def _band(st: Style) -> float:
    """Height of the header row."""
    return st.size * 1.5


def _head_text(st: Style, head: str) -> str:
    return head.upper() if st.header in ("caps", "strip") else head


def _header(
    sh: Sheet, st: Style, cols: list[C.Column], xs: list[float], y: float, right: float
) -> None:
    """The header row in the board's style."""
    fh = font_at(st.head_font, st.size * (0.8 if st.header == "strip" else 0.95))
    band = _band(st)
    d = sh.draw
    fill: tuple[int, ...] = st.ink
    if st.header == "strip":
        d.rectangle((xs[0] - 12, y - 4, right + 12, y + band), fill=st.strip)
        fill = (20, 20, 25) if sum(st.strip) > 600 else (250, 250, 250)
    for j, (_role, head) in enumerate(cols):
        text = _head_text(st, head)
        x = xs[j] + st.size * 0.35
        put_text(sh, (x, y + band * 0.12), text, fh, fill)
        if st.header == "underlined":
            uy = y + band * 0.12 + st.size * 1.05
            d.line((x, uy, x + fh.getlength(text), uy), fill=st.ink, width=3)
        elif st.header == "boxed":
            d.rectangle((xs[j] + 4, y - 6, xs[j + 1] - 4, y + band), outline=st.ink, width=3)


def _board_row(
    sh: Sheet,
    rng: np.random.Generator,
    st: Style,
    cells: list[list[Part]],
    xs: list[float],
    band: tuple[float, float],
) -> None:
    """One bed's cells, written roughly mid-row and clear of the tape on the left, as a
    writer keeps the marker off the lines."""
    hand = pick_path("hand", rng) if rng.random() < 0.5 else st.hand  # another nurse's hand
    ink = MARKERS[int(rng.integers(len(MARKERS)))]
    f = font_at(hand, st.size * rng.uniform(0.8, 1.1))
    asc, desc = f.getmetrics()
    top, step = band
    y = top + max(0.0, (step - asc - desc - 8) / 2 + step * rng.uniform(-0.1, 0.1))
    for j, parts in enumerate(cells):
        if parts:
            x = xs[j] + st.size * rng.uniform(0.3, 0.5)
            put_rotated(sh, (x, y + jitter(rng, 4)), parts, f, ink, jitter(rng))


def _rules(
    sh: Sheet,
    rng: np.random.Generator,
    st: Style,
    xs: list[float],
    rows: tuple[float, float, float, int],
    span: tuple[float, float],
) -> None:
    """Taped row lines, a full grid, or nothing."""
    if st.rules == "none":
        return
    top, body, step, n = rows
    width = int(rng.integers(2, 6))
    d = sh.draw
    for r in range(1, n + 1 if st.rules == "grid" else n):
        yy = body + step * r
        d.line((span[0], yy, span[1], yy), fill=st.tape, width=width)
    if st.rules == "grid":
        d.line((span[0], body, span[1], body), fill=st.tape, width=width)
        for x in xs[1:-1]:
            d.line((x, top - 6, x, body + step * n), fill=st.tape, width=width)
