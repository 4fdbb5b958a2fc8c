"""Load inputs: walk paths, sniff formats by content, orient images, decode text.

This module and report.py are the only ones that touch the file system.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

TEXT_SUFFIXES = frozenset({".txt", ".md", ".csv", ".text", ".markdown"})
IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif", ".heic", ".heif"}
)
IMAGE_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "TIFF", "BMP", "MPO", "GIF"})
STDIN = "-"
# Refuse before decoding: a 12 MP phone photo is 12e6; 100 MP is a poster scan.
MAX_PIXELS = 100_000_000
MAX_TEXT_BYTES = 20 * 1024 * 1024


class LoadError(Exception):
    """The input could not be read completely; the file must be reported as an error."""


@dataclass(frozen=True)
class Loaded:
    """A decoded input. Exactly one of `image` and `text` is set."""

    path: str
    kind: str  # "image" | "text"
    image: Image.Image | None = None
    text: str | None = None
    fmt: str = ""
    notes: tuple[str, ...] = ()


def iter_paths(paths: list[str], recursive: bool = True) -> Iterator[str]:
    """Yield files to scan in a stable order; folders are walked, dotfiles skipped."""
    for raw in paths:
        if raw == STDIN:
            yield raw
            continue
        p = Path(raw)
        if p.is_dir():
            if not recursive:
                yield from (str(c) for c in sorted(p.iterdir()) if c.is_file())
                continue
            # followlinks=False: a symlinked folder cannot send the walk round a loop.
            for root, dirs, files in os.walk(p, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                yield from (os.path.join(root, f) for f in sorted(files) if not f.startswith("."))
        else:
            yield raw  # missing files too: load() turns them into a named error


def read_bytes(path: str) -> bytes:
    try:
        if path == STDIN:
            return sys.stdin.buffer.read()
        return Path(path).read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from exc


def load(path: str) -> Loaded:
    """Read one input from disk (or stdin for "-") and decode it by content."""
    return load_bytes(read_bytes(path), path)


def load_bytes(data: bytes, path: str) -> Loaded:
    """Decode bytes as an image (by magic, not by name) or as text."""
    if not data:
        raise LoadError("empty file")
    try:
        probe = Image.open(io.BytesIO(data))
    except Exception:
        probe = None
    if probe is not None:
        return _load_image(probe, path)
    suffix = Path(path).suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        # Never fall back to reading a broken photo as text: it would come out "clean".
        raise LoadError(f"not a readable image although named {suffix} (corrupt or truncated?)")
    if suffix in TEXT_SUFFIXES or path == STDIN or _looks_like_text(data):
        return _load_text(data, path)
    raise LoadError("unsupported format (phiguard reads JPEG, PNG, WebP, TIFF, BMP and text)")


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" not in head


def _load_image(img: Image.Image, path: str) -> Loaded:
    fmt = img.format or ""
    if fmt not in IMAGE_FORMATS:
        raise LoadError(f"unsupported image format {fmt or 'unknown'}")
    w, h = img.size
    if w * h > MAX_PIXELS:
        raise LoadError(f"image too large to check: {w}x{h} pixels (limit {MAX_PIXELS:,})")
    try:
        img.load()  # decode now: a truncated JPEG must fail here, not pass as clean
        oriented = ImageOps.exif_transpose(img)
        rgb = oriented.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise LoadError(f"cannot decode {fmt} image: {exc}") from exc
    notes: tuple[str, ...] = ()
    frames = int(getattr(img, "n_frames", 1))
    if frames > 1:
        notes = (f"only the first of {frames} frames was checked",)
    return Loaded(path=path, kind="image", image=rgb, fmt=fmt, notes=notes)


def _load_text(data: bytes, path: str) -> Loaded:
    if len(data) > MAX_TEXT_BYTES:
        raise LoadError(f"text file too large: {len(data):,} bytes")
    try:
        return Loaded(path=path, kind="text", text=data.decode("utf-8"), fmt="text")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        note = "invalid UTF-8: undecodable bytes were replaced and the rest was scanned"
        return Loaded(path=path, kind="text", text=text, fmt="text", notes=(note,))


def iter_with_relnames(paths: list[str]) -> Iterator[tuple[str, str]]:
    """Like iter_paths, with each file's name relative to the folder it was found in."""
    for raw in paths:
        if Path(raw).is_dir():
            for f in iter_paths([raw]):
                yield f, os.path.relpath(f, raw)
        else:
            yield raw, Path(raw).name


POST_CAPTION = "caption.txt"


def find_post(paths: list[str]) -> tuple[str, list[str]] | None:
    """A single folder holding caption.txt is a post: (caption path, its other files)."""
    if len(paths) != 1 or not (Path(paths[0]) / POST_CAPTION).is_file():
        return None
    caption = str(Path(paths[0]) / POST_CAPTION)
    return caption, [f for f in iter_paths(paths) if f != caption]
