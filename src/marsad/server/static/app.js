// marsad web UI: plain JavaScript, no build step, no dependencies.
// Corpus text is untrusted: every piece of it goes into the page as a text node
// (h() below never parses HTML), and links only ever point at http(s) URLs.
"use strict";

const app = document.getElementById("app");
const SVGNS = "http://www.w3.org/2000/svg";
const QUAD = { 1: "تعاون لفظي", 2: "تعاون مادي", 3: "صراع لفظي", 4: "صراع مادي" };
const QCOLOR = { 1: "#3b8bd0", 2: "#2e9e5b", 3: "#e59a2f", 4: "#c8413b" };
const TYPE_AR = { PER: "شخص", ORG: "منظمة", LOC: "مكان", GRP: "جماعة", MISC: "أخرى" };

// -- DOM helpers ---------------------------------------------------------------------------
function build(el, attrs, kids) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.setAttribute("class", v);
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "href") el.setAttribute("href", safeHref(String(v)));
    else el.setAttribute(k, String(v));
  }
  for (const c of kids.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
function h(tag, attrs, ...kids) { return build(document.createElement(tag), attrs, kids); }
function s(tag, attrs, ...kids) { return build(document.createElementNS(SVGNS, tag), attrs, kids); }
function safeHref(u) {
  // "//host/..." is another site (protocol-relative), not a path of this one
  if (u.startsWith("#") || (u.startsWith("/") && !u.startsWith("//"))) return u;
  return /^https?:\/\//i.test(u) ? u : "#";
}
function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
function enc(x) { return encodeURIComponent(x); }

async function api(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== "" && v != null) q.set(k, v);
  const url = path + (q.toString() ? "?" + q : "");
  const res = await fetch(url, { headers: { Accept: "application/json" } });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((data.error && data.error.message) || res.statusText);
  return data;
}

function fmtDay(d) { return d || "—"; }
function actorLink(id, text) {
  return id ? h("a", { href: "#/actor/" + enc(id) }, text || id) : h("span", {}, text || "—");
}
function codeTag(code) { return code ? h("span", { class: "code" }, code) : null; }
function typeTag(t) { return t ? h("span", { class: "tag " + t }, TYPE_AR[t] || t) : null; }
function quadTag(q) {
  return q ? h("span", { class: "q" + q, title: QUAD[q] }, "Q" + q) : null;
}
function errorBox(err) { return h("p", { class: "error" }, "خطأ: " + err.message); }
function empty(text) { return h("p", { class: "empty" }, text); }

// -- routing -------------------------------------------------------------------------------
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, query] = raw.split("?");
  const parts = path.split("/").map(decodeURIComponent);
  return { page: parts[0] || "home", arg: parts.slice(1).join("/"),
           params: Object.fromEntries(new URLSearchParams(query || "")) };
}
function go(page, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== "" && v != null) q.set(k, v);
  location.hash = "#/" + page + (q.toString() ? "?" + q : "");
}

const routes = {
  home: pageHome, article: pageArticle, actor: pageActor, actors: pageActors,
  events: pageEvents, network: pageNetwork, map: pageMap, search: pageSearch,
};

async function route() {
  const { page, arg, params } = parseHash();
  for (const a of document.querySelectorAll("nav a")) {
    a.classList.toggle("active", a.dataset.nav === page);
  }
  closePopup();
  clear(app);
  const fn = routes[page] || pageHome;
  try {
    await fn(arg, params);
  } catch (err) {
    app.append(errorBox(err));
  }
  window.scrollTo(0, 0);
}

// -- pages: home ---------------------------------------------------------------------------
async function pageHome(_arg, params) {
  const stats = await api("/api/stats");
  const box = h("div", { class: "stats", id: "stats" },
    [["مقالات", stats.articles], ["فاعلون", stats.actors], ["اقتباسات", stats.quotes],
     ["أحداث", stats.events]].map(([k, v]) => h("div", { class: "stat" }, h("b", {}, v), k)));
  app.append(h("h1", {}, "المقالات"), box);
  const table = h("table", { id: "articles" }, h("thead", {}, h("tr", {},
    h("th", {}, "التاريخ"), h("th", {}, "المصدر"), h("th", {}, "العنوان"),
    h("th", {}, "كيانات"), h("th", {}, "اقتباسات"), h("th", {}, "أحداث"))));
  const body = h("tbody");
  table.append(body);
  app.append(h("div", { class: "card" }, table));
  await paged(app, (cursor) => api("/api/articles", { ...params, limit: 50, cursor }),
    (a) => body.append(h("tr", {},
      h("td", {}, fmtDay(a.published)), h("td", {}, a.site || "—"),
      h("td", {}, h("a", { href: "#/article/" + enc(a.id) }, a.headline || a.id)),
      h("td", {}, a.entities), h("td", {}, a.quotes), h("td", {}, a.events))));
}

