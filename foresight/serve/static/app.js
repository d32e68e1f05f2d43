/* foresight serve: the pages' script. Everything from the store arrives as JSON and goes in as text (textContent,
   attributes set one by one), never as markup; every request goes to this server. Each page keeps its state in its
   URL (history.replaceState), so a view can be bookmarked and shared. */
"use strict";

const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
  "#9c755f", "#bab0ac", "#8cd17d", "#86bcb6"];
/* how many nodes of a map are named by default (the largest); the others on hover */
const LABELLED = 40;
/* a map label's size on screen, in pixels */
const LABEL_PX = 13;
/* ... and its widest line, in label sizes (about 25 characters) */
const LABEL_WIDTH = 14;
/* ... within these sizes on the canvas (zoomed very far out or in, labels shrink or grow after all) */
const LABEL_MIN = 2;
const LABEL_MAX = 120;
const KINDS = ["DrivingForce", "Signal", "Shift", "Outlook", "Concern", "Behavior", "Technology", "Issue", "Topic",
  "Keyword", "Theme"];

/* ----- small helpers ------------------------------------------------------------------------------------------ */

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = String(value);
    else if (name === "className") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function params() { return new URLSearchParams(window.location.search); }

function keepState(values) {
  const url = new URL(window.location.href);
  url.search = "";
  for (const [name, value] of Object.entries(values)) {
    for (const one of [].concat(value)) {
      if (one !== null && one !== undefined && one !== "") url.searchParams.append(name, one);
    }
  }
  window.history.replaceState(null, "", url);
}

async function api(path, query) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    for (const one of [].concat(value)) {
      if (one !== null && one !== undefined && one !== "") url.searchParams.append(name, one);
    }
  }
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
  if (!response.ok) throw new Error(body.error || `the server answered ${response.status}`);
  return body;
}

function status(text) { document.getElementById("status").textContent = text || ""; }

function showError(where, error) {
  where.replaceChildren(el("p", { className: "error", text: error.message || String(error) }));
}

function scanLine(scan) {
  if (!scan) return null;
  const parts = [scan.title || scan.iri, scan.date || "undated"];
  const line = el("span", { className: "source" }, parts.join(" · "));
  if (scan.article) line.append(" · ", el("a", { href: scan.article, rel: "noopener noreferrer", target: "_blank",
    text: "article" }));
  if (scan.file) line.append(" · ", el("span", { text: scan.file }));
  return line;
}

function conceptLink(iri, label) { return el("a", { href: `/concept?iri=${encodeURIComponent(iri)}`, text: label }); }

function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

/* ----- search as you type ------------------------------------------------------------------------------------- */

function searchPage(main) {
  const box = el("input", { type: "search", className: "big", id: "search", placeholder: "Search concepts, " +
    "signals, driving forces, topics…", autocomplete: "off", "aria-label": "search", value: params().get("q") || "" });
  const list = el("ul", { className: "results", id: "results" });
  const note = el("p", { className: "muted", id: "search-note" });
  main.append(el("h1", { text: "Search" }), box, note, list);
  let asked = 0;
  const run = debounce(async () => {
    const text = box.value.trim();
    keepState({ q: text });
    const mine = ++asked;
    if (!text) { list.replaceChildren(); note.textContent = ""; return; }
    try {
      const found = await api("/api/search", { q: text, limit: 15 });
      if (mine !== asked) return;
      note.textContent = found.matches.length ? `${found.matches.length} matches` :
        (found.suggestions.length ? `no match; close names: ${found.suggestions.join("; ")}` : "no match");
      list.replaceChildren(...found.matches.map((match) => el("li", {},
        el("span", { className: "type", text: match.type }), " ", conceptLink(match.iri, match.label),
        match.matched !== match.label ? el("span", { className: "muted", text: ` · “${match.matched}”` }) : null,
        match.rows > 1 ? el("span", { className: "muted", text: ` · ${match.rows} rows match` }) : null,
        el("div", {}, match.scan ? scanLine(match.scan) : null))));
    } catch (error) { showError(list, error); }
  }, 120);
  box.addEventListener("input", run);
  box.addEventListener("keydown", (event) => {
    const first = list.querySelector("a");
    if (event.key === "Enter" && first) window.location.href = first.getAttribute("href");
  });
  box.focus();
  if (box.value) run();
}

/* ----- a concept's profile ------------------------------------------------------------------------------------ */

function monthChart(months) {
  const entries = Object.entries(months || {});
  if (!entries.length) return el("p", { className: "muted", text: "no dated articles" });
  const ns = "http://www.w3.org/2000/svg";
  const width = Math.max(240, entries.length * 18), height = 110, top = Math.max(...entries.map(([, n]) => n));
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "chart");
  svg.setAttribute("width", width);
  svg.setAttribute("height", height + 24);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "articles by month");
  entries.forEach(([month, count], number) => {
    const bar = document.createElementNS(ns, "rect");
    const tall = Math.max(2, (count / top) * height);
    bar.setAttribute("x", number * 18 + 2);
    bar.setAttribute("y", height - tall);
    bar.setAttribute("width", 14);
    bar.setAttribute("height", tall);
    const tip = document.createElementNS(ns, "title");
    tip.textContent = `${month}: ${count}`;
    bar.append(tip);
    svg.append(bar);
    if (number % 3 === 0) {  // a label every third bar: each is about as wide as three
      const label = document.createElementNS(ns, "text");
      label.setAttribute("x", number * 18);
      label.setAttribute("y", height + 14);
      label.textContent = month;
      svg.append(label);
    }
  });
  return svg;
}

