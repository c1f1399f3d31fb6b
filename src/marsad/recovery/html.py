"""HTML pages: trafilatura finds the main text and the metadata; the same line-level
recovery then runs on its output."""

from __future__ import annotations

import dataclasses
from typing import Any

from .dates import parse_date
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
    except Exception as err:  # noqa: BLE001 - trafilatura raises many types on broken pages
        warnings.append(f"html: main-text extraction failed ({type(err).__name__}); "
                        "used the page's visible text")
    text = getattr(doc, "text", None) if doc is not None else None
    if not text:
        if doc is not None or not warnings[len(raw.warnings):]:
            warnings.append("html: no main text found; used the page's visible text")
        text = _visible_text(html)
    title = raw.title or _clean(getattr(doc, "title", None))
    description = raw.abstract or _clean(getattr(doc, "description", None))
    published = raw.published
    if published is None and getattr(doc, "date", None):
        published = parse_date(str(doc.date))
    return dataclasses.replace(
        raw, body=text, kind="html", title=title, abstract=description, published=published,
        url=raw.url or _clean(getattr(doc, "url", None)),
        site=raw.site or _clean(getattr(doc, "sitename", None))
        or _clean(getattr(doc, "hostname", None)),
        author=raw.author or _clean(getattr(doc, "author", None)),
        warnings=tuple(warnings))


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _visible_text(html: str) -> str:
    """The text of every block outside scripts and styles, a line each (lxml)."""
    try:
        import lxml.html

        root = lxml.html.document_fromstring(html)
    except Exception:  # noqa: BLE001 - lxml's parser errors vary; fall back to no text
        return ""
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    for br in root.xpath("//br|//p|//div|//li|//h1|//h2|//h3|//h4|//tr"):
        br.tail = "\n" + (br.tail or "")
    return str(root.text_content())
