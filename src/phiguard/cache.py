"""Result cache: re-scanning an unchanged photo archive takes seconds, not hours.

An entry is one photo's report, keyed by the SHA-256 of the file's bytes and a key
for everything else that decides the report: phiguard's version and its own source
files, the configuration (entities, thresholds, allow/deny lists, faces, metadata),
the recognizer YAML contents, the spaCy model and the Tesseract version. Change any
of them and every entry misses.

No PHI is stored in the clear: findings' text is masked exactly as in the JSON report
(report.mask), so `--show-matches` never reads the cache. Errors are never stored
(a file that could not be checked must be checked again), and neither are text files:
they take milliseconds, and their inline waivers need the text itself.

Like audit.py this is a store beside the pipeline, so it does its own file I/O.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from phiguard import __version__
from phiguard.config import Config, default_recognizers_dir
from phiguard.models import Box, FileReport, Finding

FORMAT = 1  # bump when the entry layout changes
CACHED_NOTE = "result from the cache (same bytes, same settings); --no-cache re-checks"


def cache_root() -> Path:
    """$XDG_CACHE_HOME/phiguard, else ~/.cache/phiguard."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "phiguard"


@dataclass(frozen=True)
class ResultCache:
    """Where entries live and the settings key they are filed under (picklable)."""

    root: Path
    key: str

    def entry(self, sha256: str) -> Path:
        return self.root / f"v{FORMAT}" / self.key[:16] / sha256[:2] / f"{sha256}.json"


def open_cache(config: Config, root: Path | None = None) -> ResultCache:
    return ResultCache(root or cache_root(), settings_key(config))


def settings_key(config: Config) -> str:
    """SHA-256 over everything besides the file's bytes that decides its report."""
    rec_dir = Path(config.recognizers_dir) if config.recognizers_dir else default_recognizers_dir()
    parts = {
        "format": FORMAT,
        "phiguard": __version__,
        "source": _source_digest(),
        "config": _config_doc(config),
        "recognizers": _tree_digest(rec_dir, "*.yaml"),
        "model": _dist_version(config.spacy_model.replace("_", "-")),
        "tesseract": _tesseract_version(config.ocr_lang),
        # OpenVINO in bfloat16 and onnxruntime read a few unsure words differently.
        "ocr_runtime": _ocr_runtime(config),
    }
    doc = json.dumps(parts, sort_keys=True, default=_plain)
    return hashlib.sha256(doc.encode()).hexdigest()


def _plain(value: object) -> object:
    """JSON for what asdict leaves: sets (a known-patient list's hashes) sorted."""
    if isinstance(value, set | frozenset):
        return sorted(map(str, value))
    return repr(value)


def _config_doc(config: Config) -> dict[str, Any]:
    doc = dataclasses.asdict(config)
    doc.pop("recognizers_dir")  # its contents count, not where it is
    doc.pop("style")  # how a copy is blurred does not change what is found
    # Sets have no order; allow/deny lists are hashed here, never stored.
    return {k: sorted(v) if isinstance(v, frozenset) else v for k, v in doc.items()}


@functools.lru_cache(maxsize=1)
def _source_digest() -> str:
    """phiguard's own code: a development build changes without a version bump."""
    return _tree_digest(Path(__file__).parent, "*.py")


def _tree_digest(folder: Path, pattern: str) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob(pattern)):
        h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _dist_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def _ocr_runtime(config: Config) -> str:
    from phiguard import deepocr

    return deepocr.runtime() if config.ocr_engine != "tesseract" and deepocr.available() else ""


@functools.lru_cache(maxsize=1)
def _tesseract_version(lang: str) -> str:
    from phiguard.ocr import engine_version

    return engine_version(lang)


def get(cache: ResultCache, sha256: str, path: str) -> FileReport | None:
    """The stored report for these bytes, under `path`; None on a miss or a bad entry."""
    try:
        doc = json.loads(cache.entry(sha256).read_text(encoding="utf-8"))
        return _from_doc(doc, path)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a missing, partial or foreign entry is a miss: the file is checked


def put(cache: ResultCache, sha256: str, report: FileReport) -> bool:
    """Store a checked photo's report (masked); errors and text files are not stored."""
    if report.verdict == "error" or report.kind != "image":
        return False
    from phiguard.report import file_dict

    doc = file_dict(report, show_matches=False)
    doc.pop("path")  # the same bytes may sit under many names
    target = cache.entry(sha256)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: parallel workers and a killed run never leave half an entry.
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        os.replace(tmp, target)
    except OSError:
        return False  # a read-only or full cache only costs speed
    return True


def _from_doc(doc: dict[str, Any], path: str) -> FileReport:
    findings = tuple(
        Finding(
            entity_type=str(f["entity_type"]),
            score=float(f["score"]),
            text=str(f["text"]),
            start=f["start"],
            end=f["end"],
            boxes=tuple(Box(*map(int, b)) for b in f["boxes"]),
            source=str(f["source"]),
            frame=f["frame"],
        )
        for f in doc["findings"]
    )
    verdict = doc["verdict"]
    if verdict not in ("clean", "phi") or doc["kind"] != "image":
        raise ValueError("not a cacheable report")
    return FileReport(
        path=path,
        kind="image",
        verdict=verdict,
        findings=findings,
        width=doc["width"],
        height=doc["height"],
        notes=(*doc["notes"], CACHED_NOTE),
        seconds=0.0,
    )


def clear(root: Path | None = None) -> int:
    """Delete every entry; returns how many files were removed."""
    root = root or cache_root()
    if not root.is_dir():
        return 0
    n = sum(1 for p in root.rglob("*") if p.is_file())
    shutil.rmtree(root)
    return n