// a list with a "more" button that follows the API's cursor
async function paged(parent, fetchPage, addItem, emptyText) {
  const more = h("button", { class: "more" }, "المزيد");
  let count = 0;
  async function load(cursor) {
    const page = await fetchPage(cursor);
    page.items.forEach(addItem);
    count += page.items.length;
    more.remove();
    if (page.next) {
      more.onclick = () => load(page.next);
      parent.append(more);
    }
    if (!count && emptyText) parent.append(empty(emptyText));
  }
  await load(null);
}

// -- pages: article ------------------------------------------------------------------------
async function pageArticle(id) {
  const doc = await api("/api/articles/" + enc(id));
  const entById = Object.fromEntries((doc.entities || []).map((e) => [e.id, e]));
  const spans = [];
  for (const e of doc.entities || []) {
    for (const m of e.mentions || []) spans.push({ start: m.start, end: m.end, kind: "ent", e });
  }
  for (const q of doc.quotes || []) spans.push({ start: q.start, end: q.end, kind: "quote", q });
  for (const ev of doc.events || []) {
    const t = ev.trigger;
    if (t && t.start != null && t.end != null) {
      spans.push({ start: t.start, end: t.end, kind: "trigger", ev });
    }
  }
  const textEl = h("div", { class: "article-text", id: "article-text", dir: "rtl" });
  renderSpans(textEl, doc.text, spans, entById);

  const src = doc.source || {};
  const head = h("div", { class: "card" },
    h("h1", { id: "article-title" }, doc.headline || doc.id),
    doc.subheadline ? h("p", {}, doc.subheadline) : null,
    h("p", { class: "muted" }, [fmtDay(doc.published), " · ", src.site || "—", " · ",
      h("span", { class: "code" }, doc.id),
      src.url ? [" · ", h("a", { href: src.url, rel: "noopener noreferrer", target: "_blank" },
        "المصدر")] : null]),
    h("div", { class: "legend" }, h("span", { class: "tag PER" }, "شخص"),
      h("span", { class: "tag ORG" }, "منظمة"), h("span", { class: "tag LOC" }, "مكان"),
      h("span", { class: "tag GRP" }, "جماعة"),
      h("span", { class: "tag quote-key" }, "اقتباس"),
      h("span", { class: "tag trigger-key" }, "حدث")));

  const side = h("div", {},
    h("div", { class: "card", id: "entities-panel" }, h("h2", {}, `الكيانات (${doc.entities.length})`),
      h("ul", { class: "plain" }, doc.entities.map((e) => h("li", {},
        typeTag(e.type), actorLink(e.actor_id, e.name), " ", codeTag(e.code),
        h("span", { class: "muted" }, ` ×${e.mentions.length}`))))),
    h("div", { class: "card", id: "quotes-panel" }, h("h2", {}, `الاقتباسات (${doc.quotes.length})`),
      doc.quotes.length ? h("ul", { class: "plain" }, doc.quotes.map((q) => h("li", {},
        h("b", {}, speakerOf(q, entById)), ": «", q.text, "»"))) : empty("لا اقتباسات")),
    h("div", { class: "card", id: "events-panel" }, h("h2", {}, `الأحداث (${doc.events.length})`),
      doc.events.length ? h("ul", { class: "plain" }, doc.events.map((ev) => h("li", {},
        eventLine(ev, entById)))) : empty("لا أحداث")));
  app.append(head, h("div", { class: "grid" }, h("div", { class: "card" }, textEl), side));
}

