"""Events as GDELT 2.0 event records: the 61 tab-separated columns in GDELT's order, no
header, so tools that read GDELT's ``*.export.CSV`` files read ours.

What we fill and how (see ``docs/store.md``): CAMEO codes stay strings (``010`` is not
``10``); actor codes are split into country, known group, religion and type codes;
``NumMentions``/``NumSources``/``NumArticles`` are 1 (one article); ``AvgTone`` is empty
(we do not measure tone); ``ActionGeo_CountryCode`` is empty because GDELT uses FIPS 10-4
codes and we know ISO 3166 ones (the ISO code is in the PLOVER and Parquet exports);
``ActionGeo_FeatureID`` is the GeoNames id; ``SOURCEURL`` the article URL or its id."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any, TextIO

COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor{n}{c}" for n in (1, 2) for c in (
        "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
        "Religion2Code", "Type1Code", "Type2Code", "Type3Code")),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"{g}_{c}" for g in ("Actor1Geo", "Actor2Geo", "ActionGeo") for c in (
        "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long",
        "FeatureID")),
    "DATEADDED", "SOURCEURL",
)
assert len(COLUMNS) == 61

#: CAMEO actor type codes (roles and sectors) and religion codes
_TYPES = frozenset((
    "GOV", "MIL", "REB", "OPP", "PTY", "COP", "JUD", "SPY", "MED", "EDU", "BUS", "CRM",
    "CVL", "REF", "UAF", "LAB", "LEG", "HLH", "AGR", "IGO", "NGO", "NGM", "INS", "ELI",
    "ENV", "MNC", "SEP", "RAD", "MOD", "DEV", "HRI", "IMG", "SET", "AMN"))
_RELIGIONS = frozenset((
    "MOS", "SUN", "SHI", "ALE", "SFI", "CHR", "CTH", "ORT", "PRO", "JEW", "HIN", "BUD",
    "REL"))


def global_event_id(article_id: str, event_id: str) -> int:
    """A stable integer id (GDELT's ids are integers) from the article and event ids."""
    digest = hashlib.sha256(f"{article_id}\0{event_id}".encode()).hexdigest()
    return int(digest[:15], 16)


def _actor(role: Mapping[str, Any] | None) -> list[str]:
    if not role:
        return [""] * 10
    code = str(role.get("code") or "")
    country = str(role.get("country") or "")
    rest = code[3:] if country and code.startswith(country) else code
    chunks = [rest[i:i + 3] for i in range(0, len(rest), 3)] if len(rest) % 3 == 0 else []
    types = [c for c in chunks if c in _TYPES][:3]
    religions = [c for c in chunks if c in _RELIGIONS][:2]
    groups = [c for c in chunks if c not in _TYPES and c not in _RELIGIONS]
    return [code, str(role.get("text") or ""), country, groups[0] if groups else "", "",
            *([*religions, "", ""])[:2], *([*types, "", "", ""])[:3]]


def _num(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _clean(value: str) -> str:
    return value.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def gdelt_row(ev: Mapping[str, Any], added: str) -> list[str]:
    article = ev.get("article") or {}
    day_text = ev.get("day") or article.get("published")
    try:
        day = date.fromisoformat(str(day_text)) if day_text else None
    except ValueError:
        day = None
    cameo = str(ev.get("cameo") or "")
    loc = ev.get("location") or {}
    lat, lon = loc.get("lat"), loc.get("lon")
    geo_type = "" if not loc else ("1" if loc.get("kind") == "country" or
                                   (not loc.get("name") and loc.get("country")) else "4")
    row = [
        str(global_event_id(str(article.get("id")), str(ev.get("id")))),
        day.strftime("%Y%m%d") if day else "",
        day.strftime("%Y%m") if day else "",
        str(day.year) if day else "",
        f"{day.year + (day.timetuple().tm_yday - 1) / 365:.4f}" if day else "",
        *_actor(ev.get("source")),
        *_actor(ev.get("target")),
        "1" if ev.get("root") else "0",
        cameo, cameo[:3], str(ev.get("cameo_root") or cameo[:2]),
        _num(ev.get("quad_class")), _num(ev.get("goldstein")), "1", "1", "1", "",
        "0", "", "", "", "", "", "", "",
        "0", "", "", "", "", "", "", "",
        geo_type if (lat is not None or loc) else "0", str(loc.get("name") or ""), "", "", "",
        _num(lat), _num(lon), _num(loc.get("geonames_id")),
        added, str(article.get("url") or f"marsad:{article.get('id')}"),
    ]
    return [_clean(c) for c in row]


def gdelt_lines(events: Iterable[Mapping[str, Any]], added: datetime | None = None
                ) -> Iterator[str]:
    stamp = (added or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    for ev in events:
        yield "\t".join(gdelt_row(ev, stamp)) + "\n"


def write_gdelt(events: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    n = 0
    for line in gdelt_lines(events):
        out.write(line)
        n += 1
    return n
