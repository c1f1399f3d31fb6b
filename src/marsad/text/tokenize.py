"""An offset-keeping tokenizer that splits Arabic proclitics.

Words are split into ``و ف`` (conjunctions), ``ب ل ك`` (prepositions), ``س`` (future,
before an imperfective verb) and the article ``ال``, each a token with its own offsets:
``والقدس`` -> ``و`` + ``ال`` + ``قدس``; ``للقدس`` -> ``ل`` + ``ل`` (the article, key ``ال``)
+ ``قدس``; ``لـ«حركة`` -> ``لـ`` (clitic) + ``«`` + ``حركة``. Splits other than before
the article are decided with a word-frequency list (a split needs the rest to be a common
word) and a list of words that must not be split; both ship in ``marsad/data/lexicon``.
A rare name is split off too when the name list knows it: ``وسلوفينيا`` -> ``و`` +
``سلوفينيا`` (a country), ``ومعتز`` -> ``و`` + ``معتز`` (a first name; only after و, and not
when the whole word is a name itself: ``وليد``, ``وسام``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..doc import Token
from ..errors import DataFileError
from .normalize import fold_table

# letters, marks, tatweel, ZWNJ/ZWJ are word characters; Arabic and Latin words separately
_TOKEN = re.compile(
    r"(?P<ar>[\u0621-\u063A\u0641-\u064A\u0671-\u06D3\u06D5\u06FA-\u06FF\uFB50-\uFDFF\uFE70-\uFEFC]"
    r"[\u0621-\u065F\u0670-\u06D3\u06D5-\u06ED\u06FA-\u06FF\u0640\u200C\u200D\uFB50-\uFDFF\uFE70-\uFEFC]*)"
    r"|(?P<num>[0-9\u0660-\u0669\u06F0-\u06F9]+(?:[.,\u066B\u066C/:][0-9\u0660-\u0669\u06F0-\u06F9]+)*)"
    r"|(?P<latin>[^\W\d_]+(?:['’][^\W\d_]+)*)"
    r"|(?P<lone>[\u0640\u064B-\u065F]+)"
    r"|(?P<punct>[^\w\s])"
    r"|(?P<other>[\w]+)"
)
_CONJ = "وف"
_PREP = "بل"
#: letters an imperfective verb starts with after the future prefix س (سيكون, ستكون, سنعمل);
#: not ا: after normalisation سأعمل looks like سالم, سامي, ساهم, ساعد, which are far more
#: frequent in news than first-person futures
_IMPERFECTIVE = "يتن"
_ARTICLE_EXCEPTIONS = frozenset(
    {"الذي", "التي", "الذين", "اللذين", "اللتين", "اللذان", "اللتان", "اللاتي", "اللواتي",
     "الله", "الي", "الا", "الان", "الف", "الاف", "الغ"}
)
MIN_REST_FREQ = 20
_LONE_CLITICS = frozenset(_CONJ + _PREP + "ك")
#: (start, end, kind, norm) relative to the start of a regex match
_Piece = tuple[int, int, str, str]
#: builds a Token without the keyword-argument machinery of ``Token(...)`` (hot path)
_make_token = tuple.__new__
MAX_RATIO = 30


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Word frequencies (normalised keys), words never to split, and known names."""

    freq: Mapping[str, int]
    no_split: frozenset[str]
    #: normalised one-word names -> ``"PER"`` (a person's name) or ``"LOC"`` (a country)
    names: Mapping[str, str] = field(default_factory=dict)