function speakerOf(q, entById) {
  const ent = q.speaker && entById[q.speaker];
  if (ent) return actorLink(ent.actor_id, ent.name);
  return q.speaker_text || "—";
}

function roleOf(role, entById) {
  if (!role) return h("span", { class: "muted" }, "—");
  const ent = role.entity && entById && entById[role.entity];
  const id = role.actor || (ent && ent.actor_id);
  return h("span", {}, actorLink(id, role.text || (ent && ent.name)), " ",
    codeTag(role.code || (ent && ent.code)));
}

function eventLine(ev, entById) {
  return h("span", {}, roleOf(ev.source, entById), " ← ",
    h("span", { class: "code", title: ev.label || "" }, ev.cameo), " ",
    quadTag(ev.quad_class), " ", ev.label ? h("span", { class: "muted" }, ev.label) : null,
    " ← ", roleOf(ev.target, entById),
    ev.trigger && ev.trigger.text ? h("span", { class: "muted" }, ` («${ev.trigger.text}»)`) : null);
}

function describe(sp, entById) {
  if (sp.kind === "ent") {
    return `${sp.e.name} · ${TYPE_AR[sp.e.type] || sp.e.type}${sp.e.code ? " · " + sp.e.code : ""}`;
  }
  if (sp.kind === "quote") {
    const ent = sp.q.speaker && entById[sp.q.speaker];
    return `اقتباس · المتحدث: ${ent ? ent.name : sp.q.speaker_text || "—"}`;
  }
  const ev = sp.ev;
  const name = (r) => (r ? r.text : "—");
  return `حدث ${ev.cameo}${ev.label ? " (" + ev.label + ")" : ""}: ${name(ev.source)} ← ${name(ev.target)}`;
}

