/// Told what became of the LLM requests of one piece of work (a `label` job): every HTTP attempt a
/// ``ChatCompletionClient`` made and every answer from the LLM that did not parse. A worker counts them in the
/// job's run in Redis, so the dashboard can chart a run's 429s, 5xx and unparsable answers as they happen
/// (the Prometheus metrics count the same per worker, not per run).
///
/// Observers are told from inside the request loop: they must be quick and must not throw (a lost count is
/// better than a failed request).
public protocol LLMOutcomeObserver: Sendable {
    /// One HTTP attempt ended: `outcome` is `ok` or the failure (`rate_limited`, `server_error`, `transport`,
    /// `invalid_response`, `rejected`, `cancelled`: the `outcome` label of `gplr_llm_requests_total`);
    /// `costMicros` is what an `ok` attempt's answer cost at the request's prices (0 for a failure).
    func attemptEnded(outcome: String, costMicros: Int) async
    /// `count` answers that came from the LLM (not from the response cache) did not parse.
    func answersUnparsed(_ count: Int) async
}
