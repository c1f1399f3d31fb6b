"""The event coder: sentences -> CAMEO events, with the reasons.

For each sentence, every token's key is looked up in the pattern book (one dict lookup);
a matching trigger whose ``with`` words follow it gets its roles filled over the tokens
and the entity mentions of the earlier stages:

* **source**: the actor right before the verb (subject-first), else the first phrase after
  it (verb-first), the genitive after a verbal noun (اتصال سليماني), the agent of a light
  verb (أجرى هنية اتصالاً), the agent of a passive (على يد، من قبل), the subject of the main
  clause for a circumstantial participle (داعيا), the speaker for an evaluative noun or a
  quotation's cue, the subject of the previous coordinated verb (pro-drop);
* **target**: the object of the pattern's preposition (اتصل بـ، ندد بـ), the direct object,
  or ``بين X و Y``; coordinated actors give one event per source-target pair;
* the article's own references: ``بلاده`` (the country of the actor just named),
  ``الحركة``/``التنظيم``/... (the organisation of that kind named last), ``الفصيلين``
  (the two organisations named last), ``القرار`` (the author of the decision named last).

Negated events (لم، لن، لا، ما، عدم، or inside ``نفى أن``) and events that did not happen
(conditional, purpose ``لـ``, obligation ``يجب``, future or intended material acts) are not
coded: the trace says why. Statements and threats about the future are coded with
``modality: future``. An event inside someone's words carries ``reported_by``."""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, overload

from ..doc import Doc, Token
from ..resources import Knowledge, data_path
from ..settings import Settings
from ..text import Tokenizer
from .dates import TimeExpr, find_times
from .patterns import EVAL, HAL, NOUN, VERB, Form, Pattern, PatternBook
from .places import dateline, locate
from .records import Event, Location, Role, Trigger

# ------------------------------------------------------------------ closed word classes
_PREPS = frozenset({"ب", "ل", "علي", "الي", "مع", "في", "من", "عن", "ضد", "امام", "بين",
                    "حول", "لدي", "عبر", "نحو", "تجاه", "ازاء", "بحق", "ك", "منذ", "خلال",
                    "بعد", "قبل", "عند", "داخل", "لصالح", "مقابل", "دون"})
#: words between a subject and its verb: future, auxiliaries
_AUX = frozenset({"س", "قد", "لقد", "سوف", "كان", "كانت", "كانوا", "يكون", "تكون", "قبل",
                  "ايضا", "بدوره", "بدورها", "امس"})
_QUANTITY = frozenset({"دفعه", "اولي", "عدد", "عشرات", "مءات", "الاف", "بعض", "ثلاث",
                       "اربع", "خمس", "ست", "سبع", "ثماني", "تسع", "عشر", "مءه", "الف",
                       "جميع", "كل", "نحو", "قرابه", "حوالي", "اكثر", "مجموعه"})
_NEG = frozenset({"لم", "لن", "لا", "ما", "ليس", "ليست", "لسنا", "عدم", "بدون", "دون", "غير",
                  "لما"})
#: «لا تزال تطالب»، «ما زال»، «لا سيما»: لا/ما that negate nothing
_NOT_NEG = frozenset({"سيما", "تزال", "يزال", "زال", "زالت", "تزالان", "يزالون", "برح"})
_COND = frozenset({"اذا", "لو", "حال", "حاله", "لولا", "ربما", "قد_يكون"})
_PURPOSE = frozenset({"اجل", "بهدف", "هدف", "بغرض", "غرض", "سعيا", "لكي", "كي", "حتي"})
_DEONTIC = frozenset({"ضروره", "يجب", "ينبغي", "لابد", "بد", "وجوب", "يتوجب", "يتعين"})
_INTENT = frozenset({"يعتزم", "تعتزم", "يعتزمون", "ينوي", "تنوي", "يخطط", "تخطط", "يسعي",
                     "تسعي", "يريد", "تريد", "استعداد", "استعداده", "استعدادها", "جاهزه",
                     "جاهز", "مستعد", "مستعده", "عزم", "عزمه", "نيه", "محاوله", "محاولة",
                     "يحاول", "تحاول", "امكانيه", "احتمال", "خطه"})
#: an act asked for is not an act done (طالبت بانسحاب القوات، دعا إلى وقف ...)
_REQUESTED = frozenset({"طالب", "طالبت", "طالبوا", "يطالب", "تطالب", "يطالبون", "مطالبا",
                        "مطالبه", "مطالبات", "دعا", "دعت", "دعوا", "يدعو", "تدعو", "داعيا",
                        "دعوه", "دعوات", "ناشد", "ناشدت", "يناشد", "حث", "حثت", "يحث", "طلب",
                        "طلبت", "يطلب", "تطلب", "نطالب", "ندعو", "اقترح", "اقترحت", "يقترح"})
#: an act stopped, cancelled or avoided did not happen (وقف الهجوم، إلغاء اللقاء)
_PREVENTED = frozenset({"وقف", "ايقاف", "منع", "الغاء", "انهاء", "تجنب", "تفادي", "رفض",
                        "رفضه", "رفضها", "احباط", "تاجيل", "ارجاء", "يمنع", "تمنع",
                        # «إلغاء» comes out of the tokenizer as ال + «غاء»
                        "غاء"})
_FUTURE = frozenset({"سوف", "س"})
_STOP = frozenset({".", "؛", ":", "!", "?", "؟", ";"})
_CLITICS = frozenset({"و", "ف"})
_COMPLEMENT = frozenset({"ان", "بان", "انه", "انها", "انهم"})
_TITLES = frozenset({"لواء", "عميد", "عقيد", "فريق", "شيخ", "سيد", "سيده", "دكتور", "د",
                     "امير", "ملك", "رءيس", "مستشار", "حاخام", "كابتن", "اللواء", "العميد",
                     "الشيخ", "الرءيس", "الامير", "الملك", "المشير", "مشير", "وزير", "الوزير",
                     "السفير", "سفير", "النائب", "نايب", "ناءب", "المتحدث", "متحدث", "حجه",
                     "الامام", "امام", "المرشد", "مرشد", "المبعوث", "مبعوث", "جنرال", "الجنرال"})
_QUOTE_MARKS = frozenset({"«", "»", "\"", "“", "”", "(", ")", "'"})
_QUOTES = _QUOTE_MARKS - {"(", ")"}
#: light verbs whose object is the event noun (أجرى اتصالاً، شن هجوماً، قام بزيارة)
_LIGHT = frozenset({"اجري", "اجرت", "يجري", "تجري", "اجروا", "شن", "شنت", "يشن", "تشن",
                    "شنوا", "نفذ", "نفذت", "ينفذ", "تنفذ", "نفذوا", "قام", "قامت", "يقوم",
                    "تقوم", "قاموا", "ابدي", "ابدت", "يبدي", "تبدي", "اعلن", "اعلنت",
                    "جدد", "جددت", "وجه", "وجهت",
                    "يوجه", "توجه", "ارتكب", "ارتكبت", "تلقي", "تلقت", "بدا", "بدات", "واصل",
                    "واصلت", "يواصل", "تواصل", "عقد", "عقدت", "يعقد", "تعقد", "اطلق", "اطلقت",
                    "نظم", "نظمت", "ينظم", "تنظم", "نظموا", "قدم", "قدمت", "رفع", "رفعت",
                    "اصدر", "اصدرت", "ادار", "ادارت", "يدير", "تدير", "قاد", "قادت", "يقود",
                    "تقود", "بداها", "بداه"})
#: a light verb with an object pronoun after the event noun (اتصال أجراه هنية)
_LIGHT_AFTER = frozenset({"اجراه", "اجرته", "اجراها", "اجرياه", "شنه", "شنته", "شنها",
                          "نفذه", "نفذته", "نفذها", "ارتكبه", "ارتكبته", "ارتكبها", "وجهه",
                          "وجهته", "وجهها", "عقده", "عقدته", "عقدها", "قدمه", "قدمته", "قدمها",
                          "اطلقه", "اطلقته", "اطلقها"})
_AGENT = (("علي", "يد"), ("من", "قبل"), ("من", "جانب"))
#: nouns standing between a preposition and the actor it governs (بموقف إيران، على قادة
#: «القسام»): the actor is the target
_HEADS = frozenset({"موقف", "مواقف", "قرار", "قرارات", "دور", "جهود", "سياسه", "سياسات",
                    "قاده", "قياده", "مسءولي", "عناصر", "قوات", "مقاتلي", "مسلحي", "شعب",
                    "حكومه", "نظام", "رءيس", "زعيم", "زعماء", "ممثلي", "وفد", "تصريحات",
                    "ممارسات", "اعتداءات", "هجمات", "مواقع", "معاقل", "مقر", "مقرات", "سفاره",
                    "قنصليه", "ميليشيات", "مليشيات", "فصاءل", "فصيل", "اعضاء", "انصار",
                    "مواطني", "سكان", "ابناء", "رعايا", "خطوه", "اعلان", "تحالف"})
