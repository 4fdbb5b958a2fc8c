"""Render results (text, JSON, SARIF) and write outputs. Matches are masked by default.

This module and load.py are the only ones that touch the file system.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from phiguard import __version__
from phiguard.models import FileReport, Finding

if TYPE_CHECKING:
    from phiguard.post import PostReport

_WORD = re.compile(r"\w+")


def mask(value: str) -> str:
    """Keep the first letter of each word and the punctuation, hide every digit:
    "Maria Garcia" -> "M**** G*****", "(617) 555-2231" -> "(***) ***-****"."""

    def hide(m: re.Match[str]) -> str:
        word = m.group(0)
        keep = word[0] if word[0].isalpha() and len(word) > 1 else ""
        return keep + "*" * (len(word) - len(keep))

    return _WORD.sub(hide, value)


def finding_dict(f: Finding, show_matches: bool) -> dict[str, Any]:
    bbox = f.bbox
    return {
        "entity_type": f.entity_type,
        "score": round(f.score, 3),
        "text": f.text if show_matches else mask(f.text),
        "start": f.start,
        "end": f.end,
        "bbox": bbox.as_list() if bbox else None,
        "boxes": [b.as_list() for b in f.boxes],
        "source": f.source,
    }


def file_dict(r: FileReport, show_matches: bool = False) -> dict[str, Any]:
    return {
        "path": r.path,
        "kind": r.kind,
        "verdict": r.verdict,
        "findings": [finding_dict(f, show_matches) for f in r.findings],
        "error": r.error,
        "width": r.width,
        "height": r.height,
        "notes": list(r.notes),
        "seconds": round(r.seconds, 3),
    }


def summary(reports: list[FileReport]) -> dict[str, Any]:
    verdicts = Counter(r.verdict for r in reports)
    types = Counter(f.entity_type for r in reports for f in r.findings)
    return {
        "files": len(reports),
        "clean": verdicts.get("clean", 0),
        "phi": verdicts.get("phi", 0),
        "error": verdicts.get("error", 0),
        "findings": sum(types.values()),
        "by_type": dict(sorted(types.items())),
        "exit_code": exit_code(reports),
    }


def exit_code(reports: Iterable[FileReport], post: PostReport | None = None) -> int:
    """2 if any file could not be fully checked, else 1 if anything was found, else 0."""
    verdicts = {r.verdict for r in reports} | ({post.verdict} if post else set())
    return 2 if "error" in verdicts else 1 if "phi" in verdicts else 0


def post_dict(post: PostReport, show_matches: bool = False) -> dict[str, Any]:
    """The post's verdict and the combinations (caption term + the same word in a photo)."""
    combos = [{"path": path, **finding_dict(f, show_matches)} for path, f in post.combinations]
    return {"verdict": post.verdict, "caption": post.caption, "files": list(post.files),
            "combinations": combos}  # fmt: skip


def to_json(
    reports: list[FileReport], show_matches: bool = False, post: PostReport | None = None
) -> str:
    doc: dict[str, Any] = {
        "version": __version__,
        "files": [file_dict(r, show_matches) for r in reports],
        "summary": summary(reports),
    }
    if post is not None:
        doc["post"] = post_dict(post, show_matches)
        doc["summary"]["exit_code"] = exit_code(reports, post)
    return json.dumps(doc, indent=2)


def post_text(post: PostReport, show_matches: bool = False) -> str:
    lines = [f"POST   {post.verdict}: caption {post.caption} + {len(post.files)} file(s)"]
    for path, f in post.combinations:
        shown = f.text if show_matches else mask(f.text)
        where = f"at {f.bbox.as_list()}" if f.bbox else f"chars {f.start}-{f.end}"
        lines.append(f"         {f.entity_type:<20} {shown!r:<28} {path} {where}")
    return "\n".join(lines)


def file_text(r: FileReport, show_matches: bool = False) -> str:
    """One block per file: a verdict line, then one line per finding."""
    if r.verdict == "error":
        return f"ERROR  {r.path}: {r.error}"
    if r.verdict == "clean":
        lines = [f"clean  {r.path}"]
    else:
        counts = Counter(f.entity_type for f in r.findings)
        what = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
        lines = [f"PHI    {r.path}: {what}"]
    for f in r.findings:
        where = f"at {f.bbox.as_list()}" if f.bbox else f"chars {f.start}-{f.end}"
        shown = f.text if show_matches else mask(f.text)
        lines.append(f"         {f.entity_type:<20} {shown!r:<28} {f.score:.2f}  {where}")
    lines.extend(f"         note: {n}" for n in r.notes)
    return "\n".join(lines)


def to_text(reports: list[FileReport], show_matches: bool = False) -> str:
    s = summary(reports)
    body = [file_text(r, show_matches) for r in reports]
    tail = (
        f"\n{s['files']} file(s): {s['phi']} with findings, {s['clean']} clean, "
        f"{s['error']} error(s); {s['findings']} finding(s)"
    )
    if not show_matches and s["findings"]:
        tail += " (matches masked; --show-matches to reveal)"
    return "\n".join(body) + tail


def write_image(image: Image.Image, path: Path, fmt: str = "") -> None:
    """Write pixels only: no EXIF, XMP, ICC profile or thumbnail is passed to the encoder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = (fmt or "PNG").upper()
    if fmt in {"JPEG", "MPO"}:
        image.save(path, format="JPEG", quality=92, optimize=True)
    elif fmt == "WEBP":
        image.save(path, format="WEBP", quality=92)
    elif fmt in {"TIFF", "BMP", "GIF"}:
        image.save(path, format=fmt if fmt != "GIF" else "PNG")
    else:
        image.save(path, format="PNG")


def write_text(text: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
