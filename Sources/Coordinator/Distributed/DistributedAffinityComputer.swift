import Foundation
import GPLRCore
import GPLRRedis
import GPLRRuntime

/// The `AffinityCompute` step of Algorithm 1 as `affinity` jobs: the iteration's prototypes are stored once as
/// the side input `prototypes-t<t>-<p>` (a ``PrototypeSet`` in JSON, `p` its hash), the personas are split into
/// shards of `personasPerShard` columns, one job per shard (``AffinityJobDefinition``, step
/// `t<t>-p<first persona>`), and each shard's columns are added into the running Ψ_raw as its result arrives (the
/// coordinator never holds an iteration's shards together: its peak is the running matrix and one shard).
///
/// Incremental, like a local run: each iteration's jobs carry only its new prototypes, and their results are added
/// to the running Ψ_raw. RevAff's residuals below θ travel with the jobs: each shard's job reads what the shard's
/// previous job left (the side input `residuals-t<t>-p<first>-<h>`, ``RevAffResiduals`` in binary) and returns what
/// it leaves now, which the coordinator holds in the running box until the next iteration. The workers stay
/// stateless, and the pushes are a local run's, so the running Ψ̂ is the local run's to the last bit.
struct DistributedAffinityComputer: AffinityComputer {
    /// Waits for the run's jobs; its queue, record store and run id are the ones the jobs go to.
    let waiter: JobWaiter
    let snapshotHash: String
    let parameters: RunParameters
    let personasPerShard: Int

    /// RevAff's residuals are carried between iterations through the jobs' side inputs and results.
    var carriesRevAffResiduals: Bool { true }

    func affinity(graph: PurchaseGraph, labels: LabelMatrix) async throws -> AffinityMatrix {
        let box = RunningAffinity(try AffinityMatrix(zerosForUsers: graph.userCount, personaCount: labels.personaCount))
        try await add(graph: graph, labels: labels, to: box, carrying: nil)
        return box.matrix
    }

    func addAffinity(graph: PurchaseGraph, labels: LabelMatrix, to running: RunningAffinity) async throws {
        try await add(
            graph: graph, labels: labels, to: running, carrying: parameters.solver == .exact ? nil : running.residuals)
    }

    /// Adds what `labels` add to Ψ_raw into `running`, by shard jobs, each shard as its result arrives; with
    /// `carrying` (RevAff), each shard's job continues from its residuals there, and the residuals the jobs leave
    /// replace the running box's. A failure leaves the box half updated: the run stops, and a resumed or rebuilt
    /// run builds a new one.
    private func add(
        graph: PurchaseGraph, labels: LabelMatrix, to running: RunningAffinity, carrying: RevAffResiduals?
    ) async throws {
        let iteration = RunStep.iteration
        let (queue, runID) = (waiter.queue, waiter.runID)
        try await waiter.records.update(run: runID, [(.step, "affinity")])
        let prototypes = try Self.prototypes(of: labels, run: runID)
        let prototypesJSON = try JobCoding.encode(prototypes)
        let prototypesName = "prototypes-t\(iteration)-" + JobID.shortHash(Array(prototypesJSON))
        let prototypesKey = queue.keys.run(runID).sideInput(prototypesName)

        var jobs: [JobEnvelope] = []
        var shardOfJob: [String: [Int]] = [:]
        /// The residual side inputs to store before the jobs, by name.
        var residualInputs: [(name: String, bytes: [UInt8])] = []
        for first in stride(from: 0, to: labels.personaCount, by: personasPerShard) {
            let shard = Array(first..<min(first + personasPerShard, labels.personaCount))
            var residualsKey: String?
            if let shardResiduals = carrying?.restricted(to: shard), shardResiduals.count > 0 {
                let bytes = shardResiduals.encoded()
                let name = "residuals-t\(iteration)-p\(first)-" + JobID.shortHash(bytes)
                residualInputs.append((name, bytes))
                residualsKey = queue.keys.run(runID).sideInput(name)
            }
            let job = try AffinityJobDefinition.envelope(
                AffinityJob(
                    snapshot: snapshotHash, personaCount: labels.personaCount, personas: shard,
                    prototypesKey: prototypesKey, walkLength: parameters.walkLength, beta: parameters.beta,
                    solver: parameters.solver, residualsKey: residualsKey),
                run: runID, step: "t\(iteration)-p\(first)")
            jobs.append(job)
            shardOfJob[job.id] = shard
        }
        try await waiter.enqueueUnfinished(
            jobs, what: "affinity jobs", detail: " over \(labels.personaCount) personas",
            beforeEnqueue: {
                // The side inputs first: a worker may take a job the moment it is enqueued.
                _ = try await queue.storeSideInput(prototypesJSON, run: runID, name: prototypesName)
                for input in residualInputs {
                    _ = try await queue.storeSideInput(Data(input.bytes), run: runID, name: input.name)
                }
            })

        try await waiter.wait(
            for: jobs.map(\.id), kind: AffinityJobDefinition.kind, step: "affinity jobs of iteration \(iteration)",
            progressLabel: "iteration \(iteration) · affinity", fetchBatch: 1
        ) { id, data in
            let result = try AffinityJobDefinition.decodeResult(
                data, job: id, run: runID, what: "an affinity shard")
            let shard = result.affinity
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
            if carrying != nil, result.residuals == nil {
                throw DistributedRunError(
                    .badResult, "result of RevAff job \(id) carries no residuals (a worker older than the run?)",
                    run: runID)
            }
            try running.update(residuals: { matrix, residuals in
                try matrix.add(columnsOf: shard)
                if carrying != nil, let left = result.residuals { residuals = residuals.merging(left) }
            })
        }
        // Every shard has its result: the side inputs are not needed any more (a late duplicate delivery of a
        // finished job fails to read them, and a failure of a job that has a result is ignored).
        try await queue.deleteSideInput(prototypesKey)
        for input in residualInputs { try await queue.deleteSideInput(queue.keys.run(runID).sideInput(input.name)) }
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
