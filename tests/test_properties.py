"""Property tests over the whole pipeline: any text, any bytes, never an exception."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marsad import Pipeline
from marsad.errors import MarsadError
from marsad.recovery import RawArticle
from marsad.recovery.inputs import articles_from_bytes

ARABICISH = st.lists(st.sampled_from(
    [*"قال روحانيإنأةىؤئـًٌ«»\"(){}.،؟!:\n-–ـ٠١٢ﻻﷲ", "\u200f", "\u202b", "\ufeff", "\r\n",
     "لم تشترك بعد\n", "المزيد"]),
    max_size=200).map("".join)

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(st.one_of(st.text(max_size=400), ARABICISH))
def test_properties_any_text_gives_valid_output(pipeline: Pipeline,
                                                check_output: Callable[[dict[str, Any]], None],
                                                text: str) -> None:
    for kind in ("text", "html"):
        doc = pipeline(RawArticle(body=text, kind=kind))
        check_output(doc.to_json(include_tokens=True))


@FAST
@given(st.binary(max_size=400))
def test_properties_any_bytes_give_a_doc_or_a_clear_error(
        pipeline: Pipeline, check_output: Callable[[dict[str, Any]], None], data: bytes) -> None:
    for name in (None, "x.jsonl", "x.json", "x.html"):
        for item in articles_from_bytes(data, "<fuzz>", name):
            if isinstance(item, MarsadError):
                assert str(item).startswith("E0")
                continue
            check_output(pipeline(item).to_json())