function profile(record) {
  const box = el("section", { className: "profile" });
  const articles = record.articles !== null && record.articles !== undefined ? `${record.articles} articles` : "";
  box.append(el("p", { className: "type", text: record.type }), el("h1", { text: record.label }),
    el("p", { className: "muted" }, [articles, record.first ? `first seen ${record.first}` : "",
      record.last ? `last seen ${record.last}` : ""].filter(Boolean).join(" · ")));
  const tags = el("p", { id: "tags" });
  for (const category of record.steep || []) tags.append(el("span", { className: "tag", text: `STEEP: ${category}` }));
  for (const topic of record.topics || []) {
    tags.append(el("span", { className: "tag" }, "topic: ", conceptLink(topic.iri, topic.label)));
  }
  box.append(tags, el("p", { className: "row" },
    el("a", { className: "button quiet", href: `/map?focus=${encodeURIComponent(record.iri)}`, text: "Map" }),
    el("a", { className: "button quiet", href: `/paths?from=${encodeURIComponent(record.label)}`,
      text: "Pathways from here" })));
  if (record.description) box.append(el("p", { text: record.description }));
  if (record.alt_labels && record.alt_labels.length) {
    box.append(el("h2", { text: "Wordings" }), el("p", { text: record.alt_labels.join(" · ") }));
  }
  box.append(el("h2", { text: "Articles by month" }), monthChart(record.months));
  const texts = record.texts && record.texts.length ? record.texts :
    [{ label: record.label, description: record.description, scan: record.scan, line: record.line }];
  box.append(el("h2", { text: `Named in ${texts.length} scan${texts.length === 1 ? "" : "s"}` }));
  const said = el("div", { id: "articles" });
  for (const text of texts) {
    const where = scanLine(text.scan);
    if (where && text.line) where.append(`, line ${text.line}`);
    said.append(el("blockquote", { className: "quote" }, el("div", { text: text.description ?
      `${text.label}: ${text.description}` : text.label }), where));
  }
  box.append(said, el("h2", { text: "Neighbours by relation" }));
  const relations = Object.entries(record.relations || {});
  if (!relations.length) box.append(el("p", { className: "muted", text: "no links" }));
  for (const [name, others] of relations) {
    box.append(el("h3", { text: `${name} (${others.length})` }));
    const list = el("ul", { className: "results" });
    for (const other of others.slice(0, 50)) {
      list.append(el("li", {}, el("span", { className: "type", text: other.type }), " ",
        conceptLink(other.iri, other.label),
        el("div", { className: "evidence", text: `${other.hop.method || ""} ${Number(other.hop.score).toFixed(2)}: ` +
          `${other.hop.evidence || ""}` }), other.hop.scan ? el("div", { className: "evidence" },
          scanLine(other.hop.scan)) : null));
    }
    if (others.length > 50) list.append(el("li", { className: "muted", text: `and ${others.length - 50} more` }));
    box.append(list);
  }
  return box;
}

async function conceptPage(main) {
  const query = params();
  const text = query.get("iri") || query.get("name");
  if (!text) { main.append(el("p", { text: "Open a concept from the search page." })); return; }
  status("loading…");
  try {
    const found = await api("/api/concept", query.get("iri") ? { iri: text } : { name: text });
    main.replaceChildren();
    if (found.note) main.append(el("p", { className: "muted", text: found.note }));
    for (const record of found.nodes) main.append(profile(record));
    if (found.count > found.nodes.length) {
      main.append(el("p", { className: "muted", text: `${found.count - found.nodes.length} more nodes share the name` }));
    }
    document.title = `foresight · ${found.nodes.length ? found.nodes[0].label : "concept"}`;
  } catch (error) { showError(main, error); }
  status("");
}

/* ----- the pathway finder ------------------------------------------------------------------------------------- */

function pathway(record, labels) {
  const box = el("div", { className: "pathway" });
  const where = record.scans.length === 1 ? scanLine(record.scans[0]) :
    el("span", { className: "source", text: `evidence from ${record.scans.length} scans` });
  box.append(el("div", {}, el("strong", { text: `${record.rank}. ` }),
    `${record.hops.length} hops · strength ${Number(record.strength).toFixed(2)} · `, where));
  box.append(el("div", { className: "hop" }, conceptLink(record.nodes[0].iri, record.nodes[0].label)));
  for (const hop of record.hops) {
    box.append(el("div", { className: "hop" },
      el("span", { className: "rel", text: hop.forward ? `→ ${hop.relation} →` : `← ${hop.relation} ←` }), " ",
      hop.forward ? null : el("span", { className: "against", text: "(walked against the link) " }),
      conceptLink(hop.to, labels[hop.to] || hop.to),
      el("div", { className: "evidence", text: `${hop.method} ${Number(hop.score).toFixed(2)}: ${hop.evidence}` +
        (hop.support ? ` · named together in ${hop.support} articles` : "") }),
      hop.scan ? el("div", { className: "evidence" }, scanLine(hop.scan)) : null));
  }
  return box;
}

