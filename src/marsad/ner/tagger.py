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
from .linear import WEIGHTS_FILE, CrfWeights, LinearCrf, file_sha256
from .resources_io import load_clusters, load_gazetteer, load_memory


def _weights(model_dir: Path, crf: pycrfsuite.Tagger) -> CrfWeights:
    """The model's weights from ``weights.npz`` when it was made from this
    ``model.crfsuite`` (fast), else from crfsuite's dump of the model."""
    saved = model_dir / WEIGHTS_FILE
    if saved.is_file():
        try:
            got = CrfWeights.load(saved, file_sha256(model_dir / "model.crfsuite"))
        except (OSError, ValueError, KeyError) as err:
            raise DataFileError(path=str(saved), detail=f"{err}; delete it or retrain "
                                "with 'marsad train-ner'") from err
        if got is not None:
            return got
    return CrfWeights.from_crfsuite(crf)


def default_model_dir() -> Path:
    """The model directory shipped in the package (``marsad/data/ner``)."""
    return data_path("ner")


class NerTagger:
    """Tags sentences of surface words (punctuation separate, clitics attached, as in
    ANERcorp) with BIO tags over PER, ORG, LOC and MISC."""

    def __init__(self, crf: pycrfsuite.Tagger, extractor: FeatureExtractor,
                 model_dir: Path, weights: CrfWeights | None = None) -> None:
        self._crf = crf
        self._fx = extractor
        self.model_dir = model_dir
        if weights is None:
            weights = CrfWeights.from_crfsuite(crf)
        # the same model scored in numpy from cached per-word-type vectors (same tags)
        self._linear = LinearCrf(weights, extractor)

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
        weights = _weights(d, crf)
        known = frozenset(weights.attributes)
        res = NerResources(clusters, names, gazetteer, memory)
        extractor = FeatureExtractor(config, res, Tokenizer(lexicon or load_lexicon()), known=known,
                                     offset_lists=False)
        return cls(crf, extractor, d, weights)

    def tag(self, words: Sequence[str]) -> list[str]:
        """BIO tags (``B-PER``, ``I-ORG``, ``O``, ...) for one sentence of words."""
        if not words:
            return []
        return self._linear.tag_sentences([words])[0]

    def tag_each(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """:meth:`tag` for each sentence (each its own context), decoded together: the
        fast path for the pipeline, which tags an article's sentences one by one."""
        return self._linear.tag_sentences(sentences)

    def tag_sentences(self, sentences: Iterable[Sequence[str]]) -> list[list[str]]:
        """Tags for consecutive sentences (e.g. one article): other mentions of a name
        nearby in the batch inform each mention (the model's "doc" features)."""
        return self._linear.tag_sentences([list(s) for s in sentences], document=True)
