/// The spending cap (`--llm-max-cost`) is reached: no more LLM requests are sent, and the labeling batch in
/// progress does not count (none of its users is labeled).
public struct LLMSpendingCapReached: Error, Sendable, CustomStringConvertible {
    /// Spent so far, in millionths of a dollar.
    public let spentMicros: Int
    /// The cap, in millionths of a dollar.
    public let capMicros: Int

    public init(spentMicros: Int, capMicros: Int) {
        self.spentMicros = spentMicros
        self.capMicros = capMicros
    }

    public var description: String {
        "the LLM spending cap is reached: "
            + LLMSpendCap.dollars(spentMicros) + " spent of --llm-max-cost " + LLMSpendCap.dollars(capMicros)
    }
}
