"""The quotes stage on real text: the seed article, articles of the shared corpora (ANT:
Sky News Arabia, France 24, CNN, BBC, Al Arabiya; SaudiNewsNet: Asharq Al-Awsat,
Al-Jazirah), and the gold scores as a floor."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import SEED, read_jsonl_gz, shared_path
from marsad import Doc, Pipeline, analyze
from marsad.cli import main
from marsad.evaluate import evaluate, find_gold_files
from marsad.quotes import Quote, QuoteLexicon
from marsad.recovery import RawArticle, iter_inputs, record_to_raw
from marsad.resources import load_lexicon
from marsad.text import Tokenizer

ANT = ("data", "corpora", "ant-v2.1-world-mideast.jsonl.gz")
SNN = ("data", "corpora", "saudinewsnet-2015.jsonl.gz")


def quotes_of(doc: Doc) -> list[Quote]:
    return [q for q in doc.quotes if isinstance(q, Quote)]


def entity_name(doc: Doc, entity_id: str | None) -> str | None:
    for e in doc.entities:
        if getattr(e, "id", None) == entity_id:
            return getattr(e, "name", None)
    return None


def quote_with(doc: Doc, words: str) -> Quote:
    for q in quotes_of(doc):
        if words in q.text:
            return q
    raise AssertionError(f"no quote contains {words!r}: {[q.text for q in quotes_of(doc)]}")


def corpus_doc(pipeline: Pipeline, corpus: tuple[str, ...], line: int) -> Doc:
    record = next(read_jsonl_gz(shared_path(*corpus), start=line, count=1))
    return pipeline(record_to_raw(record))


@pytest.fixture(scope="module")
def seed(pipeline: Pipeline) -> Doc:
    raw = next(iter(iter_inputs([str(SEED)])))
    assert isinstance(raw, RawArticle)
    return pipeline(raw)


def _run(pipeline: Pipeline) -> Callable[[Path], dict[str, Any]]:
    def run(path: Path) -> dict[str, Any]:
        raw = next(iter(iter_inputs([str(path)])))
        assert isinstance(raw, RawArticle)
        return pipeline(raw).to_json()
    return run


# --------------------------------------------------------------------------- gold floors


def test_quotes_seed_gold_precision_recall_and_speakers(pipeline: Pipeline) -> None:
    report = evaluate([shared_path("gold", "seed.gold.json")], _run(pipeline))
    quotes, speakers = report.part("quotes"), report.part("quote_speakers")
    assert quotes.precision >= 0.9 and quotes.recall >= 0.9, quotes
    assert speakers.tp / max(1, speakers.tp + speakers.fn) >= 0.9, speakers
    assert report.part("not_quotes").fp == 0


def test_quotes_dev_gold_floor(pipeline: Pipeline) -> None:
    golds = find_gold_files([str(shared_path("gold", "dev"))])
    report = evaluate(golds, _run(pipeline))
    assert report.part("quotes").f1 >= 0.75
    speakers = report.part("quote_speakers")
    assert speakers.tp / max(1, speakers.tp + speakers.fn) >= 0.85
    assert report.part("not_quotes").fp == 0


# --------------------------------------------------------------------------- the seed


def test_quotes_seed_names_in_guillemets_are_not_quotes(seed: Doc) -> None:
    # every «...» or {...} of one or two words in the seed is a name, a title or a term
    short = {m.group(1) for m in re.finditer(r"[«{]([^«»{}]+)[»}]", seed.text)
             if len(m.group(1).split()) <= 2}
    assert {"فيلق القدس", "القسام", "حماس", "القمة الإسلامية"} <= short
    texts = {q.text.strip() for q in quotes_of(seed)}
    assert not texts & short


def test_quotes_seed_speaker_via_and_addressee(seed: Doc) -> None:
    q = quote_with(seed, "إيران على أتم الاستعداد")
    assert q.kind == "direct"
    assert seed.text[q.start:q.end] == q.text and not q.text.startswith("«")
    assert entity_name(seed, q.speaker) == "قاسم سليماني"
    assert q.cue is not None and q.cue.lemma == "قال"
    assert q.via is not None and "تسنيم" in q.via.text
    assert q.addressee is not None and q.addressee.text.startswith("قائد «القسام»")


def test_quotes_seed_role_phrase_and_statement_speakers(seed: Doc) -> None:
    # «وأشاد رئيس الحركة ...» — the role of the movement just named: Haniyeh
    praise = quote_with(seed, "قيادة ورئاسة وشعبا")
    assert praise.speaker_text == "رئيس الحركة"
    assert entity_name(seed, praise.speaker) == "إسماعيل هنية"
    # «الرئيس الإيراني» is grouped with Rouhani by the entity stage
    assert entity_name(seed, quote_with(seed, "القرار الأميركي يمثل").speaker) == "حسن روحاني"
    # «وأوضح البيان» — the statement «سرايا القدس» issued; feminine «أكدت/وقالت»
    statement = quote_with(seed, "شدد على جاهزية")
    assert statement.speaker_text == "البيان" and statement.kind == "mixed"
    assert entity_name(seed, statement.speaker) == "سرايا القدس"
    assert entity_name(seed, quote_with(seed, "بحث كذلك").speaker) == "سرايا القدس"


def test_quotes_seed_participle_continues_the_speaker_of_its_sentence(seed: Doc) -> None:
    indirect = quote_with(seed, "قرار ترمب يمثل عدوانا")
    assert indirect.kind == "indirect"
    assert not indirect.text.endswith(("،", "مشددا"))  # the clause ends before مشددا
    direct = quote_with(seed, "مواجهة القرار تتم أولا")
    assert direct.cue is not None and direct.cue.text == "مشددا"
    assert direct.speaker == indirect.speaker
    # «..., حسين شيخ الإسلام، الذي اقترح ...، مشددا على «...»»
    assert entity_name(seed, quote_with(seed, "الدول الإسلامية مطالبة").speaker) == \
        "حسين شيخ الإسلام"


def test_quotes_ids_in_text_order_and_output_valid(seed: Doc,
                                                  check_output: Callable[[dict[str, Any]], None]
                                                  ) -> None:
    quotes = quotes_of(seed)
    assert [q.id for q in quotes] == [f"q{i}" for i in range(1, len(quotes) + 1)]
    assert [q.start for q in quotes] == sorted(q.start for q in quotes)
    out = seed.to_json()
    check_output(out)
    for q in out["quotes"]:
        assert set(q) >= {"id", "kind", "text", "start", "end", "speaker", "speaker_text",
                          "cue", "via", "addressee"}
        if q["speaker_start"] is not None:
            assert out["text"][q["speaker_start"]:q["speaker_end"]] == q["speaker_text"]
        cue = q["cue"]
        assert out["text"][cue["start"]:cue["end"]] == cue["text"]


# --------------------------------------------------------------------------- other outlets


def test_quotes_direct_after_colon_with_role_speaker(pipeline: Pipeline) -> None:
    # Al Arabiya, AL-internationalNews-1003-20180504
    doc = analyze('وقال رئيس الحكومة: "اليوم، وفيما أعلنت إيتا أخيرا عن حل نفسها، من الضروري '
                  'أن تتوجه أفكارنا نحو الضحايا"، مشيرا إلى القتلى الذين بلغ عددهم 853، كما '
                  'يفيد الإحصاء الأخير للحكومة.', pipeline=pipeline)
    q = quote_with(doc, "من الضروري أن تتوجه أفكارنا")
    assert q.kind == "direct" and q.text.startswith("اليوم") and q.text.endswith("الضحايا")
    assert q.speaker_text == "رئيس الحكومة"
    # the participle after the quote continues the same speaker
    assert quote_with(doc, "القتلى الذين بلغ").speaker_text == "رئيس الحكومة"


def test_quotes_direct_quote_across_sentences_with_addressee(pipeline: Pipeline) -> None:
    # BBC Arabic, BB-internationalNews-484-20180509
    doc = corpus_doc(pipeline, ANT, 2678)
    q = quote_with(doc, "سمعنا أنكم ترغبون")
    assert q.kind == "direct"
    assert "الدول الأوروبية الثلاث. أنا لا أثق بهذه الدول الثلاث" in q.text
    assert q.addressee is not None and q.addressee.text == "الحكومة"
    assert q.speaker_text == "خامنئي" and entity_name(doc, q.speaker) is not None


def test_quotes_quote_running_across_paragraphs(pipeline: Pipeline) -> None:
    # Al-Jazirah 2015-08-05: a quotation left open at the end of a paragraph goes on in
    # the next one, which opens with «
    doc = corpus_doc(pipeline, SNN, 21122)
    q = quote_with(doc, "هناك فرق أداء بين منتجات الطاقة الشمسية")
    assert "يرجع الفرق بشكل أساسي" in q.text and "\n" in q.text
    assert q.kind == "direct" and q.speaker_text == "أنس حسن"


def test_quotes_indirect_ends_with_its_clause_and_guillemet_name_speaks(
        pipeline: Pipeline) -> None:
    # Asharq Al-Awsat 2015 (SaudiNewsNet): «وقالت «بوينغ» إن ...، مشددة على أن ...»
    doc = corpus_doc(pipeline, SNN, 159)
    first = quote_with(doc, "القطعة المعدنية تزن 60 كلغ")
    assert first.kind == "indirect" and first.text.endswith("المتجهة من شنغهاي إلى باريس")
    second = quote_with(doc, "إلى إصابات")
    assert second.cue is not None and second.cue.lemma == "شدد"
    assert first.speaker_text is not None and "بوينغ" in first.speaker_text
    assert second.speaker_text == first.speaker_text
    assert all(q.text not in ("بوينغ", "إير فرانس") for q in quotes_of(doc))


def test_quotes_mixed_statement_and_issuer(pipeline: Pipeline) -> None:
    # Al Arabiya, AL-internationalNews-1248-20180520: «وقال بيان نشرته وكالة ...» then
    # «وأوضح البيان أنه "..."»; «يذكر أنه ...» is the writer's formula, no quote
    doc = corpus_doc(pipeline, ANT, 277)
    first = quote_with(doc, "قضية النادلات الـ12 يمكن أن تقوض")
    assert first.speaker_text is not None and first.speaker_text.startswith("بيان")
    second = quote_with(doc, "على السلطات الكورية الجنوبية إعادة مواطناتنا")
    assert second.kind == "direct" and second.speaker_text == "البيان"
    assert second.speaker == first.speaker
    assert all(q.cue is None or q.cue.text != "يذكر" for q in quotes_of(doc))


def test_quotes_mixed_reported_speech_with_quoted_words(pipeline: Pipeline) -> None:
    # Sky News Arabia, SK-internationalNews-1532-20180512
    doc = analyze('وقالت موظفة في البيت الأبيض الخميس، إنّ المعارضة التي يبديها السناتور جون '
                  'ماكين لتعيين شخصية رشّحها الرئيس الأميركي دونالد ترامب لإدارة وكالة سي آي '
                  'إيه "ليست بالأمر المهم" لأن ماكين "سيموت بأيّ حال".', pipeline=pipeline)
    q = quote_with(doc, "ليست بالأمر المهم")
    assert q.kind == "mixed" and q.text.startswith("المعارضة")
    assert q.speaker_text == "موظفة في البيت الأبيض" and q.speaker is None


def test_quotes_negated_verb_reports_nothing(pipeline: Pipeline) -> None:
    # Al Arabiya, AL-internationalNews-1159-20180514
    doc = analyze("ولم يتضح بعد ما إذا كان الرجل في المقطع المصور الذي استمر دقيقتين ونصف، "
                  "والذي نشر بعد مقتله هو بالفعل المهاجم الشيشاني حمزة عظيموف، لأنه صاحب "
                  "المقطع المصور بدا وهو يتحدث عن هجوم باريس ملثماً، ولم يذكر اسمه.",
                  pipeline=pipeline)
    assert quotes_of(doc) == []


def test_quotes_braces_and_guillemet_titles_in_headline_are_not_quotes(
        pipeline: Pipeline) -> None:
    # Asharq Al-Awsat 2015: «حماس تتلقى «رسالة تحدٍ» ...» with {الجهاد الإسلامي}
    doc = corpus_doc(pipeline, SNN, 7)
    texts = [q.text for q in quotes_of(doc)]
    assert "رسالة تحدٍ" not in texts and "الجهاد الإسلامي" not in texts


def test_quotes_valid_on_corpus_articles(pipeline: Pipeline,
                                         check_output: Callable[[dict[str, Any]], None]
                                         ) -> None:
    lexicon = QuoteLexicon.load(Tokenizer(load_lexicon()))
    lemmas = {v.lemma for v in lexicon.bare_verbs.values()}
    found = 0
    for record in read_jsonl_gz(shared_path(*ANT), start=3000, count=40):
        doc = pipeline(record_to_raw(record))
        out = doc.to_json()
        check_output(out)
        for q in quotes_of(doc):
            found += 1
            assert re.search(r"\w", q.text) and q.text == q.text.strip()
            assert q.cue is not None and q.cue.lemma in lemmas
            assert not (q.text.startswith("«") and q.text.endswith("»"))
    assert found >= 40  # news reports speech: about two or more quotes an article


def test_quotes_linear_on_unbalanced_quotation_marks(pipeline: Pipeline) -> None:
    # thousands of unpaired marks and cues in one paragraph: no hang, valid output
    text = "وقال المتحدث إن «القرار " * 3000 + "نهائي."
    t0 = time.perf_counter()
    doc = analyze(text, pipeline=pipeline)
    assert time.perf_counter() - t0 < 20
    for q in quotes_of(doc):
        assert doc.text[q.start:q.end] == q.text


# --------------------------------------------------------------------------- lexicon, CLI


def test_quotes_lexicon_forms_and_frames_are_data() -> None:
    lexicon = QuoteLexicon.load(Tokenizer(load_lexicon()))
    verbs = lexicon.bare_verbs
    assert verbs["قال"].lemma == "قال" and verbs["قاءلا"].participle
    assert verbs["اكدت"].lemma == "أكد" and verbs["مشددا"].lemma == "شدد"
    for kind in ("comp", "via", "statement", "speaker", "negation", "formula"):
        assert lexicon.frames[kind].keys, kind


def test_quotes_cli_prints_speaker_arrow_quote(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quotes", str(SEED)]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "إيران على أتم الاستعداد" in ln)
    assert "قاسم سليماني" in line and "→" in line and "direct" in line
