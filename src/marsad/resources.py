"""Lexical knowledge shipped in ``marsad/data``, loaded once per pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .entities.resolve import Nouns
from .errors import DataFileError
from .recovery.boilerplate import BoilerplateRules
from .settings import Settings
from .text.tokenize import Lexicon, read_word_freq


def data_path(*parts: str) -> Path:
    """Path of a file shipped in ``marsad/data``."""
    return Path(str(resources.files("marsad").joinpath("data", *parts)))


def read_data_lines(*parts: str) -> list[str]:
    """Non-empty, non-comment lines of a shipped data file."""
    path = data_path(*parts)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise DataFileError(path=str(path), detail=str(err)) from err
    return [ln.rstrip("\n") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def load_lexicon() -> Lexicon:
    freq = read_word_freq(data_path("lexicon", "ar_wordfreq.tsv"))
    no_split = frozenset(read_data_lines("lexicon", "no_split.txt"))
    return Lexicon(freq, no_split, load_names())


def load_names() -> dict[str, str]:
    """One-word names the tokenizer may split a proclitic off (``ومعتز``, ``وسلوفينيا``):
    the person names (``PERn``) and one-word country names (``LOC``) of the NER gazetteer,
    whose sources and licences are in ``ner/MODEL.json``."""
    names: dict[str, str] = {}
    for ln in read_data_lines("ner", "gazetteer.tsv"):
        word, _, flags = ln.partition("\t")
        kinds = flags.split(",")
        if "LOC" in kinds:
            names[word] = "LOC"
        elif "PERn" in kinds:
            names[word] = "PER"
    return names


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything the stages look up, loaded once from package data and user files."""

    lexicon: Lexicon
    abbreviations: frozenset[str]
    boilerplate: BoilerplateRules

    @classmethod
    def load(cls, settings: Settings) -> Knowledge:
        files = [data_path("boilerplate", "lines.ar.tsv"), *settings.boilerplate_files]
        return cls(
            lexicon=load_lexicon(),
            abbreviations=frozenset(read_data_lines("lexicon", "abbreviations.txt")),
            boilerplate=BoilerplateRules.load(files),
        )


def load_nouns() -> Nouns:
    """Titles, organisation heads, institutions, groups and roles (data/entities/nouns.tsv)."""
    from .text.normalize import normalize_key

    kinds: dict[str, tuple[str, str | None]] = {}
    spellings: set[str] = set()
    for ln in read_data_lines("entities", "nouns.tsv"):
        cols = ln.split("\t")
        if len(cols) not in (2, 3):
            raise DataFileError(path="entities/nouns.tsv", detail=f"bad line {ln!r}")
        if cols[1] == "function":
            spellings.add(cols[0])
            continue
        key = " ".join(normalize_key(cols[0]).split())
        kinds[key] = (cols[1], cols[2] if len(cols) == 3 else None)
    return Nouns(kinds, max(k.count(" ") + 1 for k in kinds), frozenset(spellings),
                 frozenset(normalize_key(w) for w in spellings))