function pathsPage(main) {
  const query = params();
  const from = el("input", { type: "text", id: "from", value: query.get("from") || "", required: true,
    placeholder: "e.g. generative AI" });
  const to = el("input", { type: "text", id: "to", value: query.get("to") || "", required: true,
    placeholder: "e.g. misinformation" });
  const hops = el("select", { id: "max-hops" }, [1, 2, 3, 4, 5, 6].map((n) => el("option", { value: n, text: n })));
  hops.value = query.get("max_hops") || "4";
  const via = el("select", { id: "via" }, el("option", { value: "", text: "any" }),
    KINDS.slice(0, 8).map((kind) => el("option", { value: kind, text: kind })));
  via.value = query.get("via") || "";
  const out = el("div", { id: "pathways" });
  const form = el("form", { className: "row", id: "paths-form" },
    el("label", { className: "field" }, "from", from), el("label", { className: "field" }, "to", to),
    el("label", { className: "field" }, "through", via), el("label", { className: "field" }, "max hops", hops),
    el("button", { type: "submit", text: "Find pathways" }));
  main.append(el("h1", { text: "Pathways" }), form, out);
  async function run() {
    keepState({ from: from.value, to: to.value, max_hops: hops.value, via: via.value });
    out.replaceChildren(el("p", { className: "muted", text: "searching…" }));
    try {
      const found = await api("/api/paths", { from: from.value, to: to.value, max_hops: hops.value, via: via.value,
        k: 5 });
      const labels = {};
      for (const record of found.pathways) for (const node of record.nodes) labels[node.iri] = node.label;
      out.replaceChildren(...found.notes.map((note) => el("p", { className: "muted", text: note })));
      if (!found.pathways.length) {
        out.append(el("p", { text: `no pathway of at most ${found.max_hops} hops` }));
      }
      for (const record of found.pathways) out.append(pathway(record, labels));
    } catch (error) { showError(out, error); }
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  if (from.value && to.value) run();
}

/* ----- the map -------------------------------------------------------------------------------------------------- */

function mapPage(main) {
  const query = params();
  const state = { focus: query.getAll("focus"), expand: query.getAll("expand"), hops: query.get("hops") || "1",
    color: query.get("color") || "type", size: query.get("size") || "articles",
    hideTypes: new Set(query.getAll("hide")), hideRelations: new Set(query.getAll("hiderel")),
    until: query.get("until") || "", labels: query.get("labels") || "auto" };
  const controls = el("div", { className: "map-controls" });
  const canvas = el("div", { id: "network" });
  main.append(el("div", { className: "map-layout" }, controls, canvas));
  const find = el("input", { type: "search", id: "map-search", placeholder: "focus on…", autocomplete: "off" });
  const picks = el("ul", { className: "results", id: "map-picks" });
  controls.append(el("fieldset", {}, el("legend", { text: "Focus" }), find, picks));
  find.addEventListener("input", debounce(async () => {
    if (!find.value.trim()) { picks.replaceChildren(); return; }
    const found = await api("/api/search", { q: find.value, limit: 8 });
    picks.replaceChildren(...found.matches.filter((m) => m.type !== "Scan").map((match) => el("li", {},
      el("a", { href: `/map?focus=${encodeURIComponent(match.iri)}`, text: match.label }))));
  }, 150));
  if (!state.focus.length) {
    canvas.append(el("p", { className: "muted", text: "Pick a node to map: search above, or open a concept and " +
      "press Map." }));
    return;
  }
  const hops = el("select", { id: "hops" }, ["1", "2", "3"].map((n) => el("option", { value: n, text: n })));
  hops.value = state.hops;
  const colour = el("select", { id: "color-by" }, [["type", "type"], ["topic", "topic"], ["steep", "STEEP"],
    ["first", "first seen (year)"]].map(([value, text]) => el("option", { value, text })));
  colour.value = state.color;
  const size = el("select", { id: "size-by" }, [["articles", "articles"], ["degree", "links (degree centrality)"],
    ["none", "all alike"]].map(([value, text]) => el("option", { value, text })));
  size.value = state.size;
  const labels = el("select", { id: "labels" }, [["auto", `the ${LABELLED} largest`], ["all", "all"],
    ["none", "none (hover)"]].map(([value, text]) => el("option", { value, text })));
  labels.value = state.labels;
  const slider = el("input", { type: "range", id: "time", min: 0, max: 0, value: 0, step: 1 });
  const sliderText = el("span", { id: "time-text", className: "muted" });
  const typeBox = el("div", { id: "type-filters" });
  const relationBox = el("div", { id: "relation-filters" });
  const legend = el("div", { id: "legend" });
  const counts = el("p", { id: "counts", className: "muted" });
  const png = el("button", { type: "button", id: "export-png", className: "quiet", text: "Export PNG" });
  const html = el("a", { id: "export-html", className: "button quiet", text: "Export HTML" });
  controls.append(
    el("fieldset", {}, el("legend", { text: "View" }), el("label", {}, "hops out ", hops),
      el("label", {}, "colour by ", colour), el("label", {}, "size by ", size), el("label", {}, "labels ", labels)),
    el("fieldset", {}, el("legend", { text: "First seen up to" }), slider, sliderText),
    el("fieldset", {}, el("legend", { text: "Types" }), typeBox),
    el("fieldset", {}, el("legend", { text: "Relations" }), relationBox),
    el("fieldset", {}, el("legend", { text: "Legend" }), legend),
    counts, el("p", { className: "row" }, png, html),
    el("p", { className: "muted", text: "Click a node to expand it; double-click to open its profile." }));

  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  let months = [];
  const visible = (node) => !state.hideTypes.has(node.type) && (!state.until || !node.first ||
    node.first <= state.until || node.focus);
  const nodeView = new vis.DataView(nodes, { filter: visible });
  const edgeView = new vis.DataView(edges, { filter: (edge) => !state.hideRelations.has(edge.relation) });
  const network = new vis.Network(canvas, { nodes: nodeView, edges: edgeView }, {
    nodes: { shape: "dot", font: { size: LABEL_PX, strokeWidth: 4, strokeColor: "#ffffff" },
      widthConstraint: { maximum: LABEL_PX * LABEL_WIDTH }, scaling: { min: 8, max: 40, label: { enabled: false } } },
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.5 } }, color: { color: "#9aa5b4", highlight: "#2457a6" },
      smooth: false, font: { size: 10, strokeWidth: 3, align: "middle" } },
    physics: { solver: "forceAtlas2Based", forceAtlas2Based: { gravitationalConstant: -70, springLength: 110,
      avoidOverlap: 0.4 }, stabilization: { iterations: 300, fit: true } },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: true },
  });
  const map = { network, nodes, edges, state, settled: false, laying: false, labelSize: LABEL_PX };
  // laid out once per load or expansion, then still: the view fits what is shown, with room for the labels
  network.on("stabilizationIterationsDone", () => {
    if (!map.laying) return;
    map.laying = false;
    network.setOptions({ physics: false });
    keepPlaces(); // a node hidden by a filter comes back where it was
    fit();
    map.settled = true;
  });
  // the places of the nodes shown, kept in their data (vis-network's storePositions fails on a filtered view)
  function keepPlaces() {
    const places = network.getPositions(nodeView.getIds());
    nodes.update(Object.entries(places).map(([id, place]) => ({ id, x: place.x, y: place.y })));
  }
  function settle() {
    if (!nodeView.length) { map.settled = true; return; } // nothing shown to lay out
    map.settled = false;
    map.laying = true;
    network.setOptions({ physics: true });
    network.stabilize(300);
  }
  // labels keep one size on screen, whatever the zoom (a fitted hub would shrink them below reading)
  function readable() {
    const size = Math.min(LABEL_MAX, Math.max(LABEL_MIN, LABEL_PX / network.getScale()));
    if (Math.abs(size - map.labelSize) < 0.05 * map.labelSize) return;
    map.labelSize = size;
    network.setOptions({ nodes: { font: { size }, widthConstraint: { maximum: size * LABEL_WIDTH } } });
  }
  network.on("zoom", readable);
  function fit() {
    network.fit({ animation: false });
    network.moveTo({ scale: network.getScale() * 0.92 });
    readable();
  }

  function key(record) {
    if (state.color === "first") return record.first ? record.first.slice(0, 4) : "undated";
    return record[state.color] || "none";
  }
  function restyle() {
    const keys = [...new Set(nodes.get().map(key))].sort();
    const colourOf = Object.fromEntries(keys.map((name, number) => [name, PALETTE[number % PALETTE.length]]));
    // labels that stay readable: by default only the largest nodes, the focus and the nodes expanded are named
    const measure = (node) => (state.size === "none" ? node.articles || 0 : node[state.size] || 0);
    const shown = nodeView.get();
    const named = new Set(state.labels === "all" ? nodes.getIds() : state.labels === "none" ? [] :
      [...shown.filter((n) => n.focus || state.expand.includes(n.id)).map((n) => n.id),
        ...shown.sort((a, b) => measure(b) - measure(a)).slice(0, LABELLED).map((n) => n.id)]);
    nodes.update(nodes.get().map((node) => ({ id: node.id, label: named.has(node.id) ? node.name : " ",
      color: { background: colourOf[key(node)],
      border: node.focus ? "#1d2430" : colourOf[key(node)] }, borderWidth: node.focus ? 3 : 1,
      value: state.size === "none" ? 1 : Math.max(1, node[state.size] || 1) })));
    legend.replaceChildren(...keys.map((name, number) => el("div", {},
      el("span", { className: `legend-swatch swatch-${number % PALETTE.length}` }), name)));
  }
  function filters() {
    const types = [...new Set(nodes.get().map((n) => n.type))].sort();
    typeBox.replaceChildren(...types.map((type) => {
      const box = el("input", { type: "checkbox", value: type, checked: !state.hideTypes.has(type) });
      box.addEventListener("change", () => { box.checked ? state.hideTypes.delete(type) : state.hideTypes.add(type);
        refit(); });
      return el("label", {}, box, ` ${type}`);
    }));
    const relations = [...new Set(edges.get().map((e) => e.relation))].sort();
    relationBox.replaceChildren(...relations.map((relation) => {
      const box = el("input", { type: "checkbox", value: relation, checked: !state.hideRelations.has(relation) });
      box.addEventListener("change", () => {
        box.checked ? state.hideRelations.delete(relation) : state.hideRelations.add(relation); refit(); });
      return el("label", {}, box, ` ${relation}`);
    }));
    months = [...new Set(nodes.get().map((n) => n.first).filter(Boolean))].sort();
    slider.max = String(Math.max(0, months.length - 1));
    slider.value = state.until && months.includes(state.until) ? String(months.indexOf(state.until)) : slider.max;
    sliderText.textContent = months.length ? ` ${months[Number(slider.value)]}` : " no dates";
  }
  function remember() {
    keepState({ focus: state.focus, expand: state.expand, hops: state.hops, color: state.color, size: state.size,
      hide: [...state.hideTypes], hiderel: [...state.hideRelations], until: state.until,
      labels: state.labels === "auto" ? "" : state.labels });
    const link = new URLSearchParams();
    for (const iri of [...state.focus, ...state.expand]) link.append("focus", iri);
    link.set("hops", state.hops);
    const shown = [...new Set(nodes.get().map((n) => n.type))].filter((t) => !state.hideTypes.has(t));
    if (state.hideTypes.size) link.set("types", shown.join(","));
    html.setAttribute("href", `/export/map.html?${link}`);
  }
  function refit() {
    if (map.settled) keepPlaces();
    nodeView.refresh();
    edgeView.refresh();
    restyle(); // the labels go to the largest of the nodes now shown
    // a node shown for the first time (hidden by the URL's filters when the map was laid out) has no place yet
    if (!map.laying && nodeView.get().some((node) => node.x === undefined)) settle();
    const shownNodes = new Set(nodeView.getIds());
    const shownEdges = edgeView.get().filter((e) => shownNodes.has(e.from) && shownNodes.has(e.to));
    counts.textContent = `${shownNodes.size} nodes, ${shownEdges.length} links shown of ${nodes.length} and ` +
      `${edges.length}`;
    fit();
    remember();
  }
  function tooltip(lines) {
    const box = el("div", { className: "tip" });
    for (const line of lines) if (line) box.append(el("div", { text: line }));
    return box;
  }
  function merge(found, focus) {
    nodes.update(found.nodes.filter((n) => !nodes.get(n.id) || focus).map((node) => ({ ...node,
      name: node.label.length > 48 ? `${node.label.slice(0, 46)}…` : node.label, label: " ",
      focus: node.focus && focus, title: tooltip([`${node.label} [${node.type}]`, `${node.articles} articles`,
        node.first ? `first seen ${node.first}` : null, node.topic ? `topic: ${node.topic}` : null,
        node.steep ? `STEEP: ${node.steep}` : null]) })));
    edges.update(found.edges.map((edge) => ({ ...edge, id: `${edge.from}|${edge.relation}|${edge.to}`,
      title: tooltip([edge.relation, `${edge.method || ""} ${edge.score === null ? "" : Number(edge.score).toFixed(2)}`,
        edge.evidence, edge.scan ? `${edge.scan.title || edge.scan.iri} · ${edge.scan.date || "undated"}` : null,
        edge.support ? `named together in ${edge.support} articles` : null]) })));
  }
  async function load() {
    status("loading…");
    try {
      nodes.clear(); edges.clear();
      merge(await api("/api/graph", { focus: state.focus, hops: state.hops }), true);
      for (const iri of state.expand) merge(await api("/api/graph", { focus: iri, hops: 1, limit: 60 }), false);
      filters(); refit(); // styled and laid out there: every node is new
      status("");
    } catch (error) { status(""); canvas.replaceChildren(el("p", { className: "error", text: error.message })); }
  }
  network.on("click", async (event) => {
    if (!event.nodes.length) return;
    const iri = event.nodes[0];
    if (state.focus.includes(iri) || state.expand.includes(iri)) return;
    state.expand.push(iri);
    status("expanding…");
    try {
      merge(await api("/api/graph", { focus: iri, hops: 1, limit: 60 }), false);
      filters(); refit(); // styled and laid out again there, the new nodes having no place yet
    } catch (error) { status(error.message); return; }
    status("");
  });
  network.on("doubleClick", (event) => {
    if (event.nodes.length) window.location.href = `/concept?iri=${encodeURIComponent(event.nodes[0])}`;
  });
  hops.addEventListener("change", () => { state.hops = hops.value; load(); });
  colour.addEventListener("change", () => { state.color = colour.value; restyle(); remember(); });
  size.addEventListener("change", () => { state.size = size.value; restyle(); remember(); });
  labels.addEventListener("change", () => { state.labels = labels.value; restyle(); remember(); });
  slider.addEventListener("input", () => {
    const month = months[Number(slider.value)];
    state.until = Number(slider.value) === months.length - 1 ? "" : month;
    sliderText.textContent = month ? ` ${month}` : "";
    refit();
  });
  png.addEventListener("click", () => {
    const picture = canvas.querySelector("canvas");
    const link = el("a", { href: picture.toDataURL("image/png"), download: "foresight-map.png" });
    document.body.append(link);
    link.click();
    link.remove();
  });
  window.foresightMap = map;
  load();
}

