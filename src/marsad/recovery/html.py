"""HTML pages: trafilatura finds the main text and the metadata; the same line-level
recovery then runs on its output."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from typing import Any

from .dates import date_from_url, find_arabic_date, parse_date
from .inputs import RawArticle


def extract_html(raw: RawArticle) -> RawArticle:
    """Replace an HTML ``raw.body`` by its main text, filling missing metadata."""
    html = raw.body
    warnings = list(raw.warnings)
    doc: Any = None
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(
            html, url=raw.url, with_metadata=True, include_comments=False,
            include_tables=True, include_images=False, deduplicate=False)
    except Exception as err:
        warnings.append(f"html: main-text extraction failed ({type(err).__name__}); "
                        "used the page's visible text")
    text = getattr(doc, "text", None) if doc is not None else None
    if not text:
        if doc is not None or not warnings[len(raw.warnings):]:
            warnings.append("html: no main text found; used the page's visible text")
        text = _visible_text(html)
    title = raw.title or _clean(getattr(doc, "title", None))
    description = raw.abstract or _clean(getattr(doc, "description", None))
    published = raw.published or _page_date(html, raw.url or getattr(doc, "url", None),
                                            getattr(doc, "date", None))
    return dataclasses.replace(
        raw, body=text, kind="html", title=title, abstract=description, published=published,
        url=raw.url or _clean(getattr(doc, "url", None)),
        site=raw.site or _clean(getattr(doc, "sitename", None))
        or _clean(getattr(doc, "hostname", None)),
        author=raw.author or _clean(getattr(doc, "author", None)),
        warnings=tuple(warnings))


def _page_date(html: str, url: object, found: object) -> date | None:
    """The URL's date, else trafilatura's unless it is only a year (``YYYY-01-01``),
    else the first Arabic date written in the page, else trafilatura's year."""
    from_url = date_from_url(url if isinstance(url, str) else None)
    if from_url:
        return from_url
    extracted = parse_date(found) if isinstance(found, str) else None
    if extracted and (extracted.month, extracted.day) != (1, 1):
        return extracted
    return find_arabic_date(_visible_text(html[:300_000]), limit=20_000) or extracted


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


#: control characters lxml parses but refuses in text it is given (NUL, C0 but tab/newlines)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _visible_text(html: str) -> str:
    """The text of every block outside scripts and styles, a line each (lxml)."""
    try:
        import lxml.html

        root = lxml.html.document_fromstring(_CONTROL.sub(" ", html))
    except Exception:
        return ""
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    for br in root.xpath("//br|//p|//div|//li|//h1|//h2|//h3|//h4|//tr"):
        br.tail = "\n" + (br.tail or "")
    return str(root.text_content())
