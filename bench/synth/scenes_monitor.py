"""Monitor framing for screen scenes, and the clean quality dashboard."""

from __future__ import annotations

import numpy as np
from faker import Faker
from PIL import Image, ImageFilter

from bench.synth.fonts import font_at, pick_path
from bench.synth.scenes_screen import theme
from bench.synth.sheet import Sheet, new_sheet, put_text


def dashboard(fake: Faker, rng: np.random.Generator, w: int = 1600, h: int = 1000) -> Sheet:
    """Clean: unit quality metrics, numbers and percentages, no patient data."""
    t = theme(rng)
    sh = new_sheet(w, h, t["bg"])
    sans, bold = pick_path("sans", rng), pick_path("sans_bold", rng)
    body = float(rng.uniform(17, 25))
    put_text(
        sh,
        (24, body),
        f"Unit {rng.integers(2, 9)} Quality Dashboard - "
        f"Q{rng.integers(1, 5)} {rng.integers(2021, 2026)}",
        font_at(bold, body * 1.6),
        t["accent"],
    )
    tiles = [
        ("Hand hygiene compliance", f"{rng.uniform(80, 99.5):.1f}%"),
        ("Falls with injury", str(rng.integers(0, 6))),
        ("Days since last CLABSI", str(rng.integers(3, 400))),
        ("Patient experience (top box)", f"{rng.integers(60, 95)}%"),
        ("Average length of stay", f"{rng.uniform(2.5, 6.5):.1f} days"),
        ("Pressure injuries", str(rng.integers(0, 4))),
        ("Discharges before noon", f"{rng.integers(15, 60)}%"),
        ("Staff vaccinated (flu)", f"{rng.integers(70, 100)}%"),
    ]
    order = rng.permutation(len(tiles))
    tw, th = (w - 72) / 2, body * 4.2
    for k, i in enumerate(order[:6]):
        x, y = 24 + (k % 2) * (tw + 24), body * 4.5 + (k // 2) * (th + 20)
        sh.draw.rectangle((x, y, x + tw, y + th), fill=t["bar"])
        put_text(sh, (x + 14, y + body * 0.6), tiles[i][0], font_at(sans, body), t["dim"])
        put_text(sh, (x + 14, y + body * 2.0), tiles[i][1], font_at(bold, body * 1.6), t["text"])
    put_text(
        sh,
        (24, h - body * 2),
        "Source: unit quality office. Target: 95% or better.",
        font_at(sans, body * 0.85),
        t["dim"],
    )
    return sh


def in_monitor(screen: Sheet, rng: np.random.Generator) -> Sheet:
    """Put screen content in a bezel, with a faint pixel grid and glow like a photo of an LCD."""
    arr = np.asarray(screen.img).astype(np.float32)
    if rng.random() < 0.7:  # subpixel / scan-line texture
        period = int(rng.integers(2, 4))
        arr[::period, :, :3] *= float(rng.uniform(0.82, 0.95))
    scr = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    scr = scr.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.0, 0.8))))
    w, h = scr.size
    b = int(w * rng.uniform(0.02, 0.05))
    gray = int(rng.integers(10, 70))
    out = new_sheet(w + 2 * b, h + 2 * b + int(b * rng.uniform(0, 1.5)), (gray, gray, gray + 4))
    out.img.paste(scr, (b, b))
    shift = np.array([[1.0, 0, b], [0, 1.0, b]])
    out.labels.extend(lab.mapped(shift) for lab in screen.labels)
    return out
