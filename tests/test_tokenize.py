from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad import Pipeline
from marsad.text import Tokenizer


def pieces(tokenizer: Tokenizer, text: str) -> list[tuple[str, str, str]]:
    return [(text[t.start:t.end], t.kind, t.norm) for t in tokenizer(text)]


@pytest.fixture(scope="module")
def tokenizer(pipeline: Pipeline) -> Tokenizer:
    return Tokenizer(pipeline.knowledge.lexicon)


def test_tokenize_splits_lam_before_guillemets(tokenizer: Tokenizer) -> None:
    assert pieces(tokenizer, "لـ«حركة حماس»")[:3] == [
        ("لـ", "clitic", "ل"), ("«", "punct", "«"), ("حركة", "word", "حركه")]


def test_tokenize_splits_lam_and_elided_article(tokenizer: Tokenizer) -> None:
    assert pieces(tokenizer, "للقدس") == [
        ("ل", "clitic", "ل"), ("ل", "article", "ال"), ("قدس", "word", "قدس")]


@pytest.mark.parametrize(("word", "expected"), [
    ("والقدس", ["و", "ال", "قدس"]),
    ("وبالقدس", ["و", "ب", "ال", "قدس"]),
    ("فالأمر", ["ف", "ال", "أمر"]),
    ("كالعادة", ["ك", "ال", "عادة"]),
    ("وقال", ["و", "قال"]),
    ("وأضاف", ["و", "أضاف"]),
    ("سيكون", ["س", "يكون"]),
    ("بلاده", ["بلاده"]),
    ("وزير", ["وزير"]),
    ("كان", ["كان"]),
    ("فيلق", ["فيلق"]),
    ("الذي", ["الذي"]),
    ("سكان", ["سكان"]),
    ("ليون", ["ليون"]),  # Lyon, not ل + يون
    ("وليون", ["و", "ليون"]),
    ("بنود", ["بنود"]),
    ("سالم", ["سالم"]),  # a name, not the future prefix + ألم
    ("ساهم", ["ساهم"]),
    ("سنية", ["سنية"]),
    ("ستعقد", ["س", "تعقد"]),
    ("كاليفورنيا", ["كاليفورنيا"]),  # not ك + ال + يفورنيا
    # a rare known name after و: a country, a first name (Al-Madina, Asharq Al-Awsat 2015)
    ("وسلوفينيا", ["و", "سلوفينيا"]),
    ("وإستونيا", ["و", "إستونيا"]),
    ("ومعتز", ["و", "معتز"]),
    ("ولوكاس", ["و", "لوكاس"]),  # the name stays whole: not و + ل + وكاس
    ("وليد", ["وليد"]),  # a name that starts with و
    ("وليم", ["وليم"]),  # William: the glued form is commoner than the name ليم
])
def test_tokenize_proclitics_only_where_the_rest_is_a_word(tokenizer: Tokenizer, word: str,
                                                          expected: list[str]) -> None:
    assert [p[0] for p in pieces(tokenizer, word)] == expected


def test_tokenize_keeps_numbers_dates_and_marks_whole(tokenizer: Tokenizer) -> None:
    got = pieces(tokenizer, "قائدُ ١٢٫٥ 12.10.2018")
    assert got == [("قائدُ", "word", "قاءد"), ("١٢٫٥", "number", "12.5"),
                   ("12.10.2018", "number", "12.10.2018")]


@given(st.text(max_size=300))
def test_tokenize_offsets_are_ordered_and_inside_the_text(text: str) -> None:
    from marsad.text.tokenize import Lexicon
    tokens = Tokenizer(Lexicon({"قال": 100}, frozenset()))(text)
    last = 0
    for t in tokens:
        assert last <= t.start < t.end <= len(text)
        assert not text[t.start:t.end].isspace()
        last = t.end


def test_tokenize_a_range_gives_the_whole_texts_tokens_there(tokenizer: Tokenizer) -> None:
    """Runs of non-space characters are split once and reused; a range that starts or
    stops inside a run still tokenizes as the whole text does (a lone proclitic cut off
    at the end of the range stays glued to what follows it in the text)."""
    text = "أبلغ سليماني مسؤولي «كتائب القسام» لـ«حركة حماس» استعداد إيران للدعم، وقال: «نعم»"
    whole = tokenizer(text)
    runs = [m.span() for m in re.finditer(r"\S+", text)]
    for a in range(0, len(text), 3):
        for b in range(a, len(text) + 1, 5):
            # the tokens of every run of non-space characters wholly in the range
            kept = [(s, e) for s, e in runs if a <= s and e <= b]
            inside = [t for t in whole if any(s <= t.start < e for s, e in kept)]
            got = tokenizer(text, a, b)
            assert [t for t in got if any(s <= t.start < e for s, e in kept)] == inside
            assert all(a <= t.start and t.end <= b for t in got)
    cut = text.index("«حركة")
    assert [(t.kind, t.norm) for t in tokenizer(text, cut - 2, cut)] == [("clitic", "ل")]
    assert tokenizer(text, cut - 2, cut) == tokenizer(text, cut - 2, cut)  # cached or not
