"""The actor dictionary: shipped data, lookups, roles by date, user files, the CLI."""

from __future__ import annotations

import argparse
import json
import time
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from marsad.actors import (
    Actor,
    ActorDictionary,
    ActorFileError,
    CodeRange,
    match_key,
    parse_codes,
)
from marsad.actors.cli import add_commands
from marsad.actors.dictionary import data_dir
from marsad.errors import MarsadError
from marsad.resources import load_lexicon
from marsad.text.tokenize import Tokenizer

DEC_2017 = date(2017, 12, 14)
HEADER = "id\ttype\tname_ar\tname_en\taliases_ar\tcodes\tcountry\twikidata\tsource\n"


@pytest.fixture(scope="module")
def actors() -> ActorDictionary:
    return ActorDictionary.load()


def ids(found: list[Actor]) -> list[str]:
    return [a.id for a in found]


# -- names ----------------------------------------------------------------------------------

def test_hamas_full_and_short_name_are_one_actor(actors: ActorDictionary) -> None:
    full, short = actors.lookup("حركة حماس"), actors.lookup("حماس")
    assert ids(full) == ids(short) == ["hamas"]
    hamas = full[0]
    assert hamas.country == "PSE"
    assert hamas.code_at(DEC_2017) == "PSEREBHMS"  # Phoenix's code
    # quotes and punctuation are ignored
    assert ids(actors.lookup("«حماس»")) == ["hamas"]


def test_exact_only_alias_does_not_take_the_article(actors: ActorDictionary) -> None:
    # «الحماس» is "the enthusiasm", not Hamas
    assert "hamas" not in ids(actors.lookup("الحماس"))


def test_trump_spellings(actors: ActorDictionary) -> None:
    a, b = actors.lookup("ترمب"), actors.lookup("ترامب")
    assert ids(a) == ids(b) == ["donald_trump"]
    trump = a[0]
    assert trump.country == "USA"
    assert trump.code_at(DEC_2017) == "USAGOV"
    assert trump.code_at(date(2022, 6, 1)) == "USAELI"
    assert trump.code_at(date(2025, 6, 1)) == "USAGOV"  # second term
    assert ids(actors.lookup("دونالد ترمب")) == ["donald_trump"]


def test_revolutionary_guard(actors: ActorDictionary) -> None:
    for name in ("الحرس الثوري", "الحرس الثوري الإيراني", "حرس الثورة"):
        found = actors.lookup(name)
        assert found, name
        code = found[0].code_at(DEC_2017) or ""
        assert code.startswith("IRN") and "MIL" in code, (name, code)


def test_article_and_spelling_are_ignored(actors: ActorDictionary) -> None:
    assert ids(actors.lookup("فيلق القدس")) == ids(actors.lookup("الفيلق القدس"))
    assert actors.lookup("سوريا")[0].id == actors.lookup("سورية")[0].id == "country:SYR"
    # hamza and ta marbuta folds
    assert ids(actors.lookup("اسماعيل هنيه")) == ["ismail_haniyeh"]
    # عبدالله / عبد الله
    assert ids(actors.lookup("عبدالله الثاني")) == ids(actors.lookup("عبد الله الثاني"))


def test_countries_and_capitals(actors: ActorDictionary) -> None:
    iran = actors.country("IRN")
    assert iran is not None and iran.name_en == "Iran" and iran.wikidata == "Q794"
    assert actors.lookup("إيران") == [iran]
    tehran = actors.lookup("طهران")[0]
    assert tehran.type == "LOC" and tehran.country == "IRN"
    assert tehran.code_at(DEC_2017) == "IRNGOV"  # a capital acts for its government
    # CLDR and stefangabos names both work
    assert actors.lookup("الأراضي الفلسطينية")[0].id == "country:PSE"
    assert actors.lookup("فلسطين")[0].id == "country:PSE"
    # the same letters: Oman and Amman
    assert set(ids(actors.lookup("عمان"))) == {"country:OMN", "capital:amman"}


# -- demonyms, agents, roles ---------------------------------------------------------------

