"""Font lookup with graceful fallback.

Only DejaVu is guaranteed on a fresh machine; the handwriting and extra office fonts come
from Debian packages (see bench/README note in the lead's report). A missing family falls
back to DejaVu with one warning, so the corpus still builds, just less varied.
"""

from __future__ import annotations

import warnings
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from PIL import ImageFont

_DV = "/usr/share/fonts/truetype/dejavu/"
_LIB = "/usr/share/fonts/truetype/liberation2/"
_FREE = "/usr/share/fonts/truetype/freefont/"

# Candidate files per style; the first existing ones are used, DejaVu is always last.
FAMILIES: dict[str, tuple[str, ...]] = {
    "sans": (
        _LIB + "LiberationSans-Regular.ttf",
        _FREE + "FreeSans.ttf",
        _DV + "DejaVuSansCondensed.ttf",
        _DV + "DejaVuSans.ttf",
    ),
    "sans_bold": (
        _LIB + "LiberationSans-Bold.ttf",
        _FREE + "FreeSansBold.ttf",
        _DV + "DejaVuSansCondensed-Bold.ttf",
        _DV + "DejaVuSans-Bold.ttf",
    ),
    "serif": (
        _LIB + "LiberationSerif-Regular.ttf",
        _FREE + "FreeSerif.ttf",
        _DV + "DejaVuSerif.ttf",
    ),
    "serif_bold": (
        _LIB + "LiberationSerif-Bold.ttf",
        _FREE + "FreeSerifBold.ttf",
        _DV + "DejaVuSerif-Bold.ttf",
    ),
    "mono": (
        _LIB + "LiberationMono-Regular.ttf",
        _FREE + "FreeMono.ttf",
        _DV + "DejaVuSansMono.ttf",
    ),
    "hand": (
        "/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf",
        "/usr/share/fonts/opentype/comic-neue/ComicNeue-Bold.otf",
        "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
        "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
        "/usr/share/fonts/truetype/femkeklaver/femkeklaver.ttf",
        "/usr/share/fonts/truetype/breip/Breip.ttf",
        "/usr/share/fonts/opentype/dancingscript/DancingScript-Regular.otf",
    ),
}
_FALLBACK = {"hand": _DV + "DejaVuSans-Oblique.ttf"}
_warned: set[str] = set()


@cache
def available(style: str) -> tuple[str, ...]:
    """Existing font files for a style; DejaVu (or its fallback) when none exist."""
    found = tuple(p for p in FAMILIES[style] if Path(p).is_file())
    if style == "hand" and not found:
        if style not in _warned:
            _warned.add(style)
            warnings.warn(
                "no handwriting fonts found (apt-get install fonts-comic-neue "
                "fonts-dkg-handwriting fonts-humor-sans ...): falling back to DejaVu",
                stacklevel=2,
            )
        return (_FALLBACK["hand"],)
    return found or (_DV + "DejaVuSans.ttf",)


@lru_cache(maxsize=512)
def _load(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def font(style: str, size: float, rng: np.random.Generator | None = None) -> ImageFont.FreeTypeFont:
    """A font of `style` at `size` px; a random family when rng is given, else the first."""
    paths = available(style)
    path = paths[int(rng.integers(len(paths)))] if rng is not None else paths[0]
    return _load(path, max(6, round(size)))


def pick_path(style: str, rng: np.random.Generator) -> str:
    """One font file of a style, so a whole scene can keep one family."""
    paths = available(style)
    return paths[int(rng.integers(len(paths)))]


def font_at(path: str, size: float) -> ImageFont.FreeTypeFont:
    return _load(path, max(6, round(size)))
