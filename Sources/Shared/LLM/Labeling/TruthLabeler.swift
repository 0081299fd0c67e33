public import GPLRCore

/// A labeler that answers from known labels (a labels file, e.g. a synthetic dataset's planted truth), with the
/// optional noise of a real LLM: each true persona is dropped with probability `dropProbability`, and one wrong
/// persona is added with probability `addProbability`.
///
/// The noise for a user depends only on the seed and the user's index, never on batch order or size, so a run
/// sharded across workers answers exactly like a run in one process.
public struct TruthLabeler: PersonaLabeler {
    /// The true persona indices by user index (`nil`: the file has no line for the user).
    public let truth: UserLabels
    public let personaCount: Int
    public let dropProbability: Double
    public let addProbability: Double
    public let seed: UInt64

    /// - Parameter truth: the labels of the graph's users, as
    ///   ``LabelsFile/readUserLabels(path:personas:userIDs:lenient:chunkSize:)`` reads them.
    public init(
        truth: UserLabels, personaCount: Int, dropProbability: Double = 0, addProbability: Double = 0,
        seed: UInt64 = 0
    ) {
        self.truth = truth
        self.personaCount = personaCount
        self.dropProbability = dropProbability
        self.addProbability = addProbability
        self.seed = seed
    }

    /// - Parameter truthByUserID: external user id → persona indices, as read from a labels file.
    public init(
        truthByUserID: [String: [Int]], graph: PurchaseGraph, personaCount: Int,
        dropProbability: Double = 0, addProbability: Double = 0, seed: UInt64 = 0
    ) {
        self.init(
            truth: UserLabels(personas: graph.userIDs.map { truthByUserID[$0] }), personaCount: personaCount,
            dropProbability: dropProbability, addProbability: addProbability, seed: seed)
    }

    public func label(users: [Int], in graph: PurchaseGraph) async throws -> LabelingBatch {
        label(users: users, userIDs: graph.userIDs)
    }

    /// The same, with only the graph's user ids (all a labels file needs: a worker need not load the graph).
    public func label(users: [Int], userIDs: [String]) -> LabelingBatch {
        var batch = LabelingBatch()
        for user in users {
            guard truth.personas.indices.contains(user), let personas = truth[user] else {
                batch.failures[user] = "no label for user \(userIDs[user]) in the labels file"
                batch.counters["missing-from-labels-file", default: 0] += 1
                continue
            }
            batch.labels[user] = noisyLabels(personas, user: user, counters: &batch.counters)
        }
        return batch
    }

    /// The true personas of `user` with this labeler's noise applied, deterministically.
    func noisyLabels(_ personas: [Int], user: Int, counters: inout [String: Int]) -> [Int] {
        guard dropProbability > 0 || addProbability > 0 else { return personas.sorted() }
        var random = SeededGenerator(seed: seed ^ (UInt64(user) &* 0x9E37_79B9_7F4A_7C15))
        var kept = personas.filter { _ in Double.random(in: 0..<1, using: &random) >= dropProbability }
        counters["noise-dropped", default: 0] += personas.count - kept.count
        if Double.random(in: 0..<1, using: &random) < addProbability, kept.count < personaCount {
            let wrong = (0..<personaCount).filter { !personas.contains($0) }
            if let extra = wrong.randomElement(using: &random) {
                kept.append(extra)
                counters["noise-added", default: 0] += 1
            }
        }
        return kept.sorted()
    }
}
