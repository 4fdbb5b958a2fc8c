"""Render bench summaries as a markdown table."""

from __future__ import annotations

from collections.abc import Mapping


def _pct(r: Mapping | None) -> str:
    if not r or r.get("share") is None:
        return "-"
    return f"{100 * r['share']:.1f}% ({r['hit']}/{r['n']})"


def _rows(s: Mapping) -> dict[str, str]:
    rows = {
        "PHI values unreadable": _pct(s["values"]),
        "PHI values at least half covered": _pct(s["values_half_covered"]),
    }
    for band, r in s["by_height"].items():
        rows[f"text {band}"] = _pct(r)
    for kind, r in s["by_kind"].items():
        rows[f"{kind}"] = _pct(r)
    rows["ordinary text destroyed (clean scenes)"] = _pct(s["ordinary_destroyed_clean"])
    ca = s["clean_altered"]
    rows["clean photos altered"] = f"{ca['n']}/{ca['of']}"
    sp = s["seconds_per_photo"]
    rows["seconds per photo"] = "-" if sp is None else f"{sp:.2f}"
    rows["errors"] = str(s["errors"])
    return rows


def markdown(summaries: Mapping[str, Mapping], meta: str = "") -> str:
    tools = list(summaries)
    per = {t: _rows(summaries[t]) for t in tools}
    names: list[str] = []
    for t in tools:
        names += [n for n in per[t] if n not in names]
    lines = [meta, ""] if meta else []
    lines += ["| metric | " + " | ".join(tools) + " |", "|---" * (len(tools) + 1) + "|"]
    lines += [
        "| " + n + " | " + " | ".join(per[t].get(n, "-") for t in tools) + " |" for n in names
    ]
    sp = {t: summaries[t]["seconds_per_photo"] for t in tools}
    if sp.get("presidio") and sp.get("phiguard") is not None:
        ratio = f"{sp['phiguard'] / sp['presidio']:.2f}x"
        lines.append(
            "| time ratio phiguard/presidio | "
            + " | ".join(ratio if t == "phiguard" else "" for t in tools)
            + " |"
        )
    return "\n".join(lines) + "\n"