// Text with layers of spans: cut at every span boundary; each piece is a text node inside
// an element whose classes say which layers cover it. Offsets are code points.
function renderSpans(el, text, spans, entById) {
  const chars = Array.from(text);
  const cuts = new Set([0, chars.length]);
  for (const sp of spans) {
    if (sp.start >= 0 && sp.end <= chars.length && sp.start < sp.end) {
      cuts.add(sp.start);
      cuts.add(sp.end);
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const piece = chars.slice(a, b).join("");
    const active = spans.filter((sp) => sp.start <= a && sp.end >= b && sp.start < sp.end);
    if (!active.length) { el.append(document.createTextNode(piece)); continue; }
    const cls = new Set();
    for (const sp of active) {
      if (sp.kind === "ent") { cls.add("ent"); cls.add(sp.e.type); }
      else cls.add(sp.kind);
    }
    const node = h("span", { class: [...cls].join(" "),
      title: active.map((sp) => describe(sp, entById)).join("\n") }, piece);
    node.addEventListener("click", (evt) => showPopup(evt, active, entById));
    el.append(node);
  }
}

let popupEl = null;
function closePopup() { if (popupEl) { popupEl.remove(); popupEl = null; } }
document.addEventListener("keydown", (e) => { if (e.key === "Escape") closePopup(); });
document.addEventListener("click", (e) => {
  if (popupEl && !popupEl.contains(e.target) && !e.target.closest(".article-text")) closePopup();
});

function showPopup(evt, active, entById) {
  closePopup();
  const items = active.map((sp) => {
    if (sp.kind === "ent") {
      return h("div", {}, typeTag(sp.e.type), actorLink(sp.e.actor_id, sp.e.name), " ",
        codeTag(sp.e.code), sp.e.name_en ? h("span", { class: "muted latin" }, " " + sp.e.name_en) : null);
    }
    if (sp.kind === "quote") {
      return h("div", {}, "اقتباس — المتحدث: ", h("b", {}, speakerOf(sp.q, entById)),
        sp.q.kind ? h("span", { class: "muted" }, ` (${sp.q.kind})`) : null);
    }
    return h("div", {}, eventLine(sp.ev, entById));
  });
  popupEl = h("div", { class: "popup", id: "popup", role: "dialog" }, items);
  document.body.append(popupEl);
  const x = Math.min(evt.clientX, window.innerWidth - 20);
  popupEl.style.top = Math.min(evt.clientY + 14, window.innerHeight - 80) + "px";
  popupEl.style.left = Math.max(8, x - popupEl.offsetWidth / 2) + "px";
}

// -- pages: actors -------------------------------------------------------------------------
async function pageActors(_arg, params) {
  const form = h("form", { class: "filters card", id: "actor-filter" },
    h("label", {}, "الاسم أو الرمز", h("input", { name: "q", value: params.q || "" })),
    h("label", {}, "النوع", h("select", { name: "type" },
      h("option", { value: "" }, "الكل"),
      Object.entries(TYPE_AR).map(([k, v]) => h("option", { value: k, selected: params.type === k }, v)))),
    h("button", { type: "submit" }, "تصفية"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    go("actors", Object.fromEntries(new FormData(form)));
  });
  const body = h("tbody");
  app.append(h("h1", {}, "الفاعلون"), form, h("div", { class: "card" }, h("table", { id: "actors" },
    h("thead", {}, h("tr", {}, ["الاسم", "النوع", "الرمز", "مقالات", "أحداث (مصدر/هدف)", "اقتباسات"]
      .map((t) => h("th", {}, t)))), body)));
  await paged(app, (cursor) => api("/api/actors", { q: params.q, type: params.type, limit: 50, cursor }),
    (a) => body.append(h("tr", {}, h("td", {}, actorLink(a.id, a.name)), h("td", {}, typeTag(a.type)),
      h("td", {}, codeTag(a.code)), h("td", {}, a.articles),
      h("td", {}, `${a.events_as_source} / ${a.events_as_target}`), h("td", {}, a.quotes))),
    "لا فاعلين");
}

async function pageActor(id) {
  const a = await api("/api/actors/" + enc(id));
  app.append(h("div", { class: "card" },
    h("h1", { id: "actor-name" }, a.name, " ", codeTag(a.code)),
    h("p", { class: "muted" }, typeTag(a.type), a.name_en ? h("span", { class: "latin" }, a.name_en + " · ") : null,
      `${a.articles} مقالات · ${a.mentions} إشارات · ${a.events_as_source} أحداث كمصدر · `,
      `${a.events_as_target} أحداث كهدف · ${a.quotes} اقتباسات`),
    h("p", {}, "الأسماء: ", a.names.map((n, i) => [i ? "، " : "", n.text,
      h("span", { class: "muted" }, ` ×${n.count}`)])),
    a.codes.length > 1 ? h("p", {}, "الرموز: ", a.codes.map((c) => [codeTag(c.code), " "])) : null));
  const evTable = (items, id2) => items.length ? h("table", { id: id2 }, h("tbody", {}, items.map((ev) =>
    h("tr", {}, h("td", {}, fmtDay(ev.day)), h("td", {}, eventLine(ev)),
      h("td", {}, h("a", { href: "#/article/" + enc(ev.article.id) }, "المقال")))))) : empty("لا أحداث");
  app.append(h("div", { class: "grid" },
    h("div", {},
      h("div", { class: "card", id: "actor-quotes" }, h("h2", {}, "اقتباسات"),
        a.quotes_list.length ? h("ul", { class: "plain" }, a.quotes_list.map((q) => h("li", {},
          "«", q.text, "» ", h("a", { href: "#/article/" + enc(q.article.id) }, "المقال"),
          h("span", { class: "muted" }, " " + fmtDay(q.day))))) : empty("لا اقتباسات")),
      h("div", { class: "card" }, h("h2", {}, "أحداث هو مصدرها"), evTable(a.as_source, "as-source")),
      h("div", { class: "card" }, h("h2", {}, "أحداث هو هدفها"), evTable(a.as_target, "as-target"))),
    h("div", {},
      h("div", { class: "card", id: "counterparts" }, h("h2", {}, "الأطراف المقابلة"),
        a.counterparts.length ? h("ul", { class: "plain" }, a.counterparts.map((c) => h("li", {},
          actorLink(c.id, c.name), " ", codeTag(c.code),
          h("span", { class: "muted" }, ` → ${c.as_target} · ← ${c.as_source}`)))) : empty("لا أطراف")),
      h("div", { class: "card" }, h("h2", {}, "مقالات"), h("ul", { class: "plain" },
        a.recent_articles.map((r) => h("li", {}, h("a", { href: "#/article/" + enc(r.id) }, r.headline || r.id),
          h("span", { class: "muted" }, " " + fmtDay(r.published)))))))));
}

// -- pages: events explorer ----------------------------------------------------------------
const FILTERS = [
  ["actor", "الفاعل (اسم أو رمز)"], ["cameo", "رمز CAMEO"], ["quad_class", "الفئة"],
  ["from", "من"], ["to", "إلى"], ["site", "المصدر"], ["text", "نص"],
];

function filterForm(page, params, extra) {
  const fields = FILTERS.map(([name, label]) => {
    let input;
    if (name === "quad_class") {
      input = h("select", { name }, h("option", { value: "" }, "الكل"),
        [1, 2, 3, 4].map((q) => h("option", { value: q, selected: String(q) === params[name] }, QUAD[q])));
    } else {
      input = h("input", { name, value: params[name] || "",
        type: name === "from" || name === "to" ? "date" : "text" });
    }
    return h("label", {}, label, input);
  });
  const form = h("form", { class: "filters card", id: "filters" }, fields, extra || null,
    h("button", { type: "submit" }, "تصفية"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    go(page, Object.fromEntries(new FormData(form)));
  });
  return form;
}

function apiFilters(params) {
  const out = {};
  for (const k of ["actor", "role", "source", "target", "cameo", "quad_class", "from", "to",
    "site", "text", "article", "place"]) if (params[k]) out[k] = params[k];
  return out;
}

async function pageEvents(_arg, params) {
  const bucket = params.bucket === "week" ? "week" : "day";
  const extra = h("label", {}, "الفترة", h("select", { name: "bucket" },
    h("option", { value: "day", selected: bucket === "day" }, "يوم"),
    h("option", { value: "week", selected: bucket === "week" }, "أسبوع")));
  app.append(h("h1", {}, "الأحداث"), filterForm("events", params, extra));
  const f = apiFilters(params);
  const tl = await api("/api/events/timeline", { ...f, bucket });
  app.append(h("div", { class: "card" }, h("h2", {}, "الخط الزمني"), timelineChart(tl.items),
    h("div", { class: "legend" }, [1, 2, 3, 4].map((q) =>
      h("span", { class: "q" + q }, QUAD[q])))));
  const list = h("div", { class: "card" }, h("h2", {}, "قائمة الأحداث"));
  app.append(list);
  await eventTable(list, f);
}

async function eventTable(parent, f) {
  const body = h("tbody");
  parent.append(h("table", { id: "events" }, h("thead", {}, h("tr", {},
    ["التاريخ", "الحدث", "الجملة", ""].map((t) => h("th", {}, t)))), body));
  await paged(parent, (cursor) => api("/api/events", { ...f, limit: 50, cursor }),
    (ev) => body.append(h("tr", {}, h("td", {}, fmtDay(ev.day)), h("td", {}, eventLine(ev)),
      h("td", { class: "muted" }, ev.sentence_text || ""),
      h("td", {}, h("a", { href: "#/article/" + enc(ev.article.id) }, "المقال")))),
    "لا أحداث تطابق التصفية");
}

function timelineChart(items) {
  if (!items.length) return empty("لا أحداث مؤرخة");
  const W = 1000, H = 220, pad = 30;
  const max = Math.max(...items.map((r) => r.q1 + r.q2 + r.q3 + r.q4 + r.other), 1);
  const bw = (W - 2 * pad) / items.length;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, id: "timeline", role: "img",
    "aria-label": "الخط الزمني للأحداث" });
  svg.append(s("line", { x1: pad, y1: H - pad, x2: W - pad, y2: H - pad, stroke: "#999" }));
  svg.append(s("text", { x: W - pad + 4, y: pad, "font-size": 11 }, String(max)));
  items.forEach((r, i) => {
    // left to right in time, like the dates written under the chart
    let y = H - pad;
    const x = pad + i * bw;
    for (const q of [1, 2, 3, 4]) {
      const n = r["q" + q];
      if (!n) continue;
      const hgt = (n / max) * (H - 2 * pad);
      y -= hgt;
      svg.append(s("rect", { x: x + 0.5, y, width: Math.max(bw - 1, 1), height: hgt,
        fill: QCOLOR[q], class: "bar" }, s("title", {}, `${r.period}: ${n} ${QUAD[q]}`)));
    }
  });
  const step = Math.ceil(items.length / 8);
  items.forEach((r, i) => {
    if (i % step) return;
    svg.append(s("text", { x: pad + i * bw, y: H - 10, "font-size": 11, direction: "ltr" }, r.period));
  });
  return svg;
}

