"""The shipped NER tagger: a linear-chain CRF (python-crfsuite) over cached features."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import pycrfsuite

from ..errors import DataFileError
from ..resources import data_path, load_lexicon
from ..text.tokenize import Lexicon, Tokenizer
from .features import FeatureConfig, FeatureExtractor, NerResources
from .resources_io import load_clusters, load_gazetteer, load_memory


def default_model_dir() -> Path:
    """The model directory shipped in the package (``marsad/data/ner``)."""
    return data_path("ner")


class NerTagger:
    """Tags sentences of surface words (punctuation separate, clitics attached, as in
    ANERcorp) with BIO tags over PER, ORG, LOC and MISC."""

    def __init__(self, crf: pycrfsuite.Tagger, extractor: FeatureExtractor,
                 model_dir: Path) -> None:
        self._crf = crf
        self._fx = extractor
        self.model_dir = model_dir

    @classmethod
    def load(cls, model_dir: Path | None = None, lexicon: Lexicon | None = None) -> NerTagger:
        """Load a model directory (default: the shipped model). Pass the pipeline's
        ``lexicon`` to share it instead of loading the word list a second time."""
        d = Path(model_dir) if model_dir is not None else default_model_dir()
        model = d / "model.crfsuite"
        conf = d / "features.json"
        for need in (model, conf):
            if not need.is_file():
                raise DataFileError(path=str(need), detail="NER model file not found; "
                                    "retrain it with 'marsad train-ner'")
        try:
            config = FeatureConfig.from_json(json.loads(conf.read_text(encoding="utf-8")))
        except (ValueError, OSError) as err:
            raise DataFileError(path=str(conf), detail=str(err)) from err
        names: tuple[str, ...] = ()
        clusters: dict[str, tuple[str, ...]] = {}
        if (d / "clusters.tsv").is_file():
            names, clusters = load_clusters(d / "clusters.tsv")
        gazetteer = load_gazetteer(d / "gazetteer.tsv") if (d / "gazetteer.tsv").is_file() \
            else {}
        memory = load_memory(d / "memory.tsv") if (d / "memory.tsv").is_file() else {}
        crf = pycrfsuite.Tagger()
        try:
            crf.open(str(model))
        except (OSError, ValueError) as err:
            raise DataFileError(path=str(model), detail=str(err)) from err
        known = frozenset(attr for attr, _ in crf.info().state_features)
        res = NerResources(clusters, names, gazetteer, memory)
        extractor = FeatureExtractor(config, res, Tokenizer(lexicon or load_lexicon()), known=known)
        return cls(crf, extractor, d)

    def tag(self, words: Sequence[str]) -> list[str]:
        """BIO tags (``B-PER``, ``I-ORG``, ``O``, ...) for one sentence of words."""
        if not words:
            return []
        tags: list[str] = self._crf.tag(self._fx.sentence(words))
        return tags

    def tag_sentences(self, sentences: Iterable[Sequence[str]]) -> list[list[str]]:
        """Tags for consecutive sentences (e.g. one article): other mentions of a name
        nearby in the batch inform each mention (the model's "doc" features)."""
        sents = [list(s) for s in sentences]
        out: list[list[str]] = [[] for _ in sents]
        idx = [i for i, s in enumerate(sents) if s]
        tag = self._crf.tag
        for i, x in zip(idx, self._fx.iter_document([sents[i] for i in idx]), strict=True):
            out[i] = tag(x)
        return out
