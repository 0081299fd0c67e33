/// One model's list prices in USD per 1M tokens.
public struct LLMPrice: Codable, Sendable, Equatable {
    /// Prompt (input) tokens.
    public var input: Double
    /// Prompt tokens served from the provider's prompt cache; `nil`: the input price.
    public var cachedInput: Double?
    /// Completion (output) tokens.
    public var output: Double

    public init(input: Double, cachedInput: Double? = nil, output: Double) {
        self.input = input
        self.cachedInput = cachedInput
        self.output = output
    }

    enum CodingKeys: String, CodingKey {
        case input, output
        case cachedInput = "cached_input"
    }

    /// Why the price cannot be used, or `nil`.
    var problem: String? {
        let values = [input, output] + (cachedInput.map { [$0] } ?? [])
        return values.allSatisfy { $0.isFinite && $0 >= 0 } ? nil : "prices must be finite and not negative"
    }
}