#: actor nouns too vague to name an actor on their own («القوات»، «الحكومة»)
_VAGUE = frozenset({"قوات", "قوه", "جيش", "حكومه", "نظام", "سلطات", "شرطه", "امن",
                    "سفاره", "قنصليه", "وكاله", "جمعيه", "منظمه", "منظمات", "قبيله", "ابناء",
                    "طيران", "طاءرات", "مقاتلات", "تحالف", "محكمه", "قاض", "قاضي", "مصادر",
                    "مسءولين", "مسءولون", "عناصر", "وحدات", "كتاءب", "فصاءل", "معارضه",
                    "جنود", "نيابه"})
_DECISIONS = frozenset({"قرار", "خطوه", "اعلان"})
_TRACKED = _DECISIONS | {"بيان"}
#: anaphoric organisation nouns: the last organisation whose name holds this word
_ORG_ANAPHORS = frozenset({"حركه", "تنظيم", "جماعه", "هيءه", "منظمه", "وزاره", "مجلس",
                           "حزب", "جبهه", "كتاءب", "ميليشيا", "لجنه", "محكمه", "شرطه",
                           "فيدراليه", "قبيله", "اكاديميه", "مرصد"})
#: «بلده» is left out: normalised, it is also «بلدة» (town)
_COUNTRY_ANAPHORS = frozenset({"بلاده", "بلادها", "بلادهم", "بلدهم", "دولته"})
#: words carrying the subject pronoun of the verb after them
#: verbs whose object names an event to judge it (وصفت الهجوم بأنه، أدان الهجوم)
_NAMING = frozenset({"وصف", "وصفت", "يصف", "تصف", "واصفا", "اعتبر", "اعتبرت", "يعتبر",
                     "تعتبر", "معتبرا", "ادان", "ادانت", "يدين", "تدين", "ندد", "نددت",
                     "يندد", "تندد", "استنكر", "استنكرت", "شجب", "شجبت", "انتقد", "انتقدت"})
_RESUMPTIVE = frozenset({"عليها", "عليه", "عليهم", "بها", "به", "بهم", "لها", "له", "لهم",
                         "منها", "منه", "فيها", "فيه", "اليها", "اليه", "معها", "معه"})
_RELATIVE = frozenset({"الذي", "التي", "الذين", "اللذين", "اللتين", "اللذان", "اللتان"})
#: function words before a verb that are no unknown subject
_FUNCTION = frozenset({"ثم", "كما", "بينما", "فيما", "حيث", "اذ", "لكن", "الا", "فقد", "حين",
                       "عندما", "بعدما", "قبل", "بعد", "حتي", "ان", "انه", "انها", "لما",
                       "كذلك", "ايضا", "وقد", "اما", "عندها", "حينها", "لذلك", "لهذا", "بل"})
_PRONOUN_HOSTS = frozenset({"لكنه", "لكنها", "لكنهم", "انه", "انها", "انهم", "فانه",
                            "فانها", "بانه", "بانها", "لانه", "لانها"})
_DUALS = {"فصيلين": "ORG", "حركتين": "ORG", "تنظيمين": "ORG", "بلدين": "LOC",
          "دولتين": "LOC", "طرفين": None, "جانبين": None}
_VERBAL_ROOTS = frozenset({"01", "02", "03", "04", "05", "09", "10", "11", "12", "13"})
_FUTURE_OK_ROOTS = frozenset({"01", "02", "03", "05", "10", "11", "12", "13"})
_ACTOR_TYPES = frozenset({"PER", "ORG", "LOC", "GRP"})
_WINDOW = 12


@dataclass(frozen=True, slots=True)
class _TextActor:
    """An actor named by a phrase that is no entity (``الميليشيات المسلحة``)."""

    id: str
    #: not an entity type: patterns restricted to entity types (ORG|GRP) exclude it
    type: str = "TEXT"
    country: str | None = None


