"""CRF features for Arabic NER.

Each word *type* gets its features computed once (cached on the extractor instance):
the normalised word, its proclitics and stem (marsad's clitic-aware tokenizer), prefixes
and suffixes of word and stem, shape, word-cluster ids at several granularities,
gazetteer flags and the label memory. A token's features are its own plus a smaller set
of each neighbour's (±2), prefixed with the offset, plus a few bigrams; the prefixed
lists are cached per type too, so a sentence is mostly list concatenation. The "doc"
features look at the other mentions of a word's stem in nearby sentences of the same
batch (an article) and add what stood beside them.

At tagging time the extractor knows the model's attribute set and drops every feature
the model has no weight for, so crfsuite sees only what it can use.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..text.normalize import normalize_key
from ..text.tokenize import (
    _ARTICLE_EXCEPTIONS,
    _CONJ,
    _IMPERFECTIVE,
    _PREP,
    MIN_REST_FREQ,
    Tokenizer,
)

#: feature groups (for ablations); the shipped model's are in its features.json
GROUPS = ("affix", "stem", "shape", "cluster", "gazetteer", "memory", "context2", "bigram",
          "doc", "ngram")


@dataclass(frozen=True)
class FeatureConfig:
    groups: tuple[str, ...] = GROUPS
    #: cluster granularities used for the token itself / for its neighbours
    own_clusters: tuple[str, ...] = ()
    ctx_clusters: tuple[str, ...] = ()
    window: int = 2
    #: sentences on either side that form the document context of the "doc" features
    doc_window: int = 10
    #: at most this many other mentions of a stem feed the "doc" features
    doc_mentions: int = 8

    def to_json(self) -> dict[str, Any]:
        return {"groups": list(self.groups), "own_clusters": list(self.own_clusters),
                "ctx_clusters": list(self.ctx_clusters), "window": self.window,
                "doc_window": self.doc_window, "doc_mentions": self.doc_mentions}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FeatureConfig:
        return cls(groups=tuple(data.get("groups", GROUPS)),
                   own_clusters=tuple(data.get("own_clusters", ())),
                   ctx_clusters=tuple(data.get("ctx_clusters", ())),
                   window=int(data.get("window", 2)),
                   doc_window=int(data.get("doc_window", 10)),
                   doc_mentions=int(data.get("doc_mentions", 8)))


@dataclass(frozen=True)
class NerResources:
    """Lookup tables behind the features (all keyed by normalised word forms)."""

    #: word -> cluster id per granularity (aligned with ``cluster_names``)
    clusters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    cluster_names: tuple[str, ...] = ()
    #: word -> gazetteer flags such as ``PERn``, ``LOC``, ``LOCp``, ``ACTp``
    gazetteer: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: word -> label-memory features (from the training data)
    memory: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


class _TypeFeats(NamedTuple):
    """The features of one word type (a named tuple: one is built per new word type)."""

    own: tuple[str, ...]
    ctx: tuple[str, ...]  # the features neighbours see (without offset prefix)
    #: ``ctx`` as seen from each offset: index ``window + offset`` (offset 0 unused)
    shifted: tuple[list[str], ...]
    key: str  # normalised word, for bigrams
    stem: str
    word: str
    base: str
    #: what a mention of another word with this word beside it tells ("doc" features)
    near_left: tuple[str, ...]  # as "dL" features: this word stood left of a mention
    near_right: tuple[str, ...]
    #: whether the word is a name candidate that gets "doc" features
    candidate: bool


_MAX_CACHE = 80_000

_PUNCT_CLASS = {".": "dot", "،": "comma", ",": "comma", "«": "quote", "»": "quote",
                '"': "quote", "'": "quote", "(": "paren", ")": "paren", "-": "dash",
                ":": "colon", "/": "slash", "؛": "semi", ";": "semi", "؟": "q", "?": "q"}


_LATIN = re.compile("[a-zA-Z]")
#: a word without proclitics for the tokenizer to split: Arabic letters only, and not
#: starting with a letter that can be a proclitic (و ف ب ل ك س) or the article (ا)
_NO_SPLIT = re.compile("[\u0621-\u064A]+")
_CLITIC_START = frozenset("وفبلكسا")


def _shape(word: str) -> str:
    if word.isdigit():
        return "digit"
    if _LATIN.search(word):
        return "latin"
    if not any(map(str.isalnum, word)):
        return "punct:" + _PUNCT_CLASS.get(word, "other")
    if any(map(str.isdigit, word)):
        return "alnum"
    return "ar"


def _nearest(occ: Sequence[tuple[int, int]], j: int, i: int, win: int, cap: int
             ) -> list[tuple[int, int]]:
    """The first ``cap`` occurrences other than ``(j, i)`` in the order of
    ``(abs(jj - j), jj, ii)``, found by walking out from sentence ``j`` (``occ`` is sorted):
    sorting every occurrence in the window for each word was quadratic in a word repeated
    within one long sentence."""
    out: list[tuple[int, int]] = []
    for d in range(win + 1):
        for jj in (j,) if d == 0 else (j - d, j + d):
            k = bisect_left(occ, (jj, -1))
            while k < len(occ) and occ[k][0] == jj:
                if jj != j or occ[k][1] != i:
                    out.append(occ[k])
                    if len(out) == cap:
                        return out
                k += 1
    return out

class FeatureExtractor:
    """Turns sentences of surface words into crfsuite feature lists."""

    def __init__(self, config: FeatureConfig, resources: NerResources,
                 tokenizer: Tokenizer, known: frozenset[str] | None = None,
                 offset_lists: bool = True) -> None:
        self.config = config
        #: build each type's offset-prefixed context lists (``_TypeFeats.shifted``), which
        #: :meth:`sentence` and :meth:`document` need; the numpy tagger
        #: (:mod:`marsad.ner.linear`) reads ``ctx`` instead and turns this off
        self.offset_lists = offset_lists
        self.res = resources
        self.tokenizer = tokenizer
        #: when set (at tagging time: the model's attributes), other features are dropped
        self.known = known
        self._groups = frozenset(config.groups)
        names = resources.cluster_names
        self._own_idx = [names.index(c) for c in config.own_clusters if c in names]
        self._ctx_idx = [names.index(c) for c in config.ctx_clusters if c in names]
        self._types: dict[str, _TypeFeats] = {}
        # with a known feature set: the bigram features the model has, as
        # kind -> right word -> left words (no strings to build for unknown pairs)
        self._bigrams: dict[str, dict[str, set[str]]] | None = None
        if known is not None:
            self._bigrams = {"bl=": {}, "br=": {}, "bs=": {}}
            for f in known:
                table = self._bigrams.get(f[:3])
                if table is not None and f.count("|") == 1:
                    left, right = f[3:].split("|")
                    table.setdefault(right, set()).add(left)
        self._window = config.window if "context2" in self._groups else 1

    # -- per word type ------------------------------------------------------------------
    def _split(self, key: str) -> tuple[str, str, str]:
        """(proclitics, base with article, stem) of a normalised word, as marsad's
        tokenizer splits it. Words of Arabic letters only (nearly all) are decided on the
        key with the tokenizer's own rules, without building tokens."""
        if not _NO_SPLIT.fullmatch(key):
            return self._split_tokens(key)
        if key[:1] not in _CLITIC_START or len(key) < 2:
            return "", key, key
        tok = self.tokenizer
        no_split = tok.lexicon.no_split
        splittable = tok._splittable
        procl: list[str] = []
        article = False
        i = 0
        if splittable(key, i, _CONJ):
            procl.append(key[0])
            i = 1
        if tok.name_kept(key, i):
            pass  # و + a rare known name: the name stays whole
        elif splittable(key, i, _PREP):
            procl.append(key[i])
            i += 1
            # ل + article with its alef dropped: للقدس
            if key[i - 1] == "ل" and key.startswith("ل", i) and len(key) - i >= 3 \
                    and key[i:] not in no_split and key[i:] != "له":
                procl.append("ال")
                article = True
                i += 1
        elif key.startswith("ك", i) and key.startswith("ال", i + 1) and len(key) - i - 3 >= 2 \
                and tok._freq(key[i + 1:]) > 0:
            procl.append("ك")
            i += 1
        elif key.startswith("س", i) and len(key) - i >= 4 and key[i + 1] in _IMPERFECTIVE \
                and key[i:] not in no_split and tok._freq(key[i + 1:]) >= MIN_REST_FREQ:
            procl.append("س")
            i += 1
        if key.startswith("ال", i) and key[i:] not in _ARTICLE_EXCEPTIONS \
                and len(key) - i - 2 >= 2:
            procl.append("ال")
            article = True
            i += 2
        if not i:
            return "", key, key
        stem = key[i:]
        return "+".join(procl), ("ال" + stem if article else stem), stem

    def _split_tokens(self, key: str) -> tuple[str, str, str]:
        """:meth:`_split` of a key that is not all Arabic letters (و2007, 80%, بي.)."""
        toks = self.tokenizer(key)
        words = [t for t in toks if t.kind in ("word", "number", "latin")]
        if len(toks) < 2 or len(words) != 1:
            return "", key, key
        procl = []
        article = False
        for t in toks:
            if t is words[0]:
                break
            if t.kind == "article":
                article = True
            procl.append(t.norm)
        stem = words[0].norm
        return "+".join(procl), ("ال" + stem if article else stem), stem

    def _lookup_clusters(self, key: str, base: str, stem: str) -> tuple[str, ...] | None:
        cl = self.res.clusters
        return cl.get(key) or cl.get(base) or cl.get(stem)

    def type_feats(self, word: str) -> _TypeFeats:
        tf = self._types.get(word)
        if tf is None:
            if len(self._types) >= _MAX_CACHE:
                self._types.clear()
            tf = self._compute(word)
            self._types[word] = tf
        return tf

    def compute_type(self, word: str) -> _TypeFeats:
        """The features of one word type, not cached (for a caller with a cache of its
        own, such as the numpy tagger)."""
        return self._compute(word)

    def _compute(self, word: str) -> _TypeFeats:
        g = self._groups
        key = normalize_key(word)
        own: list[str] = ["bias", "w=" + key]
        ctx: list[str] = ["w=" + key]
        procl, base, stem = self._split(key)
        if "stem" in g:
            own.append("pc=" + procl)
            if stem != key:
                own.append("s=" + stem)
                own.append("b=" + base)
            ctx.append("s=" + stem)
            ctx.append("pc=" + procl)
        if "affix" in g:
            for n in (1, 2, 3):
                if len(key) > n:
                    own.append(f"p{n}=" + key[:n])
            for n in (1, 2, 3, 4):
                if len(key) > n:
                    own.append(f"x{n}=" + key[-n:])
            if stem != key:
                for n in (2, 3):
                    if len(stem) > n:
                        own.append(f"sp{n}=" + stem[:n])
                for n in (1, 2, 3):
                    if len(stem) > n:
                        own.append(f"sx{n}=" + stem[-n:])
        shape = _shape(word)
        if "shape" in g:
            own.append("sh=" + shape)
            own.append("len=" + str(min(len(stem), 8)))
            if shape != "ar":
                ctx.append("sh=" + shape)
        if "cluster" in g:
            ids = self._lookup_clusters(key, base, stem)
            if ids is None:
                own.append("c=none")
                ctx.append("c=none")
            else:
                names = self.res.cluster_names
                for i in self._own_idx:
                    own.append(f"c{names[i]}={ids[i]}")
                for i in self._ctx_idx:
                    ctx.append(f"c{names[i]}={ids[i]}")
        gz = self.res.gazetteer
        in_key, in_stem = gz.get(key, ()), gz.get(stem, ())  # (most words: neither)
        if "gazetteer" in g and (in_key or in_stem or base in gz):
            flags = set(in_key) | set(in_stem) | set(gz.get(base, ()))
            for f in sorted(flags):
                own.append("g=" + f)
                ctx.append("g=" + f)
        if "ngram" in g and len(stem) > 3:
            padded = "^" + stem + "$"
            for j in range(1, len(padded) - 3):
                own.append("g3=" + padded[j:j + 3])
        near: list[str] = []
        candidate = False
        if "doc" in g:
            near.append(key)
            ids = self._lookup_clusters(key, base, stem)
            if ids is not None and self._ctx_idx:
                near.append("c" + ids[self._ctx_idx[0]])
            if in_key or in_stem:
                near.extend(sorted(set(in_key) | set(in_stem)))
            candidate = len(stem) >= 3 and shape == "ar"
        if "memory" in g:
            mem = self.res.memory
            for f in mem.get(key) or mem.get(stem) or ("unseen",):
                own.append("m=" + f)
                ctx.append("m=" + f)
        if self.known is not None and self.offset_lists:
            # (the numpy tagger skips unknown attributes itself)
            own = [f for f in own if f in self.known]
        left = ["dL" + f for f in near]
        right = ["dR" + f for f in near]
        if self.known is not None:
            left = [f for f in left if f in self.known]
            right = [f for f in right if f in self.known]
        shifted: list[list[str]] = []
        for off in range(-self._window, self._window + 1) if self.offset_lists else ():
            prefix = f"{off:+d}"
            got = [prefix + f for f in ctx] if off else []
            if self.known is not None:
                got = [f for f in got if f in self.known]
            shifted.append(got)
        return _TypeFeats(tuple(own), tuple(ctx), tuple(shifted), key, stem, word, base,
                          tuple(left), tuple(right), candidate)

    # -- sentences ----------------------------------------------------------------------
    def sentence(self, words: Sequence[str]) -> list[list[str]]:
        """Features of one sentence (its own document context)."""
        return self.document([words])[0]

    def document(self, sentences: Sequence[Sequence[str]]) -> list[list[list[str]]]:
        """Features of consecutive sentences; with the "doc" group, other mentions of a
        word's stem within ``doc_window`` sentences add what stood beside them."""
        return list(self.iter_document(sentences))

    def iter_document(self, sentences: Sequence[Sequence[str]]) -> Iterator[list[list[str]]]:
        """:meth:`document` one sentence at a time (the features of a long batch are
        never all in memory at once)."""
        tfss = [[self.type_feats(w) for w in words] for words in sentences]
        for tfs, docs in zip(tfss, self.doc_features(tfss), strict=True):
            yield self._compose(tfs, docs)

    def doc_features(self, tfss: Sequence[Sequence[_TypeFeats]]
                     ) -> Iterator[list[list[str]] | None]:
        """Per sentence, the "doc" features of each word (``None``: the group is off)."""
        if "doc" not in self._groups:
            for _ in tfss:
                yield None
            return
        where: dict[str, list[tuple[int, int]]] = {}
        for j, tfs in enumerate(tfss):
            for i, tf in enumerate(tfs):
                if tf.candidate:
                    where.setdefault(tf.stem, []).append((j, i))
        win = self.config.doc_window
        cap = self.config.doc_mentions
        known = self.known
        contrib: dict[tuple[int, int], tuple[str, ...]] = {}
        for j, tfs in enumerate(tfss):
            docs: list[list[str]] = []
            for i, tf in enumerate(tfs):
                occ = where.get(tf.stem) if tf.candidate else None
                if occ is None or len(occ) < 2:
                    docs.append([])
                    continue
                lo = bisect_left(occ, (j - win, -1))
                hi = bisect_right(occ, (j + win, 1 << 30))
                if hi - lo < 2:
                    docs.append([])
                    continue
                if hi - lo - 1 > cap:  # (the word itself is one of occ[lo:hi])
                    others = _nearest(occ, j, i, win, cap)
                else:
                    others = [(jj, ii) for jj, ii in occ[lo:hi] if jj != j or ii != i]
                feats: dict[str, None] = {}
                for jj, ii in others:
                    got = contrib.get((jj, ii))
                    if got is None:
                        sent = tfss[jj]
                        got = contrib[jj, ii] = (
                            (sent[ii - 1].near_left if ii > 0 else ())
                            + (sent[ii + 1].near_right if ii + 1 < len(sent) else ()))
                    feats.update(dict.fromkeys(got))
                n_others = hi - lo - 1
                dn = "dn" + str(min(n_others, 3))
                if known is None or dn in known:
                    feats[dn] = None
                docs.append(list(feats))
            yield docs

    def bigram_features(self, tfs: Sequence[_TypeFeats], i: int) -> list[str]:
        """The word-pair features of position ``i`` (empty when the group is off)."""
        if "bigram" not in self._groups:
            return []
        n = len(tfs)
        bigrams = self._bigrams
        tf = tfs[i]
        prev = tfs[i - 1] if i else None
        pk = prev.key if prev is not None else "<s>"
        ps = prev.stem if prev is not None else "<s>"
        nk = tfs[i + 1].key if i + 1 < n else "</s>"
        if bigrams is None:
            return ["bl=" + pk + "|" + tf.key, "br=" + tf.key + "|" + nk,
                    "bs=" + ps + "|" + tf.stem]
        feats: list[str] = []
        if pk in bigrams["bl="].get(tf.key, ()):
            feats.append("bl=" + pk + "|" + tf.key)
        if tf.key in bigrams["br="].get(nk, ()):
            feats.append("br=" + tf.key + "|" + nk)
        if ps in bigrams["bs="].get(tf.stem, ()):
            feats.append("bs=" + ps + "|" + tf.stem)
        return feats

    def _compose(self, tfs: Sequence[_TypeFeats], docs: list[list[str]] | None
                 ) -> list[list[str]]:
        n = len(tfs)
        window = self._window
        out: list[list[str]] = []
        for i, tf in enumerate(tfs):
            feats = list(tf.own)
            for off in range(1, window + 1):
                j = i - off
                if j >= 0:
                    feats += tfs[j].shifted[window - off]
                elif j == -1:
                    feats.append("BOS")
                j = i + off
                if j < n:
                    feats += tfs[j].shifted[window + off]
                elif j == n:
                    feats.append("EOS")
            feats += self.bigram_features(tfs, i)
            if docs is not None and docs[i]:
                feats += docs[i]
            out.append(feats)
        return out
