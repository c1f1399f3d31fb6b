"""Score marsad output against gold annotations (``marsad.gold/1``, see the shared
``gold/GUIDELINES.md``).

:func:`find_gold_files` lists gold files, :func:`load_gold` reads and checks one, and
:func:`evaluate` runs a caller-supplied ``analyze(input_path) -> marsad.article/1 dict``
on the input of every gold file and compares the dicts. Scores are micro-averaged over all
gold files; the :class:`Report` renders as JSON or as a plain-text table.

Matching is tolerant in the way the guidelines describe: names and quote texts are
compared by :func:`match_key` (the normalisation key of :mod:`marsad.text.normalize`,
with punctuation and quotation marks dropped and spaces squeezed), and a leading
proclitic (و ف then ب ل ك) may be present or absent on either side.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal, NoReturn

from .errors import GoldError
from .text.normalize import normalize_key

__all__ = [
    "GOLD_SCHEMA",
    "PART_NAMES",
    "DocResult",
    "Gold",
    "GoldEntity",
    "GoldEvent",
    "GoldQuote",
    "GoldStructure",
    "Part",
    "Report",
    "evaluate",
    "find_gold_files",
    "load_gold",
    "match_key",
    "score_document",
]

GOLD_SCHEMA = "marsad.gold/1"
REPORT_SCHEMA = "marsad.eval/1"
GOLD_SUFFIX = ".gold.json"

#: entity types that are scored; ``GRP`` and ``MISC`` are never scored (guidelines)
SCORED_TYPES = frozenset({"PER", "ORG", "LOC"})
QUOTE_KINDS = frozenset({"direct", "indirect", "mixed"})
#: share of the gold quote's tokens a system quote must contain when the gold text is
#: not a substring of it
QUOTE_TOKEN_SHARE = 0.6

PART_NAMES = (
    "structure", "published", "entities", "entities_typed", "quotes", "quote_speakers",
    "not_quotes", "events", "events_root",
)

PartKind = Literal["match", "check", "count"]
Json = dict[str, Any]


# --------------------------------------------------------------------------- gold model


@dataclass(frozen=True, slots=True)
class GoldEntity:
    type: str
    names: tuple[str, ...]
    required: bool = True
    country: str | None = None


@dataclass(frozen=True, slots=True)
class GoldQuote:
    speaker: tuple[str, ...]
    kind: str
    contains: str
    required: bool = True


@dataclass(frozen=True, slots=True)
class GoldEvent:
    source: tuple[str, ...]
    #: ``None``: the event has no target
    target: tuple[str, ...] | None
    #: most specific code first, then acceptable alternatives
    cameo: tuple[str, ...]
    required: bool = True
    note: str = ""


@dataclass(frozen=True, slots=True)
class GoldStructure:
    """The layout a raw input must be recovered to. Only the keys in ``present`` are
    checked (``subheadline: null`` in the file means "there must be none")."""

    present: frozenset[str]
    headline: str | None = None
    subheadline: str | None = None
    body_paragraphs: int | None = None
    body_starts_with: str | None = None
    body_ends_with: str | None = None
    removed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Gold:
    """One gold file. ``input_path`` is the article it annotates, resolved on disk."""

    path: Path
    doc: str
    input_path: Path
    published: str | None = None
    structure: GoldStructure | None = None
    entities: tuple[GoldEntity, ...] = ()
    quotes: tuple[GoldQuote, ...] = ()
    not_quotes: tuple[str, ...] = ()
    events: tuple[GoldEvent, ...] = ()
    note: str | None = None


# --------------------------------------------------------------------------- gold files


def find_gold_files(paths: Sequence[str]) -> list[Path]:
    """Gold files named by ``paths``: a file is taken as it is, a directory is searched
    recursively for ``*.gold.json``. The result is sorted and without duplicates; it is
    empty when the directories hold no gold files."""
    found: set[Path] = set()
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.update(p for p in path.rglob("*" + GOLD_SUFFIX) if p.is_file())
        elif path.is_file():
            found.add(path)
        else:
            raise GoldError(path=name, detail="no such file or directory")
    return sorted(found)


def load_gold(path: Path) -> Gold:
    """Read and check one gold file and find its input: ``doc`` is resolved against the
    gold file's directory and then each directory above it, nearest first."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise GoldError(path=str(path), detail=f"cannot read it ({err})") from err
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise GoldError(path=str(path), detail=f"not valid JSON ({err})") from err
    reader = _Reader(path)
    top = reader.obj(data, "the file")
    schema = top.get("schema")
    if schema != GOLD_SCHEMA:
        reader.fail(f"schema is {schema!r}, expected {GOLD_SCHEMA!r}")
    doc = reader.text(top.get("doc"), "doc")
    published = reader.opt_text(top.get("published"), "published")
    if published is not None:
        try:
            date.fromisoformat(published)
        except ValueError:
            reader.fail(f"published {published!r} is not a YYYY-MM-DD date")
    structure = None
    if top.get("structure") is not None:
        structure = reader.structure(top["structure"])
    return Gold(
        path=path,
        doc=doc,
        input_path=_resolve_input(path, doc),
        published=published,
        structure=structure,
        entities=tuple(reader.entity(e, f"entities[{i}]")
                       for i, e in enumerate(reader.array(top.get("entities", []), "entities"))),
        quotes=tuple(reader.quote(q, f"quotes[{i}]")
                     for i, q in enumerate(reader.array(top.get("quotes", []), "quotes"))),
        not_quotes=reader.names(top.get("not_quotes", []), "not_quotes", allow_empty=True),
        events=tuple(reader.event(e, f"events[{i}]")
                     for i, e in enumerate(reader.array(top.get("events", []), "events"))),
        note=reader.opt_text(top.get("note"), "note"),
    )