// -- zoom and pan for the network and the map ----------------------------------------------
function zoomable(svg, vb) {
  const view = { ...vb };
  const set = () => svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  set();
  svg.classList.add("zoomable");
  function zoom(f, cx, cy) {
    const nw = Math.min(Math.max(view.w * f, vb.w / 40), vb.w * 2);
    const k = nw / view.w;
    view.x = cx - (cx - view.x) * k;
    view.y = cy - (cy - view.y) * k;
    view.w = nw;
    view.h = view.h * k;
    set();
  }
  function toView(e) {
    const r = svg.getBoundingClientRect();
    return [view.x + ((e.clientX - r.left) / r.width) * view.w,
            view.y + ((e.clientY - r.top) / r.height) * view.h];
  }
  svg.addEventListener("wheel", (e) => {
    e.preventDefault();
    const [cx, cy] = toView(e);
    zoom(e.deltaY < 0 ? 0.8 : 1.25, cx, cy);
  }, { passive: false });
  let drag = null;
  svg.addEventListener("mousedown", (e) => { drag = { x: e.clientX, y: e.clientY }; });
  window.addEventListener("mouseup", () => { drag = null; });
  svg.addEventListener("mousemove", (e) => {
    if (!drag) return;
    const r = svg.getBoundingClientRect();
    view.x -= ((e.clientX - drag.x) / r.width) * view.w;
    view.y -= ((e.clientY - drag.y) / r.height) * view.h;
    drag = { x: e.clientX, y: e.clientY };
    set();
  });
  const controls = h("div", { class: "zoom-controls" },
    h("button", { type: "button", id: "zoom-in", onclick: () => zoom(0.7, view.x + view.w / 2, view.y + view.h / 2) }, "+"),
    " ",
    h("button", { type: "button", id: "zoom-out", onclick: () => zoom(1.4, view.x + view.w / 2, view.y + view.h / 2) }, "−"),
    " ",
    h("button", { type: "button", id: "zoom-reset", onclick: () => { Object.assign(view, vb); set(); } }, "إعادة"));
  return controls;
}

