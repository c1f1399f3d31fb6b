"""Boilerplate lines: a curated multi-outlet lexicon (data file) and lines learned from a
batch because they recur across many articles of one site."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataFileError
from ..text.normalize import normalize_key

_NON_WORD = re.compile(r"[\W_]+")
_DEFAULT_MAX_WORDS = {"line": 10_000, "prefix": 20, "suffix": 10_000, "contains": 25}


def line_key(line: str) -> str:
    """A line's comparison key: normalised, punctuation dropped, spaces squeezed."""
    return _NON_WORD.sub(" ", normalize_key(line)).strip()


@dataclass(frozen=True, slots=True)
class Rule:
    mode: str
    reason: str
    phrase: str
    max_words: int


@dataclass(frozen=True, slots=True)
class BoilerplateRules:
    exact: Mapping[str, str]
    rules: tuple[Rule, ...]
    #: prefix rules by their first word, with their position in ``rules`` (the first rule
    #: in file order wins); the other rules are tried one by one
    _by_first: Mapping[str, tuple[tuple[int, Rule], ...]] = field(init=False, repr=False)
    _others: tuple[tuple[int, Rule], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_first: dict[str, list[tuple[int, Rule]]] = defaultdict(list)
        others: list[tuple[int, Rule]] = []
        for n, rule in enumerate(self.rules):
            if rule.mode == "prefix":
                by_first[rule.phrase.split(" ", 1)[0]].append((n, rule))
            else:
                others.append((n, rule))
        object.__setattr__(self, "_by_first", {k: tuple(v) for k, v in by_first.items()})
        object.__setattr__(self, "_others", tuple(others))

    @classmethod
    def load(cls, files: Sequence[Path]) -> BoilerplateRules:
        exact: dict[str, str] = {}
        rules: list[Rule] = []
        for path in files:
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as err:
                raise DataFileError(path=str(path), detail=str(err)) from err
            for n, raw in enumerate(lines, 1):
                if not raw.strip() or raw.startswith("#"):
                    continue
                cols = raw.split("\t")
                if len(cols) not in (3, 4) or cols[0] not in _DEFAULT_MAX_WORDS:
                    raise DataFileError(
                        path=f"{path}:{n}",
                        detail="expected mode<TAB>reason<TAB>phrase[<TAB>max words]")
                mode, reason, phrase = cols[0], cols[1], line_key(cols[2])
                limit = int(cols[3]) if len(cols) == 4 else _DEFAULT_MAX_WORDS[mode]
                if mode == "line":
                    exact[phrase] = reason
                else:
                    rules.append(Rule(mode, reason, phrase, limit))
        return cls(exact, tuple(rules))

    def match(self, key: str) -> tuple[str, str] | None:
        """``(mode, reason)`` of the first rule that matches a line key, else None."""
        reason = self.exact.get(key)
        if reason:
            return "line", reason
        words = key.count(" ") + 1
        best: Rule | None = None
        best_n = len(self.rules)
        for n, rule in self._by_first.get(key.split(" ", 1)[0], ()):
            if n < best_n and words <= rule.max_words and (
                    key == rule.phrase or key.startswith(rule.phrase + " ")):
                best, best_n = rule, n
                break
        for n, rule in self._others:
            if n >= best_n:
                break
            if words > rule.max_words:
                continue
            if rule.mode == "contains" and rule.phrase in key:
                best = rule
                break
            if rule.mode == "suffix" and key.endswith(" " + rule.phrase):
                best = rule
                break
        return None if best is None else (best.mode, best.reason)

    def suffix_phrase(self, key: str) -> str | None:
        for rule in self.rules:
            if rule.mode == "suffix" and key.endswith(" " + rule.phrase):
                return rule.phrase
        return None


@dataclass(frozen=True, slots=True)
class RepeatedLines:
    """Line keys that recur across many distinct articles of one site in a batch."""

    by_site: Mapping[str, frozenset[str]]

    def is_repeated(self, site: str | None, key: str) -> bool:
        lines = self.by_site.get(site or "")
        return bool(lines) and key in lines  # type: ignore[operator]

    @classmethod
    def empty(cls) -> RepeatedLines:
        return cls({})

    @classmethod
    def learn(cls, articles: Iterable[tuple[str | None, str, str]], *, min_docs: int,
              min_site_docs: int, max_words: int) -> RepeatedLines:
        """``articles``: ``(site, title, body)``. Identical articles count once, so a story
        published twice does not make its own paragraphs boilerplate."""
        seen: set[bytes] = set()
        docs: Counter[str] = Counter()
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for site, title, body in articles:
            fingerprint = hashlib.blake2b(f"{site}\0{title}\0{body[:500]}".encode(),
                                          digest_size=12).digest()
            if fingerprint in seen:
                continue
            seen.add(fingerprint)
            site_key = site or ""
            docs[site_key] += 1
            keys = {line_key(ln) for ln in body.splitlines() if _candidate(ln, max_words)}
            counts[site_key].update(k for k in keys if k)
        learned: dict[str, frozenset[str]] = {}
        for site_key, n in docs.items():
            if n < min_site_docs:
                continue
            learned[site_key] = frozenset(k for k, c in counts[site_key].items() if c >= min_docs)
        return cls(learned)


_SENTENCE_END = frozenset(".!?؟")


def _candidate(line: str, max_words: int) -> bool:
    """Can this line be learned as boilerplate? Short lines, and lines that do not end a
    sentence: a full sentence that recurs is usually the same story told again."""
    words = line.split()
    if not words or len(words) > max_words:
        return False
    last = line.rstrip().rstrip("»”\"')]")
    return len(words) <= 8 or not last or last[-1] not in _SENTENCE_END
