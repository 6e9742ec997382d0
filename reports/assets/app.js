// The results page: tabs, benchmark and scenario pickers, filters, sorting, details, compare and
// charts over window.INFERCHECK_DATA, the view kept in the URL. Every string from a submission goes
// in with textContent, never as markup; every string reaches plotly through plain().
//
// Why not DataTables (as the itables package ships it, itables/html/dt_bundle.js, 620 kB): that
// bundle is an ES module (it ends in `export {...}`), which Chromium refuses to load from file://
// (a module script needs CORS, and a file:// page's origin is null), and the site must open
// offline from its folder; DataTables renders cells as HTML unless each column is given a text
// renderer, where this script only ever sets textContent; and the page's state (tab, benchmark,
// scenario, filters, sort, compared systems in the URL; Top results, charts and Compare from
// the same filtered rows) is wider than a table's own. The table here is ~150 lines, draws a
// page of rows at a time and answers a filter of a 25,000-result site in tens of ms
// (benchmarks/bench_site.py).
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
  const SCENARIOS = ["SingleStream", "MultiStream", "Server", "Interactive", "Offline"];
  const num = (v) => (v === null || v === undefined || v === "" || Number.isNaN(Number(v)) ? null : Number(v));
  // data.js holds each result as a list (see site.py): made objects again, with their links.
  // A row of the page is a system and the model it ran for a benchmark (its folder): an
  // open-division submitter runs several models for one benchmark, each its own row.
  const ROWS = [];
  for (const s of DATA.systems) {
    const base = DATA.link_base[s.tree];
    s.results = s.results.map((values) => {
      const r = {};
      DATA.result_keys.forEach((k, i) => { r[k] = values[i]; });
      const path = relativeLink(r.result);
      r.link = base === null || base === undefined || path === null ? null : base + path;
      return r;
    });
    const nodes = num(s.number_of_nodes) || 1;
    const perNode = num(s.accelerators_per_node);
    s.acc_total = num(s.total_accelerators) || (perNode ? perNode * nodes : null);
    s.proc_total = num(s.host_processors_per_node) ? num(s.host_processors_per_node) * nodes : null;
    s.rows = [];
    const folders = new Map();
    for (const r of s.results) {
      const folder = r.benchmark || r.model;
      if (!folders.has(folder)) folders.set(folder, []);
      folders.get(folder).push(r);
    }
    const perModel = new Map();
    for (const rs of folders.values()) perModel.set(rs[0].model, (perModel.get(rs[0].model) || 0) + 1);
    for (const [folder, rs] of folders) {
      // The model used is named in the open division, and wherever one system ran two for a
      // benchmark.
      const variant = s.division === "open" || perModel.get(rs[0].model) > 1 ? folder : "";
      const row = { s, folder, model: rs[0].model, variant, results: rs,
        key: variant ? `${s.id} ${variant}` : s.id };
      for (const r of rs) r.row = row;
      s.rows.push(row);
      ROWS.push(row);
    }
  }
  const $ = (id) => document.getElementById(id);
  // A round-sized tab holds thousands of rows: the table draws a page of them at a time and a
  // chart its best bars, so a filter answers at once whatever the site's size.
  const PAGE = 100, BARS = 40;
  const FILTERS = { availability: "f-availability", submitter: "f-submitter",
    accelerator_model_name: "f-accelerator", host_processor_model_name: "f-processor" };
  const state = { round: DATA.rounds[DATA.rounds.length - 1], tab: null, bench: "", scen: "", sort: null,
    dir: 1, open: new Set(), limit: PAGE, text: "", power: false, a: "", b: "", f: {} };
  const searchText = new WeakMap();
  const textOf = (row) => {
    if (!searchText.has(row)) {
      const { rows, results, ...rest } = row.s;
      searchText.set(row, `${JSON.stringify(rest)} ${row.folder} ${row.model}`.toLowerCase());
    }
    return searchText.get(row);
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
  const NBSP = "\u00a0";
  const pct = (v) => `${v.toFixed(2)}${NBSP}%`;
  const withUnits = (v, units) => (v === null || v === undefined ? "" : `${fmt(v)}${units ? NBSP + units : ""}`);
  const NONE = new Set(["", "n/a", "na", "-", "none", "null"]);
  const named = (v) => v !== null && v !== undefined && !NONE.has(String(v).trim().toLowerCase());

  // A tab is a suite and division ("edge closed"), the open division, the network division, or power;
  // MLPerf Mobile devices and MLPerf Automotive (adas) systems have their own tabs ("mobile closed",
  // "automotive open"). A closed system of no known type is on the "closed" tab, never on none.
  function tabsOf(system) {
    if (system.tabs) return system.tabs;
    const tabs = [];
    if (system.system_type === "mobile") tabs.push(`mobile ${system.division}`);
    else if (system.suite === "automotive" || system.system_type === "adas") tabs.push(`automotive ${system.division}`);
    else if (system.division === "closed") {
      for (const suite of ["datacenter", "edge"]) if ((system.system_type || "").includes(suite)) tabs.push(`${suite} closed`);
      if (!tabs.length) tabs.push("closed");
    } else tabs.push(system.division);
    if (system.results.some((r) => r.power_value)) tabs.push("power");
    system.tabs = tabs;
    return tabs;
  }
  const inRound = () => DATA.systems.filter((s) => s.round === state.round);
  const inTab = () => inRound().filter((s) => tabsOf(s).includes(state.tab));
  const POWER = () => state.tab === "power";
  // What a column shows of a result: its value, or in the power tab its power.
  const valueOf = (r) => (r ? (POWER() ? r.power_value : r.value) : null);
  const unitsOf = (r) => (r ? (POWER() ? r.power_units : r.units) : "");
  const lowerOf = (r) => POWER() || (r && r.lower_is_better);

  function fillSelect(select, values, wanted) {
    select.replaceChildren(el("option", "all", { value: "" }));
    for (const v of [...new Set(values)].filter((x) => x).sort()) select.appendChild(el("option", v, { value: v }));
    select.value = [...select.options].some((o) => o.value === wanted) ? wanted : "";
    return select.value;
  }
  const rowsOfTab = () => inTab().flatMap((s) => s.rows);
  const resultsOf = (row) => row.results.filter((r) => (!state.scen || r.scenario === state.scen)
    && (!POWER() || r.power_value));

  function visibleRows() {
    const text = state.text.trim().toLowerCase();
    return rowsOfTab().filter((row) => (!state.bench || row.model === state.bench)
      && Object.entries(state.f).every(([k, v]) => !v || row.s[k] === v)
      && (!state.power || row.results.some((r) => r.power_value))
      && (!text || textOf(row).includes(text))
      && resultsOf(row).some((r) => valueOf(r) !== null));
  }

  // The scenario columns: those of the shown rows, in MLPerf's order; with one benchmark
  // picked, each with its units in the header.
  function scenarioColumns(rows) {
    const seen = new Map();
    for (const row of rows) for (const r of resultsOf(row)) {
      if (valueOf(r) === null) continue;
      if (!seen.has(r.scenario)) seen.set(r.scenario, { scenario: r.scenario, units: new Set(), lower: lowerOf(r) });
      seen.get(r.scenario).units.add(unitsOf(r));
    }
    return [...seen.values()].sort((a, b) => SCENARIOS.indexOf(a.scenario) - SCENARIOS.indexOf(b.scenario));
  }
  const resultIn = (row, scenario) => resultsOf(row).find((r) => r.scenario === scenario && valueOf(r) !== null);

  function fixedColumns() {
    const cols = [["id", "ID"], ["submitter", "Submitter"], ["system_name", "System"]];
    if (!state.bench) cols.push(["model", "Benchmark"]);
    if (state.tab.endsWith("open") || rowsOfTab().some((row) => row.variant)) cols.push(["variant", "Model used"]);
    cols.push(["availability", "Availability"], ["accelerator_model_name", "Accelerator"], ["acc_total", "a#"],
      ["number_of_nodes", "Nodes"], ["host_processor_model_name", "Processor"], ["proc_total", "p#"]);
    return cols;
  }
  const fixedValue = (row, key) => (key === "model" || key === "variant" ? row[key] : row.s[key]);
  const NUMERIC = new Set(["acc_total", "number_of_nodes", "proc_total"]);
  // An accelerator the description calls "N/A", "-" or nothing is shown as the panel says it: none.
  const shownValue = (row, key) => (key === "accelerator_model_name" && !named(row.s[key]) ? "none"
    : fixedValue(row, key));

  function renderTable() {
    const rows = visibleRows();
    const cols = scenarioColumns(rows);
    const fixed = fixedColumns();
    if (state.sort !== null) {
      const key = state.sort;
      const scenario = key.startsWith("s:") ? key.slice(2) : null;
      const get = (row) => (scenario ? valueOf(resultIn(row, scenario))
        : NUMERIC.has(key) ? num(fixedValue(row, key)) : fixedValue(row, key));
      rows.sort((a, b) => {
        const x = get(a), y = get(b);
        if (x === null || x === undefined || x === "") return 1;
        if (y === null || y === undefined || y === "") return -1;
        return (typeof x === "number" ? x - y : String(x).localeCompare(String(y))) * state.dir;
      });
    }
    const thead = $("results").tHead;
    const top = el("tr"), low = el("tr");
    top.appendChild(el("th", "", { colspan: fixed.length + 1 }));
    low.appendChild(el("th", ""));
    for (const [key, label] of fixed) low.appendChild(sortHeader(label, key, false));
    if (cols.length) top.appendChild(el("th", state.bench ? `${state.bench}${POWER() ? " (power)" : ""}`
      : (POWER() ? "power per scenario" : "result per scenario"), { colspan: cols.length, class: "group" }));
    for (const c of cols) {
      const units = c.units.size === 1 ? [...c.units][0] : "";
      low.appendChild(sortHeader(`${c.scenario}${units ? ` (${units})` : ""}${c.lower ? " ↓ better" : ""}`, `s:${c.scenario}`, true, c.lower));
    }
    thead.replaceChildren(top, low);
    const body = $("results").tBodies[0];
    const out = [];
    for (const row of rows.slice(0, state.limit)) {
      const s = row.s;
      const tr = el("tr", null, { "data-id": s.id, "data-row": row.key, class: "system" });
      const toggle = el("button", state.open.has(row.key) ? "▾" : "▸",
        { class: "expand", "aria-label": "details", "aria-expanded": String(state.open.has(row.key)) });
      toggle.addEventListener("click", () => {
        state.open.has(row.key) ? state.open.delete(row.key) : state.open.add(row.key);
        renderTable();
      });
      const first = el("td");
      first.appendChild(toggle);
      tr.appendChild(first);
      for (const [key] of fixed) tr.appendChild(el("td", shownValue(row, key), NUMERIC.has(key) ? { class: "num" } : key === "id" ? { class: "id" } : {}));
      for (const c of cols) {
        const r = resultIn(row, c.scenario);
        const td = el("td", null, { class: "num" });
        if (r) {
          const a = el("a", fmt(valueOf(r)), r.link ? { href: r.link, title: r.result, class: "value" } : { class: "value" });
          td.appendChild(a);
          if (c.units.size > 1) td.appendChild(el("span", ` ${unitsOf(r)}`, { class: "unit" }));
          if (r.inferred) td.appendChild(el("sup", "inferred"));
          // The open division publishes the model used and its accuracy beside the number.
          if (s.system_type === "mobile") td.appendChild(el("div", `${r.accuracy_display || fmt(r.accuracy)}`, { class: "open-note" }));
          else if (s.division === "open") td.appendChild(el("div", `acc ${fmt(r.accuracy)}`, { class: "open-note" }));
        }
        tr.appendChild(td);
      }
      out.push(tr);
      if (state.open.has(row.key)) out.push(detailsRow(row, fixed.length + cols.length + 1));
    }
    const left = rows.length - state.limit;
    if (left > 0) {
      const tr = el("tr", null, { class: "more" });
      const td = el("td", null, { colspan: fixed.length + cols.length + 1 });
      const more = el("button", `show ${Math.min(left, PAGE)} more (${left} not shown)`, { id: "show-more" });
      more.addEventListener("click", () => { state.limit += PAGE; renderTable(); });
      const all = el("button", "show all", { id: "show-all" });
      all.addEventListener("click", () => { state.limit = Infinity; renderTable(); });
      td.append(more, " ", all);
      tr.appendChild(td);
      out.push(tr);
    }
    body.replaceChildren(...out);
    const results = rows.reduce((n, row) => n + cols.filter((c) => resultIn(row, c.scenario)).length, 0);
    const systems = new Set(rows.map((row) => row.s.id)).size;
    const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
    const what = `${plural(rows.length, "row")}: ${plural(results, "result")} of ${plural(systems, "system")}`;
    $("count").textContent = left > 0 ? `${what}, the first ${state.limit} shown` : what;
    $("count").dataset.results = String(results);
  }

  // A value column sorts best first on its first click (highest throughput, lowest latency).
  function sortHeader(label, key, value, lower) {
    const th = el("th", label, { class: "sortable", "data-sort": String(key) });
    if (state.sort === key) th.textContent += state.dir > 0 ? " ▲" : " ▼";
    th.addEventListener("click", () => {
      state.dir = state.sort === key ? -state.dir : (value && !lower ? -1 : 1);
      state.sort = key;
      navigate();
    });
    return th;
  }

  const accelerator = (s) => (named(s.accelerator_model_name) && num(s.accelerators_per_node)
    ? `${s.accelerator_model_name} × ${num(s.accelerators_per_node)} per node${s.acc_total ? ` (${s.acc_total} in all)` : ""}`
    : "none");
  const processor = (s) => (named(s.host_processor_model_name)
    ? `${s.host_processor_model_name}${num(s.host_processors_per_node) ? ` × ${num(s.host_processors_per_node)} per node` : ""}` : "not given");
  const systemType = (t) => String(t || "").split(",").map((x) => x.trim()).filter(Boolean).join(" and ");

  function detailsRow(row, span) {
    const s = row.s;
    const tr = el("tr", null, { class: "details" });
    const td = el("td", null, { colspan: span });
    const dl = el("dl");
    const fields = [["Processor", processor(s)], ["Cores per processor", s.host_processor_core_count],
      ["Accelerator", accelerator(s)], ["Nodes", s.number_of_nodes], ["Software", s.framework],
      ["Operating system", s.operating_system], ["Notes", s.notes], ["System type", systemType(s.system_type)],
      ["Folder", `${s.division}/${s.submitter}/results/${s.system}`]];
    if (row.variant) fields.push(["Model used", `${row.variant} for ${row.model}`]);
    for (const [k, v] of fields) {
      if (v === null || v === undefined || v === "") continue;
      dl.appendChild(el("dt", k));
      dl.appendChild(el("dd", v));
    }
    td.appendChild(dl);
    // The system's results in every round of the site (the same submitter and system folder).
    const mine = DATA.systems.filter((x) => x.submitter === s.submitter && x.system === s.system)
      .sort((x, y) => x.round.localeCompare(y.round));
    const all = el("table", null, { class: "system-results" });
    const head = el("tr");
    const open = mine.some((x) => x.division === "open");
    for (const t of ["Round", "Benchmark", ...(open ? ["Model used", "Accuracy"] : []), "Scenario", "Result", "Power", "Files"]) head.appendChild(el("th", t));
    all.appendChild(head);
    for (const x of mine) for (const r of x.results) {
      const line = el("tr");
      line.appendChild(el("td", x.round));
      line.appendChild(el("td", r.model));
      if (open) {
        line.appendChild(el("td", r.row.variant || r.benchmark));
        line.appendChild(el("td", fmt(r.accuracy), { class: "num" }));
      }
      line.appendChild(el("td", r.scenario));
      line.appendChild(el("td", withUnits(r.value, r.units), { class: "num" }));
      line.appendChild(el("td", r.power_value ? withUnits(r.power_value, r.power_units) : "", { class: "num" }));
      const files = el("td");
      if (r.link) files.appendChild(el("a", "files", { href: r.link, title: r.result }));
      line.appendChild(files);
      all.appendChild(line);
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
  const efficiencyUnits = (r) => (r.lower_is_better ? "samples per joule" : `${r.units} per watt`);
  const nameOf = (s) => s.system_name || s.system;
  const label = (s) => `${s.round} ${s.id} ${s.submitter} ${nameOf(s)}`;
  const rowLabel = (row) => `${row.s.id} ${nameOf(row.s)}${row.variant ? ` · ${row.variant}` : ""}`;

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
  // A tick label says which bar it is without widening the chart past a phone's width.
  const short = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
  // plotly reads a subset of HTML in every text of a chart (tick labels, hover text, legend names,
  // titles): <a href> becomes a link, <br>, <b>, <span style> change the text. A string from a
  // tree or a table goes in with < > & as entities, which plotly shows as the characters (it
  // splits the tags first, then decodes the entities of the text between them).
  const plain = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const narrow = () => window.innerWidth < 600;

  // A colour per submitter of the round, the same in every chart: hues a golden angle apart,
  // in three lightnesses, so that no two submitters of a chart share one (a 10-colour palette
  // repeats past ten).
  const colours = new Map();
  function colourOf(submitter) {
    if (!colours.has(submitter)) {
      const names = [...new Set(inRound().map((s) => s.submitter))].sort();
      const i = Math.max(0, names.indexOf(submitter));
      colours.set(submitter, `hsl(${Math.round((i * 137.508) % 360)}, 62%, ${[42, 56, 32][i % 3]}%)`);
    }
    return colours.get(submitter);
  }

  // The compare selects list every system of the site: filled once, the list never changes.
  function fillCompareOptions() {
    const systems = [...DATA.systems].sort((x, y) => label(x).localeCompare(label(y)));
    for (const [id, wanted] of [["cmp-a", state.a], ["cmp-b", state.b]]) {
      const sel = $(id);
      sel.replaceChildren(el("option", "—", { value: "" }), ...systems.map((s) => el("option", label(s), { value: s.id })));
      sel.value = byId.has(wanted) ? wanted : "";
    }
  }
  const byId = new Map(DATA.systems.map((s) => [s.id, s]));

  // B as a share of A, turned so that above 100 % B is better: the table's "B vs A" and the
  // chart say the same thing the same way.
  const share = (x, y, lower) => (x && y ? 100 * (lower ? x / y : y / x) : null);
  const verdict = (v) => (v === null ? "" : `${pct(v)} ${Math.abs(v - 100) < 0.005 ? "same" : v > 100 ? "better" : "worse"}`);

  // Two systems of any rounds of the site, side by side: each benchmark (and model used) and
  // scenario either ran.
  function renderCompare() {
    const a = byId.get(state.a), b = byId.get(state.b);
    const table = $("compare");
    table.tHead.replaceChildren();
    table.tBodies[0].replaceChildren();
    $("compare-chart").hidden = true;
    if (!a || !b) return;
    const perAcc = $("cmp-per-acc").checked;
    const head = el("tr");
    for (const t of ["", `A: ${label(a)}`, `B: ${label(b)}`, "B vs A (above 100 % B is better)"]) head.appendChild(el("th", t));
    table.tHead.appendChild(head);
    const keyOf = (r) => `${r.model}|${r.row.variant}|${r.scenario}`;
    const keys = new Set([...a.results, ...b.results].map(keyOf));
    const rows = [["Round", a.round, b.round, ""], ["Submitter", a.submitter, b.submitter, ""],
      ["System", nameOf(a), nameOf(b), ""],
      ["Accelerator", accelerator(a), accelerator(b), ""],
      ["a# (accelerators in all)", a.acc_total ?? "", b.acc_total ?? "", ""],
      ["Nodes", a.number_of_nodes ?? "", b.number_of_nodes ?? "", ""],
      ["Processor", processor(a), processor(b), ""],
      ["p# (processors in all)", a.proc_total ?? "", b.proc_total ?? "", ""]];
    const shared = { x: [], perf: [], eff: [] };
    const order = (k) => { const [m, v, sc] = k.split("|"); return [m, v, SCENARIOS.indexOf(sc)]; };
    const sortedKeys = [...keys].sort((x, y) => {
      const [m1, v1, s1] = order(x), [m2, v2, s2] = order(y);
      return m1.localeCompare(m2) || v1.localeCompare(v2) || s1 - s2;
    });
    for (const key of sortedKeys) {
      const find = (s) => s.results.find((r) => keyOf(r) === key);
      const ra = find(a), rb = find(b), any = ra || rb;
      const name = `${any.model}${any.row.variant ? ` · ${any.row.variant}` : ""} ${any.scenario}`;
      // per accelerator: throughput divided by a#; a latency is not
      const per = (r, s) => (r && r.value !== null ? (perAcc && !r.lower_is_better && s.acc_total ? r.value / s.acc_total : r.value) : null);
      const units = `${any.units}${perAcc && !any.lower_is_better ? " per accelerator" : ""}`;
      const va = per(ra, a), vb = per(rb, b);
      const perf = share(va, vb, any.lower_is_better);
      rows.push([`${name} (${units})`, withUnits(va, units), withUnits(vb, units), verdict(perf)]);
      const ea = efficiency(ra), eb = efficiency(rb);
      if ((ra && ra.power_value) || (rb && rb.power_value)) {
        const pu = (ra && ra.power_units) || (rb && rb.power_units) || "";
        rows.push([`  power (${pu})`, withUnits(ra && ra.power_value, pu), withUnits(rb && rb.power_value, pu),
          verdict(share(ra && ra.power_value, rb && rb.power_value, true))]);
        const eu = efficiencyUnits(any);
        rows.push([`  efficiency (${eu})`, withUnits(ea, eu), withUnits(eb, eu), verdict(share(ea, eb, false))]);
      }
      if (perf !== null) {
        shared.x.push(plain(name));
        shared.perf.push(perf);
        shared.eff.push(share(ea, eb, false));
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
    const text = (ys) => ys.map((v) => (v === null ? "" : pct(v)));
    const traces = [{ type: "bar", name: "performance", x: shared.x, y: shared.perf, text: text(shared.perf),
      hovertemplate: "%{x}: %{text} of A<extra></extra>" }];
    if (shared.eff.some((v) => v !== null)) traces.push({ type: "bar", name: "efficiency", x: shared.x, y: shared.eff,
      text: text(shared.eff), hovertemplate: "%{x}: %{text} of A<extra></extra>" });
    window.Plotly.newPlot(div, traces, {
      title: { text: "B as a share of A<br><sub>A = 100 %; above 100 %, B is better</sub>" },
      barmode: "group", height: 380, margin: { t: 70 },
      xaxis: { automargin: true, tickangle: narrow() ? -60 : "auto" },
      yaxis: { title: { text: "% of A" }, rangemode: "tozero", automargin: true, ticksuffix: " %" },
      shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: 100, y1: 100, line: { dash: "dot", width: 1 } }],
      legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 1, xanchor: "right" },
    }, PLOT_CONFIG("compare"));
    div.dataset.drawn = "true";
  }

  // The benchmarks and scenarios of the shown rows: a chart and a ranking each.
  function groupsOf(rows) {
    const seen = new Map();
    for (const row of rows) for (const r of resultsOf(row)) {
      if (valueOf(r) === null) continue;
      const key = `${r.model}|${r.scenario}`;
      if (!seen.has(key)) seen.set(key, { model: r.model, scenario: r.scenario, units: unitsOf(r), lower: lowerOf(r),
        latency: r.lower_is_better, points: [] });
      seen.get(key).points.push({ row, s: row.s, r });
    }
    return [...seen.values()].sort((a, b) => a.model.localeCompare(b.model)
      || SCENARIOS.indexOf(a.scenario) - SCENARIOS.indexOf(b.scenario));
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
    let spans = false;
    for (const c of groupsOf(visibleRows())) {
      const scaled = (p) => {
        const v = valueOf(p.r), n = p.s.acc_total;
        return normalise && !c.lower && n > 0 ? v / n : v;
      };
      // Best first: highest throughput, lowest latency (or power).
      const points = c.points.sort((x, y) => (c.lower ? scaled(x) - scaled(y) : scaled(y) - scaled(x)));
      const values = points.map(scaled).filter((v) => v > 0);
      const decades = values.length ? Math.log10(Math.max(...values) / Math.min(...values)) : 0;
      spans = spans || decades >= 1;
      const div = el("div", null, { class: points.length === 1 ? "chart single" : "chart", "data-chart": `${c.model} ${c.scenario}`,
        "data-decades": decades.toFixed(1), "data-points": String(points.length) });
      specs.set(div, { c, normalise, log, points: points.slice(0, BARS).map((p) => ({ ...p, y: scaled(p) })),
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
    const { c, normalise, log, points, total } = spec;
    const better = c.lower ? "lower is better" : "higher is better";
    const phone = narrow();
    // A bar's label: its ID and a short name (the model used, where the system ran several),
    // the full name on hover.
    const keys = points.map((p) => plain(p.row.key));
    const n = phone ? 14 : 22;
    // the model used without its benchmark's name ("obert-large" of "bert-99_obert-large")
    const nameFor = (p) => {
      const v = p.row.variant, m = p.row.model;
      if (!v) return nameOf(p.s);
      return v.length > m.length + 1 && v.startsWith(m) && "_-".includes(v[m.length]) ? v.slice(m.length + 1) : v;
    };
    const names = points.map((p) => short(nameFor(p), n));
    // Two bars of one ID whose names start alike: their names' ends tell them apart.
    const counts = new Map();
    points.forEach((p, i) => { const k = `${p.s.id} ${names[i]}`; counts.set(k, (counts.get(k) || 0) + 1); });
    points.forEach((p, i) => {
      const full = nameFor(p);
      if (counts.get(`${p.s.id} ${names[i]}`) > 1 && full.length > n) names[i] = `${full.slice(0, Math.ceil(n / 2) - 1)}…${full.slice(-Math.floor(n / 2))}`;
    });
    const tick = (p, i) => `${plain(p.s.id)}<br>${plain(names[i])}`;
    const eff = points.filter((p) => efficiency(p.r) !== null);
    const effName = efficiencyUnits(points[0].r);
    // A second axis for efficiency only where it compares two or more systems; one point's
    // efficiency is in its hover text.
    const effAxis = eff.length >= 2 && !normalise;
    const hover = (p) => {
      const e = efficiency(p.r);
      return plain(`${rowLabel(p.row)} (${p.s.submitter})`) + (e !== null ? `<br>${plain(`${fmt(e)} ${effName}`)}` : "");
    };
    const submitters = [...new Set(points.map((p) => p.s.submitter))];
    const traces = submitters.map((sub) => {
      const mine = points.filter((p) => p.s.submitter === sub);
      return { type: "bar", name: plain(sub), x: mine.map((p) => plain(p.row.key)), y: mine.map((p) => p.y),
        marker: { color: colourOf(sub) }, hovertext: mine.map(hover), hoverinfo: "text+y",
        ...(points.length === 1 ? { width: 0.4 } : {}) };
    });
    if (effAxis) traces.push({ type: "scatter", mode: "markers", name: plain(effName), yaxis: "y2",
      marker: { color: "#111", symbol: "diamond", size: 8 },
      x: eff.map((p) => plain(p.row.key)), y: eff.map((p) => efficiency(p.r)), hovertext: eff.map(hover), hoverinfo: "text+y" });
    const shown = total > points.length ? `, the best ${points.length} of ${total}` : "";
    // Rotated labels read bottom to top: the bottom margin holds the longest, so that none
    // loses its first letters.
    const longest = Math.max(...points.map((p, i) => Math.max(p.s.id.length, names[i].length)));
    const rotate = phone || points.length > 6;
    const labels = rotate ? 24 + longest * 6.5 : 60;
    // The legend under the labels, out of the way of the title, both axes and the bars: as many
    // lines as its names take at this width.
    const width = div.clientWidth || 800;
    let lines = 1, used = 0;
    for (const name of [...submitters, ...(effAxis ? [effName] : [])]) {
      const w = Math.min(name.length, 60) * 6.5 + 45;
      if (used + w > width - 20 && used > 0) { lines += 1; used = 0; }
      used += w;
    }
    const legendHeight = lines * 20 + 10;
    const bottom = labels + legendHeight;
    window.Plotly.newPlot(div, traces, {
      // Two short lines rather than one long one: a long title is cut at a phone's width.
      title: { text: `${plain(c.model)} ${plain(c.scenario)}<br><sub>${plain(c.units)}, ${better}${shown}</sub>` },
      barmode: "group", height: 330 + bottom, margin: { t: 70, l: 10, r: effAxis ? 10 : 20, b: bottom },
      xaxis: { type: "category", categoryorder: "array", categoryarray: keys, automargin: true,
        tickmode: "array", tickvals: keys, ticktext: points.map(tick), tickangle: rotate ? -90 : 0 },
      yaxis: { title: { text: plain(normalise && !c.lower ? `${c.units} per accelerator` : c.units) },
        type: log ? "log" : "linear", rangemode: "tozero", automargin: true },
      ...(effAxis ? { yaxis2: { overlaying: "y", side: "right", title: { text: plain(effName) }, rangemode: "nonnegative",
        type: log ? "log" : "linear", automargin: true, showgrid: false } } : {}),
      // Above the plot, out of the way of both axes and of the labels.
      legend: { orientation: "h", x: 0, xanchor: "left", yref: "container", y: 0, yanchor: "bottom" },
      showlegend: true,
    }, PLOT_CONFIG(`${c.model}-${c.scenario}`));
    div.dataset.drawn = "true";
  }

  // The best results of each benchmark and scenario of the tab, as filtered.
  function renderTop() {
    const box = $("top");
    box.replaceChildren();
    for (const c of groupsOf(visibleRows())) {
      const ranked = c.points.sort((x, y) => (c.lower ? valueOf(x.r) - valueOf(y.r) : valueOf(y.r) - valueOf(x.r))).slice(0, 5);
      const withPower = ranked.some((p) => efficiency(p.r) !== null);
      const table = el("table", null, { class: "top", "data-top": `${c.model} ${c.scenario}` });
      table.appendChild(el("caption", `${c.model} ${c.scenario}: ${c.units} (${c.lower ? "lower" : "higher"} is better)`));
      const head = el("tr");
      const effHead = withPower ? [`Efficiency (${efficiencyUnits(ranked[0].r)})`] : [];
      for (const t of ["#", "System", "Submitter", c.units, ...effHead]) head.appendChild(el("th", t));
      table.appendChild(head);
      ranked.forEach((p, i) => {
        const tr = el("tr");
        tr.appendChild(el("td", i + 1, { class: "num" }));
        tr.appendChild(el("td", rowLabel(p.row)));
        tr.appendChild(el("td", p.s.submitter));
        tr.appendChild(el("td", fmt(valueOf(p.r)), { class: "num" }));
        if (withPower) tr.appendChild(el("td", fmt(efficiency(p.r)), { class: "num" }));
        table.appendChild(tr);
      });
      box.appendChild(table);
    }
  }

  // The tabs, and every list scoped to the tab: a filter offers only what the tab holds.
  function renderTabs() {
    const systems = inRound();
    const tabs = [...new Set(systems.flatMap(tabsOf))];
    const order = ["edge closed", "datacenter closed", "closed", "open", "network", "power", "mobile closed",
                   "mobile open", "automotive closed", "automotive open", "automotive network"];
    tabs.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    if (!tabs.includes(state.tab)) state.tab = tabs[0];
    $("tabs").replaceChildren(...tabs.map((t) => {
      const b = el("button", t, { role: "tab", "aria-selected": String(t === state.tab), "data-tab": t });
      b.addEventListener("click", () => { state.tab = t; state.sort = null; navigate(); });
      return b;
    }));
    const mine = inTab();
    for (const [key, id] of Object.entries(FILTERS)) state.f[key] = fillSelect($(id), mine.map((s) => s[key]), state.f[key] || "");
    const rows = mine.flatMap((s) => s.rows);
    state.bench = fillSelect($("f-bench"), rows.map((row) => row.model), state.bench);
    state.scen = fillSelect($("f-scen"), rows.filter((row) => !state.bench || row.model === state.bench)
      .flatMap((row) => row.results.map((r) => r.scenario)), state.scen);
    // sort the scenarios in MLPerf's order rather than by name
    const scen = $("f-scen");
    [...scen.options].slice(1).sort((x, y) => SCENARIOS.indexOf(x.value) - SCENARIOS.indexOf(y.value)).forEach((o) => scen.appendChild(o));
    // "has power" only where the tab has power results (never in a Mobile tab)
    const power = mine.some((s) => s.results.some((r) => r.power_value)) && state.tab !== "power";
    $("f-power-label").hidden = !power;
    if (!power) state.power = false;
    $("f-power").checked = state.power;
    $("f-text").value = state.text;
  }

  // The view in the URL: round, tab, benchmark, scenario, filters, sort and compared systems.
  // Opening the link shows the view; the back button steps through views.
  const PARAMS = { round: "round", tab: "tab", bench: "benchmark", scen: "scenario", text: "q", a: "a", b: "b" };
  const FILTER_PARAMS = { availability: "availability", submitter: "submitter",
    accelerator_model_name: "accelerator", host_processor_model_name: "processor" };
  function viewHash() {
    const p = new URLSearchParams();
    for (const [k, name] of Object.entries(PARAMS)) if (state[k]) p.set(name, state[k]);
    for (const [k, name] of Object.entries(FILTER_PARAMS)) if (state.f[k]) p.set(name, state.f[k]);
    if (state.power) p.set("power", "1");
    if (state.sort !== null) p.set("sort", `${state.sort}${state.dir < 0 ? ":desc" : ":asc"}`);
    return `#${p.toString()}`;
  }
  function readHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    if (p.get("round") && DATA.rounds.includes(p.get("round"))) state.round = p.get("round");
    for (const [k, name] of Object.entries(PARAMS)) if (k !== "round") state[k] = p.get(name) || "";
    state.tab = state.tab || null;
    for (const [k, name] of Object.entries(FILTER_PARAMS)) state.f[k] = p.get(name) || "";
    state.power = p.get("power") === "1";
    const sort = p.get("sort");
    if (sort) {
      const cut = sort.lastIndexOf(":");
      state.sort = cut > 0 ? sort.slice(0, cut) : sort;
      state.dir = sort.endsWith(":desc") ? -1 : 1;
    } else { state.sort = null; state.dir = 1; }
  }
  function writeHash(replace) {
    const hash = viewHash();
    $("view-link").setAttribute("href", hash);
    if (hash === location.hash || (hash === "#" && !location.hash)) return;
    try {
      history[replace ? "replaceState" : "pushState"](null, "", hash);
    } catch (e) { /* a browser that refuses history on file:// keeps the view without the URL */ }
  }

  // A filter redraws the table, the ranking and the charts' frames; the charts themselves draw
  // when seen.
  function refilter() { state.limit = PAGE; renderTable(); renderTop(); renderCharts(); }
  function render() { renderTabs(); refilter(); }
  // A change of view: the state read from the controls, the URL given a step, the page redrawn.
  function navigate(replace) {
    render();
    writeHash(replace);
  }
  function fromControls() {
    for (const [key, id] of Object.entries(FILTERS)) state.f[key] = $(id).value;
    state.bench = $("f-bench").value;
    state.scen = $("f-scen").value;
    state.power = $("f-power").checked;
    state.text = $("f-text").value;
  }

  function show() {
    $("round").value = state.round;
    colours.clear();
    render();
    if (ready) { fillCompareOptions(); $("cmp-per-acc").checked = false; renderCompare(); }
  }

  readHash();
  fillSelect($("round"), DATA.rounds, state.round);
  $("round").querySelector('option[value=""]').remove();
  $("round").value = state.round;
  $("round").addEventListener("change", () => {
    state.round = $("round").value; state.tab = null; state.bench = ""; state.scen = ""; state.sort = null;
    state.f = {}; colours.clear(); navigate();
  });
  for (const id of [...Object.values(FILTERS), "f-bench", "f-scen", "f-power"]) {
    $(id).addEventListener("change", () => {
      fromControls();
      if (id === "f-bench" || id === "f-scen") state.sort = state.sort && state.sort.startsWith("s:") ? null : state.sort;
      navigate();
    });
  }
  for (const id of ["normalise", "logscale"]) $(id).addEventListener("change", renderCharts);
  // Typing is one step of history, not one per key.
  let typing = null;
  $("f-text").addEventListener("input", () => {
    fromControls();
    refilter();
    writeHash(typing !== null);
    clearTimeout(typing);
    typing = setTimeout(() => { typing = null; }, 1000);
  });
  for (const [id, key] of [["cmp-a", "a"], ["cmp-b", "b"]]) {
    $(id).addEventListener("change", () => { state[key] = $(id).value; renderCompare(); writeHash(false); });
  }
  $("cmp-per-acc").addEventListener("change", renderCompare);
  window.addEventListener("popstate", () => { readHash(); show(); });
  let ready = false;
  // The table first, painted; then what lies below it. The marks time both (benchmarks/).
  renderTabs();
  renderTable();
  writeHash(true);
  performance.mark("infercheck-table");
  requestAnimationFrame(() => setTimeout(() => {
    performance.mark("infercheck-first-paint");
    loadPlotly();
    renderTop();
    renderCharts();
    fillCompareOptions();
    renderCompare();
    ready = true;
    performance.mark("infercheck-ready");
  }, 0));
})();