/* ----- SPARQL ----------------------------------------------------------------------------------------------------- */

function resultTable(document_) {
  if (typeof document_.boolean === "boolean") return el("p", { text: `ASK: ${document_.boolean}` });
  const names = document_.head.vars;
  const rows = document_.results.bindings;
  return el("table", { className: "data", id: "sparql-table" },
    el("thead", {}, el("tr", {}, names.map((name) => el("th", { text: name })))),
    el("tbody", {}, rows.map((row) => el("tr", {}, names.map((name) => el("td", { text: row[name] ?
      row[name].value : "" }))))));
}

async function queriesPage(main) {
  const text = el("textarea", { id: "query", spellcheck: "false", "aria-label": "SPARQL query" });
  text.value = params().get("query") || "SELECT ?concept ?articles WHERE {\n  ?c a skos:Concept ; skos:prefLabel " +
    "?concept ; fs:articleCount ?articles .\n} ORDER BY DESC(?articles) LIMIT 20";
  const format = el("select", { id: "format" }, [["application/sparql-results+json", "table"],
    ["text/csv", "CSV"], ["text/tab-separated-values", "TSV"], ["application/sparql-results+xml", "XML"],
    ["text/turtle", "Turtle (CONSTRUCT)"], ["application/ld+json", "JSON-LD (CONSTRUCT)"]]
    .map(([value, label]) => el("option", { value, text: label })));
  const run = el("button", { type: "submit", text: "Run" });
  const out = el("div", { id: "sparql-out" });
  const saved = el("ul", { className: "results", id: "saved" });
  const form = el("form", { id: "sparql-form" }, text, el("p", { className: "row" }, format, run));
  main.append(el("h1", { text: "SPARQL" }), el("p", { className: "muted" }, "The endpoint is ",
    el("code", { text: `${window.location.origin}/sparql` }), ": read-only, the union of all graphs by default, with " +
    "foresight's prefixes (fs:, skos:, prov:, dcterms:, …) declared."), form, out,
  el("h2", { text: "Saved queries" }), saved);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    keepState({ query: text.value });
    out.replaceChildren(el("p", { className: "muted", text: "running…" }));
    const started = performance.now();
    const response = await fetch("/sparql", { method: "POST", headers: { "Content-Type": "application/sparql-query",
      Accept: format.value }, body: text.value });
    const body = await response.text();
    const took = `${Math.round(performance.now() - started)} ms`;
    if (!response.ok) { out.replaceChildren(el("p", { className: "error", text: body })); return; }
    if (format.value === "application/sparql-results+json" && response.headers.get("content-type")
      .startsWith("application/sparql-results+json")) {
      const document_ = JSON.parse(body);
      const count = document_.results ? `${document_.results.bindings.length} rows · ` : "";
      out.replaceChildren(el("p", { className: "muted", text: `${count}${took}` }), resultTable(document_));
    } else {
      out.replaceChildren(el("p", { className: "muted", text: took }), el("pre", { text: body }));
    }
  });
  try {
    const queries = await api("/api/queries");
    saved.replaceChildren(...queries.map((query) => {
      const pick = el("a", { href: "#", text: query.name });
      pick.addEventListener("click", (event) => { event.preventDefault(); text.value = query.query; text.focus(); });
      return el("li", {}, pick, el("div", { className: "muted", text: query.about }));
    }));
  } catch (error) { showError(saved, error); }
}

