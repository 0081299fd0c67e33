/// Sizes and seed of the three persona-set steps (Appendix B; the paper's defaults).
public struct PersonaSetGenerationOptions: Sendable, Equatable {
    /// Step 1: proposals, each from its own random sample of users (paper: 40).
    public var samples: Int
    /// Users per proposal sample (paper: 100).
    public var sampleSize: Int
    /// Step 2: merges, each of ``mergeSize`` random proposals (paper: 8 of 5).
    public var merges: Int
    public var mergeSize: Int
    /// Personas per set at every step, and in the final set (paper: 20).
    public var personaCount: Int
    /// Seeds the user samples and the choice of proposals per merge.
    public var seed: UInt64
    /// Named in the propose prompt ("the <name> dataset").
    public var datasetName: String
    /// How much of each sampled user's history goes into a propose prompt.
    public var prompt: LabelingPromptOptions
    /// Answers asked for per step call when the answer has fewer than half the personas asked for.
    public var maxAnswerAttempts: Int
    public var temperature: Double?
    public var maxTokens: Int?

    public init(
        samples: Int = 40, sampleSize: Int = 100, merges: Int = 8, mergeSize: Int = 5, personaCount: Int = 20,
        seed: UInt64 = 1, datasetName: String = "e-commerce purchase",
        prompt: LabelingPromptOptions = LabelingPromptOptions(maxProductsPerUser: 30, maxCharactersPerUser: 1200),
        maxAnswerAttempts: Int = 3, temperature: Double? = nil, maxTokens: Int? = nil
    ) {
        self.samples = max(1, samples)
        self.sampleSize = max(1, sampleSize)
        self.merges = max(1, merges)
        self.mergeSize = max(1, mergeSize)
        self.personaCount = max(1, personaCount)
        self.seed = seed
        self.datasetName = datasetName
        self.prompt = prompt
        self.maxAnswerAttempts = max(1, maxAnswerAttempts)
        self.temperature = temperature
        self.maxTokens = maxTokens
    }
}
