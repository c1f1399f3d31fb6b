"""What the neural tagger sees of one word *type* (computed once per type and cached).

A surface word (clitics attached, as in ANERcorp and as the pipeline passes them) becomes
integer ids into small vocabularies — its normalised form and its stem (marsad's
clitic-aware tokenizer) in the pretrained embedding table, its characters, its
proclitics, its shape, its label-memory entry and its gazetteer flags. Nothing here
depends on the neighbours, so the encoder's input layer can be cached per type too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..text.normalize import normalize_key
from ..text.tokenize import Tokenizer

#: a word without proclitics for the tokenizer to split: Arabic letters only, and not
#: starting with a letter that can be a proclitic (و ف ب ل ك س) or the article (ا)
_NO_SPLIT = re.compile("[\u0621-\u064A]+")
_CLITIC_START = frozenset("وفبلكسا")
_LATIN = re.compile("[a-zA-Z]")

#: gazetteer flags (``gazetteer.tsv``), one input bit each
GAZ_FLAGS = ("PERn", "LOC", "LOCp", "LOCb", "ACTp", "ACTc")
#: characters kept per word for the character CNN (the first and the last ones)
MAX_CHARS = 16

_PUNCT_CLASS = {".": "dot", "،": "comma", ",": "comma", "«": "quote", "»": "quote",
                '"': "quote", "'": "quote", "(": "paren", ")": "paren", "-": "dash",
                ":": "colon", "/": "slash", "؛": "semi", ";": "semi", "؟": "q", "?": "q"}


def shape(word: str) -> str:
    if word.isdigit():
        return "digit"
    if _LATIN.search(word):
        return "latin"
    if not any(map(str.isalnum, word)):
        return "punct:" + _PUNCT_CLASS.get(word, "other")
    if any(map(str.isdigit, word)):
        return "alnum"
    return "ar"


def split_word(tokenizer: Tokenizer, key: str) -> tuple[str, str, str]:
    """(proclitics, base with article, stem) of a normalised word."""
    if key[:1] not in _CLITIC_START and _NO_SPLIT.fullmatch(key):
        return "", key, key
    toks = tokenizer(key)
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


@dataclass(frozen=True, slots=True)
class WordInputs:
    """Integer inputs of one word type (see :class:`Vocabs` for what the ids mean)."""

    word: int
    stem: int
    chars: tuple[int, ...]
    procl: int
    shape: int
    memory: int
    gaz: tuple[int, ...]  # indices into GAZ_FLAGS that are set
    lex: int  # the word in the training vocabulary (its own trained embedding)
    key: str
    stem_key: str


@dataclass(frozen=True)
class Vocabs:
    """String -> id tables (id 0 is "unknown" in each; for characters 0 is padding and 1
    is "unknown")."""

    words: Mapping[str, int]
    chars: Mapping[str, int]
    procl: Mapping[str, int]
    shapes: Mapping[str, int]
    memory: Mapping[str, int]
    lex: Mapping[str, int]

    def to_json(self) -> dict[str, list[str]]:
        def order(table: Mapping[str, int]) -> list[str]:
            out = [""] * (max(table.values(), default=0) + 1)
            for k, v in table.items():
                out[v] = k
            return out
        return {"chars": order(self.chars), "procl": order(self.procl),
                "shapes": order(self.shapes), "memory": order(self.memory),
                "lex": order(self.lex)}

    @classmethod
    def from_lists(cls, words: Sequence[str], data: Mapping[str, Sequence[str]]) -> Vocabs:
        def table(items: Sequence[str]) -> dict[str, int]:
            return {k: i for i, k in enumerate(items) if i}
        return cls(words={w: i for i, w in enumerate(words) if i}, chars=table(data["chars"]),
                   procl=table(data["procl"]), shapes=table(data["shapes"]),
                   memory=table(data["memory"]), lex=table(data.get("lex", [""])))


def memory_key(feats: Sequence[str] | None) -> str:
    """One string for a label-memory entry (``"unseen"`` for words not in it)."""
    return "|".join(feats) if feats else "unseen"


class InputMaker:
    """Word -> :class:`WordInputs`, cached per surface form."""

    def __init__(self, vocabs: Vocabs, tokenizer: Tokenizer,
                 memory: Mapping[str, tuple[str, ...]],
                 gazetteer: Mapping[str, tuple[str, ...]]) -> None:
        self.vocabs = vocabs
        self.tokenizer = tokenizer
        self.memory = memory
        self.gazetteer = gazetteer
        self._gaz_index = {f: i for i, f in enumerate(GAZ_FLAGS)}
        self._cache: dict[str, WordInputs] = {}

    def __call__(self, word: str) -> WordInputs:
        got = self._cache.get(word)
        if got is None:
            if len(self._cache) >= 500_000:
                self._cache.clear()
            got = self._cache[word] = self._make(word)
        return got

    def _make(self, word: str) -> WordInputs:
        v = self.vocabs
        key = normalize_key(word) or word
        procl, base, stem = split_word(self.tokenizer, key)
        words = v.words
        wid = words.get(key) or words.get(base) or words.get(stem) or 0
        sid = words.get(stem) or words.get(base) or 0
        text = key if len(key) <= MAX_CHARS else key[:MAX_CHARS // 2] + key[-MAX_CHARS // 2:]
        chars = tuple(v.chars.get(c, 1) for c in text)  # 1: unknown character
        mem = self.memory.get(key) or self.memory.get(stem)
        gz = self.gazetteer
        flags = set(gz.get(key, ())) | set(gz.get(stem, ())) | set(gz.get(base, ()))
        gaz = tuple(sorted(self._gaz_index[f] for f in flags if f in self._gaz_index))
        return WordInputs(wid, sid, chars, v.procl.get(procl, 0), v.shapes.get(shape(word), 0),
                          v.memory.get(memory_key(mem), 0), gaz, v.lex.get(key, 0), key, stem)
