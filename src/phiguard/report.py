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
from typing import TYPE_CHECKING, Any

from PIL import Image

from phiguard import __version__
from phiguard.media import PDF_DPI
from phiguard.models import FileReport, Finding

if TYPE_CHECKING:
    from phiguard.post import PostReport

# "*" counts as a word character so that masking is idempotent: a masked value from the
# result cache masks to itself ("J*** S*****" stays, not "**** ******").
_WORD = re.compile(r"[\w*]+")


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
        "frame": f.frame,
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


def summary(reports: Iterable[FileReport]) -> dict[str, Any]:
    verdicts: Counter[str] = Counter()
    types: Counter[str] = Counter()
    for r in reports:
        count(r, verdicts, types)
    return summary_of(verdicts, types)


def count(r: FileReport, verdicts: Counter[str], types: Counter[str]) -> None:
    """Add one report to running counts (a streamed scan keeps counts, not reports)."""
    verdicts[r.verdict] += 1
    types.update(f.entity_type for f in r.findings)


def summary_of(verdicts: Counter[str], types: Counter[str]) -> dict[str, Any]:
    worst = "error" if verdicts.get("error") else "phi" if verdicts.get("phi") else "clean"
    return {
        "files": sum(verdicts.values()),
        "clean": verdicts.get("clean", 0),
        "phi": verdicts.get("phi", 0),
        "error": verdicts.get("error", 0),
        "findings": sum(types.values()),
        "by_type": dict(sorted(types.items())),
        "exit_code": {"error": 2, "phi": 1, "clean": 0}[worst],
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
        shown = f.text if show_matches else mask(f.text)
        where = _where(f)
        lines.append(f"         {f.entity_type:<20} {shown!r:<28} {f.score:.2f}  {where}")
    lines.extend(f"         note: {n}" for n in r.notes)
    return "\n".join(lines)


def _where(f: Finding) -> str:
    if f.bbox:
        where = f"at {f.bbox.as_list()}"
    elif f.start is not None:
        where = f"chars {f.start}-{f.end}"
    else:
        where = f"in {f.source}"  # metadata: no place in the pixels or the text
    return where if f.frame is None else f"{where} frame {f.frame}"


def to_text(reports: list[FileReport], show_matches: bool = False) -> str:
    body = [file_text(r, show_matches) for r in reports]
    return "\n".join(body) + "\n" + text_tail(summary(reports), show_matches)


def text_tail(s: dict[str, Any], show_matches: bool = False) -> str:
    """The closing line of a text report, from `summary`."""
    tail = (
        f"{s['files']} file(s): {s['phi']} with findings, {s['clean']} clean, "
        f"{s['error']} error(s); {s['findings']} finding(s)"
    )
    if not show_matches and s["findings"]:
        tail += " (matches masked; --show-matches to reveal)"
    return tail


def to_jsonl(r: FileReport, show_matches: bool = False) -> str:
    """One file's result as one line of JSON (the same object as in "files" of to_json)."""
    return json.dumps(file_dict(r, show_matches), separators=(",", ":"))


_MIME = {"JPEG": "image/jpeg", "WEBP": "image/webp", "HEIF": "image/heif",
         "PDF": "application/pdf", "TIFF": "image/tiff", "GIF": "image/gif",
         "BMP": "image/bmp", "PNG": "image/png"}  # fmt: skip


def encode_frames(frames: list[Image.Image], fmt: str = "") -> tuple[bytes, str]:
    """Encode every frame (pages of a TIFF or PDF, an animation) in the input's format.

    Only pixels reach the encoder: the frames were rebuilt from raw bytes (redact.py)
    and no exif=, icc_profile= or xmp= argument is passed, so nothing of the original's
    metadata travels. An MPO (a JPEG with extra images) comes out as a plain JPEG.
    Returns the bytes and their MIME type.
    """
    fmt = (fmt or "PNG").upper()
    fmt = {"MPO": "JPEG"}.get(fmt, fmt if fmt in _MIME else "PNG")
    first, rest = frames[0], frames[1:]
    many: dict[str, Any] = {"save_all": True, "append_images": rest} if rest else {}
    out = io.BytesIO()
    if fmt == "JPEG":
        first.save(out, format="JPEG", quality=92, optimize=True)
    elif fmt == "WEBP":
        first.save(out, format="WEBP", quality=92, **many)
    elif fmt == "HEIF":
        from phiguard.media import register_heif

        register_heif()
        first.save(out, format="HEIF", quality=90, **many)
    elif fmt == "PDF":
        first.save(out, format="PDF", resolution=PDF_DPI, save_all=True, append_images=rest)
    elif fmt in {"TIFF", "GIF"}:
        first.save(out, format=fmt, **many)
    else:
        first.save(out, format=fmt)
    return out.getvalue(), _MIME[fmt]


def encode_image(image: Image.Image, fmt: str = "") -> tuple[bytes, str]:
    """One image, pixels only: (bytes, MIME type)."""
    return encode_frames([image], fmt)


def write_image(image: Image.Image, path: Path, fmt: str = "") -> None:
    """Write pixels only: no EXIF, XMP, ICC profile or thumbnail is passed to the encoder."""
    write_frames([image], path, fmt)


def write_frames(frames: list[Image.Image], path: Path, fmt: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode_frames(frames, fmt)[0])


def write_text(text: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
