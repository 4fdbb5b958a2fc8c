"""Audit log: one JSON line per decision, with no PHI in it.

Each line holds the time, the file's SHA-256, the verdict, finding counts by entity
type and the waivers used: enough to show later what was decided about which bytes,
never what was found. Matched text, spans and boxes are left out on purpose.

    from phiguard import audit
    audit.record("audit.jsonl", report, sha256=audit.sha256(data), command="serve")
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from phiguard import __version__
from phiguard.check import Checked, sha256
from phiguard.models import FileReport
from phiguard.waivers import Waived

__all__ = ["entry", "record", "record_checked", "sha256"]


def entry(
    report: FileReport,
    sha256: str | None = None,
    waived: Iterable[Waived] = (),
    **extra: Any,
) -> dict[str, Any]:
    """The audit record for one decision; `extra` adds fields such as command or action."""
    waived = list(waived)
    out: dict[str, Any] = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "tool": f"phiguard {__version__}",
        "path": report.path,
        "kind": report.kind,
        "sha256": sha256,
        "verdict": report.verdict,
        "findings": dict(sorted(Counter(f.entity_type for f in report.findings).items())),
        "waived": dict(sorted(Counter(w.reason for w in waived).items())),
        "waived_types": dict(sorted(Counter(w.finding.entity_type for w in waived).items())),
    }
    if report.error:
        out["error"] = report.error
    out.update(extra)
    return out


def record(
    target: str | os.PathLike[str] | IO[str],
    report: FileReport,
    sha256: str | None = None,
    waived: Iterable[Waived] = (),
    **extra: Any,
) -> dict[str, Any]:
    """Append one line to a path (created if missing) or write it to an open stream."""
    rec = entry(report, sha256, waived, **extra)
    line = json.dumps(rec, sort_keys=True, ensure_ascii=False) + "\n"
    if not isinstance(target, str | os.PathLike):
        target.write(line)
        target.flush()
        return rec
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    # One O_APPEND write per line: lines from several processes (hook, watch, serve)
    # sharing a log do not interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)
    return rec


def record_checked(
    target: str | os.PathLike[str] | IO[str], checked: Checked, **extra: Any
) -> dict[str, Any]:
    return record(target, checked.report, checked.sha256, checked.waived, **extra)