def _resolve_input(path: Path, doc: str) -> Path:
    rel = Path(doc)
    if rel.is_absolute():
        if rel.is_file():
            return rel
    else:
        for ancestor in path.resolve().parents:
            candidate = ancestor / rel
            if candidate.is_file():
                return candidate
    raise GoldError(path=str(path), detail=(
        f"its input doc={doc!r} was not found in the gold file's directory or any directory "
        "above it. Keep gold files inside the shared/ tree, or fix 'doc' (a path relative "
        "to shared/)"))


class _Reader:
    """Type checks for one gold file; every failure names the file and the field."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, detail: str) -> NoReturn:
        raise GoldError(path=str(self.path), detail=detail)

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(f"{where} must be a JSON object")
        return value

    def array(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            self.fail(f"{where} must be a list")
        return value

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where} must be a non-empty string")
        return value

    def opt_text(self, value: Any, where: str) -> str | None:
        return None if value is None else self.text(value, where)

    def flag(self, value: Any, where: str) -> bool:
        if value is None:
            return True
        if not isinstance(value, bool):
            self.fail(f"{where} must be true or false")
        return value

    def names(self, value: Any, where: str, *, allow_empty: bool = False) -> tuple[str, ...]:
        items = self.array(value, where)
        if not items and not allow_empty:
            self.fail(f"{where} must list at least one name")
        return tuple(self.text(v, f"{where}[{i}]") for i, v in enumerate(items))

    def structure(self, value: Any) -> GoldStructure:
        block = self.obj(value, "structure")
        count = block.get("body_paragraphs")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)
                                  or count < 0):
            self.fail("structure.body_paragraphs must be a non-negative integer")
        return GoldStructure(
            present=frozenset(block),
            headline=self.opt_text(block.get("headline"), "structure.headline"),
            subheadline=self.opt_text(block.get("subheadline"), "structure.subheadline"),
            body_paragraphs=count,
            body_starts_with=self.opt_text(block.get("body_starts_with"),
                                           "structure.body_starts_with"),
            body_ends_with=self.opt_text(block.get("body_ends_with"),
                                         "structure.body_ends_with"),
            removed=self.names(block.get("removed", []), "structure.removed", allow_empty=True),
        )

    def entity(self, value: Any, where: str) -> GoldEntity:
        item = self.obj(value, where)
        etype = item.get("type")
        if etype not in SCORED_TYPES:
            self.fail(f"{where}.type is {etype!r}; gold entities are PER, ORG or LOC")
        return GoldEntity(type=str(etype), names=self.names(item.get("names"), f"{where}.names"),
                          required=self.flag(item.get("required"), f"{where}.required"),
                          country=self.opt_text(item.get("country"), f"{where}.country"))

    def quote(self, value: Any, where: str) -> GoldQuote:
        item = self.obj(value, where)
        kind = item.get("kind")
        if kind not in QUOTE_KINDS:
            self.fail(f"{where}.kind is {kind!r}; expected direct, indirect or mixed")
        contains = self.text(item.get("contains"), f"{where}.contains")
        if not match_key(contains):
            self.fail(f"{where}.contains has no letters or digits")
        return GoldQuote(speaker=self.names(item.get("speaker"), f"{where}.speaker"),
                         kind=str(kind), contains=contains,
                         required=self.flag(item.get("required"), f"{where}.required"))

    def event(self, value: Any, where: str) -> GoldEvent:
        item = self.obj(value, where)
        cameo = self.names(item.get("cameo"), f"{where}.cameo")
        for code in cameo:
            if not (code.isascii() and code.isdigit() and 2 <= len(code) <= 4):
                self.fail(f"{where}.cameo has {code!r}; CAMEO codes are 2 to 4 digits")
        target = item.get("target")
        return GoldEvent(
            source=self.names(item.get("source"), f"{where}.source"),
            target=None if target is None else self.names(target, f"{where}.target"),
            cameo=cameo,
            required=self.flag(item.get("required"), f"{where}.required"),
            note=self.opt_text(item.get("note"), f"{where}.note") or "",
        )


# --------------------------------------------------------------------------- normalising

_DROPPED = frozenset("\"'`")  # quotation marks that are not in a P[ifse] category
_PROCLITIC_CONJ = "وف"
_PROCLITIC_PREP = "بلك"


def _key_view(text: str) -> tuple[str, list[int]]:
    """:func:`match_key` of ``text`` plus, for each key character, the index of the text
    character it came from."""
    chars: list[str] = []
    starts: list[int] = []
    for i, raw_ch in enumerate(text):
        for ch in normalize_key(raw_ch):
            cat = unicodedata.category(ch)
            if cat[0] in "LN":
                chars.append(ch)
                starts.append(i)
            elif ch in _DROPPED or cat in ("Pi", "Pf", "Ps", "Pe") or cat[0] == "M":
                continue  # quotation marks and brackets hug words: drop them
            elif chars and chars[-1] != " ":  # spaces, other punctuation, symbols
                chars.append(" ")
                starts.append(i)
    if chars and chars[-1] == " ":
        chars.pop()
        starts.pop()
    return "".join(chars), starts


def match_key(text: str) -> str:
    """The string that gold and system texts are compared by: ``normalize_key`` (alef
    forms, ى, ة, tashkeel, tatweel...), then punctuation and quotation marks dropped and
    spaces squeezed. ``لـ«حركة حماس»`` becomes ``لحركه حماس``."""
    return _key_view(text)[0]


def _variants(key: str) -> frozenset[str]:
    """``key`` with and without a leading proclitic: و/ف, then ب/ل/ك (``لل`` before a
    noun with the article is ``ل`` + ``ال``). The article ``ال`` itself is kept."""
    forms = {key}
    stems = [key]
    if key[:1] in _PROCLITIC_CONJ and len(key) > 2:
        stems.append(key[1:])
    for stem in list(stems):
        if stem[:1] in _PROCLITIC_PREP and len(stem) > 2:
            stems.append(stem[1:])
            if stem.startswith("لل") and len(stem) > 3:
                stems.append("ال" + stem[2:])
    forms.update(stems)
    return frozenset(f for f in forms if f.strip())


def _name_keys(names: Iterable[str]) -> frozenset[str]:
    keys: set[str] = set()
    for name in names:
        key = match_key(name)
        if key:
            keys.update(_variants(key))
    return frozenset(keys)


def _names_match(system: frozenset[str], gold: frozenset[str], *, suffix: bool) -> bool:
    """Whether a system actor (its name keys) names the gold actor. With ``suffix``, one
    name may also be the last tokens of the other (``سليماني`` / ``قاسم سليماني``,
    ``الرئيس الإيراني حسن روحاني`` / ``حسن روحاني``)."""
    if system & gold:
        return True
    if not suffix:
        return False
    for s in system:
        s_tokens = s.split()
        for g in gold:
            g_tokens = g.split()
            short, long_ = sorted((s_tokens, g_tokens), key=len)
            if short and long_[len(long_) - len(short):] == short:
                return True
    return False


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


# --------------------------------------------------------------------------- report model


@dataclass(frozen=True, slots=True)
class Part:
    """Counts for one part of the evaluation.

    ``kind`` ``match``: ``tp`` system items matching a required gold item, ``fp`` system
    items matching no gold item, ``fn`` required gold items not found; ``predicted`` is
    the number of system items, ``ignored`` those that matched an optional gold item
    (neither TP nor FP). ``check``: ``tp`` checks passed, ``fn`` checks failed.
    ``count``: ``fp`` is a number of errors (``not_quotes``)."""

    name: str
    kind: PartKind
    tp: int = 0
    fp: int = 0
    fn: int = 0
    predicted: int = 0
    ignored: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Part) -> Part:
        if (other.name, other.kind) != (self.name, self.kind):
            raise ValueError(f"cannot add part {other.name} to part {self.name}")
        return replace(self, tp=self.tp + other.tp, fp=self.fp + other.fp,
                       fn=self.fn + other.fn, predicted=self.predicted + other.predicted,
                       ignored=self.ignored + other.ignored)

    def to_json(self) -> Json:
        out: Json = {"kind": self.kind, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                     "predicted": self.predicted, "ignored": self.ignored,
                     "gold": self.tp + self.fn}
        if self.kind != "count":
            out.update(precision=round(self.precision, 4), recall=round(self.recall, 4),
                       f1=round(self.f1, 4))
        return out


@dataclass(frozen=True, slots=True)
class DocResult:
    """The scores of one gold file; ``notes`` say what was missed or wrong."""

    gold: Path
    input: Path
    parts: tuple[Part, ...]
    notes: tuple[str, ...] = ()

    def part(self, name: str) -> Part:
        return _find_part(self.parts, name)

    def to_json(self) -> Json:
        return {"gold": str(self.gold), "input": str(self.input),
                "parts": {p.name: p.to_json() for p in self.parts}, "notes": list(self.notes)}


@dataclass(frozen=True, slots=True)
class Report:
    """Micro-averaged ``parts`` over all ``docs``."""

    parts: tuple[Part, ...]
    docs: tuple[DocResult, ...] = field(default=())

    def part(self, name: str) -> Part:
        return _find_part(self.parts, name)

    def to_json(self) -> Json:
        return {"schema": REPORT_SCHEMA, "documents": len(self.docs),
                "parts": {p.name: p.to_json() for p in self.parts},
                "docs": [d.to_json() for d in self.docs]}

    def format(self, *, per_doc: bool = False, notes: bool = False) -> str:
        """A plain-text table, one row per part; with ``per_doc`` a line per gold file
        (``TP/FP/FN`` per part), with ``notes`` also what each file missed."""
        lines = [f"{len(self.docs)} gold file(s)",
                 f"{'part':<16}{'TP':>6}{'FP':>6}{'FN':>6}{'pred':>6}"
                 f"{'P':>8}{'R':>8}{'F1':>8}"]
        lines += [_format_row(p) for p in self.parts]
        if per_doc or notes:
            for doc in self.docs:
                counts = "  ".join(_format_counts(p) for p in doc.parts)
                lines.append(f"{doc.gold}: {counts}")
                if notes:
                    lines += [f"    {n}" for n in doc.notes]
        return "\n".join(lines)


def _find_part(parts: Sequence[Part], name: str) -> Part:
    for p in parts:
        if p.name == name:
            return p
    raise KeyError(name)


def _format_row(p: Part) -> str:
    head = f"{p.name:<16}"
    if p.kind == "count":
        return (f"{head}{'-':>6}{p.fp:>6}{'-':>6}{p.predicted:>6}{'-':>8}{'-':>8}{'-':>8}"
                f"  ({p.fp} system quote(s) are gold not_quotes: errors)")
    pred = "-" if p.kind == "check" else str(p.predicted)
    row = (f"{head}{p.tp:>6}{p.fp:>6}{p.fn:>6}{pred:>6}"
           f"{p.precision:>8.3f}{p.recall:>8.3f}{p.f1:>8.3f}")
    if p.kind == "check":
        return row + f"  ({p.tp}/{p.tp + p.fn} checks passed)"
    extra = []
    if p.predicted == 0:
        extra.append("0 predicted")
    if p.ignored:
        extra.append(f"{p.ignored} matched optional gold")
    return row + (f"  ({'; '.join(extra)})" if extra else "")


def _format_counts(p: Part) -> str:
    if p.kind == "count":
        return f"{p.name} {p.fp}"
    if p.kind == "check":
        return f"{p.name} {p.tp}/{p.tp + p.fn}"
    return f"{p.name} {p.tp}/{p.fp}/{p.fn}"


# --------------------------------------------------------------------------- evaluation


def evaluate(gold_paths: Sequence[Path],
             analyze: Callable[[Path], dict[str, Any]]) -> Report:
    """Load every gold file, run ``analyze`` on its input and score the returned
    ``marsad.article/1`` dict. Errors from ``analyze`` propagate unchanged."""
    docs = []
    for path in gold_paths:
        gold = load_gold(path)
        docs.append(score_document(gold, analyze(gold.input_path)))
    return Report(parts=_sum_parts(d.parts for d in docs), docs=tuple(docs))


def score_document(gold: Gold, output: Mapping[str, Any]) -> DocResult:
    """Compare one system output dict with its gold."""
    notes: list[str] = []
    ctx = _Output(output)
    parts = (
        _score_structure(gold, ctx, notes),
        _score_published(gold, ctx, notes),
        *_score_entities(gold, ctx, notes),
        *_score_quotes(gold, ctx, notes),
        *_score_events(gold, ctx, notes),
    )
    return DocResult(gold=gold.path, input=gold.input_path, parts=parts, notes=tuple(notes))


def _sum_parts(per_doc: Iterable[tuple[Part, ...]]) -> tuple[Part, ...]:
    totals = {name: Part(name, _PART_KINDS[name]) for name in PART_NAMES}
    for parts in per_doc:
        for p in parts:
            totals[p.name] = totals[p.name] + p
    return tuple(totals.values())


_PART_KINDS: dict[str, PartKind] = {
    "structure": "check", "published": "check", "entities": "match",
    "entities_typed": "match", "quotes": "match", "quote_speakers": "match",
    "not_quotes": "count", "events": "match", "events_root": "match",
}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


class _Output:
    """The system output dict with the lookups the scorers need; missing or malformed
    layers count as empty."""

    def __init__(self, output: Mapping[str, Any]) -> None:
        self.data = output
        self.text = _str(output.get("text"))
        self.entities = _dicts(output.get("entities"))
        self.by_id = {e["id"]: e for e in self.entities if isinstance(e.get("id"), str)}
        self.quotes = _dicts(output.get("quotes"))
        self.events = _dicts(output.get("events"))
        self._text_key: tuple[str, list[int]] | None = None

    def entity_forms(self, entity: Mapping[str, Any]) -> list[str]:
        forms = [_str(entity.get("name"))]
        forms += [_str(m.get("text")) for m in _dicts(entity.get("mentions"))]
        return [f for f in forms if f]

    def actor(self, entity_id: Any, text: Any) -> tuple[frozenset[str], bool]:
        """Name keys of an actor given by entity id and/or text, and whether the suffix
        rule may apply (not for places: ``القدس`` does not name ``سرايا القدس``)."""
        forms = [_str(text)]
        suffix = True
        entity = self.by_id.get(entity_id) if isinstance(entity_id, str) else None
        if entity is not None:
            forms += self.entity_forms(entity)
            suffix = entity.get("type") != "LOC"
        return _name_keys(f for f in forms if f), suffix

    def find_spans(self, key: str) -> list[tuple[int, int]]:
        """Text spans whose match key is ``key``."""
        if self._text_key is None:
            self._text_key = _key_view(self.text)
        text_key, starts = self._text_key
        spans = []
        at = text_key.find(key)
        while key and at >= 0:
            spans.append((starts[at], starts[at + len(key) - 1] + 1))
            at = text_key.find(key, at + 1)
        return spans


def _assign(golds_required: Sequence[bool], edges: Sequence[Sequence[int]]) -> dict[int, int]:
    """Gold index -> system index, one to one: a maximum matching for the required gold
    items first (so that a system item is not spent on an optional one), then grown to
    cover optional ones too (fewest system items left unmatched). ``edges[g]`` lists the
    system items gold ``g`` accepts, preferred first."""
    owner: dict[int, int] = {}  # system -> gold

    def augment(g: int, seen: set[int]) -> bool:
        for s in edges[g]:
            if s in seen:
                continue
            seen.add(s)
            if s not in owner or augment(owner[s], seen):
                owner[s] = g
                return True
        return False

    for g, required in enumerate(golds_required):
        if required:
            augment(g, set())
    # augmenting paths never unmatch a gold item, so the optional ones can still re-route
    # required matches to free system items
    for g, required in enumerate(golds_required):
        if not required:
            augment(g, set())
    return {g: s for s, g in owner.items()}


def _match_part(name: str, required: Sequence[bool], n_system: int,
                assignment: Mapping[int, int]) -> Part:
    tp = sum(1 for g in assignment if required[g])
    ignored = len(assignment) - tp
    return Part(name, "match", tp=tp, fp=n_system - len(assignment),
                fn=sum(required) - tp, predicted=n_system, ignored=ignored)


def _score_structure(gold: Gold, out: _Output, notes: list[str]) -> Part:
    part = Part("structure", "check")
    st = gold.structure
    if st is None:
        return part
    data = out.data
    body = [_collapse(_str(b.get("text"))) for b in _dicts(data.get("body"))]
    removed = [_collapse(_str(r.get("text"))) for r in _dicts(data.get("removed"))]
    checks: list[tuple[str, bool]] = []
    for key in ("headline", "subheadline"):
        if key in st.present:
            want, got = _collapse(getattr(st, key)), _collapse(_str(data.get(key)))
            checks.append((f"{key} is {got!r}, expected {want!r}", want == got))
    if st.body_paragraphs is not None:
        checks.append((f"{len(body)} body paragraphs, expected {st.body_paragraphs}",
                       len(body) == st.body_paragraphs))
    if st.body_starts_with is not None:
        want = _collapse(st.body_starts_with)
        checks.append((f"body does not start with {want!r}",
                       bool(body) and body[0].startswith(want)))
    if st.body_ends_with is not None:
        want = _collapse(st.body_ends_with)
        checks.append((f"body does not end with {want!r}",
                       bool(body) and body[-1].endswith(want)))
    for line in st.removed:
        want = _collapse(line)
        in_removed = any(want in r for r in removed)
        in_body = any(want in b for b in body)
        problem = "is not in removed" if not in_removed else "is still in the body"
        checks.append((f"line {want!r} {problem}", in_removed and not in_body))
    notes += [f"structure: {what}" for what, ok in checks if not ok]
    passed = sum(ok for _, ok in checks)
    return replace(part, tp=passed, fn=len(checks) - passed)


def _score_published(gold: Gold, out: _Output, notes: list[str]) -> Part:
    if gold.published is None:
        return Part("published", "check")
    got = out.data.get("published")
    if got == gold.published:
        return Part("published", "check", tp=1)
    notes.append(f"published: {got!r}, expected {gold.published!r}")
    return Part("published", "check", fn=1)


def _score_entities(gold: Gold, out: _Output, notes: list[str]) -> tuple[Part, Part]:
    system = [e for e in out.entities if e.get("type") in SCORED_TYPES]
    sys_keys = [_name_keys(out.entity_forms(e)) for e in system]
    gold_keys = [_name_keys(g.names) for g in gold.entities]
    required = [g.required for g in gold.entities]
    parts = []
    for name, typed in (("entities", False), ("entities_typed", True)):
        edges = []
        for g, keys in zip(gold.entities, gold_keys, strict=True):
            same = [i for i, sk in enumerate(sys_keys)
                    if system[i].get("type") == g.type and sk & keys]
            other = [] if typed else [i for i, sk in enumerate(sys_keys)
                                      if system[i].get("type") != g.type and sk & keys]
            edges.append(same + other)  # the right type first
        assignment = _assign(required, edges)
        if typed:
            notes += [f"entities: missed {g.type} {g.names[0]}"
                      for i, g in enumerate(gold.entities)
                      if g.required and i not in assignment]
            used = set(assignment.values())
            notes += [f"entities: spurious {e.get('type')} {_str(e.get('name'))}"
                      for i, e in enumerate(system) if i not in used]
        parts.append(_match_part(name, required, len(system), assignment))
    return parts[0], parts[1]


def _score_quotes(gold: Gold, out: _Output, notes: list[str]) -> tuple[Part, Part, Part]:
    system = out.quotes
    sys_text = [_str(q.get("text")) or _span_text(out.text, q) for q in system]
    sys_keys = [match_key(t) for t in sys_text]
    sys_tokens = [frozenset(k.split()) for k in sys_keys]
    sys_spans = [_span(q) for q in system]
    sys_speakers = [out.actor(q.get("speaker"), q.get("speaker_text")) for q in system]
    required = [g.required for g in gold.quotes]
    right_speaker: dict[tuple[int, int], bool] = {}
    edges = []
    for gi, g in enumerate(gold.quotes):
        key = match_key(g.contains)
        tokens = key.split()
        gold_spans = out.find_spans(key)
        speaker_keys = _name_keys(g.speaker)
        good: list[int] = []
        other: list[int] = []
        for si in range(len(system)):
            if not _quote_matches(key, tokens, gold_spans, sys_keys[si], sys_tokens[si],
                                  sys_spans[si]):
                continue
            keys, suffix = sys_speakers[si]
            right_speaker[gi, si] = _names_match(keys, speaker_keys, suffix=suffix)
            (good if right_speaker[gi, si] else other).append(si)
        edges.append(good + other)  # the right speaker first
    assignment = _assign(required, edges)
    quotes = _match_part("quotes", required, len(system), assignment)
    notes += [f"quotes: missed «{g.contains}»" for i, g in enumerate(gold.quotes)
              if g.required and i not in assignment]

    # speakers: among matched quotes, a wrong speaker is an FP (when one was given) and an
    # FN; a missing speaker is an FN
    right = wrong_given = wrong = 0
    for gi, si in assignment.items():
        if right_speaker[gi, si]:
            right += 1
            continue
        wrong += 1
        given = bool(sys_speakers[si][0])
        wrong_given += given
        got = _str(system[si].get("speaker_text")) or _str(system[si].get("speaker"))
        notes.append(f"quote_speakers: «{gold.quotes[gi].contains}» attributed to "
                     f"{got or 'nobody'}, expected {gold.quotes[gi].speaker[0]}")
    speakers = Part("quote_speakers", "match", tp=right, fp=wrong_given, fn=wrong,
                    predicted=right + wrong_given)

    not_quote_keys = _name_keys(gold.not_quotes)
    bad = [t for t, k in zip(sys_text, sys_keys, strict=True)
           if k and _variants(k) & not_quote_keys]
    notes += [f"not_quotes: «{t}» is not a quote" for t in bad]
    not_quotes = Part("not_quotes", "count", fp=len(bad), predicted=len(system))
    return quotes, speakers, not_quotes


def _span(item: Mapping[str, Any]) -> tuple[int, int] | None:
    start, end = item.get("start"), item.get("end")
    if isinstance(start, int) and isinstance(end, int):
        return start, end
    return None


def _span_text(text: str, item: Mapping[str, Any]) -> str:
    span = _span(item)
    return text[span[0]:span[1]] if span else ""


def _quote_matches(gold_key: str, gold_tokens: Sequence[str],
                   gold_spans: Sequence[tuple[int, int]], sys_key: str,
                   sys_tokens: frozenset[str], sys_span: tuple[int, int] | None) -> bool:
    """The gold ``contains`` is inside the system quote; or enough of its tokens are and,
    when both can be placed in the text, the two overlap."""
    if gold_key in sys_key:
        return True
    shared = sum(1 for t in gold_tokens if t in sys_tokens)
    if not gold_tokens or shared < QUOTE_TOKEN_SHARE * len(gold_tokens):
        return False
    if not gold_spans or sys_span is None:
        return True
    return any(s < sys_span[1] and sys_span[0] < e for s, e in gold_spans)


def _score_events(gold: Gold, out: _Output, notes: list[str]) -> tuple[Part, Part]:
    system = out.events
    codes = [_str(e.get("cameo")).strip() for e in system]
    sources = [_event_actor(out, e.get("source")) for e in system]
    targets = [_event_actor(out, e.get("target")) for e in system]
    required = [g.required for g in gold.events]
    parts = []
    for name, by_root in (("events", False), ("events_root", True)):
        edges = []
        for g in gold.events:
            source_keys = _name_keys(g.source)
            target_keys = None if g.target is None else _name_keys(g.target)
            cands = []
            for si, code in enumerate(codes):
                exact = code in g.cameo
                if not exact and not (by_root and code[:2] == g.cameo[0][:2] and code):
                    continue
                if not _actor_matches(sources[si], source_keys):
                    continue
                if target_keys is None:
                    if targets[si] is not None:
                        continue
                elif not _actor_matches(targets[si], target_keys):
                    continue
                cands.append((not exact, si))
            edges.append([si for _, si in sorted(cands)])
        assignment = _assign(required, edges)
        if not by_root:
            for i, g in enumerate(gold.events):
                if g.required and i not in assignment:
                    target = g.target[0] if g.target else "-"
                    notes.append(f"events: missed {g.cameo[0]} {g.source[0]} → {target}"
                                 + (f" ({g.note})" if g.note else ""))
            used = set(assignment.values())
            notes += [f"events: spurious {codes[i]} {_actor_label(e.get('source'))} → "
                      f"{_actor_label(e.get('target'))}"
                      for i, e in enumerate(system) if i not in used]
        parts.append(_match_part(name, required, len(system), assignment))
    return parts[0], parts[1]


Actor = tuple[frozenset[str], bool]


def _event_actor(out: _Output, value: Any) -> Actor | None:
    if not isinstance(value, dict):
        return None
    keys, suffix = out.actor(value.get("entity"), value.get("text"))
    # an argument with neither text nor a known entity is no argument
    return (keys, suffix) if keys or value.get("entity") is not None else None


def _actor_matches(actor: Actor | None, gold_keys: frozenset[str]) -> bool:
    return actor is not None and _names_match(actor[0], gold_keys, suffix=actor[1])


def _actor_label(value: Any) -> str:
    if not isinstance(value, dict):
        return "-"
    return _str(value.get("text")) or _str(value.get("entity")) or "?"
