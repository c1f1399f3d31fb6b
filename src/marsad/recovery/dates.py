"""Publication dates: record fields (ISO, RFC 2822, common formats) and Arabic datelines."""

from __future__ import annotations

import email.utils
import re
from datetime import date, datetime

from dateutil import parser as dateutil_parser

from ..text.normalize import normalize_key

# Gregorian month names in both naming systems (Egyptian/Gulf and Levantine/Iraqi), normalised
MONTHS: dict[str, int] = {}
for _n, _names in enumerate((
    ("يناير", "كانون الثاني"), ("فبراير", "شباط"), ("مارس", "اذار"), ("ابريل", "نيسان"),
    ("مايو", "ايار"), ("يونيو", "حزيران"), ("يوليو", "تموز"), ("اغسطس", "اب"),
    ("سبتمبر", "ايلول"), ("اكتوبر", "تشرين الاول"), ("نوفمبر", "تشرين الثاني"),
    ("ديسمبر", "كانون الاول"),
), start=1):
    for _name in _names:
        MONTHS[_name] = _n
MONTHS.update({"ابريل": 4, "اغسطس": 8, "يونيه": 6, "يوليه": 7, "فبرابر": 2})

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_AR_DATE = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?:من\s+)?(" + _MONTH_ALT + r")(?:\s*[/-]\s*(?:" + _MONTH_ALT
    + r"))?\s*(?:\([^)\n]{1,20}\)\s*)?[،,]?\s*(?:عام\s+|سنه\s+)?(\d{4})(?!\d)")
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-](?:[a-z_]{2,30}/)?(\d{1,2})[/-](\d{1,2})(?:/|\b)")
MIN_YEAR, MAX_YEAR = 1900, 2100


def _valid(y: int, m: int, d: int) -> date | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_date(value: str) -> date | None:
    """A date from a record field: ISO 8601, RFC 2822, ``2015-07-21 02:51:32``, or an
    Arabic ``14 ديسمبر 2017``. The date is the one written (no time-zone shift)."""
    value = value.strip()
    if not value or len(value) > 100:
        return None
    m = _ISO.match(value)
    if m:
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    try:
        dt = email.utils.parsedate_to_datetime(value)
        return _valid(dt.year, dt.month, dt.day)
    except (TypeError, ValueError, IndexError):
        pass
    found = find_arabic_date(value)
    if found:
        return found
    try:
        dt = dateutil_parser.parse(value, default=datetime(2000, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    return _valid(dt.year, dt.month, dt.day)


def find_arabic_date(text: str, limit: int = 2000) -> date | None:
    """The first ``day month year`` date written in Arabic in the first ``limit``
    characters of ``text``."""
    key = normalize_key(text[:limit])
    for m in _AR_DATE.finditer(key):
        found = _valid(int(m[3]), MONTHS[m[2]], int(m[1]))
        if found:
            return found
    return None


def date_from_url(url: str | None) -> date | None:
    """``/2013/middle_east/8/3/`` or ``/2018/02/19/`` in a URL."""
    if not url:
        return None
    m = _URL_DATE.search(url[:1000])
    return _valid(int(m[1]), int(m[2]), int(m[3])) if m else None
