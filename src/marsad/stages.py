"""The built-in stages. Each is a factory registered with :func:`marsad.pipeline.stage`:
it receives the settings and the loaded knowledge once and returns ``Doc -> Doc``."""

from __future__ import annotations

from .doc import Doc, Span
from .pipeline import StageFn, stage
from .resources import Knowledge
from .settings import Settings
from .text import Tokenizer, detect_language, split_sentences


@stage("language", requires=("text",), assigns=("language",))
def language_stage(settings: Settings, knowledge: Knowledge) -> StageFn:
    def run(doc: Doc) -> Doc:
        code, warnings = detect_language(doc.text)
        return doc.with_layers(language=code, warnings=doc.warnings + tuple(warnings))
    return run


def _parts(doc: Doc) -> list[Span]:
    parts = [s for s in (doc.headline, doc.subheadline) if s is not None]
    return parts + list(doc.body)


@stage("sentences", requires=("structure",), assigns=("sentences",))
def sentences_stage(settings: Settings, knowledge: Knowledge) -> StageFn:
    abbreviations = knowledge.abbreviations

    def run(doc: Doc) -> Doc:
        sentences: list[Span] = []
        for part in _parts(doc):
            sentences.extend(split_sentences(doc.text, part.start, part.end, abbreviations))
        return doc.with_layers(sentences=tuple(sentences))
    return run


@stage("tokens", requires=("text",), assigns=("tokens",))
def tokens_stage(settings: Settings, knowledge: Knowledge) -> StageFn:
    tokenizer = Tokenizer(knowledge.lexicon)

    def run(doc: Doc) -> Doc:
        return doc.with_layers(tokens=tuple(tokenizer(doc.text)))
    return run


@stage("entities", requires=("tokens", "sentences"), assigns=("entities",))
def entities_stage(settings: Settings, knowledge: Knowledge) -> StageFn:
    from .actors import ActorDictionary
    from .entities import EntityResolver
    from .ner import NerTagger
    from .resources import load_nouns
    from .text import normalize_key

    resolver = EntityResolver(NerTagger.load(settings.ner_model, knowledge.lexicon),
                              ActorDictionary.load(settings.actor_files,
                                                   freq=knowledge.lexicon.freq), load_nouns(),
                              lambda s: " ".join(normalize_key(s).split()),
                              knowledge.lexicon)

    def run(doc: Doc) -> Doc:
        if doc.language not in ("ar", "und"):
            return doc  # not Arabic: no Arabic entities (the warning says so)
        return doc.with_layers(entities=tuple(resolver(doc)))
    return run


@stage("quotes", requires=("tokens", "sentences", "entities"), assigns=("quotes",))
def quotes_stage(settings: Settings, knowledge: Knowledge) -> StageFn:
    from .quotes import QuoteFinder, QuoteLexicon

    finder = QuoteFinder(QuoteLexicon.load(Tokenizer(knowledge.lexicon)))

    def run(doc: Doc) -> Doc:
        if doc.language not in ("ar", "und"):
            return doc
        return doc.with_layers(quotes=finder(doc))
    return run


@stage("events", requires=("tokens", "sentences", "entities"), assigns=("events",))
def events_stage(settings: Settings, knowledge: Knowledge) -> StageFn:
    from .events import EventCoder

    coder = EventCoder.for_pipeline(settings, knowledge)

    def run(doc: Doc) -> Doc:
        return doc.with_layers(events=coder(doc))
    return run
