public import Foundation
public import GPLRCore
public import GPLRRedis
public import GPLRRuntime

/// Small, seeded inputs for job-execution tests: a graph, a persona set, a truth labels file and prototypes,
/// plus helpers to publish a snapshot and to build job envelopes.
public struct JobFixture: Sendable {
    public let graph: PurchaseGraph
    public let personas: PersonaSet
    /// User id → persona indices (every user has a truth line; some have none = "Unrepresentable").
    public let truth: [String: [Int]]
    /// Prototypes: every `stride`-th user with its true personas.
    public let prototypes: PrototypeSet
    public let snapshotBytes: [UInt8]
    public let hash: ContentHash

    public init(
        userCount: Int = 300, itemCount: Int = 120, edgeCount: Int = 2_000, personaCount: Int = 6,
        prototypeStride: Int = 7, seed: UInt64 = 7
    ) throws {
        graph = try RandomGraph(
            userCount: userCount, itemCount: itemCount, edgeCount: edgeCount, seed: seed, threadCount: 1
        ).build()
        personas = try PersonaSet(
            (0..<personaCount).map { Persona(name: "Persona \($0)", description: "test persona \($0)") })
        var random = SeededBits(seed: seed)
        var truth: [String: [Int]] = [:]
        for id in graph.userIDs {
            let count = Int(random.next() % 3)
            truth[id] = Array(Set((0..<count).map { _ in Int(random.next() % UInt64(personaCount)) })).sorted()
        }
        self.truth = truth
        var labels = PrototypeLabels(personaCount: personaCount)
        for user in stride(from: 0, to: graph.userCount, by: prototypeStride) {
            try labels.setPersonas(truth[graph.userIDs[user]]!, forUser: user)
        }
        prototypes = PrototypeSet(labels)
        (snapshotBytes, hash) = try Snapshot.encode(graph)
    }

    /// Writes the truth as a labels file at `path`.
    public func writeLabelsFile(to path: String) throws {
        try LabelsFile.write(truth, personas: personas, to: path)
    }

    /// Publishes the snapshot to Redis.
    public func publish(_ client: RedisClient, keys: RedisKeys = RedisKeys()) async throws {
        try await SnapshotStore(client: client, keys: keys).publish(snapshotBytes, hash: hash)
    }

    /// A label job of `users`, answering from the labels file at `path` with the given noise.
    public func labelJob(users: [Int], labelsPath: String, drop: Double = 0, add: Double = 0, seed: UInt64 = 1)
        -> LabelJob
    {
        LabelJob(
            snapshot: hash.hex, users: users, personas: personas.personas,
            labeler: .labelsFile(path: labelsPath, dropProbability: drop, addProbability: add, seed: seed))
    }

    /// An affinity job over a persona shard, reading prototypes from `prototypesKey`.
    public func affinityJob(
        personas shard: [Int], prototypesKey: String, walkLength: Int = 2, beta: Double = 0.5,
        epsilon: Double? = nil
    ) -> AffinityJob {
        AffinityJob(
            snapshot: hash.hex, personaCount: personas.count, personas: shard, prototypesKey: prototypesKey,
            walkLength: walkLength, beta: beta, solver: AffinitySolver(epsilon: epsilon))
    }
}

/// JSON with sorted keys (what the coordinator and the worker write).
public func sortedJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try encoder.encode(value)
}

/// SplitMix64, for fixture data that must not depend on the standard library's generator.
struct SeededBits {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
