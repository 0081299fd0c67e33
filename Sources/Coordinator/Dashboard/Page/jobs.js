"use strict";
// Job detail and the pages of a run's dead letters. The detail shown per run and the page each run is on are
// kept here, by run id, since the page is redrawn every 2 s.
const openJobs = new Map();
const deadOffsets = new Map();
// Dead letters per page: 100 (the API's maximum), or ?dead_page_size=N in the page's address (1 ... 100).
const DEAD_PAGE_SIZE = Math.min(100, Math.max(1,
  Number(new URLSearchParams(location.search).get("dead_page_size")) || 100));

async function showJob(runID, jobID) {
  try {
    openJobs.set(runID, await getJSON("api/runs/" + encodeURIComponent(runID) + "/jobs/" +
      encodeURIComponent(jobID)));
  } catch (error) {
    openJobs.set(runID, { id: jobID, failure: error.message });
  }
  refreshNow();
}

// The job button of a table row: opens the job's detail above the table.
const jobButton = (run, job) => el("button", { class: "link", "data-action": "job-detail", "data-run-id": run.id,
  "data-job-id": job.id, onclick: () => showJob(run.id, job.id) }, job.id);

function jobPanel(run) {
  const job = openJobs.get(run.id);
  if (!job) return null;
  const close = el("button", { "data-action": "close-job", onclick: () => { openJobs.delete(run.id); refreshNow(); } },
    "Close");
  if (job.failure) {
    return el("div", { class: "job-detail", "data-run-id": run.id, "data-job-id": job.id, "data-state": "error" },
      el("h3", null, "Job " + job.id + " ", close), el("p", { class: "run-error" }, job.failure));
  }
  const payload = job.payload;
  const rows = [["kind", job.kind], ["state", job.state.replace("_", " ")], ["in the run's job set",
    job.enqueued ? "yes" : "no (dropped by a cancel or a discard)"],
  ["retry generation", job.attempt ?? "–"], ["deliveries of the last entry", job.deliveries ?? "–"],
  ["dead-lettered at", clock(job.dead_lettered_at)],
  ["result", job.result_bytes === null || job.result_bytes === undefined ? "none" : integer(job.result_bytes) + " bytes"],
  ["payload", payload ? integer(payload.bytes) + " bytes" : "not kept (only a dead letter keeps its envelope)"]];
  if (payload) {
    for (const key of Object.keys(payload.fields).sort()) rows.push(["payload." + key, payload.fields[key]]);
  }
  return el("div", { class: "job-detail", "data-run-id": run.id, "data-job-id": job.id, "data-state": job.state,
      "data-kind": job.kind, "data-attempt": job.attempt, "data-deliveries": job.deliveries,
      "data-payload-bytes": payload ? payload.bytes : null },
    el("h3", null, "Job " + job.id + " ", close),
    el("dl", null, rows.map(([name, value]) => [el("dt", null, name), el("dd", null, String(value))])),
    job.error ? el("div", { class: "error-text", "data-field": "job-error" }, job.error) : null,
    attemptsTable(job.attempts || []));
}

// The job's deliveries to workers, oldest first: worker, start, end, seconds, outcome.
function attemptsTable(attempts) {
  if (!attempts.length) return el("p", { class: "jobs-note" }, "No attempts recorded.");
  return el("table", { class: "attempts" },
    el("tr", null, ["#", "worker", "started", "ended", "seconds", "outcome"].map((h) => el("th", null, h))),
    attempts.map((a) => el("tr", { class: "attempt " + a.outcome, "data-worker": a.worker, "data-delivery": a.delivery,
        "data-started-at": a.started_at, "data-ended-at": a.ended_at, "data-outcome": a.outcome },
      el("td", { class: "num" }, a.delivery), el("td", null, a.worker), el("td", null, clock(a.started_at)),
      el("td", null, a.ended_at ? clock(a.ended_at) : "–"),
      el("td", { class: "num" }, a.ended_at ? ((a.ended_at - a.started_at) / 1000).toFixed(1) : "–"),
      el("td", null, a.outcome.replace("_", " ")))));
}