@pytest.mark.parametrize(("word", "form"), [
    ("الإيراني", "m"), ("الإيرانية", "f"), ("الإيرانيين", "pl"), ("الإيرانيون", "pl"),
    ("إيراني", "m"), ("الإيرانيات", "pl"),
])
def test_iranian_demonyms(actors: ActorDictionary, word: str, form: str) -> None:
    assert actors.demonym(word) == ("IRN", form)


def test_other_demonyms(actors: ActorDictionary) -> None:
    assert actors.demonym("الأميركي") == actors.demonym("الأمريكي") == ("USA", "m")
    assert actors.demonym("الأمريكيين") == ("USA", "pl")
    assert actors.demonym("الألمانية") == ("DEU", "f")
    assert actors.demonym("الأتراك") == ("TUR", "pl")
    assert actors.demonym("حماس") is None


@pytest.mark.parametrize(("phrase", "code"), [
    ("الجيش", "MIL"), ("الجنود", "MIL"), ("القوات", "MIL"), ("الشرطة", "COP"),
    ("المتظاهرون", "CVL"), ("المحتجين", "CVL"), ("المدنيين", "CVL"), ("الحكومة", "GOV"),
    ("الرئيس", "GOV"), ("رئيس الوزراء", "GOV"), ("وزارة", "GOV"), ("المعارضة", "OPP"),
    ("المسلحون", "REB"), ("المتمردين", "REB"), ("البرلمان", "LEG"), ("المحكمة", "JUD"),
    ("رجال الأعمال", "BUS"), ("وسائل الإعلام", "MED"), ("الصحفيون", "MED"),
    ("وزير الدفاع", "GOVMIL"),
])
def test_agents(actors: ActorDictionary, phrase: str, code: str) -> None:
    assert actors.agent(phrase) == code


def test_role_keys(actors: ActorDictionary) -> None:
    assert actors.role_key("الرئيس") == "president"
    assert actors.role_key("رئيس الوزراء") == "prime_minister"
    assert actors.role_key("رئيسة الحكومة") == "prime_minister"
    assert actors.role_key("وزير الخارجية") == "foreign_minister"
    assert actors.role_key("الملك") == "king"
    assert actors.role_key("العاهل") == "king"
    assert actors.role_key("ولي العهد") == "crown_prince"
    assert actors.role_key("المرشد الأعلى") == "supreme_leader"
    assert actors.role_key("رئيس المكتب السياسي") == "politburo_chief"
    assert actors.role_key("الجيش") is None


def test_role_holders_by_date(actors: ActorDictionary) -> None:
    def holder(country: str, role: str, when: date | None) -> str | None:
        a = actors.role_holder(country, role, when)
        return a.id if a else None

    assert holder("IRN", "president", DEC_2017) == "hassan_rouhani"
    assert holder("IRN", "president", date(2022, 1, 1)) == "ebrahim_raisi"
    assert holder("IRN", "president", date(2012, 1, 1)) == "mahmoud_ahmadinejad"
    assert holder("USA", "president", date(2017, 6, 1)) == "donald_trump"
    assert holder("USA", "president", date(2021, 6, 1)) == "joe_biden"
    assert holder("USA", "president", date(2021, 1, 20)) == "joe_biden"  # changeover day
    assert holder("hamas", "politburo_chief", DEC_2017) == "ismail_haniyeh"
    assert holder("hamas", "politburo_chief", date(2015, 1, 1)) == "khaled_mashal"
    assert holder("ISR", "prime_minister", DEC_2017) == "benjamin_netanyahu"
    assert holder("SAU", "crown_prince", DEC_2017) == "mohammed_bin_salman"
    assert holder("SAU", "crown_prince", date(2016, 1, 1)) == "muhammad_bin_nayef"
    assert holder("IRN", "supreme_leader", None) == "ali_khamenei"
    assert holder("hezbollah", "leader", DEC_2017) == "hassan_nasrallah"  # falls back
    assert holder("LBN", "president", date(2015, 6, 1)) is None  # vacancy 2014-2016
    assert holder("XXX", "president", DEC_2017) is None


