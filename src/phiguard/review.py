"""Pure logic behind the review page and its API: which boxes to redact.

A reviewer starts from what phiguard found and changes it two ways: keep a finding
visible (exclude its boxes) or hide more (include boxes drawn by hand). The API takes
both as one JSON object so an upload tool can send the same thing the page does:

    {"include": [[x, y, w, h], ...], "exclude": [[x, y, w, h], ...]}
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from phiguard.models import Box, Finding
from phiguard.redact import pad_for

MAX_BOXES = 1000  # per list: far above any real photo, small enough to stay cheap
# A found box counts as excluded when this share of it lies inside an exclude box, so
# a reviewer's box that is a pixel off (or a bit larger) still matches.
EXCLUDE_OVERLAP = 0.5


@dataclass(frozen=True)
class BoxSpec:
    """A reviewer's changes: extra boxes to hide and found boxes to leave visible."""

    include: tuple[Box, ...] = ()
    exclude: tuple[Box, ...] = ()


def parse_box_spec(raw: str | None) -> BoxSpec:
    """Parse the `boxes` form field. A bare list means include. Raises ValueError."""
    if raw is None or not raw.strip():
        return BoxSpec()
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"boxes is not valid JSON: {exc.msg}") from exc
    if isinstance(doc, list):
        doc = {"include": doc}
    if not isinstance(doc, dict) or set(doc) - {"include", "exclude"}:
        raise ValueError('boxes must be {"include": [[x,y,w,h],...], "exclude": [...]}')
    return BoxSpec(
        include=_boxes(doc.get("include") or [], "include"),
        exclude=_boxes(doc.get("exclude") or [], "exclude"),
    )


def _boxes(items: Any, key: str) -> tuple[Box, ...]:
    if not isinstance(items, list) or len(items) > MAX_BOXES:
        raise ValueError(f"boxes.{key} must be a list of at most {MAX_BOXES} [x,y,w,h] lists")
    return tuple(_box(item, key) for item in items)


def _box(item: Any, key: str) -> Box:
    ok = (
        isinstance(item, list)
        and len(item) == 4
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in item)
    )
    if not ok:
        raise ValueError(f"each box in boxes.{key} must be [x, y, w, h] numbers, got {item!r}")
    x, y, w, h = (round(v) for v in item)
    if w <= 0 or h <= 0:
        raise ValueError(f"box {item!r} in boxes.{key} has no area")
    return Box(x, y, w, h)


def clip(box: Box, width: int, height: int) -> Box | None:
    """The part of `box` inside a width x height image, or None when nothing is left."""
    x, y = max(0, box.x), max(0, box.y)
    r, b = min(width, box.right), min(height, box.bottom)
    return Box(x, y, r - x, b - y) if r > x and b > y else None


def is_excluded(box: Box, exclude: Iterable[Box]) -> bool:
    return box.area > 0 and any(box.intersection(e) >= EXCLUDE_OVERLAP * box.area for e in exclude)


def boxes_to_redact(
    findings: Iterable[Finding], spec: BoxSpec, width: int, height: int
) -> list[Box]:
    """Found boxes (padded as `phiguard redact` pads them) minus excluded, plus included."""
    found = [b for f in findings for b in f.boxes if b.area > 0]
    kept = [b.padded(pad_for(b), width, height) for b in found if not is_excluded(b, spec.exclude)]
    extra = [c for c in (clip(b, width, height) for b in spec.include) if c is not None]
    return kept + extra
