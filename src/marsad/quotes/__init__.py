"""The quotes stage: attributed statements (direct, indirect, mixed) linked to their
speakers, with the reporting verb, the source cited and the addressee."""

from .finder import QuoteFinder
from .lexicon import QuoteLexicon, Verb
from .records import Cue, Party, Quote, QuoteKind

__all__ = ["Cue", "Party", "Quote", "QuoteFinder", "QuoteKind", "QuoteLexicon", "Verb"]
