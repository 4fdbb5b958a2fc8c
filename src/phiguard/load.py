"""Load inputs: walk paths, sniff formats by content, orient images, decode text.

This module and report.py are the only ones that touch the file system. Every frame
of a multi-frame image and every page of a PDF is decoded (each is checked), and the
metadata a phone photo carries is read here too (see media.py for the decoding).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from phiguard import media

TEXT_SUFFIXES = frozenset({".txt", ".md", ".csv", ".text", ".markdown"})
IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif", ".heic", ".heif", ".pdf"}
)
IMAGE_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "TIFF", "BMP", "MPO", "GIF", "HEIF"})
STDIN = "-"
# Refuse before decoding: a 12 MP phone photo is 12e6; 100 MP is a poster scan.
MAX_PIXELS = 100_000_000
MAX_TEXT_BYTES = 20 * 1024 * 1024
# Every frame is OCRed (~1.5 s for a phone photo): an animated GIF of 1000 frames would
# take half an hour, so past these limits the file is refused, never half-checked.
MAX_FRAMES = 100
MAX_TOTAL_PIXELS = 4 * MAX_PIXELS


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
    # Every frame (or PDF page) as oriented RGB; frames[0] is `image`. () for text.
    frames: tuple[Image.Image, ...] = ()
    # What the file says about itself: ("GPS_LOCATION", "42.36, -71.06"), ...
    meta: tuple[tuple[str, str], ...] = ()


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
    if data.startswith(b"%PDF-"):
        return _load_pdf(data, path)
    if data[4:8] == b"ftyp":  # ISO media (HEIC/HEIF): Pillow reads it once pillow-heif registers
        media.register_heif()
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
    raise LoadError(
        "unsupported format (phiguard reads JPEG, PNG, WebP, HEIC, TIFF, GIF, BMP, PDF and text)"
    )


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" not in head


def _load_image(img: Image.Image, path: str) -> Loaded:
    fmt = img.format or ""
    if fmt not in IMAGE_FORMATS:
        raise LoadError(f"unsupported image format {fmt or 'unknown'}")
    w, h = img.size
    n = getattr(img, "n_frames", 1)
    if w * h > MAX_PIXELS:
        raise LoadError(f"image too large to check: {w}x{h} pixels (limit {MAX_PIXELS:,})")
    if n > MAX_FRAMES or w * h * n > MAX_TOTAL_PIXELS:
        raise LoadError(f"too many frames to check: {n} of {w}x{h} (limit {MAX_FRAMES})")
    try:
        meta = media.read_meta(img)
        frames = []
        for i in range(n):
            img.seek(i)
            img.load()  # decode now: a truncated JPEG must fail here, not pass as clean
            # Orientation goes into the pixels first, so every box is in display coordinates.
            frames.append(media.to_rgb(ImageOps.exif_transpose(img)))
    except (OSError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise LoadError(f"cannot decode {fmt} image: {exc}") from exc
    return Loaded(
        path=path, kind="image", image=frames[0], fmt=fmt, frames=tuple(frames), meta=meta
    )


def _load_pdf(data: bytes, path: str) -> Loaded:
    """Render every page; a PDF that cannot be rendered completely is an error."""
    try:
        pages = media.render_pdf(data, MAX_FRAMES, MAX_PIXELS)
    except media.MediaError as exc:
        raise LoadError(str(exc)) from exc
    return Loaded(path=path, kind="image", image=pages[0], fmt="PDF", frames=pages)


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
