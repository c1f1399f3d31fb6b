"""A readable right-to-left summary of an analysed article for a terminal."""

from __future__ import annotations

from typing import Any

RLM = "\u200f"
WIDTH = 110


def _rtl(text: str, indent: str = "  ") -> str:
    text = " ".join(text.split())
    if len(text) > WIDTH:
        text = text[:WIDTH - 1] + "…"
    return f"{indent}{RLM}{text}"


def render_pretty(doc: dict[str, Any]) -> str:
    """Headline, subheadline, metadata, paragraphs and what was dropped, one block."""
    src = doc.get("source") or {}
    lines = ["═" * 60]
    lines.append(_rtl(doc.get("headline") or "(no headline)", "■ "))
    if doc.get("subheadline"):
        lines.append(_rtl(doc["subheadline"], "  "))
    where = src.get("url") or src.get("path") or "-"
    if src.get("record") is not None:
        where += f":{src['record']}"
    lines.append(f"  id {doc['id']} · {src.get('site') or '-'} · {where}")
    lines.append(f"  published {doc.get('published') or 'unknown'} · language "
                 f"{doc.get('language')} · {len(doc.get('body') or [])} paragraphs · "
                 f"{len(doc.get('sentences') or [])} sentences")
    if doc.get("byline"):
        lines.append(_rtl(doc["byline"], "  by "))
    lines.append("─" * 60)
    for i, para in enumerate(doc.get("body") or [], 1):
        lines.append(_rtl(para["text"], f"{i:>3} "))
    entities = doc.get("entities") or []
    if entities:
        lines.append(f"  entities ({len(entities)})")
        for e in entities:
            code = e.get("code") or "-"
            extra = f" → {e['refers_to']}" if e.get("refers_to") else ""
            lines.append(f"    {e['type']:<4} {code:<10} ×{len(e['mentions']):<3} {RLM}"
                         f"{e['name']}{extra}")
    quotes = doc.get("quotes") or []
    if quotes:
        lines.append(f"  quotes ({len(quotes)})")
        for q in quotes[:20]:
            who = q.get("speaker_text") or "?"
            lines.append(_rtl(f"{who} → «{q.get('text', '')}»", f"    {q.get('kind', ''):<8} "))
    events = doc.get("events") or []
    if events:
        lines.append(f"  events ({len(events)})")
        names = {e.get("id"): e.get("name") for e in entities}

        def actor(role: dict[str, Any] | None) -> str:
            if not role:
                return "-"
            text = str(role.get("text") or "?")
            if str(role.get("how", "")).startswith("anaphor") and names.get(role.get("entity")):
                return f"{text} (= {names[role.get('entity')]})"
            return text

        for ev in events[:30]:
            src, tgt = actor(ev.get("source")), actor(ev.get("target"))
            when = f" · {ev['date']}" if ev.get("date") else ""
            lines.append(f"    {ev.get('cameo', ''):<4} {ev.get('label', '')[:38]:<38} {RLM}"
                         f"{src} ← {tgt} «{(ev.get('trigger') or {}).get('text', '')}»{when}")
    removed = doc.get("removed") or []
    if removed:
        lines.append(f"  removed ({len(removed)})")
        for r in removed:
            lines.append(_rtl(r["text"], f"    [{r['reason']}] "))
    for w in doc.get("warnings") or []:
        lines.append(f"  ! {w}")
    return "\n".join(lines)
