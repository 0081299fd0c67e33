/// What the simulator did so far.
public struct LLMSimulatorStatistics: Sendable, Equatable {
    /// Chat completion requests received.
    public var requests = 0
    /// Requests answered with a chat completion (200), faulty content included.
    public var completions = 0
    /// Injected faults by kind.
    public var faults: [LLMSimulatorFault: Int] = [:]
    /// Requests refused for a missing or wrong API key, a missing or wrong expected header, or a header that
    /// must be absent.
    public var unauthorized = 0
    /// Requests whose `response_format` was `json_schema`.
    public var schemaRequests = 0
    /// Of those, refused with 400 (``LLMSimulatorStructuredOutputs/refuse``).
    public var schemaRefusals = 0
    /// Answers to honoured schema requests that did not fit the schema (a schema that does not admit a true
    /// answer); 0 when the client's schemas are right.
    public var schemaViolations = 0
    /// Requests refused for a missing or wrong expected query parameter.
    public var wrongQuery = 0
    /// Requests whose body was not a chat completion request.
    public var badRequests = 0
    /// User answers written (one per user per completion).
    public var userAnswers = 0
    public var promptTokens = 0
    public var completionTokens = 0
    /// Prompt tokens reported as cached (part of ``promptTokens``).
    public var cachedPromptTokens = 0
    /// The largest prompt and completion of one answer: what one request can cost at most.
    public var maxPromptTokensPerRequest = 0
    public var maxCompletionTokensPerRequest = 0
    /// The most requests handled at the same time.
    public var maxConcurrentRequests = 0

    /// How many answers each user id got (chat completions and batch lines): 1 each when nobody was asked twice.
    public var answersByUser: [String: Int] = [:]
    /// Batch API: files uploaded, batches created, status polls, lines answered in output files, lines written to
    /// error files (failed and expired), batches that expired, that failed validation and that were cancelled
    /// (`POST /v1/batches/{id}/cancel` before they ended).
    public var filesUploaded = 0
    public var batchesCreated = 0
    public var batchPolls = 0
    public var batchLinesAnswered = 0
    public var batchLinesFailed = 0
    public var batchesExpired = 0
    public var batchesFailed = 0
    public var batchesCancelled = 0

    public init() {}

    /// How many times `fault` was injected.
    public subscript(fault: LLMSimulatorFault) -> Int { faults[fault, default: 0] }
}
