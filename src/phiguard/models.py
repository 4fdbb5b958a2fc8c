"""Frozen result types shared by every pipeline stage.

Pixel boxes are in the coordinates of the *oriented* image (EXIF rotation already
applied), so a box from `scan` lands on the same pixels `redact` writes.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["image", "text"]
Verdict = Literal["clean", "phi", "error"]


@dataclass(frozen=True)
class Box:
    """An axis-aligned pixel rectangle: left, top, width, height."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def area(self) -> int:
        return max(0, self.w) * max(0, self.h)

    def union(self, other: Box) -> Box:
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Box(x, y, max(self.right, other.right) - x, max(self.bottom, other.bottom) - y)

    def intersection(self, other: Box) -> int:
        w = min(self.right, other.right) - max(self.x, other.x)
        h = min(self.bottom, other.bottom) - max(self.y, other.y)
        return max(0, w) * max(0, h)

    def centre_in(self, area: Box) -> bool:
        """Whether this box's centre lies inside `area` (a word on a note, in a block)."""
        cx, cy = self.x + self.w // 2, self.y + self.h // 2
        return area.x <= cx < area.right and area.y <= cy < area.bottom

    def padded(self, pad: int, width: int, height: int) -> Box:
        """Grow by `pad` pixels on every side, clipped to a width x height image."""
        x, y = max(0, self.x - pad), max(0, self.y - pad)
        r, b = min(width, self.right + pad), min(height, self.bottom + pad)
        return Box(x, y, max(0, r - x), max(0, b - y))

    def as_list(self) -> list[int]:
        return [self.x, self.y, self.w, self.h]

    @staticmethod
    def around(boxes: Iterable[Box]) -> Box:
        """The smallest box holding all of `boxes` (at least one)."""
        return functools.reduce(Box.union, boxes)


@dataclass(frozen=True)
class Word:
    """One OCR word: its text, box, Tesseract confidence (0-100) and line id."""

    text: str
    box: Box
    conf: float
    line: int


@dataclass(frozen=True)
class Finding:
    """One detected value.

    `text` is the raw match and stays in memory: reports mask it (see report.mask)
    unless the user asks for --show-matches. `boxes` holds one box per OCR line the
    value spans, so a two-line address is covered line by line, not by a big union.
    """

    entity_type: str
    score: float
    text: str
    start: int | None = None
    end: int | None = None
    boxes: tuple[Box, ...] = ()
    source: str = ""
    frame: int | None = None  # page or frame index of a multi-frame input; None: the only one

    @property
    def bbox(self) -> Box | None:
        return Box.around(self.boxes) if self.boxes else None


@dataclass(frozen=True)
class FileReport:
    """The outcome for one input file (or one caption)."""

    path: str
    kind: Kind
    verdict: Verdict
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    width: int | None = None
    height: int | None = None
    notes: tuple[str, ...] = field(default=())
    seconds: float = 0.0