@dataclass(frozen=True, slots=True)
class _Mention:
    entity: Any
    first: int  # token index
    end: int  # token index, exclusive
    start: int  # char offsets
    stop: int
    how: str = ""

    def role(self, text: str, how: str) -> Role:
        entity = None if isinstance(self.entity, _TextActor) else self.entity.id
        return Role(entity, text[self.start:self.stop], self.start, self.stop, how)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A trigger that matched a pattern, and what became of it (for ``marsad explain``)."""

    sentence: int
    trigger: Trigger
    pattern: str
    cameo: str
    status: str  # coded, merged, frame, rejected
    reason: str
    source: Role | None = None
    target: Role | None = None
    modality: str = "asserted"
    negated: bool = False
    reported_by: Role | None = None
    #: patterns of the same trigger whose `with` words were missing
    skipped: tuple[str, ...] = ()


@dataclass(slots=True)
class _Sentence:
    index: int
    lo: int
    hi: int
    _times: list[TimeExpr] | None = None
    subject: _Mention | None = None
    speech: list[tuple[int, _Mention]] = field(default_factory=list)
    deny_from: int | None = None


class EventCoder:
    """Build once per pipeline (``EventCoder(book)``), call on each document."""

    def __init__(self, book: PatternBook, *, keep_unreal: bool = False,
                 split_coordination: bool = True) -> None:
        self.book = book
        self.keep_unreal = keep_unreal
        self.split_coordination = split_coordination
        #: the token keys the main loop looks at: triggers (also after و or ف) and
        #: tracked words (mentions come on top, per document)
        self.hot_keys = frozenset(book.index) | _TRACKED | frozenset(
            c + k for k in book.index for c in "وف")

    @classmethod
    def for_pipeline(cls, settings: Settings, knowledge: Knowledge) -> EventCoder:
        """The coder with the shipped patterns (plus ``events.patterns`` files named in
        ``settings.extra``); ``events.keep_unreal=1`` keeps negated and unrealised events
        with their flags instead of dropping them."""
        extra = dict(settings.extra)
        files = tuple(Path(f) for f in extra.get("events.patterns", "").split(os.pathsep) if f)
        book = PatternBook.load(Tokenizer(knowledge.lexicon), data_path("events"), files)
        return cls(book, keep_unreal=extra.get("events.keep_unreal", "") in ("1", "true"),
                   split_coordination=extra.get("events.coordination", "split") != "first")

    def __call__(self, doc: Doc) -> tuple[Event, ...]:
        return self.code(doc)[0]

    def code(self, doc: Doc) -> tuple[tuple[Event, ...], list[Candidate]]:
        return _DocCoder(self, doc).run()


class _DocCoder:
    def __init__(self, coder: EventCoder, doc: Doc) -> None:
        self.coder = coder
        self.book = coder.book
        self.doc = doc
        self.text = doc.text
        self.tokens: Sequence[Token] = doc.tokens
        self.starts = [t.start for t in self.tokens]
        self.mention_at: dict[int, _Mention] = {}
        self.cover: dict[int, _Mention] = {}
        self.loc_at: dict[int, tuple[Any, int, int]] = {}
        self.entities = {getattr(e, "id", ""): e for e in doc.entities}
        self._index_mentions()
        self.quotes = self._quotes()
        self.candidates: list[Candidate] = []
        self.sent: _Sentence | None = None
        self.issuer: _Mention | None = None  # who issued the last statement (البيان)
        self._actor_cache: dict[int, _Mention | None] = {}
        self.used: set[int] = set()  # tokens of `with` phrases already spent
        self.hot: list[int] = []
        self.countries: dict[str, Any] = {}
        for e in doc.entities:
            actor = getattr(e, "actor", None)
            if isinstance(actor, str) and actor.startswith("country:"):
                self.countries.setdefault(actor[8:], e)
        self.prev_subject: _Mention | None = None
        self.org_seen: list[_Mention] = []  # organisation mentions in text order
        self.decisions: list[tuple[int, _Mention]] = []  # (token, author) of «قرار X»

    # -------------------------------------------------------------- indexes
    def _tok(self, char: int) -> int:
        return bisect.bisect_left(self.starts, char)

    def _index_mentions(self) -> None:
        for e in self.doc.entities:
            etype = getattr(e, "type", "")
            if etype not in _ACTOR_TYPES:
                continue
            for m in getattr(e, "mentions", ()):
                first = self._tok(m.start)
                end = bisect.bisect_left(self.starts, m.end)
                if first >= len(self.tokens) or first >= end:
                    continue
                men = _Mention(e, first, end, m.start, m.end)
                old = self.mention_at.get(first)
                if old is None or old.end < end:
                    self.mention_at[first] = men
                if etype == "LOC":
                    self.loc_at[first] = (e, first, end)
                for k in range(first, end):
                    old_c = self.cover.get(k)
                    if old_c is None or (old_c.end - old_c.first) < (end - first):
                        self.cover[k] = men

    def _quotes(self) -> list[tuple[int, int, str | None, int | None]]:
        out = []
        for q in self.doc.quotes:
            start, end = getattr(q, "start", None), getattr(q, "end", None)
            if not isinstance(start, int) or not isinstance(end, int):
                continue
            speaker = getattr(q, "speaker", None)
            cue = getattr(q, "cue", None)
            cue_start = getattr(cue, "start", None) if cue is not None else None
            out.append((start, end, speaker if isinstance(speaker, str) else None,
                        cue_start if isinstance(cue_start, int) else None))
        return out

    # -------------------------------------------------------------- main loop
    def run(self) -> tuple[tuple[Event, ...], list[Candidate]]:
        doc = self.doc
        if not self.tokens or doc.language not in ("ar", "und"):
            return (), []
        events: list[Event] = []
        merged: dict[tuple[str, str, str], int] = {}
        body_first = self._tok(doc.body[0].start) if doc.body else 0
        # the only tokens the loop needs to look at: triggers, mentions, tracked words
        keys = self.coder.hot_keys
        self.hot = sorted({i for i, t in enumerate(self.tokens) if t.norm in keys}
                          | self.mention_at.keys())
        self.dateline = dateline(doc, self.tokens, self.loc_at, self.book.places, body_first)
        for si, span in enumerate(doc.sentences):
            lo, hi = self._tok(span.start), self._tok(span.end)
            sent = _Sentence(si, lo, hi)
            self._sentence(sent, events, merged)
        return tuple(events), self.candidates

    def _sentence(self, sent: _Sentence, events: list[Event],
                  merged: dict[tuple[str, str, str], int]) -> None:
        tokens = self.tokens
        self.sent = sent
        hot = self.hot
        h = bisect.bisect_left(hot, sent.lo)
        i = sent.lo
        while h < len(hot) and hot[h] < sent.hi:
            if hot[h] < i:  # inside a trigger already matched
                h += 1
                continue
            i = hot[h]
            h += 1
            tok = tokens[i]
            if i in self.mention_at or tok.norm in _TRACKED:
                self._track(i)
            forms = self.book.lookup(tok.norm) if tok.kind in ("word", "clitic") \
                and i not in self.used else []
            first = None
            if not forms and tok.kind == "word" and len(tok.norm) > 4 and \
                    tok.norm[0] in "وف" and i not in self.used:
                # a rare word the tokenizer left whole: «ونادت» = و + نادت
                first = tok.norm[1:]
                forms = [f for f in self.book.lookup(first) if len(f.keys) == 1]
            if not forms:
                continue
            found = self._match(forms, i, sent.hi, first)
            if found is None:
                continue
            form, end, skipped = found
            self._candidate(sent, form, i, end, skipped, events, merged,
                            0 if first is None else 1)
            i = end
        if sent.subject is not None:
            self.prev_subject = sent.subject

    def _track(self, i: int) -> None:
        """Remember organisations and decisions for the article's own references."""
        m = self.mention_at.get(i)
        if m is not None and getattr(m.entity, "type", "") in ("ORG", "GRP"):
            self.org_seen.append(m)
        if self.tokens[i].norm == "بيان" and self.sent is not None \
                and self.sent.subject is not None and (
                    i == 0 or self.tokens[i - 1].kind != "article"):
            self.issuer = self.sent.subject
        if self.tokens[i].norm in _DECISIONS:
            author = self._genitive(i + 1, i + 4)
            if author is not None:
                self.decisions.append((i, author))

    # -------------------------------------------------------------- matching
    def _content(self, i: int, hi: int) -> Iterable[int]:
        for k in range(i, hi):
            if self.tokens[k].kind != "article":
                yield k

    def _match(self, forms: list[Form], i: int, hi: int, first: str | None = None
               ) -> tuple[Form, int, tuple[str, ...]] | None:
        skipped: list[str] = []
        for f in forms:
            end = self._seq(f.keys, i, hi) if first is None else i + 1
            if end is None:
                continue
            if f.pattern.with_ and not self._with(f.pattern, end, hi):
                skipped.append(f.pattern.id)
                continue
            if f.kind == VERB and self._nominal_context(i):
                # «باغتصاب وقتل الصحفية»: spelled like the verb, used as the verbal noun
                noun = next((g for g in forms if g.pattern is f.pattern and g.kind == NOUN
                             and g.keys == f.keys), None)
                if noun is not None:
                    return noun, end, tuple(skipped)
            return f, end, tuple(skipped)
        return None

    def _nominal_context(self, i: int) -> bool:
        """A word after an article, a preposition, or «ب<noun> و» is a noun."""
        j = i - 1
        if j < 0:
            return False
        prev = self.tokens[j]
        if prev.kind == "article" or (prev.norm in _PREPS and prev.norm != "بعد"):
            return True
        return (prev.norm == "و" and j >= 2 and self.tokens[j - 2].norm in ("ب", "ل")
                and self.tokens[j - 2].kind == "clitic")

    def _seq(self, keys: tuple[str, ...], i: int, hi: int) -> int | None:
        """End token of ``keys`` matched from ``i`` (articles skipped), or ``None``."""
        k = i
        for key in keys:
            while k < hi and self.tokens[k].kind == "article":
                k += 1
            if k >= hi or self.tokens[k].norm != key:
                return None
            k += 1
        return k

    def _with(self, p: Pattern, end: int, hi: int) -> bool:
        """Whether one of the pattern's `with` phrases follows; its tokens are marked as
        used (they belong to this trigger and trigger nothing else)."""
        stop = min(hi, end + 20)
        for k in self._content(end, stop):
            if self.tokens[k].norm in _STOP or (k > end + 3 and
                                                self.tokens[k].norm in self.book.frame_keys):
                return False
            for alt in p.with_:
                if self.tokens[k].norm == alt[0]:
                    stop_at = self._seq(alt, k, hi)
                    if stop_at is not None:
                        self.used.update(range(k, stop_at))
                        return True
        return False

    # -------------------------------------------------------------- one candidate
    def _candidate(self, sent: _Sentence, form: Form, i: int, end: int,
                   skipped: tuple[str, ...], events: list[Event],
                   merged: dict[tuple[str, str, str], int], clitic: int = 0) -> None:
        p = form.pattern
        text = self.text
        begin = self.tokens[i].start + clitic
        trig = Trigger(begin, self.tokens[end - 1].end, text[begin:self.tokens[end - 1].end])
        source, target, coordinated_src, coordinated_tgt, why = self._roles(sent, form, i, end)

        def reject(reason: str, **kw: Any) -> None:
            self.candidates.append(Candidate(sent.index, trig, p.id, p.cameo, "rejected",
                                             reason, source.role(text, source.how)
                                             if source else None,
                                             target.role(text, target.how) if target else None,
                                             skipped=skipped, **kw))

        if p.is_frame:
            if source is not None:
                sent.speech.append((max(end, source.end), source))
                sent.subject = source
            self.candidates.append(Candidate(
                sent.index, trig, p.id, "say", "frame",
                "speech verb: gives its speaker to what it introduces",
                source.role(text, source.how) if source else None, skipped=skipped))
            return
        if p.id.startswith("deny"):
            sent.deny_from = end
        if source is None:
            reject(why or "no source actor found")
            return
        if not _can_act(source):
            reject(f"a place does not act: «{text[source.start:source.stop]}»")
            return
        if form.kind == NOUN and source.how == "demonym" and i > 0 and \
                self.tokens[i - 1].kind == "article" and sent.index > 0:
            reject("a definite noun with a demonym names a known event («الهجوم التركي»)")
            return
        if p.source_types and getattr(source.entity, "type", "GRP") not in p.source_types:
            reject(f"source «{text[source.start:source.stop]}» is not a "
                   f"{'/'.join(p.source_types)} actor")
            return
        if sent.subject is None or form.kind != HAL:
            sent.subject = sent.subject or source
        if form.kind == EVAL and p.target and target is None:
            reject("no actor for the evaluation to be about")
            return
        if p.target and not p.target_optional and target is None:
            reject(f"no target actor found ({why or 'none after ' + '|'.join(p.target)})")
            return
        if target is not None and target.entity.id == source.entity.id:
            reject("source and target are the same actor")
            return
        if p.cameo.startswith("054") and target is not None and \
                getattr(target.entity, "type", "") != "LOC":
            reject("recognition of something that is not a place or state")
            return
        negated, modality, cue = self._modality(sent, i, end)
        root = p.cameo[:2]
        reported = self._reported_by(sent, i, source)
        background = self._background(sent, form, i, end, reported)
        if background:
            reject(background)
            return
        if negated and not self.coder.keep_unreal:
            reject(f"negated ({cue})", negated=True, modality=modality)
            return
        if modality in ("conditional", "purpose", "deontic", "requested") \
                and not self.coder.keep_unreal:
            reject(f"did not happen: {modality} ({cue})", modality=modality)
            return
        if modality in ("future", "intended") and root == "04" and p.cameo != "041":
            form = Form(form.keys, form.kind, _as_code(p, "036"))  # will meet: intent
            p = form.pattern
            root = "03"
        if modality in ("future", "intended") and root not in _FUTURE_OK_ROOTS \
                and not self.coder.keep_unreal:
            reject(f"material act not yet done: {modality} ({cue})", modality=modality)
            return
        if root not in _VERBAL_ROOTS and reported is not None and form.kind == EVAL:
            reject("evaluation inside someone else's words")
            return
        if not self.coder.split_coordination:
            coordinated_src, coordinated_tgt = [], []
        sources = [source, *coordinated_src]
        targets: list[_Mention | None] = [target, *coordinated_tgt] if target else [None]
        for s in sources:
            for t in targets:
                if t is not None and t.entity.id == s.entity.id:
                    continue
                self._emit(sent, form, i, trig, s, t, negated, modality, reported, events,
                           merged, skipped)

    def _emit(self, sent: _Sentence, form: Form, i: int, trig: Trigger, s: _Mention,
              t: _Mention | None, negated: bool, modality: str, reported: Role | None,
              events: list[Event], merged: dict[tuple[str, str, str], int],
              skipped: tuple[str, ...]) -> None:
        p = form.pattern
        text = self.text
        src = s.role(text, s.how)
        tgt = t.role(text, t.how) if t else None
        key = (s.entity.id, t.entity.id if t else "", p.cameo[:3])
        force = (s.entity.id, t.entity.id if t else "", f"force@{sent.index}")
        if _family(p.cameo) == "force" and force in merged and key not in merged:
            key = force
        if key in merged:
            k = merged[key]
            old = events[k]
            code = old.cameo
            if (p.cameo[:3] == old.cameo[:3] and len(p.cameo) > len(old.cameo)) or (
                    old.cameo[2] == "0" and p.cameo[2] != "0"):
                code = p.cameo  # the more specific telling names the event
            events[k] = _replace_code(old, self.book, code, (*old.mentions, trig))
            self.candidates.append(Candidate(sent.index, trig, p.id, p.cameo, "merged",
                                             f"same event as {old.id}", src, tgt, modality,
                                             negated, reported, skipped))
            return
        c = self.book.codes[p.cameo]
        when, when_text = self._date(sent, i)
        skip = frozenset({s.entity.id} | ({t.entity.id} if t else set()))
        place = locate(self.doc, self.tokens, i, sent.lo, sent.hi, self.loc_at,
                       self.book.places, skip) or self._dateline(skip)
        event = Event(
            id=f"v{len(events) + 1}", source=src, target=tgt, cameo=p.cameo,
            cameo_root=c.root, label=c.name, quad_class=c.quad_class, goldstein=c.goldstein,
            plover=(c.plover_event, c.plover_mode, c.plover_context), trigger=trig,
            sentence=sent.index, negated=negated, modality=modality, reported_by=reported,
            date=when, date_text=when_text, location=place, pattern=p.id,
            confidence=_confidence(form, s, t, p, reported), mentions=(trig,))
        merged[key] = len(events)
        if _family(p.cameo) == "force":
            merged.setdefault(force, len(events))
        events.append(event)
        self.candidates.append(Candidate(sent.index, trig, p.id, p.cameo, "coded", event.id,
                                         src, tgt, modality, negated, reported, skipped))

    def _times(self, sent: _Sentence) -> list[TimeExpr]:
        """The sentence's time expressions, found when a candidate first needs them."""
        if sent._times is None:
            sent._times = find_times(self.tokens, sent.lo, sent.hi, self.text,
                                     self.doc.published)
        return sent._times

    def _dateline(self, skip: frozenset[str]) -> Location | None:
        d = self.dateline
        return d if d is not None and d.entity not in skip else None

    def _date(self, sent: _Sentence, i: int) -> tuple[str | None, str | None]:
        times = self._times(sent)
        if times:
            at = self.tokens[i].start
            best = min(times, key=lambda t: abs(t.start - at))
            return best.value, self.text[best.start:best.end]
        pub = self.doc.published
        return (pub.isoformat() if isinstance(pub, date) else None), None

    # -------------------------------------------------------------- roles
    def _roles(self, sent: _Sentence, form: Form, i: int, end: int
               ) -> tuple[_Mention | None, _Mention | None, list[_Mention], list[_Mention], str]:
        p = form.pattern
        lo, hi = sent.lo, sent.hi
        source: _Mention | None = None
        target: _Mention | None = None
        after = end  # where the search for the target starts
        patient_genitive = form.kind == NOUN and p.target[:1] == ("obj",)
        rel_object: _Mention | None = None
        agent = self._agent(end, hi) if p.cameo[:2] not in _VERBAL_ROOTS or (
            p.cameo[:2] == "09") else None
        if p.target[:1] == ("bin",) and form.kind in (NOUN, VERB):
            pair = self._between(end, hi)
            if pair is not None:
                return pair[0], pair[1], [], self._coordinated(pair[1], hi), ""
        if form.kind == HAL:
            source = _how(sent.subject, "main-clause")
        elif form.kind == EVAL:
            source = self._speaker(sent, i)
            target = self._evaluated(sent, i) if p.target else None
            return source, target, [], [], "" if source else "no speaker for the evaluation"
        elif form.kind == NOUN:
            gen = self._genitive(end, min(hi, end + 4), via_lam="ل" not in p.target)
            demonym = self._demonym_actor(end) if gen is None else None
            if demonym is not None:  # «الهجوم التركي»: the demonym is the agent
                source, after = demonym, demonym.end
            elif gen is not None and not patient_genitive:
                source = _how(gen, "genitive")
                after = gen.end
            else:
                if gen is not None:
                    target = _how(gen, "genitive-patient")
                    after = gen.end
                source = agent or self._light_subject(i, end, lo, hi)
        elif self._is_first_person(form) and self._first_person(sent, i):
            source = self._first_person(sent, i)  # «نطالب السلطات»: the object follows
        else:
            before = self._subject_before(i, lo)
            rel = self._relative_subject(i, lo) if before is None else None
            if rel is not None:
                if self.tokens[i].norm.startswith(("ي", "ت")) and p.cameo[:2] not in \
                        _VERBAL_ROOTS:
                    return None, None, [], [], "a description in a relative clause (present)"
                overt = self._subject_after(end, hi) if self._resumptive(i, end, hi) else None
                if overt is not None:  # «التي تسيطر عليها إسرائيل»: the antecedent is the object
                    before, rel_object = overt, _how(rel, "antecedent-object")
                    after = overt.end
                else:
                    before = rel
            if agent is not None:
                source = agent
                target = before or self._subject_after(end, hi)
                if target is not None:
                    target = _how(target, "passive-subject")
            elif before is not None:
                source = before
            elif not self.tokens[end - 1].norm.endswith(("وا", "ون")):
                # a verb agreeing in the plural has its subject before it (or none)
                source = self._subject_after(end, hi)
                if source is not None:
                    after = source.end
        if source is None and form.kind != NOUN:
            source = self._pronoun_subject(sent, i)
            if source is None and form.kind == VERB and (
                    self._unknown_subject(end, hi) or self._unknown_before(i, lo)):
                return None, None, [], [], "its subject is a name that is no known actor"
            first = self._first_person(sent, i) if self._is_first_person(form) else None
            source = source or (self._cue_speaker(i) or first or self._prodrop(sent, i, p))
        if "subj" in p.target and form.kind == VERB and source is not None \
                and not source.how.startswith(("agent", "attributed")):
            # «خضع X للتحقيق من قبل Y»: the subject undergoes, the agent acts
            target, source = _how(source, "subject-undergoes"), agent
        if source is None and p.cameo[:2] in ("09", "17"):
            source = self._attribution(sent, i)
            if source is not None and target is None and form.kind == VERB:
                target = self._subject_before(i, lo) or self._subject_after(end, hi)
        if source is None:
            return None, None, [], [], ""
        coordinated_src = self._coordinated(source, hi) if source.how in (
            "subject-before", "subject-after", "genitive") else []
        if coordinated_src and after >= source.first:
            after = max(after, coordinated_src[-1].end)
        if target is None and p.target:
            for spec in p.target:
                if spec == "subj":
                    continue
                if spec == "obj":
                    target = self._object(after, hi, source)
                elif spec == "bin":
                    pair = self._between(end, hi)
                    if pair is not None:  # «عرض الوساطة بين X و Y»: both sides are targets
                        target, between_partner = pair
                        return (source, target, coordinated_src,
                                [between_partner, *self._coordinated(between_partner, hi)], "")
                else:
                    target = self._prep_object(spec, max(end, after), hi, source)
                if target is not None:
                    break
        if target is None and p.target:
            target = rel_object
        coordinated_tgt = self._coordinated(target, hi) if target is not None else []
        return source, target, coordinated_src, coordinated_tgt, ""

    def _actor(self, k: int) -> _Mention | None:
        """The actor mention starting at token ``k``, or an article's own reference to one
        (بلاده، الحركة، الفصيلين، القرار) resolved to what it stands for."""
        if k in self._actor_cache:
            return self._actor_cache[k]
        found = self._find_actor(k)
        self._actor_cache[k] = found
        return found

    def _find_actor(self, k: int) -> _Mention | None:
        m = self.mention_at.get(k)
        if m is not None and not self._reference_word(m):
            return m
        ref = self._reference(k)
        return ref if ref is not None else self._phrase(k)

    def _reference_word(self, m: _Mention) -> bool:
        """An entity mention that is only one of the article's reference words
        («الفصيلين» tagged as a name): resolve the reference instead."""
        words = [t.norm for t in self.tokens[m.first:m.end] if t.kind != "article"]
        return len(words) == 1 and (words[0] in _DUALS or words[0] in _COUNTRY_ANAPHORS)

    def _reference(self, k: int) -> _Mention | None:
        tok = self.tokens[k]
        key = tok.norm
        if tok.kind == "article" and k + 1 < len(self.tokens):
            nxt = self.tokens[k + 1]
            key = nxt.norm
            if key in _ORG_ANAPHORS and not self.mention_at.get(k + 1):
                for prev in reversed(self.org_seen):
                    name = getattr(prev.entity, "name", "")
                    if key[:-1] in name.replace("ة", "ه")[:12] or key in name:
                        return _Mention(prev.entity, k, k + 2, tok.start, nxt.end,
                                        f"anaphor:{self.text[tok.start:nxt.end]}")
                return None
            if key == "بيان" and self.issuer is not None:
                return _Mention(self.issuer.entity, k, k + 2, tok.start, nxt.end,
                                "anaphor:البيان")
            if key in _DECISIONS:
                return self._decision_author(k, k + 2)
            return None
        if key in _COUNTRY_ANAPHORS:
            owner = self._owner_before(k)
            sent = self.sent
            if sent is not None and sent.subject is not None and sent.lo <= k \
                    and sent.subject.first < k:
                owner = sent.subject
            if owner is not None:
                return _Mention(owner.entity, k, k + 1, tok.start, tok.end,
                                f"anaphor:{tok.norm}")
        return None

    def _phrase(self, k: int) -> _Mention | None:
        """A generic actor phrase starting at ``k``: «الطيران التركي»، «قوات موالية
        للحكومة السورية»، «مسلحي التنظيم»، «الميليشيات المسلحة»."""
        tokens, n = self.tokens, len(self.tokens)
        j = k + 1 if tokens[k].kind == "article" else k
        if j >= n or tokens[j].kind != "word":
            return None
        heads = self.book.actor_nouns.get(tokens[j].norm)
        if not heads:
            return None
        end = next((e for keys in heads if (e := self._seq(keys, j, n)) is not None), None)
        if end is None:
            return None
        definite = tokens[k].kind == "article"
        entity: Any = None
        country: str | None = None
        mods = 0
        x = end
        while x < n and tokens[x].norm in _QUOTE_MARKS:
            x += 1
        gen = self.mention_at.get(x) if x < n else None
        if gen is None and x < n and not definite:
            gen = self._reference(x)
        if x < n and x > end and tokens[end].norm in ("«", "\"", "“"):
            close = next((y for y in range(x, min(n, x + 9))
                          if tokens[y].norm in ("»", "\"", "”")), None)
            if close is not None and close > x:  # جمعية «بيت الإعلاميين العرب في تركيا»
                end, mods = close + 1, 1
                entity = gen.entity if gen is not None and gen.end <= close else None
                gen, x = None, n
        if gen is not None:
            entity, end = gen.entity, gen.end
        elif x < n:
            while mods < 3 and end < n:
                t = tokens[end]
                if t.kind == "article" and end + 1 < n and tokens[end + 1].kind == "word":
                    w = tokens[end + 1].norm
                    if w in self.book.demonyms:
                        country = country or self.book.demonyms[w]
                    elif definite and mods == 0 and not _agrees(tokens[j].norm, w) and \
                            w not in self.book.actor_nouns:
                        break  # «قتلت الشرطة المهاجم»: no adjective of «الشرطة»
                    elif not (w in self.book.actor_nouns or mods == 0 or w.endswith(
                            ("ي", "يه", "يين", "يون"))):
                        break  # «قوات الجيش الوطني الليبي»، «قوات الشرطة الاتحادية»
                    end += 2
                elif t.kind == "word" and not definite and mods == 0 and end + 2 < n and \
                        tokens[end + 1].kind == "article" and t.norm not in self.book.demonyms:
                    end += 1  # «سلطات مكافحة الفساد»: a genitive chain
                    continue
                elif t.kind == "word" and not definite and (
                        t.norm in self.book.demonyms or t.norm.endswith(("يه", "يون", "يين"))):
                    country = country or self.book.demonyms.get(t.norm)
                    end += 1
                elif t.norm == "و" and end + 1 < n and country and (
                        tokens[end + 1].norm in self.book.demonyms):
                    end += 2
                else:
                    break
                mods += 1
            if end < n and tokens[end].norm == "ل" and tokens[end].kind == "clitic":
                after = end + 1
                m = self.mention_at.get(after)
                if m is not None:
                    entity, end = m.entity, m.end
                elif after + 1 < n and tokens[after].kind == "article" and \
                        tokens[after + 1].norm in self.book.actor_nouns:
                    end = after + 2  # «القوات الموالية للنظام»
        if entity is None and end + 2 < n and tokens[end].norm == "(":
            inner = self.mention_at.get(end + 1)  # «وكالة الأنباء الرسمية (سانا)»
            if inner is not None and inner.end < n and tokens[inner.end].norm == ")":
                entity = inner.entity
        if entity is None and country is not None:
            entity = self.countries.get(country)
        if entity is None and mods == 0 and (not definite or tokens[j].norm in _VAGUE):
            return None
        text = self.text[tokens[k].start:tokens[end - 1].end]
        if entity is None:
            # the head and its first modifier name the actor: «قوات موالية للحكومة» and
            # «القوات الموالية للنظام» are one actor of the article
            words = [t.norm for t in tokens[k:end] if t.kind in ("word", "number")]
            entity = _TextActor("text:" + " ".join(words[:2]), country=country)
        return _Mention(entity, k, end, tokens[k].start, tokens[end - 1].end,
                        f"phrase:{text}")

    def _demonym_actor(self, k: int) -> _Mention | None:
        """«الهجوم التركي»، «الغارات الإسرائيلية»: the country of the demonym after an
        event noun (its entity when the article names it)."""
        tokens = self.tokens
        if k + 1 >= len(tokens) or tokens[k].kind != "article":
            return None
        country = self.book.demonyms.get(tokens[k + 1].norm)
        if country is None:
            return None
        entity = self.countries.get(country) or _TextActor(f"country:{country}",
                                                           country=country)
        return _Mention(entity, k, k + 2, tokens[k].start, tokens[k + 1].end,
                        "demonym")

    def _decision_author(self, k: int, end: int) -> _Mention | None:
        for at, author in reversed(self.decisions):
            if at < k:
                start, stop = self.tokens[k].start, self.tokens[end - 1].end
                return _Mention(author.entity, k, end, start, stop,
                                f"anaphor:{self.text[start:stop]}")
        return None

    def _owner_before(self, k: int) -> _Mention | None:
        """The actor whose country «بلاده» is: the nearest person or organisation before."""
        for j in range(k - 1, max(-1, k - 40), -1):
            m = self.cover.get(j)
            if m is not None and getattr(m.entity, "type", "") in ("PER", "ORG", "GRP"):
                return m
        return None

    def _skippable(self, k: int) -> bool:
        t = self.tokens[k]
        if t.kind in ("article", "clitic") and t.norm in ("ال", "و"):
            return t.norm == "ال"
        if t.norm in _QUOTE_MARKS or t.norm == "،" or t.norm == ",":
            return True
        return t.norm in _TITLES

    def _prev_content(self, k: int, lo: int) -> int:
        j = k - 1
        while j >= lo and (self.tokens[j].kind == "article" or self.tokens[j].norm
                           in _QUOTE_MARKS):
            j -= 1
        return j

    def _after_prep(self, m: _Mention, lo: int) -> bool:
        j = self._prev_content(m.first, lo)
        return j >= lo and self.tokens[j].norm in _PREPS

    def _subject_before(self, i: int, lo: int) -> _Mention | None:
        j = i - 1
        commas = 0
        while j >= lo and (self.tokens[j].norm in _AUX or self.tokens[j].norm in _QUOTES
                           or (self.tokens[j].norm == "،" and commas == 0)):
            commas += self.tokens[j].norm == "،"
            j -= 1
        if j < lo:
            return None
        if self.tokens[j].norm == ")":
            # «وكالة الأنباء الرسمية (سانا) قالت» names the subject; «(CNN) نفى» credits
            opening = next((x for x in range(j - 1, max(lo - 1, j - 8), -1)
                            if self.tokens[x].norm == "("), None)
            if opening is None or opening - 1 < lo:
                return None
            before = self._ending_at(opening - 1, lo)
            if before is None or not _can_act(before) or getattr(
                    before.entity, "type", "") == "LOC":
                return None
            j = opening - 1
        m = self._ending_at(j, lo)
        if m is None and j - 2 >= lo and self.tokens[j - 1].kind == "article":
            m = self._ending_at(j - 2, lo)  # «مسلحي التنظيم المتشدد هاجموا»
        if m is not None and self._after_prep(m, lo) and not self._counted(m.first, lo):
            # «وسائل الإعلام السورية في دمشق نفت»: step over the place phrase
            p = self._prev_content(m.first, lo)
            if p >= lo and self.tokens[p].norm in ("في", "ب", "من") and p - 1 >= lo:
                m = self._ending_at(p - 1, lo)
            else:
                return None
        if m is None or m.first < lo or not _can_act(m) or (
                self._after_prep(m, lo) and not self._counted(m.first, lo)):
            return None
        return _how(m, "subject-before")

    def _ending_at(self, j: int, lo: int) -> _Mention | None:
        """The longest actor (mention, reference or phrase) that ends with token ``j``."""
        m = self.cover.get(j)
        if m is not None and m.end == j + 1:
            return m
        for k in range(max(lo, j - 8), j + 1):
            a = self._actor(k)
            if a is not None and a.end == j + 1:
                return a
        return None

    def _subject_after(self, end: int, hi: int) -> _Mention | None:
        unknown = 0
        for k in range(end, min(hi, end + 10)):
            t = self.tokens[k]
            if t.norm in _STOP:
                return None
            if t.kind == "number" and not any(
                    not (self._skippable(x) or self._is_time(x)) for x in range(end, k)):
                return None  # «قتل 6 من حراس القرى»: a count after the verb is its object
            m = self._actor(k)
            if m is not None:
                if self._after_prep(m, max(0, end - 1)) and m.first > end and not (
                        self._counted(m.first, end)):
                    return None
                if not _can_act(m):
                    return None
                return _how(self._apposed_name(m, hi), "subject-after")
            if self._skippable(k) or self._is_time(k) or t.kind == "number" or (
                    t.norm in _QUANTITY) or (t.norm == "من" and self._counted(k + 1, end)):
                continue
            if t.norm in _PREPS or t.norm in _COMPLEMENT:
                return None
            unknown += 1
            if unknown > 0:
                return None
        return None

    def _resumptive(self, i: int, end: int, hi: int) -> bool:
        """A pronoun standing for the antecedent of a relative clause (تضعه، عليها): the
        antecedent is then the object, and the subject comes after the verb."""
        if self.tokens[end - 1].norm.endswith(("ه", "ها", "هم", "هما")) and \
                len(self.tokens[end - 1].norm) > 3:
            return True
        return any(self.tokens[k].norm in _RESUMPTIVE for k in range(end, min(hi, end + 6)))

    def _unknown_before(self, i: int, lo: int) -> bool:
        """«لكن ناورت نفت»: an undefined word that is no function word right before the
        verb is its subject."""
        j = i - 1
        while j >= lo and (self.tokens[j].norm in _AUX or self.tokens[j].norm in _QUOTES):
            j -= 1
        if j <= lo:
            return False
        t = self.tokens[j]
        return (t.kind == "word" and self.tokens[j - 1].kind != "article"
                and t.norm not in _FUNCTION and t.norm not in _PREPS
                and t.norm not in _PRONOUN_HOSTS and t.norm not in _COMPLEMENT
                and t.norm not in _RELATIVE and self.cover.get(j) is None
                and self.tokens[j - 1].norm in ("لكن", "و", "،", "ف", "ثم", "بينما", "فيما"))

    def _relative_subject(self, i: int, lo: int) -> _Mention | None:
        """«بومبيو الذي زار بيونغ يانغ»: the antecedent of the relative pronoun."""
        j = i - 1
        while j >= lo and self.tokens[j].norm in _AUX:
            j -= 1
        if j < lo or self.tokens[j].norm not in _RELATIVE:
            return None
        j -= 1
        while j >= lo and (self.tokens[j].norm in _QUOTES or self.tokens[j].norm in ("،", ",")):
            j -= 1
        m = self._ending_at(j, lo) if j >= lo else None
        if m is None or not _can_act(m) or self._after_prep(m, lo):
            return None
        return _how(m, "antecedent")

    def _unknown_subject(self, end: int, hi: int) -> bool:
        """«نفت هايلي الشائعات»: an undefined word right after the verb is most likely its
        subject, a name no earlier stage knows: do not guess another actor."""
        for k in range(end, min(hi, end + 4)):
            t = self.tokens[k]
            if self._skippable(k) or self._is_time(k):
                continue
            return (t.kind == "word" and t.norm not in _PREPS and t.norm not in _COMPLEMENT
                    and (k == 0 or self.tokens[k - 1].kind != "article")
                    and t.norm not in _QUANTITY and not t.norm.startswith(("ب", "ل")))
        return False

    def _apposed_name(self, m: _Mention, hi: int) -> _Mention:
        """«الرئيس الفرنسي السابق، نيكولا ساركوزي»: the name in apposition to a role."""
        if getattr(m.entity, "type", "") not in ("GRP",):
            return m
        k = m.end
        steps = 0
        while k < hi and steps < 3 and (self.tokens[k].norm in ("،", ",", "سابق", "جديد")
                                        or self.tokens[k].kind == "article"):
            k += 1
            steps += 1
        named = self.mention_at.get(k) if k < hi else None
        if named is not None and getattr(named.entity, "type", "") == "PER":
            return named
        return m

    def _is_time(self, k: int) -> bool:
        sent = self.sent
        if sent is not None and self._times(sent):
            at = self.tokens[k].start
            if any(t.start <= at < t.end for t in self._times(sent)):
                return True
        return self.tokens[k].norm in ("امس", "اليوم", "يوم", "مساء", "صباح", "اول", "غدا",
                                       "حاليا", "رسميا", "ايضا", "كذلك", "مجددا", "بدوره",
                                       "بدورها", "جهته", "جهتها", "جهتهم")

    def _genitive(self, end: int, hi: int, via_lam: bool = False) -> _Mention | None:
        k = end
        while k < hi and self.tokens[k].norm in _QUOTE_MARKS:
            k += 1
        if via_lam and k < hi and self.tokens[k].norm == "ل" and self.tokens[k].kind == "clitic":
            k += 1  # غارات للطيران التركي
        if k >= min(hi, len(self.tokens)):
            return None
        m = self._actor(k)
        if m is not None:
            return m
        # a light verb with an object pronoun: اتصال أجراه هنية
        if self.tokens[k].norm in _LIGHT_AFTER:
            for j in range(k + 1, min(len(self.tokens), k + 4)):
                m = self._actor(j)
                if m is not None:
                    return _how(m, "agent-of-light-verb")
                if not self._skippable(j):
                    break
        return None

    def _light_subject(self, i: int, end: int, lo: int, hi: int) -> _Mention | None:
        for j in range(i - 1, max(lo - 1, i - 17), -1):
            if self.tokens[j].norm in _LIGHT:
                s = self._subject_before(j, lo) or self._subject_after(j + 1, i)
                if s is None:
                    return None
                # the event noun must be the light verb's object: only the subject,
                # time words and a coordinated noun may stand between them
                start = s.end if s.first > j else j + 1
                gap = sum(1 for k in range(start, i) if not (
                    self._skippable(k) or self._is_time(k) or self.tokens[k].kind in (
                        "number", "punct") or self.tokens[k].norm in _QUANTITY
                    or self.tokens[k].norm in ("و", "من")))
                return _how(s, "subject-of-light-verb") if gap <= 2 else None
            if self.tokens[j].norm in _STOP:
                break
        return None

    def _agent(self, end: int, hi: int) -> _Mention | None:
        for k in range(end, min(hi, end + 8)):
            if self.tokens[k].norm in _STOP:
                return None
            for a, b in _AGENT:
                if self.tokens[k].norm == a and k + 1 < hi and self.tokens[k + 1].norm == b:
                    for j in range(k + 2, min(hi, k + 5)):
                        m = self._actor(j)
                        if m is not None:
                            return _how(m, f"agent:{a} {b}")
                    return None
        return None

    def _object(self, start: int, hi: int, source: _Mention) -> _Mention | None:
        """The direct object: the first actor of the noun phrase after the verb (and its
        subject); a preposition, a clause or a third unknown word ends the search."""
        unknown = 0
        k = start
        while k < min(hi, start + _WINDOW):
            t = self.tokens[k]
            if t.norm == "من" and self._partitive(k, start):
                k += 1
                continue
            if t.norm in _STOP or t.norm in _COMPLEMENT or t.norm in _PREPS:
                return None
            m = self._actor(k)
            if m is not None:
                if m.entity.id != source.entity.id and not (
                        k <= source.end + 3 and self._apposed_name(source, hi) is m):
                    return _how(m, "object")
                k = m.end
                continue
            if not (self._skippable(k) or self._is_time(k) or t.kind == "number"):
                unknown += 1
                if unknown > 2:
                    return None
            k += 1
        return None

    def _counted(self, k: int, start: int) -> bool:
        """«دفعة أولى من عناصر ...»، «عدد من أبناء ...»: من after a count."""
        j = self._prev_content(k, start)
        if j < start or self.tokens[j].norm != "من":
            return False
        q = self._prev_content(j, start)
        return q >= start and (self.tokens[q].norm in _QUANTITY
                               or self.tokens[q].kind == "number")

    def _partitive(self, k: int, start: int) -> bool:
        """«36 من قوات ...»، «9 رجال من الشرطة»: من after a number is no preposition
        phrase but the count of the object."""
        return any(self.tokens[j].kind == "number"
                   for j in range(k - 1, max(start - 1, k - 3), -1))

    def _prep_object(self, prep: str, start: int, hi: int, source: _Mention
                     ) -> _Mention | None:
        for k in range(start, min(hi, start + 16)):
            t = self.tokens[k]
            if t.norm in _STOP or (t.norm in _COMPLEMENT and k > start):
                return None
            if t.norm != prep:
                continue
            gap = 0
            j = k + 1
            while j < hi and gap <= 2:
                m = self._actor(j)
                if m is not None and m.entity.id != source.entity.id:
                    return _how(m, f"prep:{self.text[t.start:t.end]}")
                if m is not None:
                    break
                tj = self.tokens[j]
                if tj.kind == "article" or tj.norm in _QUOTE_MARKS:
                    j += 1
                    continue
                dual = _DUALS.get(tj.norm, "") if tj.norm in _DUALS else ""
                if tj.norm in _DUALS:
                    d = self._dual(j, dual)
                    if d is not None:
                        return d
                if tj.norm not in _HEADS or tj.kind != "word":
                    break
                gap += 1
                j += 1
        return None

    def _dual(self, k: int, etype: str | None) -> _Mention | None:
        """«الفصيلين»: the last organisation named before (its partner comes as a
        coordinated actor)."""
        seen: list[_Mention] = []
        for m in reversed(self.org_seen):
            if m.first >= k or self._after_prep(m, max(0, m.first - 3)):
                continue
            if etype and getattr(m.entity, "type", "") not in (etype, "GRP"):
                continue
            if all(x.entity.id != m.entity.id for x in seen):
                seen.append(m)
            if len(seen) == 2:
                break
        if len(seen) < 2:
            return None
        tok = self.tokens[k]
        first = k - 1 if k and self.tokens[k - 1].kind == "article" else k
        return _Mention(seen[1].entity, first, k + 1, self.tokens[first].start, tok.end,
                        f"anaphor:{tok.norm}")

    def _between(self, end: int, hi: int) -> tuple[_Mention, _Mention] | None:
        """``بين A و B``: A against B. An actor «الموالية لها» / «المتحالفة معها» after A
        is on A's side: ``بين A وB الموالية لها وC`` is A against C."""
        for k in range(end, min(hi, end + _WINDOW)):
            if self.tokens[k].norm in _STOP:
                return None
            if self.tokens[k].norm == "بين":
                a = next((m for j in range(k + 1, min(hi, k + 4))
                          if (m := self._actor(j)) is not None), None)
                if a is None:
                    return None
                cur = a.end
                for _ in range(5):
                    j = cur
                    while j < hi and (self.tokens[j].norm != "و" and j - cur < 4):
                        j += 1
                    if j >= hi or self.tokens[j].norm != "و":
                        return None
                    b = next((m for x in range(j + 1, min(hi, j + 4))
                              if (m := self._actor(x)) is not None), None)
                    if b is None or b.entity.id == a.entity.id:
                        return None
                    if not self._allied(b.first, hi, b.end + 3):
                        return _how(a, "between"), _how(b, "between")
                    cur = b.end
                return None
        return None

    def _allied(self, k: int, hi: int, stop: int) -> bool:
        for j in range(k, min(hi, stop)):
            norm = self.tokens[j].norm
            if norm.startswith(("موالي", "متحالف", "حليف")):
                return True
        return False

    def _coordinated(self, m: _Mention, hi: int) -> list[_Mention]:
        """Actors joined to ``m`` by و (``«حماس» و«الجهاد»``)."""
        out: list[_Mention] = []
        if m.how.startswith("anaphor:") and m.how.split(":")[1] in _DUALS:
            return self._dual_partner(m)
        cur = m
        for _ in range(6):
            k = cur.end
            while k < hi and self.tokens[k].norm in _QUOTE_MARKS:
                k += 1
            if k < hi and self.tokens[k].norm in ("،", ",") and k + 1 < hi and \
                    self.tokens[k + 1].norm == "و":
                k += 1  # «جيش الإسلام، ومنظمة الخوذ البيضاء»
            if k >= hi or self.tokens[k].norm != "و":
                break
            k += 1
            while k < hi and self.tokens[k].norm in _QUOTE_MARKS:
                k += 1
            nxt = self._actor(k) if k < hi else None
            if nxt is None or nxt.entity.id == m.entity.id:
                break
            out.append(_how(nxt, "coordinated"))
            cur = nxt
        return out

    def _dual_partner(self, m: _Mention) -> list[_Mention]:
        seen: list[Any] = []
        for prev in reversed(self.org_seen):
            if prev.first >= m.first or self._after_prep(prev, max(0, prev.first - 3)):
                continue
            if all(getattr(x, "id", "") != prev.entity.id for x in seen):
                seen.append(prev.entity)
            if len(seen) == 2:
                break
        if len(seen) == 2 and seen[0].id != m.entity.id:
            return [_Mention(seen[0], m.first, m.end, m.start, m.stop, m.how)]
        return []

    def _speaker(self, sent: _Sentence, i: int) -> _Mention | None:
        for begin, who in reversed(sent.speech):
            if begin <= i:
                return _how(who, "speaker")
        at = self.tokens[i].start
        for start, end, speaker, _cue in self.quotes:
            if start <= at < end and speaker in self.entities:
                return self._entity_role(speaker, "speaker")
        return None

    def _entity_role(self, entity_id: str | None, how: str) -> _Mention | None:
        e = self.entities.get(entity_id) if entity_id is not None else None
        mentions = getattr(e, "mentions", ())
        if e is None or not mentions:
            return None
        m = mentions[0]
        return _Mention(e, self._tok(m.start), self._tok(m.end), m.start, m.end, how)

    def _cue_speaker(self, i: int) -> _Mention | None:
        at = self.tokens[i].start
        for _start, _end, speaker, cue in self.quotes:
            if cue == at and speaker in self.entities:
                return self._entity_role(speaker, "quote-speaker")
        return None

    def _pronoun_subject(self, sent: _Sentence, i: int) -> _Mention | None:
        """«لكنها أنكرت»، «أنه رفض»: a subject pronoun on the word before the verb stands
        for the nearest actor before it in the sentence."""
        j = i - 1
        if j < sent.lo or self.tokens[j].norm not in _PRONOUN_HOSTS:
            return None
        for k in range(j - 1, sent.lo - 1, -1):
            m = self.cover.get(k) or self._ending_at(k, sent.lo)
            if m is not None and getattr(m.entity, "type", "") in ("PER", "ORG", "GRP") \
                    and not self._after_prep(m, sent.lo):
                return _how(m, "pronoun")
        return None

    def _is_first_person(self, form: Form) -> bool:
        """«نطالب» is the first person of a pattern that also has «يطالب»."""
        key = form.keys[0]
        return key.startswith("ن") and "ي" + key[1:] in self.book.first_keys.get(
            form.pattern.id, frozenset())

    def _first_person(self, sent: _Sentence, i: int) -> _Mention | None:
        """«نطالب السلطات ...» inside someone's words: the speaker."""
        at = self.tokens[i].start
        inside = any(start <= at < end for start, end, _s, _c in self.quotes) or any(
            b <= i for b, _w in sent.speech)
        return self._speaker(sent, i) if inside else None

    def _attribution(self, sent: _Sentence, i: int) -> _Mention | None:
        """A police or judicial act told without its agent, «وفقاً للشرطة»: the body the
        report is attributed to is the agent."""
        for k in range(sent.lo, sent.hi - 1):
            norm = self.tokens[k].norm
            if norm in ("وفقا", "حسب", "بحسب", "وفق"):
                for j in range(k + 1, min(sent.hi, k + 4)):
                    m = self._actor(j)
                    if m is not None:
                        code = getattr(m.entity, "code", None) or ""
                        if code.endswith(("COP", "JUD")):
                            return _how(m, "attributed")
                        break
        return None

    def _prodrop(self, sent: _Sentence, i: int, p: Pattern) -> _Mention | None:
        """A verb without a subject continues the last one: ``أكدت «سرايا القدس» ...
        وقالت``; at the start of a sentence, the previous sentence's (speech and verbal
        events only)."""
        j = i - 1
        coordinated = j >= sent.lo and self.tokens[j].norm in _CLITICS and (
            p.is_frame or j - 1 < sent.lo or self.tokens[j - 1].kind == "punct")
        if sent.subject is not None and coordinated:
            # «أكدت «سرايا القدس» ...، وقالت»: a new clause with the same subject
            return _how(sent.subject, "same-subject")
        at_start = all(self.tokens[k].norm in _CLITICS for k in range(sent.lo, i))
        if at_start and self.prev_subject is not None and p.is_frame:
            return _how(self.prev_subject, "previous-sentence-subject")
        return None

    def _evaluated(self, sent: _Sentence, i: int) -> _Mention | None:
        """Whom an evaluation (عدوان) is about: the first actor of its clause before it."""
        begin = sent.lo
        framed = False
        for b, _who in sent.speech:
            if b <= i:
                begin, framed = b, True
        at = self.tokens[i].start
        for start, _end, _speaker, _cue in self.quotes:
            if start <= at < _end and not framed:
                begin = max(begin, self._tok(start))
        seen = 0
        for k in range(begin, i):
            t = self.tokens[k]
            m = self._actor(k) or self._demonym_actor(k)
            if m is not None and not self._after_prep(m, begin):
                return _how(m, "evaluated")
            if t.kind == "article" or t.norm in _QUOTE_MARKS or t.norm in _COMPLEMENT:
                continue
            seen += 1
            if seen >= 3:  # only the subject of the evaluated clause (قرار ترمب يمثل ...)
                break
        return None

    def _reported_by(self, sent: _Sentence, i: int, source: _Mention) -> Role | None:
        speaker = self._speaker(sent, i)
        if speaker is None or speaker.entity.id == source.entity.id:
            return None
        return speaker.role(self.text, "speaker")

    def _background(self, sent: _Sentence, form: Form, i: int, end: int,
                    reported: Role | None) -> str:
        """Why a matched trigger tells no new event: a state that lasts (يسيطر ... منذ),
        the start of a time span (منذ انسحاب ...), a known event named in someone's words
        (وصفت الهجوم التركي بأنه ...)."""
        tokens = self.tokens
        j = self._prev_content(i, sent.lo)
        if form.kind == NOUN and j >= sent.lo and tokens[j].norm == "منذ":
            return "background: a time span starts with it (منذ ...)"
        if form.kind == VERB and tokens[i].norm.startswith(("ي", "ت")) and any(
                tokens[k].norm == "منذ" for k in range(end, min(sent.hi, end + 8))):
            return "background: a lasting state (present tense ... منذ)"
        if form.kind == NOUN and i > 0 and tokens[i - 1].kind == "article" and any(
                tokens[k].norm in _NAMING for k in range(max(sent.lo, i - 4), i)):
            return "a known event named by someone who judges it, not a report of it"
        return ""

    def _modality(self, sent: _Sentence, i: int, end: int) -> tuple[bool, str, str]:
        tokens = self.tokens
        if sent.deny_from is not None and sent.deny_from <= i:
            return True, "asserted", "denied"
        negated = False
        modality = "asserted"
        cue = ""
        # the two words before the trigger: negation, future
        j = i - 1
        seen = 0
        while j >= sent.lo and seen < 3:
            t = tokens[j]
            if t.kind == "article" or t.norm in _QUOTE_MARKS:
                j -= 1
                continue
            if t.norm in _NEG and not (j + 1 < len(tokens) and tokens[j + 1].norm in _NOT_NEG):
                negated, cue = True, t.norm
                if t.norm == "لن":
                    modality = "future"
                break
            if (t.norm in _FUTURE and seen <= 1) or t.norm == "سوف":
                modality, cue = "future", t.norm
            elif t.norm == "ل" and t.kind == "clitic" and seen == 0 and j == i - 1:
                modality, cue = "purpose", "لـ"
            elif t.norm in _PURPOSE:
                modality, cue = "purpose", t.norm
            elif t.norm in _DEONTIC:
                modality, cue = "deontic", t.norm
            elif t.norm in _INTENT:
                modality, cue = "intended", t.norm
            elif t.norm in _REQUESTED:
                modality, cue = "requested", t.norm
            elif t.norm in _PREVENTED:
                negated, cue = True, t.norm
                break
            elif t.norm not in _CLITICS:
                seen += 1
            j -= 1
        if modality == "asserted" and i > sent.lo and tokens[i - 1].norm == "قد" and \
                tokens[i].norm.startswith(("ي", "ت")):
            return negated, "conditional", "قد"  # «قد تقتل»: may kill
        if modality == "asserted":
            for k in range(end, min(sent.hi, end + 8)):
                if tokens[k].norm in ("غدا", "غد", "مقبل", "مقبله", "قادم", "قادمه"):
                    return negated, "future", tokens[k].norm
            if tokens[i].norm.startswith(("ي", "ت")) and any(
                    tokens[k].norm in ("اذا", "لو") for k in range(end, min(sent.hi, end + 14))):
                return negated, "conditional", "إذا"  # «ستفعل ... إذا ...»
            for k in range(max(sent.lo, i - 8), i):
                if tokens[k].norm in _COND:
                    return negated, "conditional", tokens[k].norm
                if tokens[k].norm == "حال" and k > sent.lo and tokens[k - 1].norm == "في":
                    return negated, "conditional", "في حال"
        return negated, modality, cue


