"""Score redaction boxes against the corpus labels. Pure functions, no I/O.

A PHI value counts as unreadable only when at least 95% of its quad's pixels lie under the
union of the tool's boxes; an ordinary text line counts as destroyed at 50%. Both are
measured by rasterizing the quad and the boxes into masks over the quad's bounding box.

Multi-word labels also carry `words`, one quad per token; coverage is then measured over
the union of the word quads, so the blank gap between "C." and "Evans" need not be covered
(a tool that boxes word by word is not punished for leaving whitespace visible).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

Box = tuple[int, int, int, int]  # left, top, width, height in photo pixels
Quad = Sequence[Sequence[float]]
VALUE_COVER = 0.95
ORDINARY_COVER = 0.5
SMALL_PX = 14.0
SUPER = 4


def covered_share(quad: Quad, boxes: Iterable[Box]) -> float:
    """Share of the quad's pixels that lie under the union of `boxes`."""
    return polys_covered([quad], boxes)


def label_covered(label: Mapping, boxes: Iterable[Box]) -> float:
    """Coverage of a label's ink: its word quads when it has them, else its quad."""
    return polys_covered(label.get("words") or [label["quad"]], boxes)


def _inside(quad: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Which sample points lie inside a convex quad (either winding)."""
    sides = []
    for i in range(4):
        (ax, ay), (bx, by) = quad[i], quad[(i + 1) % 4]
        sides.append((bx - ax) * (ys - ay) - (by - ay) * (xs - ax))
    cross = np.stack(sides)
    return (cross >= 0).all(axis=0) | (cross <= 0).all(axis=0)


def polys_covered(quads: Sequence[Quad], boxes: Iterable[Box]) -> float:
    """Share of the area of the union of `quads` that lies under the union of `boxes`.

    Sampled at SUPER x SUPER points per pixel (at their centres): label corners are
    sub-pixel, and at 10 px text a whole-pixel rounding error would cost 10% of a value.
    A box (x, y, w, h) covers exactly [x, x + w) x [y, y + h).
    """
    polys = [np.asarray(q, dtype=np.float64) for q in quads]
    pts = np.vstack(polys)
    x0, y0 = np.floor(pts.min(axis=0)).astype(int)
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int)
    xs = x0 + (np.arange((x1 - x0) * SUPER) + 0.5) / SUPER
    ys = y0 + (np.arange((y1 - y0) * SUPER) + 0.5) / SUPER
    gx, gy = np.meshgrid(xs, ys)
    area = np.zeros(gx.shape, bool)
    for poly in polys:
        area |= _inside(poly, gx, gy)
    total = int(area.sum())
    if total == 0:
        return 0.0
    cover = np.zeros_like(area)
    for bx, by, bw, bh in boxes:
        cx = (xs >= bx) & (xs < bx + bw)
        cy = (ys >= by) & (ys < by + bh)
        if cx.any() and cy.any():
            cover |= cy[:, None] & cx[None, :]
    return float((area & cover).sum()) / total


def score_photo(photo: Mapping, boxes: Sequence[Box]) -> dict:
    """Per-label outcome for one photo."""
    values = []
    for v in photo["values"]:
        share = label_covered(v, boxes)
        values.append(
            {
                "kind": v["kind"],
                "height_px": v["height_px"],
                "covered": share,
                "hit": share >= VALUE_COVER,
            }
        )
    ordinary = []
    for o in photo["ordinary"]:
        share = label_covered(o, boxes)
        ordinary.append(
            {"height_px": o["height_px"], "covered": share, "destroyed": share >= ORDINARY_COVER}
        )
    return {
        "file": photo["file"],
        "clean": bool(photo["clean"]),
        "altered": len(boxes) > 0,
        "values": values,
        "ordinary": ordinary,
    }


def _rate(hits: Sequence[bool]) -> dict:
    n, k = len(hits), int(sum(hits))
    return {"n": n, "hit": k, "share": (k / n) if n else None}


def summarize(
    labels: Mapping,
    boxes: Mapping[str, Sequence[Box]],
    seconds: Mapping[str, float],
    errors: Mapping[str, str] | None = None,
) -> dict:
    """Aggregate one tool's run over the photos it was given (those in `boxes`)."""
    photos = [p for p in labels["photos"] if p["file"] in boxes]
    scored = [score_photo(p, boxes[p["file"]]) for p in photos]
    vals = [v for s in scored for v in s["values"]]
    kinds = sorted({v["kind"] for v in vals})
    clean = [s for s in scored if s["clean"]]
    ordinary = [o["destroyed"] for s in clean for o in s["ordinary"]]
    secs = [seconds[p["file"]] for p in photos if p["file"] in seconds]
    return {
        "photos": len(scored),
        "values": _rate([v["hit"] for v in vals]),
        # Found but not fully hidden shows up here and not above: a detection measure.
        "values_half_covered": _rate([v["covered"] >= ORDINARY_COVER for v in vals]),
        "by_kind": {k: _rate([v["hit"] for v in vals if v["kind"] == k]) for k in kinds},
        "by_height": {
            f"<{SMALL_PX:g}px": _rate([v["hit"] for v in vals if v["height_px"] < SMALL_PX]),
            f">={SMALL_PX:g}px": _rate([v["hit"] for v in vals if v["height_px"] >= SMALL_PX]),
        },
        "ordinary_destroyed_clean": _rate(ordinary),
        "clean_altered": {"n": sum(s["altered"] for s in clean), "of": len(clean)},
        "seconds_per_photo": (sum(secs) / len(secs)) if secs else None,
        "errors": len(errors or {}),
    }