/* ----- analytics ---------------------------------------------------------------------------------------------- */

function table(id, columns, rows) {
  return el("table", { className: "data", id },
    el("thead", {}, el("tr", {}, columns.map(([name]) => el("th", { text: name })))),
    el("tbody", {}, rows.map((row) => el("tr", {}, columns.map(([, cell]) => {
      const value = cell(row);
      return el("td", {}, value instanceof Node ? value : String(value === null || value === undefined ? "" : value));
    })))));
}

/* the cross-impact matrix: row acts on column, each cell coloured by its CIB score (-3..+3), its net support and
   relations in its tooltip */
function crossImpact(found) {
  const names = found.variables.map((v) => v.concept);
  const iris = found.variables.map((v) => v.iri);
  const relations = new Map(found.cells.map((c) => [`${c.from_iri} ${c.to_iri}`, c]));
  const head = el("tr", {}, el("th", { scope: "col", text: "impact of ↓ on →" }), names.map((name, number) =>
    el("th", { className: "ci-col", scope: "col", title: name, "aria-label": name, text: String(number + 1) })));
  const rows = found.variables.map((variable, i) => el("tr", {},
    el("th", { className: "ci-row", scope: "row" }, `${i + 1}. `, conceptLink(variable.iri, variable.concept)),
    found.cib[i].map((score, j) => {
      if (score === null) return el("td", { className: "ci-self" });
      const cell = relations.get(`${iris[i]} ${iris[j]}`);
      const what = `${names[i]} → ${names[j]}`;
      const why = cell ? `${what}: net ${cell.net} (` + Object.entries(cell.relations)
        .map(([relation, count]) => `${relation} ${count}`).join(", ") + `); CIB ${score}` : `${what}: no link`;
      return el("td", { className: `ci ci${score < 0 ? "n" : "p"}${Math.abs(score)}`, title: why, "aria-label": why,
        text: score ? (score > 0 ? `+${score}` : String(score)) : "" });
    })));
  return [el("p", { className: "muted", text: `${found.what}: the row acts on the column; each cell is the net ` +
    "evidence-backed support (drives, enables, raises, leads to, minus mitigates) on the -3..+3 scale of " +
    "cross-impact balances. Hover a cell for its relations; the CSV for CIB tools: foresight cross-impact --cib." }),
  el("p", { className: "muted ci-legend" }, "scale: ", ...[-3, -2, -1, 1, 2, 3].map((score) => el("span", {
    className: `ci ci${score < 0 ? "n" : "p"}${Math.abs(score)}`, text: score > 0 ? `+${score}` : String(score) })),
  " (negative: mitigates more than it drives)"),
  el("div", { className: "scroll" }, el("table", { className: "data ci-table", id: "cross-impact-table" },
    el("thead", {}, head), el("tbody", {}, rows)))];
}