def test_code_at_respects_ranges() -> None:
    a = Actor("x", "PER", "س", None, (), parse_codes(
        "IRNGOV@2013-08-03..2021-08-03;IRNELI;IRNJUD@2019-03-07..2021-07-01"), "IRN", None)
    assert a.code_at(date(2010, 1, 1)) == "IRNELI"   # only the undated default applies
    assert a.code_at(date(2013, 8, 3)) == "IRNGOV"   # inclusive start
    assert a.code_at(date(2021, 8, 3)) == "IRNGOV"   # inclusive end
    assert a.code_at(date(2021, 8, 4)) == "IRNELI"
    assert a.code_at(date(2020, 1, 1)) == "IRNJUD"   # the range that started last wins
    assert a.code_at(None) == "IRNELI"               # current: the open-ended one
    only_past = Actor("y", "PER", "ص", None, (), parse_codes("USAGOV@2006-05-10..2007-09-14"),
                      "USA", None)
    assert only_past.code_at(date(2017, 1, 1)) is None
    assert only_past.code_at(None) == "USAGOV"        # most recent
    assert str(CodeRange("IRNELI", None, date(2013, 8, 2))) == "IRNELI@..2013-08-02"
    with pytest.raises(ValueError):
        parse_codes("IRNGOV@2021-01-01..2020-01-01")
    with pytest.raises(ValueError):
        parse_codes("irn gov")


def test_people_get_their_terms_of_office(actors: ActorDictionary) -> None:
    rouhani = actors.lookup("روحاني")[0]
    assert rouhani.code_at(date(2012, 1, 1)) == "IRNELI"
    assert rouhani.code_at(DEC_2017) == "IRNGOV"
    assert rouhani.code_at(date(2022, 1, 1)) == "IRNELI"
    haniyeh = actors.lookup("إسماعيل هنية")[0]
    assert haniyeh.code_at(DEC_2017) == "PSEREBHMS"


def test_every_term_gives_the_holder_the_role_code(actors: ActorDictionary) -> None:
    for holder in {*(a.country for a in actors if a.id.startswith("country:"))} - {None}:
        assert holder is not None
        for role in actors.roles:
            terms = sorted(actors.terms(holder, role), key=lambda t: t.start or date.min)
            for t in terms:
                day = t.start or t.end
                assert day is not None
                if t.start and (t.end is None or t.end > t.start):
                    day = t.start + timedelta(days=1)  # past a shared changeover day
                code = t.actor.code_at(day) or ""
                assert code.startswith(holder), (holder, role, t.actor.id, code)
            for a, b in pairwise(terms):
                # no two holders of one role at once (a changeover day may be shared)
                assert a.end is not None and b.start is not None and a.end <= b.start, (
                    holder, role, a.actor.id, b.actor.id)


# -- phrases --------------------------------------------------------------------------------

@pytest.mark.parametrize(("phrase", "when", "actor_id", "code"), [
    ("الرئيس الإيراني", DEC_2017, "hassan_rouhani", "IRNGOV"),
    ("الرئيس الإيراني", date(2022, 1, 1), "ebrahim_raisi", "IRNGOV"),
    ("الرئيس الأميركي", DEC_2017, "donald_trump", "USAGOV"),
    ("الرئيس الأمريكي", date(2021, 6, 1), "joe_biden", "USAGOV"),
    ("رئيس المكتب السياسي لحماس", DEC_2017, "ismail_haniyeh", "PSEREBHMS"),
    ("رئيس المكتب السياسي لحركة حماس", DEC_2017, "ismail_haniyeh", "PSEREBHMS"),
    ("وزير الخارجية الإيراني", DEC_2017, "javad_zarif", "IRNGOV"),
    ("رئيس الوزراء الإسرائيلي", DEC_2017, "benjamin_netanyahu", "ISRGOV"),
    ("ولي العهد السعودي", DEC_2017, "mohammed_bin_salman", "SAUGOV"),
    ("خادم الحرمين الشريفين", DEC_2017, "king_salman", "SAUGOV"),
    ("أمير قطر", DEC_2017, "tamim_bin_hamad", "QATGOV"),
    ("وزير خارجية قطر", date(2018, 3, 23), "mohammed_bin_abdulrahman", "QATGOV"),
    ("المستشارة الألمانية", DEC_2017, "angela_merkel", "DEUGOV"),
    ("الأمين العام للأمم المتحدة", DEC_2017, "antonio_guterres", "IGOUNO"),
    ("وزير الدفاع الأمريكي", DEC_2017, "jim_mattis", "USAGOVMIL"),
])
def test_role_phrases(actors: ActorDictionary, phrase: str, when: date, actor_id: str,
                      code: str) -> None:
    r = actors.resolve(phrase, when)
    assert r is not None and r.kind == "role"
    assert r.actor is not None and r.actor.id == actor_id
    assert r.code == code


