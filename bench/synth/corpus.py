"""Build labelled photos and write the corpus (photo_XXX.jpg + labels.json)."""

from __future__ import annotations

import json
import multiprocessing as mp
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
from faker import Faker

from bench.synth import photo as P
from bench.synth.camera import develop
from bench.synth.scenes_board import whiteboard
from bench.synth.scenes_hand import memo_note, sticky_note, wristband
from bench.synth.scenes_monitor import dashboard, in_monitor
from bench.synth.scenes_paper import bulletin, discharge_form, poster, sign
from bench.synth.scenes_screen import chart_screen, patient_list
from bench.synth.sheet import ORDINARY, Label, Sheet

# Bump when the generator's output changes, so bench.run rebuilds a stale corpus.
GENERATOR_VERSION = 7
SceneFn = Callable[[Faker, np.random.Generator], Sheet]
SCENES: dict[str, SceneFn] = {
    "chart_screen": lambda f, r: in_monitor(chart_screen(f, r), r),
    "patient_list": lambda f, r: in_monitor(patient_list(f, r), r),
    "whiteboard": whiteboard,
    "wristband": wristband,
    "discharge_form": discharge_form,
    "sticky_note": sticky_note,
    "memo_note": memo_note,
    "dashboard": lambda f, r: in_monitor(dashboard(f, r), r),
    "poster": poster,
    "sign": sign,
    "bulletin": bulletin,
}
PHI_WEIGHTS = {
    "chart_screen": 0.25,
    "patient_list": 0.11,
    "whiteboard": 0.19,
    "wristband": 0.14,
    "discharge_form": 0.24,
    "sticky_note": 0.07,
}
CLEAN_WEIGHTS = {"dashboard": 0.3, "poster": 0.3, "sign": 0.12, "bulletin": 0.28}


@lru_cache(maxsize=1)
def _faker() -> Faker:
    return Faker("en_US")


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    names = list(weights)
    p = np.array([weights[n] for n in names])
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def plan(rng: np.random.Generator, clean: bool, scene: str | None) -> list[str]:
    """Main scene first, then optional small extras (a sticky note, a sign)."""
    main = scene or _pick(rng, CLEAN_WEIGHTS if clean else PHI_WEIGHTS)
    extras = []
    if not clean and main != "sticky_note" and rng.random() < 0.3:
        extras.append("sticky_note")
    # Clean photos get notes too (a reminder, no login): a note is not PHI by itself.
    if clean and rng.random() < 0.35:
        extras.append("memo_note")
    if rng.random() < (0.45 if clean else 0.25):
        extras.append("sign")
    return [main, *extras]


def _record(lab: Label) -> dict:
    q = [[round(x, 1), round(y, 1)] for x, y in lab.quad]
    h = (np.hypot(*np.subtract(q[3], q[0])) + np.hypot(*np.subtract(q[2], q[1]))) / 2
    out = {"kind": lab.kind, "text": lab.text, "quad": q, "height_px": round(float(h), 1)}
    if len(lab.words) > 1:  # single-word labels: the word quad is the quad
        out["words"] = [[[round(x, 1), round(y, 1)] for x, y in w] for w in lab.words]
    if lab.role:
        out["role"] = lab.role
    return out


def _compose(
    rng: np.random.Generator,
    canvas: np.ndarray,
    names: list[str],
    target: float,
    max_rot: float,
    occlude: bool,
    fit: bool | None = None,
) -> list[Label]:
    """Place the objects, maybe add an occluder; return the labels still visible."""
    fake = _faker()
    h, w = canvas.shape[:2]
    placed: list[tuple[list[Label], np.ndarray]] = []
    for k, name in enumerate(names):
        sheet = SCENES[name](fake, rng)
        t = target if k == 0 else P.sample_text_height(rng)
        # Extras mostly sit beside the main object; a third of the time they may overlap it
        # (a sticky note on a monitor bezel), which hides some of its labels.
        avoid = placed[0][1] if placed and rng.random() < 0.7 else None
        placed.append(P.place(canvas, sheet, rng, t, max_rot, avoid, fit if k == 0 else None))
    cover = np.zeros((h, w), bool)
    if occlude and rng.random() < 0.35:
        cover |= P.occluder(canvas, rng, placed[0][1])
    kept: list[Label] = []
    for labels, mask in reversed(placed):  # later objects lie on top of earlier ones
        kept += [lab for lab in labels if P.visible_share(lab.quad, cover) >= P.MIN_VISIBLE]
        cover |= mask
    return kept


def make_photo(
    seed: int,
    index: int,
    scene: str | None = None,
    clean: bool | None = None,
    size: tuple[int, int] | None = None,
    target: float | None = None,
    max_rot: float = 12.0,
    occlude: bool = True,
    extras: bool = True,
    gentle: bool = False,
    fit: bool | None = None,
) -> tuple[bytes, dict]:
    """One labelled photo, fully determined by (seed, index) and the overrides.

    The overrides exist for the fixed samples: an easy chart screen for the end-to-end test.
    """
    rng = np.random.default_rng([seed, index])
    _faker().seed_instance(seed * 100_003 + index)
    clean = (index % 4 == 1) if clean is None else clean
    w, h = size or P.SIZES[int(rng.integers(len(P.SIZES)))]
    canvas = P.background(rng, w, h)
    names = plan(rng, clean, scene)
    names = names if extras else names[:1]
    main_target = target or P.sample_text_height(rng)
    kept = _compose(rng, canvas, names, main_target, max_rot, occlude, fit)
    jpeg = develop(canvas, rng, small_text=main_target < 12, gentle=gentle)
    rec = {
        "file": f"photo_{index:03d}.jpg",
        "width": w,
        "height": h,
        "scene": names[0],
        "objects": names,
        "clean": clean,
        "values": [_record(lab) for lab in kept if lab.kind != ORDINARY],
        "ordinary": [
            {k: v for k, v in _record(lab).items() if k != "kind"}
            for lab in kept
            if lab.kind == ORDINARY
        ],
    }
    return jpeg, rec


def _write_one(job: tuple[Path, int, int]) -> dict:
    out, seed, index = job
    jpeg, rec = make_photo(seed, index)
    (out / rec["file"]).write_bytes(jpeg)
    return rec


def write_corpus(out: Path, n: int, seed: int, jobs: int = 2) -> dict:
    """Write n photos and labels.json. Each photo depends only on (seed, index), so the
    output is the same whatever the number of worker processes."""
    out.mkdir(parents=True, exist_ok=True)
    work = [(out, seed, i) for i in range(n)]
    if jobs > 1 and n > 1:
        with mp.get_context("spawn").Pool(jobs) as pool:
            photos = pool.map(_write_one, work, chunksize=1)
    else:
        photos = [_write_one(w) for w in work]
    labels = {"version": 1, "generator": GENERATOR_VERSION, "seed": seed, "photos": photos}
    (out / "labels.json").write_text(json.dumps(labels, indent=1))
    return labels
