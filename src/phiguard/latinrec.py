"""PP-OCR's text recognizer narrowed to the characters of English text.

The recognizer in the rapidocr wheel scores 18,710 classes (CJK, emoji and more) at
every step of every line. Its last layer is sliced here to the CTC blank, printable
ASCII and the space: a blurred letter can no longer be read as a CJK glyph that breaks
a name or a number, and less work is done per line. Measured with `bench.run` on three
corpora: the same values on seeds 11 and 29, +2 names on seed 7; 4-10% less time a photo.

The narrowed model is derived from the wheel's own file (nothing is fetched) and kept in
phiguard's cache directory, so later processes load it in 0.08 s instead of the stock
model's 0.22 s.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

SOURCE = "PP-OCRv6_rec_small.onnx"  # the recognizer rapidocr 3.x ships and uses by default
VERSION = 1  # bump when keep() or the slicing changes


def keep(char: str) -> bool:
    """Printable ASCII: all the letters, digits and marks PHI is written in here."""
    return len(char) == 1 and 33 <= ord(char) <= 126


def model_path() -> Path | None:
    """The narrowed recognizer, derived on first use; None where the wheel's model is
    not the one this was measured on (rapidocr then uses its stock model)."""
    import rapidocr

    source = Path(rapidocr.__file__).parent / "models" / SOURCE
    if not source.is_file():
        log.warning("rapidocr has no %s: reading with its stock recognizer", SOURCE)
        return None
    stat = source.stat()
    name = f"rec-latin-v{VERSION}-{stat.st_size}-{stat.st_mtime_ns}.onnx"
    for folder in _folders():
        target = folder / name
        if target.is_file():
            return target
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _write(narrow(source.read_bytes()), target)
        except OSError as exc:
            log.debug("cannot keep the narrowed recognizer in %s: %s", folder, exc)
            continue
        except (ImportError, ValueError, KeyError) as exc:
            # No onnx, or a model laid out otherwise: read with the stock recognizer
            # (slower, the same words but for CJK look-alikes) rather than not at all.
            log.warning("cannot narrow %s (%s): reading with the stock recognizer", SOURCE, exc)
            return None
        return target
    return None


def _folders() -> list[Path]:
    from phiguard.cache import cache_root

    return [cache_root() / "models", Path(tempfile.gettempdir()) / f"phiguard-{os.getuid()}"]


def _write(data: bytes, target: Path) -> None:
    # Written aside and renamed: two workers starting together never read half a file.
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def narrow(model_bytes: bytes) -> bytes:
    """The model with its class layer cut to blank + kept characters + space.

    rapidocr's decoder reads the character list from the model's metadata and puts the
    blank before it and the space after it; the layer's weights and bias are the two
    initializers whose last axis has one entry per class.
    """
    import onnx
    from onnx import numpy_helper

    model = onnx.load_from_string(model_bytes)
    meta = {p.key: p for p in model.metadata_props}
    chars = meta["character"].value.splitlines()
    n = len(chars) + 2
    kept = [i for i, c in enumerate(chars) if keep(c)]
    cols = [0, *(i + 1 for i in kept), n - 1]
    sliced = 0
    for init in model.graph.initializer:
        if init.dims and init.dims[-1] == n:
            arr = numpy_helper.to_array(init)
            init.CopyFrom(numpy_helper.from_array(arr[..., cols].copy(), init.name))
            sliced += 1
    if sliced != 2:
        raise ValueError(f"expected a class layer of {n} (weights, bias); sliced {sliced}")
    for out in model.graph.output:
        out.type.tensor_type.shape.dim[-1].dim_value = len(cols)
    meta["character"].value = "\n".join(chars[i] for i in kept)
    # Shapes inside the graph were inferred for the old width; let the runtime redo them.
    del model.graph.value_info[:]
    return bytes(model.SerializeToString())
