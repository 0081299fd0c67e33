"use strict";
// The history charts of a run, drawn as inline SVG (no library: the page works offline and its CSP allows only
// its own script). Each chart keeps its numbers in a table under "data" (one row per point, data-* attributes),
// which is what tests read and what a person can copy.
const SVG_NS = "http://www.w3.org/2000/svg";
const CHART_W = 420, CHART_H = 130, PAD_L = 44, PAD_R = 8, PAD_T = 8, PAD_B = 20;

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) node.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const short = (n) => n >= 1000 ? (n / 1000).toFixed(n >= 10000 ? 0 : 1) + "k" : (n >= 10 || n === 0 ? n.toFixed(0)
  : n.toFixed(n >= 1 ? 1 : 2));
const sum = (values) => values.reduce((a, b) => a + b, 0);

// Totals over the job kinds of one sample.
function totals(sample) {
  const kinds = Object.values(sample.kinds || {});
  return { done: sum(kinds.map((k) => k.done)), queued: sum(kinds.map((k) => k.queued)),
    running: sum(kinds.map((k) => k.running)), dead: sum(kinds.map((k) => k.dead)),
    enqueued: sum(kinds.map((k) => k.enqueued)) };
}

// A figure: title, the SVG, a legend and the data table (rows: objects; columns: [key, heading]).
function figure(name, run, title, drawing, legend, columns, rows) {
  return el("figure", { class: "chart", "data-chart": name, "data-run-id": run.id, "data-points": rows.length },
    el("figcaption", null, title),
    drawing,
    legend ? el("div", { class: "legend" }, legend.map((s) => [el("i", { class: "key-" + s.color }), s.label])) : null,
    el("details", { class: "chart-data" }, el("summary", null, "data"),
      el("table", null,
        el("tr", null, columns.map(([, heading]) => el("th", { class: "num" }, heading))),
        rows.map((row) => el("tr", Object.fromEntries(columns.map(([key]) => ["data-" + key.replace(/_/g, "-"),
            row[key]])),
          columns.map(([key]) => el("td", { class: "num" }, row[key] === null || row[key] === undefined ? "–"
            : (typeof row[key] === "string" || Number.isInteger(row[key]) || key === "at" ? row[key]
              : row[key].toFixed(3)))))))));
}

// Lines over time: `series` = [{key, label, color}], x = row.at (ms).
function lineChart(name, run, title, rows, series, columns, unit, fixedMax) {
  const points = rows.filter((r) => series.some((s) => r[s.key] !== null && r[s.key] !== undefined));
  const box = svg("svg", { viewBox: "0 0 " + CHART_W + " " + CHART_H, class: "plot", role: "img",
    "aria-label": title });
  const x0 = PAD_L, x1 = CHART_W - PAD_R, y0 = CHART_H - PAD_B, y1 = PAD_T;
  box.append(svg("line", { x1: x0, y1: y0, x2: x1, y2: y0, class: "axis" }),
    svg("line", { x1: x0, y1: y0, x2: x0, y2: y1, class: "axis" }));
  if (points.length === 0) {
    box.append(svg("text", { x: (x0 + x1) / 2, y: (y0 + y1) / 2, "text-anchor": "middle", class: "empty" },
      "no samples yet"));
    return figure(name, run, title, box, series, columns, rows);
  }
  const first = points[0].at, last = points[points.length - 1].at, span = Math.max(1, last - first);
  const max = fixedMax || Math.max(1e-9, ...points.flatMap((r) => series.map((s) => r[s.key] || 0)));
  const x = (at) => x0 + (x1 - x0) * (points.length === 1 ? 0.5 : (at - first) / span);
  const y = (v) => y0 - (y0 - y1) * (v / max);
  box.append(
    svg("text", { x: x0 - 4, y: y1 + 8, "text-anchor": "end", class: "tick" }, short(max)),
    svg("text", { x: x0 - 4, y: y0, "text-anchor": "end", class: "tick" }, "0"),
    svg("text", { x: x0, y: CHART_H - 4, class: "tick" }, new Date(first).toLocaleTimeString()),
    svg("text", { x: x1, y: CHART_H - 4, "text-anchor": "end", class: "tick" },
      new Date(last).toLocaleTimeString() + (unit ? " · " + unit : "")));
  for (const s of series) {
    const own = points.filter((r) => r[s.key] !== null && r[s.key] !== undefined);
    box.append(svg("polyline", { class: "series key-" + s.color, "data-series": s.key,
      points: own.map((r) => x(r.at).toFixed(1) + "," + y(r[s.key]).toFixed(1)).join(" ") }));
    if (own.length === 1) box.append(svg("circle", { class: "key-" + s.color, cx: x(own[0].at), cy: y(own[0][s.key]),
      r: 2.5 }));
  }
  return figure(name, run, title, box, series, columns, rows);
}

