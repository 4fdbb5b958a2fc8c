"""Load inputs: walk paths, sniff formats by content, orient images, decode text.

This module and report.py are the only ones that touch the file system. Every frame
of a multi-frame image and every page of a PDF is decoded (each is checked), and the
metadata a phone photo carries is read here too (see media.py for the decoding).
"""

from __future__ import annotations

import io
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
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
# Nothing is read past this: a phone photo is 3-8 MB, a RAW-sized TIFF or a long PDF
# ~100 MB. Checked on the size before reading, so a 3 GB file costs no memory.
MAX_FILE_BYTES = 256 * 1024 * 1024
# Every frame is OCRed (~1.5 s for a phone photo): an animated GIF of 1000 frames would
# take half an hour, so past these limits the file is refused, never half-checked.
MAX_FRAMES = 100
# All frames are held decoded as RGB at once (3 bytes a pixel): 200 MP is 600 MB, which
# keeps a scan under 2 GiB with the models loaded. 4x this let a 99-page PDF reach 3.4 GB.
MAX_TOTAL_PIXELS = 2 * MAX_PIXELS
# Files that start like an image are never read as text, whatever their name: a
# corrupt photo or a decompression bomb named .txt must not come out "clean".
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")


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


def iter_paths(paths: list[str]) -> Iterator[str]:
    """Yield files to scan in a stable order; folders are walked, dotfiles skipped."""
    for raw in paths:
        if raw != STDIN and Path(raw).is_dir():
            yield from _walk(raw)
        else:
            yield raw  # missing files too: load() turns them into a named error


