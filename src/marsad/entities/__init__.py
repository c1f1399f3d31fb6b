"""The entity stage: named entities and unnamed actors, resolved within the document."""

from .records import Entity, Mention
from .resolve import EntityResolver, Nouns
from .words import Word, build_words

__all__ = ["Entity", "EntityResolver", "Mention", "Nouns", "Word", "build_words"]
