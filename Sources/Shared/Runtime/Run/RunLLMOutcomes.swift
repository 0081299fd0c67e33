/// What became of a run's LLM requests so far, as the workers counted them in the run's counters hash
/// (`<prefix>:{run:<id>}:counters`, ``RedisLLMOutcomeRecorder``): HTTP attempts by outcome, answers from the LLM
/// that did not parse, and the cost of the answers. Live (each attempt is counted when it ends), unlike the
/// labeler's counters, which reach the run record with each checkpoint.
public struct RunLLMOutcomes: Codable, Sendable, Equatable {
    /// HTTP attempts by outcome: `ok`, `rate_limited` (429), `server_error` (5xx, 408), `rejected` (other 4xx),
    /// `transport` (no response: refused, reset, timed out), `invalid_response` (2xx that is no chat completion),
    /// `cancelled`. Outcomes never seen are absent.
    public var attempts: [String: Int]
    /// Answers from the LLM (not the cache) that did not parse; each was asked again.
    public var unparsedAnswers: Int
    /// Millionths of a dollar the `ok` attempts cost at the job's prices.
    public var costMicros: Int

    public init(attempts: [String: Int] = [:], unparsedAnswers: Int = 0, costMicros: Int = 0) {
        self.attempts = attempts
        self.unparsedAnswers = unparsedAnswers
        self.costMicros = costMicros
    }

    /// The counters hash's field of attempts with `outcome`.
    public static func attemptField(_ outcome: String) -> String { attemptPrefix + outcome }
    static let attemptPrefix = "llm-attempts:"
    /// The counters hash's field of ``unparsedAnswers``.
    public static let unparsedField = "llm-unparsed-answers"
    /// The counters hash's field of ``costMicros`` (not the spending cap's `llm-spent-micros`, which is only
    /// kept with `--llm-max-cost` and also counts the coordinator's batches).
    public static let costField = "llm-cost-micros"

    /// The outcomes in a run's counters hash; `nil` when it holds none (no LLM, or workers older than the
    /// counters).
    public init?(counters: [String: Int]) {
        var outcomes = RunLLMOutcomes()
        var seen = false
        for (field, value) in counters {
            if field.hasPrefix(Self.attemptPrefix) {
                outcomes.attempts[String(field.dropFirst(Self.attemptPrefix.count)), default: 0] += value
            } else if field == Self.unparsedField {
                outcomes.unparsedAnswers = value
            } else if field == Self.costField {
                outcomes.costMicros = value
            } else {
                continue
            }
            seen = true
        }
        guard seen else { return nil }
        self = outcomes
    }

    /// Every attempt counted.
    public var totalAttempts: Int { attempts.values.reduce(0, +) }

    enum CodingKeys: String, CodingKey {
        case attempts, unparsedAnswers = "unparsed_answers", costMicros = "cost_micros"
    }
}
