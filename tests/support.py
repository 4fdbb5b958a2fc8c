"""Test helpers: a per-process engine and small rendered images (synthetic values only)."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from phiguard.config import Config
from phiguard.engine import Engine, build_engine
from phiguard.models import Box

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PHIGUARD = [sys.executable, "-m", "phiguard"]


@functools.lru_cache(maxsize=1)
def engine() -> Engine:
    return build_engine(Config())


def quad_box(quad: list[list[float]]) -> Box:
    """The upright box around a labelled value's quad in a bench photo."""
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    return Box(int(min(xs)), int(min(ys)), int(max(xs) - min(xs)), int(max(ys) - min(ys)))


def render_lines(
    lines: list[str], size: int = 26, width: int = 1400, angle: float = 2.0
) -> Image.Image:
    """A screen-like image with one text line per entry, slightly rotated like a photo."""
    img = Image.new("RGB", (width, 80 + len(lines) * (size * 2 + 8)), (236, 239, 243))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, size)
    for i, line in enumerate(lines):
        draw.text((50, 40 + i * (size * 2 + 8)), line, fill=(25, 25, 30), font=font)
    return img.rotate(angle, fillcolor=(205, 205, 205)) if angle else img


def run_cli(
    *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [*PHIGUARD, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )
