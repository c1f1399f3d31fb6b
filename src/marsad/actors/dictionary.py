"""The actor dictionary: Arabic names and role phrases -> actors with CAMEO codes by date.

Everything is read from tab-separated files in ``marsad/data/actors`` (see ``PROVENANCE.md``
there for sources, licences and formats) plus any user files in the ``actors.tsv`` format.

Matching works on *keys*: :func:`normalize_key` (alef/hamza/ya/ta-marbuta folds, no
tashkeel or tatweel), punctuation and quotes dropped, spaces squeezed, and the article ``ال``
ignored on every word (``الحرس الثوري`` = ``حرس ثوري``; ``والتنمية`` = ``و`` + ``تنمية``;
``عبدالله`` = ``عبد الله``). An alias written with a leading ``=`` in a data file must match
exactly, article included (``=حماس`` does not match ``الحماس``, "the enthusiasm"); so does
every one-word name of a person (``الشرع`` does not match the verb ``شرع``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from importlib import resources
from itertools import product
from pathlib import Path

from ..errors import DataFileError, MarsadError
from ..recovery.boilerplate import line_key
from ..text.tokenize import read_word_freq

ACTOR_TYPES = ("PER", "ORG", "LOC", "GRP")
#: the role vocabulary of ``role_holders.tsv`` (``roles.tsv`` maps Arabic phrases to these)
ROLE_KEYS = (
    "president", "vice_president", "prime_minister", "chancellor", "foreign_minister",
    "defence_minister", "king", "emir", "crown_prince", "supreme_leader",
    "secretary_general", "politburo_chief", "speaker", "leader",
)
#: a role that an organisation or country does not fill falls back to these
_ROLE_FALLBACK: Mapping[str, tuple[str, ...]] = {
    "leader": ("secretary_general", "politburo_chief", "supreme_leader", "king", "emir",
               "president"),
    "president": ("politburo_chief", "secretary_general", "leader"),
    "secretary_general": ("leader",),
    "politburo_chief": ("leader",),
}
_CODE = re.compile(r"^(?:[A-Z]{3})+$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
_ID = re.compile(r"^[\w:.\-]+$")
_MAX_VARIANTS = 16


class ActorFileError(MarsadError):
    """A user's actor file (``--file``, ``Settings``) cannot be used."""

    code = "E010"
    template = "bad actor file {path}, line {line}: {detail}"


# -- keys ----------------------------------------------------------------------------------

def key_words(text: str) -> list[str]:
    """Normalised words of ``text``: :func:`normalize_key`, punctuation and quotes removed
    (the words of the boilerplate line key)."""
    return line_key(text).split()


def word_forms(word: str) -> tuple[str, ...]:
    """The matching forms of one normalised word: the article is dropped (``الحرس`` ->
    ``حرس``), ``وال`` splits into ``و`` + the word, ``عبدال..`` into ``عبد`` + the name, and a
    bare article token (``ال``, as the tokenizer emits it) has no form."""
    if word == "ال":
        return ()
    if word.startswith("وال") and len(word) >= 5:
        return ("و", _strip_article(word[1:]))
    if word.startswith("عبدال") and len(word) >= 7:
        return ("عبد", _strip_article(word[3:]))
    return (_strip_article(word),)


def _drop_proclitic(word: str) -> str:
    """A name's inner word without a proclitic و, ل or ب before the article, or ل before
    a fused article (للطاقة -> الطاقة); other words stay (لبنان)."""
    if word[:1] in ("و", "ل", "ب") and word[1:3] == "ال" and len(word) >= 5:
        return word[1:]
    if word.startswith("لل") and len(word) >= 5:
        return "ا" + word[1:]
    return word


def _strip_article(word: str) -> str:
    # repeatedly: «الألمانية» and «ألمانية» both normalise to an initial «ال»
    while word.startswith("ال") and len(word) >= 4:
        word = word[2:]
    return word


def match_key(text: str) -> str:
    """The dictionary key of a name or phrase (what :meth:`ActorDictionary.lookup` uses)."""
    return " ".join(f for w in key_words(text) for f in word_forms(w))


# -- data model ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CodeRange:
    """A CAMEO actor code valid from ``start`` to ``end`` (both inclusive; ``None`` is open)."""

    code: str
    start: date | None = None
    end: date | None = None

    def contains(self, when: date) -> bool:
        return (self.start is None or self.start <= when) and (
            self.end is None or when <= self.end)

    def __str__(self) -> str:
        if self.start is None and self.end is None:
            return self.code
        s = self.start.isoformat() if self.start else ""
        e = self.end.isoformat() if self.end else ""
        return f"{self.code}@{s}..{e}"


@dataclass(frozen=True, slots=True)
class Actor:
    """One actor: a person, organisation, place or group, with its codes over time."""

    id: str
    type: str
    name_ar: str
    name_en: str | None
    aliases: tuple[str, ...]
    codes: tuple[CodeRange, ...]
    country: str | None
    wikidata: str | None
    source: str = ""

    def range_at(self, when: date | None) -> CodeRange | None:
        """The code range that applies at ``when``: of the ranges containing the date the
        one that started last (a term of office beats an undated default); with ``None`` the
        open-ended range that started last, else the one that ended last."""
        if when is not None:
            best: CodeRange | None = None
            for r in self.codes:
                if r.contains(when) and (best is None or _start(r) > _start(best)):
                    best = r
            return best
        open_ended = [r for r in self.codes if r.end is None]
        if open_ended:
            return max(open_ended, key=_start)
        return max(self.codes, key=lambda r: r.end or date.min, default=None)

    @property
    def is_country(self) -> bool:
        """A country (``countries.tsv``), not a city, region or site."""
        return self.id.startswith("country:")

    def code_at(self, when: date | None) -> str | None:
        """The CAMEO code valid at ``when`` (``None``: the current / most recent one)."""
        r = self.range_at(when)
        return r.code if r else None

    @property
    def names(self) -> tuple[str, ...]:
        """The Arabic name followed by the aliases, without exact-match markers."""
        return (self.name_ar, *(a.lstrip("=") for a in self.aliases))


def _start(r: CodeRange) -> date:
    return r.start or date.min


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a phrase stands for: a named actor (``kind="name"``), a role holder or a role
    of a country (``"role"``: «الرئيس الإيراني»), an agent of a country (``"agent"``:
    «الجيش التركي» -> ``TURMIL``) or a people (``"demonym"``: «الإيرانيون» -> ``IRN``)."""

    kind: str
    code: str | None
    actor: Actor | None = None
    country: str | None = None
    role: str | None = None
    agent: str | None = None


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a role: ``actor`` held ``role`` of ``holder_of`` from ``start`` to ``end``."""

    holder_of: str
    role: str
    actor: Actor
    start: date | None
    end: date | None

    def contains(self, when: date) -> bool:
        return (self.start is None or self.start <= when) and (
            self.end is None or when <= self.end)


# -- reading the files -------------------------------------------------------------------------

def data_dir() -> Path:
    """The folder of the shipped actor files."""
    return Path(str(resources.files("marsad").joinpath("data", "actors")))


#: shipped files in load order
SHIPPED_FILES = ("countries.tsv", "country_extra.tsv", "capitals.tsv", "actors.tsv", "places.tsv",
                 "upetrarch_actors.tsv", "role_holders.tsv", "demonyms.tsv", "agents.tsv",
                 "upetrarch_agents.tsv", "roles.tsv", "variants.tsv")


class _Source:
    """Reads one TSV file: comment lines start with ``#``, the first other line is the
    header; errors name the file and line."""

    def __init__(self, path: Path, user: bool) -> None:
        self.path = path
        self.user = user

    def error(self, line: int, detail: str) -> MarsadError:
        if self.user:
            return ActorFileError(path=str(self.path), line=line, detail=detail)
        return DataFileError(path=str(self.path), detail=f"line {line}: {detail}")

    def rows(self, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as err:
            raise self.error(0, f"cannot read it ({err})") from err
        header: list[str] | None = None
        for no, raw in enumerate(text.splitlines(), 1):
            line = raw.rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            cells = [c.strip() for c in line.split("\t")]
            if header is None:
                header = [c.lower() for c in cells]
                missing = [c for c in required if c not in header]
                if missing:
                    raise self.error(no, "the header line must name the columns "
                                     f"{', '.join(required)} (tab-separated); missing "
                                     f"{', '.join(missing)}; got {line[:80]!r}")
                continue
            if len(cells) > len(header):
                raise self.error(no, f"{len(cells)} tab-separated fields but the header has "
                                 f"{len(header)} ({', '.join(header)})")
            row = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))
            for col in required:
                if not row[col]:
                    raise self.error(no, f"empty {col!r}")
            yield no, row
        if header is None:
            raise self.error(0, "no header line (e.g. 'id<TAB>type<TAB>name_ar<TAB>codes')")


def parse_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def parse_codes(text: str) -> tuple[CodeRange, ...]:
    """``IRNGOV@2013-08-03..2021-08-03;IRNELI`` -> code ranges (``ValueError`` if bad)."""
    out: list[CodeRange] = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        code, _, span = part.partition("@")
        code = code.strip()
        if not _CODE.match(code):
            raise ValueError(f"{code!r} is not a CAMEO actor code (3-letter blocks, "
                             "upper case, e.g. IRNGOV)")
        start = end = None
        if span:
            s, sep, e = span.partition("..")
            if not sep:
                raise ValueError(f"bad date range {span!r}: write START..END (ISO dates, "
                                 "either may be empty)")
            try:
                start, end = parse_date(s.strip()), parse_date(e.strip())
            except ValueError:
                raise ValueError(f"bad date in {span!r} (use YYYY-MM-DD)") from None
            if start and end and end < start:
                raise ValueError(f"range {span!r} ends before it starts")
        out.append(CodeRange(code, start, end))
    if not out:
        raise ValueError("no code")
    return tuple(out)


def _split(cell: str) -> list[str]:
    return [a.strip() for a in cell.split("|") if a.strip()]


@dataclass(slots=True)
class _Draft:
    """An actor while the files are being read (role terms still to add)."""

    id: str
    type: str
    name_ar: str
    name_en: str | None
    aliases: list[str]
    codes: list[CodeRange]
    country: str | None
    wikidata: str | None
    source: str

    def freeze(self) -> Actor:
        return Actor(self.id, self.type, self.name_ar, self.name_en, tuple(self.aliases),
                     tuple(self.codes), self.country, self.wikidata, self.source)


@dataclass(slots=True)
class _Variants:
    words: dict[str, set[str]] = field(default_factory=dict)
    parts: list[tuple[str, str]] = field(default_factory=list)

    def of_word(self, w: str) -> list[str]:
        out = [w]
        for v in sorted(self.words.get(w, ())):
            if v not in out:
                out.append(v)
        for a, b in self.parts:
            for x in list(out):
                if a in x:
                    y = x.replace(a, b)
                    if y not in out:
                        out.append(y)
        return out

    def expand(self, forms: Sequence[str]) -> list[tuple[str, ...]]:
        choices = [self.of_word(f) for f in forms]
        out: list[tuple[str, ...]] = []
        for combo in product(*choices):
            out.append(combo)
            if len(out) >= _MAX_VARIANTS:
                break
        return out


# -- the dictionary ----------------------------------------------------------------------------

#: (actor index, exact normalised words, whether the article must be there or not: for a
#: one-word person name, ``None`` otherwise)
_NameEntry = tuple[int, tuple[str, ...] | None, bool | None]


class ActorDictionary:
    """Arabic names and phrases -> actors, agents, roles and role holders.

    Load it once with :meth:`load`; every lookup is a dictionary access on keys (see the
    module docstring). ``max_words`` is the length, in key words, of the longest name or
    phrase, for longest-match scanning with :meth:`match_at` or :meth:`resolve_at`.
    """

    def __init__(self) -> None:
        self.actors: list[Actor] = []
        self.max_words = 0
        self._by_id: dict[str, int] = {}
        self._names: dict[str, list[_NameEntry]] = {}
        self._prefixes: set[str] = set()
        self._agents: dict[str, str] = {}
        self._roles: dict[str, list[tuple[str, str | None]]] = {}
        self._role_codes: dict[str, str] = {}
        self._demonyms: dict[str, tuple[str, str]] = {}
        self._countries: dict[str, int] = {}
        self._terms: dict[tuple[str, str], list[tuple[date | None, date | None, int]]] = {}
        self._variants = _Variants()
        # word -> (its one normalised word, its matching forms); ("", ()) if not one word
        self._word_cache: dict[str, tuple[str, tuple[str, ...]]] = {}

    # -- loading ---------------------------------------------------------------------------
    @classmethod
    def load(cls, extra_files: Sequence[Path | str] = (),
             data: Path | None = None, freq: Mapping[str, int] | None = None
             ) -> ActorDictionary:
        """The shipped dictionary plus ``extra_files`` (user actor TSVs in the format of
        ``actors.tsv``; an ``id`` already known replaces that actor). ``data`` overrides the
        folder of the shipped files (for tests and rebuilds). ``freq`` is the word-frequency
        list that decides how one-word place names match (see :meth:`_index_actor`): the
        pipeline passes the one it has loaded; without it the shipped list is read."""
        if freq is None:
            freq = read_word_freq(Path(str(resources.files("marsad").joinpath(
                "data", "lexicon", "ar_wordfreq.tsv"))))
        d = cls()
        d._load(data or data_dir(), [Path(p) for p in extra_files], freq)
        return d

    def _load(self, folder: Path, extra: list[Path], freq: Mapping[str, int]) -> None:
        def src(name: str) -> _Source:
            return _Source(folder / name, user=False)

        self._read_variants(src("variants.tsv"))
        drafts: dict[str, _Draft] = {}
        self._read_countries(src("countries.tsv"), src("country_extra.tsv"), drafts)
        self._read_capitals(src("capitals.tsv"), drafts)
        for name in ("actors.tsv", "upetrarch_actors.tsv", "places.tsv"):
            self._read_actors(src(name), drafts, replace=False)
        for path in extra:
            self._read_actors(_Source(path, user=True), drafts, replace=True)
        self._read_roles(src("roles.tsv"))
        self._read_terms(src("role_holders.tsv"), drafts)
        self._read_demonyms(src("demonyms.tsv"))  # (before the names: see _index_actor)
        for i, d in enumerate(drafts.values()):
            actor = d.freeze()
            self.actors.append(actor)
            self._by_id[actor.id] = i
            if actor.type == "LOC" and actor.is_country and actor.country:
                self._countries.setdefault(actor.country, i)
            self._index_actor(i, actor, freq)
        for name in ("agents.tsv", "upetrarch_agents.tsv"):
            self._read_agents(src(name))

    def _read_variants(self, src: _Source) -> None:
        for no, row in src.rows(("kind", "a", "b")):
            a = " ".join(f for w in key_words(row["a"]) for f in word_forms(w))
            b = " ".join(f for w in key_words(row["b"]) for f in word_forms(w))
            if row["kind"] == "word":
                if " " in a or " " in b:
                    raise src.error(no, "a word variant must be one word each side")
                self._variants.words.setdefault(a, set()).add(b)
                self._variants.words.setdefault(b, set()).add(a)
            elif row["kind"] == "part":
                self._variants.parts.extend([(a, b), (b, a)])
            else:
                raise src.error(no, f"kind must be 'word' or 'part', not {row['kind']!r}")

    def _read_countries(self, src: _Source, extra: _Source, drafts: dict[str, _Draft]) -> None:
        for no, row in src.rows(("iso3", "name_ar")):
            iso3 = row["iso3"]
            if not _ISO3.match(iso3):
                raise src.error(no, f"bad ISO 3166 alpha-3 code {iso3!r}")
            drafts[f"country:{iso3}"] = _Draft(
                f"country:{iso3}", "LOC", row["name_ar"], row.get("name_en") or None,
                _split(row.get("aliases_ar", "")), [CodeRange(iso3)], iso3, None,
                row.get("source", ""))
        for no, row in extra.rows(("country",)):
            iso3 = row["country"]
            if not _ISO3.match(iso3):
                raise extra.error(no, f"bad country code {iso3!r}")
            aliases = _split(row.get("aliases_ar", ""))
            wd = row.get("wikidata") or None
            if wd and not _WIKIDATA.match(wd):
                raise extra.error(no, f"bad Wikidata id {wd!r}")
            d = drafts.get(f"country:{iso3}")
            if d is None:
                if not aliases:
                    raise extra.error(no, f"{iso3} is not in countries.tsv: give its name")
                d = drafts[f"country:{iso3}"] = _Draft(
                    f"country:{iso3}", "LOC", aliases[0].lstrip("="), None, [],
                    [CodeRange(iso3)], iso3, None, "curated")
            d.aliases.extend(a for a in aliases if a not in d.aliases and a != d.name_ar)
            d.wikidata = wd or d.wikidata

    def _read_capitals(self, src: _Source, drafts: dict[str, _Draft]) -> None:
        for no, row in src.rows(("country", "name_ar")):
            iso3 = row["country"]
            if not _ISO3.match(iso3):
                raise src.error(no, f"bad country code {iso3!r}")
            slug = re.sub(r"\W+", "_", (row.get("name_en") or "").lower()).strip("_")
            aid = f"capital:{slug or iso3}"
            drafts[aid] = _Draft(aid, "LOC", row["name_ar"], row.get("name_en") or None,
                                 _split(row.get("aliases_ar", "")), [CodeRange(iso3 + "GOV")],
                                 iso3, None, "curated capital")

    def _read_actors(self, src: _Source, drafts: dict[str, _Draft], replace: bool) -> None:
        seen: set[str] = set()
        for no, row in src.rows(("id", "name_ar", "codes")):
            aid = row["id"]
            if not _ID.match(aid):
                raise src.error(no, f"bad id {aid!r} (letters, digits, _ : . - only)")
            if aid in seen:
                raise src.error(no, f"id {aid!r} appears twice in this file")
            seen.add(aid)
            if aid in drafts and not replace:
                raise src.error(no, f"id {aid!r} is already used by another data file")
            typ = (row.get("type") or "ORG").upper()
            if typ not in ACTOR_TYPES:
                raise src.error(no, f"type must be one of {', '.join(ACTOR_TYPES)}, "
                                f"not {typ!r}")
            try:
                codes = list(parse_codes(row["codes"]))
            except ValueError as err:
                raise src.error(no, f"codes: {err}") from None
            country = row.get("country") or None
            if country and not _ISO3.match(country):
                raise src.error(no, f"country must be an ISO 3166 alpha-3 code like IRN, "
                                f"not {country!r}")
            wd = row.get("wikidata") or None
            if wd and not _WIKIDATA.match(wd):
                raise src.error(no, f"bad Wikidata id {wd!r} (like Q794)")
            if not key_words(row["name_ar"]):
                raise src.error(no, f"name_ar {row['name_ar']!r} has no letters")
            source = row.get("source") or (str(src.path.name) if src.user else "")
            drafts[aid] = _Draft(aid, typ, row["name_ar"], row.get("name_en") or None,
                                 _split(row.get("aliases_ar", "")), codes, country, wd, source)

    def _read_roles(self, src: _Source) -> None:
        for no, row in src.rows(("role", "code", "phrases_ar")):
            role, code = row["role"], row["code"]
            if role not in ROLE_KEYS:
                raise src.error(no, f"unknown role {role!r}; known: {', '.join(ROLE_KEYS)}")
            if not _CODE.match(code):
                raise src.error(no, f"bad agent code {code!r}")
            self._role_codes.setdefault(role, code)
            holder = row.get("default_holder") or None
            for phrase in _split(row["phrases_ar"]):
                for key in self._keys(phrase):
                    entries = self._roles.setdefault(key, [])
                    if (role, holder) not in entries:
                        entries.append((role, holder))

    def _read_terms(self, src: _Source, drafts: dict[str, _Draft]) -> None:
        index = {aid: i for i, aid in enumerate(drafts)}
        for no, row in src.rows(("holder_of", "role", "actor_id")):
            holder, role, aid = row["holder_of"], row["role"], row["actor_id"]
            if role not in ROLE_KEYS:
                raise src.error(no, f"unknown role {role!r}; known: {', '.join(ROLE_KEYS)}")
            person = drafts.get(aid)
            if person is None:
                raise src.error(no, f"no actor with id {aid!r}")
            try:
                start, end = parse_date(row.get("start", "")), parse_date(row.get("end", ""))
            except ValueError:
                raise src.error(no, "bad start/end date (use YYYY-MM-DD)") from None
            if start and end and end < start:
                raise src.error(no, "the term ends before it starts")
            if _ISO3.match(holder) and f"country:{holder}" in drafts:
                code = holder + self._role_codes.get(role, "GOV")
            elif holder in drafts:
                org = drafts[holder]
                code = org.freeze().code_at(start) or org.codes[0].code
            else:
                raise src.error(no, f"holder_of {holder!r} is neither a country code nor "
                                "an actor id")
            person.codes.append(CodeRange(code, start, end))
            self._terms.setdefault((holder, role), []).append((start, end, index[aid]))

    def _read_demonyms(self, src: _Source) -> None:
        for no, row in src.rows(("country",)):
            iso3 = row["country"]
            if not _ISO3.match(iso3):
                raise src.error(no, f"bad country code {iso3!r}")
            for form in ("m", "f", "pl"):
                for word in _split(row.get(form, "")):
                    for key in self._keys(word):
                        self._demonyms.setdefault(key, (iso3, form))

    def _read_agents(self, src: _Source) -> None:
        for no, row in src.rows(("code",)):
            code = row["code"]
            if not _CODE.match(code):
                raise src.error(no, f"bad agent code {code!r}")
            phrases = _split(row.get("phrases_ar", "") or row.get("phrase_ar", ""))
            if not phrases:
                raise src.error(no, "no phrase")
            for phrase in phrases:
                for key in self._keys(phrase):
                    self._agents.setdefault(key, code)

    # -- indexing ---------------------------------------------------------------------------
    def _keys(self, phrase: str) -> list[str]:
        words = key_words(phrase.lstrip("="))
        forms = [f for w in words for f in word_forms(w)]
        if not forms:
            return []
        keys = [" ".join(v) for v in self._variants.expand(forms)]
        # the entity stage matches words without their proclitics (والتنمية -> التنمية,
        # للطاقة -> الطاقة): the name's inner words without them are a key too
        bare = [f for w in words[:1] for f in word_forms(w)] + [
            f for w in words[1:] for f in word_forms(_drop_proclitic(w)) if f != "و"]
        if bare != forms:
            keys += [k for k in (" ".join(v) for v in self._variants.expand(bare))
                     if k not in keys]
        for key in keys:
            self._add_prefixes(key)
        return keys

    def _add_prefixes(self, key: str) -> None:
        words = key.split(" ")
        self.max_words = max(self.max_words, len(words))
        for n in range(1, len(words)):
            self._prefixes.add(" ".join(words[:n]))

    def _index_actor(self, i: int, actor: Actor, freq: Mapping[str, int]) -> None:
        for name in (actor.name_ar, *actor.aliases):
            exact = tuple(key_words(name[1:])) if name.startswith("=") else None
            words = key_words(name)
            # a one-word person name matches with its article as written: الشرع is not the
            # verb شرع, صدام is not الصدام ("the clash"); so does a one-word place name
            # written without the article where news writes the word so (بنين is Benin,
            # البنين "the boys"; مالي is Mali, المالي "financial"), but not a lemma that
            # news writes with the article (U-PETRARCH's بصرة for البصرة)
            article: bool | None = None
            if len(words) == 1:
                if actor.type == "PER":
                    article = words[0].startswith("ال")
                elif actor.type == "LOC" and not words[0].startswith("ال") \
                        and freq.get("ال" + words[0], 0) <= freq.get(words[0], 0):
                    article = False
            for key in self._keys(name):
                if actor.type == "LOC" and key in self._demonyms and not actor.is_country:
                    # U-PETRARCH files روماني as a place: a demonym is no place name (a
                    # country's can be: السعودية)
                    continue
                entries = self._names.setdefault(key, [])
                for k, e in enumerate(entries):
                    if e[0] == i:
                        if e[2] != article:  # written both ways: either matches
                            entries[k] = (i, e[1], None)
                        break
                else:
                    entries.append((i, exact, article))

    # -- scanning ---------------------------------------------------------------------------
    def _walk(self, words: Sequence[str], i: int
              ) -> Iterator[tuple[int, str, list[str]]]:
        """Keys that start at ``words[i]``: (index after the last word, key, the normalised
        words with a separate article token glued back on)."""
        forms: list[str] = []
        surface: list[str] = []
        article = False
        j = i
        while j < len(words) and len(forms) < self.max_words:
            raw = words[j]
            j += 1
            w, fs = self._word(raw)
            if not w:
                return  # punctuation, or something that is not one word
            if w == "ال":
                article = True
                continue
            surface.append("ال" + w if article else w)
            article = False
            forms.extend(fs)
            key = " ".join(forms)
            yield j, key, surface
            if key not in self._prefixes:
                return

    def _word(self, raw: str) -> tuple[str, tuple[str, ...]]:
        got = self._word_cache.get(raw)
        if got is None:
            parts = key_words(raw)
            got = (parts[0], word_forms(parts[0])) if len(parts) == 1 else ("", ())
            if len(self._word_cache) >= 200_000:
                self._word_cache.clear()
            self._word_cache[raw] = got
        return got

    def _name_match(self, key: str, surface: Sequence[str]) -> list[Actor]:
        out: list[Actor] = []
        for idx, exact, article in self._names.get(key, ()):
            if exact is not None and tuple(surface) != exact:
                continue
            if article is not None and len(surface) == 1 \
                    and surface[0].startswith("ال") != article:
                continue
            out.append(self.actors[idx])
        return out

    def match_at(self, words: Sequence[str], i: int) -> tuple[int, list[Actor]] | None:
        """Longest dictionary name starting at ``words[i]`` (normalised words or tokenizer
        token keys; separate ``ال`` tokens are fine): (number of words used, actors)."""
        best: tuple[int, list[Actor]] | None = None
        for j, key, surface in self._walk(words, i):
            actors = self._name_match(key, surface)
            if actors:
                best = (j - i, actors)
        return best

    @cached_property
    def first_words(self) -> frozenset[str]:
        """The first word form of every name, role, agent and demonym key: a scanner can
        skip a word whose first form (``word_forms(w)[0]``) is not in it, before calling
        :meth:`match_at` or :meth:`resolve_at` there."""
        keys = (*self._names, *self._roles, *self._agents, *self._demonyms)
        return frozenset(k.split(" ", 1)[0] for k in keys)

    def keys_by_first_word(self) -> Mapping[str, tuple[str, ...]]:
        """Name keys grouped by their first word (keys are space-joined word forms)."""
        return self._keys_by_first

    @cached_property
    def _keys_by_first(self) -> Mapping[str, tuple[str, ...]]:
        groups: dict[str, list[str]] = {}
        for k in self._names:
            groups.setdefault(k.split(" ", 1)[0], []).append(k)
        return {w: tuple(sorted(ks, key=len, reverse=True)) for w, ks in groups.items()}

    # -- lookups ----------------------------------------------------------------------------
    def _whole(self, phrase: str) -> tuple[str, list[str]] | None:
        words = key_words(phrase)
        if not words:
            return None
        last: tuple[str, list[str]] | None = None
        for j, key, surface in self._walk(words, 0):
            if j == len(words):
                last = (key, surface)
        if last is None:
            forms = [f for w in words for f in word_forms(w)]
            return " ".join(forms), words
        return last

    def lookup(self, name: str) -> list[Actor]:
        """Actors whose name or alias has the key of ``name`` (exact match on the key)."""
        whole = self._whole(name)
        if whole is None:
            return []
        return self._name_match(*whole)

    def get(self, actor_id: str) -> Actor | None:
        i = self._by_id.get(actor_id)
        return None if i is None else self.actors[i]

    def country(self, iso3: str) -> Actor | None:
        """The country actor of an ISO 3166 alpha-3 (or CAMEO country) code."""
        i = self._countries.get(iso3.upper())
        return None if i is None else self.actors[i]

    def demonym(self, word: str) -> tuple[str, str] | None:
        """``الإيرانيين`` -> (``IRN``, ``"pl"``); forms are ``m``, ``f`` and ``pl``."""
        return self._demonyms.get(match_key(word))

    def agent(self, phrase: str) -> str | None:
        """Role word or phrase -> CAMEO agent code: ``الجيش`` -> ``MIL``, ``الرئيس`` ->
        ``GOV``, ``المتظاهرون`` -> ``CVL``."""
        key = match_key(phrase)
        if key in self._agents:
            return self._agents[key]
        roles = self._roles.get(key)
        return self._role_codes[roles[0][0]] if roles else None

    def role_key(self, phrase: str) -> str | None:
        """Arabic role phrase -> role key: ``رئيس الوزراء`` -> ``prime_minister``."""
        roles = self._roles.get(match_key(phrase))
        return roles[0][0] if roles else None

    @property
    def roles(self) -> tuple[str, ...]:
        return ROLE_KEYS

    def terms(self, holder_of: str, role: str) -> list[Term]:
        """Every recorded term of ``role`` for a country code or an organisation id."""
        return [Term(holder_of, role, self.actors[i], s, e)
                for s, e, i in self._terms.get((holder_of, role), ())]

    def role_holder(self, country: str, role: str, when: date | None) -> Actor | None:
        """Who held ``role`` of ``country`` (ISO3, or an organisation id such as ``hamas``)
        at ``when`` (``None``: the current / last holder). Of overlapping terms the one that
        started last wins. Roles an organisation does not have fall back to its leader."""
        for r in (role, *_ROLE_FALLBACK.get(role, ())):
            terms = self._terms.get((country, r))
            if not terms:
                continue
            if when is None:
                current = [t for t in terms if t[1] is None]
                if current:
                    return self.actors[max(current, key=lambda t: t[0] or date.min)[2]]
                return self.actors[max(terms, key=lambda t: t[1] or date.min)[2]]
            inside = [t for t in terms if (t[0] is None or t[0] <= when)
                      and (t[1] is None or when <= t[1])]
            if inside:
                return self.actors[max(inside, key=lambda t: t[0] or date.min)[2]]
            return None
        return None

    # -- phrases ----------------------------------------------------------------------------
    def resolve(self, phrase: str, when: date | None = None) -> Resolution | None:
        """What a whole phrase stands for (see :class:`Resolution`)."""
        words = key_words(phrase)
        found = self.resolve_at(words, 0, when, whole=True)
        return found[1] if found else None

    def resolve_at(self, words: Sequence[str], i: int, when: date | None = None,
                   whole: bool = False) -> tuple[int, Resolution] | None:
        """The longest phrase at ``words[i]``: a name, a role or agent phrase optionally
        followed by a country, capital, demonym or organisation («وزير الخارجية الإيراني»,
        «الجيش التركي», «رئيس المكتب السياسي لحماس»), or a demonym. Returns (number of
        words used, resolution). With ``whole`` only a phrase using every word counts."""
        # (words used, priority, a holder is known, length of the head, resolution)
        found: list[tuple[int, int, bool, int, Resolution]] = []
        heads: list[tuple[int, str | None, list[tuple[str, str | None]]]] = []
        for j, key, surface in self._walk(words, i):
            actors = self._name_match(key, surface)
            if actors:
                a = actors[0]
                # a generic group («شرطة بلجيكي») ranks below a role or agent phrase
                found.append((j, 1 if a.type == "GRP" else 3, True, j - i,
                              Resolution("name", a.code_at(when) or a.country, a, a.country)))
            if key in self._roles or key in self._agents:
                heads.append((j, self._agents.get(key), self._roles.get(key, [])))
            if key in self._demonyms:
                iso3, _ = self._demonyms[key]
                found.append((j, 0, False, j - i,
                              Resolution("demonym", iso3, self.country(iso3), iso3)))
        # a head with the article is not the first noun of a genitive: «الملكة صوفيا» is a
        # title and a name (Queen Sofia), where «ملكة إسبانيا» is the queen of Spain
        definite = words[i].startswith("ال")  # (also a separate article token)
        for j, agent_code, roles in heads:
            for k, tail in self._tails(words, j, places=not definite):
                for role, _default in roles:
                    res = self._role_resolution(role, tail, when)
                    found.append((k, 2, res.actor is not None, j - i, res))
                if agent_code and not roles:
                    res = self._agent_resolution(agent_code, tail, when)
                    found.append((k, 1, False, j - i, res))
            for role, default in roles:
                res = self._role_resolution(role, default, when)
                found.append((j, 2, res.actor is not None, j - i, res))
            if agent_code:
                found.append((j, 1, False, j - i,
                              Resolution("agent", agent_code, agent=agent_code)))
        if whole:
            found = [f for f in found if f[0] == len(words)]
        if not found:
            return None
        best = max(found, key=lambda f: f[:4])
        return best[0] - i, best[4]

    def _tails(self, words: Sequence[str], j: int, places: bool = True
               ) -> Iterator[tuple[int, str | Actor]]:
        """Countries (ISO3) or organisations that can follow a head at ``words[j]``
        (with ``places`` false, a place name counts only after the preposition ل)."""
        starts: list[tuple[int, Sequence[str]]] = [(j, words)]
        if j < len(words):
            w = key_words(words[j])
            if w == ["ل"]:  # the tokenizer's clitic: لـ«حماس», ل + حماس
                starts.append((j + 1, words))
            elif len(w) == 1 and w[0].startswith("ل") and len(w[0]) > 2:
                # لحماس -> حماس; للأمم -> الأمم (the article's alef is dropped after ل)
                rest = "ال" + w[0][2:] if w[0].startswith("لل") else w[0][1:]
                starts.append((j, [*words[:j], rest, *words[j + 1:]]))
        for n, (start, seq) in enumerate(starts):
            for k, key, surface in self._walk(seq, start):
                if key in self._demonyms:
                    yield k, self._demonyms[key][0]
                for a in self._name_match(key, surface):
                    if a.type == "LOC" and a.country and (places or n > 0):
                        yield k, a.country
                    elif a.type in ("ORG", "GRP"):
                        yield k, a

    def _role_resolution(self, role: str, holder: str | Actor | None,
                         when: date | None) -> Resolution:
        code = self._role_codes.get(role, "GOV")
        if holder is None:
            return Resolution("role", code, role=role, agent=code)
        if isinstance(holder, Actor):
            person = self.role_holder(holder.id, role, when)
            if person is not None:
                return Resolution("role", person.code_at(when) or holder.code_at(when), person,
                                  person.country or holder.country, role, code)
            return Resolution("role", holder.code_at(when), None, holder.country, role, code)
        person = self.role_holder(holder, role, when)
        if person is not None:
            return Resolution("role", person.code_at(when) or holder + code, person, holder,
                              role, code)
        return Resolution("role", holder + code, None, holder, role, code)

    @staticmethod
    def _agent_resolution(code: str, holder: str | Actor, when: date | None) -> Resolution:
        if isinstance(holder, Actor):
            return Resolution("agent", holder.code_at(when), holder, holder.country, None, code)
        return Resolution("agent", holder + code, None, holder, None, code)

    # -- search -----------------------------------------------------------------------------
    def search(self, query: str, limit: int = 20) -> list[Actor]:
        """Actors whose Arabic or English name or alias equals, starts with or contains
        ``query`` (in that order; curated entries before the Universal-PETRARCH ones)."""
        q_ar = match_key(query)
        q_en = " ".join(query.lower().split())
        if not q_ar and not q_en:
            return []
        scored: list[tuple[int, int, int, int]] = []
        for i, a in enumerate(self.actors):
            best = 9
            for name in a.names:
                k = match_key(name)
                if not k or not q_ar:
                    continue
                best = min(best, 0 if k == q_ar else 1 if k.startswith(q_ar)
                           else 2 if q_ar in k else 9)
            if a.name_en and q_en:
                en = a.name_en.lower()
                best = min(best, 0 if en == q_en else 1 if en.startswith(q_en)
                           else 2 if q_en in en else 9)
            if best < 9:
                rank = 1 if a.source.startswith("upetrarch") else 0
                scored.append((best, rank, len(a.name_ar), i))
        scored.sort()
        return [self.actors[i] for *_, i in scored[:limit]]

    def __len__(self) -> int:
        return len(self.actors)

    def __iter__(self) -> Iterator[Actor]:
        return iter(self.actors)