// Jobs finished per second between samples, and failed attempts per second.
function throughputChart(run, samples) {
  const rows = samples.map((sample, i) => {
    const t = totals(sample);
    const row = { at: sample.at, done: t.done, failures: sample.failures, done_per_second: null,
      failures_per_second: null, cost_usd: sample.cost_usd };
    if (i > 0) {
      const before = samples[i - 1], seconds = (sample.at - before.at) / 1000;
      if (seconds > 0) {
        row.done_per_second = Math.max(0, t.done - totals(before).done) / seconds;
        row.failures_per_second = Math.max(0, sample.failures - before.failures) / seconds;
      }
    }
    return row;
  });
  return lineChart("throughput", run, "Throughput (jobs finished per second)", rows,
    [{ key: "done_per_second", label: "done/s", color: "done" },
      { key: "failures_per_second", label: "failed attempts/s", color: "dead" }],
    [["at", "time (ms)"], ["done", "done"], ["done_per_second", "done/s"], ["failures", "failed attempts"],
      ["failures_per_second", "failed/s"], ["cost_usd", "spent $"]], "jobs/s");
}

// The run's jobs waiting in the queues and being worked on, and its dead letters.
function queueChart(run, samples) {
  const rows = samples.map((sample) => {
    const t = totals(sample);
    return { at: sample.at, queued: t.queued, running: t.running, dead: t.dead, enqueued: t.enqueued,
      iteration: sample.iteration };
  });
  return lineChart("queue", run, "Queue (the run's jobs waiting, running, dead-lettered)", rows,
    [{ key: "queued", label: "queued", color: "queued" }, { key: "running", label: "running", color: "running" },
      { key: "dead", label: "dead-lettered", color: "dead" }],
    [["at", "time (ms)"], ["iteration", "iteration"], ["enqueued", "enqueued"], ["queued", "queued"],
      ["running", "running"], ["dead", "dead"]], "jobs");
}

// One bar per finished iteration: seconds sampling, labeling and computing affinities.
function iterationChart(run, iterations) {
  const rows = iterations.map((it) => ({ iteration: it.iteration, sampled: it.sampled, labeled: it.labeled,
    sampling_seconds: it.sampling_seconds, labeling_seconds: it.labeling_seconds,
    affinity_seconds: it.affinity_seconds, seconds: it.seconds }));
  const steps = [{ key: "sampling_seconds", label: "sampling", color: "queued" },
    { key: "labeling_seconds", label: "labeling", color: "labeling" },
    { key: "affinity_seconds", label: "affinity", color: "affinity" }];
  const bar = 14, gap = 6, height = Math.max(40, PAD_T + rows.length * (bar + gap) + PAD_B);
  const box = svg("svg", { viewBox: "0 0 " + CHART_W + " " + height, class: "plot", role: "img",
    "aria-label": "seconds per iteration" });
  const x0 = PAD_L, x1 = CHART_W - PAD_R - 40;
  const max = Math.max(1e-9, ...rows.map((r) => r.seconds));
  if (rows.length === 0) {
    box.append(svg("text", { x: CHART_W / 2, y: height / 2, "text-anchor": "middle", class: "empty" },
      "no finished iteration yet"));
  }
  rows.forEach((row, i) => {
    const y = PAD_T + i * (bar + gap);
    box.append(svg("text", { x: x0 - 4, y: y + bar - 3, "text-anchor": "end", class: "tick" }, "#" + row.iteration));
    let x = x0;
    const known = steps.some((s) => row[s.key] !== null && row[s.key] !== undefined);
    for (const s of known ? steps : [{ key: "seconds", color: "queued" }]) {
      const w = (x1 - x0) * ((row[s.key] || 0) / max);
      box.append(svg("rect", { x: x.toFixed(1), y, width: Math.max(0, w).toFixed(1), height: bar,
        class: "key-" + s.color, "data-step": s.key }));
      x += w;
    }
    box.append(svg("text", { x: x + 4, y: y + bar - 3, class: "tick" }, duration(row.seconds)));
  });
  return figure("iterations", run, "Seconds per iteration", box, steps,
    [["iteration", "iteration"], ["sampled", "sampled"], ["labeled", "labeled"], ["sampling_seconds", "sampling s"],
      ["labeling_seconds", "labeling s"], ["affinity_seconds", "affinity s"], ["seconds", "total s"]], rows);
}

