"""python -m bench.make_samples: the small fixed sample set in samples/.

The chart-screen sample is deliberately easy (text about 18 px, slight rotation, no blur or
occluder) because the end-to-end test expects Tesseract to read its MRN and patient name;
the bench corpus is the hard one.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from faker import Faker

from bench.synth.corpus import make_photo

SEED = 2024
# name -> make_photo overrides; index picks a fixed draw of the generator for each sample.
SAMPLES: dict[str, dict] = {
    "chart_screen.jpg": {
        "index": 8,
        "scene": "chart_screen",
        "clean": False,
        "target": 30.0,
        "max_rot": 3.0,
        "size": (2016, 1512),
    },
    "whiteboard.jpg": {
        "index": 1,
        "scene": "whiteboard",
        "clean": False,
        "target": 22.0,
        "max_rot": 5.0,
        "size": (1600, 1200),
    },
    "wristband.jpg": {
        "index": 2,
        "scene": "wristband",
        "clean": False,
        "target": 20.0,
        "max_rot": 6.0,
        "size": (1600, 1200),
    },
    "clean_poster.jpg": {
        "index": 4,
        "scene": "poster",
        "clean": True,
        "target": 24.0,
        "max_rot": 5.0,
        "size": (1200, 1600),
    },
}


def captions(seed: int) -> dict[str, tuple[str, list[dict]]]:
    """Caption texts and their labelled values (kind, text)."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    first, last = fake.first_name_male(), fake.last_name()
    mrn = fake.numerify("00######")
    patient = (
        f"So proud of Mr. {first} {last} in bed 12 who rang the bell today after his "
        f"last round of chemo! Whole 6 West team was there cheering. If Onc needs to "
        f"pull his follow-up it's MRN {mrn}. #nurselife #chemodone\n"
    )
    clean = (
        "Huge shout-out to the 4 West night shift for 100 days without a fall with "
        "injury! Pizza in the break room Friday at noon, and flu shots are free in the "
        "cafeteria all month. Visiting hours are 9 AM to 3 PM. #teamwork #nursesweek\n"
    )
    values = [{"kind": "PERSON", "text": f"{first} {last}"}, {"kind": "MRN", "text": mrn}]
    return {"caption_patient.txt": (patient, values), "caption_clean.txt": (clean, [])}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Write the fixed sample photos and captions.")
    ap.add_argument("--out", type=Path, default=Path("samples"))
    out = ap.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    photos = []
    for name, spec in SAMPLES.items():
        opts = {k: v for k, v in spec.items() if k != "index"}
        jpeg, rec = make_photo(
            SEED, spec["index"], occlude=False, extras=False, gentle=True, fit=True, **opts
        )
        rec["file"] = name
        (out / name).write_bytes(jpeg)
        photos.append(rec)
    caps = []
    for name, (text, values) in captions(SEED).items():
        (out / name).write_text(text)
        caps.append({"file": name, "clean": not values, "values": values})
    labels = {"version": 1, "seed": SEED, "photos": photos, "captions": caps}
    (out / "labels.json").write_text(json.dumps(labels, indent=1))
    print(f"wrote {len(photos)} photos and {len(caps)} captions to {out}")


if __name__ == "__main__":
    main()
