"""Finding the actors an article names and resolving their mentions to entities.

Candidates come from four sources: the trained tagger (``marsad.ner``), longest matches
in the actor dictionary (``marsad.actors``), role and group phrases built from a noun
and a demonym (``الرئيس الإيراني``, ``الجيش الإسرائيلي``, ``المتظاهرون العراقيون``) and
organisation names in guillemets (``«كتائب القسام»``). Overlaps are settled by length
and source, then mentions are grouped: same dictionary actor, same name, a surname after
the full name, an organisation's short form, a role phrase and its named holder."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from ..actors.dictionary import word_forms
from ..doc import Doc
from ..text.normalize import strip_marks
from ..text.tokenize import Lexicon
from .records import Entity, Mention
from .words import Word, build_words, words_in

APPOSITION_WORDS = 8
_SOURCE_RANK = {"dict": 0, "group": 1, "ner": 2, "quoted": 3}
_NON_STATE = frozenset({"IGO", "NGO", "MNC", "IMG", "UIS", "UNK", "REB", "MIL", "GOV", "COP",
                        "CVL", "OPP", "BUS", "MED", "EDU", "JUD", "LEG", "REL", "SPY", "REF"})
_NER_TYPES = {"PER": "PER", "PERS": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}


class ActorLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def name_ar(self) -> str: ...
    @property
    def name_en(self) -> str | None: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...
    @property
    def country(self) -> str | None: ...
    @property
    def wikidata(self) -> str | None: ...
    @property
    def source(self) -> str: ...
    @property
    def is_country(self) -> bool: ...

    def code_at(self, when: date | None) -> str | None: ...


class ResolutionLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def code(self) -> str | None: ...
    @property
    def actor(self) -> ActorLike | None: ...
    @property
    def country(self) -> str | None: ...
    @property
    def role(self) -> str | None: ...
    @property
    def agent(self) -> str | None: ...


class TermLike(Protocol):
    @property
    def actor(self) -> ActorLike: ...


class DictionaryLike(Protocol):
    @property
    def first_words(self) -> frozenset[str]: ...

    def match_at(self, words: Sequence[str], i: int) -> tuple[int, Sequence[ActorLike]] | None: ...
    def demonym(self, word: str) -> tuple[str, str] | None: ...
    def role_key(self, phrase: str) -> str | None: ...
    def resolve_at(self, words: Sequence[str], i: int, when: date | None = None
                   ) -> tuple[int, ResolutionLike] | None: ...
    def terms(self, holder_of: str, role: str) -> Sequence[TermLike]: ...
    def role_holder(self, country: str, role: str, when: date | None) -> ActorLike | None: ...


class TaggerLike(Protocol):
    def tag(self, words: Sequence[str]) -> list[str]: ...

    def tag_each(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]: ...


@dataclass(frozen=True, slots=True)
class Nouns:
    """``kind`` and CAMEO agent of the nouns in ``data/entities/nouns.tsv`` (normalised)."""

    kinds: Mapping[str, tuple[str, str | None]]
    max_words: int
    #: exact spellings that are function words (``أمام``), and their matching keys
    function_words: frozenset[str] = frozenset()
    function_keys: frozenset[str] = frozenset()

    def get(self, words: Sequence[str], i: int, kinds: frozenset[str]
            ) -> tuple[int, str, str | None] | None:
        for n in range(min(self.max_words, len(words) - i), 0, -1):
            hit = self.kinds.get(" ".join(words[i:i + n]))
            if hit and hit[0] in kinds:
                return n, hit[0], hit[1]
        return None


@dataclass(slots=True)
class _Cand:
    i: int
    j: int
    type: str
    source: str
    actors: list[ActorLike] = field(default_factory=list)
    code: str | None = None
    country: str | None = None
    role: tuple[str, str] | None = None  # (country, role key) of a role phrase

    @property
    def size(self) -> int:
        return self.j - self.i


#: the word before a father's name: سلمان is not محمد بن سلمان
_PATRONYMIC = frozenset({"بن", "ابن", "بنت"})
_ROLE_KINDS = frozenset({"institution", "people", "role"})
_CURRENCY = frozenset({"currency"})
_QUOTES = frozenset('«»"“”')
_LONE_CLITICS = frozenset("وفبلك")


class EntityResolver:
    """``resolver(doc)`` returns the document's entities. Built once per pipeline."""

    def __init__(self, tagger: TaggerLike | None, dictionary: DictionaryLike, nouns: Nouns,
                 normalize: Callable[[str], str], lexicon: Lexicon | None = None) -> None:
        self.tagger = tagger
        self.lexicon = lexicon
        self.dictionary = dictionary
        self.nouns = nouns
        self.normalize = normalize
        self._can_start: list[bool] = []
        self._lam: list[bool] = []  # per word of the document: has the proclitic ل
        # word key -> can a dictionary key start with it (words repeat: cached)
        self._starts: dict[str, bool] = {}

    def _starts_key(self, norm: str) -> bool:
        forms = word_forms(norm)
        can = bool(forms) and forms[0] in self.dictionary.first_words
        if len(self._starts) >= 200_000:
            self._starts.clear()
        self._starts[norm] = can
        return can

    @staticmethod
    def _listed_conjunction(words: list[Word], k: int, lexicon: Lexicon,
                            after_name: bool = False) -> None:
        """Split و off ``words[k]``, where a tagged name starts, when the word goes on a
        list (after a comma, another «و + word» or another tagged name): «، وعقيل بلغيث،
        وتيسر الجاسم», «وفنلندا وبيلاروسيا», «كريستيانو رونالدو وسيرخيو راموس». The
        tokenizer keeps و on words it does not know; on a list it is the conjunction where
        the word without it is at least as common (not وديع, and not وليد: a name that
        starts with و)."""
        w = words[k]
        if k == 0 or w.punct or w.clitics or len(w.norm) < 4 or w.norm[0] != "و" \
                or w.norm in lexicon.names \
                or not (after_name or words[k - 1].norm in ("،", ",")
                        or words[k - 1].clitics == "و"):
            return
        rest = w.norm[1:]
        if rest[:2] == "ال" or lexicon.freq.get(rest, 0) < max(1, lexicon.freq.get(w.norm, 0)):
            return
        words[k] = w._replace(core=w.core + 1, norm=rest, clitics="و")

    # -- candidates ------------------------------------------------------------------------
    def candidates(self, doc: Doc, words: list[Word]) -> list[_Cand]:
        """Every candidate mention. Where the tagger starts a name at a word that goes on a
        list with و glued on («، وعقيل بلغيث»), ``words`` is changed in place: the word
        starts after the و (see :meth:`_listed_conjunction`)."""
        ranges: list[tuple[int, int]] = []
        start = 0
        for sent in doc.sentences:
            i, j = words_in(words, sent, start)
            start = j
            ranges.append((i, j))
        tags: list[list[str]] = []
        if self.tagger is not None:
            text = doc.text
            tags = self.tagger.tag_each(
                [[text[w.start:w.end] for w in words[i:j]] for i, j in ranges])
            if self.lexicon is not None:
                for (i, _j), sent_tags in zip(ranges, tags, strict=True):
                    for k, tag in enumerate(sent_tags):
                        if tag != "O" and (tag[0] == "B" or k == 0 or sent_tags[k - 1] == "O"):
                            self._listed_conjunction(words, i + k, self.lexicon,
                                                     k > 0 and sent_tags[k - 1] != "O")
        norms = [w.norm for w in words]
        # the dictionary can only match where a word's first form starts one of its keys
        known = self._starts
        self._can_start = [known[n] if n in known else self._starts_key(n) for n in norms]
        # function words (data: nouns.tsv) start no name or role (أمام الأمريكيين is no
        # imam) and are no part of one (the tagger's «أن عبد العزيز», «له»)
        nouns = self.nouns
        func = [n in nouns.function_keys and strip_marks(doc.text[w.core:w.end])
                in nouns.function_words for n, w in zip(norms, words, strict=True)]
        for k, is_func in enumerate(func):
            if is_func:
                self._can_start[k] = False
        self._lam = [w.clitics.endswith("ل") for w in words]
        cands: list[_Cand] = []
        for k, (i, j) in enumerate(ranges):
            if tags and tags[k]:
                cands.extend(self._tagged(tags[k], i, words))
            cands.extend(self._dictionary(norms, i, j))
            cands.extend(self._phrases(norms, i, j, doc.published))
            cands.extend(self._quoted(doc.text, words, norms, i, j))
        for c in cands:
            # كيم جونغ-أون: a hyphen between letters, without spaces, goes on with the name
            while c.source == "ner" and c.type == "PER" and c.j + 1 < len(words) \
                    and norms[c.j] == "-" \
                    and words[c.j].start == words[c.j - 1].end \
                    and words[c.j + 1].start == words[c.j].end and not words[c.j + 1].punct:
                c.j += 2
        if any(func):
            for c in cands:
                while c.source == "ner" and c.size and func[c.i]:
                    c.i += 1
        # a bare article or marks are no name (البابا بنديكت ال ـ16: the tagger's «ال»)
        cands = [c for c in cands if c.size > 0 and not all(
            norms[k] == "ال" or words[k].punct for k in range(c.i, c.j))]
        starts = {c.i for c in cands}
        for c in cands:
            # مليون ريال: a currency, not the tagger's ORG; ريال مدريد (a name after it) stays
            if c.source == "ner" and c.size == 1 and c.type != "MISC" and c.j not in starts \
                    and nouns.get(norms, c.i, _CURRENCY) is not None:
                c.type = "MISC"
            if c.type in ("PER", "ORG", "MISC"):
                self._trim_titles(c, norms)
            opened = sum(1 for n in norms[c.i:c.j] if n == "«") - sum(
                1 for n in norms[c.i:c.j] if n == "»")
            if opened > 0 and c.j < len(norms) and norms[c.j] == "»":
                c.j += 1  # قائد «فيلق القدس»: keep the guillemets of a name inside together
        return cands

    def _tagged(self, tags: list[str], offset: int, words: list[Word]) -> list[_Cand]:
        out: list[_Cand] = []
        cur: _Cand | None = None
        for k, tag in enumerate(tags):
            prefix, _, label = tag.partition("-")
            typ = _NER_TYPES.get(label)
            glued = bool(words[offset + k].clitics) and words[offset + k].clitics != "ال"
            if prefix == "I" and cur is not None and cur.type == typ and not (
                    typ == "PER" and glued):
                cur.j = offset + k + 1
                continue
            if prefix == "I" and cur is not None and typ == "PER" and glued:
                # روحاني لهنية: a name does not go on through a preposition; two names
                out.append(cur)
                cur = _Cand(offset + k, offset + k + 1, typ, "ner")
                continue
            if cur is not None:
                out.append(cur)
                cur = None
            if prefix in ("B", "I") and typ:
                cur = _Cand(offset + k, offset + k + 1, typ, "ner")
        if cur is not None:
            out.append(cur)
        return out

    def _trim_titles(self, c: _Cand, norms: list[str]) -> None:
        """Titles and ranks are not part of a name: اللواء قاسم سليماني -> قاسم سليماني."""
        while c.size > 1:
            hit = self.nouns.get(norms, c.i, frozenset({"title"}))
            if hit is None or hit[0] >= c.size:
                break
            c.i += hit[0]

    def _dictionary(self, norms: list[str], i: int, j: int) -> list[_Cand]:
        out: list[_Cand] = []
        k = i
        while k < j:
            if not self._can_start[k]:
                k += 1
                continue
            hit = self.dictionary.match_at(norms, k)
            if hit is None or hit[0] <= 0 or k + hit[0] > j:
                k += 1
                continue
            n, actors = hit
            if n == 1 and self.nouns.get(norms, k, _ROLE_KINDS | {"title", "org-head"}):
                k += 1  # a bare role or group noun: handled as a phrase
                continue
            typ = _actor_type(actors[0].type, actors[0].code_at(None))
            if typ == "LOC" and n > 1 and self.nouns.get(norms, k, frozenset({"place-head"})):
                # محافظة أدلب: the place is أدلب, the province word is not its name
                inner = self.dictionary.match_at(norms, k + 1)
                if inner is not None and inner[0] == n - 1:
                    k, n, actors = k + 1, n - 1, inner[1]
            out.append(_Cand(k, k + n, typ, "dict", list(actors)))
            # a name after ل inside a longer name is named too: مجلس حقوق الإنسان التابع
            # للأمم المتحدة names the United Nations
            for p in range(k + 1, k + n):
                if self._lam[p] and self._can_start[p]:
                    inner = self.dictionary.match_at(norms, p)
                    if inner is not None and inner[0] > 0 and p + inner[0] <= k + n:
                        out.append(_Cand(p, p + inner[0], _actor_type(
                            inner[1][0].type, inner[1][0].code_at(None)), "dict",
                            list(inner[1])))
            k += n
        return out

    def _phrases(self, norms: list[str], i: int, j: int, when: date | None) -> list[_Cand]:
        """Role, institution and group phrases of a country or organisation
        (``الرئيس الإيراني``, ``رئيس المكتب السياسي لحماس``, ``الجيش التركي``,
        ``المتظاهرون العراقيون``), resolved by the actor dictionary."""
        out: list[_Cand] = []
        # resolve over the words without quotation marks and lone proclitics, so that
        # «رئيس المكتب السياسي لـ«حماس»» reads as رئيس المكتب السياسي حماس
        index = [k for k in range(i, j) if norms[k] not in _QUOTES
                 and not (len(norms[k]) == 1 and norms[k] in _LONE_CLITICS)]
        compact = [norms[k] for k in index]
        p = 0
        while p < len(compact):
            k = index[p]
            if len(compact[p]) < 2 or not self._can_start[k]:
                p += 1
                continue
            hit = self.dictionary.resolve_at(compact, p, when)
            if hit is None or hit[0] <= 0:
                p += 1
                continue
            n, res = hit
            if res.kind not in ("role", "agent") or (res.country is None and res.actor is None):
                p += 1
                continue
            end = index[p + n - 1] + 1
            relation = self.nouns.get(norms, k - 1, frozenset({"relational"})) if k > i else None
            if res.kind == "role":
                cand = _Cand(k, end, "GRP", "group", code=res.code, country=res.country,
                             role=(res.country or "", res.role or ""))
                if res.actor is not None:
                    cand.actors = [res.actor]
            else:
                # an organisation only when headed by a definite institution noun
                # (الجيش التركي, الشرطة الإسرائيلية); else a group (قوات يمنية)
                noun = self.nouns.get(norms, k, _ROLE_KINDS)
                org = noun is not None and noun[1] == "institution"
                cand = _Cand(k, end, "ORG" if org else "GRP", "group", code=res.code,
                             country=res.country)
            if relation is not None:
                # مستشار وزير الخارجية: someone related to the role, not its holder
                cand.i -= min(relation[0], k - i)
                cand.actors, cand.role, cand.type = [], None, "GRP"
            out.append(cand)
            p += n
        return out

    def _quoted(self, text: str, words: list[Word], norms: list[str], i: int, j: int
                ) -> list[_Cand]:
        """Organisation names in guillemets: «كتائب القسام», لـ«حركة حماس»."""
        out: list[_Cand] = []
        for k in range(i, j):
            if norms[k] != "«":
                continue
            end = k + 1
            while end < j and end - k <= 6 and norms[end] != "»":
                end += 1
            if end >= j or norms[end] != "»" or end == k + 1 or end - k > 6:
                continue
            if self.nouns.get(norms, k + 1, frozenset({"org-head"})):
                out.append(_Cand(k + 1, end, "ORG", "quoted"))
        return out

    # -- selection -------------------------------------------------------------------------
    def select(self, cands: list[_Cand], norms: list[str]) -> list[_Cand]:
        by_span: dict[tuple[int, int], _Cand] = {}
        for c in sorted(cands, key=lambda c: _SOURCE_RANK[c.source]):
            prev = by_span.get((c.i, c.j))
            if prev is None:
                by_span[(c.i, c.j)] = c
                continue
            # same span from several sources: keep the best type, pool what they know
            if _person_not_town(prev, c):
                by_span[(c.i, c.j)] = c  # قال الأحمدي, الملكة صوفيا: a person, not a town
                continue
            prev.actors = prev.actors or c.actors
            prev.code = prev.code or c.code
            prev.country = prev.country or c.country
            if prev.source == "group" and c.source == "ner" and prev.type == "GRP" \
                    and c.type == "PER":
                prev.type = "PER"
        chosen: list[_Cand] = []
        taken: set[int] = set()
        order = sorted(by_span.values(), key=lambda c: (-c.size, _SOURCE_RANK[c.source], c.i))
        for c in order:
            span = set(range(c.i, c.j))
            if span & taken:
                continue
            if c.source == "ner":
                self._inherit(c, by_span, norms)
            chosen.append(c)
            taken |= span
        # names inside a role or group phrase are mentions too: حكومة قطر names Qatar,
        # رئيس المكتب السياسي لحماس names Hamas
        # (dictionary spans indexed by start: scanning all spans per group was quadratic)
        dict_at: dict[int, list[_Cand]] = {}
        for inner in by_span.values():
            if inner.source == "dict":
                dict_at.setdefault(inner.i, []).append(inner)
        for c in [c for c in chosen
                  if c.source == "group" or (c.source == "dict" and c.size > 2)]:
            chosen.extend(inner for i in range(c.i, c.j) for inner in dict_at.get(i, ())
                          if inner.j <= c.j and inner.size < c.size)
        chosen.sort(key=lambda c: c.i)
        return chosen

    def _inherit(self, c: _Cand, by_span: Mapping[tuple[int, int], _Cand], norms: list[str]
                 ) -> None:
        """A tagged span that is a dictionary name, or that contains a dictionary match
        beside an organisation head word (``حركة`` + ``حماس``), is that actor."""
        whole = self.dictionary.match_at(norms, c.i)
        if whole is not None and whole[0] == c.size and not (
                c.type == "PER" and c.size == 1 and _is_town(whole[1][0])):
            c.actors = list(whole[1])
            c.type = _actor_type(c.actors[0].type, c.actors[0].code_at(None))
            return
        for (i, j), inner in by_span.items():
            if inner.source != "dict" or not (c.i <= i and j <= c.j) or (i, j) == (c.i, c.j):
                continue
            extra = list(range(c.i, i)) + list(range(j, c.j))
            if all(self.nouns.get(norms, k, frozenset({"org-head", "title"})) for k in extra) \
                    or (c.type == inner.type == "LOC" and i == c.i
                        and all(_adjective(norms[k]) for k in extra)):
                # حركة + حماس; عدن الجنوبية ("southern Aden") is Aden
                c.actors = inner.actors
                c.type = inner.type
                return

    # -- grouping --------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> list[Entity]:
        words = build_words(doc.tokens)
        cands = self.candidates(doc, words)  # (may split a listed و off a word: see there)
        norms = [w.norm for w in words]
        chosen = self.select(cands, norms)
        groups: dict[str, list[_Cand]] = {}
        order: list[str] = []
        names: dict[str, list[str]] = {}  # group key -> name words

        def add(key: str, c: _Cand) -> None:
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append(c)

        for c in chosen:
            name_words = [n for n in norms[c.i:c.j] if n not in ("«", "»", "-")]
            if c.actors:
                key = "actor:" + c.actors[0].id
            elif c.source == "group" and c.role is None and c.code and c.type == "ORG":
                key = "code:" + c.code  # الحكومة القطرية = النظام القطري: one actor
            else:
                key = "name:" + " ".join(name_words)
            names.setdefault(key, name_words)
            add(key, c)
        # surnames and short forms join the full name mentioned in the article
        merged: dict[str, str] = {}
        for key in list(order):
            cs = groups[key]
            c = cs[0]
            if c.type not in ("PER", "ORG", "MISC", "LOC"):
                continue
            nw = names[key]
            if c.type == "LOC":
                # مكة <- مكة المكرمة, كردستان <- كردستان العراق: a place named by the first
                # words of a longer place name of the same country in the article
                target = self._longer_name(key, names, order, groups)
            elif c.actors and c.actors[0].code_at(doc.published) is not None:
                # (a dictionary person with no code at the article's date, such as King
                # عبد العزيز (d. 1953), is read as the name of someone in the article)
                # صدام <- صدام حسين: the dictionary's entry for a first name of a person
                # the article names in full (same country)
                target = self._longer_name(key, names, order, groups) \
                    if c.type == "PER" and len(nw) == 1 else None
            else:
                target = self._fuller(key, nw, c.type, order, groups, names)
                if target is None and c.type == "PER":
                    target = self._known_start(key, nw, order, groups, names)
                if target and c.actors:
                    for cand in groups[key]:
                        cand.actors = []  # the article's person, not the dictionary's
            if target:
                merged[key] = target
        for key, target in merged.items():
            while target in merged:
                target = merged[target]
            groups[target].extend(groups.pop(key))
            order.remove(key)
        # role phrases: the person named beside them is the holder; else a named holder of
        # that role in the article; else they stay a GRP that refers to the holder
        key_of = {id(c): key for key, cs in groups.items() for c in cs}
        starts = {c.i: c for c in chosen}
        ends = {c.j: c for c in chosen}
        for key in list(order):
            if key not in groups:
                continue
            c = groups[key][0]
            if c.source != "group" or (c.role is None and c.type != "GRP"):
                continue
            target = self._apposed(c, starts, ends, norms, key_of)
            if target is None and c.role is not None:
                target = self._named_holder(c, doc.published, order, groups, names)
            if target is not None and target != key and target in groups:
                groups[target].extend(groups.pop(key))
                order.remove(key)
        return self._entities(doc, words, norms, order, groups)

    @staticmethod
    def _apposed(c: _Cand, starts: Mapping[int, _Cand], ends: Mapping[int, _Cand],
                 norms: list[str], key_of: Mapping[int, str]) -> str | None:
        """The person named right beside a role phrase: ``NAME، ROLE``, ``ROLE NAME`` or
        ``ROLE، NAME``."""
        comma = ("،", ",")
        options = []
        if c.i >= 2 and norms[c.i - 1] in comma:
            options.append(ends.get(c.i - 1))
        options.append(starts.get(c.j))
        if c.j < len(norms) and norms[c.j] in comma:
            options.append(starts.get(c.j + 1))
        for other in options:
            if other is not None and other.type == "PER" and other is not c:
                return key_of.get(id(other))
        return None

    def _named_holder(self, c: _Cand, when: date | None, order: list[str],
                      groups: Mapping[str, list[_Cand]], names: Mapping[str, list[str]]
                      ) -> str | None:
        holders = list(c.actors)
        if when is None and c.role is not None:
            # no date: any holder of the role whom the article names
            holders += [t.actor for t in self.dictionary.terms(*c.role)]
        for holder in holders:
            key = "actor:" + holder.id
            if key in groups:
                return key
            found = self._named(holder, order, groups, names)
            if found:
                return found
        return None

    def _fuller(self, key: str, nw: list[str], typ: str, order: list[str],
                groups: Mapping[str, list[_Cand]], names: Mapping[str, list[str]]) -> str | None:
        for other in order:
            if other == key:
                continue
            oc = groups[other][0]
            ow = names[other]
            if len(ow) <= len(nw):
                continue
            if typ == "PER" and oc.type == "PER" and (
                    (ow[-len(nw):] == nw and ow[-len(nw) - 1] not in _PATRONYMIC)
                    or (len(nw) == 2 and ow[0] == nw[0] and ow[-1] == nw[-1])):
                return other  # قاسم سليماني <- سليماني; سليمان هلال الأسد <- سليمان الأسد
            if typ in ("ORG", "MISC") and oc.type == "ORG":
                heads = self.nouns.get(ow, 0, frozenset({"org-head"}))
                if heads and (ow[heads[0]:] == nw or (len(nw) == 1 and ow[heads[0]] == nw[0])):
                    return other  # حركة حماس <- حماس; حركة الجهاد الاسلامي <- الجهاد
                if len(nw) == 1 and ow[0] == nw[0] and nw[0].startswith("ال"):
                    return other  # المرصد السوري لحقوق الانسان <- المرصد
                if len(nw) == 1 and nw[0].startswith("ال") and ow[0] == nw[0][2:]:
                    return other  # سرايا القدس <- السرايا
        return None

    @staticmethod
    def _known_start(key: str, nw: list[str], order: list[str],
                     groups: Mapping[str, list[_Cand]], names: Mapping[str, list[str]]
                     ) -> str | None:
        """A dictionary person whose full name (two words or more) this longer name starts
        with: محمد بن نايف بن عبدالعزيز is محمد بن نايف."""
        for other in order:
            oc = groups[other][0]
            ow = names[other]
            if other != key and oc.type == "PER" and oc.actors and 2 <= len(ow) < len(nw) \
                    and nw[:len(ow)] == ow:
                return other
        return None

    @staticmethod
    def _longer_name(key: str, names: Mapping[str, list[str]], order: list[str],
                     groups: Mapping[str, list[_Cand]]) -> str | None:
        """Another entity of the same type and country whose name starts with this one's
        words (``None`` for a country, or without a known country)."""
        nw = names[key]
        c = groups[key][0]
        country = _country_of(c)
        if country is None or (c.actors and c.type == "LOC" and not _is_town(c.actors[0])):
            return None  # a country is itself: مصر is not مصر الجديدة
        for other in order:
            ow = names[other]
            oc = groups[other][0]
            if other != key and oc.type == c.type and len(ow) > len(nw) \
                    and ow[:len(nw)] == nw and _country_of(oc) == country:
                return other
        return None

    def _named(self, actor: ActorLike, order: list[str], groups: Mapping[str, list[_Cand]],
               names: Mapping[str, list[str]]) -> str | None:
        wanted = {self.normalize(n) for n in (actor.name_ar, *actor.aliases)}
        for key in order:
            c = groups[key][0]
            if c.type == "PER" and " ".join(names[key]) in wanted:
                return key
        return None

    def _entities(self, doc: Doc, words: list[Word], norms: list[str], order: list[str],
                  groups: Mapping[str, list[_Cand]]) -> list[Entity]:
        when = doc.published
        out: list[Entity] = []
        all_chosen = sorted((c for cs in groups.values() for c in cs), key=lambda c: c.i)
        for key in order:
            cs = sorted(groups[key], key=lambda c: c.i)
            named = [c for c in cs if c.source != "group"]
            # the fullest name that the dictionary knows (مكة المكرمة over مكة)
            main = max((c for c in named if c.actors), key=lambda c: c.size, default=None) \
                or (named[0] if named else cs[0])
            actor = main.actors[0] if main.actors and main.source != "group" else None
            typ = _actor_type(actor.type, actor.code_at(when)) if actor else main.type
            holder = None
            if not named and cs[0].actors:
                holder = cs[0].actors[0]
            code = actor.code_at(when) if actor else None
            if when is None and typ == "PER":
                # undated article: the post the article gives the person (الرئيس الإيراني)
                # tells their code better than the dictionary's latest one
                code = next((c.code for c in cs if c.source == "group" and c.role
                             and c.code), code)
            if typ == "LOC" and actor is not None and actor.country:
                code = actor.country  # a place: its country (acting for its government is
                # decided where the place is an event's actor)
            code = code or next((c.code for c in cs if c.code), None)
            if code is None and typ == "PER":
                code = self._affiliation(cs[0], all_chosen, norms, when)
            country = (actor.country if actor else None) or next(
                (c.country for c in cs if c.country), None)
            if country is None and code and code[:3].isalpha() and code[:3] not in _NON_STATE:
                country = code[:3]
            mentions = tuple(self._mention(doc.text, words, c) for c in cs)
            if actor is not None:
                name = actor.name_ar
                if actor.source.startswith("upetrarch") and named:
                    # Universal-PETRARCH names are matching keys (حزب عدالة و تنمية): the
                    # article's fullest mention of the actor reads better
                    name = max((self._mention(doc.text, words, c).text for c in named
                                if c.actors and c.actors[0].id == actor.id),
                               key=len, default=name)
                if not name.startswith("ال") and any(
                        self.normalize(m.text) == self.normalize("ال" + name) for m in mentions):
                    name = "ال" + name  # the dictionary's لاذقية is written اللاذقية
            else:
                name = max((self._mention(doc.text, words, c).text for c in named), key=len) \
                    if named else mentions[0].text
                # a name as the article writes it, without tatweel and marks (أحـمد -> أحمد)
                # or a line break inside it; the mentions keep the text as it is
                name = " ".join(strip_marks(name).split())
            out.append(Entity(
                id=f"e{len(out) + 1}", type=typ, name=name, mentions=mentions,
                name_en=actor.name_en if actor else None, code=code, country=country,
                wikidata=actor.wikidata if actor else None,
                actor=actor.id if actor else None,
                refers_to=holder.name_ar if holder is not None and when is not None else None))
        return out

    def _affiliation(self, c: _Cand, chosen: list[_Cand], norms: list[str],
                     when: date | None) -> str | None:
        """``قاسم سليماني، قائد «فيلق القدس»``: the code of an organisation or role
        phrase in apposition to a person's first mention (same clause)."""
        stop = ("،", ",", ".", "؛", ":", "؟", "!")
        lo = c.j + 1 if c.j < len(norms) and norms[c.j] in stop[:2] else c.j
        hi = lo
        while hi < len(norms) and hi - lo < APPOSITION_WORDS and norms[hi] not in stop:
            hi += 1
        for other in chosen:
            if other is c or other.i < lo or other.j > hi:
                continue
            if other.actors and other.source != "group":
                code = other.actors[0].code_at(when)
                if code and other.type == "ORG":
                    return code
            elif other.code and other.type in ("ORG", "GRP"):
                return other.code
        return None

    @staticmethod
    def _mention(text: str, words: list[Word], c: _Cand) -> Mention:
        start, end = words[c.i].core, words[c.j - 1].end
        return Mention(start, end, text[start:end])


