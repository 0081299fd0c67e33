import Foundation

/// The spending cap as a client's admission: before every attempt it reads the ledger and refuses with
/// ``LLMSpendingCapReached`` once the total has reached the cap; after every answer it adds the answer's cost
/// (``LLMConfiguration/cost(of:)``). Wraps the admission it replaces (the shared rate limit), asked after it.
///
/// Requests already in flight when the cap is reached still finish and count, so the total can pass the cap
/// by at most the requests in flight at once (``LLMConfiguration/concurrency`` per client): one request batch.
public struct LLMSpendCap: ChatCompletionAdmission {
    public let capMicros: Int
    public let ledger: any LLMSpendLedger
    private let configuration: LLMConfiguration
    private let inner: (any ChatCompletionAdmission)?

    /// - Parameters:
    ///   - capUSD: the cap in dollars.
    ///   - configuration: whose prices cost the answers.
    ///   - inner: asked after the cap allows an attempt (e.g. an ``LLMRateLimiter``).
    public init(
        capUSD: Double, ledger: any LLMSpendLedger, configuration: LLMConfiguration,
        inner: (any ChatCompletionAdmission)? = nil
    ) {
        capMicros = Int((capUSD * 1_000_000).rounded())
        self.ledger = ledger
        self.configuration = configuration
        self.inner = inner
    }

    public func admit(model: String, estimatedTokens: Int) async throws {
        let spent = try await ledger.spentMicros()
        if spent >= capMicros { throw LLMSpendingCapReached(spentMicros: spent, capMicros: capMicros) }
        try await inner?.admit(model: model, estimatedTokens: estimatedTokens)
    }

    public func settle(model: String, estimatedTokens: Int, usage: TokenUsage) async {
        let micros = Int((configuration.cost(of: usage) * 1_000_000).rounded())
        // A ledger that cannot be written (Redis away) loses this answer's cost; the next admit fails the same way.
        if micros > 0 { _ = try? await ledger.add(micros: micros) }
        await inner?.settle(model: model, estimatedTokens: estimatedTokens, usage: usage)
    }

    /// `micros` as `$1.2345`.
    static func dollars(_ micros: Int) -> String { String(format: "$%.4f", Double(micros) / 1_000_000) }
}
