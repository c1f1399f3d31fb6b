"""Named-entity tagging of Arabic news (PER, ORG, LOC, MISC; BIO) with a shipped CRF.

``NerTagger.load()`` loads the model in ``marsad/data/ner`` (python-crfsuite only; nothing
is downloaded); ``tag(words)`` tags one sentence of surface words, ``tag_sentences`` a run
of consecutive sentences (an article). ``read_conll`` and ``score_spans`` read and score
CoNLL files; ``train_model`` retrains (the training-only ``[train]`` extra builds the word
clusters).
"""

from __future__ import annotations

from .conll import read_conll, score_spans
from .tagger import NerTagger
from .train import train_model

__all__ = ["NerTagger", "read_conll", "score_spans", "train_model"]
