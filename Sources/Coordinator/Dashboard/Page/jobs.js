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
    job.error ? el("div", { class: "error-text", "data-field": "job-error" }, job.error) : null);
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