function goldsteinColor(g) {
  if (g === null || g === undefined) return "#888";
  const t = Math.max(-1, Math.min(1, g / 10));
  // red (conflict) - grey - green (cooperation)
  const mix = (a, b, k) => Math.round(a + (b - a) * k);
  return t < 0 ? `rgb(${mix(150, 200, -t)},${mix(150, 50, -t)},${mix(150, 50, -t)})`
    : `rgb(${mix(150, 40, t)},${mix(150, 150, t)},${mix(150, 70, t)})`;
}

// -- pages: network ------------------------------------------------------------------------
async function pageNetwork(_arg, params) {
  app.append(h("h1", {}, "شبكة الفاعلين"), filterForm("network", params));
  const f = apiFilters(params);
  const net = await api("/api/network", { ...f, limit: 200 });
  const card = h("div", { class: "card" });
  app.append(card);
  const detail = h("div", { class: "card", id: "edge-events" });
  if (!net.edges.length) { card.append(empty("لا أحداث بين فاعلين")); return; }
  const box = layout(net.nodes, net.edges);
  const byId = Object.fromEntries(net.nodes.map((n) => [n.id, n]));
  const svg = s("svg", { id: "network", role: "img", "aria-label": "شبكة الفاعلين",
    class: "tall" });
  svg.append(s("defs", {}, s("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5,
    markerWidth: 7, markerHeight: 7, markerUnits: "userSpaceOnUse", orient: "auto" },
    s("path", { d: "M0,0L10,5L0,10z", fill: "#777" }))));
  const maxW = Math.max(...net.edges.map((e) => e.weight));
  for (const e of net.edges) {
    const a = byId[e.source], b = byId[e.target];
    if (!a || !b) continue;
    // stop the line at the target's circle so the arrow head shows
    const len = Math.max(Math.hypot(b.x - a.x, b.y - a.y), 1e-3);
    const rb = 5 + Math.sqrt(b.events) * 2;
    const x2 = b.x - ((b.x - a.x) / len) * rb, y2 = b.y - ((b.y - a.y) / len) * rb;
    const line = s("line", { x1: a.x, y1: a.y, x2, y2, class: "edge",
      stroke: goldsteinColor(e.goldstein), "stroke-width": 1 + 5 * Math.sqrt(e.weight / maxW),
      "marker-end": "url(#arrow)", "data-source": e.source, "data-target": e.target },
      s("title", {}, `${a.name} ← ${b.name}: ${e.weight} أحداث، غولدستاين ${e.goldstein == null ? "—" : e.goldstein.toFixed(1)}`));
    line.addEventListener("click", async () => {
      clear(detail).append(h("h2", {}, `${a.name} ← ${b.name}`));
      await eventTable(detail, { ...f, source: e.source, target: e.target });
    });
    svg.append(line);
  }
  for (const n of net.nodes) {
    const r = 4 + Math.sqrt(n.events) * 2;  // (5 + ... above leaves a gap for the arrow)
    const g = s("g", { class: "node", "data-id": n.id, transform: `translate(${n.x},${n.y})` },
      s("circle", { r, fill: "#0f5e9c", "fill-opacity": 0.8, stroke: "#fff" },
        s("title", {}, `${n.name} ${n.code || ""} · ${n.events}`)),
      s("text", { class: "node-label", x: r + 2, y: 4 }, n.name));
    g.addEventListener("dblclick", () => go("actor/" + enc(n.id)));
    g.addEventListener("click", () => go("actor/" + enc(n.id)));
    svg.append(g);
  }
  const controls = zoomable(svg, box);
  card.append(h("p", { class: "muted" }, "سماكة الخط = عدد الأحداث، لونه = متوسط مقياس غولدستاين (أحمر صراع، أخضر تعاون). انقر خطاً لعرض أحداثه، ونقطةً لصفحة الفاعل. عجلة الفأرة للتكبير."),
    controls, svg);
  app.append(detail);
}

