"""The events stage on real text: one test per CAMEO code family on sentences of the ANT
corpus (record numbers in the comments), the seed article, negation and modality, dates,
places, merging, explanations and the pattern file format."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import SEED, shared_path
from marsad import Pipeline, analyze
from marsad.errors import DataFileError
from marsad.events import EventCoder, PatternBook
from marsad.events.dates import find_times, hijri_to_gregorian
from marsad.resources import data_path
from marsad.text import Tokenizer

PUBLISHED = date(2018, 5, 16)  # a Wednesday


def events_of(pipeline: Pipeline, text: str, published: date | None = PUBLISHED
              ) -> list[dict[str, Any]]:
    doc = analyze(text, published=published, pipeline=pipeline)
    return doc.to_json()["events"]  # type: ignore[no-any-return]


def pairs(events: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(e["cameo"], e["source"]["text"], e["target"]["text"] if e["target"] else "-")
            for e in events}


# ----------------------------------------------------------------- one test per family
# (code family, sentence from the ANT corpus, expected (code prefix, source, target))
FAMILIES = [
    ("01 deny",  # ANT 9002
     "لكن سلطات دمشق تنفي استخدامها للأسلحة الكيماوية في دوما.",
     ("016", "سلطات دمشق", "-")),
    ("02 appeal",  # ANT 7002
     "دولة الكويت تدعو مجلس الأمن الدولي لعقد اجتماع طارئ لمناقشة الوضع في غزة",
     ("02", "دولة الكويت", "مجلس الأمن الدولي")),
    ("03 intent",  # ANT 13879
     "وحدث توتر بين أنقرة وباريس بعد أن عرض ماكرون الوساطة بين تركيا وقوات سوريا "
     "الديموقراطية.",
     ("039", "ماكرون", "تركيا")),
    ("04 consult",  # ANT 7021
     "الرئيس الفرنسي إيمانويل ماكرون أجرى اتصالا هاتفيا مع العاهل الأردني الملك عبد الله",
     ("041", "إيمانويل ماكرون", "العاهل الأردني الملك عبد الله")),
    ("05 cooperate verbally",  # ANT 7023
     "فيما دافعت الولايات المتحدة عن إسرائيل مؤكدة أنها مارست \"ضبط النفس\".",
     ("052", "الولايات المتحدة", "إسرائيل")),
    ("06 material cooperation",  # ANT (world/Middle East, line 4605)
     "وسلمت السلطات الإيطالية هارون إلى السلطات الأمريكية في سبتمبر/ أيلول 2012، بعد أن "
     "وافقت الحكومة الأمريكية على عدم التماس عقوبة الإعدام.",
     ("063", "السلطات الإيطالية", "السلطات الأمريكية")),
    ("07 provide aid",  # ANT (world/Middle East, lines 3001-4500)
     "وأكد تقرير للأمم المتحدة أن إيران مدت الحوثيين ببعض الاسلحة، ولكنه لم يحدد تاريخ "
     "التسليم.",
     ("07", "إيران", "الحوثيين")),
    ("08 yield",  # ANT 12546
     "وفي أواخر يوليو الماضي، أفرجت السلطات التركية عن برانسون (50 عاما) من أحد سجونها.",
     ("0841", "السلطات التركية", "برانسون")),
    ("09 investigate",  # ANT 12818
     "ذكرت وسائل إعلام محلية أن الشرطة الإسرائيلية استجوبت رئيس الوزراء بنيامين نتنياهو "
     "للمرة الثانية عشرة، الجمعة، في إطار تحقيق مطول بشأن الفساد.",
     ("091", "الشرطة الإسرائيلية", "نتنياهو")),
    ("10 demand",  # ANT 9026
     "سوريا: موسكو تطالب مجلس الأمن بالتحقيق في الهجوم الكيميائي المفترض على دوما",
     ("10", "موسكو", "مجلس الأمن")),
    ("11 accuse",  # ANT 7004
     "كما اتهم أردوغان إسرائيل بممارسة \"إرهاب الدولة\" و\"الإبادة\".",
     ("112", "أردوغان", "إسرائيل")),
    ("12 reject",  # ANT 7040
     "من جهة أخرى رفض كيم جونغ أون عرض وزير الخارجية الأمريكي مايك بومبيو.",
     ("120", "كيم جونغ أون", "وزير الخارجية الأمريكي")),
    ("13 threaten",  # ANT 9006
     "روحاني يتوعد واشنطن \"برد سريع\" حال انسحابها من الاتفاق النووي مع بلاده",
     ("138", "روحاني", "واشنطن")),
    ("14 protest",  # ANT 12182
     "تظاهر عشرات المحتجين أمام البرلمان الروسي، الخميس، قبل تصويت على اقتراح حكومي.",
     ("141", "المحتجين", "البرلمان الروسي")),
    ("15 exhibit force posture",  # ANT (lines 3001-4500)
     "كما رفعت إسرائيل حالة التأهب تحسبا لأي عملية عسكرية في سوريا.",
     ("15", "إسرائيل", None)),
    ("16 reduce relations",  # ANT 13386
     "وذكرت وزارة الخارجية الألمانية أن ألمانيا طردت 4 دبلوماسيين روس.",
     ("1661", "ألمانيا", "دبلوماسيين روس")),
    ("17 coerce",  # ANT 12058
     "اعتقلت السلطات الباكستانية رئيس الوزراء المعزول نواز شريف وابنته مريم بعد وصولهما "
     "للبلاد.",
     ("173", "السلطات الباكستانية", "نواز شريف")),
    ("18 assault",  # ANT 14068
     "وقتلت القوات الإسرائيلية الشاب، أحمد جرار، في فبراير الماضي.",
     ("1823", "القوات الإسرائيلية", "أحمد جرار")),
    ("19 fight",  # ANT 14012
     "ونفذت القوات الأميركية الغارة قرب مدينة أوباري جنوبي ليبيا وقتلت \"إرهابيين\".",
     ("195", "القوات الأميركية", None)),
    ("20 mass violence",  # ANT (lines 3001-4500)
     "وكان الجيش الإسرائيلي قد ارتكب مجازر راح ضحيتها أكثر من 100 فلسطيني، في تظاهرات "
     "\"حق العودة\"، قبل أسبوع، شارك فيها الآلاف في غزة للمطالبة بحق اللاجئين في العودة "
     "إلى ديارهم التي هجروا منها.",
     ("20", "الجيش الإسرائيلي", None)),
]


FAMILY = {name: sentence for name, sentence, _expected in FAMILIES}


@pytest.mark.parametrize(("family", "sentence", "expected"), FAMILIES,
                         ids=[f[0] for f in FAMILIES])
def test_events_code_family_on_real_sentence(pipeline: Pipeline, family: str, sentence: str,
                                             expected: tuple[str, str, str | None]) -> None:
    events = events_of(pipeline, sentence)
    code, source, target = expected
    hits = [e for e in events if e["cameo"].startswith(code) and e["source"]["text"] == source]
    assert hits, f"{family}: no {code} event by {source!r} in {pairs(events)}"
    if target == "-":
        assert any(e["target"] is None for e in hits)
    elif target is not None:
        assert any(e["target"] and target in e["target"]["text"] for e in hits), pairs(events)


def test_events_speech_frame_is_not_an_event_itself(pipeline: Pipeline) -> None:
    # «ذكرت وزارة الخارجية» only introduces the expulsion: one event
    events = events_of(pipeline, FAMILY["16 reduce relations"])
    assert [e["cameo"] for e in events] == ["1661"]


# ----------------------------------------------------------------- nothing happened
@pytest.mark.parametrize("sentence", [
    # ANT 13796: «لم يعلن التنظيم مسؤوليته» is negated
    "وقالت الشرطة إنه عمل بشكل منفرد، كما لم يعلن التنظيم مسؤوليته عن الهجوم الأول من نوعه "
    "في فنلندا.",
    # ANT 7040: a withdrawal demanded is no withdrawal
    "وكانت بيونغ يانغ طالبت بانسحاب القوات الأمريكية المنتشرة في كوريا الجنوبية.",
    # ANT 7024: a meeting threatened with cancellation has not happened
    "كوريا الشمالية تهدد بإلغاء لقاء كيم-ترامب إذا ضغطت واشنطن عليها",
])
def test_events_negated_requested_or_cancelled_acts_are_not_coded(
        pipeline: Pipeline, sentence: str) -> None:
    codes = {e["cameo"][:2] for e in events_of(pipeline, sentence)}
    assert not codes & {"01", "04", "08", "09"} or codes <= {"10", "13"}, codes
    assert not any(e["negated"] for e in events_of(pipeline, sentence))


def test_events_no_event_in_a_sentence_where_nothing_happened(pipeline: Pipeline) -> None:
    # ANT 9057 (first clause): prices, no political actor acting on another
    assert events_of(pipeline, "ارتفع سعر برميل النفط إلى أعلى مستوى له منذ 2014.") == []


def test_events_denial_is_coded_and_what_is_denied_is_not(pipeline: Pipeline) -> None:
    # ANT 9012: Syria denies using chemical weapons; the use itself is not an event
    events = events_of(pipeline, "فيما نفت سوريا وحليفتها روسيا مراراً أي استخدام للأسلحة "
                                 "الكيميائية.")
    assert {e["cameo"] for e in events} == {"016"}
    assert "سوريا" in {e["source"]["text"] for e in events}


def test_events_still_is_no_negation(pipeline: Pipeline) -> None:
    # ANT 13083: «لا تزال أنقرة تطالب» = Ankara still demands
    events = events_of(pipeline, "ولا تزال أنقرة تطالب واشنطن بتسليم رجل الدين فتح الله غولن.")
    assert ("100", "أنقرة", "واشنطن") in pairs(events)


def test_events_future_statement_keeps_modality(pipeline: Pipeline) -> None:
    # ANT 9002: talks «tomorrow» are an intent to meet (036), not a meeting
    events = events_of(pipeline, "أفادت الصحيفة أن محمد بن سلمان يجري محادثات يوم غد مع "
                                 "الرئيس الفرنسي إيمانويل ماكرون.")
    assert [e["cameo"] for e in events] == ["036"]
    assert events[0]["modality"] == "future"


# ----------------------------------------------------------------- roles
def test_events_coordinated_actors_give_one_event_per_pair(pipeline: Pipeline) -> None:
    # ANT 9051
    events = events_of(pipeline, "واتهمت موسكو وطهران الولايات المتحدة بالبحث عن \"ذريعة\" "
                                 "لضرب سوريا.")
    assert {("112", "موسكو", "الولايات المتحدة"),
            ("112", "طهران", "الولايات المتحدة")} <= pairs(events)


def test_events_relative_clause_subject_is_its_antecedent(pipeline: Pipeline) -> None:
    # ANT 7040: «بومبيو الذي زار بيونغ يانغ»
    events = events_of(pipeline, "من جهة أخرى رفض كيم جونغ أون عرض وزير الخارجية الأمريكي "
                                 "مايك بومبيو الذي زار بيونغ يانغ مرتين.")
    visits = [e for e in events if e["cameo"] == "042"]
    assert visits and visits[0]["source"]["text"] == "مايك بومبيو"
    assert visits[0]["target"]["text"] == "بيونغ يانغ"


def test_events_unknown_name_as_subject_is_not_replaced_by_a_guess(pipeline: Pipeline) -> None:
    # ANT 7024: «ناورت» is no known actor; the denial must not go to someone else
    events = events_of(pipeline, "لكن ناورت نفت أن تكون هذه المناورات استفزازا.")
    assert all(e["source"]["text"] == "ناورت" for e in events)  # her, or nobody


def test_events_event_inside_someone_s_words_is_reported_by_them(pipeline: Pipeline) -> None:
    # ANT 13386: Germany expelled diplomats, according to its foreign ministry
    events = events_of(pipeline, FAMILY["16 reduce relations"])
    assert events[0]["reported_by"]["text"] == "وزارة الخارجية الألمانية"


def test_events_seed_codes_the_gold_events(pipeline: Pipeline,
                                           check_output: Callable[[dict[str, Any]], None]
                                           ) -> None:
    out = analyze(SEED.read_text("utf-8"), pipeline=pipeline).to_json()
    check_output(out)
    name = {e["id"]: e["name"] for e in out["entities"]}
    got = {(e["cameo"][:3], name.get(e["source"]["entity"], e["source"]["text"]),
            name.get(e["target"]["entity"], e["target"]["text"]) if e["target"] else "-")
           for e in out["events"]}
    assert ("033", "قاسم سليماني", "كتائب عز الدين القسام") in got  # the offer of support
    assert ("054", "دونالد ترامب", "القدس") in got  # recognition of Jerusalem
    assert ("041", "إسماعيل هنية", "حسن روحاني") in got  # Haniyeh's call to Rouhani
    assert any(c == "041" and s == "قاسم سليماني" for c, s, _t in got)  # the calls
    assert ("111", "إسماعيل هنية", "دونالد ترامب") in got  # condemnation of the decision
    assert ("051", "حركة حماس", "إيران") in got  # praise of Iran
    for e in out["events"]:
        assert out["text"][e["trigger"]["start"]:e["trigger"]["end"]] == e["trigger"]["text"]
        for role in ("source", "target"):
            r = e[role]
            if r and r["start"] is not None:
                assert out["text"][r["start"]:r["end"]] == r["text"]
        assert e["pattern"] and 0 < e["confidence"] <= 1
        assert e["quad_class"] in (1, 2, 3, 4) and e["cameo_root"] == e["cameo"][:2]


def test_events_seed_and_dev_scores_stay_above_the_floor(pipeline: Pipeline) -> None:
    from marsad.evaluate import evaluate, find_gold_files
    from marsad.recovery import iter_inputs

    gold = [shared_path("gold", "seed.gold.json"), shared_path("gold", "dev")]

    def run(path: Path) -> dict[str, Any]:
        raw = next(iter(iter_inputs([str(path)])))
        assert not isinstance(raw, Exception)
        return pipeline(raw).to_json()

    seed = evaluate(find_gold_files([str(gold[0])]), run)
    dev = evaluate(find_gold_files([str(gold[1])]), run)
    seed_root = next(p for p in seed.parts if p.name == "events_root")
    dev_root = next(p for p in dev.parts if p.name == "events_root")
    assert seed_root.f1 >= 0.8
    assert dev_root.f1 >= 0.6 and dev_root.precision >= dev_root.recall


# ----------------------------------------------------------------- one event, several tellings
def test_events_headline_and_body_tellings_are_one_event(pipeline: Pipeline) -> None:
    # ANT 12058, told in the headline and again in the body
    text = ("اعتقال نواز شريف\n\nاعتقلت السلطات الباكستانية رئيس الوزراء المعزول نواز شريف "
            "وابنته مريم بعد وصولهما للبلاد.\n\nوقالت إن السلطات الباكستانية اعتقلت نواز شريف "
            "في لاهور.")
    events = [e for e in events_of(pipeline, text) if e["cameo"] == "173"]
    assert len(events) == 1
    assert len(events[0]["mentions"]) == 2


# ----------------------------------------------------------------- time and place
def test_events_dates_resolve_against_publication(pipeline: Pipeline) -> None:
    tokenizer = Tokenizer(pipeline.knowledge.lexicon)
    text = ("قال أمس وأول أمس واليوم ومساء الأربعاء والشهر الماضي في 14 كانون الأول 2017 "
            "و3 رمضان 1439 هـ")
    tokens = tokenizer(text)
    found = {text[t.start:t.end]: t.value
             for t in find_times(tokens, 0, len(tokens), text, date(2018, 5, 20))}
    assert found["أمس"] == "2018-05-19"
    assert found["أول أمس"] == "2018-05-18"
    assert found["اليوم"] == "2018-05-20"
    assert found["مساء الأربعاء"] == "2018-05-16"
    assert found["الشهر الماضي"] == "2018-04"
    assert found["14 كانون الأول 2017"] == "2017-12-14"
    assert found["3 رمضان 1439 هـ"] == "2018-05-18"


def test_events_hijri_conversion_is_within_two_days_of_umm_al_qura() -> None:
    # 1 Ramadan 1439 was 17 May 2018 in Saudi Arabia
    got = hijri_to_gregorian(1439, 9, 1)
    assert got is not None and abs((got - date(2018, 5, 17)).days) <= 2
    assert hijri_to_gregorian(1439, 13, 1) is None


def test_events_date_text_and_place_are_geocoded(pipeline: Pipeline) -> None:
    # ANT 12041
    events = events_of(pipeline, "واعتقلت السلطات الإيرانية حسين الشيرازي في مدينة قم، قبل "
                                 "نحو أسبوعين، بعد ضربه بصاعق كهربائي.")
    arrest = next(e for e in events if e["cameo"] == "173")
    assert arrest["date"] == PUBLISHED.isoformat() and arrest["date_text"] is None
    loc = arrest["location"]
    assert loc is not None and loc["country"] == "IRN"
    assert loc["geonameid"] is not None and loc["lat"] is not None


def test_events_date_text_names_the_day(pipeline: Pipeline) -> None:
    # ANT 12182: «الخميس» before a Wednesday publication is the Thursday before
    events = events_of(pipeline, FAMILY["14 protest"])
    assert events[0]["date_text"] == "الخميس"
    assert events[0]["date"] == "2018-05-10"


# ----------------------------------------------------------------- codes, explanations
def test_events_codes_carry_cameo_plover_goldstein(pipeline: Pipeline) -> None:
    e = events_of(pipeline, FAMILY["17 coerce"])[0]
    assert (e["cameo"], e["label"], e["quad_class"]) == ("173", "Arrest, detain, or charge "
                                                         "with legal action", 4)
    assert e["goldstein"] == -5.0
    assert e["plover"]["event"] == "COERCE"


def test_events_explain_prints_patterns_and_rejections(
        pipeline: Pipeline, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from marsad.cli import main

    path = tmp_path / "a.txt"
    path.write_text("كوريا الشمالية تهدد بإلغاء لقاء كيم-ترامب إذا ضغطت واشنطن عليها\n\n"
                    + FAMILY["11 accuse"], "utf-8")
    assert main(["explain", str(path), "--published", "2018-05-16"]) == 0
    out = capsys.readouterr().out
    assert "accuse" in out and "coded" in out
    assert "rejected: negated" in out


def test_events_pattern_file_errors_name_the_line(pipeline: Pipeline, tmp_path: Path) -> None:
    bad = tmp_path / "extra.tsv"
    bad.write_text("id\tcameo\tforms\twith\ttarget\tnote\nmine\t999\tقال\t-\t-\tx\n", "utf-8")
    with pytest.raises(DataFileError, match=r"extra\.tsv:2.*999"):
        PatternBook.load(Tokenizer(pipeline.knowledge.lexicon), data_path("events"), [bad])


def test_events_user_pattern_file_adds_a_pattern(pipeline: Pipeline, tmp_path: Path) -> None:
    extra = tmp_path / "extra.tsv"
    extra.write_text("mine.call\t020\tنادى نادت\t-\t-\tcall for\n", "utf-8")
    book = PatternBook.load(Tokenizer(pipeline.knowledge.lexicon), data_path("events"), [extra])
    # the seed: «ونادت «حماس» و«الجهاد» بضرورة إطلاق انتفاضة جديدة»
    doc = analyze(SEED.read_text("utf-8"), pipeline=pipeline)
    mine = [e for e in EventCoder(book)(doc) if e.pattern == "mine.call"]
    assert "حماس" in {e.source.text for e in mine}
    assert all(e.cameo == "020" and e.target is None for e in mine)
