"""The shipped NER tagger: a BiLSTM-CRF run in numpy (see :mod:`marsad.ner.neural`)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from ..errors import DataFileError
from ..resources import data_path, load_lexicon
from ..text.tokenize import Lexicon, Tokenizer
from .inputs import InputMaker, Vocabs
from .neural import NeuralNet
from .resources_io import load_gazetteer, load_memory

#: the files a model directory must have
REQUIRED = ("weights.npz", "network.json", "embeddings.npz")


def default_model_dir() -> Path:
    """The model directory shipped in the package (``marsad/data/ner``)."""
    return data_path("ner")


class NerTagger:
    """Tags sentences of surface words (punctuation separate, clitics attached, as in
    ANERcorp) with BIO tags over PER, ORG, LOC and MISC."""

    def __init__(self, net: NeuralNet, model_dir: Path) -> None:
        self._net = net
        self.model_dir = model_dir

    @classmethod
    def load(cls, model_dir: Path | None = None, lexicon: Lexicon | None = None) -> NerTagger:
        """Load a model directory (default: the shipped model). Pass the pipeline's
        ``lexicon`` to share it instead of loading the word list a second time."""
        d = Path(model_dir) if model_dir is not None else default_model_dir()
        for name in REQUIRED:
            if not (d / name).is_file():
                raise DataFileError(path=str(d / name), detail="NER model file not found; "
                                    "retrain it with 'marsad train-ner'")
        try:
            config = json.loads((d / "network.json").read_text(encoding="utf-8"))
            with np.load(d / "embeddings.npz") as npz:
                words = npz["words"].tolist()
                vectors = npz["vectors"]
            with np.load(d / "weights.npz") as npz:
                weights = {k: npz[k] for k in npz.files}
            tags = [str(t) for t in config["tags"]]
            vocabs = Vocabs.from_lists(words, config["vocabs"])
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as err:
            raise DataFileError(path=str(d), detail=f"unreadable NER model: {err}") from err
        weights["emb"] = vectors
        gazetteer = load_gazetteer(d / "gazetteer.tsv") if (d / "gazetteer.tsv").is_file() \
            else {}
        memory = load_memory(d / "memory.tsv") if (d / "memory.tsv").is_file() else {}
        maker = InputMaker(vocabs, Tokenizer(lexicon or load_lexicon()), memory, gazetteer)
        try:
            net = NeuralNet(weights, tags, maker)
        except (KeyError, ValueError, IndexError) as err:
            raise DataFileError(path=str(d / "weights.npz"),
                                detail=f"weights do not fit the network: {err}") from err
        return cls(net, d)

    def tag(self, words: Sequence[str]) -> list[str]:
        """BIO tags (``B-PER``, ``I-ORG``, ``O``, ...) for one sentence of words."""
        if not words:
            return []
        return self._net.tag([words])[0]

    def tag_sentences(self, sentences: Iterable[Sequence[str]]) -> list[list[str]]:
        """Tags for consecutive sentences (e.g. one article), computed as one batch."""
        return self._net.tag([list(s) for s in sentences])
