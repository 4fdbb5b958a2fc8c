"""SARIF 2.1.0 output, so code hosts show findings on the file they are in.

One rule per entity type; text findings carry a line/column region, image findings
their pixel box in the result's property bag (an image has no lines). Messages show
masked values only. Files that could not be checked become UNCHECKED results, so a
failure shows on the file instead of passing silently.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from phiguard import __version__
from phiguard.check import Checked
from phiguard.models import Finding
from phiguard.report import mask

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
UNCHECKED = "UNCHECKED"


def uri(path: str) -> str:
    p = Path(path)
    return p.as_uri() if p.is_absolute() else quote(p.as_posix())


def position(starts: tuple[int, ...], offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset, columns in code points."""
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def _rule(rule_id: str) -> dict[str, Any]:
    if rule_id == UNCHECKED:
        text = "The file could not be fully checked for PHI; it is never reported clean."
        help_ = "Fix or replace the file (corrupt, truncated, unsupported) and check again."
    else:
        text = f"Protected health information: {rule_id} in a photo or caption."
        help_ = (
            "Blur it with `phiguard redact`, or after review record it in the "
            "baseline (`phiguard baseline create`)."
        )
    return {
        "id": rule_id,
        "shortDescription": {"text": text},
        "help": {"text": help_},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["privacy", "phi"]},
    }


def _location(c: Checked, f: Finding | None) -> dict[str, Any]:
    phys: dict[str, Any] = {"artifactLocation": {"uri": uri(c.report.path)}}
    if f is not None and c.report.kind == "text" and c.line_starts and f.start is not None:
        end = f.end if f.end is not None else f.start
        sl, sc = position(c.line_starts, f.start)
        el, ec = position(c.line_starts, end)
        phys["region"] = {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec}
    return {"physicalLocation": phys}


def _result(c: Checked, f: Finding, index: dict[str, int], show: bool) -> dict[str, Any]:
    where = f.bbox.as_list() if f.bbox else [f.start, f.end]
    key = f"{c.sha256}|{f.entity_type}|{where}"
    shown = f.text if show else mask(f.text)
    props: dict[str, Any] = {"score": round(f.score, 3), "source": f.source}
    if f.bbox is not None:
        props.update(bbox=f.bbox.as_list(), boxes=[b.as_list() for b in f.boxes])
    return {
        "ruleId": f.entity_type,
        "ruleIndex": index[f.entity_type],
        "level": "error",
        "message": {"text": f"{f.entity_type} found: {shown!r}"},
        "locations": [_location(c, f)],
        "partialFingerprints": {"phiguard/v1": hashlib.sha256(key.encode()).hexdigest()},
        "properties": props,
    }


def to_sarif(checked: list[Checked], show_matches: bool = False) -> str:
    rule_ids = sorted({f.entity_type for c in checked for f in c.report.findings})
    if any(c.report.verdict == "error" for c in checked):
        rule_ids.append(UNCHECKED)
    index = {r: i for i, r in enumerate(rule_ids)}
    results = []
    for c in checked:
        if c.report.verdict == "error":
            results.append(
                {
                    "ruleId": UNCHECKED,
                    "ruleIndex": index[UNCHECKED],
                    "level": "error",
                    "message": {"text": f"could not be fully checked: {c.report.error}"},
                    "locations": [_location(c, None)],
                }
            )
        results.extend(_result(c, f, index, show_matches) for f in c.report.findings)
    run = {
        "tool": {
            "driver": {
                "name": "phiguard",
                "version": __version__,
                "rules": [_rule(r) for r in rule_ids],
            }
        },
        "columnKind": "unicodeCodePoints",
        "invocations": [
            {"executionSuccessful": not any(c.report.verdict == "error" for c in checked)}
        ],
        "results": results,
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)
