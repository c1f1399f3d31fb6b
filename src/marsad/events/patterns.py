"""The event pattern dictionary (``data/events/patterns.tsv``) and the code tables
(``cameo.tsv``, ``geo.tsv``), loaded once per pipeline.

Pattern forms are tokenized with the pipeline's own tokenizer, so that a form matches the
tokens of the text exactly as the ``tokens`` stage splits them (proclitics and ``ال`` off,
normalised keys); the definite article is skipped on both sides."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataFileError
from ..text import Tokenizer

#: trigger kinds, from the form's last character
VERB, NOUN, HAL, EVAL = "verb", "noun", "hal", "eval"
_KIND_MARK = {"*": NOUN, "~": HAL, "^": EVAL}
#: the ``cameo`` column value of a speech frame
SAY = "say"


@dataclass(frozen=True, slots=True)
class Pattern:
    id: str
    cameo: str
    #: alternatives of token-key sequences, one of which must follow the trigger
    with_: tuple[tuple[str, ...], ...]
    #: where the target is: "obj", "subj" (the subject undergoes it: خضع للتحقيق),
    #: prepositions (keys), "bin" (بين X و Y); empty: no target
    target: tuple[str, ...]
    target_optional: bool
    note: str
    line: int
    #: entity types the source must have (empty: any actor)
    source_types: tuple[str, ...] = ()

    @property
    def is_frame(self) -> bool:
        return self.cameo == SAY


@dataclass(frozen=True, slots=True)
class Form:
    """One trigger form of a pattern: its token keys and its kind."""

    keys: tuple[str, ...]
    kind: str
    pattern: Pattern


@dataclass(frozen=True, slots=True)
class CameoCode:
    code: str
    root: str
    name: str
    quad_class: int
    goldstein: float | None
    plover_event: str | None
    plover_mode: str | None
    plover_context: str | None


@dataclass(frozen=True, slots=True)
class Place:
    geonameid: int
    country: str | None
    lat: float | None
    lon: float | None
    name: str


class PatternBook:
    """Patterns indexed by the key of their trigger's first token: one dict lookup per
    token of the text."""

    def __init__(self, forms: Iterable[Form], codes: dict[str, CameoCode],
                 roots: dict[str, str], places: dict[str, Place],
                 actor_nouns: dict[str, tuple[tuple[str, ...], ...]] | None = None,
                 demonyms: dict[str, str] | None = None) -> None:
        index: dict[str, list[Form]] = {}
        for f in forms:
            index.setdefault(f.keys[0], []).append(f)
        for items in index.values():
            # longest form first; a pattern with `with` before one without; then file order
            items.sort(key=lambda f: (-len(f.keys), not f.pattern.with_, f.pattern.line))
        self.index = index
        self.codes = codes
        self.roots = roots
        self.places = places
        #: generic actor nouns by first key (قوات، الطيران، مسلحي ...)
        self.actor_nouns = actor_nouns or {}
        #: demonym key -> ISO3 country (تركي، تركيه، اتراك -> TUR)
        self.demonyms = demonyms or {}
        self.patterns = {f.pattern.id: f.pattern for fs in index.values() for f in fs}
        first: dict[str, set[str]] = {}
        for fs in index.values():
            for f in fs:
                first.setdefault(f.pattern.id, set()).add(f.keys[0])
        #: first token keys of speech frames (قال، أكد، مشددا ...)
        self.frame_keys = frozenset(f.keys[0] for fs in index.values() for f in fs
                                    if f.pattern.is_frame)
        #: first token keys of each pattern's forms (to tell نطالب from نددت)
        self.first_keys = {k: frozenset(v) for k, v in first.items()}

    def lookup(self, key: str) -> list[Form]:
        return self.index.get(key, [])

    @classmethod
    def load(cls, tokenizer: Tokenizer, directory: Path,
             extra: Iterable[Path] = ()) -> PatternBook:
        codes, roots = _read_cameo(directory / "cameo.tsv")
        forms: list[Form] = []
        seen: set[str] = set()
        for path in (directory / "patterns.tsv", *extra):
            forms.extend(_read_patterns(path, tokenizer, codes, seen))
        nouns: dict[str, list[tuple[str, ...]]] = {}
        for _no, cols in _rows(directory / "actor_nouns.tsv"):
            if cols[0] != "noun":
                keys = phrase_keys(tokenizer, cols[0])
                if keys:
                    nouns.setdefault(keys[0], []).append(keys)
        actor_nouns = {k: tuple(sorted(v, key=len, reverse=True)) for k, v in nouns.items()}
        return cls(forms, codes, roots, _read_geo(directory / "geo.tsv"), actor_nouns,
                   _read_demonyms(directory.parent / "actors" / "demonyms.tsv", tokenizer))


def phrase_keys(tokenizer: Tokenizer, phrase: str) -> tuple[str, ...]:
    """Token keys of a pattern phrase (``_`` joins words), without ``ال``."""
    text = phrase.replace("_", " ")
    return tuple(t.norm for t in tokenizer(text) if t.kind != "article")


def _rows(path: Path) -> Iterable[tuple[int, list[str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise DataFileError(path=str(path), detail=str(err)) from err
    for no, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            yield no, line.split("\t")


def _read_patterns(path: Path, tokenizer: Tokenizer, codes: dict[str, CameoCode],
                   seen: set[str]) -> list[Form]:
    forms: list[Form] = []
    header = True
    for no, cols in _rows(path):
        if header and cols[0] == "id":
            header = False
            continue
        where = f"{path}:{no}"
        if len(cols) not in (6, 7):
            raise DataFileError(path=where, detail=f"expected 6 or 7 tab-separated columns "
                                f"(id, cameo, forms, with, target, note[, source]), got "
                                f"{len(cols)}")
        pid, cameo, form_text, with_text, target_text, note = (c.strip() for c in cols[:6])
        source_types = tuple(t for t in (cols[6].strip().split("|") if len(cols) == 7 else ())
                             if t and t != "-")
        if any(t not in ("PER", "ORG", "LOC", "GRP") for t in source_types):
            raise DataFileError(path=where, detail=f"bad source types {cols[6]!r}")
        if pid in seen:
            raise DataFileError(path=where, detail=f"duplicate pattern id {pid!r}")
        seen.add(pid)
        if cameo != SAY and cameo not in codes:
            raise DataFileError(path=where, detail=f"unknown CAMEO code {cameo!r}")
        optional = target_text.endswith("?")
        target: tuple[str, ...] = ()
        if target_text.rstrip("?") != "-":
            parts = []
            for t in target_text.split("|"):
                t = t.strip().rstrip("?")
                if t in ("obj", "subj", "بين"):
                    parts.append("bin" if t == "بين" else t)
                else:
                    keys = phrase_keys(tokenizer, t)
                    if len(keys) != 1:
                        raise DataFileError(path=where, detail=f"bad target {t!r}")
                    parts.append(keys[0])
            target = tuple(parts)
        with_ = () if with_text == "-" else tuple(
            k for k in (phrase_keys(tokenizer, w) for w in with_text.split()) if k)
        pattern = Pattern(pid, cameo, with_, target, optional, note, no, source_types)
        for raw in form_text.split():
            kind = _KIND_MARK.get(raw[-1], VERB)
            keys = phrase_keys(tokenizer, raw.rstrip("*~^"))
            if not keys:
                raise DataFileError(path=where, detail=f"empty form {raw!r}")
            forms.append(Form(keys, kind, pattern))
    return forms


def _read_cameo(path: Path) -> tuple[dict[str, CameoCode], dict[str, str]]:
    codes: dict[str, CameoCode] = {}
    roots: dict[str, str] = {}
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if not text:
        raise DataFileError(path=str(path), detail="missing")
    for line in text.splitlines():
        cols = line.split("\t")
        if line.startswith("#root"):
            roots[cols[1]] = cols[2]
        elif line.startswith("#") or cols[0] == "code":
            continue
        else:
            code, root, quad, gs, ev, mode, ctx, name = cols
            codes[code] = CameoCode(code, root, name, int(quad), float(gs) if gs else None,
                                    ev or None, mode or None, ctx or None)
    return codes, roots


def _read_geo(path: Path) -> dict[str, Place]:
    places: dict[str, Place] = {}
    for _no, cols in _rows(path):
        if cols[0] == "actor":
            continue
        actor, gid, country, lat, lon, name = cols
        places[actor] = Place(int(gid), country or None, float(lat) if lat else None,
                              float(lon) if lon else None, name)
    return places


def _read_demonyms(path: Path, tokenizer: Tokenizer) -> dict[str, str]:
    """Demonym forms of the actor dictionary's ``demonyms.tsv`` (read only)."""
    out: dict[str, str] = {}
    for _no, cols in _rows(path):
        if cols[0] == "country" or len(cols) < 4:
            continue
        for cell in cols[1:4]:
            for form in cell.split("|"):
                keys = phrase_keys(tokenizer, form.strip())
                if len(keys) == 1:
                    out.setdefault(keys[0], cols[0])
    return out