// One bar of the run's users once it is done: labeled (prototypes), reached through Ψ, unreachable.
function coverageChart(run, coverage) {
  const parts = [{ key: "labeled", label: "labeled (prototypes)", color: "labeling" },
    { key: "reached", label: "reached through affinity", color: "done" },
    { key: "unreachable", label: "unreachable (no persona)", color: "dead" }];
  const rows = parts.map((p) => ({ part: p.key, users: coverage[p.key],
    share: coverage.users > 0 ? coverage[p.key] / coverage.users : 0 }));
  const height = 56, x0 = 8, x1 = CHART_W - PAD_R, bar = 18;
  const box = svg("svg", { viewBox: "0 0 " + CHART_W + " " + height, class: "plot", role: "img",
    "aria-label": "coverage of the run's users" });
  let x = x0;
  parts.forEach((p, i) => {
    const w = (x1 - x0) * rows[i].share;
    box.append(svg("rect", { x: x.toFixed(1), y: PAD_T, width: Math.max(0, w).toFixed(1), height: bar,
      class: "key-" + p.color, "data-part": p.key }));
    x += w;
  });
  box.append(svg("text", { x: x0, y: PAD_T + bar + 16, class: "tick" }, rows.map((r) =>
    r.part + " " + (100 * r.share).toFixed(1) + " %").join(" · ") + " of " + short(coverage.users) + " users"));
  return figure("coverage", run, "Coverage of the run's users", box, parts,
    [["part", "part"], ["users", "users"], ["share", "share"]], rows);
}

// The run's LLM attempts and unparsable answers, as the workers count them (sample.llm): cumulative counts per
// outcome, and per interval between samples the share of attempts that got a 429, a 5xx, another 4xx or no
// usable response, and the share of answers that did not parse.
const LLM_OTHER = ["transport", "invalid_response", "cancelled"];
function llmRows(samples) {
  let before = null;
  return samples.filter((sample) => sample.llm).map((sample) => {
    const a = sample.llm.attempts || {}, n = (key) => a[key] || 0;
    const row = { at: sample.at, attempts: sum(Object.values(a)), ok: n("ok"), rate_limited: n("rate_limited"),
      server_error: n("server_error"), rejected: n("rejected"), other: sum(LLM_OTHER.map(n)),
      unparsed: sample.llm.unparsed_answers || 0, cost_usd: (sample.llm.cost_micros || 0) / 1e6,
      checkpoint_cost_usd: sample.cost_usd, rate_limited_pct: null, server_error_pct: null, rejected_pct: null,
      other_pct: null, unparsed_pct: null };
    if (before) {
      const delta = (key) => Math.max(0, row[key] - before[key]);
      const attempts = delta("attempts"), answers = delta("ok");
      if (attempts > 0) {
        for (const key of ["rate_limited", "server_error", "rejected", "other"]) {
          row[key + "_pct"] = 100 * delta(key) / attempts;
        }
      }
      if (answers > 0) row.unparsed_pct = Math.min(100, 100 * delta("unparsed") / answers);
    }
    before = row;
    return row;
  });
}

function llmOutcomeChart(run, rows) {
  return lineChart("llm-outcomes", run, "LLM failures (% of attempts between samples; unparsed: % of answers)", rows,
    [{ key: "rate_limited_pct", label: "429", color: "ratelimited" },
      { key: "server_error_pct", label: "5xx", color: "server" },
      { key: "rejected_pct", label: "rejected (4xx)", color: "rejected" },
      { key: "other_pct", label: "no usable response", color: "other" },
      { key: "unparsed_pct", label: "unparsed answers", color: "unparsed" }],
    [["at", "time (ms)"], ["attempts", "attempts"], ["ok", "ok"], ["rate_limited", "429"],
      ["server_error", "5xx"], ["rejected", "rejected"], ["other", "other"], ["unparsed", "unparsed"],
      ["rate_limited_pct", "429 %"], ["server_error_pct", "5xx %"], ["rejected_pct", "rejected %"],
      ["other_pct", "other %"], ["unparsed_pct", "unparsed %"]], "%", 100);
}

function llmSpendChart(run, rows) {
  return lineChart("llm-spend", run, "LLM spend (cumulative $)", rows,
    [{ key: "cost_usd", label: "spent (live)", color: "spend" },
      { key: "checkpoint_cost_usd", label: "as of the last checkpoint", color: "queued" }],
    [["at", "time (ms)"], ["cost_usd", "spent $"], ["checkpoint_cost_usd", "checkpoint $"]], "$");
}

