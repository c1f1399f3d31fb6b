"""The small functional API: analyse a string or a batch of paths."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import date

from .budget import DocumentTimeout, TimeBudget
from .doc import Doc
from .errors import MarsadError, TimeBudgetError
from .pipeline import Pipeline, learn_repeated
from .recovery import RawArticle, RepeatedLines, iter_inputs
from .recovery.inputs import sniff
from .settings import Settings


def analyze(text: str, *, published: date | None = None, source: str | None = None,
            url: str | None = None, pipeline: Pipeline | None = None) -> Doc:
    """Analyse one article given as raw text or HTML. Build a :class:`Pipeline` once and
    pass it in when analysing many articles."""
    pipe = pipeline or Pipeline(Settings())
    kind = "html" if sniff(text, None) == "html" else "text"
    raw = RawArticle(body=text, kind=kind, published=published, site=source, url=url)
    return pipe(raw)


def analyze_paths(paths: Iterable[str], pipeline: Pipeline | None = None
                  ) -> Iterator[Doc | MarsadError]:
    """Analyse every article in files, directories or JSONL dumps, in input order.
    A record that cannot be read or analysed comes out as a :class:`MarsadError` in its
    place; the others are still analysed."""
    pipe = pipeline or Pipeline(Settings())
    stream, repeated = learn_then_stream(iter_inputs(list(paths)), pipe.settings)
    return analyse_stream(stream, pipe, repeated)


def analyse_stream(items: Iterable[RawArticle | MarsadError], pipe: Pipeline,
                   repeated: RepeatedLines) -> Iterator[Doc | MarsadError]:
    """Analyse read articles in order; read errors and analysis errors stay in place. An
    article over ``settings.time_budget`` seconds becomes a :class:`TimeBudgetError`."""
    budget = TimeBudget(pipe.settings.time_budget)
    for item in items:
        if isinstance(item, MarsadError):
            yield item
            continue
        yield analyse_within(pipe, item, repeated, budget)


def analyse_within(pipe: Pipeline, raw: RawArticle, repeated: RepeatedLines,
                   budget: TimeBudget) -> Doc | MarsadError:
    """One article through the pipeline within a time budget; errors are returned."""
    try:
        with budget:
            return pipe(raw, repeated)
    except DocumentTimeout:
        return TimeBudgetError(where=raw.where, seconds=budget.seconds)
    except MarsadError as err:
        return err



def learn_then_stream(items: Iterator[RawArticle | MarsadError], settings: Settings
                      ) -> tuple[Iterator[RawArticle | MarsadError], RepeatedLines]:
    """Read ahead up to ``settings.repeated_sample`` records, learn the lines that recur
    across each site's articles, and return the stream (read-ahead first) with them."""
    head = list(itertools.islice(items, settings.repeated_sample))
    repeated = learn_repeated((r for r in head if isinstance(r, RawArticle)), settings)
    return itertools.chain(head, items), repeated
