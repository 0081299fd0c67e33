import Foundation
import GPLRCore
import GPLRLLM
import GPLRRedis
import GPLRRuntime
import GPLRSupport

/// The `LLMAnswer` step of Algorithm 1 as `label` jobs: the sample is split into batches of `batchSize` users (the
/// preflight into two batches), in sample order; each batch becomes a job with a deterministic id
/// (``LabelJobDefinition``, step `t<iteration>`),
/// jobs whose result already exists are not enqueued again, and the answers are merged once all have arrived.
struct DistributedLabeler: PersonaLabeler {
    /// Waits for the run's jobs; its queue, record store and run id are the ones the jobs go to.
    let waiter: JobWaiter
    let snapshotHash: String
    let personas: [Persona]
    let spec: LabelerSpec
    let batchSize: Int

    func label(users: [Int], in graph: PurchaseGraph) async throws -> LabelingBatch {
        let iteration = RunStep.iteration
        let runID = waiter.runID
        try await waiter.records.update(run: runID, [(.iteration, RedisArgument(iteration)), (.step, "labeling")])
        var jobs: [JobEnvelope] = []
        var usersOfJob: [String: [Int]] = [:]
        // The preflight's few users go out as two jobs (when the batch size would make one): each worker's first job
        // fetches the snapshot and reads the labels file, and two workers then do that at once instead of one
        // after the other (3–4 s each at 1M users).
        let size = RunStep.isPreflight ? min(batchSize, max(1, (users.count + 1) / 2)) : batchSize
        for batch in users.chunked(size) {
            let job = try LabelJobDefinition.envelope(
                LabelJob(snapshot: snapshotHash, users: batch, personas: personas, labeler: spec), run: runID,
                step: "t\(iteration)")
            jobs.append(job)
            usersOfJob[job.id] = batch
        }
        try await waiter.enqueueUnfinished(jobs, what: "label jobs", detail: " for \(users.count) users")

        var merged = LabelingBatch()
        var withFailures: [String] = []
        try await waiter.wait(
            for: jobs.map(\.id), kind: LabelJobDefinition.kind, step: "label jobs of iteration \(iteration)",
            progressLabel: "iteration \(iteration) · label"
        ) { id, data in
            let result = try LabelJobDefinition.decodeResult(data, job: id, run: runID, what: "a label result")
            let asked = Set(usersOfJob[id] ?? [])
            var batch = result.batch
            batch.labels = batch.labels.filter { asked.contains($0.key) }
            batch.failures = batch.failures.filter { asked.contains($0.key) }
            for user in asked where batch.labels[user] == nil && batch.failures[user] == nil {
                batch.failures[user] = "no answer for this user in the result of job \(id)"
                batch.counters["missing-from-job-result", default: 0] += 1
            }
            if !batch.failures.isEmpty { withFailures.append(id) }
            merged.merge(batch)
        }
        // A failure is not an answer: should this iteration be planned again (a resume after the run failed for
        // them, or after a crash before its checkpoint), those jobs run again instead of reusing the failures.
        // Their answered users cost nothing the second time (the LLM cache).
        try await waiter.queue.forget(run: runID, jobIDs: withFailures)
        return merged
    }
}
