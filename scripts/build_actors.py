"""Build the generated files of the actor dictionary in ``src/marsad/data/actors``:

* ``countries.tsv`` -- ISO 3166 countries with Arabic and English names from Babel's CLDR
  data and the stefangabos/world_countries Arabic list (alpha-2 -> alpha-3 mapping);
* ``upetrarch_actors.tsv`` and ``upetrarch_agents.tsv`` -- the Universal-PETRARCH Arabic
  actor and agent dictionaries (MIT), cleaned (see ``PROVENANCE.md`` for what and why);
* ``PROVENANCE.md`` -- sources, licences, cleaning report, counts, how to rebuild.

The hand-written files beside them (``actors.tsv``, ``role_holders.tsv``, ``demonyms.tsv``,
``agents.tsv``, ``roles.tsv``, ``capitals.tsv``, ``country_extra.tsv``, ``variants.tsv``)
are read, never written. The output is deterministic: run it again and nothing changes.

    .venv/bin/python scripts/build_actors.py [SHARED_DATA_DIR]

SHARED_DATA_DIR defaults to ``$MARSAD_SHARED/data`` or ``../shared/data``.
"""

from __future__ import annotations

import collections
import csv
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import babel

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
from marsad.actors.dictionary import ActorDictionary, key_words, match_key  # noqa: E402

OUT = REPO / "src" / "marsad" / "data" / "actors"

def words(text: str) -> list[str]:
    return text.split()


# -- CAMEO code vocabulary --------------------------------------------------------------------
#: role (sector) codes of the CAMEO actor codebook and the PETRARCH dictionaries
SECTORS = frozenset(words("""
COP GOV INS JUD MIL OPP PTY REB SEP SPY UAF AGR BUS CRM CVL DEV EDU ELI ENV HLH HRI LAB
LEG MED MNC REF MOD RAD NGO IGO IMG
"""))
#: religion codes
RELIGIONS = frozenset(words("""
ADR ALE ATH BAH BUD CHR CON CPT CTH DOX DRZ HIN HSD ITR JAN JEW JHW LDS MOS MRN MUS NRM
PAG PRO SFI SHI SHN SIK SUN TAO UDR ZRO
"""))
#: first blocks that are not countries: international types and CAMEO regions
INTERNATIONAL = frozenset(words("IGO NGO IMG MNC UIS"))
REGIONS = frozenset(words("""
AFR ASA BLK CAS CAU CFR CSK DDR EAF EEU EUR FRY LAM MEA NAF NMR SAF SAM SAS SCG SEA SUN
USR WAF WEU WST YUG KSV PGS
"""))
# a few first blocks Phoenix uses that are not actor codes of a party in the news
NOT_FIRST = frozenset({"INT", "KKL", "EIN", "FRN", "KNT", "KRJ", "BAH", "ANG", "TMP"})

STOPWORDS = frozenset(normalized for normalized in (match_key(w) for w in words("""
من في الى إلى عن مع هذا هذه ذلك تلك هنا هناك الذي التي الذين اللذين هو هي هم هما انا
نحن انت أن إن ان كان كانت يكون قد لقد لم لن لا ما ماذا كل بعض او أو ثم بين حتى منذ عند غير
قام قامت قال قالت أكد اكد أعلن اعلن وقال وقالت بل لكن لكن ايضا أيضا و ل ب ف ك ال
""")) if normalized)
LEADING_JUNK = frozenset({"و", "ل", "ب", "ف", "ك", "ال"})

#: the type of international-coded entries (IGO, NGO ...) that are people or roles, not
#: bodies: checked by hand (their names have no first name the rules know)
TYPE_OVERRIDES: dict[str, str] = {
    **dict.fromkeys([
        "بيتر ف إن ولسوم", "جيل ديكرشوف", "كوفي أنان", "جيلكو بوغيتيتش", "عزيزة بناني",
        "مقرر خاص تابع ل أمة المتحدة ميلون كوثاري", "مفوض شأن توسيع اتحاد أوروبي أولي رين",
        "بن حلي", "نيللي كروس", "باتريك رينو", "حافظ شقير", "اندرس فوغ راسموسن",
        "سمير حسني", "ميليسا فليمينغ"], "PER"),
    **dict.fromkeys([
        "مفوض شأن خارجي في اتحاد أوروبي", "مقرر خاص تابع ل أمة المتحدة",
        "مفوض شأن توسيع اتحاد أوروبي", "منسق سياسة خارجي أوروبي",
        "مفوض تجاري ل اتحاد الوروبي"], "GRP"),
}

#: entries found wrong by hand (name as in the source file -> why); see PROVENANCE.md
MANUAL_DROPS: dict[str, str] = {
    "الأدميرال_مايك_مولن_رئيس_هيئة_ركن_مشترك_": "US admiral Mike Mullen coded IMG",
    "الأدميرال_مايك_مولن_": "the same",
    "مايك_مولن_": "the same",
    "كردستاني": "Kurdistani coded KGZ (Kyrgyzstan)",
    "برنامج_إيران_نووي_": "Iran's nuclear programme coded IRNGOV (a thing, not an actor)",
    "وكالة_استخبار_مركزي_": "CIA with the bare code SPY (curated as USASPY)",
    "جنرال_يحيى_خان_": "Yahya Khan (Pakistan) coded USAGOV",
    "إلدلاي_لاما_": "Dalai Lama coded INTCVL",
    "حركة_حماس_": "Hamas coded PSEREB only for 2014-09-08..2016-10-10 (dates carried over "
                  "from the entry above; curated as PSEREBHMS)",
    "حماس": "same carried-over dates; curated",
    "حرس_ثوري_إيراني_": "coded both IRNMIL and IRNSPY; curated as IRNMIL",
    "رئيس_وزير_تركيا_": "prime minister of Turkey coded as the country TUR",
    "دولة_علماني_": "\"secular state\" coded GOV",
    "مسوولن_إسرائيلي_": "misspelt lemma",
    "قام_دبابة_إسرائيلي_": "verb + noun fragment",
    "طالبة_سعودي_": "\"Saudi female student\" coded SAUEDU: a person description, not an actor",
    "فلسطين_واقع_": "fragment",
    "موقف_قيادة_كردي_": "\"Kurdish leadership's position\" coded IRQ",
    "وضع_عراقي_": "\"Iraqi situation\" coded IRQ",
    "كلام_مستهلك_": "\"hackneyed talk\" coded CHN",
    "مدينة": "\"city\" coded SAU",
    "قطاع": "\"sector\" coded PSEGOV",
    "تايوان": "Taiwan coded CHN in one entry (TWN in another)",
    "اسمرة": "Asmara (capital of Eritrea) coded SOM",
    "إقليم_كردستان_ب_شمال_عراق_": "Iraqi Kurdistan coded IRN",
    "ناسف": "\"explosive\" coded CHLEDU (machine-made tail of the file)",
    "معطى": "\"given\" coded CHNREB (machine-made tail of the file)",
    "جسم": "\"body\" coded CHLEDU (machine-made tail of the file)",
    "شرق_أوسط_": "\"Middle East\" (the region) coded SAUMED: the newspaper is curated",
    "إيه_تي_تي_": "AT&T: its cleaned name «إيه» is a common word",
    "ترك": "«ترك» (left, abandoned) coded TUR",
    "فتح": "«فتح» (opened) coded PSEPTY: curated as «حركة فتح»",
    "ملك_عبد_الله_": "two kings (Jordan, Saudi Arabia) merged: the role phrases resolve them",
    "كوريا": "Korea coded KOR: North or South",
}


