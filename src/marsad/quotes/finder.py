"""Find attributed statements in a document and link them to their speakers.

The finder works on the token layer in one pass:

1. Quotation marks (« » “ ” " and { }) are paired within a paragraph; a quotation left
   open at the end of a paragraph runs on into the next one when that opens with a
   quotation mark. A quotation whose words are one or two, or all inside entity
   mentions, is a name or a term, never a quote on its own.
2. Reporting verbs (``verbs.tsv``) are the cues. For each cue the speaker is the subject
   after it (an entity mention, a speaker noun such as «مصدر أمني», a statement «البيان»
   standing for its issuer, a surname or a short form of an entity), else the subject
   before it («المسؤولين الإماراتيين يقولون»), else the speaker who was talking
   (``وأضاف``, ``مشددا``).
3. After the speaker the frame is read: the source cited (``بحسب``, ``وفق``), the
   addressee (``موجها كلامه ل``, ``لهنية``), times and adverbs, until the complement:
   ``إن/أن`` or a preposition of the verb (``أشار إلى``) opens reported speech that runs
   to the end of the clause (``indirect``, or ``mixed`` when it quotes words); a colon or
   a quotation opens a ``direct`` quote.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..doc import Doc, Span, Token
from ..entities import Entity
from ..text import normalize_key
from .lexicon import PhraseTable, QuoteLexicon, Verb
from .records import Cue, Party, Quote, QuoteKind

_OPENERS = {"«": "»", "“": "”", "{": "}"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}
_MARKS = frozenset(_OPENERS) | frozenset(_CLOSERS) | {'"'}
_COMMAS = frozenset({"،", ","})
_CLAUSE_PUNCT = frozenset({"،", ",", "؛", ";"})
_COLON = frozenset({":"})
_CLOSE_MARKS = frozenset({"»", '"', "”", "}", ")"})
#: words left at the end of a clause when the next verb starts (``، كما أبلغهم``)
_TRAILING = frozenset({"كما", "ثم", "فيما", "بينما", "حيث"})
_ENDS = frozenset({".", "!", "?", "؟", "…"})
#: prepositions that end a speaker noun phrase before a frame word
_PREPS_STOP = frozenset({"في", "من", "عن", "علي", "الي", "مع", "خلال"})
_PRONOUN_SUFFIXES = ("هما", "هم", "هن", "ها", "ه", "كم", "نا", "ني")
#: tokens a subject may run over before the window gives up
_NP_MAX = 8
_WINDOW = 45


@dataclass(slots=True)
class _Region:
    """A quotation: ``open``/``close`` are token indices of the marks (``close`` may be
    one past the paragraph when it is left open)."""

    open: int
    close: int
    start: int
    end: int
    words: int = 0
    named: bool = False  # all its words are inside entity mentions

    @property
    def name_like(self) -> bool:
        return self.named or self.words <= 2


@dataclass(slots=True)
class _Speaker:
    party: Party
    type: str | None  # entity type, or None for a phrase without entity
    statement: bool = False  # the speaker issued a statement (في بيان ...)


#: a subject the finder sees but cannot resolve (a pronoun): no speaker, no guess
_UNRESOLVED = _Speaker(Party(0, 0, ""), None)


@dataclass(slots=True)
class _State:
    last: _Speaker | None = None
    last_statement: _Speaker | None = None
    headline_subject: _Speaker | None = None
    #: subjects named in the current sentence: (token index, speaker)
    in_sentence: list[tuple[int, _Speaker]] = field(default_factory=list)
    sentence: int = -1


class _View:
    """The arrays the finder needs for one document, built in one pass."""

    def __init__(self, doc: Doc) -> None:
        toks = doc.tokens
        self.doc = doc
        self.toks = toks
        self.text = doc.text
        n = len(toks)
        self.n = n
        self.norms = [t.norm for t in toks]
        self.kinds = [t.kind for t in toks]
        by_start: dict[int, int] = {}
        by_end: dict[int, int] = {}
        for i, t in enumerate(toks):
            by_start[t.start] = i
            by_end[t.end] = i
        # sentences and paragraphs as token ranges
        self.sent = [-1] * n
        self.sent_range: list[tuple[int, int]] = []
        for s in doc.sentences:
            a, b = _token_range(toks, by_start, s)
            sid = len(self.sent_range)
            self.sent_range.append((a, b))
            self.sent[a:b] = [sid] * (b - a)
        parts = [p for p in (doc.headline, doc.subheadline) if p is not None] + list(doc.body)
        self.para = [-1] * n
        self.para_range: list[tuple[int, int]] = []
        for p in parts:
            a, b = _token_range(toks, by_start, p)
            pid = len(self.para_range)
            self.para_range.append((a, b))
            self.para[a:b] = [pid] * (b - a)
        self.subheadline = (_token_range(toks, by_start, doc.subheadline)
                            if doc.subheadline is not None else None)
        self.headline = (_token_range(toks, by_start, doc.headline)
                         if doc.headline is not None else None)
        # entity mentions: start token -> (end token, entity)
        self.entities: dict[str, Entity] = {}
        #: single word -> (first mention's start, entity) of what it may shorten, built on
        #: first use by _short_form
        self.short_forms: dict[str, list[tuple[int, Entity]]] | None = None
        self.mention_at: dict[int, tuple[int, Entity]] = {}
        self.mention_end: dict[int, tuple[int, Entity]] = {}
        self.covered = [False] * n
        for ent in doc.entities:
            if not isinstance(ent, Entity):
                continue
            self.entities[ent.id] = ent
            for m in ent.mentions:
                first_tok = by_start.get(m.start)
                last = by_end.get(m.end)
                if first_tok is None or last is None or last < first_tok:
                    continue
                a, b = first_tok, last + 1
                old = self.mention_at.get(a)
                if old is None or old[0] < b:
                    self.mention_at[a] = (b, ent)
                self.mention_end.setdefault(last, (a, ent))
                self.covered[a:b] = [True] * (b - a)
        #: token indices of reporting verbs (set by the finder)
        self.cue_set: frozenset[int] = frozenset()
        self.regions = self._pair_marks()
        self.open_at = {r.open: r for r in self.regions}

    # -- quotation marks ------------------------------------------------------------
    def _pair_marks(self) -> list[_Region]:
        toks, norms = self.toks, self.norms
        regions: list[_Region] = []
        stack: list[int] = []
        pid = -2
        unclosed: list[_Region] = []

        def flush() -> None:
            if stack and pid >= 0:
                start_tok = stack[0]
                end_tok = self.para_range[pid][1]
                if end_tok - start_tok > 1:
                    r = _Region(start_tok, end_tok, toks[start_tok + 1].start
                                if start_tok + 1 < end_tok else toks[start_tok].end,
                                toks[end_tok - 1].end)
                    regions.append(r)
                    unclosed.append(r)
            stack.clear()

        for i, t in enumerate(toks):
            if t.kind != "punct" or norms[i] not in _MARKS:
                continue
            if self.para[i] != pid:
                flush()
                pid = self.para[i]
            ch = norms[i]
            if ch in _OPENERS:
                if stack and norms[stack[-1]] == ch and stack[-1] == i - 1:
                    continue  # a doubled mark
                stack.append(i)
            elif ch in _CLOSERS:
                opener = _CLOSERS[ch]
                for depth in range(len(stack) - 1, -1, -1):
                    if norms[stack[depth]] == opener:
                        o = stack[depth]
                        del stack[depth:]
                        regions.append(_Region(o, i, toks[o].end, t.start))
                        break
            else:  # a straight double quote opens or closes
                depth = next((d for d in range(len(stack) - 1, -1, -1)
                              if norms[stack[d]] == '"'), -1)
                if depth < 0:
                    stack.append(i)
                elif stack[depth] == i - 1:
                    stack[depth] = i  # ""word: a doubled opening mark
                else:
                    o = stack[depth]
                    del stack[depth:]
                    regions.append(_Region(o, i, toks[o].end, t.start))
        flush()
        # a quotation left open at a paragraph end goes on in the next paragraph when
        # that starts with a quotation mark
        if unclosed:
            first_of = {r.open: r for r in regions}
            drop: set[int] = set()
            for r in unclosed:
                pid = self.para[r.open]
                if pid + 1 < len(self.para_range):
                    nxt = first_of.get(self.para_range[pid + 1][0])
                    if nxt is not None and nxt is not r:
                        r.close, r.end = nxt.close, nxt.end
                        drop.add(id(nxt))
            regions = [r for r in regions if id(r) not in drop]
        regions.sort(key=lambda r: r.open)
        kinds, covered = self.kinds, self.covered
        for r in regions:
            words = named = 0
            for k in range(r.open + 1, min(r.close, self.n)):
                if kinds[k] in ("word", "number", "latin"):
                    words += 1
                    named += covered[k]
            r.words = words
            r.named = words > 0 and named == words
            # text between the marks, without surrounding spaces
            r.start = min(r.start + _lead_space(self.text, r.start, r.end), r.end)
        return regions

    # -- helpers --------------------------------------------------------------------
    def span(self, a: int, b: int) -> tuple[int, int, str]:
        start, end = self.toks[a].start, self.toks[b - 1].end
        return start, end, self.text[start:end]

    def party(self, a: int, b: int, entity: Entity | None = None) -> Party:
        start, end, text = self.span(a, b)
        return Party(start, end, text, None if entity is None else entity.id)


def _lead_space(text: str, start: int, end: int) -> int:
    k = start
    while k < end and text[k].isspace():
        k += 1
    return k - start


def _token_range(toks: tuple[Token, ...], by_start: dict[int, int], span: Span
                 ) -> tuple[int, int]:
    """Token indices ``[a, b)`` inside ``span`` (tokens never cross span borders)."""
    a = by_start.get(span.start)
    if a is None:
        a = _bisect(toks, span.start)
    b = a
    n = len(toks)
    # spans are short compared with the text: walk from a
    while b < n and toks[b].start < span.end:
        b += 1
    return a, b


def _bisect(toks: tuple[Token, ...], pos: int) -> int:
    lo, hi = 0, len(toks)
    while lo < hi:
        mid = (lo + hi) // 2
        if toks[mid].start < pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


class QuoteFinder:
    """``finder(doc) -> tuple[Quote, ...]``. Build once with the lexicon."""

    def __init__(self, lexicon: QuoteLexicon) -> None:
        self.lex = lexicon
        f = lexicon.frames
        self.comp = f["comp"]
        self.not_comp = f["not-comp"]
        self.via = f["via"]
        self.addressee = f["addressee"]
        self.statement = f["statement"]
        self.speaker_nouns = f["speaker"]
        self.generic = f["generic"]
        self.role = f["role"]
        self.adverb = f["adverb"]
        self.time = f["time"]
        self.brk = f["break"]
        self.pronoun = f["pronoun"]
        self.negation = f["negation"]
        self.aux = f["aux"]
        self.ellipsis = f["ellipsis"]
        self.formula = f["formula"]
        self.prep = f["preposition"]
        #: word -> the verb it is with a clitic or pronoun attached (words repeat a lot)
        self._bare_cache: dict[str, Verb | None] = {}
        nested = f["nested"].keys
        self.nested = frozenset(verb.lemma for verb in lexicon.bare_verbs.values()
                                if normalize_key(verb.lemma) in nested)

    # -- cues -------------------------------------------------------------------------
    def _cues(self, v: _View) -> dict[int, tuple[int, Verb]]:
        """Token index -> (length, verb) of every reporting-verb form."""
        verbs = self.lex.verbs
        bare = self.lex.bare_verbs
        cache = self._bare_cache
        keys = verbs.keys
        norms, kinds = v.norms, v.kinds
        n = v.n
        out: dict[int, tuple[int, Verb]] = {}
        for i in range(n):
            if kinds[i] != "word":
                continue
            if i and (kinds[i - 1] == "article"
                      or (kinds[i - 1] == "clitic" and norms[i - 1] in ("ب", "ل", "ك"))):
                continue  # «النقل», «بالتصريح»: a noun
            w = norms[i]
            if w in keys:
                hit = verbs.match(norms, i, n)
                if hit is not None:
                    out[i] = hit
                    continue
            if len(w) > 3:
                if w in cache:
                    verb = cache[w]
                else:
                    verb = _bare_verb(w, bare)
                    if len(cache) < 100_000:
                        cache[w] = verb
                if verb is not None:
                    out[i] = (1, verb)
        return out

    def __call__(self, doc: Doc) -> tuple[Quote, ...]:
        if not doc.tokens:
            return ()
        v = _View(doc)
        cues = self._cues(v)
        cues = {i: c for i, c in cues.items()
                if not self._negated(v, i) and not self._in_via(v, i)
                and not self._formula(v, i)}
        if not cues:
            return ()
        v.cue_set = frozenset(cues)
        state = _State()
        if v.headline is not None:
            a, b = v.headline
            for k in range(a, b):
                hit = v.mention_at.get(k)
                if hit is not None and hit[1].type in ("PER", "ORG", "GRP"):
                    state.headline_subject = _Speaker(v.party(k, hit[0], hit[1]), hit[1].type)
                    break
        inside = [False] * v.n
        for r in v.regions:
            if r.words >= 3 and not r.named:
                inside[r.open:min(r.close, v.n)] = [True] * (min(r.close, v.n) - r.open)
        skip: set[int] = set()
        used_regions: set[int] = set()
        raw: list[tuple[QuoteKind, int, int, _Speaker | None, Cue, Party | None,
                        Party | None]] = []
        clause_until = -1  # cues inside a reported clause report nothing of their own
        for i in sorted(cues):
            if i in skip or inside[i] or i < clause_until:
                continue
            length, verb = cues[i]
            sid = v.sent[i]
            if sid < 0:
                continue
            if sid != state.sentence:
                state.sentence = sid
                state.in_sentence = []
            s_end = v.sent_range[sid][1]
            cue_start = v.toks[i].start
            if i > 0 and v.kinds[i - 1] == "clitic" and v.norms[i - 1] in ("و", "ف"):
                cue_start = v.toks[i - 1].start
            cue_end = v.toks[i + length - 1].end
            cue = Cue(cue_start, cue_end, v.text[cue_start:cue_end], verb.lemma)
            j = i + length
            speaker: _Speaker | None = None
            if not verb.participle:
                speaker, j = self._subject_after(v, j, s_end, verb, state)
                if speaker is None:
                    speaker = self._subject_before(v, i, state)
            if speaker is _UNRESOLVED:
                speaker = None
                explicit = True
            else:
                explicit = speaker is not None
            if speaker is None and not explicit:
                speaker = self._continuing(v, i, state, participle=verb.participle)
                if speaker is not None and speaker.type == "PER" and not verb.participle \
                        and v.norms[i + length - 1].endswith(("وا", "ون")):
                    speaker = None  # a plural verb does not continue one person
            frame = self._frame(v, j, s_end, verb, cues, skip, used_regions)
            if frame.statement and speaker is not None:
                speaker = _Speaker(speaker.party, speaker.type, True)
            if explicit and speaker is not None:
                state.in_sentence.append((i, speaker))
                state.last = speaker
                if speaker.statement:
                    state.last_statement = speaker
            elif speaker is not None and verb.participle:
                state.in_sentence.append((i, speaker))
            if verb.cls == "track":
                continue
            found = self._complements(v, frame, verb, s_end, cues)
            if found:
                clause_until = max(clause_until, _token_after(v, found[-1][2]))
            for kind, a, b, source in found:
                spk, via = speaker, frame.via
                if source is not None and verb.cls == "learn":
                    # «علمت بي بي سي بأن ...، بحسب مصادر عسكرية»: the source is the speaker
                    spk = _Speaker(source[0], source[1])
                    via = speaker.party if speaker is not None else None
                elif source is not None and via is None:
                    via = source[0]
                raw.append((kind, a, b, spk, cue, via, frame.addressee))
        quotes: list[Quote] = []
        seen: set[tuple[int, int]] = set()
        for kind, a, b, spk, cue, via, addressee in sorted(raw, key=lambda q: (q[1], q[2])):
            if (a, b) in seen or b <= a:
                continue
            seen.add((a, b))
            quotes.append(Quote(
                id=f"q{len(quotes) + 1}", kind=kind, start=a, end=b, text=doc.text[a:b],
                speaker=spk.party.entity if spk else None,
                speaker_text=spk.party.text if spk else None,
                speaker_start=spk.party.start if spk else None,
                speaker_end=spk.party.end if spk else None,
                cue=cue, via=via, addressee=addressee))
        return tuple(quotes)

    def _negated(self, v: _View, i: int) -> bool:
        """``لم يذكر اسمه``: a negated verb reports nothing."""
        norms = v.norms
        for back in (1, 2):
            k = i - back
            if k >= 0 and self.negation.match(norms, k, i):
                return True
        return False

    def _formula(self, v: _View, i: int) -> bool:
        """``يذكر أن ...``: a set phrase of the writer, no report."""
        norms = v.norms
        return any(self.formula.match(norms, k, v.n) for k in (i - 1, i) if k >= 0)

    def _in_via(self, v: _View, i: int) -> bool:
        """``بحسب ما أفاد المرصد``: the verb belongs to a source cited, not a report."""
        norms = v.norms
        if i < 2 or norms[i - 1] not in ("ما", "لما"):
            return False
        return any(self.via.match(norms, k, i - 1) for k in range(max(0, i - 4), i - 1))

    # -- speakers ---------------------------------------------------------------------
    def _skip_adverbs(self, v: _View, k: int, stop: int) -> int:
        norms = v.norms
        while k < stop:
            hit = self.adverb.match(norms, k, stop) or self.time.match(norms, k, stop)
            if hit is None:
                break
            k += hit[0]
        return k

    def _subject_after(self, v: _View, j: int, stop: int, verb: Verb, state: _State
                       ) -> tuple[_Speaker | None, int]:
        """The subject right after the verb and the token after it (``j`` when none)."""
        norms, kinds = v.norms, v.kinds
        k = self._skip_adverbs(v, j, stop)
        if k >= stop or (kinds[k] == "punct" and norms[k] not in _MARKS):
            return None, j
        if self.comp.match(norms, k, stop) or any(_starts(norms, k, p) for p in verb.preps):
            return None, j
        if norms[k] == "في" and k + 1 < stop:
            hit_st = self.statement.match(norms, k + 1, stop)
            if hit_st is not None:  # وجاء في تصريح رسمي لغرفة عمليات ...
                spk, end = self._statement_subject(v, k + 1, k + 1 + hit_st[0], stop, state)
                if spk.party.entity is not None:
                    return spk, end
                return None, j  # «جاء ذلك في بيان»: whoever was speaking
        if self.prep.match(norms, k, stop):
            return None, j
        # an entity mention, possibly after a title (العميد أحمد المسماري)
        for off in range(3):
            at = k + off
            if at >= stop:
                break
            hit = v.mention_at.get(at)
            if hit is not None:
                end, ent = hit
                spk = _Speaker(v.party(k if off and kinds[k] != "punct" else at, end, ent),
                               ent.type)
                if norms[at - 1] in _MARKS and at - 1 >= k:
                    region = v.open_at.get(at - 1)
                    if region is not None and region.close < stop:
                        end = region.close + 1
                return self._appositive(v, spk, end, stop)
            if norms[at] in _MARKS:
                continue  # أكدت «سرايا القدس», صحيفة "التلغراف"
            if kinds[at] not in ("word", "article") or norms[at] in _PREPS_STOP:
                break
        if kinds[k] not in ("word", "article", "latin") or k in v.cue_set \
                or self.addressee.match(norms, k, stop) or self.via.match(norms, k, stop):
            return None, j
        # a statement stands for its issuer
        hit_s = self.statement.match(norms, k, stop)
        if hit_s is not None:
            return self._statement_subject(v, k, k + hit_s[0], stop, state)
        role = self.role.match(norms, k, stop)
        noun = self.speaker_nouns.match(norms, k, stop)
        generic = self.generic.match(norms, k, stop)
        if role is not None or noun is not None or generic is not None:
            end = self._np_end(v, k, stop, verb)
            if end <= k:
                return None, j
            spk = self._resolve_phrase(v, k, end, state, role is not None)
            return self._appositive(v, spk, end, stop)
        if verb.cls not in ("say", "track"):
            return None, j
        end = self._np_end(v, k, stop, verb, limit=5)
        if end <= k or not self._frame_stop(v, end, stop, verb):
            return None, j
        spk = self._resolve_phrase(v, k, end, state, False)
        return self._appositive(v, spk, end, stop)

    def _appositive(self, v: _View, spk: _Speaker, end: int, stop: int
                    ) -> tuple[_Speaker, int]:
        """``رئيس لجنة الإنقاذ الدولية، ديفيد ميليباند،``: a named person after a comma
        is the speaker the role phrase describes."""
        norms, kinds = v.norms, v.kinds
        # «الرئيس الفرنسي السابق، نيكولا ساركوزي،»: up to two adjectives before the comma
        comma = end
        while comma < min(stop, end + 4) and kinds[comma] in ("word", "article") \
                and norms[comma] not in _PREPS_STOP and not self.comp.match(norms, comma, stop):
            comma += 1
        if comma + 1 < stop and norms[comma] in _COMMAS and comma - end <= 3:
            end_in = end
            end = comma
            for off in (1, 2, 3):
                at = end + off
                hit = v.mention_at.get(at)
                if hit is not None:
                    b, ent = hit
                    after = norms[b] if b < stop else ""
                    named = after in _COMMAS or after in _COLON or self.comp.match(norms, b, stop)
                    if ent.type == "PER" and named and (spk.type != "PER"
                                                        or spk.party.entity is None):
                        return _Speaker(v.party(at, b, ent), ent.type), b
                    break
                if at >= stop or v.kinds[at] not in ("word", "article"):
                    break
            return spk, end_in
        return spk, end

    def _np_end(self, v: _View, k: int, stop: int, verb: Verb, limit: int = _NP_MAX) -> int:
        """End of a noun phrase starting at ``k``: before punctuation, a frame word, a
        complementizer, the verb's preposition or another cue."""
        norms, kinds = v.norms, v.kinds
        end = k
        words = 0
        while end < stop:
            if kinds[end] == "punct" or norms[end] == "ل" or end in v.cue_set:
                break
            if end > k and (norms[end] in ("خلال", "عبر", "امام", "لدي")
                            or self.pronoun.match(norms, end, end + 1)
                            or self.statement.match(norms, end, stop)
                            or (norms[end] == "ب" and end + 1 < stop
                                and norms[end + 1] != "اسم")):
                break
            if kinds[end] in ("word", "latin", "number"):
                if words == limit:
                    break
                words += 1
            if end > k and (self.comp.match(norms, end, stop) or self.via.match(norms, end, stop)
                            or self.time.match(norms, end, stop)
                            or self.adverb.match(norms, end, stop)
                            or self.addressee.match(norms, end, stop)):
                break
            if end > k and any(_starts(norms, end, p) for p in verb.preps):
                break
            if end > k and norms[end] == "في" and end + 1 < stop and \
                    self.statement.match(norms, end + 1, stop):
                break
            end += 1
        if words == limit and end < stop and kinds[end] not in ("punct",) and \
                not self._frame_stop(v, end, stop, verb):
            return k  # ran on without a frame: not a subject
        return end

    def _frame_stop(self, v: _View, k: int, stop: int, verb: Verb) -> bool:
        if k >= stop:
            return False
        norms = v.norms
        if v.kinds[k] == "punct":
            return norms[k] in _COMMAS or norms[k] in _COLON or norms[k] in _MARKS
        return bool(self.comp.match(norms, k, stop) or self.via.match(norms, k, stop)
                    or self.time.match(norms, k, stop) or self.adverb.match(norms, k, stop)
                    or self.addressee.match(norms, k, stop)
                    or any(_starts(norms, k, p) for p in verb.preps)
                    or norms[k] in ("في", "ل"))

    def _resolve_phrase(self, v: _View, a: int, b: int, state: _State, role: bool
                        ) -> _Speaker:
        """A speaker phrase without a mention at its start: a role of the organisation
        just named («رئيس الحركة») is the last person speaking; a short form or a
        surname («المرصد», «الغفراني») is the entity it shortens; else text only."""
        norms = v.norms
        party = v.party(a, b)
        for k in range(a, b):  # «مدير المرصد رامي عبد الرحمن»: the person named
            hit = v.mention_at.get(k)
            if hit is not None and hit[1].type == "PER" and hit[0] <= b:
                return _Speaker(Party(party.start, party.end, party.text, hit[1].id), "PER")
        if role:
            r = self.role.match(norms, a, b)
            if r is not None and a + r[0] < b and self.generic.match(norms, a + r[0], b) \
                    and a + r[0] + self.generic.match(norms, a + r[0], b)[0] == b:  # type: ignore[index]
                last = state.last
                if last is not None and last.type == "PER" and last.party.entity:
                    return _Speaker(Party(party.start, party.end, party.text,
                                          last.party.entity), "PER")
                return _Speaker(party, None)
        words = [norms[k] for k in range(a, b) if v.kinds[k] in ("word", "latin")]
        if len(words) == 1:
            ent = _short_form(v, words[0], a)
            if ent is not None:
                return _Speaker(Party(party.start, party.end, party.text, ent.id), ent.type)
        return _Speaker(party, None)

    def _statement_subject(self, v: _View, a: int, k: int, stop: int, state: _State
                           ) -> tuple[_Speaker, int]:
        """«بيان لحركة حماس», «تقرير للأمم المتحدة»: the issuer named after the
        statement; «البيان» alone: whoever issued the last statement."""
        norms, kinds = v.norms, v.kinds
        for at in range(k, min(stop, k + 5)):
            hit = v.mention_at.get(at)
            if hit is not None:
                end, ent = hit
                return _Speaker(v.party(a, end, ent), ent.type, True), end
            if (kinds[at] == "punct" and norms[at] not in _MARKS) \
                    or self.comp.match(norms, at, stop):
                break
        party = v.party(a, k)
        issuer = state.last_statement
        if issuer is None and state.last is not None and state.last.type in ("ORG", "GRP"):
            issuer = state.last
        if issuer is not None and kinds[a] == "article":
            return _Speaker(Party(party.start, party.end, party.text, issuer.party.entity),
                            issuer.type, True), k
        return _Speaker(party, None, True), k

    def _subject_before(self, v: _View, i: int, state: _State) -> _Speaker | None:
        """The subject before a verb (``المسؤولين الإماراتيين يقولون``), when it starts
        a clause."""
        norms, kinds = v.norms, v.kinds
        sid = v.sent[i]
        first = v.sent_range[sid][0]
        b = i - 1
        if b > first and norms[b] in _COMMAS:
            # «بأن مستشار الأمن القومي، جون بولتون، قال إن»: the person named before
            hit_p = v.mention_end.get(b - 1)
            if hit_p is not None and hit_p[1].type == "PER":
                return _Speaker(v.party(hit_p[0], b, hit_p[1]), "PER")
        if b < first or kinds[b] == "clitic" or (kinds[b] == "punct" and norms[b] not in (")",)):
            return None
        if self.brk.match(norms, b, b + 1) and norms[b].endswith(_PRONOUN_SUFFIXES):
            # «لكنه أشار»: the speaker who was talking, when the pronoun agrees with it
            last = state.last
            if last is not None and ((norms[b].endswith("ه") and last.type == "PER")
                                     or (norms[b].endswith("ها") and last.type in ("ORG", "GRP"))):
                return last
            return _UNRESOLVED  # a pronoun marsad does not resolve: no guess
        while b > first and self.aux.match(norms, b, b + 1):
            b -= 1
        if b >= first and norms[b] == ")":
            o = b - 1
            while o > max(first, b - 5) and norms[o] != "(":
                o -= 1
            if norms[o] == "(":
                hit = v.mention_at.get(o + 1)
                if hit is not None:
                    return _Speaker(v.party(o + 1, hit[0], hit[1]), hit[1].type)
                b = o - 1
        if b < first:
            return None
        if self.pronoun.match(norms, b, b + 1):
            # «..., حسين شيخ الإسلام، الذي اقترح»: the antecedent
            c = b - 1
            if c >= first and norms[c] in _COMMAS:
                hit = v.mention_end.get(c - 1)
                if hit is not None and hit[1].type in ("PER", "ORG", "GRP"):
                    return _Speaker(v.party(hit[0], c, hit[1]), hit[1].type)
            return None
        hit = v.mention_end.get(b)
        if hit is not None and (hit[0] == first or self._boundary(v, hit[0] - 1)):
            return _Speaker(v.party(hit[0], b + 1, hit[1]), hit[1].type)
        start = b
        while start > first and b - start < 6 and kinds[start - 1] in ("word", "article") \
                and not self._boundary(v, start - 1):
            start -= 1
        if not (start == first or self._boundary(v, start - 1)):
            return None
        hit = v.mention_at.get(start)
        if hit is not None and hit[0] == b + 1:
            return _Speaker(v.party(start, b + 1, hit[1]), hit[1].type)
        # a statement: its issuer is not named here («رسالة تدعو فيها»)
        if self.statement.match(norms, start, b + 1):
            return _Speaker(v.party(start, b + 1), None, True)
        # without a mention only a speaker noun heads a subject
        if not (self.speaker_nouns.match(norms, start, b + 1)
                or self.role.match(norms, start, b + 1)):
            return None
        return self._resolve_phrase(v, start, b + 1, state, False)

    def _boundary(self, v: _View, k: int) -> bool:
        norms, kinds = v.norms, v.kinds
        if kinds[k] == "punct":
            return True
        if kinds[k] == "clitic" and norms[k] in ("و", "ف"):
            return True
        return bool(self.brk.match(norms, k, k + 1) or self.aux.match(norms, k, k + 1)
                    or norms[k] in ("لكن", "ان", "كما", "فيما", "بينما", "اذ"))

    def _continuing(self, v: _View, i: int, state: _State, *, participle: bool
                    ) -> _Speaker | None:
        """The speaker of a verb without a subject: a participle continues the nearest
        subject of its sentence; a verb, the speaker who was talking."""
        best: tuple[int, _Speaker] | None = None
        if state.in_sentence:
            best = state.in_sentence[-1]
        rel = self._relative_antecedent(v, i)
        if rel is not None and (best is None or rel[0] > best[0]):
            best = rel
        if best is not None and (participle or best[0] < i):
            return best[1]
        if state.last is not None:
            return state.last
        if v.subheadline is not None and v.subheadline[0] <= i < v.subheadline[1]:
            return state.headline_subject
        return None

    def _relative_antecedent(self, v: _View, i: int) -> tuple[int, _Speaker] | None:
        """«حسين شيخ الإسلام، الذي اقترح ...، مشددا»: the named antecedent of the last
        relative clause before ``i`` in its sentence."""
        norms = v.norms
        first = v.sent_range[v.sent[i]][0]
        for k in range(i - 1, max(first, i - 30) + 1, -1):
            if norms[k] in ("الذي", "التي") and norms[k - 1] in _COMMAS:
                hit = v.mention_end.get(k - 2)
                if hit is not None and hit[1].type in ("PER", "ORG"):
                    return k, _Speaker(v.party(hit[0], k - 1, hit[1]), hit[1].type)
                return None
        return None

    # -- frame and complement ---------------------------------------------------------
    def _frame(self, v: _View, j: int, stop: int, verb: Verb,
               cues: dict[int, tuple[int, Verb]], skip: set[int], used: set[int]
               ) -> _Frame:
        """Read the frame after the speaker up to the complement."""
        norms, kinds = v.norms, v.kinds
        frame = _Frame()
        k = j
        limit = min(stop, j + _WINDOW)
        content = j  # first token of the object (for the object class)
        content = self._skip_adverbs(v, content, stop)
        frame.object_start = content
        while k < limit:
            region = v.open_at.get(k)
            if region is not None:
                if region.named or region.words <= 2 or id(region) in used:
                    k = max(k + 1, region.close + 1)
                    continue
                if verb.cls == "frame" and region.words < 3:
                    k = region.close + 1
                    continue
                frame.quote = region
                used.add(id(region))
                frame.start = k
                frame.how = "quote"
                return frame
            nk = norms[k]
            if kinds[k] == "punct":
                if nk in _COLON:
                    frame.start, frame.how = k + 1, "colon"
                    return frame
                if nk in _ENDS:
                    return frame
                k += 1
                continue
            if k > j and k in cues and k not in skip:
                return frame
            hit = self.comp.match(norms, k, stop)
            if hit is not None and not self._not_comp(v, k):
                frame.start, frame.how = k + hit[0], "comp"
                return frame
            prep = next((p for p in verb.preps if _starts(norms, k, p)), None)
            if prep is not None and k - j <= 12 and verb.cls != "frame":
                after = k + len(prep)
                c = self.comp.match(norms, after, stop) if after < stop else None
                frame.start = after + (c[0] if c else 0)
                frame.how = "comp" if c else "prep"
                return frame
            if prep is not None and verb.cls == "frame":
                after = k + len(prep)
                c = self.comp.match(norms, after, stop) if after < stop else None
                frame.start = after + (c[0] if c else 0)
                frame.how = "comp" if c else "frame-prep"
                return frame
            hit = self.via.match(norms, k, stop)
            if hit is not None and frame.via is None:
                k = self._read_via(v, frame, k + hit[0], stop, cues, skip)
                continue
            hit = self.addressee.match(norms, k, stop)
            if hit is not None and frame.addressee is None:
                k = self._read_addressee(v, frame, k + hit[0], stop)
                continue
            if kinds[k] == "clitic" and nk == "ل" and frame.addressee is None and k - j <= 3:
                hit_m = v.mention_at.get(k + 1)
                if hit_m is not None and hit_m[1].type in ("PER", "GRP", "ORG"):
                    frame.addressee = v.party(k + 1, hit_m[0], hit_m[1])
                    k = hit_m[0]
                    continue
            if self.statement.match(norms, k, stop) and k - j <= 4:
                frame.statement = True
            k += 1
        return frame

    def _not_comp(self, v: _View, k: int) -> bool:
        norms = v.norms
        if k > 0 and self.not_comp.match(norms, k - 1, k):
            return True
        return k > 1 and self.not_comp.match(norms, k - 2, k) is not None

    def _read_via(self, v: _View, frame: _Frame, k: int, stop: int,
                  cues: dict[int, tuple[int, Verb]], skip: set[int]) -> int:
        """``بحسب وكالة «تسنيم»``, ``وفقا لما ذكرته صحيفة ...``: the source cited."""
        norms, kinds = v.norms, v.kinds
        if k < stop and norms[k] in ("ما", "لما"):
            k += 1
        if k < stop and k in cues:
            skip.add(k)
            k += cues[k][0]
        if k < stop and kinds[k] == "clitic" and norms[k] == "ل":
            k += 1
        a = k
        ent: Entity | None = None
        while k < stop and k - a < 10:
            if kinds[k] == "punct" and norms[k] not in _MARKS:
                break
            if self.comp.match(norms, k, stop) or k in cues:
                break
            hit = v.mention_at.get(k)
            if hit is not None and ent is None:
                ent = hit[1]
                k = hit[0]
                continue
            k += 1
        if k > a:
            frame.via = v.party(a, k, ent)
        return k

    def _read_addressee(self, v: _View, frame: _Frame, k: int, stop: int) -> int:
        norms, kinds = v.norms, v.kinds
        if k < stop and (norms[k] == "الي" or (kinds[k] == "clitic" and norms[k] == "ل")):
            k += 1
        a = k
        ent: Entity | None = None
        while k < stop and k - a < 12:
            if kinds[k] == "punct" and norms[k] not in _MARKS:
                break
            if self.comp.match(norms, k, stop):
                break
            hit = v.mention_at.get(k)
            if hit is not None and ent is None:
                ent = hit[1]
            k += 1
        if k > a:
            end = k
            while end > a and kinds[end - 1] == "punct" and norms[end - 1] not in ("»", '"', "”"):
                end -= 1
            frame.addressee = v.party(a, end, ent)
        return k

    def _complements(self, v: _View, frame: _Frame, verb: Verb, stop: int,
                     cues: dict[int, tuple[int, Verb]]
                     ) -> list[tuple[QuoteKind, int, int, tuple[Party, str | None] | None]]:
        """The quotes a frame introduces: ``(kind, start, end, source-as-speaker)``."""
        out: list[tuple[QuoteKind, int, int, tuple[Party, str | None] | None]] = []
        how = frame.how
        if how == "quote" and frame.quote is not None:
            r = frame.quote
            obj = frame.object_start
            if verb.cls == "frame" and obj < r.open and not self._only_frame(v, obj, r.open):
                end = min(r.close + 1, v.n)
                return [("mixed", v.toks[obj].start, v.toks[end - 1].end, None)]
            return [("direct", a, b, None) for a, b in self._fragments(v, r)]
        if how is None:
            if verb.cls == "object" and frame.object_start < stop:
                how, frame.start = "object", frame.object_start
            else:
                return out
        if how == "frame-prep":
            how = "frame"
        start = frame.start
        while start < stop:
            if start >= v.n:
                break
            end, nxt, source = self._clause_end(v, start, stop, cues)
            if end < stop and end in cues and self._subject_only(v, start, end):
                end = start  # «بأن X، قال إن»: the clause is the subject of the next report
            end = self._trim(v, start, end)
            if end > start:
                opening = v.open_at.get(start)
                if opening is not None and opening.close + 1 >= end and not opening.named:
                    out.extend(("direct", a, b, None) for a, b in self._fragments(v, opening))
                else:
                    has_quote = any(
                        (inner := v.open_at.get(k)) is not None and not inner.named
                        for k in range(start, end))
                    words = sum(1 for k in range(start, end)
                                if v.kinds[k] in ("word", "number", "latin"))
                    if how == "frame" and not has_quote:
                        pass
                    elif words >= 2:
                        a, b, _ = v.span(start, end)
                        out.append(("mixed" if has_quote else "indirect", a, b, source))
            if nxt is None:
                break
            start = nxt
        return out

    def _fragments(self, v: _View, r: _Region) -> list[tuple[int, int]]:
        """A quotation cut at ellipses (``...``) into the fragments it quotes, each of
        three words or more; else the whole quotation."""
        norms, kinds = v.norms, v.kinds
        stop = min(r.close, v.n)
        cuts: list[tuple[int, int]] = []
        k = r.open + 1
        while k < stop:
            if kinds[k] == "punct":
                hit = self.ellipsis.match(norms, k, stop)
                if hit is not None:
                    cuts.append((k, k + hit[0]))
                    k += hit[0]
                    continue
            k += 1
        if not cuts:
            return [(r.start, r.end)]
        pieces: list[tuple[int, int]] = []
        a = r.open + 1
        for c0, c1 in [*cuts, (stop, stop)]:
            words = sum(1 for x in range(a, c0) if kinds[x] in ("word", "number", "latin"))
            if words >= 3:
                pieces.append((a, c0))
            elif pieces and c0 > a:
                pieces[-1] = (pieces[-1][0], c0)
            a = c1
        if len(pieces) < 2:
            return [(r.start, r.end)]
        out = []
        for a, b in pieces:
            b = self._trim(v, a, b)
            out.append((v.toks[a].start, v.toks[b - 1].end))
        return out

    def _subject_only(self, v: _View, start: int, end: int) -> bool:
        """Whether ``[start, end)`` ends with a named person right before a verb of
        saying: then it is that verb's subject, not reported words."""
        last = end - 1
        if v.norms[last] in _COMMAS:
            last -= 1
        hit = v.mention_end.get(last)
        return hit is not None and hit[1].type == "PER"

    def _new_report(self, v: _View, k: int, cues: dict[int, tuple[int, Verb]]) -> bool:
        """Whether the cue at ``k`` inside a reported clause starts a report of its own:
        after a conjunction or a comma (``، مشددا``, ``وأضاف``), or a verb of saying
        (``ومتفجرات قال إنها``) — not ``الأدلة ... تشير إلى``."""
        verb = cues[k][1]
        if verb.lemma in self.nested and not verb.participle:
            return True
        prev = k - 1
        if prev > 0 and v.norms[prev] in _TRAILING:
            prev -= 1  # «، كما أبلغهم»
        return prev >= 0 and ((v.kinds[prev] == "punct" and v.norms[prev] not in _MARKS)
                              or (v.kinds[prev] == "clitic" and v.norms[prev] in ("و", "ف")))

    def _trim(self, v: _View, start: int, end: int) -> int:
        """Drop punctuation and conjunctions that end a clause before the next verb."""
        norms, kinds = v.norms, v.kinds
        while end > start:
            k = end - 1
            if (kinds[k] == "punct" and norms[k] not in _CLOSE_MARKS) or kinds[k] == "clitic" \
                    or norms[k] in _TRAILING:
                end -= 1
                continue
            break
        return end

    def _only_frame(self, v: _View, a: int, b: int) -> bool:
        """Whether tokens ``[a, b)`` hold only punctuation, adverbs and the like."""
        k = a
        while k < b:
            if v.kinds[k] == "punct":
                k += 1
                continue
            hit = self.adverb.match(v.norms, k, b) or self.time.match(v.norms, k, b)
            if hit is None:
                return False
            k += hit[0]
        return True

    def _clause_end(self, v: _View, k: int, stop: int, cues: dict[int, tuple[int, Verb]]
                    ) -> tuple[int, int | None, tuple[Party, str | None] | None]:
        """End of the reported clause from ``k``; the start of a coordinated one
        (``، وإن ...``) and a source cited at its end (``، بحسب مصادر ...``)."""
        norms, kinds = v.norms, v.kinds
        a = k
        while k < stop:
            r = v.open_at.get(k)
            if r is not None:
                k = max(k + 1, r.close + 1)
                continue
            if k > a and k in cues and self._new_report(v, k, cues):
                return k, None, None
            if kinds[k] == "punct" and norms[k] in _CLAUSE_PUNCT:
                n1 = k + 1
                if n1 < stop and kinds[n1] == "clitic" and norms[n1] == "و":
                    c = self.comp.match(norms, n1 + 1, stop) if n1 + 1 < stop else None
                    if c is not None:
                        return k, n1 + 1 + c[0], None
                if n1 < stop and self.brk.match(norms, n1, stop):
                    return k, None, None
                if n1 + 1 < stop and kinds[n1] == "clitic" and self.brk.match(norms, n1 + 1, stop):
                    return k, None, None
                via = self.via.match(norms, n1, stop) if n1 < stop else None
                if via is not None:
                    frame = _Frame()
                    self._read_via(v, frame, n1 + via[0], stop, cues, set())
                    if frame.via is not None:
                        ent = v.entities.get(frame.via.entity or "")
                        src = (frame.via, ent.type if ent else None)
                        return k, None, src
            k += 1
        return stop, None, None


