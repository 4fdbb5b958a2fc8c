"""Turn what a photo says about itself into findings.

A phone photo can leak without a readable word: GPS coordinates of a patient's home,
the capture time of a visit, the device, and an embedded thumbnail of the original
that survives a careless crop or blur. `scan` reports them so the user knows the file
as it is must not be posted; `redact` writes copies that carry none of them.
"""

from __future__ import annotations

from phiguard.models import Finding

# What each kind of metadata is reported as. Only the position has its own type:
# it is the one a reader could map straight to a place.
ENTITY = {"GPS_LOCATION": "GPS_LOCATION"}


def meta_findings(meta: tuple[tuple[str, str], ...]) -> list[Finding]:
    """One finding per metadata item; values are masked in reports like any match."""
    return [
        Finding(ENTITY.get(kind, "METADATA"), 1.0, value, source=f"metadata:{kind.lower()}")
        for kind, value in meta
    ]


# Every phone photo has a capture time and a device: reported (and stripped by
# `redact`), they would flag every photo if they counted. A position and a thumbnail
# of the unredacted original do count: posting the file as it is leaks them.
INFORMATIONAL = frozenset({"metadata:capture_time", "metadata:device", "metadata:maker_notes"})


def counts(f: Finding) -> bool:
    """Whether a finding makes the file's verdict "phi" (metadata: only position, thumbnail)."""
    return f.source not in INFORMATIONAL