// a small force layout in the manner of d3-force (many-body repulsion, springs on edges,
// a pull to the centre), run to rest before drawing; deterministic start on a spiral
function layout(nodes, edges) {
  const n = nodes.length;
  nodes.forEach((d, i) => {
    const r = 10 * Math.sqrt(i + 0.5), a = i * Math.PI * (3 - Math.sqrt(5));
    d.x = r * Math.cos(a); d.y = r * Math.sin(a); d.vx = 0; d.vy = 0;
  });
  const idx = Object.fromEntries(nodes.map((d, i) => [d.id, i]));
  const degree = nodes.map(() => 0);
  const links = edges.map((e) => [idx[e.source], idx[e.target]])
    .filter(([i, j]) => i !== undefined && j !== undefined && i !== j);
  for (const [i, j] of links) { degree[i]++; degree[j]++; }
  let alpha = 1;
  for (let it = 0; it < 300; it++) {
    alpha += (0 - alpha) * 0.0228;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = nodes[j].x - nodes[i].x || 1e-3, dy = nodes[j].y - nodes[i].y || 1e-3;
        const l2 = Math.max(dx * dx + dy * dy, 1);
        const w = (-120 * alpha) / l2;
        nodes[i].vx += dx * w; nodes[i].vy += dy * w;
        nodes[j].vx -= dx * w; nodes[j].vy -= dy * w;
      }
    }
    for (const [i, j] of links) {
      const a = nodes[i], b = nodes[j];
      const dx = b.x + b.vx - a.x - a.vx, dy = b.y + b.vy - a.y - a.vy;
      const l = Math.max(Math.hypot(dx, dy), 1e-3);
      const k = ((l - 50) / l) * alpha / Math.min(degree[i], degree[j]);
      b.vx -= dx * k * 0.5; b.vy -= dy * k * 0.5;
      a.vx += dx * k * 0.5; a.vy += dy * k * 0.5;
    }
    for (const d of nodes) {
      d.vx -= d.x * 0.04 * alpha; d.vy -= d.y * 0.04 * alpha;
      d.vx *= 0.6; d.vy *= 0.6;
      d.x += d.vx; d.y += d.vy;
    }
  }
  const xs = nodes.map((d) => d.x), ys = nodes.map((d) => d.y);
  const x0 = Math.min(...xs) - 60, y0 = Math.min(...ys) - 30;
  return { x: x0, y: y0, w: Math.max(...xs) + 60 - x0, h: Math.max(...ys) + 30 - y0 };
}