function scenarioAxes(found, link) {
  const out = [el("p", { className: "muted", text: `among ${found.considered}: impact is indirect influence ` +
    "(MICMAC), uncertainty how often their 10-year outlooks go opposite ways. The poles are the most alike " +
    "outlooks whose wording goes opposite ways (more against less): a shortlist to read, since on the bulk scans " +
    "only about a third of them contradict in substance." })];
  if (!found.axes.length) {
    return [...out, el("p", { id: "axes-none", text: "No axes: too few forces with outlooks to compare." })];
  }
  out.push(table("axes-table", [["", link], ["score", (r) => r.score.toFixed(2)],
    ["impact", (r) => r.impact_scaled.toFixed(2)],
    ["uncertainty", (r) => (r.uncertainty === null ? "" : r.uncertainty.toFixed(2))],
    ["contradicting", (r) => `${r.contradicting_pairs} of ${r.comparable_pairs}`], ["outlooks", (r) => r.outlooks],
    ["articles", (r) => r.articles]], found.axes));
  if (!found.contradicting) {
    out.push(el("p", { text: "No two outlooks of these forces contradict: their uncertainty cannot be told apart." }));
  }
  out.push(el("h3", { text: found.pairs.length ? "The best pairs for a 2×2, each axis between its poles" :
    "No pair of axes" }));
  out.push(el("ol", { id: "axis-pairs" }, found.pairs.map((pair) => el("li", {},
    el("strong", { text: `${pair.first} × ${pair.second}` }),
    el("span", { className: "muted", text: ` score ${pair.score.toFixed(3)}, ${Math.round(100 * pair.overlap)} % ` +
      "of their articles shared" }),
    ...Object.entries(pair.poles).map(([name, ends]) => el("div", { className: "quote" }, el("em", { text: name }),
      ends.length ? el("div", {}, ...ends.flatMap((end, number) => [number ? " ↔ " : "", `“${end.outlook}”`])) :
        el("div", { className: "muted", text: "no contradicting outlooks" })))))));
  return out;
}