@pytest.mark.parametrize(("phrase", "code"), [
    ("الجيش التركي", "TURMIL"), ("القوات التركية", "TURMIL"), ("الحكومة السورية", "SYRGOV"),
    ("الشرطة الإسرائيلية", "ISRCOP"), ("المتظاهرين الإيرانيين", "IRNCVL"),
    ("وزير الخارجية العماني", "OMNGOV"),  # no holder recorded: the role's code
])
def test_agent_and_country_phrases(actors: ActorDictionary, phrase: str, code: str) -> None:
    r = actors.resolve(phrase, DEC_2017)
    assert r is not None and r.code == code


def test_scanning_tokenized_text(actors: ActorDictionary) -> None:
    text = ("أبلغ اللواء قاسم سليماني، قائدُ «فيلق القدس» في «الحرس الثوري» الإيراني، "
            "مسؤولي «كتائب القسام» ووكالة «تسنيم» والرئيس الأميركي دونالد ترمب")
    tokens = [t.norm for t in Tokenizer(load_lexicon())(text)]
    found: list[str] = []
    i = 0
    while i < len(tokens):
        m = actors.match_at(tokens, i)
        if m:
            found.append(m[1][0].id)
            i += m[0]
        else:
            i += 1
    assert found == ["qasem_soleimani", "quds_force", "irgc", "qassam_brigades", "tasnim",
                     "donald_trump"]
    i = tokens.index(match_key("رئيس")) - 1  # the article token before it
    n, r = actors.resolve_at(tokens, i, DEC_2017) or (0, None)
    assert r is not None and r.actor is not None and r.actor.id == "donald_trump"
    assert tokens[i + n - 1] == "اميركي"
    assert actors.max_words >= 3
    assert match_key("حركة") in actors.first_words


def test_search(actors: ActorDictionary) -> None:
    assert actors.search("Hamas")[0].id == "hamas"
    assert actors.search("روحان")[0].id == "hassan_rouhani"
    assert actors.search("Rouhani")[0].id == "hassan_rouhani"
    assert len(actors.search("حزب", limit=5)) == 5


# -- loading --------------------------------------------------------------------------------

def test_load_is_fast() -> None:
    t = time.perf_counter()
    d = ActorDictionary.load()
    assert time.perf_counter() - t < 2.0
    assert len(d) > 3000


def test_user_file_adds_and_replaces_actors(tmp_path: Path) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text(
        "# my actors\n" + HEADER
        + "ahwaz_front\tORG\tجبهة تحرير الأحواز\tAhwaz Liberation Front\tحركة النضال العربي"
          "\tIRNREB@2005-01-01..\tIRN\t\tanalyst\n"
        + "hamas\tORG\tحركة حماس\tHamas\tحماس\tPSEGOV\tPSE\t\tanalyst\n",
        encoding="utf-8")
    d = ActorDictionary.load(extra_files=[extra])
    found = d.lookup("حركة النضال العربي")
    assert ids(found) == ["ahwaz_front"]
    assert found[0].code_at(date(2010, 1, 1)) == "IRNREB"
    assert found[0].code_at(date(2000, 1, 1)) is None
    assert d.lookup("حماس")[0].code_at(DEC_2017) == "PSEGOV"  # replaced by id
    assert ActorDictionary.load().lookup("حركة النضال العربي") == []


