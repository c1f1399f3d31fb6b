from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from marsad.text import split_sentences

ABBR = frozenset({"د", "م"})


def sents(text: str) -> list[str]:
    return [text[s.start:s.end] for s in split_sentences(text, 0, len(text), ABBR)]


def test_sentences_split_at_final_punctuation() -> None:
    assert sents("قال هنية. وأضاف روحاني؟ ثم غادر!") == ["قال هنية.", "وأضاف روحاني؟", "ثم غادر!"]


def test_sentences_do_not_break_inside_quotations() -> None:
    text = "وقال إن «القرار باطل. ولن نقبله» ثم غادر. وانتهى الاجتماع."
    assert sents(text) == ["وقال إن «القرار باطل. ولن نقبله» ثم غادر.", "وانتهى الاجتماع."]


def test_sentences_end_after_the_closing_guillemet() -> None:
    text = "وقال إن «إيران لن تدخر جهدا». وأضاف أن الوقت حان."
    assert sents(text) == ["وقال إن «إيران لن تدخر جهدا».", "وأضاف أن الوقت حان."]


def test_sentences_keep_numbers_dates_urls_and_abbreviations() -> None:
    text = "بلغ النمو 3.5 في المئة في 12.10.2018 بحسب د. أحمد على www.example.com اليوم. انتهى."
    assert len(sents(text)) == 2


def test_sentences_ignore_an_unclosed_guillemet() -> None:
    text = "قال «إنه جاهز. ثم غادر. وانتهى."
    assert len(sents(text)) == 3


@given(st.text(alphabet=st.sampled_from("اب «»().؟!\"{} 1"), max_size=200))
def test_sentences_are_trimmed_ordered_and_inside(text: str) -> None:
    last = 0
    for s in split_sentences(text, 0, len(text), ABBR):
        assert last <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == text[s.start:s.end].strip()
        last = s.end
