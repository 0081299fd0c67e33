"use strict";
const REFRESH_MS = 2000;
const MAX_DETAILS = 20;
// Runs (newest first) whose history charts are drawn.
const MAX_HISTORIES = 5;
// How long a control stays armed after its first click (the second click acts).
const ARM_MS = 6000;
// The job kinds in the server's order (its JobRegistry), from /api/queues.
let kindOrder = [];
// Paused job kinds, from /api/queues: a running run with jobs waiting in one says so.
let pausedKinds = new Set();
let timer = null, busy = false, again = false, refreshes = 0;

// Builds an element; strings become text nodes and attributes go through setAttribute, so nothing that
// comes from Redis is ever parsed as HTML.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "onclick") node.addEventListener("click", value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const integer = (n) => (n === null || n === undefined) ? "–" : Math.round(n).toLocaleString("en-US");
function duration(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return "–";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return s + " s";
  if (s < 3600) return Math.floor(s / 60) + " min " + String(s % 60).padStart(2, "0") + " s";
  return Math.floor(s / 3600) + " h " + String(Math.floor(s % 3600 / 60)).padStart(2, "0") + " min";
}
const rate = (r) => (r === null || r === undefined) ? "–" : r.toFixed(r < 10 ? 2 : 1) + " jobs/s";
const dollars = (d) => "$" + (d || 0).toFixed(d >= 1 ? 2 : 4);
const clock = (ms) => ms ? new Date(ms).toLocaleString() : "–";

async function getJSON(path) {
  const response = await fetch(path, { cache: "no-store", headers: { "Accept": "application/json" } });
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  if (!response.ok) {
    const reason = body && body.error && body.error.message ? body.error.message : response.statusText;
    throw new Error(path + ": " + response.status + " " + reason);
  }
  return body;
}

function showMessage(text, isError) {
  const box = document.getElementById("message");
  box.textContent = text;
  box.className = "message" + (isError ? " error" : "");
  box.hidden = !text;
}

