"""Synthetic clinical-workplace photos with labelled PHI. See corpus.make_photo."""

from bench.synth.corpus import SCENES, make_photo, write_corpus

__all__ = ["SCENES", "make_photo", "write_corpus"]
