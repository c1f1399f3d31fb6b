"""marsad.evaluate: gold files, matching rules and scores, on hand-built output dicts."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from marsad.errors import GoldError
from marsad.evaluate import (
    Gold,
    GoldEntity,
    GoldEvent,
    GoldQuote,
    GoldStructure,
    Report,
    evaluate,
    find_gold_files,
    load_gold,
    match_key,
    score_document,
)

SHARED = Path(os.environ.get("MARSAD_SHARED",
                             Path(__file__).resolve().parents[2] / "shared"))


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not found: {path}")
    return path


@pytest.fixture(scope="module")
def seed() -> Gold:
    return load_gold(shared("gold", "seed.gold.json"))


def article(**layers: Any) -> dict[str, Any]:
    """A marsad.article/1-like dict with empty layers unless given."""
    out: dict[str, Any] = {"schema": "marsad.article/1", "text": "", "published": None,
                           "headline": None, "subheadline": None, "body": [],
                           "removed": [], "entities": [], "quotes": [], "events": []}
    out.update(layers)
    return out


def entity(eid: str, etype: str, name: str, *mentions: str) -> dict[str, Any]:
    return {"id": eid, "type": etype, "name": name,
            "mentions": [{"start": 0, "end": len(m), "text": m} for m in mentions or (name,)]}


def quote(text: str, speaker: str | None = None, speaker_text: str | None = None,
          start: int | None = None) -> dict[str, Any]:
    return {"id": "q1", "kind": "direct", "text": text,
            "start": start, "end": None if start is None else start + len(text),
            "speaker": speaker, "speaker_text": speaker_text, "cue": None, "via": None,
            "addressee": None}


def event(cameo: str, source: str | None, target: str | None,
          source_entity: str | None = None) -> dict[str, Any]:
    def arg(text: str | None, ent: str | None = None) -> dict[str, Any] | None:
        if text is None and ent is None:
            return None
        return {"entity": ent, "text": text or "", "start": 0, "end": 0}
    return {"id": "v1", "cameo": cameo, "source": arg(source, source_entity),
            "target": arg(target)}


def small_gold(tmp_path: Path, **fields: Any) -> Gold:
    return Gold(path=tmp_path / "x.gold.json", doc="x.json", input_path=tmp_path / "x.json",
                **fields)


# --------------------------------------------------------------------------- gold files


def test_evaluate_load_gold_resolves_the_seed_doc_path(seed: Gold) -> None:
    assert seed.doc == "seeds/000_71a91cbf61425026.txt"
    assert seed.input_path == (SHARED / seed.doc).resolve()
    assert seed.input_path.is_file()
    assert seed.published is None
    assert seed.structure is not None and seed.structure.body_paragraphs == 11
    assert len(seed.entities) == 25 and seed.entities[0].names == ("قاسم سليماني", "سليماني")
    assert seed.events[0].cameo[0] == "0332"
    assert seed.events[9].target is None


def test_evaluate_load_gold_reads_every_shared_gold_file() -> None:
    files = find_gold_files([str(shared("gold"))])
    assert files == sorted(files) and len(files) >= 2
    assert all(f.name.endswith(".gold.json") for f in files)
    for path in files:
        gold = load_gold(path)
        assert gold.input_path.is_file()


def test_evaluate_find_gold_files_recurses_sorts_and_dedups(tmp_path: Path) -> None:
    (tmp_path / "b" / "deep").mkdir(parents=True)
    for rel in ("b/deep/z.gold.json", "a.gold.json", "b/c.gold.json", "b/c.json"):
        (tmp_path / rel).write_text("{}", encoding="utf-8")
    found = find_gold_files([str(tmp_path / "b"), str(tmp_path), str(tmp_path / "a.gold.json")])
    assert found == sorted([tmp_path / "a.gold.json", tmp_path / "b" / "c.gold.json",
                            tmp_path / "b" / "deep" / "z.gold.json"])
    with pytest.raises(GoldError):
        find_gold_files([str(tmp_path / "missing")])


def write_gold(tmp_path: Path, **fields: Any) -> Path:
    data: dict[str, Any] = {"schema": "marsad.gold/1", "doc": "inputs/x.json",
                            "published": None, "entities": [], "quotes": [],
                            "not_quotes": [], "events": []}
    data.update(fields)
    path = tmp_path / "gold" / "dev" / "x.gold.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_evaluate_load_gold_walks_up_to_find_the_input(tmp_path: Path) -> None:
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "x.json").write_text("{}", encoding="utf-8")
    gold = load_gold(write_gold(tmp_path))
    assert gold.input_path == (tmp_path / "inputs" / "x.json").resolve()


def test_evaluate_missing_gold_input_raises_gold_error(tmp_path: Path) -> None:
    path = write_gold(tmp_path, doc="inputs/nowhere.json")
    with pytest.raises(GoldError) as err:
        load_gold(path)
    assert err.value.code == "E007"
    assert "nowhere.json" in str(err.value) and str(path) in str(err.value)


@pytest.mark.parametrize(("fields", "says"), [
    ({"schema": "marsad.gold/0"}, "schema"),
    ({"entities": [{"type": "GRP", "names": ["x"]}]}, "entities[0].type"),
    ({"quotes": [{"speaker": ["x"], "kind": "said", "contains": "x"}]}, "quotes[0].kind"),
    ({"events": [{"source": ["x"], "target": None, "cameo": ["A1"]}]}, "events[0].cameo"),
    ({"published": "yesterday"}, "published"),
])
def test_evaluate_bad_gold_raises_gold_error(tmp_path: Path, fields: dict[str, Any],
                                             says: str) -> None:
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "x.json").write_text("{}", encoding="utf-8")
    with pytest.raises(GoldError, match=says.replace("[", r"\[")):
        load_gold(write_gold(tmp_path, **fields))


def test_evaluate_unreadable_gold_raises_gold_error(tmp_path: Path) -> None:
    path = tmp_path / "x.gold.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(GoldError, match="JSON"):
        load_gold(path)
    with pytest.raises(GoldError, match="cannot read"):
        load_gold(tmp_path / "absent.gold.json")


# --------------------------------------------------------------------------- matching


@pytest.mark.parametrize(("raw", "key"), [
    ("لـ«حركة حماس»", "لحركه حماس"),
    ("  إسماعيلُ   هنيّة، ", "اسماعيل هنيه"),
    ("سائر فصائل (جبهة المقاومة) في", "ساءر فصاءل جبهه المقاومه في"),
    ('القصف استهدف "القوات الشعبية"', "القصف استهدف القوات الشعبيه"),
    ("مستشفى", "مستشفي"),
])
def test_evaluate_match_key_normalises_and_drops_punctuation(raw: str, key: str) -> None:
    assert match_key(raw) == key


@pytest.mark.parametrize(("mention", "gold_name", "matches"), [
    ("وحماس", "حماس", True),
    ("لـ«حركة حماس»", "حركة حماس", True),
    ("وبالقدس", "القدس", True),
    ("للقدس", "القدس", True),
    ("القدس", "قدس", False),  # the article is not a proclitic
    ("حماس", "حركة حماس", False),  # entities need an exact name
])
def test_evaluate_entity_matching_accepts_proclitics(tmp_path: Path, mention: str,
                                                     gold_name: str, matches: bool) -> None:
    gold = small_gold(tmp_path, entities=(GoldEntity("ORG", (gold_name,)),))
    out = article(entities=[entity("e1", "ORG", "x", mention)])
    part = score_document(gold, out).part("entities")
    assert (part.tp, part.fp, part.fn) == ((1, 0, 0) if matches else (0, 1, 1))


def test_evaluate_entities_typed_grp_ignored_and_optional_neutral(tmp_path: Path) -> None:
    gold = small_gold(tmp_path, entities=(
        GoldEntity("PER", ("إسماعيل هنية", "هنية")),
        GoldEntity("LOC", ("القدس",)),
        GoldEntity("ORG", ("القمة الإسلامية",), required=False),
        GoldEntity("ORG", ("وكالة تسنيم",)),
    ))
    out = article(entities=[
        entity("e1", "PER", "إسماعيل هنية", "إسماعيل هنية", "هنية"),
        entity("e2", "ORG", "القدس"),  # right name, wrong type
        entity("e3", "ORG", "القمة الإسلامية"),  # optional gold: neither TP nor FP
        entity("e4", "GRP", "الشعب الفلسطيني"),  # not scored
        entity("e5", "MISC", "وكالة تسنيم"),  # not scored, so no match either
        entity("e6", "LOC", "غزة"),  # false positive
    ])
    result = score_document(gold, out)
    untyped, typed = result.part("entities"), result.part("entities_typed")
    assert (untyped.tp, untyped.fp, untyped.fn, untyped.predicted, untyped.ignored) == (
        2, 1, 1, 4, 1)
    assert (typed.tp, typed.fp, typed.fn) == (1, 2, 2)
    assert untyped.precision == pytest.approx(2 / 3)
    assert untyped.recall == pytest.approx(2 / 3)
    assert any("غزة" in n for n in result.notes)


def test_evaluate_each_gold_entity_matches_once(tmp_path: Path) -> None:
    gold = small_gold(tmp_path, entities=(GoldEntity("PER", ("قاسم سليماني", "سليماني")),))
    out = article(entities=[entity("e1", "PER", "قاسم سليماني"),
                            entity("e2", "PER", "سليماني")])
    part = score_document(gold, out).part("entities_typed")
    assert (part.tp, part.fp, part.fn) == (1, 1, 0)


# --------------------------------------------------------------------------- quotes


def test_evaluate_perfect_quote_is_a_true_positive(seed: Gold) -> None:
    wanted = seed.quotes[0]
    out = article(
        entities=[entity("e1", "PER", "قاسم سليماني", "اللواء قاسم سليماني", "سليماني")],
        quotes=[quote(f"قال إن «{wanted.contains}» اليوم", speaker="e1")],
    )
    result = score_document(seed, out)
    quotes = result.part("quotes")
    required = sum(q.required for q in seed.quotes)
    assert (quotes.tp, quotes.fp, quotes.fn, quotes.predicted) == (1, 0, required - 1, 1)
    assert quotes.precision == 1.0
    speakers = result.part("quote_speakers")
    assert (speakers.tp, speakers.fp, speakers.fn) == (1, 0, 0)


def test_evaluate_quote_speaker_by_text_and_suffix_token(seed: Gold) -> None:
    first, second = seed.quotes[0].contains, seed.quotes[4].contains  # Soleimani, Sheikh
    out = article(quotes=[quote(first, speaker_text="سليماني"),
                          quote(second, speaker_text="روحاني")])
    speakers = score_document(seed, out).part("quote_speakers")
    assert (speakers.tp, speakers.fp, speakers.fn) == (1, 1, 1)


def test_evaluate_quote_matches_by_token_share_when_cut_short(tmp_path: Path) -> None:
    contains = "إيران على أتم الاستعداد لتقديم الدعم الشامل لقوات المقاومة الفلسطينية"
    text = f"وقال سليماني إن «{contains}» في المنطقة"
    gold = small_gold(tmp_path, quotes=(GoldQuote(("سليماني",), "direct", contains),))
    cut = "إيران على أتم الاستعداد لتقديم الدعم الشامل"  # 7 of 10 tokens
    at = text.index(cut)
    assert score_document(gold, article(text=text, quotes=[quote(cut, start=at)])
                          ).part("quotes").tp == 1
    elsewhere = article(text=text + " " + cut, quotes=[quote(cut, start=len(text) + 1)])
    assert score_document(gold, elsewhere).part("quotes").tp == 0
    too_short = "إيران على أتم الاستعداد"
    assert score_document(gold, article(quotes=[quote(too_short)])).part("quotes").tp == 0


def test_evaluate_not_quote_in_output_is_counted(seed: Gold) -> None:
    out = article(quotes=[quote("«حركة حماس»"), quote("فيلق القدس"), quote("كلام عادي")])
    result = score_document(seed, out)
    assert result.part("not_quotes").fp == 2
    assert result.part("quotes").fp == 3
    assert sum("not_quotes" in n for n in result.notes) == 2


def test_evaluate_optional_quote_is_neither_tp_nor_fp(seed: Gold) -> None:
    optional = next(q for q in seed.quotes if not q.required)
    quotes = score_document(seed, article(quotes=[quote(optional.contains)])).part("quotes")
    assert (quotes.tp, quotes.fp, quotes.ignored) == (0, 0, 1)


# --------------------------------------------------------------------------- events


def test_evaluate_event_codes_roots_and_targets(tmp_path: Path) -> None:
    gold = small_gold(tmp_path, events=(
        GoldEvent(("قاسم سليماني", "سليماني"), ("كتائب القسام", "حماس"), ("0332", "033")),
        GoldEvent(("سرايا القدس",), None, ("010",)),
        GoldEvent(("إيران",), ("الفلسطينيين",), ("0332",), required=False),
    ))
    out = article(
        entities=[entity("e1", "PER", "قاسم سليماني", "اللواء قاسم سليماني")],
        events=[
            event("033", None, "لحماس", source_entity="e1"),  # alternative code, proclitic
            event("012", "سرايا القدس", None),  # root 01 of 010 only
            event("0332", "إيران", "الفلسطينيين"),  # optional gold
            event("0332", "إيران", "إسرائيل"),  # wrong target: false positive
        ],
    )
    result = score_document(gold, out)
    exact, root = result.part("events"), result.part("events_root")
    assert (exact.tp, exact.fp, exact.fn, exact.ignored) == (1, 2, 1, 1)
    assert (root.tp, root.fp, root.fn, root.ignored) == (2, 1, 0, 1)


def test_evaluate_event_null_target_needs_null(tmp_path: Path) -> None:
    gold = small_gold(tmp_path, events=(GoldEvent(("سرايا القدس",), None, ("010",)),))
    with_target = article(events=[event("010", "سرايا القدس", "إسرائيل")])
    assert score_document(gold, with_target).part("events").tp == 0
    without = article(events=[event("010", "سرايا القدس", None)])
    assert score_document(gold, without).part("events").tp == 1


# --------------------------------------------------------------------------- structure


def test_evaluate_structure_and_published_checks(tmp_path: Path) -> None:
    structure = GoldStructure(
        present=frozenset({"headline", "subheadline", "body_paragraphs", "body_starts_with",
                           "body_ends_with", "removed"}),
        headline="عنوان  الخبر", subheadline=None, body_paragraphs=2,
        body_starts_with="أول", body_ends_with="الآخر.", removed=("لم تشترك بعد", "اشترك"))
    gold = small_gold(tmp_path, structure=structure, published="2018-03-03")
    body = [{"start": 0, "end": 0, "text": "أول فقرة"},
            {"start": 0, "end": 0, "text": "ثم اشترك الآخر."}]
    out = article(headline="عنوان الخبر", subheadline=None, body=body, published="2018-03-03",
                  removed=[{"text": "لم تشترك بعد", "reason": "boilerplate"}])
    result = score_document(gold, out)
    part = result.part("structure")
    assert (part.tp, part.fn) == (6, 1)  # "اشترك" is not removed and is still in the body
    assert result.part("published").tp == 1
    assert any("اشترك" in n for n in result.notes)


def test_evaluate_structure_only_when_gold_has_it(tmp_path: Path) -> None:
    result = score_document(small_gold(tmp_path), article(headline="x"))
    assert result.part("structure").tp + result.part("structure").fn == 0
    assert result.part("published").tp + result.part("published").fn == 0


# --------------------------------------------------------------------------- report


def test_evaluate_runs_analyze_on_the_gold_inputs(seed: Gold) -> None:
    seen: list[Path] = []

    def analyze(path: Path) -> dict[str, Any]:
        seen.append(path)
        return article()

    report = evaluate([seed.path], analyze)
    assert isinstance(report, Report)
    assert seen == [seed.input_path]
    entities = report.part("entities")
    assert (entities.tp, entities.fp, entities.predicted) == (0, 0, 0)
    assert entities.fn == sum(e.required for e in seed.entities)
    assert entities.precision == 0.0 and entities.recall == 0.0
    table = report.format()
    assert "0 predicted" in table and "0.000" in table and "entities_typed" in table
    assert str(seed.path) not in table
    assert str(seed.path) in report.format(per_doc=True)
    data = report.to_json()
    assert data["documents"] == 1
    assert data["parts"]["entities"]["predicted"] == 0
    assert data["parts"]["structure"]["fn"] == 7
    json.dumps(data, ensure_ascii=False)


def test_evaluate_micro_averages_over_documents(tmp_path: Path) -> None:
    (tmp_path / "inputs").mkdir()
    paths = []
    for name, person in (("a", "هنية"), ("b", "روحاني")):
        (tmp_path / "inputs" / f"{name}.json").write_text("{}", encoding="utf-8")
        path = tmp_path / f"{name}.gold.json"
        path.write_text(json.dumps({
            "schema": "marsad.gold/1", "doc": f"inputs/{name}.json", "published": None,
            "entities": [{"type": "PER", "names": [person], "required": True},
                         {"type": "LOC", "names": ["إيران"], "required": True}],
            "quotes": [], "not_quotes": [], "events": []}), encoding="utf-8")
        paths.append(path)
    outputs = {"a.json": article(entities=[entity("e1", "PER", "هنية")]),
               "b.json": article(entities=[entity("e1", "PER", "ظريف")])}
    report = evaluate(paths, lambda p: outputs[p.name])
    part = report.part("entities")
    assert (part.tp, part.fp, part.fn) == (1, 1, 3)
    assert [d.part("entities").tp for d in report.docs] == [1, 0]
