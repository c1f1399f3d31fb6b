"""Article recovery on real inputs: the seed, ANT records, SaudiNewsNet, HTML pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from conftest import SEED, read_jsonl_gz, shared_path
from marsad import Pipeline
from marsad.api import analyze_paths
from marsad.doc import Doc
from marsad.recovery import RawArticle, iter_inputs, record_to_raw
from marsad.recovery.dates import parse_date

Check = Callable[[dict[str, Any]], None]


def analyse_one(pipeline: Pipeline, path: str) -> Doc:
    items = list(iter_inputs([path]))
    assert len(items) == 1 and isinstance(items[0], RawArticle)
    return pipeline(items[0])


def test_recovery_seed_matches_gold_structure(pipeline: Pipeline, check_output: Check) -> None:
    gold = json.loads(shared_path("gold", "seed.gold.json").read_text("utf-8"))["structure"]
    out = analyse_one(pipeline, str(SEED)).to_json()
    check_output(out)
    assert out["headline"] == gold["headline"]
    assert out["subheadline"] == gold["subheadline"]
    assert len(out["body"]) == gold["body_paragraphs"]
    assert out["body"][0]["text"].startswith(gold["body_starts_with"])
    assert out["body"][-1]["text"].endswith(gold["body_ends_with"])
    removed = {r["text"]: r["reason"] for r in out["removed"]}
    body = "\n".join(p["text"] for p in out["body"])
    for line in gold["removed"]:
        assert line in removed
        assert line not in body
    assert removed[gold["headline"]] == "duplicate-title"
    assert out["text"].count(gold["headline"]) == 1


def test_recovery_title_block_before_the_body(pipeline: Pipeline) -> None:
    raw = RawArticle(body="روحاني يتصل بهنية\nدعم إيراني للفصائل\n"
                     "أجرى الرئيس الإيراني حسن روحاني اتصالا هاتفيا برئيس المكتب السياسي "
                     "لحركة حماس إسماعيل هنية مساء أمس.\nوقال روحاني إن إيران ستدعم الفلسطينيين.")
    doc = pipeline(raw)
    assert doc.span_text(doc.headline) == "روحاني يتصل بهنية"  # type: ignore[arg-type]
    assert doc.span_text(doc.subheadline) == "دعم إيراني للفصائل"  # type: ignore[arg-type]
    assert len(doc.body) == 2


def test_recovery_plain_body_has_no_invented_headline(pipeline: Pipeline) -> None:
    raw = RawArticle(body="أجرى الرئيس الإيراني حسن روحاني اتصالا هاتفيا برئيس المكتب السياسي "
                     "لحركة حماس إسماعيل هنية مساء أمس.\nوقال روحاني إن إيران ستدعم الفلسطينيين.")
    doc = pipeline(raw)
    assert doc.headline is None and len(doc.body) == 2


def test_recovery_ant_records_keep_title_and_date(pipeline: Pipeline, check_output: Check) -> None:
    path = shared_path("data", "corpora", "ant-v2.1-world-mideast.jsonl.gz")
    n = 0
    for rec in read_jsonl_gz(path, 0, 200):
        doc = pipeline(record_to_raw(rec)).to_json()
        check_output(doc)
        assert doc["headline"] == " ".join(rec["title"].split())
        assert doc["published"] == parse_date(rec["published"]).isoformat()  # type: ignore[union-attr]
        assert doc["id"] == rec["id"]
        assert doc["body"], rec["id"]
        n += 1
    assert n == 200


def test_recovery_rfc2822_dates_keep_the_written_day() -> None:
    assert str(parse_date("Mon, 19 Feb 2018 00:16:11 +0400")) == "2018-02-19"
    assert str(parse_date("Sat, 03 Mar 2018 15:47:00 GMT")) == "2018-03-03"
    assert str(parse_date("2015-07-21 02:51:32")) == "2015-07-21"
    assert str(parse_date("الخميس 14 ديسمبر (كانون الأول) 2017")) == "2017-12-14"
    assert str(parse_date("3 آب/أغسطس 2013")) == "2013-08-03"
    assert parse_date("not a date") is None


def test_recovery_abstract_repeating_the_body_is_not_a_subheadline(pipeline: Pipeline) -> None:
    body = "أعلن الجيش الإسرائيلي أنه قصف مواقع لحركة حماس في قطاع غزة ليل الأحد.\nوقال متحدث إن"\
           " الغارات جاءت ردا على إطلاق صواريخ."
    lead = "أعلن الجيش الإسرائيلي أنه قصف مواقع لحركة حماس في قطاع غزة"
    doc = pipeline(RawArticle(body=body, kind="record", title="قصف إسرائيلي على غزة",
                              abstract=lead))
    assert doc.subheadline is None
    assert doc.removed[0].reason == "abstract-repeats-body"
    doc = pipeline(RawArticle(body=body, kind="record", title="قصف إسرائيلي على غزة",
                              abstract="تصعيد جديد على حدود القطاع بعد أسبوع من الهدوء"))
    assert doc.span_text(doc.subheadline) == "تصعيد جديد على حدود القطاع بعد أسبوع من الهدوء"  # type: ignore[arg-type]


def test_recovery_saudinewsnet_drops_boilerplate_and_repeated_lines(check_output: Check,
                                                                   tmp_path: Any) -> None:
    path = shared_path("data", "corpora", "saudinewsnet-2015.jsonl.gz")
    records = list(read_jsonl_gz(path, 0, 1500))
    sample = tmp_path / "snn.jsonl"
    sample.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    docs = [d for d in analyze_paths([str(sample)]) if isinstance(d, Doc)]
    assert len(docs) == len(records)
    reasons: dict[str, int] = {}
    for doc, rec in zip(docs, records, strict=True):
        out = doc.to_json()
        check_output(out)
        assert out["headline"] == (" ".join(rec["title"].split()) or None)
        assert out["published"] == rec["date_extracted"][:10]
        body = "\n".join(p["text"] for p in out["body"])
        assert "...المزيد" not in body
        assert "ارسل رسالة SMS" not in body
        if out["body"] and rec["title"].strip():
            assert all(p["text"] != rec["title"].strip() for p in out["body"])
        for r in out["removed"]:
            reasons[r["reason"]] = reasons.get(r["reason"], 0) + 1
    assert reasons.get("repeated-in-source", 0) >= 20
    assert reasons.get("sms", 0) >= 5


def test_recovery_repeated_lines_need_many_distinct_articles(pipeline: Pipeline) -> None:
    raws = [RawArticle(body=f"خبر رقم {i} عن الاقتصاد السعودي والنفط.\n* خدمة «نيويورك تايمز»",
                       kind="record", title=f"عنوان {i}", site="x") for i in range(10)]
    repeated = pipeline.learn_repeated(raws)
    doc = pipeline(raws[0], repeated)
    assert [(r.text, r.reason) for r in doc.removed] == [("* خدمة «نيويورك تايمز»",
                                                           "repeated-in-source")]
    few = pipeline.learn_repeated(raws[:3])
    assert not pipeline(raws[0], few).removed


@pytest.mark.parametrize(("folder", "name"), [
    ("goose3", "test_cnn_arabic"), ("newspaper4k", "arabic_article")])
def test_recovery_html_cnn_pages_give_the_expected_text(pipeline: Pipeline, check_output: Check,
                                                        folder: str, name: str) -> None:
    page = shared_path("data", "html", folder, f"{name}.html")
    expected = json.loads(shared_path("data", "html", folder, f"{name}.json").read_text("utf-8"))
    want = expected.get("expected", expected)
    want_text = want.get("cleaned_text") or want.get("text")
    out = analyse_one(pipeline, str(page)).to_json()
    check_output(out)
    assert out["headline"] == "معارضون يسيطرون على مخازن للصواريخ بريف دمشق"
    assert out["published"] == "2013-08-03"
    body = " ".join(p["text"] for p in out["body"])
    for para in [p.strip() for p in want_text.split("\n") if len(p.strip()) > 40]:
        assert " ".join(para.split()[:12]) in " ".join(body.split())
    assert "ترحب شبكة CNN" not in body


def test_recovery_html_assabah_page_with_and_without(pipeline: Pipeline, check_output: Check
                                                    ) -> None:
    page = shared_path("data", "html", "trafilatura", "assabah.com.tn.article.html")
    spec = next(iter(json.loads(shared_path("data", "html", "trafilatura",
                                            "evaldata_entry.json").read_text("utf-8")).values()))
    out = analyse_one(pipeline, str(page)).to_json()
    check_output(out)
    text = out["text"]
    for snippet in spec["with"]:
        assert snippet in text
    for snippet in spec["without"]:
        assert snippet not in text
    assert out["headline"] == " ".join(spec["title"].split())


def test_recovery_html_page_with_control_characters_is_read(pipeline: Pipeline,
                                                            check_output: Check) -> None:
    # regression (atheris): a control character after <br> in a page without a date made
    # lxml refuse the text the date search builds
    body = ("قال مسؤولون محليون إن ما لا يقل عن 17 شخصاً قتلوا كما أصيب 34 آخرون في تفجير "
            "وقع في مسجد بإقليم خوست بشرق أفغانستان.")
    html = (f"<html><head><title>تفجير مسجد</title></head><body><article><h1>تفجير مسجد</h1>"
            f"<p>{body}<br>\x01\x00 {body}</p><p>{body}</p></article></body></html>")
    out = pipeline(RawArticle(body=html, kind="html", path="control.html")).to_json()
    check_output(out)
    assert out["body"] and out["published"] is None
