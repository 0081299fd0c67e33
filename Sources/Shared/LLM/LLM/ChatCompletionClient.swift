import Foundation
public import GPLRHTTP
public import Logging
import Synchronization

/// A client for an OpenAI-compatible `POST {base}/v1/chat/completions` (or a full endpoint URL, see
/// ``LLMConfiguration/chatCompletionsURL``), over ``HTTPClient`` (libcurl).
///
/// Failed attempts are retried with exponential backoff and full jitter on 429, 5xx, 408, timeouts,
/// broken connections and unreadable 2xx bodies, honouring `Retry-After` (seconds); after
/// ``LLMConfiguration/maxAttempts`` the last cause is thrown wrapped in
/// ``ChatCompletionError/Code-swift.struct/attemptsExhausted``. Other 4xx fail at once.
///
/// The API key goes into the header ``LLMConfiguration/auth`` names, and the extra headers' values into
/// their headers, only: errors, descriptions and log lines never hold them.
public final class ChatCompletionClient: Sendable {
    public let configuration: LLMConfiguration
    private let http: HTTPClient
    private let ownsHTTPClient: Bool
    private let policy: RetryPolicy
    private let logger: Logger
    /// Asked before every attempt (retries included), e.g. a shared ``LLMRateLimiter``.
    public let admission: (any ChatCompletionAdmission)?
    /// Set once the server refused a `json_schema` response format: later requests send their plain format.
    private let schemaRefused = Mutex(false)

    /// Whether this client has found that its server refuses `json_schema` response formats.
    public var refusesStructuredOutputs: Bool { schemaRefused.withLock { $0 } }

    /// A client with its own ``HTTPClient`` of ``LLMConfiguration/concurrency`` connections; call
    /// ``shutdown()`` when done.
    public convenience init(
        configuration: LLMConfiguration, admission: (any ChatCompletionAdmission)? = nil, logger: Logger? = nil
    ) throws(HTTPClientError) {
        let http = try HTTPClient(
            configuration: HTTPClientConfiguration(
                maxConcurrentRequests: configuration.concurrency))
        self.init(
            configuration: configuration, httpClient: http, ownsHTTPClient: true, admission: admission,
            logger: logger)
    }

    /// A client over a shared ``HTTPClient``, which the caller shuts down.
    public convenience init(
        configuration: LLMConfiguration, httpClient: HTTPClient, admission: (any ChatCompletionAdmission)? = nil,
        logger: Logger? = nil
    ) {
        self.init(
            configuration: configuration, httpClient: httpClient, ownsHTTPClient: false, admission: admission,
            logger: logger)
    }