def _adjective(norm: str) -> bool:
    """A definite relative adjective (الجنوبية, الساحلية, اليمني), by its shape."""
    return norm.startswith("ال") and norm.endswith(("يه", "ي")) and len(norm) >= 5


def _is_town(actor: ActorLike) -> bool:
    """A dictionary place that is not a country (a city, region or site)."""
    return actor.type == "LOC" and not actor.is_country


def _person_not_town(kept: _Cand, other: _Cand) -> bool:
    """The tagger read a person in context where a one-word dictionary match is a town:
    the person wins (قال الأحمدي; a country name stays a country)."""
    return (kept.source == "dict" and other.source == "ner" and other.type == "PER"
            and kept.type == "LOC" and kept.size == 1 and bool(kept.actors)
            and _is_town(kept.actors[0]))


def _country_of(c: _Cand) -> str | None:
    """The country of a candidate: its actor's, else the one found for it."""
    if c.actors:
        return c.actors[0].country
    return c.country


_INSTITUTION_AGENTS = ("MIL", "COP", "GOV", "SPY", "JUD", "LEG", "MED", "BUS")


def _actor_type(t: str, code: str | None = None) -> str:
    """Dictionary type -> entity type; armed forces, police and government bodies that
    the dictionary files as groups are organisations."""
    if t == "GRP" and code and code[3:6] in _INSTITUTION_AGENTS:
        return "ORG"
    return t if t in ("PER", "ORG", "LOC", "GRP", "MISC") else "ORG"