def _as_code(p: Pattern, code: str) -> Pattern:
    import dataclasses

    return dataclasses.replace(p, cameo=code, id=f"{p.id}>intent")


def _agrees(head: str, adjective: str) -> bool:
    """Gender agreement of a definite adjective with its head: a feminine head or a
    plural in -ات takes a feminine adjective («الميليشيات المسلحة»), a masculine one a
    masculine adjective («الجيش الوطني»)."""
    feminine_head = head.endswith(("ه", "ات"))
    if head.endswith(("ين", "ون")):
        return adjective.endswith(("ين", "ون"))
    return feminine_head == adjective.endswith("ه")


def _can_act(m: _Mention) -> bool:
    """Places do not act, states and capitals do: a town or a region is no source."""
    if getattr(m.entity, "type", "") != "LOC":
        return True
    actor = getattr(m.entity, "actor", None) or ""
    return isinstance(actor, str) and actor.startswith(("country:", "capital:"))


def _family(code: str) -> str:
    """What makes two tellings of one pair the same event: the three-digit code; and
    force (18-20) between the same two actors in one sentence is one event told with
    different verbs (غارات ... استهدفت، قصف ... قتل)."""
    return "force" if code[:2] in ("18", "19", "20") else code[:3]


@overload
def _how(m: _Mention, how: str) -> _Mention: ...
@overload
def _how(m: None, how: str) -> None: ...
@overload
def _how(m: _Mention | None, how: str) -> _Mention | None: ...
def _how(m: _Mention | None, how: str) -> _Mention | None:
    """``m`` labelled with how it was found (a reference keeps its own label)."""
    if m is None:
        return None
    if m.how.startswith("anaphor:") or m.how.startswith("agent"):
        return m
    return _Mention(m.entity, m.first, m.end, m.start, m.stop, how)


def _confidence(form: Form, s: _Mention, t: _Mention | None, p: Pattern,
                reported: Role | None) -> float:
    score = 0.9 if form.kind != HAL else 0.8
    if s.how.startswith("anaphor") or s.how in ("same-subject", "previous-sentence-subject"):
        score -= 0.15
    if s.how in ("speaker", "quote-speaker", "main-clause"):
        score -= 0.05
    if t is not None and t.how.startswith("anaphor"):
        score -= 0.1
    if p.with_:
        score += 0.05
    if reported is not None:
        score -= 0.1
    return max(0.1, min(0.99, score))


def _replace_code(old: Event, book: PatternBook, code: str, mentions: tuple[Trigger, ...]
                  ) -> Event:
    import dataclasses

    c = book.codes[code]
    return dataclasses.replace(old, cameo=code, cameo_root=c.root, label=c.name,
                               quad_class=c.quad_class, goldstein=c.goldstein,
                               plover=(c.plover_event, c.plover_mode, c.plover_context),
                               mentions=mentions)
