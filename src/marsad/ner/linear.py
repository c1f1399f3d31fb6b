"""Tagging with the CRF's weights in numpy, without handing feature strings to crfsuite.

A linear-chain CRF scores a label at a token as the sum of the weights of the token's
active attributes, and a label pair by a transition weight. A token's attributes are its
own word type's features plus each neighbour type's offset features (see
:mod:`marsad.ner.features`), so the score vector of a word type's own features, and of
its features as seen from each offset, can be summed once per type and cached. A sentence
is then a few additions of cached vectors and a Viterbi pass, run for all the sentences of
an article at once. The result is the same as ``pycrfsuite.Tagger.tag`` on the same
features (the tests check it on the ANERcorp test split); it avoids building and
converting about 37 attribute strings per token, which was most of the NER's time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from .features import FeatureExtractor, _TypeFeats

F64 = npt.NDArray[np.float64]

_MAX_CACHE = 80_000


class LinearCrf:
    """The weights of a trained crfsuite model as numpy arrays, with a per-word-type cache
    of score vectors. ``tag_sentences`` gives one tag list per sentence; each sentence is
    tagged on its own (its own "doc" context) unless ``document`` is asked for."""

    def __init__(self, labels: Sequence[str], state: Mapping[tuple[str, str], float],
                 transitions: Mapping[tuple[str, str], float], extractor: FeatureExtractor
                 ) -> None:
        self.labels = list(labels)
        index = {label: k for k, label in enumerate(self.labels)}
        n = len(self.labels)
        attrs: dict[str, int] = {}
        for attr, _label in state:
            attrs.setdefault(attr, len(attrs))
        # one row per attribute, one column per label
        matrix = np.zeros((len(attrs), n))
        for (attr, label), w in state.items():
            matrix[attrs[attr], index[label]] = w
        self._attrs = attrs
        self._matrix = matrix
        # a neighbour's feature f is the attribute "+1f", "-2f", ...: per f, its rows for
        # every offset (row window + offset; zeros where the model has no such attribute)
        window = extractor._window
        blocks: dict[str, F64] = {}
        for attr, k in attrs.items():
            if attr[:1] in "+-" and attr[1:2].isdigit():
                off = int(attr[:2])
                if 0 < abs(off) <= window:
                    block = blocks.get(attr[2:])
                    if block is None:
                        block = blocks[attr[2:]] = np.zeros((2 * window + 1, n))
                    block[window + off] = matrix[k]
        # all blocks stacked (one fancy index and one sum per word type), and a zero block
        self._ctx_index = {f: k for k, f in enumerate(blocks)}
        self._ctx_stack = np.stack([*blocks.values(), np.zeros((2 * window + 1, n))])
        self._no_ctx = self._ctx_stack[-1]
        self._trans = np.zeros((n, n))
        for (a, b), weight in transitions.items():
            if a in index and b in index:
                self._trans[index[a], index[b]] = weight
        self._fx = extractor
        self._window = window
        self._zero = np.zeros(n)
        self._bos = self._row("BOS")
        self._eos = self._row("EOS")
        # the words that can take part in a word-pair feature the model has
        bigrams = extractor._bigrams or {}
        self._pair_words = frozenset(
            w for table in bigrams.values() for right, lefts in table.items()
            for w in (right, *lefts))
        # word -> (its features, own vector, offset vectors: row window + offset)
        self._types: dict[str, tuple[_TypeFeats, F64, F64]] = {}

    def _row(self, attr: str) -> F64:
        k = self._attrs.get(attr)
        return self._zero if k is None else self._matrix[k]

    def _type(self, word: str) -> tuple[_TypeFeats, F64, F64]:
        got = self._types.get(word)
        if got is None:
            tf = self._fx.type_feats(word)
            attrs = self._attrs
            rows = [k for f in tf.own if (k := attrs.get(f)) is not None]
            own = self._matrix[rows].sum(axis=0) if rows else self._zero
            index = self._ctx_index
            found = [k for f in tf.ctx if (k := index.get(f)) is not None]
            shifted = self._ctx_stack[found].sum(axis=0) if found else self._no_ctx
            if len(self._types) >= _MAX_CACHE:
                self._types.clear()
            got = self._types[word] = (tf, own, shifted)
        return got

    def emissions(self, types: Sequence[tuple[_TypeFeats, F64, F64]],
                  docs: list[list[str]] | None) -> F64:
        """Label scores (tokens × labels) of one sentence of word types, with its "doc"
        features."""
        n = len(types)
        w = self._window
        em = np.array([t[1] for t in types])
        shifted = np.array([t[2] for t in types])
        for off in range(1, w + 1):
            if n > off:
                em[off:] += shifted[:-off, w - off]  # the word ``off`` to the left
                em[:-off] += shifted[off:, w + off]  # the word ``off`` to the right
            if off - 1 < n:
                em[off - 1] += self._bos
                em[n - off] += self._eos
        fx = self._fx
        tfs = [t[0] for t in types]
        pair_words = self._pair_words
        for i, tf in enumerate(tfs):
            extra = fx.bigram_features(tfs, i) if (
                tf.key in pair_words or tf.stem in pair_words) else []
            if docs is not None and docs[i]:
                extra += docs[i]
            for f in extra:
                k = self._attrs.get(f)
                if k is not None:
                    em[i] += self._matrix[k]
        return em

    def _sentence_docs(self, types: Sequence[tuple[_TypeFeats, F64, F64]]
                       ) -> list[list[str]] | None:
        """The "doc" features of one sentence on its own: none unless a name candidate's
        stem occurs twice in it (then as ``FeatureExtractor.doc_features`` gives them)."""
        tfs = [t[0] for t in types]
        stems = [tf.stem for tf in tfs if tf.candidate]
        if len(stems) == len(set(stems)):
            return None
        return next(self._fx.doc_features([tfs]))

    def tag_sentences(self, sentences: Sequence[Sequence[str]], *, document: bool = False
                      ) -> list[list[str]]:
        """Tags of each sentence, decoded together (Viterbi padded to the longest). With
        ``document``, the "doc" features look across all the sentences (an article), as
        ``FeatureExtractor.document`` does; else each sentence is its own context."""
        out: list[list[str]] = [[] for _ in sentences]
        live = [k for k, s in enumerate(sentences) if s]
        if not live:
            return out
        types = [[self._type(word) for word in sentences[k]] for k in live]
        fx = self._fx
        if document:
            docs = list(fx.doc_features([[t[0] for t in ts] for ts in types]))
        else:
            docs = [self._sentence_docs(ts) for ts in types]
        ems = [self.emissions(ts, d) for ts, d in zip(types, docs, strict=True)]
        lengths = np.array([len(e) for e in ems])
        longest = int(lengths.max())
        n_labels = len(self.labels)
        em = np.zeros((len(ems), longest, n_labels))
        for b, e in enumerate(ems):
            em[b, :len(e)] = e
        trans = self._trans
        score = em[:, 0].copy()
        back = np.zeros((len(ems), longest, n_labels), dtype=np.int64)
        for t in range(1, longest):
            cand = score[:, :, None] + trans[None, :, :]  # batch × from × to
            best = cand.argmax(axis=1)
            new = cand.max(axis=1) + em[:, t]
            running = (t < lengths)[:, None]
            score = np.where(running, new, score)
            back[:, t] = best
        labels = self.labels
        for b, k in enumerate(live):
            n = int(lengths[b])
            last = int(score[b].argmax())
            path = [last]
            for t in range(n - 1, 0, -1):
                last = int(back[b, t, last])
                path.append(last)
            path.reverse()
            out[k] = [labels[p] for p in path]
        return out
