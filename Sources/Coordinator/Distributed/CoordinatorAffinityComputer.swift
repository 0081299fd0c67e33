import GPLRCore
import GPLRRuntime

/// The `AffinityCompute` step of a distributed run done in the coordinator's own process
/// (``AffinityPlacement/coordinator``): the run record's step says `affinity` while it runs, as with jobs, the
/// solve runs on the ``BlockingExecutor`` (the cooperative pool keeps renewing the coordinator lease), and nothing
/// crosses Redis.
struct CoordinatorAffinityComputer: AffinityComputer {
    let records: RunRecordStore
    let runID: String
    let solver: LocalAffinityComputer

    func affinity(graph: PurchaseGraph, labels: LabelMatrix) async throws -> AffinityMatrix {
        try await records.update(run: runID, [(.step, "affinity")])
        let solver = solver
        return try await BlockingExecutor.shared.run { try solver.solve(graph: graph, labels: labels) }
    }

    /// As in a local run: the coordinator holds RevAff's residuals between iterations (in the running box), so a
    /// RevAff run placed here is incremental and gives the `--local` run's Φ.
    var carriesRevAffResiduals: Bool { solver.carriesRevAffResiduals }

    func addAffinity(graph: PurchaseGraph, labels: LabelMatrix, to running: RunningAffinity) async throws {
        try await records.update(run: runID, [(.step, "affinity")])
        let solver = solver
        try await BlockingExecutor.shared.run { try solver.solve(graph: graph, labels: labels, addingTo: running) }
    }
}
