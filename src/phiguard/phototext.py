"""What a photo's OCR text means, beyond the recognizers: names spaCy found in misread
words are doubted, and last-century dates are birth dates.

These judgments apply to text read from photos only; a typed caption goes through the
caption rules in decide.py instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from phiguard.analyze import OcrText
from phiguard.layout import LOW_CONF, NOISE_CONF, read_as_noise  # below LOW_CONF: a guess
from phiguard.lexicon import caption_rules, first_names, is_first_name
from phiguard.models import Finding
from phiguard.ocr import Block

OCR_GUESS_SCORE = 0.5  # an unknown lone word spaCy calls a name in OCR text


def doubt_ocr_names(
    findings: list[Finding], guessed: Callable[[Finding], bool] | None = None
) -> list[Finding]:
    """spaCy names in OCR text that are no known first name, no first-last pair and no
    titled name, or whose first line holds a sign's word and no first name, or that
    were `guessed` (see guesses).

    Misread words look like names to spaCy ("Corene" for "Control", "PHO Ts" from a
    sign read backwards, "HAND HYGIENE - BER" from a poster), at 0.85. Such a "name"
    stays a candidate under the PERSON threshold, which a record block around it still
    lifts (layout.boost). spaCy runs names on into the next line ("Dr. Wilkins" and a
    sign's "Quiet" below it), so only the first line is looked at for a sign's words;
    judging each line on its own lost 14 values on seed 31 (a surname, then its first
    name on the next line).
    """
    out = []
    for f in findings:
        if (
            f.entity_type == "PERSON"
            and "SpacyRecognizer" in f.source
            and (
                not _name_shaped(f.text)
                or _on_a_sign(f.text.split("\n")[0])
                or (guessed is not None and guessed(f))
            )
        ):
            f = replace(f, score=min(f.score, OCR_GUESS_SCORE))
        out.append(f)
    return out


def guesses(blocks: list[Block], ocr: OcrText) -> Callable[[Finding], bool]:
    """Whether all of a finding's words were guesses, in blocks read mostly as guesses,
    or it lies in blocks read as noise with a word unsure, no title and no known first
    name.

    Two misread words are "name-shaped" too: a poster's "Infection Prevention" in blurred
    10 px serif read "Saiaion Phevsston" (confidence 50, 26; its block's median 29), and
    clean photos were blurred for it. A board's faint "John Cox" read "Sobm Sox" (31, 44)
    sits among names read well (block median 97) and stays a name.
    """
    by_block = [float(np.median([w.conf for w in b.words])) if b.words else 0.0 for b in blocks]
    block_of = block_of_words(blocks)
    medians = [by_block[k] for k in block_of]
    noisy = [read_as_noise(b) for b in blocks]

    def guessed(f: Finding) -> bool:
        if f.start is None or f.end is None:
            return False
        spanned = [i for s, e, i in ocr.spans if s < f.end and e > f.start]
        if not spanned:
            return False
        if all(ocr.words[i].conf < LOW_CONF and medians[i] < LOW_CONF for i in spanned):
            return True
        # A bulletin card's handwritten "Potluck Friday" read "Palick Frily" (99, 50) in a
        # block read as noise: a name there needs a title, a known first name or every
        # word sure ("Mrs Daltoo" on a census board read as noise is a name).
        return (
            all(noisy[block_of[i]] for i in spanned)
            and any(ocr.words[i].conf < NOISE_CONF for i in spanned)
            and not _titled_or_first_name(f.text)
        )

    return guessed


def block_of_words(blocks: list[Block]) -> list[int]:
    """The block of each word of the photo's OCR text: find._read_text joins the blocks'
    words one block after another."""
    return [k for k, b in enumerate(blocks) for _ in b.words]


def one_block_names(findings: list[Finding], blocks: list[Block], ocr: OcrText) -> list[Finding]:
    """spaCy names split where they run from one block into the next, each part a name
    of its own to judge.

    The blocks' words are joined one after another (find._read_text), so spaCy can run a
    name from the last line of one block into the first line of the next, wherever that
    block is: a bulletin card's "Conf Room B" read "Cm Ran" took in "Family" from a sign
    1,000 px away, and the clean photo was blurred (seed 69, unseen). Cut to its first
    block only, "Dr Brock / Charlene M." lost the name in the next block (seed 61).
    """
    block_of = block_of_words(blocks)
    out = []
    for f in findings:
        if f.entity_type != "PERSON" or "SpacyRecognizer" not in f.source \
                or f.start is None or f.end is None:  # fmt: skip
            out.append(f)
            continue
        first, last = f.start, f.end
        spanned = [(s, e, block_of[i]) for s, e, i in ocr.spans if s < last and e > first]
        parts = dict.fromkeys(k for _, _, k in spanned)  # blocks in reading order
        if len(parts) < 2:
            out.append(f)
            continue
        for k in parts:
            start = max(first, min(s for s, _, j in spanned if j == k))
            end = min(last, max(e for _, e, j in spanned if j == k))
            out.append(replace(f, start=start, end=end, text=ocr.text[start:end]))
    return out


def _tokens(text: str) -> list[str]:
    """A name's words: letters, apostrophes and hyphens."""
    return [t for t in re.split(r"[^A-Za-z'-]+", text) if t]


def _on_a_sign(text: str) -> bool:
    tokens = {t.lower() for t in _tokens(text)}
    return bool(tokens & caption_rules().sign_words) and not tokens & first_names()


BIRTH_DATE_SCORE = 0.6
_LAST_CENTURY = re.compile(r"(?<!\d)19\d\d(?!\d)")


def birth_dates(findings: list[Finding]) -> list[Finding]:
    """Whole dates of the last century in a photo's text, as birth dates.

    Day, month and a year before 2000 on a wristband, board or label is a birth date
    far more often than anything else (a poster's event is this year's), and the label
    that says so is often cut off or unread ("D" for "DOB" on a band cut by the frame).
    """
    return [
        replace(f, score=max(f.score, BIRTH_DATE_SCORE))
        if f.entity_type == "DATE" and _LAST_CENTURY.search(f.text or "")
        else f
        for f in findings
    ]


_TITLED = re.compile(r"(?:Dr|Mr|Mrs|Ms|Mx)\.?\s+[A-Z][A-Za-z'-]+")


def _titled_or_first_name(text: str) -> bool:
    """A title before it ("Mrs Daltoo") or a known first name among its words."""
    return bool(_TITLED.match(text)) or any(is_first_name(t) for t in _tokens(text))


def _name_shaped(text: str) -> bool:
    return _titled_or_first_name(text) or sum(len(t) >= 3 for t in _tokens(text)) >= 2
