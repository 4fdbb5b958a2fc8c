"""Finding PHI in text and in photos: the analysis behind every scan.

Text goes through the analyzer and the policy (decide.py). A photo is read block by
block (ocr.py, regions.py, deepocr.py), its record blocks lift weak values (layout.py),
and codes and faces are looked for while the text is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import cv2
import numpy as np
from PIL import Image, ImageOps

from phiguard import layout, notes
from phiguard.analyze import (
    analyze_text,
    join_words,
    locate,
    merge_duplicates,
    title_caps,
    undo_confusions,
)
from phiguard.config import Config
from phiguard.decide import decide, deny_list_findings, first_name_candidates
from phiguard.engine import Engine
from phiguard.known import known_findings
from phiguard.mirror import looks_mirrored, unmirror
from phiguard.models import Box, Finding, Word
from phiguard.noteread import read_notes_again
from phiguard.ocr import Block, OcrOptions, ocr_words, read_blocks, read_region, uses_pp_ocr
from phiguard.phototext import birth_dates, doubt_ocr_names, guesses, one_block_names
from phiguard.post import combinations_in_photo
from phiguard.regions import Region
from phiguard.stamps import stamp_words

Adjust = Callable[[list[Finding]], list[Finding]]


def find_in_text(
    text: str, engine: Engine, config: Config, source: str = "text", adjust: Adjust | None = None
) -> list[Finding]:
    """Decided findings for a piece of text, with character offsets.

    `adjust` rescores the candidates before the thresholds apply (layout.boost).
    """
    candidates = (
        analyze_text(text, engine, config, source)
        + deny_list_findings(text, config, source)
        + known_findings(undo_confusions(text), config.known, source)
    )
    return decide(adjust(candidates) if adjust else candidates, config)


# Name recognizers for a list's or a chart's layout, which captions leave out.
_LAYOUT_ONLY = ("InitialNameRecognizer", "TitledNameRecognizer", "FirstNameInitialRecognizer")


def find_in_caption(text: str, engine: Engine, config: Config) -> list[Finding]:
    """Decided findings for a post caption (or any typed text file).

    Unlike OCR text: no look-alike digit pass, first-name candidates, and the words
    around a name decide patient (flagged) or staff (not flagged).
    """
    # "J. Thomas", "Taylor, J", "Dr. Lopez": a list's or a chart's layout, not a caption's
    # ("Room B. Every donation"; a caption's doctor is staff, which the caption rules know).
    found = analyze_text(text, engine, config, "text", confusions=False)
    candidates = (
        [f for f in found if not any(r in f.source for r in _LAYOUT_ONLY)]
        + first_name_candidates(text)
        + deny_list_findings(text, config)
        + known_findings(text, config.known)
    )
    return decide(candidates, config, prose=text)


def _find_in_words(words: list[Word], engine: Engine, config: Config) -> list[Finding]:
    ocr = join_words(words)
    return locate(find_in_text(ocr.text, engine, config, "ocr", doubt_ocr_names), ocr)


def find_in_image(image: Image.Image, engine: Engine, config: Config) -> list[Finding]:
    """Findings with pixel boxes: text read block by block, barcodes and QR codes, record
    blocks (chart screens, wristbands), and faces unless config.faces is "ignore"."""
    from concurrent.futures import ThreadPoolExecutor

    from phiguard.codes import find_codes, not_words
    from phiguard.columns import column_findings
    from phiguard.faces import detect_faces
    from phiguard.sticky import note_findings, writing_on_notes

    # Faces, codes and sticky notes are looked for while the text is read (Tesseract's C
    # API, onnxruntime and OpenCV release the GIL): on a photo checked on its own, their
    # ~0.1-0.2 s then costs little wall time.
    rgb = np.asarray(image.convert("RGB"))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    with ThreadPoolExecutor(max_workers=3) as pool:
        faces = (
            pool.submit(detect_faces, image, config.threshold("FACE"))
            if config.faces != "ignore"
            else None
        )
        codes = pool.submit(find_codes, image)
        on_notes = pool.submit(writing_on_notes, rgb, gray)
        found, blocks, recs = _read_text(image, (rgb, gray), engine, config, on_notes.result)
        found_codes = not_words(codes.result(), blocks)
        objects = found_codes + layout.block_findings(recs, found_codes)
        objects += layout.noise_findings(blocks, recs)
        objects += column_findings(blocks, recs, found, image.size)
        objects += notes.credential_lines(blocks, found)
        kept = [f for f in found + objects if f.entity_type in config.entities]
        blur = any(config.blurs(f.entity_type) for f in kept)
        objects += note_findings(gray, blocks, blur, on_notes.result())
        found += [f for f in objects if f.entity_type in config.entities]
        return found + (faces.result() if faces else [])


def _read_text(
    image: Image.Image, pixels: tuple[np.ndarray, np.ndarray], engine: Engine, config: Config,
    on_notes: Callable[[], list[Box]],
) -> tuple[list[Finding], list[Block], list[layout.Record]]:  # fmt: skip
    """Text findings of a photo (`pixels`: its RGB and gray), its blocks, and the blocks
    that look like a record (`on_notes`: the writing on its sticky notes, which lifts
    weak values as a record does, and is read again where it was read badly)."""
    opts = OcrOptions(lang=config.ocr_lang, engine=config.ocr_engine)
    rgb, gray = pixels

    def reader(region: Region, base: int) -> list[Word]:
        return read_region(gray, region, opts, base)

    blocks = read_notes_again(gray, read_blocks(image, opts), on_notes(), reader)
    words = [w for b in blocks for w in b.words]
    ocr = join_words(words)
    recs = layout.records(blocks)

    # On a census board names stand alone ("Michelle", "COURTNEY"): first names from the
    # census list are weak candidates that only a record block lifts over the threshold.
    def adjust(cands: list[Finding]) -> list[Finding]:
        notes = on_notes()
        names = first_name_candidates(title_caps(ocr.text), "ocr") if recs or notes else []
        cands = one_block_names(cands, blocks, ocr)
        cands = birth_dates(doubt_ocr_names(cands, guesses(blocks, ocr)))
        return layout.boost(cands + [replace(f, text=ocr.text[f.start : f.end]) for f in names],
                            ocr, recs, notes)  # fmt: skip

    found = locate(find_in_text(ocr.text, engine, config, "ocr", adjust), ocr)
    if looks_mirrored(words):  # a selfie's mirrored sign: read it right too
        flipped = ocr_words(ImageOps.mirror(image), opts)
        found += unmirror(_find_in_words(flipped, engine, config), image.width)
    if recs and uses_pp_ocr(opts):
        found += _stamps(rgb, recs, words, engine, config)
    found = merge_duplicates(found) + combinations_in_photo(ocr, config.post_terms)
    return found, blocks, recs


def _stamps(rgb: np.ndarray, recs: list[layout.Record], words: list[Word], engine: Engine,
            config: Config) -> list[Finding]:  # fmt: skip
    """Markings stamped in coloured ink on a record (stamps.py; PP-OCR reads them). Only
    the markings: the record's other coloured text was read with the rest."""
    base = 1 + max((w.line for w in words), default=0)
    read = [w.box for w in words]
    inked = stamp_words(rgb, [r.box for r in recs], read, base)
    found = _find_in_words(inked, engine, config) if inked else []
    return [f for f in found if f.entity_type == "CONFIDENTIAL_MARKING"]
