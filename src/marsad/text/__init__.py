"""The Arabic text core: normalisation view, tokenizer, sentence splitter, language check."""

from .lang import detect_language
from .normalize import NormView, normalize_key
from .sentences import split_sentences
from .tokenize import Lexicon, Tokenizer

__all__ = ["Lexicon", "NormView", "Tokenizer", "detect_language", "normalize_key",
           "split_sentences"]
