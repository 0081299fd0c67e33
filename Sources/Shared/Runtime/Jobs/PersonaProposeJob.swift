public import GPLRCore
public import GPLRLLM

/// Sizes shared by the `persona-propose` and `persona-merge` jobs of one generation (Appendix B).
public struct PersonaJobCounts: Codable, Sendable, Equatable {
    /// Personas asked for per proposal, per merge and in the final set.
    public var personaCount: Int
    /// Named in the propose prompt ("the <name> dataset").
    public var datasetName: String
    /// How much of each sampled user's history goes into a propose prompt.
    public var maxProductsPerUser: Int
    public var maxCharactersPerUser: Int

    public init(personaCount: Int, datasetName: String, maxProductsPerUser: Int = 30, maxCharactersPerUser: Int = 1200)
    {
        self.personaCount = personaCount
        self.datasetName = datasetName
        self.maxProductsPerUser = maxProductsPerUser
        self.maxCharactersPerUser = maxCharactersPerUser
    }

    /// The generator options of one step call with `spec`'s answer attempts, temperature and token limit.
    public func generationOptions(spec: LLMLabelerSpec) -> PersonaSetGenerationOptions {
        PersonaSetGenerationOptions(
            samples: 1, sampleSize: 1, merges: 1, mergeSize: 1, personaCount: personaCount, datasetName: datasetName,
            prompt: LabelingPromptOptions(
                maxProductsPerUser: maxProductsPerUser, maxCharactersPerUser: maxCharactersPerUser),
            maxAnswerAttempts: spec.maxAnswerAttempts, temperature: spec.temperature, maxTokens: spec.maxTokens)
    }

    /// Why the counts cannot be used, or `nil`.
    public var problem: String? {
        for (name, value) in [
            ("persona count", personaCount), ("max products per user", maxProductsPerUser),
            ("max characters per user", maxCharactersPerUser),
        ] where value < 1 {
            return "\(name) must be at least 1, got \(value)"
        }
        return nil
    }
}

/// A `persona-propose` job: step 1 of persona-set generation for one sample of users of a snapshot.
///
/// Carries the LLM spec (server, model, limits), never the key: the worker uses its own.
public struct PersonaProposeJob: Codable, Sendable, Equatable {
    /// Payload format version; a worker refuses (dead-letters) a version it does not know.
    public static let currentVersion = 1

    public var version: Int = PersonaProposeJob.currentVersion
    /// Content hash (hex) of the snapshot the user indices refer to.
    public var snapshot: String
    /// The sampled dense user indices, in prompt order.
    public var users: [Int]
    public var counts: PersonaJobCounts
    public var llm: LLMLabelerSpec

    public init(snapshot: String, users: [Int], counts: PersonaJobCounts, llm: LLMLabelerSpec) {
        self.snapshot = snapshot
        self.users = users
        self.counts = counts
        self.llm = llm
    }
}

/// The result of a `persona-propose` or `persona-merge` job: the persona list of the answer (empty when the
/// call failed, as ``error`` says) and the `personas.*` counters.
public struct PersonaJobResult: Codable, Sendable, Equatable {
    public var personas: [Persona]
    public var counters: [String: Int]
    public var error: String?

    public init(personas: [Persona], counters: [String: Int], error: String? = nil) {
        self.personas = personas
        self.counters = counters
        self.error = error
    }

    public init(_ answer: PersonaSetGenerator.StepAnswer) {
        self.init(personas: answer.personas, counters: answer.counters, error: answer.error)
    }
}
