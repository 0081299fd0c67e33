import GPLRCore

/// Runs an `affinity` job: L_raw from the job's prototypes, then what they add to Ψ_raw[:, shard] with the job's
/// solver: exact, or RevAff pushing them together with the shard's carried residuals.
///
/// Pure and synchronous (CPU-heavy: call it off the cooperative pool). Everything in the payload is checked
/// against the graph first, so a bad job fails with a non-retriable ``JobExecutionError`` naming the problem
/// instead of an algorithm error deep inside.
struct AffinityJobExecutor: Sendable {
    /// Threads of one computation (`nil`: one per core).
    var threadCount: Int?
    /// The longest walk accepted (ℓ̂ multiplies the cost; the paper uses 1 to 3).
    static let maximumWalkLength = 64

    init(threadCount: Int? = nil) {
        self.threadCount = threadCount
    }

    /// What the job's prototypes add to the Ψ_raw columns of its persona shard; with RevAff, pushed together with
    /// `residuals` (the shard's, carried from earlier iterations; `nil`: none), and the residuals left now.
    /// - Throws: ``JobExecutionError`` (never retriable: the same payload fails the same way everywhere).
    func execute(_ job: AffinityJob, graph: PurchaseGraph, prototypes: PrototypeSet, residuals: RevAffResiduals? = nil)
        throws -> AffinityShardResult
    {
        try Self.validate(job, graph: graph, prototypes: prototypes)
        if residuals != nil, job.solver == .exact {
            throw JobExecutionError(.invalidPayload, "an exact affinity job names RevAff residuals")
        }
        do {
            let labels = try LabelMatrix(labels: prototypes.labels(), userCount: graph.userCount, beta: job.beta)
            switch job.solver {
            case .revAff(let epsilon):
                let (result, left) = try RevAff(walkLength: job.walkLength, epsilon: epsilon, threadCount: threadCount)
                    .increment(
                        graph: graph, labels: labels, personas: job.personas,
                        carrying: residuals ?? RevAffResiduals())
                return AffinityShardResult(affinity: result.affinity, residuals: left)
            case .exact:
                return AffinityShardResult(
                    affinity: try ExactAffinity(walkLength: job.walkLength, threadCount: threadCount)
                        .compute(graph: graph, labels: labels, personas: job.personas))
            }
        } catch let error as AlgorithmError {
            throw JobExecutionError(.computation, "affinity computation refused the job", underlying: error)
        }
    }

    /// Checks the parameters, shard and prototypes against `graph`.
    static func validate(_ job: AffinityJob, graph: PurchaseGraph, prototypes: PrototypeSet) throws {
        guard job.personaCount >= 1 else {
            throw JobExecutionError(.invalidPayload, "persona count must be ≥ 1, got \(job.personaCount)")
        }
        guard (1...maximumWalkLength).contains(job.walkLength) else {
            throw JobExecutionError(
                .invalidPayload, "walk length must be in 1 ... \(maximumWalkLength), got \(job.walkLength)")
        }
        guard job.beta.isFinite && job.beta >= 0 else {
            throw JobExecutionError(.invalidPayload, "beta must be finite and ≥ 0, got \(job.beta)")
        }
        if let epsilon = job.solver.epsilon, !(epsilon.isFinite && epsilon >= 0) {
            throw JobExecutionError(.invalidPayload, "epsilon must be finite and ≥ 0, got \(epsilon)")
        }
        guard !job.personas.isEmpty else { throw JobExecutionError(.invalidPayload, "the persona shard is empty") }
        guard Set(job.personas).count == job.personas.count else {
            throw JobExecutionError(.invalidPayload, "the persona shard names a persona twice")
        }
        if let bad = job.personas.first(where: { !(0..<job.personaCount).contains($0) }) {
            throw JobExecutionError(.outOfRange, "shard persona \(bad) is not in 0 ..< \(job.personaCount)")
        }
        guard prototypes.personaCount == job.personaCount else {
            throw JobExecutionError(
                .prototypes, "prototypes have \(prototypes.personaCount) personas, the job \(job.personaCount)")
        }
        guard prototypes.users.count == prototypes.personas.count else {
            throw JobExecutionError(
                .prototypes,
                "prototypes list \(prototypes.users.count) users but \(prototypes.personas.count) persona lists")
        }
        if let bad = prototypes.users.first(where: { !(0..<graph.userCount).contains($0) }) {
            throw JobExecutionError(
                .outOfRange, "prototype user \(bad) is not in 0 ..< \(graph.userCount) (the snapshot's users)")
        }
        for (user, personas) in zip(prototypes.users, prototypes.personas) {
            if let bad = personas.first(where: { !(0..<job.personaCount).contains($0) }) {
                throw JobExecutionError(
                    .outOfRange, "prototype user \(user) has persona \(bad), not in 0 ..< \(job.personaCount)")
            }
        }
    }
}
