"""Baselines and inline waivers: reviewed findings pass, new ones are still flagged.

A baseline (the detect-secrets/gitleaks model) holds one fingerprint per reviewed
finding: the SHA-256 of the file's bytes, the entity type, and the character span (text)
or pixel box (image). It never holds the matched value, so the baseline can be committed
next to the posts. Any edit to a file changes its hash, so an edited file is reviewed
again; text files can instead carry a `phiguard: allow` marker on the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from phiguard import __version__
from phiguard.models import Box, FileReport, Finding

BASELINE_VERSION = 1
PRAGMA = re.compile(r"phiguard:\s*allow\b", re.IGNORECASE)
# OCR can move a box by a pixel or two between Tesseract versions; half the area in
# common is still the same reviewed finding.
MIN_BOX_IOU = 0.5


@dataclass(frozen=True)
class Waived:
    """A finding that was let through, and why ("baseline" or "pragma")."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    entity_type: str
    span: tuple[int, int] | None = None
    box: Box | None = None


@dataclass(frozen=True)
class Baseline:
    fingerprints: frozenset[Fingerprint] = frozenset()

    def covers(self, sha256: str, f: Finding, kind: str) -> bool:
        mine = fingerprint(sha256, f, kind)
        for fp in self.fingerprints:
            if fp.sha256 != sha256 or fp.entity_type != f.entity_type:
                continue
            if mine.box is not None and fp.box is not None:
                if _iou(mine.box, fp.box) >= MIN_BOX_IOU:
                    return True
            elif mine.span is not None and mine.span == fp.span:
                return True
        return False


def _iou(a: Box, b: Box) -> float:
    inter = a.intersection(b)
    union = a.area + b.area - inter
    return inter / union if union else 0.0


def fingerprint(sha256: str, f: Finding, kind: str) -> Fingerprint:
    """Images are fingerprinted by box (pixels), text by span (characters)."""
    box = f.bbox if kind == "image" else None
    span = (f.start, f.end) if box is None and f.start is not None and f.end is not None else None
    return Fingerprint(sha256, f.entity_type, span, box)


def _fp_dict(fp: Fingerprint) -> dict[str, Any]:
    out: dict[str, Any] = {"entity_type": fp.entity_type}
    if fp.box is not None:
        out["box"] = fp.box.as_list()
    if fp.span is not None:
        out["span"] = list(fp.span)
    return out


def baseline_doc(items: Iterable[tuple[FileReport, str]]) -> dict[str, Any]:
    """The baseline for (report, sha256) pairs; only files with findings are listed."""
    files = []
    for rep, sha in items:
        if rep.verdict != "phi":
            continue
        fps = sorted(
            (_fp_dict(fingerprint(sha, f, rep.kind)) for f in rep.findings),
            key=lambda d: (d["entity_type"], d.get("span", []), d.get("box", [])),
        )
        files.append({"path": rep.path, "sha256": sha, "findings": fps})
    return {
        "version": BASELINE_VERSION,
        "generated_by": f"phiguard {__version__}",
        "about": "Reviewed PHI findings: file hash, entity type, span or box. No matched text.",
        "files": files,
    }


def parse_baseline(doc: Any) -> Baseline:
    """Read a baseline document; anything malformed raises ValueError (never ignored)."""
    if not isinstance(doc, dict) or doc.get("version") != BASELINE_VERSION:
        raise ValueError(f"not a phiguard baseline (version {BASELINE_VERSION} expected)")
    fps = set()
    try:
        for entry in doc["files"]:
            sha = str(entry["sha256"])
            for f in entry["findings"]:
                box = Box(*map(int, f["box"])) if f.get("box") is not None else None
                span = tuple(map(int, f["span"])) if f.get("span") is not None else None
                fps.add(Fingerprint(sha, str(f["entity_type"]), span, box))  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed baseline entry: {exc!r}") from exc
    return Baseline(frozenset(fps))


def pragma_lines(text: str) -> list[tuple[int, int]]:
    """Character ranges of the lines that carry a `phiguard: allow` marker."""
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        if PRAGMA.search(line):
            out.append((pos, pos + len(line)))
        pos += len(line)
    return out


def _reason(
    f: Finding, rep: FileReport, sha: str, allowed: list[tuple[int, int]], baseline: Baseline | None
) -> str | None:
    if baseline is not None and baseline.covers(sha, f, rep.kind):
        return "baseline"
    start, end = f.start, f.end
    on_marked_line = any(lo <= (start or 0) and (end or 0) <= hi for lo, hi in allowed)
    if start is not None and end is not None and on_marked_line:
        return "pragma"
    return None


def apply(
    rep: FileReport, sha256: str, text: str | None, baseline: Baseline | None
) -> tuple[FileReport, tuple[Waived, ...]]:
    """Drop waived findings from a report; the verdict turns clean if none are left.

    Only text files honour the pragma: in a photo, "phiguard: allow" written on a
    whiteboard must not silence the chart beside it.
    """
    if rep.verdict != "phi":
        return rep, ()
    allowed = pragma_lines(text) if rep.kind == "text" and text else []
    kept, waived = [], []
    for f in rep.findings:
        why = _reason(f, rep, sha256, allowed, baseline)
        if why:
            waived.append(Waived(f, why))
        else:
            kept.append(f)
    if not waived:
        return rep, ()
    reasons = sorted({w.reason for w in waived})
    note = f"{len(waived)} reviewed finding(s) waived ({', '.join(reasons)})"
    new = replace(
        rep,
        findings=tuple(kept),
        verdict="phi" if kept else "clean",
        notes=(*rep.notes, note),
    )
    return new, tuple(waived)