@dataclass(slots=True)
class _Frame:
    via: Party | None = None
    addressee: Party | None = None
    statement: bool = False
    #: how the complement opens: comp, prep, colon, quote, frame-prep, or None
    how: str | None = None
    start: int = 0
    quote: _Region | None = None
    object_start: int = 0


def _token_after(v: _View, end: int) -> int:
    """Index of the first token starting at or after character ``end``."""
    return _bisect(v.toks, end)


def _starts(norms: list[str], k: int, key: tuple[str, ...]) -> bool:
    return tuple(norms[k:k + len(key)]) == key


def _bare_verb(word: str, table: Mapping[str, Verb]) -> Verb | None:
    """A verb form with a conjunction or an object pronoun the tokenizer left attached
    (``وأبلغهم``, ``أبلغهم``)."""
    stems = [word]
    if word[0] in "وف":
        stems.append(word[1:])
    for stem in list(stems):
        for suf in _PRONOUN_SUFFIXES:
            if stem.endswith(suf) and len(stem) - len(suf) >= 3:
                stems.append(stem[:-len(suf)])
                break
    for stem in stems[1:]:
        verb = table.get(stem)
        if verb is not None and not verb.participle:
            return verb
    return None


def _short_form(v: _View, word: str, before: int) -> Entity | None:
    """The entity a single word shortens: the surname of a person or the head word of an
    organisation named earlier (``الغفراني``, ``المرصد``). Of several, the one named
    first latest (the first in document order on a tie)."""
    if v.short_forms is None:
        # indexed once per document: scanning every mention per call was quadratic
        index: dict[str, list[tuple[int, Entity]]] = {}
        for ent in v.entities.values():
            if ent.type not in ("PER", "ORG"):
                continue
            first_at = min((m.start for m in ent.mentions), default=None)
            if first_at is None:
                continue
            for m in ent.mentions:
                parts = _mention_words(m.text)
                if len(parts) < 2:
                    continue
                cands = index.setdefault(
                    _bare_word(parts[-1] if ent.type == "PER" else parts[0]), [])
                if not cands or cands[-1][1] is not ent:
                    cands.append((first_at, ent))
        v.short_forms = index
    limit = v.toks[before].start
    best: Entity | None = None
    best_at = -1
    for first_at, ent in v.short_forms.get(word, ()):
        if best_at < first_at <= limit:
            best, best_at = ent, first_at
    return best


def _bare_word(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


def _mention_words(text: str) -> list[str]:
    from ..text import normalize_key

    return normalize_key(text).replace("«", " ").replace("»", " ").split()


__all__ = ["PhraseTable", "QuoteFinder"]
