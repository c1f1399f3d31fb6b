"""Tagging with the CRF's weights in numpy, without handing feature strings to crfsuite.

A linear-chain CRF scores a label at a token as the sum of the weights of the token's
active attributes, and a label pair by a transition weight. A token's attributes are its
own word type's features plus each neighbour type's offset features (see
:mod:`marsad.ner.features`), so the score vector of a word type's own features, and of
its features as seen from each offset, can be summed once per type and cached in a row
of two arrays. An article is then one gather of those rows, a few shifted additions and
a Viterbi pass over all its sentences at once. The result is the same as
``pycrfsuite.Tagger.tag`` on the same features (the tests check it on the ANERcorp test
split); it avoids building and converting about 37 attribute strings per token, which
was most of the NER's time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pycrfsuite

from .features import FeatureExtractor, _TypeFeats

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: the model's weights as arrays, beside ``model.crfsuite``
WEIGHTS_FILE = "weights.npz"

#: word types whose score vectors are kept (then the cache starts again; an article with
#: more word types gets a cache of its size)
_MAX_CACHE = 80_000


def _offset_row(window: int, offset: int) -> int:
    """The row of a context offset (-window..-1, +1..+window) in the offset arrays."""
    return window + offset if offset < 0 else window + offset - 1


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _blob(strings: Sequence[str]) -> npt.NDArray[np.uint8]:
    """Strings without newlines as one UTF-8 byte array (far smaller than a fixed-width
    string array)."""
    if any("\n" in s for s in strings):
        raise ValueError("a CRF attribute contains a newline")
    return np.frombuffer("\n".join(strings).encode("utf-8"), dtype=np.uint8)


@dataclass(frozen=True)
class CrfWeights:
    """A crfsuite model's weights as arrays: ``state[attribute, label]`` and
    ``transitions[from, to]`` (kept in ``weights.npz`` beside ``model.crfsuite``: reading
    them is much faster than parsing crfsuite's dump of the model)."""

    labels: tuple[str, ...]
    attributes: tuple[str, ...]
    state: F64
    transitions: F64

    @classmethod
    def from_crfsuite(cls, crf: pycrfsuite.Tagger) -> CrfWeights:
        """From an open crfsuite model (parsing its dump: slower than :meth:`load`)."""
        labels = crf.labels()
        info = crf.info()
        index = {label: k for k, label in enumerate(labels)}
        attrs: dict[str, int] = {}
        for attr, _label in info.state_features:
            attrs.setdefault(attr, len(attrs))
        matrix = np.zeros((len(attrs), len(labels)))
        for (attr, label), w in info.state_features.items():
            matrix[attrs[attr], index[label]] = w
        trans = np.zeros((len(labels), len(labels)))
        for (a, b), w in info.transitions.items():
            if a in index and b in index:
                trans[index[a], index[b]] = w
        return cls(tuple(labels), tuple(attrs), matrix, trans)

    def save(self, path: Path, model_sha256: str) -> None:
        """Write the arrays with the checksum of the model file they come from."""
        with path.open("wb") as fh:
            np.savez(fh, labels=np.array(self.labels), attributes=_blob(self.attributes),
                     state=self.state, transitions=self.transitions,
                     model_sha256=np.array(model_sha256))

    @classmethod
    def load(cls, path: Path, model_sha256: str) -> CrfWeights | None:
        """The arrays of ``path``, or None if they were not made from this model file."""
        with np.load(path, allow_pickle=False) as z:
            if str(z["model_sha256"]) != model_sha256:
                return None
            attributes = tuple(z["attributes"].tobytes().decode("utf-8").split("\n"))
            return cls(tuple(z["labels"].tolist()), attributes, z["state"], z["transitions"])


class LinearCrf:
    """The weights of a trained crfsuite model as numpy arrays, with a per-word-type cache
    of score vectors. ``tag_sentences`` gives one tag list per sentence; each sentence is
    tagged on its own (its own "doc" context) unless ``document`` is asked for."""

    def __init__(self, weights: CrfWeights, extractor: FeatureExtractor,
                 cache_size: int = _MAX_CACHE) -> None:
        self.labels = list(weights.labels)
        n = len(self.labels)
        attrs = {attr: k for k, attr in enumerate(weights.attributes)}
        # one row per attribute, one column per label, and a last row of zeros
        matrix = np.zeros((len(attrs) + 1, n))
        matrix[:-1] = weights.state
        self._attrs = attrs
        self._matrix = matrix
        # a neighbour's feature f is the attribute "+1f", "-2f", ...: per f, its rows for
        # every offset (rows: -window .. -1, then +1 .. +window; zeros where the model has
        # no such attribute)
        window = extractor._window
        blocks: dict[str, F64] = {}
        for attr, k in attrs.items():
            if attr[:1] in "+-" and attr[1:2].isdigit():
                off = int(attr[:2])
                if 0 < abs(off) <= window:
                    block = blocks.get(attr[2:])
                    if block is None:
                        block = blocks[attr[2:]] = np.zeros((2 * window, n))
                    block[_offset_row(window, off)] = matrix[k]
        # all blocks stacked, and a last block of zeros
        self._ctx_index = {f: k for k, f in enumerate(blocks)}
        self._ctx_stack = np.stack([*blocks.values(), np.zeros((2 * window, n))])
        self._trans = weights.transitions
        self._fx = extractor
        self._window = window
        zero = np.zeros(n)
        self._bos = matrix[attrs["BOS"]] if "BOS" in attrs else zero
        self._eos = matrix[attrs["EOS"]] if "EOS" in attrs else zero
        self._label_array = np.array(self.labels, dtype=object)
        # the word-pair features the model has ("bl=previous|word", "br=word|next",
        # "bs=previous stem|stem"), per kind as sorted codes (left id * n + right id)
        # with their rows, looked up for a whole article at once
        vocab: dict[str, int] = {}
        found: dict[str, list[tuple[int, int, int]]] = {"bl=": [], "br=": [], "bs=": []}
        for attr, k in attrs.items():
            kind = found.get(attr[:3])
            if kind is not None and attr.count("|") == 1:
                left, right = attr[3:].split("|")
                kind.append((vocab.setdefault(left, len(vocab)),
                             vocab.setdefault(right, len(vocab)), k))
        self._pair_vocab = vocab
        self._pair_tables: list[tuple[I64, I64]] = []
        for kind in found.values():
            table = np.array(sorted((a * len(vocab) + b, k) for a, b, k in kind),
                             dtype=np.int64).reshape(-1, 2)
            self._pair_tables.append((table[:, 0].copy(), table[:, 1].copy()))
        self._pair_bos = vocab.get("<s>", -1)
        self._pair_eos = vocab.get("</s>", -1)
        # the cache: word -> slot; per slot its features, own score vector, offset score
        # vectors (rows as in the blocks above), the pair-vocabulary ids of its key and stem (-1:
        # none), and the id of its stem if it is a name candidate ("doc" features; -1 if
        # not)
        self.cache_size = cache_size
        self._slot: dict[str, int] = {}
        self._feats: list[_TypeFeats] = []
        self._stem_ids: dict[str, int] = {}
        self._allocate(cache_size)

    def _allocate(self, size: int) -> None:
        """(Re)make the per-slot arrays for ``size`` word types (the cache is empty)."""
        n = len(self.labels)
        self._own = np.zeros((size, n))
        self._shifted = np.zeros((size, 2 * self._window, n))
        self._key_pid = np.zeros(size, dtype=np.int64)
        self._stem_pid = np.zeros(size, dtype=np.int64)
        self._stem = np.zeros(size, dtype=np.int64)

    def _clear(self, need: int) -> None:
        """Empty the cache, with room for at least ``need`` word types (one article may
        hold more than ``cache_size``)."""
        self._slot.clear()
        self._feats.clear()
        self._stem_ids.clear()
        if need > len(self._own) or len(self._own) > self.cache_size >= need:
            self._allocate(max(need, self.cache_size))

    def _add_types(self, words: Sequence[str]) -> None:
        """Compute and cache the score vectors of word types not seen yet, with one gather
        and one sum over all of them (``np.add.reduceat``) instead of two per type."""
        fx = self._fx
        attrs = self._attrs
        index = self._ctx_index
        vocab = self._pair_vocab
        stem_ids = self._stem_ids
        tfs = [fx.compute_type(w) for w in words]
        own_rows: list[int] = []
        own_starts: list[int] = []
        ctx_rows: list[int] = []
        ctx_starts: list[int] = []
        zero_row = len(self._matrix) - 1  # the zero row and block end every group, so that
        zero_block = len(self._ctx_stack) - 1  # none is empty (reduceat needs that)
        for tf in tfs:
            own_starts.append(len(own_rows))
            own_rows.extend([k for f in tf.own if (k := attrs.get(f)) is not None])
            own_rows.append(zero_row)
            ctx_starts.append(len(ctx_rows))
            ctx_rows.extend([k for f in tf.ctx if (k := index.get(f)) is not None])
            ctx_rows.append(zero_block)
        first = len(self._feats)
        slots = slice(first, first + len(words))
        self._own[slots] = np.add.reduceat(self._matrix[own_rows], own_starts, axis=0)
        self._shifted[slots] = np.add.reduceat(self._ctx_stack[ctx_rows], ctx_starts, axis=0)
        self._key_pid[slots] = [vocab.get(tf.key, -1) for tf in tfs]
        self._stem_pid[slots] = [vocab.get(tf.stem, -1) for tf in tfs]
        self._stem[slots] = [stem_ids.setdefault(tf.stem, len(stem_ids)) if tf.candidate
                             else -1 for tf in tfs]
        self._feats.extend(tfs)
        self._slot.update(zip(words, range(first, first + len(words)), strict=True))

    def _emissions(self, ids: I64, pos: I64, rest: I64,
                   docs: Sequence[tuple[int, list[str]]]) -> F64:
        """Label scores (tokens × labels) of consecutive sentences given as cache slots
        with each token's position in its sentence and the tokens after it there (each
        sentence is its own context window), plus the "doc" features of the tokens that
        have them, as (token index, features)."""
        w = self._window
        em = self._own[ids]
        shifted = self._shifted[ids]
        n_tok = len(ids)
        for off in range(1, w + 1):
            if n_tok > off:
                # the word ``off`` to the left / right, within the sentence (masked adds of
                # 0.0 keep the sums exactly those of a sentence on its own)
                em[off:] += shifted[:-off, _offset_row(w, -off)] * (pos[off:] >= off)[:, None]
                em[:-off] += shifted[off:, _offset_row(w, off)] * (rest[:-off] >= off)[:, None]
            em[pos == off - 1] += self._bos
            em[rest == off - 1] += self._eos
        at, rows = self._pair_features(ids, pos, rest)
        attrs = self._attrs
        doc_at: list[int] = []
        doc_rows: list[int] = []
        for p, fs in docs:
            for f in fs:
                if (k := attrs.get(f)) is not None:
                    doc_at.append(p)
                    doc_rows.append(k)
        at.append(np.array(doc_at, dtype=np.int64))
        rows.append(np.array(doc_rows, dtype=np.int64))
        # in order: each token's pair features (bl, br, bs), then its doc features
        np.add.at(em, np.concatenate(at), self._matrix[np.concatenate(rows)])
        return em

    def _pair_features(self, ids: I64, pos: I64, rest: I64
                       ) -> tuple[list[I64], list[I64]]:
        """The tokens with a word-pair feature and its row, per kind (bl, br, bs)."""
        n_words = len(self._pair_vocab)
        key = self._key_pid[ids]
        stem = self._stem_pid[ids]
        first = pos == 0
        prev_key = np.roll(key, 1)
        prev_key[first] = self._pair_bos
        next_key = np.roll(key, -1)
        next_key[rest == 0] = self._pair_eos
        prev_stem = np.roll(stem, 1)
        prev_stem[first] = self._pair_bos
        at: list[I64] = []
        rows: list[I64] = []
        for (left, right), (codes, code_rows) in zip(
                ((prev_key, key), (key, next_key), (prev_stem, stem)), self._pair_tables,
                strict=True):
            if not len(codes):
                continue
            code = left * n_words + right
            where = np.minimum(np.searchsorted(codes, code), len(codes) - 1)
            hit = (left >= 0) & (right >= 0) & (codes[where] == code)
            at.append(np.flatnonzero(hit))
            rows.append(code_rows[where[hit]])
        return at, rows

    def tag_sentences(self, sentences: Sequence[Sequence[str]], *, document: bool = False
                      ) -> list[list[str]]:
        """Tags of each sentence, decoded together. With ``document``, the "doc" features
        look across all the sentences (an article), as ``FeatureExtractor.document`` does;
        else each sentence is its own context."""
        out: list[list[str]] = [[] for _ in sentences]
        live = [k for k, s in enumerate(sentences) if s]
        if not live:
            return out
        slot = self._slot
        words = [w for k in live for w in sentences[k]]
        new = [w for w in dict.fromkeys(words) if w not in slot]
        if new:
            if len(slot) + len(new) > len(self._own):
                new = list(dict.fromkeys(words))
                self._clear(len(new))
            self._add_types(new)
        ids = np.array([slot[w] for w in words], dtype=np.int64)
        lens = np.array([len(sentences[k]) for k in live], dtype=np.int64)
        firsts = np.cumsum(lens) - lens
        pos = np.arange(len(ids)) - np.repeat(firsts, lens)  # position in the sentence
        rest = np.repeat(lens, lens) - 1 - pos  # tokens after it in the sentence
        docs = self._doc_features(ids, lens, firsts, document)
        best = self._decode(self._emissions(ids, pos, rest, docs), lens, pos)
        labels = self._label_array[best].tolist()
        for k, a, n in zip(live, firsts.tolist(), lens.tolist(), strict=True):
            out[k] = labels[a:a + n]
        return out

    def _doc_features(self, ids: I64, lens: I64, firsts: I64, document: bool
                      ) -> list[tuple[int, list[str]]]:
        """The "doc" features as (token index, features) of the tokens that have any:
        across all the sentences with ``document``, else of each sentence on its own,
        where they need a name candidate's stem twice in the sentence."""
        feats = self._feats
        bounds = list(zip(firsts.tolist(), (firsts + lens).tolist(), strict=True))
        slots = ids.tolist()
        if document:
            sents = [[feats[s] for s in slots[a:b]] for a, b in bounds]
            return [(a + i, fs) for (a, _), d in zip(bounds, self._fx.doc_features(sents),
                                                     strict=True) if d is not None
                    for i, fs in enumerate(d) if fs]
        stems = self._stem[ids]
        cand = stems >= 0
        if not cand.any():
            return []
        sent = np.repeat(np.arange(len(lens)), lens)[cand]
        keys = sent * (len(self._stem_ids) + 1) + stems[cand]
        uniq, counts = np.unique(keys, return_counts=True)
        twice = np.unique(uniq[counts > 1] // (len(self._stem_ids) + 1)).tolist()
        out: list[tuple[int, list[str]]] = []
        for j in twice:
            a, b = bounds[j]
            got = next(self._fx.doc_features([[feats[s] for s in slots[a:b]]]))
            if got is not None:
                out.extend((a + i, fs) for i, fs in enumerate(got) if fs)
        return out

    def _decode(self, em: F64, lens: I64, pos: I64) -> I64:
        """The best label of each token (``pos``: its position in its sentence): Viterbi
        over each sentence, all sentences at once (longest first, so that each step works
        on the ones still running)."""
        trans = self._trans
        n_labels = em.shape[1]
        order = np.argsort(-lens, kind="stable")
        lengths = lens[order]
        n_sent, longest = len(lengths), int(lengths[0])
        # running[t]: how many sentences (in ``order``) have a token t
        running = np.searchsorted(-lengths, -np.arange(longest), side="left").tolist()
        # emissions time-major (step, sentence, label), so that each step reads a view
        rank = np.empty(n_sent, dtype=np.int64)
        rank[order] = np.arange(n_sent)
        sent_of = np.repeat(rank, lens)
        steps = np.zeros((longest, n_sent, n_labels))
        steps[pos, sent_of] = em
        score = steps[0].copy()
        back = np.zeros((longest, n_sent, n_labels), dtype=np.int64)
        cand = np.empty((n_sent, n_labels, n_labels))
        for t in range(1, longest):
            k = running[t]
            c = cand[:k]
            np.add(score[:k, :, None], trans, out=c)  # sentence × from × to
            c.argmax(axis=1, out=back[t, :k])
            np.add(c.max(axis=1), steps[t, :k], out=score[:k])
        path = np.zeros((longest, n_sent), dtype=np.int64)
        cur = score.argmax(axis=1)
        for t in range(longest - 1, -1, -1):
            k = running[t]
            path[t, :k] = cur[:k]
            if t:
                cur[:k] = back[t, np.arange(k), cur[:k]]
        return path[pos, sent_of]