// The dead letters of the runs that are not on their first page, or all when the page size is not 100.
function deadLetterPages(runs) {
  return Promise.all(runs.map((run, i) => {
    const offset = deadOffsets.get(run.id) || 0;
    if (i >= MAX_DETAILS || (offset === 0 && DEAD_PAGE_SIZE === 100)) return null;
    return getJSON("api/runs/" + encodeURIComponent(run.id) + "/dead-letters?offset=" + offset + "&limit=" +
      DEAD_PAGE_SIZE).catch(() => null);
  }));
}

// "Dead letters X–Y of N" with Previous and Next, when they do not fit on one page.
function deadPager(run, dead) {
  const offset = dead.offset || 0;
  if (dead.total <= dead.jobs.length && offset === 0) return null;
  const go = (to) => { deadOffsets.set(run.id, Math.max(0, to)); refreshNow(); };
  return el("p", { class: "jobs-note pager", "data-run-id": run.id, "data-offset": offset,
      "data-total": dead.total },
    "Dead letters " + integer(dead.jobs.length ? offset + 1 : 0) + "–" + integer(offset + dead.jobs.length) +
      " of " + integer(dead.total) + " ",
    el("button", { "data-action": "dead-prev", "data-run-id": run.id, disabled: offset === 0 ? "disabled" : null,
      onclick: () => go(offset - DEAD_PAGE_SIZE) }, "Previous"), " ",
    el("button", { "data-action": "dead-next", "data-run-id": run.id,
      disabled: offset + dead.jobs.length >= dead.total ? "disabled" : null,
      onclick: () => go(offset + DEAD_PAGE_SIZE) }, "Next"));
}

// Search of a run's jobs (GET api/runs/{id}/jobs): the form is static (not redrawn every 2 s, so typing is not
// lost); a search shows one page of the jobs that pass, as they were when it ran, with Previous/Next.
// Jobs per page: 50, or ?job_page_size=N in the page's address (1 ... 100).
const JOB_PAGE_SIZE = Math.min(100, Math.max(1,
  Number(new URLSearchParams(location.search).get("job_page_size")) || 50));

// Keeps the run and kind choices in step with the runs and kinds the server knows.
function syncJobSearchChoices(runs, kinds) {
  const fill = (select, values, first) => {
    const current = select.value;
    const wanted = (first ? [first] : []).concat(values.map((v) => [v, v]));
    const have = [...select.options].map((o) => o.value + "\u0000" + o.textContent).join("\u0001");
    if (have === wanted.map(([v, t]) => v + "\u0000" + t).join("\u0001")) return;
    select.replaceChildren(...wanted.map(([v, t]) => el("option", { value: v }, t)));
    if (wanted.some(([v]) => v === current)) select.value = current;
  };
  fill(document.getElementById("job-run"), runs.map((run) => run.id), null);
  fill(document.getElementById("job-kind"), kinds, ["", "any"]);
}

// The search's query parameters and the form fields they come from; a link's `#jobs?…` uses the same names.
const SEARCH_FIELDS = [["state", "job-state"], ["kind", "job-kind"], ["iteration", "job-iteration"],
  ["worker", "job-worker"], ["q", "job-text"]];

// A count on the page as a link to the job search with that filter (`#jobs?run=…&state=…`): a click fills the
// form and searches; the same address opened later does too.
function searchLink(text, filter) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) {
    if (value !== null && value !== undefined && value !== "") params.set(name, value);
  }
  const href = "#jobs?" + params.toString();
  return el("a", { class: "search-link", href, "data-search": params.toString(), onclick: (e) => {
    e.preventDefault();
    history.replaceState(null, "", href);
    searchFromAddress();
  } }, text);
}

