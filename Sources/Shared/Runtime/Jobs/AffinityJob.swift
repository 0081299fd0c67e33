public import GPLRCore

/// An `affinity` job: compute the Ψ_raw columns (Π·L_raw, c_r not applied) of a shard of personas from a set of
/// prototypes — with the exact solver, only the iteration's new prototypes (the coordinator adds the result to
/// its running Ψ_raw); with RevAff, all of them.
///
/// The prototypes (which can be large) are not in the payload: they are stored once per iteration in Redis
/// under ``prototypesKey`` (a ``PrototypeSet`` in JSON), and every shard of that iteration reads the same value.
/// Version 2: results are Ψ_raw (version 1 returned c_r-scaled columns). Version 3: the solver is a value
/// (`solver`, ``AffinitySolver``) instead of an optional `epsilon`. A worker refuses other versions.
public struct AffinityJob: Codable, Sendable, Equatable {
    public static let currentVersion = 3

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

    public init(
        snapshot: String, personaCount: Int, personas: [Int], prototypesKey: String, walkLength: Int, beta: Double,
        solver: AffinitySolver
    ) {
        self.snapshot = snapshot
        self.personaCount = personaCount
        self.personas = personas
        self.prototypesKey = prototypesKey
        self.walkLength = walkLength
        self.beta = beta
        self.solver = solver
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
