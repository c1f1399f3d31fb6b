"""Recovering the article from its raw lines: headline, subheadline, body paragraphs,
byline and dateline, and every dropped line with the reason it was dropped.

The rules are general: line length and final punctuation, repetition (a title printed
twice), position (a title block before or after the body), a curated multi-outlet
boilerplate lexicon, and lines learned as boilerplate because they recur across a site's
articles in the batch."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date

from ..doc import Doc, Removed, Source, Span, stable_id
from ..settings import Settings
from .boilerplate import BoilerplateRules, RepeatedLines, line_key
from .dates import find_arabic_date
from .inputs import RawArticle

_FINAL = frozenset(".!?؟…:")
_CLOSERS = "»”\"')}]›﴿ "
_URL_LINE = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_BYLINE_SEP = re.compile(
    r"\s[-–—ـ]\s|^[^:\n]{2,30}:\s|^(?:بقلم|كتب|كتبت|إعداد|اعداد|تقرير|مراسل)\b")
_WORD = re.compile(r"\S+")
SUBHEADLINE_MAX_WORDS = 45
BYLINE_MAX_WORDS = 7


@dataclass(slots=True)
class _Line:
    text: str
    key: str
    words: int
    index: int
    removed: str | None = None

    @property
    def ends_sentence(self) -> bool:
        stripped = self.text.rstrip(_CLOSERS)
        return bool(stripped) and stripped[-1] in _FINAL


@dataclass(slots=True)
class _Layout:
    headline: str | None = None
    subheadline: str | None = None
    body: list[str] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    byline: str | None = None
    dateline_date: date | None = None
    warnings: list[str] = field(default_factory=list)


def recover(raw: RawArticle, settings: Settings, rules: BoilerplateRules,
            repeated: RepeatedLines | None = None) -> Doc:
    """Build the :class:`Doc` of one raw article (text, record or extracted HTML)."""
    warnings = list(raw.warnings)
    body_text = raw.body
    if len(body_text) > settings.max_chars:
        warnings.append(f"size: text cut from {len(body_text)} to {settings.max_chars} "
                        "characters (setting max_chars)")
        body_text = body_text[:settings.max_chars]
    layout = _layout(raw, body_text, settings, rules, repeated or RepeatedLines.empty())
    warnings.extend(layout.warnings)

    parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for piece in [layout.headline, layout.subheadline, *layout.body]:
        if piece is None:
            spans.append(Span(-1, -1))
            continue
        if parts:
            offset += 1  # the "\n" between parts
        spans.append(Span(offset, offset + len(piece)))
        parts.append(piece)
        offset += len(piece)
    text = "\n".join(parts)
    headline = spans[0] if spans[0].start >= 0 else None
    subheadline = spans[1] if spans[1].start >= 0 else None
    body = tuple(spans[2:])
    if not text.strip():
        warnings.append("empty: no article text found in the input")
    elif not body:
        warnings.append("structure: no body paragraphs found; only a headline")
    published = raw.published or settings.published or layout.dateline_date
    source = Source(url=raw.url, site=raw.site or settings.source, path=raw.path,
                    record=raw.record)
    return Doc(text=text, id=stable_id(text, source, raw.id), source=source,
               published=published, headline=headline, subheadline=subheadline, body=body,
               byline=layout.byline or raw.author, removed=tuple(layout.removed),
               warnings=tuple(warnings), stages=("recover",))


def _layout(raw: RawArticle, body_text: str, settings: Settings, rules: BoilerplateRules,
            repeated: RepeatedLines) -> _Layout:
    out = _Layout()
    lines = [
        _Line(t, line_key(t), len(_WORD.findall(t)), i)
        for i, t in enumerate(ln.strip() for ln in body_text.splitlines()) if t
    ]
    for ln in lines:
        _drop_furniture(ln, rules, repeated, raw.site, out)
    kept = [ln for ln in lines if ln.removed is None]

    title = _one_line(raw.title)
    abstract = _one_line(raw.abstract)
    if title is not None:
        out.headline = title
    else:
        kept = _find_title_block(kept, settings, out)
    title_key = line_key(out.headline) if out.headline else None

    if abstract is not None and out.subheadline is None:
        body_keys = (ln.key for ln in kept if ln.key != title_key)
        body_start = " ".join(body_keys)[:4 * len(abstract) + 200]
        if _repeats(line_key(abstract), body_start):
            out.removed.append(Removed(abstract, "abstract-repeats-body"))
        else:
            out.subheadline = abstract
    sub_key = line_key(out.subheadline) if out.subheadline else None

    seen: set[str] = set()
    body: list[_Line] = []
    for ln in kept:
        if title_key and ln.key == title_key:
            ln.removed = "duplicate-title"
        elif sub_key and ln.key == sub_key:
            ln.removed = "duplicate-subheadline"
        elif ln.key in seen:
            ln.removed = "duplicate-line"
        else:
            seen.add(ln.key)
            body.append(ln)
            continue
        out.removed.append(Removed(ln.text, ln.removed))
    body = _bylines(body, out)
    out.body = [ln.text for ln in body]
    return out


def _one_line(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _drop_furniture(ln: _Line, rules: BoilerplateRules, repeated: RepeatedLines,
                    site: str | None, out: _Layout) -> None:
    if not ln.key:
        ln.removed = "separator"
    elif _URL_LINE.fullmatch(ln.text):
        ln.removed = "link"
    elif repeated.is_repeated(site, ln.key):
        ln.removed = "repeated-in-source"
    else:
        hit = rules.match(ln.key)
        if hit is None:
            return
        mode, reason = hit
        if mode == "suffix":
            _cut_suffix(ln, rules, reason, out)
            return
        ln.removed = reason
    out.removed.append(Removed(ln.text, ln.removed))


def _cut_suffix(ln: _Line, rules: BoilerplateRules, reason: str, out: _Layout) -> None:
    """Cut a boilerplate phrase off the end of a line (``... نص الخبر ...المزيد``)."""
    phrase = rules.suffix_phrase(ln.key) or ""
    need = sum(1 for ch in phrase if ch != " ")
    i = len(ln.text)
    while i > 0 and need > 0:
        i -= 1
        if line_key(ln.text[i]):
            need -= 1
    while i > 0 and not line_key(ln.text[i - 1]) and ln.text[i - 1] not in "»”\")":
        i -= 1
    kept, cut = ln.text[:i].rstrip(), ln.text[i:]
    out.removed.append(Removed(cut.strip(), reason))
    ln.text, ln.key, ln.words = kept, line_key(kept), len(_WORD.findall(kept))
    if not ln.key:
        ln.removed = "separator"


def _is_title_like(ln: _Line, settings: Settings) -> bool:
    return 0 < ln.words <= settings.title_max_words and not ln.ends_sentence


def _find_title_block(kept: list[_Line], settings: Settings, out: _Layout) -> list[_Line]:
    """Find the headline (and subheadline) among the lines of a raw text. Returns the
    lines that remain for the body."""
    if not kept:
        return kept
    h: int | None = None
    # 1. a title-like line printed twice is the headline
    first_seen: dict[str, int] = {}
    for i, ln in enumerate(kept):
        if ln.key in first_seen and _is_title_like(kept[first_seen[ln.key]], settings):
            h = first_seen[ln.key]
            break
        first_seen.setdefault(ln.key, i)
    # 2. a title-like first line followed by more text
    if h is None and len(kept) >= 2 and _is_title_like(kept[0], settings):
        h = 0
    # 3. a block of two or more title-like lines after the body
    if h is None and len(kept) >= 3:
        j = len(kept)
        while j > 1 and _is_title_like(kept[j - 1], settings):
            j -= 1
        if len(kept) - j >= 2 and j > 0:
            h = j
    if h is None:
        return kept
    out.headline = kept[h].text
    block = [h]
    nxt = h + 1
    if nxt < len(kept) and kept[nxt].key != kept[h].key \
            and kept[nxt].words <= SUBHEADLINE_MAX_WORDS and not kept[nxt].ends_sentence \
            and (h > 0 or nxt + 1 < len(kept)):
        out.subheadline = kept[nxt].text
        block.append(nxt)
    end = block[-1] + 1
    while end < len(kept) and kept[end].key == kept[h].key:
        end += 1  # the headline printed again right after the block
    before, after = kept[:h], kept[end:]
    words_before = sum(ln.words for ln in before)
    words_after = sum(ln.words for ln in after)
    body, outside = (before, after) if words_before > words_after else (after, before)
    for ln in outside:
        if ln.key == kept[h].key:
            continue  # reported below as a duplicate title
        ln.removed = "outside-article"
        out.removed.append(Removed(ln.text, "outside-article"))
    duplicates = [kept[i] for i in range(block[-1] + 1, end)]
    return body + duplicates + [ln for ln in outside if ln.removed is None]


def _repeats(abstract_key: str, body_key: str) -> bool:
    """Does an abstract only repeat (or shorten) the start of the body? True when nearly
    all its words appear, in order, in the first stretch of the body."""
    words = abstract_key.split()
    if not words:
        return True
    if abstract_key in body_key:
        return True
    window = body_key.split()[:2 * len(words) + 20]
    matcher = difflib.SequenceMatcher(None, words[:200], window[:440], autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return same >= 0.85 * min(len(words), 200)


def _bylines(body: list[_Line], out: _Layout) -> list[_Line]:
    """Bylines and datelines standing alone at the start or the end of the body."""
    def check(ln: _Line) -> bool:
        found = find_arabic_date(ln.text) if ln.words <= 16 else None
        if found and (ln.words <= 16 and _mostly_date(ln)):
            out.dateline_date = out.dateline_date or found
            ln.removed = "dateline"
        elif ln.words <= BYLINE_MAX_WORDS and not ln.ends_sentence \
                and _BYLINE_SEP.search(ln.text):
            out.byline = out.byline or ln.text
            ln.removed = "byline"
        else:
            return False
        out.removed.append(Removed(ln.text, ln.removed))
        return True

    while len(body) > 1 and check(body[0]):
        body = body[1:]
    while len(body) > 1 and check(body[-1]):
        body = body[:-1]
    return body


def _mostly_date(ln: _Line) -> bool:
    digits = sum(ch.isdigit() for ch in ln.text)
    return digits >= 4 and not ln.ends_sentence