// -- pages: map ----------------------------------------------------------------------------
let worldCache = null;
async function pageMap(_arg, params) {
  app.append(h("h1", {}, "خريطة الأحداث"), filterForm("map", params));
  const f = apiFilters(params);
  if (!worldCache) worldCache = await api("/static/world.json");
  const places = (await api("/api/places", f)).items;
  const svg = s("svg", { id: "map", role: "img", "aria-label": "خريطة الأحداث",
    class: "tall" });
  for (const c of worldCache) {
    svg.append(s("path", { d: c.d, class: "country" }, s("title", {}, c.name || "")));
  }
  const max = Math.max(1, ...places.map((p) => p.events));
  const detail = h("div", { class: "card", id: "place-events" });
  for (const p of places) {
    const quads = [1, 2, 3, 4].sort((a, b) => p["q" + b] - p["q" + a]);
    const dot = s("circle", { cx: p.lon + 180, cy: 90 - p.lat, r: 0.8 + 3 * Math.sqrt(p.events / max),
      fill: QCOLOR[quads[0]], "fill-opacity": 0.75, stroke: "#fff", "stroke-width": 0.15,
      class: "place", "data-place": p.place || "" },
      s("title", {}, `${p.place || p.country || ""}: ${p.events} أحداث`));
    dot.addEventListener("click", async () => {
      clear(detail).append(h("h2", {}, `${p.place || p.country || ""} (${p.events})`));
      await eventTable(detail, { ...f, place: p.place || "" });
    });
    svg.append(dot);
  }
  const controls = zoomable(svg, { x: 0, y: 0, w: 360, h: 180 });
  const card = h("div", { class: "card" }, h("p", { class: "muted" },
    `${places.length} أماكن. حجم الدائرة = عدد الأحداث، لونها = الفئة الغالبة. انقر دائرة لعرض أحداثها.`),
  controls, svg);
  if (!places.length) card.append(empty("لا أحداث بأماكن معروفة"));
  app.append(card, detail);
}

// -- pages: search -------------------------------------------------------------------------
async function pageSearch(_arg, params) {
  const q = params.q || "";
  document.getElementById("search-box").value = q;
  app.append(h("h1", {}, "بحث: ", h("span", { id: "search-query" }, q)));
  if (!q.trim()) { app.append(empty("اكتب كلمة في مربع البحث")); return; }
  const list = h("div", { class: "card", id: "search-results" });
  app.append(list);
  await paged(list, (cursor) => api("/api/search", { q, limit: 20, cursor }), (hit) => {
    list.append(h("div", { class: "hit" },
      h("p", {}, h("span", { class: "tag" }, hit.kind === "quote" ? "اقتباس" : "مقال"),
        h("a", { href: "#/article/" + enc(hit.article.id) }, hit.article.headline || hit.article.id),
        h("span", { class: "muted" }, " " + fmtDay(hit.article.published) + " · " + (hit.article.site || "—"))),
      h("p", { class: "snippet" }, snippet(hit))));
  }, "لا نتائج");
}

function snippet(hit) {
  const chars = Array.from(hit.snippet);
  if (!hit.match) return hit.snippet;
  const a = hit.match.start - hit.snippet_start, b = hit.match.end - hit.snippet_start;
  return ["…", chars.slice(0, a).join(""), h("mark", {}, chars.slice(a, b).join("")),
    chars.slice(b).join(""), "…"];
}

// -- start ---------------------------------------------------------------------------------
document.getElementById("search-form").addEventListener("submit", (e) => {
  e.preventDefault();
  go("search", { q: document.getElementById("search-box").value });
});
window.addEventListener("hashchange", route);
api("/api/stats").then((st) => {
  document.getElementById("stats-line").textContent =
    `${st.articles} مقالات · ${st.events} أحداث · ${st.quotes} اقتباسات`;
}).catch(() => {});
route();
