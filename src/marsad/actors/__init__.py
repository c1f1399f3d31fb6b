"""Actors: Arabic names and role phrases -> CAMEO actor codes valid at a date.

>>> from marsad.actors import ActorDictionary
>>> actors = ActorDictionary.load()
>>> actors.lookup("ترمب")[0].code_at(date(2017, 12, 14))        # doctest: +SKIP
'USAGOV'
"""

from .dictionary import (
    ACTOR_TYPES,
    ROLE_KEYS,
    Actor,
    ActorDictionary,
    ActorFileError,
    CodeRange,
    Resolution,
    Term,
    key_words,
    match_key,
    parse_codes,
    word_forms,
)

__all__ = [
    "ACTOR_TYPES",
    "ROLE_KEYS",
    "Actor",
    "ActorDictionary",
    "ActorFileError",
    "CodeRange",
    "Resolution",
    "Term",
    "key_words",
    "match_key",
    "parse_codes",
    "word_forms",
]
