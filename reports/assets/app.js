// The results page: tabs, filters, sorting, details, compare and charts over window.INFERCHECK_DATA.
// Every string from a submission goes in with textContent, never as markup.
(function () {
  "use strict";
  performance.mark("infercheck-data");
  const DATA = window.INFERCHECK_DATA;
  // A result's path as a link below its tree's base, or null: the rules of reports/links.py
  // (site.py nulls such paths already; data.js may come from elsewhere). No scheme (a colon
  // before the first / \ ? #), no leading space, / or \, no control character (the URL parser
  // drops tabs and newlines, "java\tscript:" is a scheme), no ".." segment (%2e is a dot there).
  function relativeLink(path) {
    if (typeof path !== "string" || !path || /[\x00-\x1f\x7f]/.test(path) || /^[ /\\]/.test(path)
      || path.split(/[/\\?#]/, 1)[0].includes(":")
      || path.split(/[/\\]/).some((part) => part.replace(/%2e/gi, ".") === "..")) return null;
    return path;
  }
  // data.js holds each result as a list (see site.py): made objects again, with their links.
  for (const s of DATA.systems) {
    const base = DATA.link_base[s.tree];
    s.results = s.results.map((values) => {
      const r = {};
      DATA.result_keys.forEach((k, i) => { r[k] = values[i]; });
      const path = relativeLink(r.result);
      r.link = base === null || base === undefined || path === null ? null : base + path;
      return r;
    });
  }
  const $ = (id) => document.getElementById(id);
  const SCENARIOS = ["SingleStream", "MultiStream", "Server", "Interactive", "Offline"];
  // A round-sized tab holds thousands of systems: the table draws a page of them at a time and a
  // chart its best bars, so a filter answers at once whatever the site's size.
  const PAGE = 100, BARS = 40;
  const state = { round: DATA.rounds[DATA.rounds.length - 1], tab: null, sort: null, dir: 1, open: new Set(),
    limit: PAGE };
  const searchText = new WeakMap();
  const textOf = (s) => {
    if (!searchText.has(s)) searchText.set(s, JSON.stringify(s).toLowerCase());
    return searchText.get(s);
  };

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }
  // Six significant digits, no exponent, no grouping: 221845, 0.119199, 4145.57.
  const fmt = (v) => (v === null || v === undefined ? ""
    : Number(v).toLocaleString("en-US", { maximumSignificantDigits: 6, useGrouping: false }));

  // A tab is a suite and division ("edge closed"), the open division, the network division, or power;
  // MLPerf Mobile devices have their own tabs ("mobile closed", "mobile open").
  function tabsOf(system) {
    const tabs = [];
    if (system.system_type === "mobile") tabs.push(`mobile ${system.division}`);
    else if (system.division === "closed") {
      for (const suite of ["datacenter", "edge"]) if ((system.system_type || "").includes(suite)) tabs.push(`${suite} closed`);
    } else tabs.push(system.division);
    if (system.results.some((r) => r.power_value)) tabs.push("power");
    return tabs;
  }
  const inRound = () => DATA.systems.filter((s) => s.round === state.round);

  function fillSelect(select, values, keep) {
    const current = select.value;
    select.replaceChildren(...(keep ? [el("option", "all", { value: "" })] : []));
    for (const v of [...new Set(values)].filter((x) => x).sort()) select.appendChild(el("option", v, { value: v }));
    if ([...select.options].some((o) => o.value === current)) select.value = current;
  }

  function visibleSystems() {
    const f = {
      availability: $("f-availability").value, submitter: $("f-submitter").value,
      accelerator: $("f-accelerator").value, processor: $("f-processor").value,
      text: $("f-text").value.trim().toLowerCase(), power: $("f-power").checked,
    };
    return inRound().filter((s) => tabsOf(s).includes(state.tab)
      && (!f.availability || s.availability === f.availability)
      && (!f.submitter || s.submitter === f.submitter)
      && (!f.accelerator || s.accelerator_model_name === f.accelerator)
      && (!f.processor || s.host_processor_model_name === f.processor)
      && (!f.power || s.results.some((r) => r.power_value))
      && (!f.text || textOf(s).includes(f.text)));
  }

  // Column groups: benchmark -> scenario -> metric (value with units; accuracy in open).
  function columnsFor(systems) {
    const seen = new Map();
    for (const s of systems) for (const r of s.results) {
      const key = `${r.model}|${r.scenario}`;
      if (!seen.has(key)) seen.set(key, { model: r.model, scenario: r.scenario,
        units: state.tab === "power" ? r.power_units : r.units, lower: r.lower_is_better });
    }
    return [...seen.values()].filter((c) => c.units).sort((a, b) => a.model.localeCompare(b.model)
      || SCENARIOS.indexOf(a.scenario) - SCENARIOS.indexOf(b.scenario));
  }
  const resultOf = (s, c) => s.results.find((r) => r.model === c.model && r.scenario === c.scenario);
  const valueOf = (r) => (r ? (state.tab === "power" ? r.power_value : r.value) : null);

  function renderTable() {
    const systems = visibleSystems();
    const cols = columnsFor(systems);
    const fixed = [["id", "ID"], ["submitter", "Submitter"], ["system_name", "System"],
      ["availability", "Availability"], ["accelerator_model_name", "Accelerator"]];
    if (state.sort !== null) {
      const key = state.sort;
      const get = (s) => (typeof key === "number" ? valueOf(resultOf(s, cols[key])) : s[key]);
      systems.sort((a, b) => {
        const x = get(a), y = get(b);
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (typeof x === "number" ? x - y : String(x).localeCompare(String(y))) * state.dir;
      });
    }
    const thead = $("results").tHead;
    const top = el("tr"), mid = el("tr"), low = el("tr");
    top.appendChild(el("th", "", { colspan: fixed.length + 1, rowspan: 1 }));
    mid.appendChild(el("th", "", { colspan: fixed.length + 1 }));
    low.appendChild(el("th", ""));
    for (const [key, label] of fixed) low.appendChild(sortHeader(label, key));
    const byModel = new Map();
    cols.forEach((c) => byModel.set(c.model, (byModel.get(c.model) || 0) + 1));
    for (const [model, n] of byModel) top.appendChild(el("th", model, { colspan: n, class: "group" }));
    cols.forEach((c, i) => {
      mid.appendChild(el("th", c.scenario, { class: "group" }));
      low.appendChild(sortHeader(`${c.units}${c.lower && state.tab !== "power" ? " ↓ better" : ""}`, i));
    });
    thead.replaceChildren(top, mid, low);
    const body = $("results").tBodies[0];
    const rows = [];
    for (const s of systems.slice(0, state.limit)) {
      const tr = el("tr", null, { "data-id": s.id, class: "system" });
      const toggle = el("button", state.open.has(s.id) ? "▾" : "▸",
        { class: "expand", "aria-label": "details", "aria-expanded": String(state.open.has(s.id)) });
      toggle.addEventListener("click", () => {
        state.open.has(s.id) ? state.open.delete(s.id) : state.open.add(s.id);
        renderTable();
      });
      const first = el("td");
      first.appendChild(toggle);
      tr.appendChild(first);
      for (const [key] of fixed) tr.appendChild(el("td", s[key]));
      for (const c of cols) {
        const r = resultOf(s, c);
        const td = el("td", null, { class: "num" });
        if (r && valueOf(r) !== null) {
          const a = el("a", fmt(valueOf(r)), r.link ? { href: r.link, title: r.result } : {});
          td.appendChild(a);
          if (r.inferred) td.appendChild(el("sup", "inferred"));
          // The open division publishes the model used and its accuracy beside the number.
          if (s.system_type === "mobile") td.appendChild(el("div", `${r.accuracy_display || fmt(r.accuracy)}`, { class: "open-note" }));
          else if (s.division === "open") td.appendChild(el("div", `${r.benchmark} · acc ${fmt(r.accuracy)}`, { class: "open-note" }));
        }
        tr.appendChild(td);
      }
      rows.push(tr);
      if (state.open.has(s.id)) rows.push(detailsRow(s, fixed.length + cols.length + 1));
    }
    const left = systems.length - state.limit;
    if (left > 0) {
      const tr = el("tr", null, { class: "more" });
      const td = el("td", null, { colspan: fixed.length + cols.length + 1 });
      const more = el("button", `show ${Math.min(left, PAGE)} more (${left} not shown)`, { id: "show-more" });
      more.addEventListener("click", () => { state.limit += PAGE; renderTable(); });
      const all = el("button", "show all", { id: "show-all" });
      all.addEventListener("click", () => { state.limit = Infinity; renderTable(); });
      td.append(more, " ", all);
      tr.appendChild(td);
      rows.push(tr);
    }
    body.replaceChildren(...rows);
    $("count").textContent = left > 0 ? `${systems.length} systems, the first ${state.limit} shown`
      : `${systems.length} systems`;
  }

  function sortHeader(label, key) {
    const th = el("th", label, { class: "sortable", "data-sort": String(key) });
    if (state.sort === key) th.textContent += state.dir > 0 ? " ▲" : " ▼";
    th.addEventListener("click", () => {
      state.dir = state.sort === key ? -state.dir : 1;
      state.sort = key;
      renderTable();
    });
    return th;
  }

  function detailsRow(s, span) {
    const tr = el("tr", null, { class: "details" });
    const td = el("td", null, { colspan: span });
    const dl = el("dl");
    const fields = [["Processor", `${s.host_processor_model_name || ""} × ${s.host_processors_per_node || "?"}`],
      ["Cores per processor", s.host_processor_core_count], ["Accelerator",
        `${s.accelerator_model_name || ""} × ${s.accelerators_per_node ?? "?"}`],
      ["Nodes", s.number_of_nodes], ["Software", s.framework], ["Operating system", s.operating_system],
      ["Notes", s.notes], ["System type", s.system_type], ["Folder", `${s.division}/${s.submitter}/results/${s.system}`]];
    if (s.division === "open") {
      for (const r of s.results) fields.push([`${r.benchmark} ${r.scenario}`,
        `model used: ${r.benchmark} (as ${r.model}); accuracy ${fmt(r.accuracy)}`]);
    }
    for (const [k, v] of fields) { dl.appendChild(el("dt", k)); dl.appendChild(el("dd", v)); }
    td.appendChild(dl);
    // The system's results in every round of the site (the same submitter and system folder).
    const mine = DATA.systems.filter((x) => x.submitter === s.submitter && x.system === s.system)
      .sort((x, y) => x.round.localeCompare(y.round));
    const all = el("table", null, { class: "system-results" });
    const head = el("tr");
    for (const t of ["Round", "Benchmark", "Scenario", "Result", "Power", "Files"]) head.appendChild(el("th", t));
    all.appendChild(head);
    for (const x of mine) for (const r of x.results) {
      const tr = el("tr");
      tr.appendChild(el("td", x.round));
      tr.appendChild(el("td", r.model));
      tr.appendChild(el("td", r.scenario));
      tr.appendChild(el("td", `${fmt(r.value)} ${r.units || ""}`, { class: "num" }));
      tr.appendChild(el("td", r.power_value ? `${fmt(r.power_value)} ${r.power_units || ""}` : "", { class: "num" }));
      const files = el("td");
      if (r.link) files.appendChild(el("a", "files", { href: r.link, title: r.result }));
      tr.appendChild(files);
      all.appendChild(tr);
    }
    td.appendChild(el("h3", `All results of ${s.system_name || s.system} in this site`));
    td.appendChild(all);
    tr.appendChild(td);
    return tr;
  }

  // Efficiency where power was measured: throughput per watt, or samples per joule for the
  // latency scenarios (whose power result is energy per query).
  function efficiency(r) {
    if (!r || !r.power_value) return null;
    if (r.lower_is_better) {
      const joules = r.power_value * (r.power_units === "millijoules" ? 1e-3 : 1);
      return (r.scenario === "MultiStream" ? 8 : 1) / joules;
    }
    return r.value / r.power_value;
  }
  const label = (s) => `${s.round} ${s.id} ${s.submitter} ${s.system_name || s.system}`;

  // plotly.js (nearly 5 MB) is read once the table is painted, not before: reading it first
  // would hold the first paint back by a second on a cold start. What draws a chart waits for it.
  const waiting = [];
  function withPlotly(draw) {
    if (window.Plotly) draw();
    else waiting.push(draw);
  }
  function loadPlotly() {
    const tag = el("script", null, { src: "assets/plotly.min.js", id: "plotly-js" });
    tag.addEventListener("load", () => { while (waiting.length) waiting.shift()(); });
    document.body.appendChild(tag);
  }
  const PLOT_CONFIG = (file) => ({ responsive: true, displaylogo: false, modeBarButtons: [["toImage"]],
    toImageButtonOptions: { format: "png", filename: file } });
  // A tick label says which system a bar is without widening the chart past a phone's width.
  const short = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
  // plotly reads a subset of HTML in every text of a chart (tick labels, hover text, legend names,
  // titles): <a href> becomes a link, <br>, <b>, <span style> change the text. A string from a
  // tree or a table goes in with < > & as entities, which plotly shows as the characters (it
  // splits the tags first, then decodes the entities of the text between them).
  const plain = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const narrow = () => window.innerWidth < 600;

  // The compare selects list every system of the site: filled once, the list never changes.
  function fillCompareOptions() {
    const systems = [...DATA.systems].sort((x, y) => label(x).localeCompare(label(y)));
    for (const id of ["cmp-a", "cmp-b"]) {
      const sel = $(id);
      sel.replaceChildren(el("option", "—", { value: "" }), ...systems.map((s) => el("option", label(s), { value: s.id })));
    }
  }
  const byId = new Map(DATA.systems.map((s) => [s.id, s]));

  // Two systems of any rounds of the site, side by side: each benchmark and scenario either ran,
  // with B's difference from A in % (for latency and power, lower is better).
  function renderCompare() {
    const a = byId.get($("cmp-a").value), b = byId.get($("cmp-b").value);
    const table = $("compare");
    table.tHead.replaceChildren();
    table.tBodies[0].replaceChildren();
    $("compare-chart").hidden = true;
    if (!a || !b) return;
    const head = el("tr");
    for (const t of ["", `A: ${label(a)}`, `B: ${label(b)}`, "B vs A"]) head.appendChild(el("th", t));
    table.tHead.appendChild(head);
    const keys = new Set([...a.results, ...b.results].map((r) => `${r.model}|${r.scenario}`));
    const rows = [["Round", a.round, b.round, ""], ["Submitter", a.submitter, b.submitter, ""],
      ["Accelerator", a.accelerator_model_name, b.accelerator_model_name, ""],
      ["Processor", a.host_processor_model_name, b.host_processor_model_name, ""]];
    const delta = (x, y) => (x && y ? `${y >= x ? "+" : ""}${fmt((100 * (y - x)) / x)} %` : "");
    // For the chart: B's performance and efficiency as a share of A's, oriented so that above
    // 100 % always means B is better (a latency half of A's is 200 %).
    const shared = { x: [], perf: [], eff: [] };
    for (const key of [...keys].sort()) {
      const [model, scenario] = key.split("|");
      const find = (s) => s.results.find((r) => `${r.model}|${r.scenario}` === key);
      const ra = find(a), rb = find(b), any = ra || rb;
      rows.push([`${model} ${scenario} (${any.units})`, ra ? fmt(ra.value) : "", rb ? fmt(rb.value) : "",
        delta(ra && ra.value, rb && rb.value)]);
      const ea = efficiency(ra), eb = efficiency(rb);
      if ((ra && ra.power_value) || (rb && rb.power_value)) {
        rows.push([`  power (${any.power_units || (ra || rb).power_units})`, ra ? fmt(ra.power_value) : "",
          rb ? fmt(rb.power_value) : "", delta(ra && ra.power_value, rb && rb.power_value)]);
        rows.push([`  efficiency (${any.lower_is_better ? "samples per joule" : `${any.units} per watt`})`,
          fmt(ea), fmt(eb), delta(ea, eb)]);
      }
      if (ra && rb && ra.value && rb.value) {
        shared.x.push(plain(`${model} ${scenario}`));
        shared.perf.push(100 * (any.lower_is_better ? ra.value / rb.value : rb.value / ra.value));
        shared.eff.push(ea && eb ? (100 * eb) / ea : null);
      }
    }
    for (const row of rows) {
      const tr = el("tr");
      row.forEach((c, i) => tr.appendChild(el("td", c, i ? { class: "num" } : {})));
      table.tBodies[0].appendChild(tr);
    }
    if (shared.x.length) withPlotly(() => drawCompare(shared));
  }

  function drawCompare(shared) {
    const div = $("compare-chart");
    div.hidden = false;
    const traces = [{ type: "bar", name: "performance", x: shared.x, y: shared.perf }];
    if (shared.eff.some((v) => v !== null)) traces.push({ type: "bar", name: "efficiency", x: shared.x, y: shared.eff });
    window.Plotly.newPlot(div, traces, {
      title: { text: "B as a share of A<br><sub>A = 100 %; above 100 %, B is better</sub>" },
      barmode: "group", height: 380, margin: { t: 70 },
      xaxis: { automargin: true, tickangle: narrow() ? -60 : "auto" },
      yaxis: { title: { text: "% of A" }, rangemode: "tozero", automargin: true },
      shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: 100, y1: 100, line: { dash: "dot", width: 1 } }],
      legend: { orientation: "h", y: -0.3 },
    }, PLOT_CONFIG("compare"));
    div.dataset.drawn = "true";
  }

  // A chart per benchmark and scenario of the tab, drawn when it scrolls into view: a round
  // holds dozens, and the page answers a filter without drawing the ones nobody looks at.
  const specs = new WeakMap();
  const observer = "IntersectionObserver" in window ? new IntersectionObserver((entries) => {
    for (const e of entries) if (e.isIntersecting) { observer.unobserve(e.target); withPlotly(() => drawChart(e.target)); }
  }, { rootMargin: "300px 0px" }) : null;

  function renderCharts() {
    const box = $("charts");
    box.replaceChildren();
    const normalise = $("normalise").checked, log = $("logscale").checked;
    const systems = visibleSystems();
    let spans = false;
    for (const c of columnsFor(systems)) {
      const points = systems.map((s) => ({ s, r: resultOf(s, c) })).filter((p) => p.r && valueOf(p.r) !== null);
      if (!points.length) continue;
      // Best first: highest throughput, lowest latency (or power).
      const lower = c.lower || state.tab === "power";
      const scaled = (p) => {
        const v = valueOf(p.r), n = Number(p.s.accelerators_per_node) * Number(p.s.number_of_nodes || 1);
        return normalise && !c.lower && n > 0 ? v / n : v;
      };
      points.sort((x, y) => (lower ? scaled(x) - scaled(y) : scaled(y) - scaled(x)));
      const values = points.map(scaled).filter((v) => v > 0);
      const decades = values.length ? Math.log10(Math.max(...values) / Math.min(...values)) : 0;
      spans = spans || decades >= 1;
      const div = el("div", null, { class: "chart", "data-chart": `${c.model} ${c.scenario}`,
        "data-decades": decades.toFixed(1), "data-points": String(points.length) });
      specs.set(div, { c, lower, normalise, log, points: points.slice(0, BARS).map((p) => ({ s: p.s, r: p.r, y: scaled(p) })),
        total: points.length });
      box.appendChild(div);
      if (observer) observer.observe(div);
      else withPlotly(() => drawChart(div));
    }
    // The log switch matters where values span decades; it is offered only then.
    $("logscale-label").hidden = !spans;
  }

  function drawChart(div) {
    const spec = specs.get(div);
    if (!spec || !div.isConnected) return;
    const { c, lower, normalise, log, points, total } = spec;
    const better = lower ? "lower is better" : "higher is better";
    const submitters = [...new Set(points.map((p) => p.s.submitter))];
    const traces = submitters.map((sub) => {
      const mine = points.filter((p) => p.s.submitter === sub);
      return { type: "bar", name: plain(sub), x: mine.map((p) => plain(p.s.id)), y: mine.map((p) => p.y),
        hovertext: mine.map((p) => plain(`${p.s.submitter} ${p.s.system_name || p.s.system}`)) };
    });
    const eff = points.filter((p) => efficiency(p.r) !== null);
    const effName = c.lower ? "samples per joule" : "per watt";
    if (eff.length) traces.push({ type: "scatter", mode: "markers", name: effName, yaxis: "y2",
      x: eff.map((p) => plain(p.s.id)), y: eff.map((p) => efficiency(p.r)) });
    // An ID holds the round, which a table may spell with markup too; the hover shows it.
    const ids = points.map((p) => plain(p.s.id));
    const phone = narrow();
    const shown = total > points.length ? `, the best ${points.length} of ${total}` : "";
    window.Plotly.newPlot(div, traces, {
      // Two short lines rather than one long one: a long title is cut at a phone's width.
      title: { text: `${plain(c.model)} ${plain(c.scenario)}<br><sub>${plain(c.units)}, ${better}${shown}</sub>` },
      barmode: "group", height: 400, margin: { t: 70, l: 10, r: 10 },
      xaxis: { type: "category", categoryorder: "array", categoryarray: ids, automargin: true,
        tickmode: "array", tickvals: ids, tickangle: phone ? -90 : "auto",
        ticktext: points.map((p) => plain(short(`${p.s.system_name || p.s.system}`, phone ? 18 : 28))) },
      yaxis: { title: { text: plain(normalise && !c.lower ? `${c.units} per accelerator` : c.units) },
        type: log ? "log" : "linear", rangemode: "tozero", automargin: true },
      yaxis2: { overlaying: "y", side: "right", title: { text: effName }, rangemode: "nonnegative",
        type: log ? "log" : "linear", automargin: true },
      legend: phone ? { orientation: "h", y: -0.6 } : {},
    }, PLOT_CONFIG(`${c.model}-${c.scenario}`));
    div.dataset.drawn = "true";
  }

  // The best results of each benchmark and scenario of the tab, as filtered.
  function renderTop() {
    const box = $("top");
    box.replaceChildren();
    const systems = visibleSystems();
    for (const c of columnsFor(systems)) {
      const lower = c.lower || state.tab === "power";
      const ranked = systems.map((s) => ({ s, r: resultOf(s, c) })).filter((p) => p.r && valueOf(p.r) !== null)
        .sort((x, y) => (lower ? valueOf(x.r) - valueOf(y.r) : valueOf(y.r) - valueOf(x.r))).slice(0, 5);
      if (!ranked.length) continue;
      const withPower = ranked.some((p) => efficiency(p.r) !== null);
      const table = el("table", null, { class: "top", "data-top": `${c.model} ${c.scenario}` });
      const caption = el("caption", `${c.model} ${c.scenario}: ${c.units} (${lower ? "lower" : "higher"} is better)`);
      table.appendChild(caption);
      const head = el("tr");
      for (const t of ["#", "System", "Submitter", c.units, ...(withPower ? ["Efficiency"] : [])]) head.appendChild(el("th", t));
      table.appendChild(head);
      ranked.forEach((p, i) => {
        const tr = el("tr");
        tr.appendChild(el("td", i + 1, { class: "num" }));
        tr.appendChild(el("td", `${p.s.id} ${p.s.system_name || p.s.system}`));
        tr.appendChild(el("td", p.s.submitter));
        tr.appendChild(el("td", fmt(valueOf(p.r)), { class: "num" }));
        if (withPower) tr.appendChild(el("td", fmt(efficiency(p.r)), { class: "num" }));
        table.appendChild(tr);
      });
      box.appendChild(table);
    }
  }

  function renderTabs() {
    const systems = inRound();
    const tabs = [...new Set(systems.flatMap(tabsOf))];
    const order = ["edge closed", "datacenter closed", "open", "network", "power", "mobile closed", "mobile open"];
    tabs.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    if (!tabs.includes(state.tab)) state.tab = tabs[0];
    $("tabs").replaceChildren(...tabs.map((t) => {
      const b = el("button", t, { role: "tab", "aria-selected": String(t === state.tab), "data-tab": t });
      b.addEventListener("click", () => { state.tab = t; state.sort = null; render(); });
      return b;
    }));
    fillSelect($("f-availability"), systems.map((s) => s.availability), true);
    fillSelect($("f-submitter"), systems.map((s) => s.submitter), true);
    fillSelect($("f-accelerator"), systems.map((s) => s.accelerator_model_name), true);
    fillSelect($("f-processor"), systems.map((s) => s.host_processor_model_name), true);
  }

  // A filter redraws the table, the ranking and the charts' frames; the charts themselves draw
  // when seen.
  function refilter() { state.limit = PAGE; renderTable(); renderTop(); renderCharts(); }
  function render() { renderTabs(); refilter(); }

  fillSelect($("round"), DATA.rounds, false);
  $("round").value = state.round;
  $("round").addEventListener("change", () => { state.round = $("round").value; state.tab = null; render(); });
  for (const id of ["f-availability", "f-submitter", "f-accelerator", "f-processor", "f-power"]) {
    $(id).addEventListener("change", refilter);
  }
  for (const id of ["normalise", "logscale"]) $(id).addEventListener("change", renderCharts);
  $("f-text").addEventListener("input", refilter);
  for (const id of ["cmp-a", "cmp-b"]) $(id).addEventListener("change", renderCompare);
  // The table first, painted; then what lies below it. The marks time both (benchmarks/).
  renderTabs();
  renderTable();
  performance.mark("infercheck-table");
  requestAnimationFrame(() => setTimeout(() => {
    performance.mark("infercheck-first-paint");
    loadPlotly();
    renderTop();
    renderCharts();
    fillCompareOptions();
    performance.mark("infercheck-ready");
  }, 0));
})();
