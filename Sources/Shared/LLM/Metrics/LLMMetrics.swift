import CoreMetrics
package import GPLRSupport
import Synchronization

/// What the LLM client reports through swift-metrics (a no-op until an executable bootstraps a backend, e.g.
/// Prometheus in `gplr-worker --metrics-port` and `gplr serve`). Names and labels are listed in
/// docs/operations.md ("Metrics"); the API key never appears in a label.
///
/// Label values are snake_case. The series of a model exist from its first request on, at 0 for every outcome, so
/// that `increase(gplr_llm_errors_total{outcome="rate_limited"}[5m])` sees the first 429 of a model.
package enum LLMMetrics {
    /// The outcomes of one attempt: `ok` or the snake_case ``ChatCompletionError/Code-swift.struct`` of its failure.
    static let failureOutcomes = [
        "rate_limited", "server_error", "transport", "invalid_response", "rejected", "cancelled",
    ]
    static let cacheResults = ["hit", "miss", "error"]

    package static let descriptions = [
        MetricDescription(
            "gplr_llm_requests_total",
            help: "HTTP attempts to the LLM endpoint, by model and outcome (ok or the failure)."),
        MetricDescription(
            "gplr_llm_errors_total", help: "Failed HTTP attempts to the LLM endpoint, by model and outcome."),
        MetricDescription("gplr_llm_request_duration_seconds", help: "Time per HTTP attempt to the LLM endpoint."),
        MetricDescription("gplr_llm_prompt_tokens_total", help: "Prompt tokens the LLM endpoint reported."),
        MetricDescription("gplr_llm_completion_tokens_total", help: "Completion tokens the LLM endpoint reported."),
        MetricDescription("gplr_llm_cost_usd_total", help: "LLM spend in US dollars at the job's token prices."),
        MetricDescription(
            "gplr_llm_cache_lookups_total", help: "LLM response-cache lookups, by result (hit, miss, error)."),
        MetricDescription(
            "gplr_llm_parse_failures_total", help: "LLM answers that did not parse (their users are asked again)."),
        MetricDescription(
            "gplr_llm_schema_refusals_total",
            help: "Requests refused for their json_schema response format (the client falls back to json_object)."),
    ]

    /// Models whose series were created at 0 already.
    private static let knownModels = Mutex<Set<String>>([])

    /// Creates the series that do not depend on a model at 0: cache lookups and parse failures.
    package static func preinitialize() {
        for result in cacheResults { cacheCounter(result) }
        _ = Counter(label: "gplr_llm_parse_failures_total")
    }

    /// One HTTP attempt ended: `outcome` is `ok` or one of ``failureOutcomes``.
    static func attempt(model: String, outcome: String, duration: Duration) {
        preinitialize(model: model)
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
        cacheCounter(result).increment()
    }

    /// Answers that did not parse (each one is asked again, see ``LLMAnswerCollector``).
    static func parseFailures(_ count: Int) {
        guard count > 0 else { return }
        Counter(label: "gplr_llm_parse_failures_total").increment(by: count)
    }

    @discardableResult
    private static func cacheCounter(_ result: String) -> Counter {
        Counter(label: "gplr_llm_cache_lookups_total", dimensions: [("result", result)])
    }

    /// The first time `model` is seen, creates its request, error, token and cost series at 0.
    private static func preinitialize(model: String) {
        guard knownModels.withLock({ $0.insert(model).inserted }) else { return }
        _ = Counter(label: "gplr_llm_requests_total", dimensions: [("model", model), ("outcome", "ok")])
        for outcome in failureOutcomes {
            let dimensions = [("model", model), ("outcome", outcome)]
            _ = Counter(label: "gplr_llm_requests_total", dimensions: dimensions)
            _ = Counter(label: "gplr_llm_errors_total", dimensions: dimensions)
        }
        for name in ["gplr_llm_prompt_tokens_total", "gplr_llm_completion_tokens_total"] {
            _ = Counter(label: name, dimensions: [("model", model)])
        }
        _ = FloatingPointCounter(label: "gplr_llm_cost_usd_total", dimensions: [("model", model)])
        _ = Counter(label: "gplr_llm_schema_refusals_total", dimensions: [("model", model)])
    }

    /// A request the server refused for its `json_schema` response format (the client falls back to
    /// `json_object`).
    static func schemaRefusal(model: String) {
        preinitialize(model: model)
        Counter(label: "gplr_llm_schema_refusals_total", dimensions: [("model", model)]).increment()
    }
}