def read_word_freq(path: Path) -> dict[str, int]:
    """``word<TAB>count`` lines of a word-frequency list (``#`` lines are comments)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise DataFileError(path=str(path), detail=str(err)) from err
    freq: dict[str, int] = {}
    for ln in lines:
        if not ln.strip() or ln.startswith("#"):
            continue
        word, _, count = ln.partition("\t")
        try:
            freq[word] = int(count)
        except ValueError as err:
            raise DataFileError(path=str(path), detail=f"bad line {ln!r}") from err
    return freq


class Tokenizer:
    """Tokenize text into :class:`~marsad.doc.Token` objects with offsets into the text."""

    def __init__(self, lexicon: Lexicon, cache_size: int = 200_000) -> None:
        self.lexicon = lexicon
        self._table = fold_table()
        # match surface -> pieces relative to its start; words repeat a lot in news
        self._cache: dict[str, tuple[_Piece, ...]] = {}
        self._cache_size = cache_size

    def __call__(self, text: str, start: int = 0, end: int | None = None) -> list[Token]:
        out: list[Token] = []
        append = out.append
        make = _make_token
        cache = self._cache
        for m in _TOKEN.finditer(text, start, len(text) if end is None else end):
            surface = m.group()
            pieces = cache.get(surface)
            if pieces is None:
                kind = m.lastgroup or "other"
                if kind == "ar" and surface.translate(self._table) in _LONE_CLITICS:
                    # a lone proclitic splits off only when glued to what follows
                    # (لـ«حركة): not cached, the answer depends on the next character
                    e = m.end()
                    glued = e < len(text) and not text[e].isspace()
                    pieces = self._pieces(kind, surface, glued)
                else:
                    pieces = self._pieces(kind, surface, False)
                    if len(cache) >= self._cache_size:
                        cache.clear()
                    cache[surface] = pieces
            s = m.start()
            for a, b, k, n in pieces:
                append(make(Token, (s + a, s + b, k, n)))
        return out

    def _pieces(self, kind: str, surface: str, glued: bool) -> tuple[_Piece, ...]:
        """The tokens of one regex match, with offsets relative to its start."""
        table = self._table
        if kind == "ar":
            found: list[Token] = []
            self._split_word(surface, 0, len(surface), found, glued)
            return tuple((t.start, t.end, t.kind, t.norm) for t in found)
        end = len(surface)
        if kind == "num":
            return ((0, end, "number", surface.translate(table)),)
        if kind == "latin":
            return ((0, end, "latin", surface.lower()),)
        if kind == "lone":
            return ()
        if kind == "punct":
            return ((0, end, "punct", surface.translate(table)),)
        return ((0, end, "symbol", surface.translate(table)),)

    # -- proclitics -------------------------------------------------------------------
    def _split_word(self, text: str, s: int, e: int, out: list[Token], glued: bool) -> None:
        table = self._table
        # letters with their text positions: marks and tatweel belong to the letter before
        letters: list[str] = []
        pos: list[int] = []
        for i in range(s, e):
            k = text[i].translate(table)
            if k:
                letters.extend(k)
                pos.extend([i] * len(k))
        pos.append(e)
        key = "".join(letters)
        if not key:
            return
        # a lone proclitic glued to what follows (لـ«حركة, و«سرايا)
        if len(key) == 1 and key in _CONJ + _PREP + "ك" and glued:
            out.append(Token(s, e, "clitic", key))
            return
        i = 0
        pieces: list[tuple[int, int, str, str]] = []  # (key start, key end, kind, norm)
        if self._splittable(key, i, _CONJ):
            pieces.append((0, 1, "clitic", key[0]))
            i = 1
        if self.name_kept(key, i):
            pass  # و + a rare known name: the name stays whole
        elif self._splittable(key, i, _PREP):
            pieces.append((i, i + 1, "clitic", key[i]))
            i += 1
            # ل + article with its alef dropped: للقدس
            if key[i - 1] == "ل" and key.startswith("ل", i) and len(key) - i >= 3 \
                    and key[i:] not in self.lexicon.no_split and key[i:] != "له" \
                    and self._article_rest_ok(key[i + 1:]):
                pieces.append((i, i + 1, "article", "ال"))
                i += 1
        elif key.startswith("ك", i) and key.startswith("ال", i + 1) \
                and self._article_rest_ok(key[i + 3:]) and self._freq(key[i + 1:]) > 0:
            # (only before a word the corpus knows: كاليفورنيا is no ك + اليفورنيا)
            pieces.append((i, i + 1, "clitic", "ك"))
            i += 1
        elif key.startswith("س", i) and len(key) - i >= 4 and key[i + 1] in _IMPERFECTIVE \
                and key[i:] not in self.lexicon.no_split \
                and self._freq(key[i + 1:]) >= MIN_REST_FREQ:
            pieces.append((i, i + 1, "clitic", "س"))
            i += 1
        if key.startswith("ال", i) and key[i:] not in _ARTICLE_EXCEPTIONS \
                and self._article_rest_ok(key[i + 2:]):
            pieces.append((i, i + 2, "article", "ال"))
            i += 2
        pieces.append((i, len(key), "word", key[i:]))
        for ks, ke, kind, norm in pieces:
            out.append(Token(pos[ks], pos[ke] if ke < len(key) else e, kind, norm))

    def name_kept(self, key: str, i: int) -> bool:
        """Whether ``key[i:]``, after a conjunction, is a rare known name that stays whole:
        ``ولوكاس`` is و + لوكاس, not و + ل + وكاس."""
        return i > 0 and key[i:] in self.lexicon.names and self._freq(key[i:]) < MIN_REST_FREQ

    def _freq(self, word: str) -> int:
        return self.lexicon.freq.get(word, 0)

    @staticmethod
    def _article_rest_ok(rest: str) -> bool:
        return len(rest) >= 2

    def _splittable(self, key: str, i: int, letters: str) -> bool:
        if i >= len(key) or key[i] not in letters:
            return False
        rest = key[i + 1:]
        if len(rest) < 2 or key[i:] in self.lexicon.no_split:
            return False
        # before the article, or before a preposition + article (وبالقدس, وللقدس)
        if rest.startswith("ال") and len(rest) >= 4:
            return rest not in _ARTICLE_EXCEPTIONS or len(rest) > 4
        if rest[0] in "بلك" and rest[1:].startswith("ال") and len(rest) >= 5:
            return True
        if rest.startswith("لل") and len(rest) >= 4:
            return True
        if key[i] == "ل" and rest.startswith("ل") and len(rest) >= 3:
            return True  # ل + article with its alef dropped: للقدس
        rest_freq = self._freq(rest)
        whole_freq = self._freq(key[i:])
        if rest_freq >= MIN_REST_FREQ:
            return whole_freq <= MAX_RATIO * rest_freq
        # a rare name after the proclitic: «وسلوفينيا», «ومعتز» (names are rare in the
        # frequency list); not when the whole word is a name too (وليد, وسام, بسام)
        names = self.lexicon.names
        kind = names.get(rest)
        if kind is None or len(rest) < 3 or key[i:] in names:
            return False
        if kind == "LOC":
            return whole_freq <= MAX_RATIO * max(rest_freq, 1)
        # a first name only after و (ف ب ل start many foreign names: فاراج, بارو) and only
        # where the name is at least as common as the glued form (وليم is William)
        return key[i] == "و" and rest_freq >= 3 and whole_freq <= rest_freq