    private init(
        configuration: LLMConfiguration, httpClient: HTTPClient, ownsHTTPClient: Bool,
        admission: (any ChatCompletionAdmission)?, logger: Logger?
    ) {
        self.configuration = configuration
        self.http = httpClient
        self.ownsHTTPClient = ownsHTTPClient
        self.admission = admission
        self.policy = RetryPolicy(configuration: configuration)
        self.logger = logger ?? Logger(label: "gplr.llm", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    /// Shuts down the HTTP client if this client created it.
    public func shutdown() async {
        if ownsHTTPClient { await http.shutdown() }
    }

    /// Sends `request`, retrying as described on the type, and returns the first successful completion.
    ///
    /// A request with a ``ChatCompletionRequest/schema`` is sent with it (structured outputs) unless this client
    /// saw the server refuse one before; a refusal (see ``refusesSchema(_:)``) switches this client to the
    /// plain format for good and sends the request again at once.
    ///
    /// `observer` is told how each attempt ended (``LLMOutcomeObserver/attemptEnded(outcome:costMicros:)``).
    func complete(
        _ request: ChatCompletionRequest, observer: (any LLMOutcomeObserver)? = nil
    ) async throws(ChatCompletionError) -> ChatCompletion {
        var useSchema = request.schema != nil && configuration.structuredOutputs && !refusesStructuredOutputs
        var httpRequest = try makeHTTPRequest(request, schema: useSchema)
        var schemaRefusals = 0
        var retries: [ChatCompletionRetry] = []
        var attempt = 1
        let model = request.model ?? configuration.model
        let estimatedTokens = request.estimatedTokens
        while true {
            if let admission {
                do {
                    try await admission.admit(model: model, estimatedTokens: estimatedTokens)
                } catch let reached as LLMSpendingCapReached {
                    throw ChatCompletionError(
                        code: .spendingCap, message: reached.description, attempts: attempt - 1, underlying: reached)
                } catch {
                    let cancelled = error is CancellationError || Task.isCancelled
                    throw ChatCompletionError(
                        code: cancelled ? .cancelled : .admission,
                        message: cancelled ? "cancelled while waiting for the rate limit" : "rate limiter failed",
                        attempts: attempt - 1, underlying: error)
                }
            }
            let failure: ChatCompletionError
            let attemptStarted = ContinuousClock.now
            let outcome = await attemptOnce(httpRequest, attempt: attempt)
            LLMMetrics.attempt(
                model: model, outcome: outcome.metricOutcome,
                duration: ContinuousClock.now - attemptStarted)
            if let observer {
                let micros = (try? outcome.get()).map { Int((configuration.cost(of: $0.usage) * 1_000_000).rounded()) }
                await observer.attemptEnded(outcome: outcome.metricOutcome, costMicros: micros ?? 0)
            }
            switch outcome {
            case .success(var completion):
                await admission?.settle(model: model, estimatedTokens: estimatedTokens, usage: completion.usage)
                LLMMetrics.usage(
                    model: model, usage: completion.usage, costUSD: configuration.cost(of: completion.usage))
                completion.attempts = attempt
                completion.retries = retries
                completion.schemaRefusals = schemaRefusals
                completion.usedSchema = useSchema
                return completion
            case .failure(let error):
                failure = error
            }
            if useSchema, Self.refusesSchema(failure) {
                let first = schemaRefused.withLock { refused in
                    defer { refused = true }
                    return !refused
                }
                if first {
                    logger.warning(
                        "llm.structured-outputs.refused",
                        metadata: ["llm.status": "\(failure.status.map(String.init) ?? "-")", "llm.model": "\(model)"])
                }
                LLMMetrics.schemaRefusal(model: model)
                schemaRefusals += 1
                useSchema = false
                httpRequest = try makeHTTPRequest(request, schema: false)
                continue
            }
            guard failure.isRetriable else { throw failure }
            guard attempt < policy.maxAttempts else {
                throw ChatCompletionError(
                    code: .attemptsExhausted, message: "gave up after \(attempt) attempts", status: failure.status,
                    attempts: attempt, underlying: failure)
            }
            let (delay, fromRetryAfter) = policy.delay(
                afterAttempt: attempt, retryAfter: failure.retryAfter, unit: Double.random(in: 0..<1))
            retries.append(
                ChatCompletionRetry(
                    attempt: attempt, cause: failure.code, status: failure.status, delay: delay,
                    fromRetryAfter: fromRetryAfter))
            logger.debug(
                "llm.request.retry",
                metadata: [
                    "llm.attempt": "\(attempt)", "llm.cause": "\(failure.code)",
                    "llm.status": "\(failure.status.map(String.init) ?? "-")", "llm.delay": "\(delay)",
                ])
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw ChatCompletionError(
                    code: .cancelled, message: "cancelled while waiting to retry", attempts: attempt,
                    underlying: failure)
            }
            attempt += 1
        }
    }

    /// Whether `failure` is a server refusing the `json_schema` response format: HTTP 400 or 422 whose error
    /// message names `response_format`, `json_schema` or `structured output` (OpenAI, Azure, vLLM and
    /// llama.cpp word it so). Any other 4xx fails the request as before.
    static func refusesSchema(_ failure: ChatCompletionError) -> Bool {
        guard failure.code == .rejected, failure.status == 400 || failure.status == 422 else { return false }
        let message = failure.message.lowercased()
        return ["response_format", "json_schema", "structured output"].contains { message.contains($0) }
    }

    private func makeHTTPRequest(
        _ request: ChatCompletionRequest, schema: Bool
    ) throws(ChatCompletionError) -> HTTPClientRequest {
        let body: Data
        do {
            body = try JSONEncoder().encode(request.wire(configuration: configuration, schema: schema))
        } catch {
            throw ChatCompletionError(code: .rejected, message: "cannot encode the request: \(error)", attempts: 0)
        }
        let headers =
            [
                HTTPHeader(name: "Content-Type", value: "application/json"),
                HTTPHeader(name: "Accept", value: "application/json"),
            ] + configuration.credentialHeaders()
        return HTTPClientRequest(
            method: .post, url: configuration.chatCompletionsURL, headers: headers, body: Array(body),
            connectTimeout: configuration.connectTimeout, timeout: configuration.requestTimeout)
    }

    private func attemptOnce(_ request: HTTPClientRequest, attempt: Int) async -> Result<
        ChatCompletion, ChatCompletionError
    > {
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request)
        } catch {
            let code: ChatCompletionError.Code = error.code == .cancelled ? .cancelled : .transport
            return .failure(
                ChatCompletionError(
                    code: code, message: "no response: \(error)", attempts: attempt, underlying: error))
        }
        let retryAfter = RetryPolicy.parseRetryAfter(response.header("Retry-After"))
        switch response.status {
        case 200..<300:
            return decode(response, attempt: attempt)
        case 429:
            return .failure(
                ChatCompletionError(
                    code: .rateLimited, message: "rate limited: \(serverMessage(response))", status: 429,
                    attempts: attempt, retryAfter: retryAfter))
        case 408, 500..<600:
            return .failure(
                ChatCompletionError(
                    code: .serverError, message: "server error: \(serverMessage(response))", status: response.status,
                    attempts: attempt, retryAfter: retryAfter))
        default:
            return .failure(
                ChatCompletionError(
                    code: .rejected,
                    message: "POST \(Self.redacted(request.url)) rejected: \(serverMessage(response))",
                    status: response.status,
                    attempts: attempt))
        }
    }

    /// `url` for an error message: without a query (it may carry a key, e.g. `?api-key=`) or user info.
    static func redacted(_ url: String) -> String {
        var text = String(url.prefix { $0 != "?" && $0 != "#" })
        if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@"),
            !text[scheme.upperBound..<at].contains("/")
        {
            text.removeSubrange(scheme.upperBound...at)
        }
        return text
    }

    private func decode(_ response: HTTPClientResponse, attempt: Int) -> Result<ChatCompletion, ChatCompletionError> {
        let wire: ChatCompletionWire.Response
        do {
            wire = try JSONDecoder().decode(ChatCompletionWire.Response.self, from: Data(response.body))
        } catch {
            return .failure(
                ChatCompletionError(
                    code: .invalidResponse,
                    message: "response body is not a chat completion (\(response.body.count) bytes)",
                    status: response.status, attempts: attempt))
        }
        guard let choice = wire.choices.first, let content = choice.message.content else {
            return .failure(
                ChatCompletionError(
                    code: .invalidResponse, message: "response has no choices[0].message.content",
                    status: response.status, attempts: attempt))
        }
        return .success(
            ChatCompletion(
                content: content, usage: wire.usage ?? TokenUsage(), model: wire.model,
                finishReason: choice.finishReason, attempts: attempt, retries: []))
    }

    /// The server's error message, shortened and scrubbed of the API key and anything shaped like one.
    private func serverMessage(_ response: HTTPClientResponse) -> String {
        let text: String
        if let body = try? JSONDecoder().decode(ChatCompletionWire.ErrorBody.self, from: Data(response.body)),
            let message = body.error.message
        {
            text = message
        } else {
            text = String(decoding: response.body.prefix(512), as: UTF8.self)
        }
        return Self.scrub(String(text.prefix(300)), key: configuration.apiKey, headers: configuration.headers)
    }

    static func scrub(_ text: String, key: LLMAPIKey?, headers: [LLMHeader] = []) -> String {
        var result = text
        let secrets = [key?.revealedValue ?? ""] + headers.map(\.revealedValue)
        // Longest first, so a secret that contains another is not left half shown.
        for secret in secrets.sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
            result = result.replacingOccurrences(of: secret, with: "[redacted]")
        }
        // Masked or foreign keys ("sk-abc…xyz") are not ours to print either.
        let words = result.split(separator: " ", omittingEmptySubsequences: false).map { word -> Substring in
            word.hasPrefix("sk-") || word.hasPrefix("Bearer") ? "[redacted]" : word
        }
        return words.joined(separator: " ")
    }
}

extension Result where Failure == ChatCompletionError {
    /// The attempt's `outcome` metric label: `ok`, or the failure's code.
    fileprivate var metricOutcome: String {
        switch self {
        case .success: "ok"
        case .failure(let error): error.code.metricValue
        }
    }
}
