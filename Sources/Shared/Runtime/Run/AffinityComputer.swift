public import GPLRCore

/// Computes Ψ = Π·L for a label matrix: the `AffinityCompute` step of Algorithm 1.
///
/// In one process this runs the solvers directly (``LocalAffinityComputer``); the distributed coordinator
/// shards persona columns into `affinity` jobs behind the same protocol.
public protocol AffinityComputer: Sendable {
    func affinity(graph: PurchaseGraph, labels: LabelMatrix) async throws -> AffinityMatrix
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

    /// The same, synchronously (to hand to a ``BlockingExecutor``).
    public func solve(graph: PurchaseGraph, labels: LabelMatrix) throws -> AffinityMatrix {
        if let epsilon {
            return try RevAff(walkLength: walkLength, epsilon: epsilon, threadCount: threadCount)
                .compute(graph: graph, labels: labels).affinity
        }
        return try ExactAffinity(walkLength: walkLength, threadCount: threadCount).compute(graph: graph, labels: labels)
    }
}
