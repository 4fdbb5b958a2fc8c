"""Render results (text, JSON, SARIF) and write outputs. Matches are masked by default.

This module and load.py are the only ones that touch the file system.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PIL import Image

from phiguard import __version__
from phiguard.models import FileReport, Finding

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


def exit_code(reports: Iterable[FileReport]) -> int:
    """2 if any file could not be fully checked, else 1 if anything was found, else 0."""
    verdicts = {r.verdict for r in reports}
    return 2 if "error" in verdicts else 1 if "phi" in verdicts else 0


def to_json(reports: list[FileReport], show_matches: bool = False) -> str:
    doc = {
        "version": __version__,
        "files": [file_dict(r, show_matches) for r in reports],
        "summary": summary(reports),
    }
    return json.dumps(doc, indent=2)


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


# Pillow writes EXIF, XMP or an ICC profile only when asked to (exif=, icc_profile=);
# these calls never ask, and redact_image builds its copy from bare pixels.
def encode_image(image: Image.Image, fmt: str = "") -> tuple[bytes, str]:
    """Encode pixels only, in the input's format where we can: (bytes, MIME type)."""
    fmt = (fmt or "PNG").upper()
    out = io.BytesIO()
    if fmt in {"JPEG", "MPO"}:
        image.save(out, format="JPEG", quality=92, optimize=True)
        return out.getvalue(), "image/jpeg"
    if fmt == "WEBP":
        image.save(out, format="WEBP", quality=92)
        return out.getvalue(), "image/webp"
    if fmt in {"TIFF", "BMP"}:
        image.save(out, format=fmt)
        return out.getvalue(), f"image/{fmt.lower()}"
    image.save(out, format="PNG")  # GIF and anything else: lossless PNG
    return out.getvalue(), "image/png"


def write_image(image: Image.Image, path: Path, fmt: str = "") -> None:
    """Write pixels only: no EXIF, XMP, ICC profile or thumbnail is passed to the encoder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode_image(image, fmt)[0])


def write_text(text: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