#: country names that are also frequent ordinary words: only a longer name is kept
AMBIGUOUS_NAMES: dict[str, tuple[str, str, str]] = {
    "MLI": ("مالي", "جمهورية مالي", "also \"financial\""),
    "CMR": ("الكاميرون", "جمهورية الكاميرون", "«كاميرون» is David Cameron"),
}


def shared_data_dir() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    root = Path(os.environ.get("MARSAD_SHARED", REPO.parent / "shared"))
    return root / "data"


def read_tsv(path: Path) -> Iterator[dict[str, str]]:
    header: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if header is None:
            header = cells
            continue
        yield dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))


def split_bar(cell: str) -> list[str]:
    return [a.strip().lstrip("=") for a in cell.split("|") if a.strip()]


# -- countries ------------------------------------------------------------------------------

@dataclass
class Country:
    iso3: str
    iso2: str
    name_ar: str
    name_en: str
    aliases: list[str]
    source: str


def cldr_version() -> str:
    from babel.core import get_cldr_version
    return str(get_cldr_version())


def build_countries(shared: Path) -> list[Country]:
    ar = babel.Locale("ar").territories
    en = babel.Locale("en").territories
    out: list[Country] = []
    path = shared / "gazetteers" / "stefangabos_world_countries" / "world_ar.csv"
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            iso2, iso3 = row["alpha2"].upper(), row["alpha3"].upper()
            gabos = row["name"].strip()
            cldr_ar, cldr_en = ar.get(iso2, ""), en.get(iso2, "")
            name = gabos or cldr_ar
            aliases = [cldr_ar] if cldr_ar and cldr_ar != name else []
            src = "stefangabos/world_countries (CC BY-SA 4.0)" + (
                "; CLDR via Babel" if cldr_ar or cldr_en else "")
            if iso3 in AMBIGUOUS_NAMES:
                word, long_name, why = AMBIGUOUS_NAMES[iso3]
                aliases = [a for a in aliases if a != word]
                if word.startswith("ال"):  # exact-only: with its article it is unambiguous
                    aliases.append("=" + word)
                    src += f"; «{word}» exact-only ({why})"
                else:
                    src += f"; «{word}» alone left out ({why})"
                name = long_name if name == word else name
            out.append(Country(iso3, iso2, name, cldr_en, aliases, src))
    out.sort(key=lambda c: c.iso3)
    return out


