/// Token counts reported by the server in `usage`.
public struct TokenUsage: Sendable, Equatable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    /// Prompt tokens served from the provider's prompt cache (`usage.prompt_tokens_details.cached_tokens`),
    /// part of ``promptTokens`` and billed at the cached-input price.
    public var cachedPromptTokens: Int

    public init(promptTokens: Int = 0, completionTokens: Int = 0, totalTokens: Int? = nil, cachedPromptTokens: Int = 0)
    {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens ?? promptTokens + completionTokens
        self.cachedPromptTokens = min(max(0, cachedPromptTokens), max(0, promptTokens))
    }

    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(
            promptTokens: lhs.promptTokens + rhs.promptTokens,
            completionTokens: lhs.completionTokens + rhs.completionTokens,
            totalTokens: lhs.totalTokens + rhs.totalTokens,
            cachedPromptTokens: lhs.cachedPromptTokens + rhs.cachedPromptTokens)
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
        case promptTokensDetails = "prompt_tokens_details"
    }

    private struct PromptTokensDetails: Codable {
        var cachedTokens: Int?
        enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let prompt = try container.decodeIfPresent(Int.self, forKey: .promptTokens) ?? 0
        let completion = try container.decodeIfPresent(Int.self, forKey: .completionTokens) ?? 0
        // Some servers send `prompt_tokens_details: null` or details without the count.
        let details = try? container.decodeIfPresent(PromptTokensDetails.self, forKey: .promptTokensDetails)
        self.init(
            promptTokens: prompt, completionTokens: completion,
            totalTokens: try container.decodeIfPresent(Int.self, forKey: .totalTokens),
            cachedPromptTokens: details?.cachedTokens ?? 0)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        try container.encode(totalTokens, forKey: .totalTokens)
        if cachedPromptTokens > 0 {
            try container.encode(PromptTokensDetails(cachedTokens: cachedPromptTokens), forKey: .promptTokensDetails)
        }
    }
}
