"""marsad (مرصد): Arabic news to structured political event data.

>>> import marsad
>>> doc = marsad.analyze("قال الرئيس إن ...")
>>> doc.to_json()["schema"]
'marsad.article/1'
"""

from __future__ import annotations

from .api import analyze, analyze_paths
from .doc import SCHEMA, Doc, Removed, Source, Span, Token
from .errors import MarsadError
from .pipeline import Pipeline
from .settings import Settings

__version__ = "0.1.0"

__all__ = ["SCHEMA", "Doc", "MarsadError", "Pipeline", "Removed", "Settings", "Source", "Span",
           "Token", "__version__", "analyze", "analyze_paths"]
