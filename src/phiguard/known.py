"""Known patients by salted hash: today's census, matched without storing it in the clear.

`phiguard hash-list census.csv > known.hashes` writes a header with a random per-file
salt and one HMAC-SHA256 digest per normalized value: each name as "first last" and
"last first" (bigrams), each surname (matched only after Mr./Mrs./Ms.), each MRN. A
scan hashes the same shapes found in a caption or OCR text and looks them up, so it
catches a census name that NER misses. The file holds no name or MRN in the clear;
a salted hash of a short value can still be guessed by brute force, so the file is
confidential all the same (it just is not a readable list).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import itertools
import re
import secrets
import unicodedata
from dataclasses import dataclass

from phiguard.models import Finding

MAGIC = "# phiguard-known v1 salt="
_WORD = re.compile(r"[^\W\d_][^\W\d_'’-]*")
_MRN = re.compile(r"(?<![\w-])[A-Za-z]{0,3}-?\d[\d\x20-]{3,14}\d(?![\w-])")
_TITLED = re.compile(r"\b(?:mr|mrs|ms|miss|mx)\.?\s+([^\W\d_][^\W\d_'’-]*)", re.IGNORECASE)
NAME_COLUMNS = ("name", "patient", "patient name", "full name", "pt name")
FIRST_COLUMNS = ("first", "first name", "firstname", "given", "given name")
LAST_COLUMNS = ("last", "last name", "lastname", "surname", "family name")
MRN_COLUMNS = ("mrn", "medical record number", "record", "chart", "patient id", "mr#", "mrn#")


class KnownListError(ValueError):
    """A census or hash file could not be read; the message says why (never a value)."""


@dataclass(frozen=True)
class KnownList:
    salt: bytes
    digests: frozenset[str]


def norm_word(word: str) -> str:
    """Accents, case, apostrophes and hyphens do not matter: "O'Brien" == "obrien"."""
    flat = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", flat.lower())


def norm_mrn(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", value.upper()).lstrip("0")


def digest(salt: bytes, kind: str, value: str) -> str:
    return hmac.new(salt, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _pick(row: dict[str, str], names: tuple[str, ...]) -> str:
    for key, value in row.items():
        if key and key.strip().lower() in names and value:
            return value.strip()
    return ""


def census_values(text: str) -> list[tuple[str, str]]:
    """(kind, normalized value) pairs from a census CSV with a header row."""
    rows = list(csv.DictReader(io.StringIO(text)))
    headers = {h.strip().lower() for h in (rows[0].keys() if rows else []) if h}
    wanted = set(NAME_COLUMNS + FIRST_COLUMNS + LAST_COLUMNS + MRN_COLUMNS)
    if not headers & wanted:
        raise KnownListError("census CSV needs a header row with name/first/last/mrn columns")
    out: list[tuple[str, str]] = []
    for row in rows:
        first, last = _pick(row, FIRST_COLUMNS), _pick(row, LAST_COLUMNS)
        full = _pick(row, NAME_COLUMNS)
        if full and not (first and last):
            last, _, first = full.partition(",") if "," in full else full.rpartition(" ")[::-1]
        f, la = norm_word(first.split()[0]) if first.split() else "", norm_word(last)
        if f and la:
            out += [("name", f"{f} {la}"), ("name", f"{la} {f}")]
        if la:
            out.append(("last", la))
        mrn = norm_mrn(_pick(row, MRN_COLUMNS))
        if mrn:
            out.append(("mrn", mrn))
    return out


def hash_census(text: str, salt: bytes | None = None) -> str:
    """The hash file for a census CSV: header with salt, then sorted digests."""
    salt = salt or secrets.token_bytes(16)
    digests = sorted({digest(salt, kind, value) for kind, value in census_values(text)})
    return MAGIC + salt.hex() + "\n" + "\n".join(digests) + "\n"


def parse(text: str) -> KnownList:
    lines = [s.strip() for s in text.splitlines() if s.strip()]
    if not lines or not lines[0].startswith(MAGIC):
        raise KnownListError("not a phiguard hash file (make one with `phiguard hash-list`)")
    try:
        salt = bytes.fromhex(lines[0][len(MAGIC) :])
    except ValueError as exc:
        raise KnownListError("hash file header has a malformed salt") from exc
    digests = frozenset(s for s in lines[1:] if not s.startswith("#"))
    if not all(re.fullmatch(r"[0-9a-f]{64}", d) for d in digests):
        raise KnownListError("hash file has a line that is not a SHA-256 digest")
    return KnownList(salt, digests)


def known_findings(text: str, known: KnownList | None, source: str = "text") -> list[Finding]:
    """Census names (first+last, or Mr./Mrs. surname) and MRNs that occur in `text`."""
    if known is None:
        return []

    def hit(kind: str, value: str) -> bool:
        return bool(value) and digest(known.salt, kind, value) in known.digests

    out: list[Finding] = []
    words = list(_WORD.finditer(text))
    for a, b in itertools.pairwise(words):
        gap = text[a.end() : b.start()]
        if re.fullmatch(r"[\s,]{1,3}", gap) and hit("name", f"{norm_word(a[0])} {norm_word(b[0])}"):
            out.append(_finding("PERSON", text, a.start(), b.end(), source))
    for m in _TITLED.finditer(text):
        if hit("last", norm_word(m.group(1))):
            out.append(_finding("PERSON", text, m.start(1), m.end(1), source))
    for m in _MRN.finditer(text):
        if sum(c.isdigit() for c in m[0]) >= 5 and hit("mrn", norm_mrn(m[0])):
            out.append(_finding("MRN", text, m.start(), m.end(), source))
    return out


def _finding(entity: str, text: str, start: int, end: int, source: str) -> Finding:
    return Finding(entity, 1.0, text[start:end], start, end, source=f"{source}:known-list")
