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

    /// Whether ``addAffinity(graph:labels:to:)`` with RevAff carries the residuals below θ between additions
    /// (``IncrementalRevAff``), so that adding each iteration's new prototypes keeps the bound ε of one solve from
    /// all of them. When `false` (the default), a RevAff run solves from every prototype each iteration.
    var carriesRevAffResiduals: Bool { get }
}

extension AffinityComputer {
    public func addAffinity(graph: PurchaseGraph, labels: LabelMatrix, to running: RunningAffinity) async throws {
        let increment = try await affinity(graph: graph, labels: labels)
        try running.update { try $0.add(increment) }
    }

    public var carriesRevAffResiduals: Bool { false }
}

/// The run's Ψ_raw, held by reference so that a solve on another thread can add into it in place: a copy of the
/// struct would make its users × personas array copy itself on the first write. One iteration's computer is its
/// only user while the run loop awaits it, so the lock is never contended.
public final class RunningAffinity: Sendable {
    private struct Contents {
        var matrix: AffinityMatrix
        var revAff: IncrementalRevAff?
        var residuals = RevAffResiduals()
        /// The exact solver's slabs, kept from one addition to the next (``ExactScratch``).
        let exactScratch = ExactScratch()
    }
    private let value: Mutex<Contents>

    public init(_ matrix: consuming AffinityMatrix) { value = Mutex(Contents(matrix: matrix)) }

    /// Changes the matrix in place.
    public func update(_ body: (inout AffinityMatrix) throws -> Void) throws {
        try value.withLock { contents in try body(&contents.matrix) }
    }

    /// Changes the matrix and RevAff's running state (its column-major Ψ̂ and carried residuals; `nil` until the
    /// first RevAff addition) together.
    public func update(carrying body: (inout AffinityMatrix, inout IncrementalRevAff?) throws -> Void) throws {
        try value.withLock { contents in try body(&contents.matrix, &contents.revAff) }
    }

    /// Changes the matrix and the RevAff residuals carried for computers that keep them out of process (the
    /// distributed run's `affinity` jobs, ``RevAffResiduals``; empty until the first RevAff addition) together.
    public func update(residuals body: (inout AffinityMatrix, inout RevAffResiduals) throws -> Void) throws {
        try value.withLock { contents in try body(&contents.matrix, &contents.residuals) }
    }

    /// Changes the matrix with the exact solver's slabs kept for the run (see ``ExactScratch``).
    package func update(scratch body: (inout AffinityMatrix, ExactScratch) throws -> Void) throws {
        try value.withLock { contents in try body(&contents.matrix, contents.exactScratch) }
    }

    /// The RevAff residuals carried out of process (see ``update(residuals:)``).
    public var residuals: RevAffResiduals { value.withLock { $0.residuals } }

    /// The matrix, once the computer is done with it.
    public var matrix: AffinityMatrix { value.withLock { $0.matrix } }
}

/// Runs the exact solver or RevAff in this process, off the cooperative thread pool's callers only in
/// the sense that the solvers use their own worker threads; the call blocks its task while they run.
public struct LocalAffinityComputer: AffinityComputer {
    public var walkLength: Int
    public var solver: AffinitySolver
    /// Threads for the solver; `nil` = all active processors.
    public var threadCount: Int?

    public init(walkLength: Int, solver: AffinitySolver, threadCount: Int? = nil) {
        self.walkLength = walkLength
        self.solver = solver
        self.threadCount = threadCount
    }

    public func affinity(graph: PurchaseGraph, labels: LabelMatrix) async throws -> AffinityMatrix {
        try solve(graph: graph, labels: labels)
    }

    public func addAffinity(graph: PurchaseGraph, labels: LabelMatrix, to running: RunningAffinity) async throws {
        try solve(graph: graph, labels: labels, addingTo: running)
    }

    /// RevAff's additions carry their residuals in the running state (``IncrementalRevAff``).
    public var carriesRevAffResiduals: Bool { true }

    /// Adds into the running Ψ_raw, synchronously: the exact solver in its own last pass; RevAff by pushing the new
    /// seeds into its running column-major Ψ̂ with the residuals it carries, then writing that out row-major.
    public func solve(graph: PurchaseGraph, labels: LabelMatrix, addingTo running: RunningAffinity) throws {
        if case .revAff(let epsilon) = solver {
            let solver = RevAff(walkLength: walkLength, epsilon: epsilon, threadCount: threadCount)
            try running.update { matrix, carried in
                // Moved out of the box while it is changed, so its arrays are not copied on write.
                var state =
                    carried
                    ?? IncrementalRevAff(
                        solver: solver, userCount: graph.userCount, personaCount: labels.personaCount)
                carried = nil
                guard state.solver.epsilon == epsilon, state.solver.walkLength == walkLength else {
                    throw AlgorithmError(
                        .invalidParameter, "RevAff's running state was built with another ε or ℓ̂",
                        context: "LocalAffinityComputer")
                }
                // The state is the whole of Ψ̂ and replaces the matrix: it must not hold anything else.
                guard state.pushes > 0 || !matrix.values.contains(where: { $0 != 0 }) else {
                    throw AlgorithmError(
                        .invalidParameter, "RevAff's incremental Ψ̂ must start from an empty matrix",
                        context: "LocalAffinityComputer")
                }
                try state.add(graph: graph, labels: labels)
                try state.writeRowMajor(into: &matrix)
                carried = state
            }
            return
        }
        var solver = ExactAffinity(walkLength: walkLength)
        if let threadCount { solver.threadCount = threadCount }
        try running.update { matrix, scratch in
            try solver.add(graph: graph, labels: labels, into: &matrix, scratch: scratch)
        }
    }

    /// The same, synchronously (to hand to a ``BlockingExecutor``).
    public func solve(graph: PurchaseGraph, labels: LabelMatrix) throws -> AffinityMatrix {
        if case .revAff(let epsilon) = solver {
            return try RevAff(walkLength: walkLength, epsilon: epsilon, threadCount: threadCount)
                .compute(graph: graph, labels: labels).affinity
        }
        return try ExactAffinity(walkLength: walkLength, threadCount: threadCount).compute(graph: graph, labels: labels)
    }
}
