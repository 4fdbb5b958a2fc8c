"""Policy: which candidate findings count, given thresholds and allow/deny lists."""

from __future__ import annotations

import re
from dataclasses import replace

from phiguard.config import Config
from phiguard.models import Finding


def normalize(value: str) -> str:
    """Case- and space-insensitive form used to compare with allow and deny lists."""
    return " ".join(value.casefold().split())


# A lone capitalised word that spaCy calls a PERSON ("Wash" on a hand-hygiene sign, "Cap"
# in a diagnosis list) is weak evidence; with patient context Presidio lifts it to 1.0
# first, and 1.0 x 0.6 still passes the PERSON threshold.
SINGLE_NAME_FACTOR = 0.6


def weigh(f: Finding) -> Finding:
    """Adjust scores for patterns of evidence the recognizers cannot see alone."""
    if f.entity_type == "PERSON" and "SpacyRecognizer" in f.source and _single_word(f.text):
        return replace(f, score=round(f.score * SINGLE_NAME_FACTOR, 3))
    return f


def _single_word(text: str) -> bool:
    return len(re.findall(r"[^\W\d_]{2,}", text)) < 2


def decide(findings: list[Finding], config: Config) -> list[Finding]:
    """Keep findings of wanted entities above their threshold and not allow-listed."""
    allowed = {normalize(a) for a in config.allow_list}
    kept = [
        f
        for f in map(weigh, findings)
        if (f.entity_type in config.entities or f.entity_type == "DENY_LIST")
        and f.score >= config.threshold(f.entity_type)
        and normalize(f.text) not in allowed
    ]
    return _drop_contained(kept)


def _drop_contained(findings: list[Finding]) -> list[Finding]:
    """Drop a finding whose span lies inside a stronger one of any type (one value, one row)."""
    out = []
    for f in findings:
        if f.start is None or f.end is None:
            out.append(f)
            continue
        shadowed = any(
            g is not f
            and g.start is not None
            and g.end is not None
            and g.start <= f.start
            and f.end <= g.end
            and (g.end - g.start, g.score) > (f.end - f.start, f.score)
            for g in findings
        )
        if not shadowed:
            out.append(f)
    return out


def deny_list_findings(text: str, config: Config, source: str = "text") -> list[Finding]:
    """Values the organization always wants flagged, wherever they appear."""
    out = []
    for term in sorted(config.deny_list):
        pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, term.split())) + r"(?!\w)"
        for m in re.finditer(pattern, text, flags=re.IGNORECASE):
            out.append(
                Finding(
                    "DENY_LIST", 1.0, m.group(0), m.start(), m.end(), source=f"{source}:deny_list"
                )
            )
    return out
