public import GPLRCore

/// An `affinity` job: compute what the iteration's new prototypes add to the Ψ_raw columns (Π·L_raw, c_r not
/// applied) of a shard of personas; the coordinator adds the result to its running Ψ_raw. With the exact solver that
/// is Π·L_raw of the new prototypes. With RevAff it is what their seeds add when pushed together with the residuals
/// earlier iterations left below θ (``residualsKey``), and the result also carries the residuals this push leaves,
/// for the next iteration's job (``RevAff/increment(graph:labels:personas:carrying:)``): the worker stays
/// stateless and the run incremental, with the pushes of a local run.
///
/// The prototypes (which can be large) are not in the payload: they are stored once per iteration in Redis
/// under ``prototypesKey`` (a ``PrototypeSet`` in JSON), and every shard of that iteration reads the same value.
/// Version 2: results are Ψ_raw (version 1 returned c_r-scaled columns). Version 3: the solver is a value
/// (`solver`, ``AffinitySolver``) instead of an optional `epsilon`. Version 4: RevAff jobs carry residuals (a
/// version-3 RevAff job solved from every prototype). Version 5: the result's values may be sparse
/// (``AffinityShardCodec`` `GPLRPSI3`/`GPLRPSI4`, which a version-4 coordinator cannot read). A worker refuses other
/// versions.
public struct AffinityJob: Codable, Sendable, Equatable {
    public static let currentVersion = 5

    public var version: Int = AffinityJob.currentVersion
    public var snapshot: String
    /// |R|.
    public var personaCount: Int
    /// The shard: persona indices whose columns this job computes.
    public var personas: [Int]
    /// The side input holding the iteration's prototypes (``JobQueue/storeSideInput(_:run:name:)``).
    public var prototypesKey: String
    public var walkLength: Int
    /// β of the run (informational since version 2: Ψ_raw does not depend on it).
    public var beta: Double
    public var solver: AffinitySolver
    /// RevAff only: the side input holding the shard's residuals from earlier iterations (``RevAffResiduals`` in
    /// its binary form); `nil` when nothing is carried yet (the first iteration, or a solve from scratch).
    public var residualsKey: String?

    public init(
        snapshot: String, personaCount: Int, personas: [Int], prototypesKey: String, walkLength: Int, beta: Double,
        solver: AffinitySolver, residualsKey: String? = nil
    ) {
        self.snapshot = snapshot
        self.personaCount = personaCount
        self.personas = personas
        self.prototypesKey = prototypesKey
        self.walkLength = walkLength
        self.beta = beta
        self.solver = solver
        self.residualsKey = residualsKey
    }
}

/// An `affinity` job's result: what the prototypes add to the shard's Ψ_raw columns and, for RevAff, the shard's
/// residuals left below θ (every persona of the shard, none where nothing is carried).
public struct AffinityShardResult: Sendable, Equatable {
    public var affinity: AffinityMatrix
    public var residuals: RevAffResiduals?

    public init(affinity: AffinityMatrix, residuals: RevAffResiduals? = nil) {
        self.affinity = affinity
        self.residuals = residuals
    }
}

/// The prototypes U_s with their labels, as stored for `affinity` jobs.
public struct PrototypeSet: Codable, Sendable, Equatable {
    public var personaCount: Int
    /// Ascending user indices.
    public var users: [Int]
    /// Persona indices per user, parallel to `users` (empty = "Unrepresentable").
    public var personas: [[Int]]

    public init(_ labels: PrototypeLabels) {
        personaCount = labels.personaCount
        users = labels.users
        personas = users.map { labels.personas(ofUser: $0) ?? [] }
    }

    public func labels() throws -> PrototypeLabels {
        var labels = PrototypeLabels(personaCount: personaCount)
        for (user, personas) in zip(users, personas) { try labels.setPersonas(personas, forUser: user) }
        return labels
    }
}
