public import GPLRCore
import GPLRSupport
import Synchronization

/// A labeler that asks nobody, for `gplr run --dry-run`: it renders the requests an ``LLMLabeler`` would send
/// for the users the run picks (grouped the same way: per job, then ``LLMLabelerOptions/usersPerRequest`` per
/// request), counts their tokens into ``estimate``, and answers with a stand-in label so that the run's
/// sampling goes on as it would: each user gets the persona most of their purchases hash to, so users who buy
/// alike are labeled alike (DU's choices depend mostly on where labels are, not on what they say).
///
/// Completion tokens assume answers of two persona names per user.
public final class StandInLabeler: PersonaLabeler {
    private let prompt: LabelingPrompt
    private let options: LLMLabelerOptions
    private let personaCount: Int
    private let jobSize: Int?
    private let answerCharacters: Int
    private let state = Mutex(LabelingEstimate())

    /// - Parameter jobSize: users per `label` job with `--redis` (requests never span two jobs); `nil`: one
    ///   batch per labeler call.
    public init(personas: PersonaSet, options: LLMLabelerOptions, jobSize: Int? = nil) {
        prompt = LabelingPrompt(
            personas: personas.personas.map(LabelingPersona.init),
            options: options.prompt)
        self.options = options
        personaCount = personas.count
        self.jobSize = jobSize
        let names = personas.names.map(\.count)
        // "Persona A", "Persona B" with quotes, comma and space, and the brackets.
        answerCharacters = 2 * (names.isEmpty ? 10 : names.reduce(0, +) / names.count) + 10
    }

    /// What the requests so far would have taken.
    public var estimate: LabelingEstimate { state.withLock { $0 } }

    public func label(users: [Int], in graph: PurchaseGraph) async throws -> LabelingBatch {
        var seen = Set<Int>()
        let unique = users.filter { seen.insert($0).inserted }
        let perRequest = max(1, options.usersPerRequest)
        for job in unique.chunked(jobSize ?? max(1, unique.count)) {
            for group in job.chunked(perRequest) {
                let asked = group.map {
                    LabelingUser($0, in: graph, maxProducts: options.prompt.maxProductsPerUser)
                }
                let messages = prompt.messages(for: asked)
                let promptTokens = LabelingEstimate.tokens(messages)
                // {"id": [names], …}
                let characters = 2 + asked.reduce(0) { $0 + $1.id.count + 4 + answerCharacters }
                state.withLock { estimate in
                    if estimate.requests == 0 {
                        estimate.examplePrompt = messages
                        estimate.exampleUserIDs = asked.map(\.id)
                    }
                    estimate.requests += 1
                    estimate.users += asked.count
                    estimate.promptTokens += promptTokens
                    estimate.completionTokens += (characters + 3) / 4
                }
            }
        }
        var batch = LabelingBatch()
        for user in unique { batch.labels[user] = personaCount > 0 ? [standIn(user, in: graph)] : [] }
        return batch
    }

    /// The stand-in persona of `user`: every item votes, with its purchase count, for persona
    /// `FNV-1a(item id) mod |R|`; the most voted wins (the lowest index on a tie).
    private func standIn(_ user: Int, in graph: PurchaseGraph) -> Int {
        var votes = [UInt64](repeating: 0, count: personaCount)
        for purchase in graph.purchases(ofUser: user) {
            votes[Int(FNV1a.hash(graph.itemIDs[purchase.item]) % UInt64(personaCount))] += UInt64(purchase.count)
        }
        return votes.indices.max { votes[$0] != votes[$1] ? votes[$0] < votes[$1] : $0 > $1 } ?? 0
    }
}