def _walk(top: str) -> Iterator[str]:
    """Files under `top`, sorted. Symlinked folders are followed (skipping them would
    leave their photos unchecked) but each folder is visited once, so a link loop ends.
    A folder that cannot be listed is yielded itself, and load() reports it as an error
    instead of the walk passing over it in silence."""
    unlisted: list[str] = []
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(top, followlinks=True, onerror=_note(unlisted)):
        yield from _drain(unlisted)
        try:
            st = os.stat(root)
        except OSError:  # gone since it was listed: load() names it
            yield root
            continue
        if (st.st_dev, st.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield from (os.path.join(root, f) for f in sorted(files) if not f.startswith("."))
    yield from _drain(unlisted)


def _note(into: list[str]) -> Callable[[OSError], None]:
    return lambda exc: into.append(str(exc.filename))


def _drain(items: list[str]) -> Iterator[str]:
    while items:
        yield items.pop(0)


class _Changed(Exception):
    """The file's size or time changed while it was read."""


def read_bytes(path: str) -> bytes:
    """All of a regular file's bytes, read once. A file that changes while it is read
    (still being copied or saved) is read once more; if it changes again it is an error,
    so a half-written photo is never scanned as if it were the whole one."""
    try:
        if path == STDIN:
            return _capped(sys.stdin.buffer.read(MAX_FILE_BYTES + 1))
        try:
            return _read_regular(path)
        except _Changed:
            try:
                return _read_regular(path)
            except _Changed:
                raise LoadError(
                    "the file changed while it was being read (still being written?)"
                ) from None
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from exc


def _read_regular(path: str) -> bytes:
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait forever for a writer.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        before = os.fstat(f.fileno())
        if not stat.S_ISREG(before.st_mode):
            raise LoadError(f"not a regular file: {_kind_of(before.st_mode)}; cannot check it")
        if before.st_size > MAX_FILE_BYTES:
            raise LoadError(_too_big(before.st_size))
        data = _capped(f.read(MAX_FILE_BYTES + 1))
        after = os.fstat(f.fileno())
    moved = (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns)
    if moved or len(data) != after.st_size:
        raise _Changed()
    return data


def _kind_of(mode: int) -> str:
    kinds = {
        stat.S_ISDIR: "a folder that could not be listed",
        stat.S_ISFIFO: "a named pipe",
        stat.S_ISSOCK: "a socket",
        stat.S_ISCHR: "a device",
        stat.S_ISBLK: "a device",
    }
    return next((name for test, name in kinds.items() if test(mode)), "not a file")


def _too_big(size: int) -> str:
    return f"file too large to check: {size:,} bytes (limit {MAX_FILE_BYTES // 2**20} MB)"


def _capped(data: bytes) -> bytes:
    if len(data) > MAX_FILE_BYTES:
        raise LoadError(_too_big(len(data)))
    return data


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
    except Image.DecompressionBombError as exc:  # Pillow's own guard, above MAX_PIXELS
        raise LoadError(_bomb_message(exc)) from None
    except Exception:
        probe = None
    if probe is not None:
        return _load_image(probe, path)
    suffix = Path(path).suffix.lower()
    if suffix in IMAGE_SUFFIXES or _looks_like_image(data):
        # Never fall back to reading a broken photo as text: it would come out "clean".
        raise LoadError(
            f"not a readable image although {_named(suffix, data)} (corrupt or truncated?)"
        )
    if suffix in TEXT_SUFFIXES or path == STDIN or _looks_like_text(data):
        return _load_text(data, path)
    raise LoadError(
        "unsupported format (phiguard reads JPEG, PNG, WebP, HEIC, TIFF, GIF, BMP, PDF and text)"
    )


def _looks_like_image(data: bytes) -> bool:
    riff = data.startswith(b"RIFF") and data[8:12] == b"WEBP"
    return riff or data[4:8] == b"ftyp" or data.startswith(IMAGE_MAGIC)


def _named(suffix: str, data: bytes) -> str:
    return f"named {suffix}" if suffix in IMAGE_SUFFIXES else "it starts like an image"


def _bomb_message(exc: Exception) -> str:
    claimed = re.search(r"\((\d+) pixels\)", str(exc))
    size = f"{int(claimed.group(1)):,} pixels" if claimed else "too many pixels"
    return f"image too large to check: {size} (limit {MAX_PIXELS:,})"


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" not in head


def _load_image(img: Image.Image, path: str) -> Loaded:
    fmt = img.format or ""
    if fmt not in IMAGE_FORMATS:
        raise LoadError(f"unsupported image format {fmt or 'unknown'}")
    w, h = img.size
    if w * h > MAX_PIXELS:  # from the header alone: nothing has been decoded yet
        raise LoadError(f"image too large to check: {w}x{h} pixels (limit {MAX_PIXELS:,})")
    try:
        n = _frame_count(img)
        if n > MAX_FRAMES or w * h * n > MAX_TOTAL_PIXELS:
            many = f"more than {MAX_FRAMES}" if n > MAX_FRAMES else str(n)
            raise LoadError(
                f"too many frames to check: {many} of {w}x{h} (limit {MAX_FRAMES} frames, "
                f"{MAX_TOTAL_PIXELS:,} pixels in all)"
            )
        meta = media.read_meta(img)
        frames = []
        for i in range(n):
            img.seek(i)
            img.load()  # decode now: a truncated JPEG must fail here, not pass as clean
            # Orientation goes into the pixels first, so every box is in display coordinates.
            frames.append(media.to_rgb(ImageOps.exif_transpose(img)))
    except LoadError:
        raise
    except Image.DecompressionBombError as exc:
        raise LoadError(_bomb_message(exc)) from None
    except Exception as exc:  # a hostile file may break a decoder in any way: never "clean"
        raise LoadError(f"cannot decode {fmt} image: {type(exc).__name__}: {exc}") from exc
    return Loaded(
        path=path, kind="image", image=frames[0], fmt=fmt, frames=tuple(frames), meta=meta
    )


def _frame_count(img: Image.Image) -> int:
    """Frames in the file, counted no further than MAX_FRAMES + 1: Pillow's n_frames
    walks a whole GIF, and one of a million tiny frames would take minutes."""
    if not getattr(img, "is_animated", False):
        return 1
    n = 1
    try:
        while n <= MAX_FRAMES:
            img.seek(n)
            n += 1
    except EOFError:
        pass
    img.seek(0)
    return n


def _load_pdf(data: bytes, path: str) -> Loaded:
    """Render every page; a PDF that cannot be rendered completely is an error."""
    try:
        pages = media.render_pdf(data, MAX_FRAMES, MAX_PIXELS, MAX_TOTAL_PIXELS)
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
