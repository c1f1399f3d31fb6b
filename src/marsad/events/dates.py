"""Time expressions of a sentence, resolved against the publication date.

Works on the sentence's tokens (normalised keys, ``ال`` split off), never by scanning the
text with a regular expression. Handled: أمس، أول أمس، اليوم، غدا، weekday names
(الخميس، يوم الخميس، مساء الأربعاء: the latest such day on or before publication),
الأسبوع/الشهر/العام الماضي, Gregorian dates with either month-name system (14 ديسمبر،
14 كانون الأول 2017), and Hijri dates (3 رمضان 1439 هـ, tabular Islamic calendar: may
differ by a day or two from the Umm al-Qura calendar)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ..doc import Token
from ..recovery.dates import MONTHS
from ..text import normalize_key


def _keys(name: str) -> tuple[str, ...]:
    return tuple(w[2:] if w.startswith("ال") and len(w) > 4 else w
                 for w in normalize_key(name).split())


#: Gregorian month names, as token-key sequences (``ال`` removed)
_GREGORIAN: dict[tuple[str, ...], int] = {_keys(k): v for k, v in MONTHS.items()}
_HIJRI_NAMES = (
    ("محرم",), ("صفر",), ("ربيع اول", "ربيع الاول"), ("ربيع ثاني", "ربيع الثاني", "ربيع اخر",
                                                        "ربيع الاخر"),
    ("جمادي اولي", "جمادي الاولي", "جمادي الاول"), ("جمادي اخره", "جمادي الاخره",
                                                   "جمادي الثانيه", "جمادي ثانيه"),
    ("رجب",), ("شعبان",), ("رمضان",), ("شوال",), ("ذو قعده", "ذو القعده", "ذي القعده"),
    ("ذو حجه", "ذو الحجه", "ذي الحجه"))
_HIJRI: dict[tuple[str, ...], int] = {}
for _n, _names in enumerate(_HIJRI_NAMES, 1):
    for _name in _names:
        _HIJRI[_keys(_name)] = _n
_MAX_MONTH_WORDS = 2
_WEEKDAYS = {"اثنين": 0, "ثلاثاء": 1, "اربعاء": 2, "خميس": 3, "جمعه": 4, "سبت": 5, "احد": 6}
_DAY_PARTS = frozenset({"مساء", "صباح", "ليل", "ليله", "فجر", "ظهر", "عصر", "منتصف"})
_LEAD = _DAY_PARTS | {"يوم"}
_PAST = frozenset({"ماضي", "منصرم", "فاءت", "سابق"})


@dataclass(frozen=True, slots=True)
class TimeExpr:
    start: int
    end: int
    #: ISO date, ``YYYY-MM``, ``YYYY-Www`` or ``YYYY``; ``None`` when it cannot be
    #: resolved (no publication date for a relative expression)
    value: str | None


def hijri_to_gregorian(year: int, month: int, day: int) -> date | None:
    """The tabular (arithmetic) Islamic calendar; ``None`` for an impossible date."""
    if not (1 <= month <= 12 and 1 <= day <= 30 and 1 <= year <= 2000):
        return None
    jd = (day + math.ceil(29.5 * (month - 1)) + (year - 1) * 354
          + (3 + 11 * year) // 30 + 1948439.5 - 1)
    return date.fromordinal(int(jd - 1721424.5))


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_times(tokens: Sequence[Token], lo: int, hi: int, text: str,
               published: date | None) -> list[TimeExpr]:
    """Time expressions among ``tokens[lo:hi]`` (one sentence), in text order."""
    found: list[TimeExpr] = []
    content = [i for i in range(lo, hi) if tokens[i].kind != "article"]
    n = len(content)
    k = 0
    while k < n:
        i = content[k]
        key = tokens[i].norm
        expr: TimeExpr | None = None
        used = 1
        if tokens[i].kind == "number" and k + 1 < n:
            expr, used = _explicit(tokens, content, k, text, published)
        elif key == "امس":
            first = i
            if k > 0 and tokens[content[k - 1]].norm == "اول":
                first, days = content[k - 1], 2
            else:
                days = 1
            expr = TimeExpr(tokens[first].start, tokens[i].end,
                            _shift(published, -days))
        elif key == "يوم" and tokens[i - 1].kind == "article" and not (
                k + 1 < n and tokens[content[k + 1]].norm in _WEEKDAYS):
            expr = TimeExpr(tokens[i - 1].start, tokens[i].end, _shift(published, 0))
        elif key in ("غدا", "غد"):
            expr = TimeExpr(tokens[i].start, tokens[i].end, _shift(published, 1))
        elif key in _WEEKDAYS and tokens[i - 1].kind == "article":
            first = i - 1
            back = k - 1
            while (back >= 0 and k - back <= 2 and tokens[content[back]].norm in _LEAD
                   and tokens[content[back] - 1].kind != "article"):
                first = content[back]
                back -= 1
            value = None
            if published is not None:
                delta = (published.weekday() - _WEEKDAYS[key]) % 7
                value = (published - timedelta(days=delta)).isoformat()
            expr = TimeExpr(tokens[first].start, tokens[i].end, value)
        elif key in ("شهر", "اسبوع", "عام", "سنه") and k + 1 < n \
                and tokens[content[k + 1]].norm in _PAST and tokens[i - 1].kind == "article":
            end = tokens[content[k + 1]].end
            expr = TimeExpr(tokens[i - 1].start, end, _previous(published, key))
            used = 2
        if expr is not None:
            found.append(expr)
        k += used
    return found


def _shift(published: date | None, days: int) -> str | None:
    return None if published is None else (published + timedelta(days=days)).isoformat()


def _previous(published: date | None, unit: str) -> str | None:
    if published is None:
        return None
    if unit == "شهر":
        first = published.replace(day=1) - timedelta(days=1)
        return f"{first.year:04d}-{first.month:02d}"
    if unit == "اسبوع":
        y, w, _ = (published - timedelta(days=7)).isocalendar()
        return f"{y:04d}-W{w:02d}"
    return f"{published.year - 1:04d}"


def _explicit(tokens: Sequence[Token], content: list[int], k: int, text: str,
              published: date | None) -> tuple[TimeExpr | None, int]:
    """``14 ديسمبر [2017]``, ``14 كانون الأول 2017``, ``3 رمضان 1439 [هـ]``."""
    day_tok = tokens[content[k]]
    try:
        day = int(day_tok.norm)
    except ValueError:
        return None, 1
    if not 1 <= day <= 31:
        return None, 1
    for width in range(_MAX_MONTH_WORDS, 0, -1):
        if k + width >= len(content) + 1:
            continue
        words = tuple(tokens[content[j]].norm for j in range(k + 1, min(k + 1 + width,
                                                                         len(content))))
        if len(words) != width:
            continue
        month = _GREGORIAN.get(words)
        hijri = _HIJRI.get(words)
        if month is None and hijri is None:
            continue
        last = k + width
        year: int | None = None
        if last + 1 < len(content) and tokens[content[last + 1]].kind == "number":
            try:
                year = int(tokens[content[last + 1]].norm)
            except ValueError:
                year = None
            if year is not None:
                last += 1
        end = tokens[content[last]].end
        if hijri is not None and (year is None or year < 1900):
            if year is None and published is None:
                return TimeExpr(day_tok.start, end, None), last - k + 1
            if last + 1 < len(content) and tokens[content[last + 1]].norm in ("ه", "هـ"):
                last += 1
                end = tokens[content[last]].end
            y = year if year is not None else _hijri_year(published)
            g = hijri_to_gregorian(y, hijri, day) if y else None
            return TimeExpr(day_tok.start, end, g.isoformat() if g else None), last - k + 1
        if month is None:
            return None, 1
        if year is None:
            if published is None:
                return TimeExpr(day_tok.start, end, None), last - k + 1
            year = published.year
            d = _valid(year, month, day)
            if d is not None and d > published + timedelta(days=31):
                year -= 1  # "14 ديسمبر" in a January article: last December
        d = _valid(year, month, day) if 1900 <= year <= 2100 else None
        return TimeExpr(day_tok.start, end, d.isoformat() if d else None), last - k + 1
    return None, 1


def _hijri_year(published: date | None) -> int | None:
    if published is None:
        return None
    # the Hijri year current at publication (tabular calendar; fine to a year)
    return int((published.toordinal() - 227015) / 354.36707) + 1