// Users by their top affinity (the finished run's summary): one bar per bin, log-spaced edges.
function topAffinityChart(run, histogram) {
  const rows = histogram.counts.map((users, i) => ({ bin: i, low: histogram.edges[i],
    high: histogram.edges[i + 1], users }));
  const height = CHART_H, x0 = PAD_L, x1 = CHART_W - PAD_R, y0 = height - PAD_B, y1 = PAD_T;
  const box = svg("svg", { viewBox: "0 0 " + CHART_W + " " + height, class: "plot", role: "img",
    "aria-label": "users by top affinity" });
  box.append(svg("line", { x1: x0, y1: y0, x2: x1, y2: y0, class: "axis" }),
    svg("line", { x1: x0, y1: y0, x2: x0, y2: y1, class: "axis" }));
  const max = Math.max(1, ...rows.map((r) => r.users)), w = (x1 - x0) / Math.max(1, rows.length);
  const edge = (v) => v === 0 ? "0" : v >= 1 ? "1" : "1e" + Math.log10(v).toFixed(1).replace(/\.0$/, "");
  rows.forEach((row, i) => {
    const h = (y0 - y1) * row.users / max;
    box.append(svg("rect", { x: (x0 + i * w + 1).toFixed(1), y: (y0 - h).toFixed(1), width: (w - 2).toFixed(1),
      height: h.toFixed(1), class: "key-done", "data-bin": i }));
    // A tick at 0 and at each whole decade (the bins are tenths of a decade).
    const decade = row.low > 0 && Math.abs(Math.log10(row.low) - Math.round(Math.log10(row.low))) < 1e-9;
    if (i === 0 || (decade && row.low < 1)) box.append(svg("text", { x: (x0 + i * w).toFixed(1), y: height - 4,
      class: "tick" }, edge(row.low)));
  });
  box.append(svg("text", { x: x0 - 4, y: y1 + 8, "text-anchor": "end", class: "tick" }, short(max)),
    svg("text", { x: x0 - 4, y: y0, "text-anchor": "end", class: "tick" }, "0"),
    svg("text", { x: x1, y: height - 4, "text-anchor": "end", class: "tick" }, "1"));
  return figure("top-affinity", run, "Top affinity of the " + integer(histogram.users) +
    " users reached through affinity (max Ψ, log bins)", box, null,
    [["bin", "bin"], ["low", "from"], ["high", "to"], ["users", "users"]],
    rows.map((r) => Object.assign({}, r, { low: String(r.low), high: String(r.high) })));
}

// Users who have both personas in Φ: a grid shaded by the count (the diagonal: users with the persona).
function coOccurrenceChart(run, co) {
  const m = co.personas.length, label = 96, cell = Math.max(4, Math.min(18, (CHART_W - label - PAD_R) / Math.max(1, m)));
  const height = PAD_T + m * cell + 4;
  const box = svg("svg", { viewBox: "0 0 " + CHART_W + " " + Math.max(40, height), class: "plot", role: "img",
    "aria-label": "persona co-occurrence" });
  const off = [], diagonal = [];
  co.users.forEach((row, i) => row.forEach((n, j) => (i === j ? diagonal : off).push(n)));
  const maxOff = Math.max(1, ...off), maxDiagonal = Math.max(1, ...diagonal);
  const rows = [];
  for (let i = 0; i < m; i++) {
    const name = co.personas[i];
    box.append(svg("text", { x: label - 4, y: PAD_T + i * cell + cell * 0.75, "text-anchor": "end", class: "tick" },
      name.length > 16 ? name.slice(0, 15) + "…" : name));
    for (let j = 0; j < m; j++) {
      const n = co.users[i][j];
      box.append(svg("rect", { x: (label + j * cell).toFixed(1), y: (PAD_T + i * cell).toFixed(1),
        width: (cell - 1).toFixed(1), height: (cell - 1).toFixed(1), class: i === j ? "key-labeling" : "key-running",
        "fill-opacity": (0.06 + 0.94 * n / (i === j ? maxDiagonal : maxOff)).toFixed(3), "data-row": i,
        "data-column": j }, svg("title", null, co.personas[i] + " & " + co.personas[j] + ": " + n + " users")));
      if (j >= i) rows.push({ row: name, column: co.personas[j], users: n });
    }
  }
  return figure("co-occurrence", run, "Persona co-occurrence (users with both in Φ" +
    (co.omitted_personas ? "; the " + m + " most common personas, " + co.omitted_personas + " left out" : "") + ")",
    box, null, [["row", "persona"], ["column", "with"], ["users", "users"]], rows);
}

function charts(run, history) {
  const llm = llmRows(history.samples), summary = history.summary;
  return el("div", { class: "charts", "data-run-id": run.id, "data-samples": history.samples.length,
      "data-iterations": history.iterations.length },
    el("h3", null, "History — one sample per " + history.interval_seconds + " s while a dashboard serves (newest " +
      history.capacity + " kept)"),
    el("div", { class: "chart-row" }, throughputChart(run, history.samples), queueChart(run, history.samples),
      llm.length ? llmOutcomeChart(run, llm) : null, llm.length ? llmSpendChart(run, llm) : null,
      iterationChart(run, history.iterations), history.coverage ? coverageChart(run, history.coverage) : null,
      summary ? topAffinityChart(run, summary.top_affinity) : null,
      summary ? coOccurrenceChart(run, summary.co_occurrence) : null));
}
