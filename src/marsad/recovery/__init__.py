"""Article recovery from raw text, HTML and JSON records."""

from .boilerplate import BoilerplateRules, RepeatedLines, line_key
from .html import extract_html
from .inputs import RawArticle, decode_bytes, iter_inputs, record_to_raw
from .structure import recover

__all__ = ["BoilerplateRules", "RawArticle", "RepeatedLines", "decode_bytes", "extract_html",
           "iter_inputs", "line_key", "record_to_raw", "recover"]
