public import GPLRCore
import Synchronization

/// Computes Ψ = Π·L for a label matrix: the `AffinityCompute` step of Algorithm 1.
///
/// In one process this runs the solvers directly (``LocalAffinityComputer``); the distributed coordinator
/// shards persona columns into `affinity` jobs behind the same protocol.
public protocol AffinityComputer: Sendable {
    func affinity(graph: PurchaseGraph, labels: LabelMatrix) async throws -> AffinityMatrix

    /// Adds Ψ_raw of `labels` into the running Ψ_raw held by `running` (an incremental iteration). The default
    /// computes and adds; a computer whose solver can write into the running matrix does it in one pass.
    func addAffinity(graph: PurchaseGraph, labels: LabelMatrix, to running: RunningAffinity) async throws
}

extension AffinityComputer {
    public func addAffinity(graph: PurchaseGraph, labels: LabelMatrix, to running: RunningAffinity) async throws {
        let increment = try await affinity(graph: graph, labels: labels)
        try running.update { try $0.add(increment) }
    }
}

/// The run's Ψ_raw, held by reference so that a solve on another thread can add into it in place: a copy of the
/// struct would make its users × personas array copy itself on the first write. One iteration's computer is its
/// only user while the run loop awaits it, so the lock is never contended.
public final class RunningAffinity: Sendable {
    private let value: Mutex<AffinityMatrix>

    public init(_ matrix: consuming AffinityMatrix) { value = Mutex(matrix) }

    /// Changes the matrix in place.
    public func update(_ body: (inout AffinityMatrix) throws -> Void) throws {
        try value.withLock { matrix in try body(&matrix) }
    }

    /// The matrix, once the computer is done with it.
    public var matrix: AffinityMatrix { value.withLock { $0 } }
}

/// Runs the exact solver (ε = nil) or RevAff in this process, off the cooperative thread pool's callers only in
/// the sense that the solvers use their own worker threads; the call blocks its task while they run.
public struct LocalAffinityComputer: AffinityComputer {
    public var walkLength: Int
    /// ε for RevAff; `nil` for the exact solver.
    public var epsilon: Double?
    /// Threads for the solver; `nil` = all active processors.
    public var threadCount: Int?

    public init(walkLength: Int, epsilon: Double?, threadCount: Int? = nil) {
        self.walkLength = walkLength
        self.epsilon = epsilon
        self.threadCount = threadCount
    }

    public func affinity(graph: PurchaseGraph, labels: LabelMatrix) async throws -> AffinityMatrix {
        try solve(graph: graph, labels: labels)
    }

    public func addAffinity(graph: PurchaseGraph, labels: LabelMatrix, to running: RunningAffinity) async throws {
        try solve(graph: graph, labels: labels, addingTo: running)
    }

    /// Adds into the running Ψ_raw, synchronously: the exact solver in its own last pass, RevAff by computing and
    /// adding.
    public func solve(graph: PurchaseGraph, labels: LabelMatrix, addingTo running: RunningAffinity) throws {
        guard epsilon == nil else {
            let increment = try solve(graph: graph, labels: labels)
            try running.update { try $0.add(increment, threadCount: threadCount) }
            return
        }
        var solver = ExactAffinity(walkLength: walkLength)
        if let threadCount { solver.threadCount = threadCount }
        try running.update { try solver.add(graph: graph, labels: labels, into: &$0) }
    }

    /// The same, synchronously (to hand to a ``BlockingExecutor``).
    public func solve(graph: PurchaseGraph, labels: LabelMatrix) throws -> AffinityMatrix {
        if let epsilon {
            return try RevAff(walkLength: walkLength, epsilon: epsilon, threadCount: threadCount)
                .compute(graph: graph, labels: labels).affinity
        }
        return try ExactAffinity(walkLength: walkLength, threadCount: threadCount).compute(graph: graph, labels: labels)
    }
}