function communityYears(found, least) {
  if (!found.communities.length) {
    return [el("p", { id: "communities-none", text: `No communities: no topics named in ${least} or more of a ` +
      "year's articles that are also named together more often than chance; ask for fewer above." })];
  }
  const years = [...new Set([...found.communities, ...found.faded].map((c) => c.year))].sort().reverse();
  return years.map((year, number) => {
    // faded under a year: communities of the year before that nothing in this year continues
    const faded = found.faded.filter((f) => f.year === year).map((f) => f.community);
    const shown = found.communities.filter((c) => c.year === year);
    return el("details", { className: "year", open: number === 0 },
      el("summary", { text: `${year}: ${shown.length} communities` +
        (faded.length ? `, ${faded.length} of the year before not continued` : "") }),
      table(`communities-${year}`, [["community", (c) => c.community], ["topics", (c) => c.size],
        ["articles", (c) => c.articles], ["change", (c) => c.change],
        ["from", (c) => c.from.map((f) => `${f.community} (${f.jaccard.toFixed(2)})`).join("; ")],
        ["leading topics", (c) => el("span", {}, ...c.topics.slice(0, 6).flatMap((label, i) => [i ? ", " : "",
          conceptLink(c.iris[i], label)]))]], shown),
      faded.length ? el("p", { className: "muted", text: `not continued in ${year} (faded): ${faded.join("; ")}` }) :
        "");
  });
}