def write_countries(countries: list[Country]) -> None:
    lines = [
        "# Countries (generated by scripts/build_actors.py; do not edit: put extra names in "
        "country_extra.tsv).",
        f"# Arabic names: stefangabos/world_countries (CC BY-SA 4.0) and CLDR {cldr_version()}"
        f" via Babel {babel.__version__} (Unicode licence); English names: CLDR.",
        "iso3\tiso2\tname_ar\tname_en\taliases_ar\tsource",
    ]
    for c in countries:
        lines.append("\t".join([c.iso3, c.iso2, c.name_ar, c.name_en, "|".join(c.aliases),
                                c.source]))
    (OUT / "countries.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


# -- the Universal-PETRARCH actor dictionary ----------------------------------------------------

@dataclass
class RawEntry:
    line: int
    raw_name: str
    codes: list[str]


@dataclass
class Range:
    code: str
    start: date | None
    end: date | None

    def __str__(self) -> str:
        if self.start is None and self.end is None:
            return self.code
        return (f"{self.code}@{self.start.isoformat() if self.start else ''}.."
                f"{self.end.isoformat() if self.end else ''}")


@dataclass
class Kept:
    key: str
    name: str
    lines: list[int]
    ranges: list[Range] = field(default_factory=list)


def parse_petrarch(path: Path) -> list[RawEntry]:
    entries: list[RawEntry] = []
    current: RawEntry | None = None
    for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        codes = re.findall(r"\[([^\]]*)\]", s)
        if s.startswith("["):
            if current is not None:
                current.codes.extend(codes)
            continue
        name = re.sub(r"\[[^\]]*\]", "", s).strip()
        current = RawEntry(no, name, codes)
        entries.append(current)
    return entries


def clean_name(raw: str) -> str:
    name = raw.split("#", 1)[0]
    name = re.sub(r"\([^)]*\)", " ", name)
    name = name.replace("_", " ").replace("\u0640", " ")
    name = re.sub(r"[،,؛;:.!?\"'«»]+", " ", name)
    words = name.split()
    while words and (match_key(words[0]) in STOPWORDS or words[0] in LEADING_JUNK):
        words.pop(0)
    while words and (match_key(words[-1]) in STOPWORDS or words[-1] in LEADING_JUNK):
        words.pop()
    return " ".join(words)


def parse_yyyymmdd(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


class CodeCheck:
    def __init__(self, iso3: Iterable[str], phoenix_rest: Iterable[str]) -> None:
        self.countries = frozenset(iso3) | REGIONS
        self.rest = SECTORS | RELIGIONS | frozenset(phoenix_rest) | self.countries

    def blocks(self, code: str) -> list[str] | None:
        if not re.fullmatch(r"(?:[A-Z]{3}){1,5}", code):
            return None
        return [code[i:i + 3] for i in range(0, len(code), 3)]

    def valid(self, code: str) -> bool:
        blocks = self.blocks(code)
        if blocks is None or len(set(blocks)) != len(blocks):
            return False
        first = blocks[0]
        if first in NOT_FIRST or not (first in self.countries or first in INTERNATIONAL
                                      or first in SECTORS or first in RELIGIONS):
            return False
        return all(b in self.rest for b in blocks[1:])

    def is_agent(self, code: str) -> bool:
        return (code[:3] in SECTORS or code[:3] in RELIGIONS) and code[:3] not in INTERNATIONAL


def phoenix_tokens(shared: Path) -> tuple[set[str], dict[str, list[str]]]:
    """Blocks Phoenix uses after the first one, and Phoenix names -> codes (for the
    cross-check of curated actors)."""
    rest: set[str] = set()
    names: dict[str, list[str]] = {}
    for fname in ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt",
                  "Phoenix.MilNonState.actors.txt"):
        pending: list[str] = []
        for raw in (shared / "petrarch2" / fname).read_text(encoding="utf-8",
                                                             errors="replace").splitlines():
            line = raw.split("#", 1)[0]
            codes = [c.split()[0].replace("~", "") for c in re.findall(r"\[([^\]]+)\]", line)
                     if c.split()]
            for c in codes:
                if re.fullmatch(r"(?:[A-Z]{3})+", c):
                    rest.update(c[i:i + 3] for i in range(3, len(c), 3))
            head = re.sub(r"\[[^\]]*\]", "", line).strip()
            if head and not head.startswith("+") and not line[:1].isspace():
                pending = [head]
            elif head.startswith("+"):
                pending.append(head[1:])
            for c in codes:
                for n in pending:
                    key = re.sub(r"[^A-Z]+", " ", n.upper()).strip()
                    if key:
                        names.setdefault(key, []).append(c)
    return rest, names


@dataclass
class Report:
    total: int = 0
    removed: collections.Counter[str] = field(default_factory=collections.Counter)
    samples: dict[str, list[str]] = field(default_factory=dict)
    codes_dropped: collections.Counter[str] = field(default_factory=collections.Counter)
    code_samples: dict[str, list[str]] = field(default_factory=dict)
    dates_dropped: collections.Counter[str] = field(default_factory=collections.Counter)
    to_agents: int = 0
    merged: int = 0
    conflicts: int = 0

    def drop(self, reason: str, what: str) -> None:
        self.removed[reason] += 1
        s = self.samples.setdefault(reason, [])
        if len(s) < 8:
            s.append(what)

    def drop_code(self, reason: str, what: str) -> None:
        self.codes_dropped[reason] += 1
        s = self.code_samples.setdefault(reason, [])
        if len(s) < 6:
            s.append(what)


def country_words(countries: list[Country], shared_ar_names: dict[str, set[str]]
                  ) -> dict[str, set[str]]:
    """Normalised key -> countries it can name (country names, capitals, demonyms)."""
    out: dict[str, set[str]] = collections.defaultdict(set)
    for c in countries:
        for n in [c.name_ar, *c.aliases]:
            out[match_key(n)].add(c.iso3)
    for key, isos in shared_ar_names.items():
        out[key].update(isos)
    return out


def hand_country_names() -> dict[str, set[str]]:
    out: dict[str, set[str]] = collections.defaultdict(set)
    for row in read_tsv(OUT / "country_extra.tsv"):
        for n in row["aliases_ar"].split("|"):
            if n.strip() and not n.strip().startswith("="):  # exact-only: too ambiguous
                out[match_key(n)].add(row["country"])
    for row in read_tsv(OUT / "capitals.tsv"):
        for n in [row["name_ar"], *split_bar(row.get("aliases_ar", ""))]:
            out[match_key(n)].add(row["country"])
    for row in read_tsv(OUT / "demonyms.tsv"):
        for col in ("m", "f", "pl"):
            for n in split_bar(row.get(col, "")):
                out[match_key(n)].add(row["country"])
    # the Universal-PETRARCH lemma forms of demonyms are masculine: add the short ones
    for row in read_tsv(OUT / "demonyms.tsv"):
        for n in split_bar(row.get("m", "")):
            out[match_key(n)].add(row["country"])
    return out


def curated_keys(countries: list[Country]) -> set[str]:
    keys: set[str] = set()
    for c in countries:
        keys.update(match_key(n) for n in [c.name_ar, *c.aliases])
    for row in read_tsv(OUT / "actors.tsv"):
        for n in [row["name_ar"], *split_bar(row.get("aliases_ar", ""))]:
            keys.add(match_key(n))
    for row in read_tsv(OUT / "capitals.tsv"):
        for n in [row["name_ar"], *split_bar(row.get("aliases_ar", ""))]:
            keys.add(match_key(n))
    for row in read_tsv(OUT / "country_extra.tsv"):
        keys.update(match_key(n) for n in split_bar(row["aliases_ar"]))
    for row in read_tsv(OUT / "demonyms.tsv"):
        for col in ("m", "f", "pl"):
            keys.update(match_key(n) for n in split_bar(row.get(col, "")))
    return keys


def load_wordfreq() -> dict[str, int]:
    freq: dict[str, int] = {}
    for line in (REPO / "src/marsad/data/lexicon/ar_wordfreq.tsv").read_text(
            encoding="utf-8").splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        w, c = line.split("\t")
        freq[w] = int(c)
    return freq


FIRST_NAMES = frozenset(match_key(w) for w in words("""
محمد أحمد علي حسن حسين عبد عمر عثمان خالد سعد سعيد سلمان سلطان فيصل فهد عبدالله إبراهيم
إسماعيل يوسف مصطفى محمود جمال جلال نوري عادل عماد كمال وليد طارق هشام رامي سامي ناصر نبيل
أمين أيمن أسامة زياد زيد زكي صالح صلاح فؤاد فاروق مجيد حميد حامد حمد جاسم جابر راشد منصور
مروان مازن ماهر نايف نزار هاني هادي ياسر يحيى موسى عيسى داود سليمان جورج ميشال ميشيل بطرس
إيلي إيهود شمعون بنيامين أرييل موشيه دونالد باراك جون جيمس ديفيد توني ريتشارد روبرت
وليام جوزيف هنري نيكولا فرانسوا جاك فلاديمير ديمتري سيرغي رجب أحمدي أبو أم
"""))
TITLES = frozenset(match_key(w) for w in words("""
الشيخ شيخ الأمير أمير الأميرة الملك ملك دكتور الدكتور اللواء لواء العميد عميد السيد سيد
المشير الفريق الجنرال جنرال آية الله
"""))
ORG_WORDS = frozenset(match_key(w) for w in words("""
حزب حركة جبهة منظمة وكالة جامعة وزارة مجلس بنك شركة اتحاد جمعية صحيفة جريدة مجلة قناة هيئة تنظيم
جماعة كتائب لواء جيش قوات قوة مؤسسة محكمة برلمان تحالف رابطة مركز معهد مجموعة ائتلاف تيار
مصرف ديوان سفارة إذاعة تلفزيون مكتب لجنة نقابة كلية مدرسة مستشفى شرطة ميليشيا اللجنة
"""))
#: state bodies every country has: «وزارة العمل», «مجلس المستشارين» name no one country
#: (party and army names do: «حزب الدعوة», «جيش المهدي»)
STATE_BODIES = frozenset(match_key(w) for w in words("""
وزارة مجلس شرطة محكمة برلمان حكومة ديوان هيئة مديرية دائرة
"""))
PLACE_WORDS = frozenset(match_key(w) for w in words("""
مدينة منطقة محافظة ولاية إقليم قضاء بلدة قرية مخيم جزيرة جزر شبه بحر خليج نهر جبل مرتفعات
سهل وادي صحراء ساحل سواحل ميناء مطار شمال جنوب شرق غرب وسط ريف حي
"""))


def generic_words() -> set[str]:
    """Key words of the curated agent phrases: جيش, قوات, حكومة, شرطة ..."""
    words: set[str] = set()
    for row in read_tsv(OUT / "agents.tsv"):
        words.update(w for p in split_bar(row["phrases_ar"]) for w in match_key(p).split())
    return words


def country_and_generic(kw: list[str], names: dict[str, set[str]], agent_keys: set[str]
                        ) -> tuple[set[str], bool, list[str] | None]:
    """Countries named in a key; whether every other word is generic (an agent, org or
    place word), as in «جيش أميركي» or «مصري» -- not «منصور تركي» (Turki is a name); and
    the words before the country when it ends the key («موقف» in «موقف أميركي»)."""
    named: set[str] = set()
    used: set[int] = set()
    for n in range(len(kw)):
        for m in range(min(n + 3, len(kw)), n, -1):
            hit = names.get(" ".join(kw[n:m]))
            if hit:
                named |= hit
                used.update(range(n, m))
                break
    rest = [w for i, w in enumerate(kw) if i not in used]
    generic = all(w in agent_keys or w in ORG_WORDS or w in PLACE_WORDS for w in rest)
    head = None
    if used and rest and max(used) == len(kw) - 1 and min(used) == len(rest):
        head = rest
    return named, generic, head


def common_noun(word: str, freq: dict[str, int]) -> bool:
    """A word that news text often writes with the article is an ordinary noun or
    adjective («تهديد» -> «التهديد»); names of people and most places never take it."""
    n = freq.get(word, 0)
    return n >= 20 and freq.get("ال" + word, 0) >= 0.15 * n


TRUNCATED = frozenset(match_key(w) for w in words("بن ابن أبو ابو عبد آل أم"))
ROLE_WORDS = frozenset(match_key(w) for w in words("""
وزير وزيرة رئيس رئيسة نائب أمين سفير مسؤول متحدث ناطق مدير قائد زعيم مستشار مبعوث عضو
مندوب ممثل سكرتير وكيل
"""))


def infer_type(name: str, ranges: list[Range], agent_keys: set[str]) -> str:
    """PER, ORG, LOC or GRP from the shape of a (lemma) name and its codes: a heuristic
    (the source has no types); a role description without a name is GRP."""
    kw = [match_key(w) for w in name.split()]
    first = kw[0] if kw else ""
    codes = [r.code for r in ranges]
    dated = any(r.start or r.end for r in ranges)
    if any(w in FIRST_NAMES for w in kw[1:]) and first not in ORG_WORDS:
        return "PER"
    if first in ROLE_WORDS:
        return "GRP"
    if first in ORG_WORDS:
        return "ORG"
    if first in PLACE_WORDS:
        return "LOC"
    if any(w in agent_keys for w in kw) and len(kw) <= 4:
        return "GRP"
    if first in FIRST_NAMES or first in TITLES or dated:
        return "PER"
    if codes and all(c[:3] in INTERNATIONAL for c in codes):
        # an international body or its staff, never a place (صندوق نقد دولي IGO)
        return TYPE_OVERRIDES.get(name, "ORG")
    if all(len(c) == 3 for c in codes):
        return "LOC"
    if len(kw) >= 2 and any(c[3:6] in {"GOV", "ELI", "LEG", "JUD", "PTY", "OPP"}
                            for c in codes):
        return "PER"
    return "ORG"


def clean_upetrarch(shared: Path, check: CodeCheck, countries: list[Country],
                    report: Report) -> tuple[list[Kept], list[tuple[str, str, int]]]:
    entries = parse_petrarch(shared / "upetrarch_arabic" / "actor_dict_ar_v4.txt")
    report.total = len(entries)
    freq = load_wordfreq()
    curated = curated_keys(countries)
    people = {match_key(n) for row in read_tsv(OUT / "actors.tsv") if row["type"] == "PER"
              for n in [row["name_ar"], *split_bar(row.get("aliases_ar", ""))]
              if len(match_key(n).split()) >= 2}
    names_to_countries = country_words(countries, hand_country_names())
    agent_keys = generic_words()
    phrase_keys = {match_key(p) for f in ("agents.tsv", "roles.tsv") for row in read_tsv(OUT / f)
                   for p in split_bar(row["phrases_ar"])}
    kept: dict[str, Kept] = {}
    agents: list[tuple[str, str, int]] = []
    prev_span: tuple[str, str] | None = None
    for e in entries:
        raw = e.raw_name.strip()
        name = clean_name(raw)
        key = match_key(name)
        # code cleaning first: the carry-over check needs the previous entry's dates
        ranges: list[Range] = []
        spans_here: list[tuple[str, str]] = []
        batch = False
        for c in e.codes:
            m = re.fullmatch(r"\s*([^\s<>]*)\s*(?:(\d{8})\s*-\s*(\d{8})|>\s*(\d{8})|<\s*(\d{8}))?"
                             r"\s*", c)
            if not m:
                report.drop_code("unreadable code entry", f"[{c}]")
                continue
            code, s, t, after, before = m.groups()
            if any(x and x.startswith("201709") for x in (s, t, after)):
                batch = True
            if not check.valid(code):
                report.drop_code("not a CAMEO actor code", f"{raw} [{c}]")
                continue
            start = end = None
            if s and t:
                spans_here.append((s, t))
                start, end = parse_yyyymmdd(s), parse_yyyymmdd(t)
                if t == "18000101":
                    end = None
                if start and end and end <= start:
                    report.dates_dropped["end before or on the start (not 18000101)"] += 1
                    start = end = None
                elif (s, t) == prev_span:
                    report.dates_dropped["range carried over from the entry above"] += 1
                    start = end = None
            elif after:
                start = parse_yyyymmdd(after)
            elif before:
                end = parse_yyyymmdd(before)
            if start and start.year > 2025:
                report.dates_dropped["start after 2025 (the source's >22000101)"] += 1
                start = None
            if len(code) == 3 and (start or end):
                report.dates_dropped["country-only code: dates meaningless"] += 1
                start = end = None
            ranges.append(Range(code, start, end))
        if spans_here:
            prev_span = spans_here[-1]
        where = f"{raw} ({e.line})"
        if raw in MANUAL_DROPS or raw.strip("_") in MANUAL_DROPS:
            report.drop("checked by hand: wrong code or not an actor", f"{where}: "
                        f"{MANUAL_DROPS.get(raw, MANUAL_DROPS.get(raw.strip('_'), ''))}")
            continue
        if not name:
            report.drop("empty name (or only stopwords/clitics)", where)
            continue
        if re.search(r"[A-Za-z]", name):
            report.drop("English/Latin letters in the name", where)
            continue
        if re.search(r"[0-9\u0660-\u0669]", name):
            report.drop("digits in the name", where)
            continue
        if len(key.replace(" ", "")) <= 1 or all(len(w) <= 1 for w in key.split()):
            report.drop("one letter", where)
            continue
        if all(w in STOPWORDS for w in key.split()):
            report.drop("pure stopwords", where)
            continue
        if batch:
            report.drop("machine-made batch (codes dated September 2017, the build month)",
                        f"{where} {e.codes}")
            continue
        if not ranges:
            report.drop("no valid CAMEO actor code left", f"{where} {e.codes}")
            continue
        actor_ranges = [r for r in ranges if not check.is_agent(r.code)]
        if not actor_ranges:
            report.to_agents += 1
            for r in ranges:
                agents.append((r.code, name, e.line))
            continue
        if key in curated:
            report.drop("covered by a curated entry (actors, countries, capitals)", where)
            continue
        kw = key.split()
        if key in phrase_keys:
            report.drop("a bare role or agent phrase («وزير خارجية», «رئيس حكومة») coded "
                        "with one country", f"{where} {e.codes}")
            continue
        if len(kw) == 1 and kw[0] in FIRST_NAMES:
            report.drop("a first name alone («سلمان», «موسى», «باراك»): ambiguous",
                        f"{where} {e.codes}")
            continue
        if kw[-1] in TRUNCATED:
            report.drop("cut off after بن / أبو / عبد", where)
            continue
        plain = [w for w in key_words(name)]
        if len(kw) == 1 and plain[0].startswith("ال") and freq.get(kw[0], 0) >= 50 and (
                freq.get(kw[0], 0) > 3 * freq.get(plain[0], 0)):
            report.drop("without its article the name is a common word («الينوي» -> «ينوي», "
                        "intends)", f"{where} {e.codes}")
            continue
        if any(" ".join(kw[n:]) in people for n in range(1, len(kw) - 1)):
            report.drop("a title + a curated person's name («رئيس إيراني حسن روحاني»): the "
                        "curated person applies", where)
            continue
        firsts = {r.code[:3] for r in actor_ranges}
        named, generic, head = country_and_generic(kw, names_to_countries, agent_keys)
        if named and generic and firsts and not (firsts & (named | INTERNATIONAL | REGIONS)):
            report.drop("a country name or demonym with generic words, coded as another "
                        "country", f"{where} -> {sorted(firsts)} vs {sorted(named)}")
            continue
        if head and " ".join(head) in phrase_keys:
            report.drop("an agent or role phrase + a country («جيش باكستاني», «رئيس إيراني»): "
                        "the dictionary resolves these by rule, role holders by date", where)
            continue
        if head and all(len(r.code) == 3 for r in actor_ranges) and (
                head[0] not in ORG_WORDS and head[0] not in PLACE_WORDS):
            report.drop("a thing of a country coded as the country («موقف أميركي», «دولار "
                        "أمريكي»), not an actor", where)
            continue
        if len(kw) == 2 and not named and kw[0] in STATE_BODIES and common_noun(kw[1], freq) \
                and firsts and not firsts & (INTERNATIONAL | REGIONS):
            report.drop("an institution word + one ordinary word, no country, coded with one "
                        "country («وزارة عمل» LBNGOVMED): whose institution depends on the "
                        "article", f"{where} {e.codes}")
            continue
        if len(kw) == 1 and common_noun(kw[0], freq):
            report.drop("single ordinary word (it takes the article in news text: «التهديد», "
                        "«الجزيرة»), ambiguous", f"{where} {e.codes}")
            continue
        if len(kw) > 10:
            report.drop("longer than 10 words (a description, not a name)", where)
            continue
        item = kept.get(key)
        if item is None:
            kept[key] = Kept(key, name, [e.line], actor_ranges)
        else:
            report.merged += 1
            item.lines.append(e.line)
            for r in actor_ranges:
                if all(str(r) != str(x) for x in item.ranges):
                    item.ranges.append(r)
    # one undated code per entry: keep the most frequent (first on ties)
    out = []
    for item in kept.values():
        undated = [r for r in item.ranges if r.start is None and r.end is None]
        if len(undated) > 1:
            report.conflicts += 1
            keep = undated[0]
            item.ranges = [r for r in item.ranges if r.start or r.end or r is keep]
        item.ranges.sort(key=lambda r: (r.start is not None or r.end is not None,
                                        r.start or date.min))
        out.append(item)
    out.sort(key=lambda k: k.lines[0])
    return out, agents


def write_upetrarch_actors(items: list[Kept], agent_keys: set[str]) -> collections.Counter[str]:
    types: collections.Counter[str] = collections.Counter()
    lines = [
        "# Actors from the Universal-PETRARCH Arabic actor dictionary actor_dict_ar_v4.txt "
        "(github openeventdata/UniversalPetrarch, branch arabic; MIT),",
        "# cleaned by scripts/build_actors.py (see PROVENANCE.md). Generated: do not edit; "
        "override an entry by id in a user file or add a curated one.",
        "# Names are often lemma sequences (حرس ثوري إيراني); the article is ignored when "
        "matching. type is inferred from the name and codes.",
        "id\ttype\tname_ar\tname_en\taliases_ar\tcodes\tcountry\twikidata\tsource",
    ]
    for item in items:
        typ = infer_type(item.name, item.ranges, agent_keys)
        types[typ] += 1
        first = item.ranges[0].code[:3]
        country = first if first not in INTERNATIONAL and first not in REGIONS else ""
        src = "upetrarch:" + ",".join(str(n) for n in item.lines[:5])
        lines.append("\t".join([f"up:{item.lines[0]}", typ, item.name, "", "",
                                ";".join(str(r) for r in item.ranges), country, "", src]))
    (OUT / "upetrarch_actors.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return types


# -- the Universal-PETRARCH agents --------------------------------------------------------------

ARABIC_RUN = re.compile(r"[\u0621-\u064A\u0660-\u0669\u0670-\u06D3][\u0621-\u0670\u06D0-\u06D3 /]*")


def clean_agents(shared: Path, check: CodeCheck, from_actors: list[tuple[str, str, int]],
                 report: Report) -> list[tuple[str, str, str, str]]:
    freq = load_wordfreq()
    curated: set[str] = set()
    for row in read_tsv(OUT / "agents.tsv"):
        curated.update(match_key(p) for p in split_bar(row["phrases_ar"]))
    for row in read_tsv(OUT / "roles.tsv"):
        curated.update(match_key(p) for p in split_bar(row["phrases_ar"]))
    rows: list[tuple[str, str, str, str]] = []  # (code, phrase, english, source)
    candidates: list[tuple[str, str, str, str]] = []
    folder = shared / "upetrarch_arabic"
    for fname in sorted(p.name for p in folder.glob("agents.all.ar*.txt")):
        for no, raw in enumerate((folder / fname).read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip() or raw.lstrip().startswith("#"):
                continue
            m = re.search(r"\[([^\]]*)\]", raw)
            if not m:
                continue
            code = m.group(1).strip()
            english = raw[:m.start()].strip()
            rest = raw[m.end():]
            if re.search(r"[\u0600-\u06FF]", english):  # v3 file: Arabic before the code
                arabic, english = english.replace("_", " "), ""
            else:
                runs = ARABIC_RUN.findall(rest)
                arabic = runs[0] if runs else ""
            for alt in expand_slash(arabic.strip()):
                candidates.append((code, alt, english.replace("_", " ").strip(),
                                   f"{fname}:{no}"))
    for code, name, line in from_actors:
        candidates.append(("~" + code, name, "", f"actor_dict_ar_v4.txt:{line}"))
    seen: set[str] = set()
    agent_report: collections.Counter[str] = collections.Counter()
    samples: dict[str, list[str]] = {}

    def drop(reason: str, what: str) -> None:
        agent_report[reason] += 1
        s = samples.setdefault(reason, [])
        if len(s) < 6:
            s.append(what)

    for code, phrase, english, source in candidates:
        if not code.startswith("~"):
            drop("not an agent code (no ~)", f"{phrase} [{code}]")
            continue
        code = code[1:]
        phrase = clean_name(phrase)
        key = match_key(phrase)
        what = f"{phrase} [{code}] {english} ({source})"
        if not check.valid(code) or not check.is_agent(code):
            drop("not a valid agent code", what)
            continue
        if not key or len(key.replace(" ", "")) <= 1:
            drop("empty or one letter", what)
            continue
        if all(w in STOPWORDS for w in key.split()):
            drop("pure stopwords", what)
            continue
        if len(key.split()) > 5:
            drop("longer than 5 words (a translated description)", what)
            continue
        if key in curated:
            drop("covered by the curated agents/roles", what)
            continue
        if key in seen:
            drop("duplicate", what)
            continue
        if len(key.split()) == 1 and freq.get(key, 0) >= 300:
            drop("single frequent word not in the curated list (ambiguous)", what)
            continue
        seen.add(key)
        rows.append((code, phrase, english, source))
    report.samples["agents"] = [f"{r}: {n}" for r, n in sorted(agent_report.items())]
    report.samples["agent samples"] = [f"{r}: {'; '.join(v)}" for r, v in sorted(samples.items())]
    lines = [
        "# Agents from the Universal-PETRARCH Arabic agent dictionaries agents.all.ar*.txt and "
        "the bare agent codes of actor_dict_ar_v4.txt (MIT),",
        "# cleaned by scripts/build_actors.py (see PROVENANCE.md). Generated: do not edit; "
        "agents.tsv (curated) wins over this file.",
        "code\tphrases_ar\tenglish\tsource",
    ]
    lines += ["\t".join(r) for r in rows]
    (OUT / "upetrarch_agents.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rows


def expand_slash(text: str) -> list[str]:
    if "/" not in text:
        return [text] if text else []
    words = text.split()
    out = [""]
    for w in words:
        alts = [a for a in w.split("/") if a] or [w]
        out = [f"{o} {a}".strip() for o in out for a in alts][:4]
    return out


# -- cross-check of curated codes against Phoenix -------------------------------------------------

def phoenix_crosscheck(phoenix_names: dict[str, list[str]], loaded: ActorDictionary
                       ) -> list[str]:
    """Curated actors whose codes (with the terms of role_holders.tsv) share nothing with
    the Phoenix entry of the same English name: a list for review."""
    notes = []
    for row in read_tsv(OUT / "actors.tsv"):
        en = row.get("name_en", "")
        actor = loaded.get(row["id"])
        if not en or actor is None:
            continue
        key = re.sub(r"[^A-Z]+", " ", en.upper()).strip()
        theirs = set(phoenix_names.get(key, ()))
        ours = {r.code for r in actor.codes}
        if theirs and not (ours & theirs):
            notes.append(f"{row['id']} ({en}): ours {'/'.join(sorted(ours))}, "
                         f"Phoenix {'/'.join(sorted(theirs))}")
    return notes


# -- provenance -----------------------------------------------------------------------------------

def count_rows(name: str) -> int:
    return sum(1 for _ in read_tsv(OUT / name))


def write_provenance(report: Report, types: collections.Counter[str], n_up: int,
                     n_agents: int, crosscheck: list[str], loaded: ActorDictionary) -> None:
    files = ["actors.tsv", "role_holders.tsv", "demonyms.tsv", "agents.tsv", "roles.tsv",
             "capitals.tsv", "country_extra.tsv", "variants.tsv", "countries.tsv",
             "upetrarch_actors.tsv", "upetrarch_agents.tsv"]
    sizes = {f: (OUT / f).stat().st_size for f in files}
    curated_types = collections.Counter(r["type"] for r in read_tsv(OUT / "actors.tsv"))
    holders = list(read_tsv(OUT / "role_holders.tsv"))
    with_wd = sum(1 for r in read_tsv(OUT / "actors.tsv") if r.get("wikidata"))
    removed = "\n".join(f"| {reason} | {n} | {'; '.join(report.samples.get(reason, [])[:4])} |"
                        for reason, n in report.removed.most_common())
    codes = "\n".join(f"| {reason} | {n} | {'; '.join(report.code_samples.get(reason, [])[:5])} |"
                      for reason, n in report.codes_dropped.most_common())
    dates = "\n".join(f"| {reason} | {n} |" for reason, n in report.dates_dropped.most_common())
    agents = "\n".join(f"- {line}" for line in report.samples.get("agents", []))
    agent_samples = "\n".join(f"- {line}" for line in report.samples.get("agent samples", []))
    manual = "\n".join(f"- `{k}`: {v}" for k, v in MANUAL_DROPS.items())
    cross = "\n".join(f"- {line}" for line in crosscheck) or "- none"
    table = "\n".join(f"| `{f}` | {count_rows(f)} | {sizes[f] / 1024:.0f} KiB |" for f in files)
    text = f"""# Actor dictionary: provenance

Generated by `scripts/build_actors.py` (the tables of counts and of what was removed); the
hand-written files are listed as such. Rebuild:

```sh
.venv/bin/python scripts/build_actors.py            # reads ../shared/data (or $MARSAD_SHARED/data)
```

The build is deterministic (same inputs, same bytes). It rewrites only `countries.tsv`,
`upetrarch_actors.tsv`, `upetrarch_agents.tsv` and this file, then loads the whole
dictionary to check it.

## Files

| file | rows | size |
|---|---|---|
{table}

Loaded: {len(loaded)} actors; the longest name has {loaded.max_words} key words.

* `actors.tsv` (**hand-written**, MIT): {sum(curated_types.values())} actors
  ({', '.join(f'{t} {n}' for t, n in sorted(curated_types.items()))}): the key non-state
  actors of Middle East news (Hamas and its brigades, Islamic Jihad, Hezbollah, the
  Revolutionary Guard and Quds Force, the Houthis, ISIS, the SDF/YPG/PKK, the Syrian
  Observatory ...), governments by their seat (البيت الأبيض, الكرملين ...), international
  organisations, news agencies and papers, places that stand for a party (Gaza, the West
  Bank ...), and the people of `role_holders.tsv`. Codes follow Phoenix where it has the
  actor (noted in the `source` column; differences are explained in `note`). Wikidata ids
  are given only where they were known reliably ({with_wd} actors here, and the countries
  of `country_extra.tsv`); the rest are empty.
* `role_holders.tsv` (**hand-written** from public records, MIT): {len(holders)} terms of
  office, 2010–2024 and a little beyond, for Iran, Israel, the USA, Russia, Turkey, Saudi
  Arabia, Egypt, Syria, Iraq, Lebanon, Jordan, Palestine, Yemen, Qatar, the UAE, the UK,
  France, Germany and China (president, vice president, prime minister / chancellor,
  foreign and defence ministers, king / emir / crown prince, supreme leader, speaker), and
  for organisations (Hamas politburo chief, Hezbollah and Islamic Jihad secretaries-general,
  Houthi, ISIS, Quds Force leaders, UN and Arab League secretaries-general). Each term also
  gives the person the role's code for its dates (IRN + GOV; defence ministers GOVMIL as in
  Phoenix; organisation roles the organisation's code).
* `demonyms.tsv`, `agents.tsv`, `roles.tsv`, `capitals.tsv`, `country_extra.tsv`,
  `variants.tsv` (**hand-written**, MIT): see the header of each file.
* `countries.tsv` (generated): {count_rows('countries.tsv')} ISO 3166 countries. Arabic
  names from **stefangabos/world_countries** `world_ar.csv` (CC BY-SA 4.0, which also gives
  the alpha-2 -> alpha-3 mapping) and **CLDR {cldr_version()}** via Babel {babel.__version__}
  (`Locale('ar'/'en').territories`, Unicode licence); English names from CLDR. The country
  code is the actor code (CAMEO uses ISO 3166 alpha-3).
* `upetrarch_actors.tsv` / `upetrarch_agents.tsv` (generated): the cleaned
  **Universal-PETRARCH** Arabic dictionaries (github openeventdata/UniversalPetrarch, branch
  `arabic`, 2018; MIT): {n_up} actors ({', '.join(f'{t} {n}' for t, n in sorted(types.items()))};
  type inferred from the name and codes) and {n_agents} agent phrases.
* The **Phoenix** dictionaries (github openeventdata/petrarch2, MIT) were used for the
  codes and dates of the curated actors, for the list of code blocks the build accepts, and
  for the cross-check below. Nothing from them is shipped verbatim.
* Not used, and never to be shipped: ANERGazet (research use only) and SaudiNewsNet
  (CC BY-NC-SA).

## Formats

UTF-8, tab-separated, `#` starts a comment line, the first other line names the columns
(by name: their order is free; trailing empty cells may be left out). `|` separates
alternatives inside a cell.

| file | columns |
|---|---|
| `actors.tsv`, `upetrarch_actors.tsv`, user files | `id type name_ar name_en aliases_ar codes` |
| | `country wikidata source note` |
| `countries.tsv` | `iso3 iso2 name_ar name_en aliases_ar source` |
| `country_extra.tsv` | `country aliases_ar wikidata note` |
| `capitals.tsv` | `country name_ar aliases_ar name_en note` (code: country + GOV) |
| `demonyms.tsv` | `country m f pl note` |
| `agents.tsv` | `code phrases_ar note` |
| `upetrarch_agents.tsv` | `code phrases_ar english source` |
| `roles.tsv` | `role code default_holder phrases_ar note` |
| `role_holders.tsv` | `holder_of role actor_id start end note` |
| `variants.tsv` | `kind a b note` (`word` or `part`) |

In actor files `id`, `name_ar` and `codes` are required; `type` is PER, ORG, LOC or GRP
(default ORG); `country` an ISO3 code; `wikidata` a Q-id.

Codes: `CODE` or `CODE@START..END` (ISO dates, inclusive, either end may be empty), `;`
between ranges; at a date the containing range that started last applies, so a term of
office overrides an undated default (`IRNGOV@2013-08-03..2021-08-03;IRNELI`). An alias
written `=حماس` matches only exactly (article included). Matching ignores the article on
every word, punctuation, tashkeel and the usual letter variants (see
`marsad.actors.dictionary`). A user file's `id` that already exists replaces that actor.

## Cleaning the Universal-PETRARCH actor dictionary

`actor_dict_ar_v4.txt` has {report.total} entries (a name line, its codes inline or on the
following lines). The names are mostly lemma sequences made by machine (`وزارة_دفاع_أميركي_`
for «وزارة الدفاع الأميركية»); the dates were often copied from the entry above; its last
part is a machine-made batch of ordinary words with random codes (`تهديد [CHNGOV]`,
`شمس [USAEDU]`, `نيسان [EDU]`, `هٰذا_صفقة_ [CHN 20170920-20170929]`). A hand check
(about 130 random kept entries, every list of removed entries, and the last 250 lines of
the file) found these problems; the rules below remove them, and the entries the rules
cannot catch are listed by name in `MANUAL_DROPS` in the build script. Names are cleaned
first: `_` -> space, comments and `(...)` removed, leading/trailing stopwords and stray
clitics (`و_`, `ل_`, `ال_`, `الذي`) stripped.

Entries removed ({sum(report.removed.values())}), first matching reason:

| reason | entries | examples |
|---|---|---|
{removed}

Besides: {report.to_agents} entries had only bare agent codes (`جيش [MIL]`, `مدعي_عام_ [JUD]`)
and went to the agent candidates; {report.merged} entries were merged into an earlier one
with the same key (their codes added); {report.conflicts} merged entries had several undated
codes (`حرس ثوري إيراني` IRNMIL/IRNSPY) and kept the first.

Checked by hand and removed (wrong code or not an actor):

{manual}

Codes removed from entries (an entry left without codes is removed above):

| reason | codes | examples |
|---|---|---|
{codes}

A valid code is 1–5 blocks of three capital letters, no block repeated (`GUFEDUEDU` is
not), the first a country (ISO 3166 alpha-3 from `countries.tsv`, or a CAMEO region such as
MEA, PGS, KSV), an international type (IGO NGO IMG MNC UIS) or an agent code, and each
further block a CAMEO sector (GOV MIL REB OPP BUS CVL MED EDU JUD LEG REL SPY COP PTY ELI
HRI ...), a religion code, a country, or a block the Phoenix dictionaries use (UNO, HMS,
ISI, ARL ...). `000`, `?`, empty codes and `china,CHNCRMEDU` fail.

Date ranges set to undated (the code itself kept):

| reason | ranges |
|---|---|
{dates}

`YYYYMMDD-18000101` is the source's open end and is read as "from YYYYMMDD on".

## Cleaning the Universal-PETRARCH agents

`agents.all.ar.txt` (`ENGLISH [~CODE]arabic`) and `agents.all.ar_v3.txt`
(`arabic_lemmas [~CODE]`) plus the bare agent codes from the actor dictionary. Arabic
alternatives written `a/b` are expanded. Counts by reason (kept rows are not listed):

{agents}

Examples:

{agent_samples}

## Cross-check of curated codes against Phoenix

Curated actors whose English name is also a Phoenix entry but whose codes (with their
terms of office) share nothing with Phoenix's. Listed for review; the choices are
deliberate: national media get their country (Phoenix: bare MED), Palestinian groups PSE
(Phoenix: the region MEA), the Syrian Observatory is coded as an NGO, and Phoenix's codes
for people reflect posts of before 2014 (and a few name clashes, e.g. "Queen Elizabeth II"
of Saint Kitts, KNA).

{cross}
"""
    (OUT / "PROVENANCE.md").write_text(text, encoding="utf-8")


def main() -> None:
    shared = shared_data_dir()
    if not shared.exists():
        sys.exit(f"shared data not found: {shared}")
    countries = build_countries(shared)
    write_countries(countries)
    phoenix_rest, phoenix_names = phoenix_tokens(shared)
    check = CodeCheck([c.iso3 for c in countries], phoenix_rest)
    report = Report()
    items, to_agents = clean_upetrarch(shared, check, countries, report)
    agent_keys = set()
    for row in read_tsv(OUT / "agents.tsv"):
        agent_keys.update(w for p in split_bar(row["phrases_ar"]) for w in key_words(p))
    agent_keys = {match_key(w) for w in agent_keys}
    types = write_upetrarch_actors(items, agent_keys)
    agent_rows = clean_agents(shared, check, to_agents, report)
    loaded = ActorDictionary.load()
    write_provenance(report, types, len(items), len(agent_rows),
                     phoenix_crosscheck(phoenix_names, loaded), loaded)
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"countries {len(countries)}, upetrarch actors {len(items)} (of {report.total}), "
          f"upetrarch agents {len(agent_rows)}; loaded {len(loaded)} actors; "
          f"data/actors {total / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