// POSTs JSON to the API (same origin; the server refuses other content types and origins); the answer's body.
async function postJSON(path, body) {
  const response = await fetch(path, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  let answer = null;
  try { answer = await response.json(); } catch (e) { answer = null; }
  if (!response.ok) {
    const reason = answer && answer.error ? answer.error.message : response.statusText;
    throw new Error(response.status + " " + reason);
  }
  return answer;
}

const plural = (n, word) => n + " " + word + (n === 1 ? "" : "s");

async function retry(runID, body, button) {
  button.disabled = true;
  try {
    const answer = await postJSON("api/runs/" + encodeURIComponent(runID) + "/retry", body);
    showMessage("Put back " + plural(answer.retried, "job") + " of run " + runID + ".", false);
  } catch (error) {
    showMessage("Retry of run " + runID + " failed: " + error.message, true);
  }
  refreshNow();
}

// Controls that destroy something act on a second click within ARM_MS: the first one arms them (the page is
// redrawn every 2 s, so the armed state is kept here, by key, not in the button).
const armed = new Map();
function twoStepButton(key, label, confirmLabel, attrs, act) {
  const until = armed.get(key) || 0;
  const isArmed = until > Date.now();
  const button = el("button", Object.assign({ "data-armed": isArmed ? "true" : "false",
    class: isArmed ? "armed" : null }, attrs), isArmed ? confirmLabel : label);
  button.addEventListener("click", (e) => {
    const node = e.currentTarget;
    if ((armed.get(key) || 0) > Date.now()) {
      armed.delete(key);
      node.disabled = true;
      act();
    } else {
      armed.set(key, Date.now() + ARM_MS);
      node.textContent = confirmLabel;
      node.className = "armed";
      node.setAttribute("data-armed", "true");
    }
  });
  return button;
}

async function cancelRun(runID) {
  try {
    const answer = await postJSON("api/runs/" + encodeURIComponent(runID) + "/cancel", {});
    showMessage("Cancelled run " + runID + " (was " + answer.previous_phase + "); dropped " +
      plural(answer.dropped_jobs, "queued job") + ".", false);
  } catch (error) {
    showMessage("Cancel of run " + runID + " failed: " + error.message, true);
  }
  refreshNow();
}

async function discard(runID, jobID) {
  try {
    const answer = await postJSON("api/runs/" + encodeURIComponent(runID) + "/discard", { jobs: [jobID] });
    showMessage("Discarded " + plural(answer.discarded.length, "dead letter") + " of run " + runID + ".", false);
  } catch (error) {
    showMessage("Discard in run " + runID + " failed: " + error.message, true);
  }
  refreshNow();
}

async function pruneRuns() {
  try {
    const answer = await postJSON("api/runs/prune", {});
    showMessage("Cleaned " + plural(answer.runs.length, "finished run") + " (" + plural(answer.keys, "key") +
      " deleted)" + (answer.runs.length ? ": " + answer.runs.map((r) => r.id).join(", ") : "") + ".", false);
  } catch (error) {
    showMessage("Cleaning finished runs failed: " + error.message, true);
  }
  refreshNow();
}

function kindRow(run, kind, counts) {
  const total = Math.max(counts.enqueued, counts.done + counts.dead_lettered + counts.running + counts.queued);
  const pct = (n) => total > 0 ? (100 * n / total) + "%" : "0%";
  const segment = (name, n) => {
    const span = el("span", { class: "seg " + name, title: name + ": " + n });
    span.style.width = pct(n);
    return span;
  };
  // Each count links to the job search of those jobs.
  const count = (n, state, text) => searchLink(integer(n) + " " + text, { run: run.id, kind, state });
  const parts = [count(counts.done, "done", "done"), count(counts.dead_lettered, "dead", "dead"),
    count(counts.running, "running", "running"), count(counts.queued, "queued", "queued")];
  if (counts.failing > 0) parts.push(count(counts.failing, "failing", "failing (will be retried)"));
  return el("div", { class: "kind", "data-run-id": run.id, "data-kind": kind,
      "data-enqueued": counts.enqueued, "data-done": counts.done, "data-dead": counts.dead_lettered,
      "data-running": counts.running, "data-queued": counts.queued, "data-failing": counts.failing },
    el("span", { class: "kind-name" }, kind),
    el("div", { class: "bar" }, segment("done", counts.done), segment("dead", counts.dead_lettered),
      segment("running", counts.running), segment("queued", counts.queued)),
    el("span", { class: "kind-counts" }, parts.flatMap((part, i) => i ? [" · ", part] : [part]), " — ",
      searchLink(integer(counts.enqueued) + " jobs", { run: run.id, kind })));
}

function personaChart(run, personas) {
  if (!personas) return el("div", { class: "personas", "data-run-id": run.id, "data-source": "none" },
    el("h3", null, "Personas"),
    el("p", { class: "muted" }, "No persona distribution yet (before the first checkpoint)."));
  const max = Math.max(0, ...personas.entries.map((e) => e.value));
  // The share of users (of every user once done, of the prototypes during a run), as gplr run prints it; a
  // user may have several personas, so the shares can add up to more than 100 %.
  const users = personas.users;
  const share = (v) => users > 0 ? 100 * v / users : null;
  const shown = (v) => integer(v) + (users > 0 ? " (" + share(v).toFixed(1) + "%)" : "");
  const of = personas.source === "assigned" ? " users" : " prototypes";
  return el("div", { class: "personas", "data-run-id": run.id, "data-source": personas.source,
      "data-users": users },
    el("h3", null, "Personas: " + personas.label + (users > 0 ? "; % of the " + integer(users) + of : "")),
    personas.entries.map((entry) => {
      const fill = el("span");
      fill.style.width = (max > 0 ? 100 * entry.value / max : 0) + "%";
      return el("div", { class: "persona", "data-run-id": run.id, "data-persona": entry.name,
          "data-value": entry.value, "data-share": share(entry.value) },
        el("span", { class: "persona-name", title: entry.name }, entry.name),
        el("div", { class: "pbar" }, fill), el("span", { class: "persona-value" }, shown(entry.value)));
    }));
}

const note = (list) => el("p", { class: "jobs-note" },
  "First " + list.jobs.length + " of " + integer(list.total) + " shown.");

function failedJobs(run, detail) {
  const dead = detail.dead_lettered, failing = detail.failing;
  const box = el("div", { class: "failed", "data-run-id": run.id, "data-dead-total": dead.total,
    "data-failing-total": failing.total });
  if (dead.total === 0 && failing.total === 0) {
    box.append(el("h3", null, "Failed jobs"), el("p", { class: "muted" }, "None dead-lettered, none failing."));
    return box;
  }
  const head = el("h3", null, "Dead-lettered jobs: ",
    searchLink(integer(dead.total), { run: run.id, state: "dead" }), " ");
  if (dead.total > 0) {
    head.append(el("button", { "data-action": "retry-all", "data-run-id": run.id,
      onclick: (e) => retry(run.id, {}, e.currentTarget) }, "Retry all"));
  }
  box.append(head);
  const panel = jobPanel(run);
  if (panel) box.append(panel);
  if (dead.total > 0) {
    box.append(el("table", { class: "jobs" },
      el("tr", null, el("th", null, "job"), el("th", null, "kind"), el("th", { class: "num" }, "deliveries"),
        el("th", null, "last error"), el("th", null, "")),
      dead.jobs.map((job) => el("tr", { class: "job", "data-run-id": run.id, "data-job-id": job.id,
          "data-state": "dead", "data-kind": job.kind },
        el("td", { class: "job-id" }, jobButton(run, job)), el("td", null, job.kind),
        el("td", { class: "num" }, integer(job.deliveries)),
        el("td", { class: "error-text" }, job.error),
        el("td", { class: "actions" }, el("button", { "data-action": "retry", "data-job-id": job.id,
          onclick: (e) => retry(run.id, { jobs: [job.id] }, e.currentTarget) }, "Retry"), " ",
          twoStepButton("discard:" + run.id + ":" + job.id, "Discard", "Discard for good?",
            { "data-action": "discard", "data-run-id": run.id, "data-job-id": job.id },
            () => discard(run.id, job.id)))))));
    const pager = deadPager(run, dead);
    if (pager) box.append(pager);
  }
  if (failing.total > 0) {
    box.append(el("h3", null, "Failing jobs (last attempt failed; retried automatically): ",
      searchLink(integer(failing.total), { run: run.id, state: "failing" })));
    box.append(el("table", { class: "jobs" },
      el("tr", null, el("th", null, "job"), el("th", null, "kind"), el("th", null, "last error")),
      failing.jobs.map((job) => el("tr", { class: "job", "data-run-id": run.id, "data-job-id": job.id,
          "data-state": "failing", "data-kind": job.kind },
        el("td", { class: "job-id" }, jobButton(run, job)), el("td", null, job.kind),
        el("td", { class: "error-text" }, job.error)))));
    if (failing.total > failing.jobs.length) {
      box.append(note(failing));
    }
  }
  return box;
}

function runCard(run, detail, history) {
  const cancellable = run.phase === "running" || run.phase === "created";
  const iteration = run.iteration === null || run.iteration === undefined ? "–"
    : run.iteration + " of " + (run.iterations ?? "?") + " (" + (run.completed_iterations ?? 0) + " done)";
  const spend = run.spend || { prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 };
  const kinds = Object.keys(run.jobs).sort((a, b) =>
    (kindOrder.indexOf(a) + 1 || 99) - (kindOrder.indexOf(b) + 1 || 99) || a.localeCompare(b));
  const stat = (name, label, value, raw) =>
    el("span", { class: "stat", "data-stat": name, "data-value": raw }, label + " ", el("b", null, value));
  return el("article", { class: "run", id: "run-" + run.id, "data-run-id": run.id,
      "data-phase": run.phase ?? "no record", "data-iteration": run.iteration, "data-step": run.step },
    el("div", { class: "run-head" },
      el("h3", { class: "run-id" }, run.id),
      el("span", { class: "phase", "data-phase": run.phase ?? "no record" }, run.phase ?? "no record"),
      el("span", { class: "iteration" }, "iteration " + iteration),
      el("span", { class: "step" }, "step " + (run.step ?? "–")),
      el("span", { class: "muted" }, "started " + clock(run.created_at) + ", updated " + clock(run.updated_at)),
      cancellable ? twoStepButton("cancel:" + run.id, "Cancel run", "Cancel run: sure?",
        { "data-action": "cancel", "data-run-id": run.id }, () => cancelRun(run.id)) : null),
    run.error ? el("div", { class: "run-error", "data-field": "error" }, run.error) : null,
    pausedNote(run, kinds, cancellable),
    run.coordinator_lost ? el("div", { class: "run-error", "data-field": "coordinator-lost" },
      "Coordinator lost: nobody drives this run. Continue it with: gplr run --redis URL --resume " + run.id)
      : el("div", { class: "muted", "data-field": "coordinator" },
          run.coordinator ? "coordinator " + run.coordinator : ""),
    el("div", { class: "stats" },
      stat("throughput", "throughput", rate(run.jobs_per_second), run.jobs_per_second),
      stat("eta", "run ETA", duration(run.eta_seconds), run.eta_seconds),
      stat("tokens", "tokens", integer(spend.prompt_tokens) + " prompt + " + integer(spend.completion_tokens) +
        " completion", spend.prompt_tokens + spend.completion_tokens),
      stat("cost", "spent", dollars(spend.cost_usd), spend.cost_usd),
      stat("failures", "failed attempts", integer(run.failures), run.failures),
      stat("retried", "retried", integer(run.retried), run.retried),
      stat("duplicates", "duplicate results", integer(run.duplicate_results), run.duplicate_results)),
    el("div", { class: "cols" },
      el("div", null,
        el("h3", null, "Jobs per kind"),
        el("div", { class: "legend" }, el("i", { class: "seg done" }), "done", el("i", { class: "seg dead" }),
          "dead", el("i", { class: "seg running" }), "running", el("i", { class: "seg queued" }), "queued"),
        kinds.length ? kinds.map((kind) => kindRow(run, kind, run.jobs[kind]))
          : el("p", { class: "muted" }, "No jobs enqueued yet.")),
      detail && detail.error ? el("p", { class: "muted" }, "Details unavailable: " + detail.error)
        : detail ? personaChart(run, detail.personas) : el("p", { class: "muted" }, "Details for the " +
          MAX_DETAILS + " newest runs only.")),
    history && !history.error ? charts(run, history) : null,
    detail && !detail.error ? failedJobs(run, detail) : null);
}

// "Waiting on the paused label queue": a live run with jobs queued (or waiting for a retry) of a paused kind.
function pausedNote(run, kinds, live) {
  const held = live ? kinds.filter((kind) => pausedKinds.has(kind) &&
    (run.jobs[kind].queued > 0 || run.jobs[kind].failing > 0)) : [];
  if (held.length === 0) return null;
  return el("div", { class: "run-paused", "data-field": "paused", "data-kinds": held.join(",") },
    "Waiting on the paused " + held.join(", ") + " queue" + (held.length > 1 ? "s" : "") +
    ": no worker takes those jobs until it is resumed (Resume under Queues, or gplr queue resume " + held[0] + ").");
}

function renderRuns(runs, details, histories) {
  const box = document.getElementById("runs");
  if (runs.length === 0) {
    box.replaceChildren(el("p", { class: "muted" }, "No runs in Redis under this prefix yet."));
    return;
  }
  box.replaceChildren(...runs.map((run, i) => runCard(run, details[i], histories[i])));
}

// "Clean finished runs": deletes the Redis keys of every done, failed or cancelled run (gplr runs --prune).
function renderRunControls(runs) {
  const finished = runs.filter((run) => ["done", "failed", "cancelled"].includes(run.phase)).length;
  document.getElementById("run-controls").replaceChildren(finished === 0 ? "" :
    twoStepButton("prune", "Clean " + plural(finished, "finished run"), "Delete their data from Redis?",
      { "data-action": "prune", "data-finished": finished }, pruneRuns));
}

function renderWorkers(data) {
  const box = document.getElementById("workers");
  if (data.workers.length === 0) {
    box.replaceChildren(el("p", { class: "muted" }, "No worker has sent a heartbeat."));
    return;
  }
  box.replaceChildren(el("table", { id: "workers-table" },
    el("tr", null, ["worker", "host", "pid", "kinds", "concurrency", "heartbeat", "current jobs", "done",
      "failed"].map((h, i) => el("th", { class: [2, 4, 7, 8].includes(i) ? "num" : null }, h))),
    data.workers.map((w) => {
      const age = w.heartbeat_age_seconds;
      const stale = age === null || age === undefined || age > data.stale_after_seconds;
      return el("tr", { class: "worker" + (stale ? " stale" : ""), "data-worker-id": w.id,
          "data-stale": stale ? "true" : "false", "data-heartbeat-age": age },
        el("td", null, w.id), el("td", null, w.host ?? "–"), el("td", { class: "num" }, w.pid ?? "–"),
        el("td", null, w.kinds.join(", ")), el("td", { class: "num" }, w.concurrency ?? "–"),
        el("td", { class: "age" }, age === null || age === undefined ? "never"
          : age.toFixed(1) + " s ago" + (stale ? " (stale)" : "")),
        // The counts link to the search of the worker's jobs in the run chosen in the Jobs form.
        el("td", null, w.current_jobs.length ? searchLink(w.current_jobs.join(", "), { worker: w.id,
          state: "running" }) : "–"),
        el("td", { class: "num" }, searchLink(integer(w.done), { worker: w.id, state: "done" })),
        el("td", { class: "num" }, searchLink(integer(w.failed), { worker: w.id })));
    })));
}

// Pauses or resumes a job kind's queue (one click: nothing is lost, the other button undoes it).
async function setPaused(kind, pause, button) {
  button.disabled = true;
  try {
    const answer = await postJSON("api/queues/" + encodeURIComponent(kind) + "/" + (pause ? "pause" : "resume"), {});
    showMessage("Queue " + kind + (answer.changed ? (pause ? " paused" : " resumed")
      : (pause ? " was paused already" : " was not paused")) + ".", false);
  } catch (error) {
    showMessage((pause ? "Pause" : "Resume") + " of queue " + kind + " failed: " + error.message, true);
  }
  refreshNow();
}

function renderQueues(data) {
  document.getElementById("queues").replaceChildren(el("table", { id: "queues-table" },
    el("tr", null, el("th", null, "kind"), ["stream length", "pending", "lag", "consumers"].map((h) =>
      el("th", { class: "num" }, h)), el("th", null, "state"), el("th", null, "")),
    data.kinds.map((q) => el("tr", { class: "queue" + (q.paused ? " paused" : ""), "data-queue-kind": q.kind,
        "data-length": q.length, "data-pending": q.pending, "data-lag": q.lag, "data-consumers": q.consumers,
        "data-paused": q.paused ? "true" : "false" },
      el("td", null, q.kind), el("td", { class: "num" }, integer(q.length)),
      el("td", { class: "num" }, searchLink(integer(q.pending), { kind: q.kind, state: "running" })),
      el("td", { class: "num" }, searchLink(integer(q.lag), { kind: q.kind, state: "queued" })),
      el("td", { class: "num" }, integer(q.consumers)),
      el("td", { class: "queue-state" }, q.paused ? "paused since " + clock(q.paused_since) : "taking jobs"),
      el("td", null, el("button", { "data-action": q.paused ? "resume-queue" : "pause-queue",
        "data-queue-kind": q.kind, onclick: (e) => setPaused(q.kind, !q.paused, e.currentTarget) },
        q.paused ? "Resume" : "Pause"))))),
    el("p", { class: "legend" }, "Consumer group " + data.group +
      "; a stream holds the waiting and unacknowledged jobs of every run. A paused kind's jobs stay queued " +
      "(jobs already running finish) until it is resumed."));
}

async function refresh() {
  if (busy) { again = true; return; }
  busy = true;
  clearTimeout(timer);
  const status = document.getElementById("status");
  try {
    const [list, queues, workers] = await Promise.all([getJSON("api/runs"), getJSON("api/queues"),
      getJSON("api/workers")]);
    kindOrder = queues.kinds.map((stream) => stream.kind);
    pausedKinds = new Set(queues.kinds.filter((stream) => stream.paused).map((stream) => stream.kind));
    const runs = list.runs.slice().sort((a, b) =>
      (b.created_at || 0) - (a.created_at || 0) || (a.id < b.id ? -1 : 1));
    const details = await Promise.all(runs.map((run, i) => i >= MAX_DETAILS ? null
      : getJSON("api/runs/" + encodeURIComponent(run.id)).catch((error) => ({ error: error.message }))));
    const histories = await Promise.all(runs.map((run, i) => i >= MAX_HISTORIES ? null
      : getJSON("api/runs/" + encodeURIComponent(run.id) + "/history").catch((error) => ({ error: error.message }))));
    const pages = await deadLetterPages(runs);
    pages.forEach((page, i) => { if (page && details[i] && !details[i].error) details[i].dead_lettered = page; });
    renderRuns(runs, details, histories);
    renderRunControls(runs);
    renderWorkers(workers);
    renderQueues(queues);
    syncJobSearchChoices(runs, kindOrder);
    refreshes += 1;
    document.body.setAttribute("data-refreshes", refreshes);
    document.body.setAttribute("data-generated-at", list.generated_at);
    status.textContent = "live";
    status.setAttribute("data-state", "ok");
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (error) {
    status.textContent = "cannot reach the API: " + error.message + " (retrying)";
    status.setAttribute("data-state", "error");
  } finally {
    busy = false;
    timer = setTimeout(refresh, again ? 0 : REFRESH_MS);
    again = false;
  }
}

function refreshNow() { refresh(); }

refresh();
searchFromAddress();
