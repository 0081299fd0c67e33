import CoreMetrics
import GPLRSupport

/// What the LLM client reports through swift-metrics (a no-op until an executable bootstraps a backend, e.g.
/// Prometheus in `gplr-worker --metrics-port` and `gplr serve`). Names and labels are listed in
/// docs/operations.md ("Metrics"); the API key never appears in a label.
enum LLMMetrics {
    /// One HTTP attempt ended: `outcome` is `ok` or the ``ChatCompletionError/Code-swift.struct`` of its failure.
    static func attempt(model: String, outcome: String, duration: Duration) {
        let dimensions = [("model", model), ("outcome", outcome)]
        Counter(label: "gplr_llm_requests_total", dimensions: dimensions).increment()
        Timer(label: "gplr_llm_request_duration_seconds", dimensions: [("model", model)])
            .recordNanoseconds(duration.nanoseconds)
        if outcome != "ok" {
            Counter(label: "gplr_llm_errors_total", dimensions: dimensions).increment()
        }
    }

    /// Tokens and dollars of one successful completion.
    static func usage(model: String, usage: TokenUsage, costUSD: Double) {
        let dimensions = [("model", model)]
        Counter(label: "gplr_llm_prompt_tokens_total", dimensions: dimensions).increment(by: usage.promptTokens)
        Counter(label: "gplr_llm_completion_tokens_total", dimensions: dimensions)
            .increment(by: usage.completionTokens)
        if costUSD > 0 {
            FloatingPointCounter(label: "gplr_llm_cost_usd_total", dimensions: dimensions).increment(by: costUSD)
        }
    }

    /// A response-cache lookup: `hit`, `miss` or `error`.
    static func cacheLookup(_ result: String) {
        Counter(label: "gplr_llm_cache_lookups_total", dimensions: [("result", result)]).increment()
    }

    /// Answers that did not parse (each one is asked again, see ``LLMAnswerCollector``).
    static func parseFailures(_ count: Int) {
        guard count > 0 else { return }
        Counter(label: "gplr_llm_parse_failures_total").increment(by: count)
    }

    /// A request the server refused for its `json_schema` response format (the client falls back to
    /// `json_object`).
    static func schemaRefusal(model: String) {
        Counter(label: "gplr_llm_schema_refusals_total", dimensions: [("model", model)]).increment()
    }
}