def test_user_file_with_only_the_required_columns(tmp_path: Path) -> None:
    extra = tmp_path / "min.tsv"
    extra.write_text("name_ar\tcodes\tid\nمجلس الحكم المحلي\tSYRGOV\tlocal_council\n",
                     encoding="utf-8")
    a = ActorDictionary.load(extra_files=[extra]).lookup("مجلس الحكم المحلي")[0]
    assert (a.id, a.type, a.code_at(None), a.source) == ("local_council", "ORG", "SYRGOV",
                                                          "min.tsv")


@pytest.mark.parametrize(("body", "line", "detail"), [
    (HEADER + "x\tORG\tاسم\t\t\tNOTACODE1\t\t\t\n", 2, "not a CAMEO actor code"),
    (HEADER + "x\tORG\tاسم\t\t\tIRNGOV\t\t\t\n" + "y\tXXX\tاسم\t\t\tIRNGOV\t\t\t\n", 3,
     "type must be one of"),
    (HEADER + "\n# comment\nx\tORG\tاسم\t\t\tIRNGOV@2020-13-01..\t\t\t\n", 4, "bad date"),
    (HEADER + "x\tORG\tاسم\t\t\tIRNGOV\tIran\t\t\n", 2, "ISO 3166 alpha-3"),
    (HEADER + "x\tORG\tاسم\t\t\tIRNGOV\t\t\t\textra\tcells\n", 2, "tab-separated fields"),
    (HEADER + "x\tORG\t\t\t\tIRNGOV\t\t\t\n", 2, "empty 'name_ar'"),
    ("id,type,name_ar,codes\nx,ORG,اسم,IRNGOV\n", 1, "header line must name the columns"),
])
def test_malformed_user_file_names_file_and_line(tmp_path: Path, body: str, line: int,
                                                 detail: str) -> None:
    bad = tmp_path / "bad actors.tsv"
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(ActorFileError) as info:
        ActorDictionary.load(extra_files=[bad])
    msg = str(info.value)
    assert msg.startswith("E010 ")
    assert str(bad) in msg and f"line {line}:" in msg and detail in msg, msg
    assert isinstance(info.value, MarsadError)


def test_missing_user_file(tmp_path: Path) -> None:
    with pytest.raises(ActorFileError, match="cannot read it"):
        ActorDictionary.load(extra_files=[tmp_path / "nope.tsv"])


def test_shipped_files() -> None:
    folder = data_dir()
    total = sum(p.stat().st_size for p in folder.iterdir())
    assert total < 15 * 1024 * 1024
    assert (folder / "PROVENANCE.md").read_text(encoding="utf-8").startswith("# Actor")
    for p in folder.glob("*.tsv"):
        text = p.read_text(encoding="utf-8")
        assert "anergazet" not in text.lower() and "saudinewsnet" not in text.lower(), p


# -- CLI ------------------------------------------------------------------------------------

def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="marsad")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.handler(args))


def test_cli_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["actors", "الرئيس الإيراني", "--date", "2017-12-14"]) == 0
    out = capsys.readouterr().out
    assert "president of IRN" in out and "حسن روحاني" in out and "IRNGOV" in out
    assert run_cli(["actors", "ترمب", "--date", "2017-12-14"]) == 0
    out = capsys.readouterr().out
    assert "Donald Trump" in out and "USAGOV" in out and "Q22686" in out and "ترامب" in out


def test_cli_json_and_extra_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text(HEADER + "ahwaz\tORG\tجبهة تحرير الأحواز\t\t\tIRNREB\tIRN\t\t\n",
                     encoding="utf-8")
    assert run_cli(["actors", "جبهة تحرير الأحواز", "--json", "--file", str(extra)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["actors"][0]["id"] == "ahwaz" and data["actors"][0]["code"] == "IRNREB"
    assert run_cli(["actors", "qqqqxyz"]) == 1
    capsys.readouterr()
    assert run_cli(["actors"]) == 2  # neither a query nor a store
    assert "--db" in capsys.readouterr().err


def test_cli_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(HEADER + "x\tORG\tاسم\t\t\tIRN GOV\t\t\t\n", encoding="utf-8")
    assert run_cli(["actors", "حماس", "--file", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "E010" in err and "bad.tsv" in err and "line 2" in err
