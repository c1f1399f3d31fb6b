"""One frozen settings object, built once and passed down to every stage."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .errors import SettingsError

DEFAULT_TIME_BUDGET = 60.0
DEFAULT_STAGES: tuple[str, ...] = ("language", "sentences", "tokens", "entities", "quotes",
                                   "events")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that changes what marsad does. Build it once (``Settings()`` or
    ``Settings.from_options(...)``) and hand the same object to the pipeline, the CLI,
    the API and batch workers."""

    stages: tuple[str, ...] = DEFAULT_STAGES
    #: publication date used when the input has none (``--published``)
    published: date | None = None
    #: source/site name used when the input has none (``--source``)
    source: str | None = None
    #: include the token layer in JSON output (large; off by default)
    include_tokens: bool = False
    #: extra boilerplate lexicon files (one pattern a line), added to the shipped one
    boilerplate_files: tuple[Path, ...] = ()
    #: the user's own actor dictionary files (same TSV format as the shipped actors.tsv)
    actor_files: tuple[Path, ...] = ()
    #: a directory with another NER model (default: the model shipped in the package)
    ner_model: Path | None = None
    #: a line must recur in this many distinct articles of one site to be learned boilerplate
    repeated_min_docs: int = 4
    #: ... and the site must have at least this many articles in the batch
    repeated_min_site_docs: int = 8
    #: learned boilerplate lines are at most this many words long
    repeated_max_words: int = 20
    #: how many records per input are read ahead to learn repeated lines
    repeated_sample: int = 5000
    #: texts longer than this are cut, with a warning (code points)
    max_chars: int = 2_000_000
    #: seconds one article may take in the pipeline before it is skipped with an error
    #: (``marsad analyze``/``ingest --time-budget``; 0: no limit)
    time_budget: float = DEFAULT_TIME_BUDGET
    #: lines with at most this many words and no final punctuation may be titles
    title_max_words: int = 30
    extra: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self) -> None:
        if self.repeated_min_docs < 2:
            raise SettingsError(name="repeated_min_docs", value=self.repeated_min_docs,
                                detail="must be at least 2")
        if self.max_chars < 1000:
            raise SettingsError(name="max_chars", value=self.max_chars,
                                detail="must be at least 1000")

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
