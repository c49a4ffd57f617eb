// projner view: draws the pairs held in #projner-data. Data only ever reaches the page through
// textContent, attributes and style properties (never as markup), so any token shows as text.
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("projner-data").textContent);
  const pairs = DATA.pairs, types = DATA.types, kinds = DATA.kinds;
  const SVG = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  // --- colours: one per entity type, the same on both lines and in every page of a run ---------
  const HUES = new Map([["PER", 212], ["ORG", 28], ["LOC", 140], ["MISC", 280], ["DATE", 330],
    ["GPE", 170], ["NORP", 55], ["FAC", 0], ["EVENT", 245], ["PRODUCT", 95]]);
  function hue(name) {
    if (HUES.has(name)) return HUES.get(name);
    let h = 7;
    for (const c of name) h = (h * 31 + c.codePointAt(0)) % 360;
    return h;
  }
  const colours = types.map((t) => {
    const h = hue(t);
    return { bg: `hsl(${h} 85% 93%)`, b: `hsl(${h} 50% 58%)`, fg: `hsl(${h} 65% 28%)`, gc: `hsl(${h} 70% 45%)` };
  });
  function paint(e, t) {
    const c = colours[t];
    e.style.setProperty("--bg", c.bg);
    e.style.setProperty("--b", c.b);
    e.style.setProperty("--fg", c.fg);
  }
  const pct = (x) => (x === null || x === undefined ? "–" : (100 * x).toFixed(1));

  // --- what each pair offers to the filters, computed once -------------------------------------
  const typeIndex = new Map(types.map((t, i) => [t, i]));
  const facts = pairs.map((p) => {
    const present = new Set();
    for (const key of ["se", "te", "g"]) for (const e of p[key] || []) present.add(e[2]);
    let min = Infinity;
    for (const e of p.te || []) if (e[3] !== null && e[3] < min) min = e[3];
    return { reasons: p.r ? p.r.split("+") : [], types: present, kinds: new Set((p.d || []).map((d) => d[0])), min };
  });
  let texts = null;
  function searchText(i) {
    if (texts === null) {
      texts = pairs.map((p) => {
        const s = p.s || [];
        return [p.i, s.join(" "), p.t.join(" "), s.join(""), p.t.join("")].join("\n").toLowerCase();
      });
    }
    return texts[i];
  }

  // --- state, kept in the address's #fragment so a filtered view can be shared -----------------
  const state = { reason: "", type: "", gold: "", below: null, q: "", page: 1, size: DATA.page_size, links: false };
  (function readHash() {
    const h = new URLSearchParams(location.hash.slice(1));
    for (const key of ["reason", "type", "gold", "q"]) if (h.has(key)) state[key] = h.get(key);
    if (h.has("below") && h.get("below") !== "" && !isNaN(Number(h.get("below")))) state.below = Number(h.get("below"));
    if (h.has("page")) state.page = Math.max(1, parseInt(h.get("page"), 10) || 1);
    if (h.has("size")) state.size = Math.max(1, parseInt(h.get("size"), 10) || DATA.page_size);
    state.links = h.get("links") === "1";
  })();
  function writeHash() {
    const h = new URLSearchParams();
    for (const key of ["reason", "type", "gold", "q"]) if (state[key]) h.set(key, state[key]);
    if (state.below !== null) h.set("below", String(state.below));
    if (state.page > 1) h.set("page", String(state.page));
    if (state.size !== DATA.page_size) h.set("size", String(state.size));
    if (state.links) h.set("links", "1");
    try { history.replaceState(null, "", "#" + h.toString()); } catch (err) { /* some file: views refuse */ }
  }

  const FILTERS = ["reason", "type", "gold", "below", "q"];
  function passes(i, name) {
    const f = facts[i];
    switch (name) {
      case "reason": return !state.reason || (state.reason === "-" ? f.reasons.length === 0 : f.reasons.includes(state.reason));
      case "type": return !state.type || f.types.has(typeIndex.get(state.type));
      case "gold":
        if (!state.gold) return true;
        if (state.gold === "agrees") return f.kinds.size === 0;
        if (state.gold === "disagrees") return f.kinds.size > 0;
        return f.kinds.has(kinds.indexOf(state.gold));
      case "below": return state.below === null || f.min < state.below;
      case "q": return !state.q || searchText(i).includes(state.q.toLowerCase());
    }
    return true;
  }

  // Options of the select filters: [value, text]; counts are added to the text on each update.
  const reasonsSeen = [...new Set(facts.flatMap((f) => f.reasons))].sort();
  const OPTIONS = {
    reason: [["", "all"], ["-", "none (complete)"], ...reasonsSeen.map((r) => [r, r])],
    type: [["", "all"], ...types.map((t) => [t, t])],
    gold: [["", "all"], ["agrees", "agrees"], ["disagrees", "disagrees"], ...kinds.map((k) => [k, k])],
  };
  // The options each pair counts under, per select filter (fixed, so computed once, when first needed).
  let keys = null;
  function optionKeys(i) {
    if (keys === null) {
      keys = facts.map((f) => ({
        reason: ["", ...(f.reasons.length ? f.reasons : ["-"])],
        type: ["", ...[...f.types].map((t) => types[t])],
        gold: ["", f.kinds.size ? "disagrees" : "agrees", ...[...f.kinds].map((k) => kinds[k])],
      }));
    }
    return keys[i];
  }

  // Each filter's counts are over the pairs every *other* filter keeps, so a count says what
  // choosing that option would show.
  function compute() {
    const shown = [];
    const counts = { reason: new Map(), type: new Map(), gold: new Map(), below: 0, q: 0 };
    for (let i = 0; i < pairs.length; i++) {
      let failing = 0, failed = -1;
      for (let k = 0; k < FILTERS.length && failing < 2; k++) {
        if (!passes(i, FILTERS[k])) { failing += 1; failed = k; }
      }
      if (failing > 1) continue;
      if (failing === 0) {
        shown.push(i);
        counts.below += 1;
        counts.q += 1;
      }
      const own = optionKeys(i);
      for (let k = 0; k < 3; k++) {
        if (failing === 1 && failed !== k) continue;
        const tally = counts[FILTERS[k]];
        for (const key of own[FILTERS[k]]) tally.set(key, (tally.get(key) || 0) + 1);
      }
    }
    return { shown, counts };
  }

  function fillSelect(name, counts) {
    const select = $("f-" + name);
    const options = OPTIONS[name];
    if (select.options.length !== options.length) {
      select.replaceChildren(...options.map(([value]) => { const o = el("option"); o.value = value; return o; }));
    }
    options.forEach(([value, text], k) => {
      const option = select.options[k];
      option.textContent = `${text} (${counts.get(value) || 0})`;
      option.dataset.count = String(counts.get(value) || 0);
    });
    select.value = state[name];
  }

  // --- one pair: words, entities, gold marks; links drawn on demand ---------------------------
  const views = new Map();
  const layouts = DATA.languages;

  // `number`: which source entity (1, 2, ...) a span is joined to, shown where a pair has several.
  function entityLabel(type, notes, score, number) {
    const lab = el("span", "lab", types[type]);
    if (number) lab.append(el("sup", "num", number));
    if (score !== null && score !== undefined && score < 1) lab.append(el("span", "score", score.toFixed(2)));
    for (const note of notes) lab.append(el("span", "note", note));
    return lab;
  }

  function buildLine(words, layout, spans, side, gold) {
    const line = el("div", "line " + side + (layout && layout.spaces === false ? " nospace" : ""));
    line.setAttribute("dir", layout ? layout.dir : "auto");
    if (layout && layout.code) {
      line.setAttribute("lang", layout.code);
      line.dataset.language = layout.code;
    }
    const separator = layout && layout.spaces === false ? "\u200b" : " ";
    const wordEls = new Array(words.length);
    const entities = [];
    const starts = new Map();
    let end = 0;
    for (const s of [...spans].sort((a, b) => a.start - b.start)) {
      if (s.start >= end && s.end <= words.length) { starts.set(s.start, s); end = s.end; }
    }
    function word(j) {
      const w = el("span", "w", words[j]);
      w.dataset.side = side;
      w.dataset.index = String(j);
      if (gold && gold[j] !== undefined) {
        w.classList.add("gold");
        w.style.setProperty("--gc", colours[gold[j]].gc);
        w.title = `word ${j}, gold ${types[gold[j]]}`;
      } else {
        w.title = `word ${j}`;
      }
      wordEls[j] = w;
      return w;
    }
    for (let j = 0; j < words.length;) {
      const s = starts.get(j);
      if (s) {
        const box = el("span", "ent " + s.cls);
        paint(box, s.type);
        box.dataset.side = side;
        box.dataset.type = types[s.type];
        box.dataset.entity = String(entities.length);
        for (let k = s.start; k < s.end; k++) box.append(word(k), separator);
        box.append(entityLabel(s.type, s.notes, s.score, s.number));
        line.append(box, separator);
        entities.push({ box, span: s });
        j = s.end;
      } else {
        line.append(word(j), separator);
        j += 1;
      }
    }
    return { line, wordEls, entities };
  }

  function renderPair(i) {
    const p = pairs[i];
    const article = el("article", "pair");
    article.dataset.index = String(i);
    article.dataset.id = p.i;
    const head = el("div", "pair-head");
    head.append(el("span", "pid", "#" + p.i));
    if (p.r) {
      const b = el("span", "badge reason", "dropped: " + p.r);
      b.title = "an entity of this sentence got no span: " + p.r;
      head.append(b);
    }
    const te = p.te || [], se = p.se || [], g = p.g || [], d = p.d || [];
    if (DATA.has_gold) {
      if (d.length === 0) head.append(el("span", "badge agrees", "agrees with gold"));
      const byKind = new Map();
      for (const x of d) byKind.set(x[0], (byKind.get(x[0]) || 0) + 1);
      for (const [k, n] of [...byKind].sort((a, b) => a[0] - b[0])) head.append(el("span", "badge kind", `${n} ${kinds[k]}`));
    }
    const lines = el("div", "lines");
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "links");
    const allLinks = document.createElementNS(SVG, "g"), hoverLinks = document.createElementNS(SVG, "g");
    svg.append(allLinks, hoverLinks);
    lines.append(svg);

    const joined = new Set(te.map((e) => e[4]));
    let source = null;
    if (p.s) {
      const spans = se.map((e, k) => ({
        start: e[0], end: e[1], type: e[2], ref: k, score: joined.has(k) ? e[3] : null,
        cls: joined.has(k) ? "" : "unprojected", notes: joined.has(k) ? [] : ["not projected"],
        number: se.length > 1 ? k + 1 : null,
      }));
      source = buildLine(p.s, layouts.source, spans, "src", null);
      lines.append(source.line);
    }
    const notes = te.map(() => []);
    const missed = [];
    for (const [k, predicted, goldIndex] of d) {
      const kind = kinds[k];
      if (kind === "missed") missed.push(goldIndex);
      else if (kind === "wrong type") notes[predicted].push(`${kind}: gold ${types[g[goldIndex][2]]}`);
      else if (kind === "wrong boundary") notes[predicted].push(`${kind}: gold ${g[goldIndex][0]}–${g[goldIndex][1] - 1}`);
      else notes[predicted].push(kind);
    }
    const spans = te.map((e, k) => ({
      start: e[0], end: e[1], type: e[2], ref: k, joined: e[4], score: e[3], notes: notes[k],
      cls: notes[k].length ? "wrong" : "", number: se.length > 1 && e[4] !== null ? e[4] + 1 : null,
    }));
    for (const goldIndex of missed) {
      const e = g[goldIndex];
      spans.push({ start: e[0], end: e[1], type: e[2], ref: null, joined: null, score: null, notes: ["missed"], cls: "missed" });
    }
    const goldOf = DATA.has_gold ? {} : null;
    for (const e of g) for (let j = e[0]; j < e[1]; j++) goldOf[j] = e[2];
    const target = buildLine(p.t, layouts.target, spans, "tgt", goldOf);
    if (!p.s) target.line.classList.add("alone");
    lines.append(target.line);
    article.append(head, lines);
    views.set(article, { p, source, target, lines, allLinks, hoverLinks });
    return article;
  }

  // --- links ----------------------------------------------------------------------------------
  function linksWhere(p, keep) {
    const found = [];
    const l = p.l || [];
    for (let k = 0; k < l.length; k += 2) if (keep(l[k], l[k + 1])) found.push([l[k], l[k + 1]]);
    return found;
  }
  function draw(view, group, links, cls) {
    const base = view.lines.getBoundingClientRect();
    for (const [i, j] of links) {
      const a = view.source.wordEls[i].getBoundingClientRect(), b = view.target.wordEls[j].getBoundingClientRect();
      const x1 = a.left + a.width / 2 - base.left, y1 = a.bottom - base.top;
      const x2 = b.left + b.width / 2 - base.left, y2 = b.top - base.top;
      const bend = Math.max(12, Math.abs(y2 - y1) / 2);
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", `M${x1.toFixed(1)} ${y1.toFixed(1)} C${x1.toFixed(1)} ${(y1 + bend).toFixed(1)} ${x2.toFixed(1)} ${(y2 - bend).toFixed(1)} ${x2.toFixed(1)} ${y2.toFixed(1)}`);
      if (cls) path.setAttribute("class", cls);
      group.append(path);
    }
  }
  function drawAll() {
    for (const view of views.values()) {
      view.allLinks.replaceChildren();
      if (state.links && view.source) draw(view, view.allLinks, linksWhere(view.p, () => true), "");
    }
  }

  let hovered = null;
  function clearHover() {
    if (!hovered) return;
    hovered.view.hoverLinks.replaceChildren();
    for (const e of hovered.marked) e.classList.remove("hl");
    hovered = null;
  }
  function hover(view, target) {
    const side = target.dataset.side;
    const box = target.closest(".ent");
    const marked = [];
    let keep;
    if (box) {
      const entity = (side === "src" ? view.source : view.target).entities[Number(box.dataset.entity)];
      const s = entity.span;
      marked.push(box);
      if (side === "src") {
        keep = (i) => i >= s.start && i < s.end;
        for (const t of view.target.entities) if (t.span.joined === s.ref && t.span.ref !== null) marked.push(t.box);
      } else {
        keep = (i, j) => j >= s.start && j < s.end;
        if (view.source && s.joined !== null && s.joined !== undefined) {
          const from = view.source.entities.find((x) => x.span.ref === s.joined);
          if (from) marked.push(from.box);
        }
      }
    } else {
      const index = Number(target.dataset.index);
      keep = side === "src" ? (i) => i === index : (i, j) => j === index;
      marked.push(target);
    }
    if (!view.source) { hovered = { view, marked: [] }; return; }
    const links = linksWhere(view.p, keep);
    const boxes = marked.filter((e) => e.classList.contains("ent"));
    for (const [i, j] of links) {
      for (const w of [view.source.wordEls[i], view.target.wordEls[j]]) {
        if (!boxes.some((b) => b.contains(w)) && !marked.includes(w)) marked.push(w);
      }
    }
    for (const e of marked) e.classList.add("hl");
    draw(view, view.hoverLinks, links, "on");
    hovered = { view, marked };
  }
  $("pairs").addEventListener("mouseover", (event) => {
    const target = event.target.closest(".w, .ent");
    const article = event.target.closest(".pair");
    const view = article && views.get(article);
    if (!view || !target) { clearHover(); return; }
    const key = target.closest(".ent") || target;
    if (hovered && hovered.key === key) return;
    clearHover();
    hover(view, target);
    hovered.key = key;
  });
  $("pairs").addEventListener("mouseleave", clearHover);

  // --- the run's header -------------------------------------------------------------------------
  function card(title, ...children) {
    const c = el("section", "card");
    c.append(el("h2", "", title), ...children);
    return c;
  }
  function params(list) {
    if (!list || !list.length) return el("span");
    const details = el("details");
    details.append(el("summary", "", list.length === 1 ? "1 parameter" : `${list.length} parameters`));
    const dl = el("dl");
    for (const [k, v] of list) dl.append(el("dt", "", k), el("dd", "", v));
    details.append(dl);
    return details;
  }
  function table(head, rows) {
    const t = el("table");
    const tr = el("tr");
    for (const h of head) tr.append(el("th", "", h));
    t.append(tr);
    for (const row of rows) {
      const r = el("tr");
      for (const cell of row) { const td = el("td"); td.append(cell instanceof Node ? cell : document.createTextNode(String(cell))); r.append(td); }
      t.append(r);
    }
    return t;
  }
  function swatch(t) {
    const span = el("span");
    const s = el("span", "swatch");
    paint(s, typeIndex.get(t));
    span.append(s, document.createTextNode(t));
    return span;
  }
  function renderHeader() {
    const src = layouts.source, tgt = layouts.target;
    const dataset = DATA.source_dataset || {};
    const languages = src ? `${src.name || "?"} → ${tgt.name || "?"}` : (tgt.name || "");
    const title = [DATA.task, dataset.pretty_name || dataset.name, languages].filter(Boolean).join(" · ");
    $("title").textContent = title;
    document.title = "projner view · " + title;
    const where = [`split ${DATA.split}`, pairs.length === 1 ? "1 pair" : `${pairs.length.toLocaleString("en")} pairs`];
    if (DATA.config) where.unshift(`config ${DATA.config}`);
    if (DATA.created) where.push(`made ${DATA.created}`);
    if (DATA.projner_version) where.push(`projner ${DATA.projner_version}`);
    if (DATA.label_map.length) where.push(`label map ${DATA.label_map.join(", ")}`);
    if (DATA.others.length) where.push(`also in the folder: ${DATA.others.join(", ")}`);
    $("subtitle").textContent = where.join(" · ");

    const cards = [];
    const perType = (DATA.scores && DATA.scores.per_type) || {};
    if (DATA.scores) {
      const s = DATA.scores;
      const body = [el("div", "big", `F1 ${pct(s.f1)}`), el("div", "sub", `precision ${pct(s.precision)} · recall ${pct(s.recall)}`)];
      if (DATA.baseline) body.push(el("div", "sub", `${DATA.baseline.name}: F1 ${pct(DATA.baseline.scores.f1)}`));
      if (DATA.gold) body.push(el("div", "sub", `against ${DATA.gold}`));
      cards.push(card("scores (seqeval strict)", ...body));
      cards[cards.length - 1].classList.add("scores");
    } else if (DATA.no_gold_reason) {
      cards.push(card("scores", el("div", "sub", "no gold: " + DATA.no_gold_reason)));
    }
    const counts = DATA.type_counts;
    const head = ["type"];
    if (DATA.has_source) head.push("source", "projected", "not projected");
    else head.push("predicted");
    if (DATA.has_gold) head.push("gold");
    if (Object.keys(perType).length) head.push("F1");
    const rows = types.map((t) => {
      const c = counts[t] || {};
      const row = [swatch(t)];
      if (DATA.has_source) row.push(c.source || 0, c.projected || 0, c.unprojected || 0);
      else row.push(c.projected || 0);
      if (DATA.has_gold) row.push(c.gold || 0);
      if (Object.keys(perType).length) row.push(perType[t] ? pct(perType[t].f1) : "–");
      return row;
    });
    cards.push(card("entities by type", table(head, rows)));
    if (DATA.method) cards.push(card("method", el("div", "big", DATA.method.name), params(DATA.method.params)));
    if (DATA.aligner) cards.push(card("aligner", el("div", "big", DATA.aligner.name), params(DATA.aligner.params)));
    if (DATA.models.length) {
      cards.push(card("models", ...DATA.models.map((m) =>
        el("div", "", `${m.role}: ${m.id}` + (m.revision ? ` @ ${m.revision.slice(0, 10)}` : " (no revision recorded)")))));
    }
    const st = DATA.statistics || {};
    const reasons = new Map();
    for (const f of facts) for (const r of f.reasons) reasons.set(r, (reasons.get(r) || 0) + 1);
    const body = [];
    if (st.input_sentences !== undefined) body.push(el("div", "", `${st.input_sentences} in, ${st.sentences} published`));
    const left = Object.entries(st.dropped || {});
    if (left.length) body.push(el("div", "sub", "left out: " + left.map(([r, n]) => `${r} ${n}`).join(", ")));
    if (reasons.size) body.push(el("div", "sub", "on this page: " + [...reasons].sort().map(([r, n]) => `${r} ${n}`).join(", ")));
    if (!left.length && !reasons.size) body.push(el("div", "sub", "every entity projected"));
    cards.push(card("dropped reasons", ...body));
    $("cards").replaceChildren(...cards);

    const legend = $("legend");
    const items = [
      "coloured box: entity, same colour per type on both lines; hover a word or entity to see its links and its source entity",
      "dashed box on the source line: entity that got no span",
    ];
    if (DATA.has_gold) items.push("bar under a target word: gold entity (its type's colour)", "red ring: disagrees with gold; red dashed box: gold entity missed");
    legend.replaceChildren(...items.map((t) => el("span", "item", t)));
  }

  // --- filters, pages, drawing ----------------------------------------------------------------
  function render(first) {
    const { shown, counts } = compute();
    for (const name of ["reason", "type", "gold"]) fillSelect(name, counts[name]);
    $("c-below").textContent = state.below === null ? "" : `keeps ${counts.below}`;
    $("c-below").dataset.count = String(counts.below);
    $("c-text").textContent = state.q ? `keeps ${counts.q}` : "";
    $("c-text").dataset.count = String(counts.q);
    const pages = Math.max(1, Math.ceil(shown.length / state.size));
    state.page = Math.min(state.page, pages);
    const start = (state.page - 1) * state.size, end = Math.min(shown.length, start + state.size);
    clearHover();
    views.clear();
    const main = $("pairs");
    main.replaceChildren(...shown.slice(start, end).map(renderPair));
    if (!shown.length) main.append(el("div", "empty", "No pair passes these filters."));
    const status = $("status");
    status.dataset.shown = String(shown.length);
    status.dataset.total = String(pairs.length);
    status.textContent = shown.length
      ? `Pairs ${start + 1}–${end} of ${shown.length.toLocaleString("en")}` + (shown.length < pairs.length ? ` (the filters keep ${shown.length.toLocaleString("en")} of ${pairs.length.toLocaleString("en")})` : "")
      : `No pairs (of ${pairs.length.toLocaleString("en")})`;
    $("page-of").textContent = `page ${state.page} of ${pages}`;
    $("prev").disabled = state.page <= 1;
    $("next").disabled = state.page >= pages;
    if (!first) writeHash();
    drawAll();
  }

  renderHeader();
  if (!DATA.has_gold) $("gold-filter").hidden = true;
  const size = $("f-size");
  if (![...size.options].some((o) => Number(o.value) === state.size)) {
    const o = el("option", "", state.size);
    size.append(o);
  }
  size.value = String(state.size);
  $("f-below").value = state.below === null ? "" : String(state.below);
  $("f-text").value = state.q;
  $("f-links").checked = state.links;
  for (const name of ["reason", "type", "gold"]) {
    $("f-" + name).addEventListener("change", (e) => { state[name] = e.target.value; state.page = 1; render(); });
  }
  $("f-below").addEventListener("input", (e) => {
    const v = e.target.value.trim();
    state.below = v === "" || isNaN(Number(v)) ? null : Number(v);
    state.page = 1;
    render();
  });
  let typing = 0;
  $("f-text").addEventListener("input", (e) => {
    clearTimeout(typing);
    typing = setTimeout(() => { state.q = e.target.value.trim(); state.page = 1; render(); }, 150);
  });
  size.addEventListener("change", (e) => { state.size = Number(e.target.value); state.page = 1; render(); });
  $("f-links").addEventListener("change", (e) => { state.links = e.target.checked; writeHash(); drawAll(); });
  $("prev").addEventListener("click", () => { state.page -= 1; render(); window.scrollTo(0, 0); });
  $("next").addEventListener("click", () => { state.page += 1; render(); window.scrollTo(0, 0); });
  let resizing = 0;
  window.addEventListener("resize", () => { clearTimeout(resizing); resizing = setTimeout(drawAll, 100); });

  render(true);
  void document.body.offsetHeight; // lay the first page out before taking the time
  const ms = performance.now();
  document.documentElement.dataset.firstPageMs = ms.toFixed(1);
  $("status").append(el("span", "sub", ` · first page drawn ${Math.round(ms)} ms after opening`));
})();
