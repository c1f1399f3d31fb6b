from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.text import NormView, normalize_key


@pytest.mark.parametrize(("raw", "key"), [
    ("أحمد إيران آمنة ٱلله", "احمد ايران امنه الله"),
    ("مصطفى", "مصطفي"),
    ("مؤتمر رئيس", "مءتمر رءيس"),
    ("قائدُ", "قاءد"),
    ("مـــصر", "مصر"),
    ("١٢٣ ۴۵۶", "123 456"),
    ("ﻻ ﷲ", "لا الله"),
    ("a\u200bb\u200fc\u202bd\u2066e", "abcde"),
    ("Trump", "trump"),
    ("پاکستان", "پاكستان"),
])
def test_normalize_folds_letters_digits_marks_and_controls(raw: str, key: str) -> None:
    assert normalize_key(raw) == key
    assert NormView.of(raw).key == key


def test_normview_maps_key_spans_back_to_the_text_with_marks() -> None:
    text = "قائدُ «فيلقِ القدس»"
    view = NormView.of(text)
    k = view.key.index("فيلق")
    start, end = view.raw_span(k, k + len("فيلق"))
    assert text[start:end] == "فيلقِ"  # the kasra after the last letter belongs to it


def test_normview_expansion_maps_every_key_char_to_its_source() -> None:
    text = "قال ﷲ"
    view = NormView.of(text)
    assert view.key == "قال الله"
    s, e = view.raw_span(4, 8)
    assert text[s:e] == "ﷲ"
    s, e = view.raw_span(5, 6)  # one letter of the expansion still points at the ligature
    assert text[s:e] == "ﷲ"


def test_normview_identity_when_nothing_changes_length() -> None:
    view = NormView.of("أبلغ سليماني")
    assert view.starts is None and view.raw_span(0, 4) == (0, 4)


@given(st.text())
def test_normview_map_is_monotone_and_slices_the_text(text: str) -> None:
    view = NormView.of(text)
    n = len(view.key)
    if view.starts is not None and view.ends is not None:
        assert len(view.starts) == n and len(view.ends) == n
        assert list(view.starts) == sorted(view.starts)
        for i in range(n):
            assert 0 <= view.starts[i] < view.ends[i] <= len(text)
    else:
        assert n == len(text)
    for i in range(0, n, max(1, n // 7)):
        s, e = view.raw_span(i, min(n, i + 3))
        assert 0 <= s <= e <= len(text)
        assert normalize_key(text[s:e]).startswith(view.key[i:min(n, i + 3)][:1])


@given(st.text(alphabet=st.sampled_from("أإآاىيةهؤئءـًٌٍَُِّْ ١٢ﻻﷲ\u200b")))
def test_normview_key_equals_plain_key_on_arabic_material(text: str) -> None:
    assert NormView.of(text).key == normalize_key(text)
