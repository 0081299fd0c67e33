import Foundation
import GPLRCore
import GPLRRedis
import GPLRRuntime

/// The `AffinityCompute` step of Algorithm 1 as `affinity` jobs: the iteration's prototypes are stored once as
/// the side input `prototypes-t<t>-<p>` (a ``PrototypeSet`` in JSON, `p` its hash), the personas are split into
/// shards of `personasPerShard` columns, one job per shard (``AffinityJobDefinition``, step
/// `t<t>-p<first persona>`), and the shards' Ψ columns are assembled into one matrix.
struct DistributedAffinityComputer: AffinityComputer {
    /// Waits for the run's jobs; its queue, record store and run id are the ones the jobs go to.
    let waiter: JobWaiter
    let snapshotHash: String
    let parameters: RunParameters
    let personasPerShard: Int

    func affinity(graph: PurchaseGraph, labels: LabelMatrix) async throws -> AffinityMatrix {
        let iteration = RunStep.iteration
        let (queue, runID) = (waiter.queue, waiter.runID)
        try await waiter.records.update(run: runID, [(.step, "affinity")])
        let prototypes = try Self.prototypes(of: labels, run: runID)
        let prototypesJSON = try JobCoding.encode(prototypes)
        let prototypesName = "prototypes-t\(iteration)-" + JobID.shortHash(Array(prototypesJSON))
        let prototypesKey = queue.keys.run(runID).sideInput(prototypesName)

        var jobs: [JobEnvelope] = []
        var shardOfJob: [String: [Int]] = [:]
        for first in stride(from: 0, to: labels.personaCount, by: personasPerShard) {
            let shard = Array(first..<min(first + personasPerShard, labels.personaCount))
            let job = try AffinityJobDefinition.envelope(
                AffinityJob(
                    snapshot: snapshotHash, personaCount: labels.personaCount, personas: shard,
                    prototypesKey: prototypesKey, walkLength: parameters.walkLength, beta: parameters.beta,
                    solver: AffinitySolver(epsilon: parameters.epsilon)),
                run: runID, step: "t\(iteration)-p\(first)")
            jobs.append(job)
            shardOfJob[job.id] = shard
        }
        try await waiter.enqueueUnfinished(
            jobs, what: "affinity jobs", detail: " over \(labels.personaCount) personas",
            beforeEnqueue: {
                // The prototypes first: a worker may take a job the moment it is enqueued.
                _ = try await queue.storeSideInput(prototypesJSON, run: runID, name: prototypesName)
            })

        var shards: [AffinityMatrix] = []
        try await waiter.wait(
            for: jobs.map(\.id), kind: AffinityJobDefinition.kind, step: "affinity jobs of iteration \(iteration)",
            progressLabel: "iteration \(iteration) · affinity", fetchBatch: 1
        ) { id, data in
            let shard = try AffinityJobDefinition.decodeResult(data, job: id, run: runID, what: "an affinity shard")
            guard shard.personas == shardOfJob[id], shard.userCount == graph.userCount,
                shard.personaCount == labels.personaCount
            else {
                throw DistributedRunError(
                    .badResult,
                    "result of job \(id) holds personas \(shard.personas) of \(shard.personaCount) for "
                        + "\(shard.userCount) users; expected \(shardOfJob[id] ?? []) of \(labels.personaCount) for "
                        + "\(graph.userCount) users",
                    run: runID)
            }
            shards.append(shard)
        }
        // Every shard has its result: the prototypes are not needed any more (a late duplicate delivery of a
        // finished job fails to read them, and a failure of a job that has a result is ignored).
        try await queue.deleteSideInput(prototypesKey)
        return try AffinityMatrix.assembled(from: shards)
    }

    /// The prototype set behind a label matrix: each non-zero row's personas. "Unrepresentable" prototypes have
    /// no row, but they contribute nothing to L (nor to Q̂), so the set rebuilds exactly this L; checked.
    static func prototypes(of labels: LabelMatrix, run: String) throws -> PrototypeSet {
        var prototypes = PrototypeLabels(personaCount: labels.personaCount)
        for index in 0..<labels.rowCount {
            try prototypes.setPersonas(labels.row(at: index).map(\.persona), forUser: labels.rowUsers[index])
        }
        let rebuilt = try LabelMatrix(labels: prototypes, userCount: labels.userCount, beta: labels.beta)
        guard rebuilt == labels else {
            throw DistributedRunError(
                .invalidInput, "the label matrix cannot be rebuilt from its prototypes (internal error)", run: run)
        }
        return PrototypeSet(prototypes)
    }
}