function analyticsPage(main) {
  const query = params();
  const state = { months: query.get("months") || "12", level: query.get("level") || "topics",
    steep: query.get("steep") || "", top: query.get("top") || "20", cmin: query.get("cmin") || "3" };
  const pick = (id, options, value) => {
    const box = el("select", { id }, options.map(([v, text]) => el("option", { value: v, text })));
    box.value = value;
    return box;
  };
  const months = pick("months", [["6", "6 months"], ["12", "12 months"], ["24", "24 months"]], state.months);
  const level = pick("level", [["topics", "topics"], ["concepts", "concepts"]], state.level);
  const steep = pick("steep", [["", "all"], ...["social", "technological", "economic", "environmental", "political",
    "legal", "values"].map((c) => [c, c])], state.steep);
  const top = pick("top", [["10", "10"], ["20", "20"], ["30", "30"]], state.top);
  const cmin = pick("community-min", ["1", "2", "3", "5", "10"].map((n) => [n, n]), state.cmin);
  const titles = { steep: "STEEP: articles raising each category", emerging: "Emerging and weak signals",
    micmac: "MICMAC of the recurring driving forces", centrality: "Central forces (PageRank over the topic graph)",
    "cross-impact": "Cross-impact of the recurring driving forces",
    axes: "Scenario axes: impact × uncertainty, and the best pairs for a 2×2",
    communities: "Communities of topics, year by year" };
  const parts = Object.fromEntries(Object.keys(titles).map((part) => [part, el("div", { id: `${part}-out` })]));
  const contents = el("p", { className: "muted" }, "Jump to: ", ...Object.keys(titles).flatMap((part, number) => [
    number ? " · " : "", el("a", { href: `#${part}-section`, text: part })]));
  // what each part reads of the controls: a control asks again only the parts that read it
  const reads = { steep: [], emerging: ["months", "level", "steep", "top"], micmac: ["steep", "top"],
    centrality: ["steep", "top"], "cross-impact": ["steep", "top"], axes: ["steep", "top"], communities: ["cmin"] };
  const names = { months: "months", level: "level", steep: "steep", top: "top", cmin: "min_articles" };
  const asked = Object.fromEntries(Object.keys(titles).map((part) => [part, 0]));
  main.append(el("h1", { text: "Analytics" }), el("form", { className: "row", id: "analytics-form" },
    el("label", { className: "field" }, "emerging over", months), el("label", { className: "field" }, "of", level),
    el("label", { className: "field" }, "STEEP", steep), el("label", { className: "field" }, "how many", top)),
  contents, ...Object.entries(titles).flatMap(([part, title]) => [el("h2", { id: `${part}-section`, text: title }),
    part === "communities" ? el("p", { className: "row" }, el("label", { className: "field" },
      "topics named in at least this many of a year's articles (not filtered by STEEP)", cmin)) : "", parts[part]]));
  const link = (row) => conceptLink(row.iri, row.concept || row.topic);
  async function show(part) {
    const out = parts[part];
    const mine = ++asked[part];
    out.dataset.state = "computing";
    out.replaceChildren(el("p", { className: "muted", text: "computing…" }));
    try {
      const query = { part };
      for (const name of reads[part]) query[names[name]] = state[name];
      const found = await api("/api/analytics", query);
      if (mine !== asked[part]) return; // a newer question was asked meanwhile
      out.dataset.state = "done";
      if (part === "steep") {
        out.replaceChildren(el("p", { className: "muted", text: `${found.articles} dated articles; ` +
          `${found.untagged} of ${found.concepts} concepts untagged` }), table("steep-table", [
          ["category", (r) => r.category], ["concepts", (r) => r.concepts], ["articles", (r) => r.articles],
          ["share", (r) => `${(100 * r.share).toFixed(1)} %`],
          ...found.years.map((year) => [year, (r) => r.by_year[year]])], found.categories));
      } else if (part === "emerging") {
        out.replaceChildren(...(found.records.length ? [el("p", { className: "muted", text: `${found.passed} ` +
          `passed in ${found.window[0]} to ${found.window[found.window.length - 1]}` }),
        table("emerging-table", [["", link], ["kind", (r) => r.kind], ["as", (r) => r.category],
          ["score", (r) => r.score.toFixed(2)], ["why", (r) => r.why]], found.records)] :
          [el("p", { id: "emerging-none", text: `Nothing emerging: ${found.empty_because}` })]));
      } else if (part === "micmac") {
        out.replaceChildren(el("p", { className: "muted", text: `${found.what}; ranking ` +
          `${found.stable ? "held from" : "still moving at"} power ${found.power}` }), table("micmac-table", [
          ["", link], ["influence", (r) => r.influence], ["dependence", (r) => r.dependence],
          ["indirect infl.", (r) => r.indirect_influence.toFixed(1)],
          ["indirect dep.", (r) => r.indirect_dependence.toFixed(1)], ["quadrant", (r) => r.quadrant]],
        found.records));
      } else if (part === "centrality") {
        out.replaceChildren(table("centrality-table", [["", link],
          ["PageRank ‰", (r) => (1000 * r.pagerank).toFixed(2)], ["links", (r) => r.degree],
          ["articles", (r) => r.articles]], found.records));
      } else if (part === "cross-impact") {
        out.replaceChildren(...crossImpact(found));
      } else if (part === "axes") {
        out.replaceChildren(...scenarioAxes(found, link));
      } else {
        out.replaceChildren(...communityYears(found, state.cmin));
      }
    } catch (error) {
      if (mine !== asked[part]) return;
      out.dataset.state = "error";
      showError(out, error);
    }
  }
  for (const [name, box] of Object.entries({ months, level, steep, top, cmin })) {
    box.addEventListener("change", () => {
      state[name] = box.value;
      keepState(state);
      for (const part of Object.keys(parts)) if (reads[part].includes(name)) show(part);
    });
  }
  keepState(state);
  for (const part of Object.keys(parts)) show(part);
}

/* ----- start ----------------------------------------------------------------------------------------------------- */

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  for (const link of document.querySelectorAll("nav a")) {
    if (link.dataset.nav === page) link.classList.add("here");
  }
  const main = document.getElementById("main");
  ({ search: searchPage, concept: conceptPage, paths: pathsPage, map: mapPage, queries: queriesPage,
    analytics: analyticsPage })[page](main);
});