// Fills the form from `#jobs?…` in the address and searches; nothing for another address.
function searchFromAddress() {
  if (!location.hash.startsWith("#jobs?")) return;
  const params = new URLSearchParams(location.hash.slice("#jobs?".length));
  const run = params.get("run");
  if (run) {
    const select = document.getElementById("job-run");
    // The run may not be offered yet (before the first refresh): offer it now; the refresh keeps it.
    if (![...select.options].some((o) => o.value === run)) select.append(el("option", { value: run }, run));
    select.value = run;
  }
  for (const [name, id] of SEARCH_FIELDS) {
    const field = document.getElementById(id), value = params.get(name) || "";
    if (field.tagName === "SELECT" && value && ![...field.options].some((o) => o.value === value)) {
      field.append(el("option", { value }, value));
    }
    field.value = value;
  }
  document.getElementById("jobs-section").scrollIntoView();
  searchJobs(0);
}

// Searches answer in any order (a text search reads every job's error); only the one started last may show its
// page, or a slow earlier answer would replace a newer one.
let latestSearch = 0;

async function searchJobs(offset) {
  const run = document.getElementById("job-run").value;
  if (!run) { showMessage("No run to search.", true); return; }
  const params = new URLSearchParams();
  for (const [name, id] of SEARCH_FIELDS) {
    const value = document.getElementById(id).value.trim();
    if (value !== "") params.set(name, value);
  }
  params.set("offset", Math.max(0, offset));
  params.set("limit", JOB_PAGE_SIZE);
  const box = document.getElementById("job-results");
  const search = ++latestSearch;
  try {
    const page = await getJSON("api/runs/" + encodeURIComponent(run) + "/jobs?" + params.toString());
    if (search === latestSearch) renderJobResults(page, params.toString());
  } catch (error) {
    if (search === latestSearch) {
      box.replaceChildren(el("p", { class: "run-error", "data-state": "error" }, error.message));
    }
  }
}

// `query`: the search's parameters, kept on the pager (`data-query`) so that what is shown says which search it is.
function renderJobResults(page, query) {
  const offset = page.offset;
  const pager = el("p", { class: "jobs-note job-pager", "data-run-id": page.run, "data-total": page.total,
      "data-offset": offset, "data-shown": page.jobs.length, "data-query": query },
    "Jobs " + integer(page.jobs.length ? offset + 1 : 0) + "–" + integer(offset + page.jobs.length) + " of " +
      integer(page.total) + " that match, as of " + new Date().toLocaleTimeString() + " ",
    el("button", { "data-action": "job-page-prev", disabled: offset === 0 ? "disabled" : null,
      onclick: () => searchJobs(offset - page.limit) }, "Previous"), " ",
    el("button", { "data-action": "job-page-next", disabled: offset + page.jobs.length >= page.total ? "disabled" : null,
      onclick: () => searchJobs(offset + page.limit) }, "Next"));
  const run = { id: page.run };
  document.getElementById("job-results").replaceChildren(pager, page.jobs.length === 0
    ? el("p", { class: "muted" }, "No job matches.")
    : el("table", { id: "job-results-table" },
      el("tr", null, ["job", "kind", "iteration", "state", "worker", "last error"].map((h) => el("th", null, h))),
      page.jobs.map((job) => el("tr", { class: "job-result", "data-run-id": page.run, "data-job-id": job.id,
          "data-kind": job.kind, "data-iteration": job.iteration, "data-state": job.state, "data-worker": job.worker },
        el("td", null, jobButton(run, job)), el("td", null, job.kind), el("td", { class: "num" }, job.iteration ?? "–"),
        el("td", null, job.state), el("td", null, job.worker ?? "–"),
        el("td", { class: "error-text" }, job.error ?? "")))));
}

document.getElementById("job-search-button").addEventListener("click", () => searchJobs(0));
for (const id of ["job-text", "job-worker"]) {
  document.getElementById(id).addEventListener("keydown", (e) => { if (e.key === "Enter") searchJobs(0); });
}
window.addEventListener("hashchange", searchFromAddress);
