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
function lineChart(name, run, title, rows, series, columns, unit) {
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
  const max = Math.max(1e-9, ...points.flatMap((r) => series.map((s) => r[s.key] || 0)));
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

function charts(run, history) {
  return el("div", { class: "charts", "data-run-id": run.id, "data-samples": history.samples.length,
      "data-iterations": history.iterations.length },
    el("h3", null, "History — one sample per " + history.interval_seconds + " s while a dashboard serves (newest " +
      history.capacity + " kept)"),
    el("div", { class: "chart-row" }, throughputChart(run, history.samples), queueChart(run, history.samples),
      iterationChart(run, history.iterations), history.coverage ? coverageChart(run, history.coverage) : null));
}
