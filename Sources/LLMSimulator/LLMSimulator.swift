import Foundation
import GPLRLLM
import GPLRSupport
import Hummingbird
import Logging
import Synchronization

/// An OpenAI-compatible chat completions server for TESTS AND DEMOS — never a real model.
///
/// It serves `POST /v1/chat/completions` on 127.0.0.1 and answers labeling prompts (``LabelingPrompt``)
/// from a planted truth, item prompts (``ItemLabelingPrompt``) from an item truth or at random, and the
/// persona-set prompts (``PersonaGenerationPrompt``) from its persona list. For labeling prompts it reads the user ids from the prompt's marker lines and returns, as one JSON object,
/// each user's true personas with seeded noise (drop each with p, add a wrong one with q, "Unrepresentable"
/// with r). It can add latency and inject faults by rate or by a fixed schedule — 429 with `Retry-After`,
/// 500, hangs, malformed bodies and contents, unknown persona names, wrong user ids — and counts everything
/// it did in ``statistics`` so tests can assert exact numbers. Token usage is characters / 4. The path, query
/// parameters and headers it expects are configurable (``LLMSimulatorConfiguration/chatPath`` …), so tests
/// prove which request a provider configuration sends.
public final class LLMSimulator: Sendable {
    public let truth: [String: [String]]
    public let personas: [String]
    public let configuration: LLMSimulatorConfiguration
    /// Persona name → description, used in answers to persona-set prompts.
    public let personaDescriptions: [String: String]
    /// Item id → the persona names the simulator considers true for it (items not in it get a seeded random
    /// answer).
    public let itemTruth: [String: [String]]

    struct State {
        var statistics = LLMSimulatorStatistics()
        var inFlight = 0
        var stopping = false
        var batches = LLMSimulatorBatchStore()
    }
    let state = Mutex(State())

    /// - Parameters:
    ///   - truth: user id → the persona names the simulator considers true (empty: Unrepresentable).
    ///   - personas: R, the names the wrong-persona noise draws from.
    ///   - personaDescriptions: persona name → description, for answers to persona-set prompts.
    ///   - itemTruth: item id → persona names, for answers to item prompts.
    public init(
        truth: [String: [String]], personas: [String], configuration: LLMSimulatorConfiguration = .init(),
        personaDescriptions: [String: String] = [:], itemTruth: [String: [String]] = [:]
    ) {
        self.truth = truth
        self.personas = personas
        self.configuration = configuration
        self.personaDescriptions = personaDescriptions
        self.itemTruth = itemTruth
    }

    /// A snapshot of the counters.
    public var statistics: LLMSimulatorStatistics { state.withLock { $0.statistics } }

    /// Serves until the calling task is cancelled, then stops cleanly (hanging requests end at once).
    ///
    /// - Parameters:
    ///   - port: the port to listen on; 0 picks a free one.
    ///   - onRunning: called once with the bound port when the server accepts connections.
    public func run(
        host: String = "127.0.0.1", port: Int = 0, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        state.withLock { $0.stopping = false }
        let router = Router()
        router.post(RouterPath(configuration.chatPath)) { request, _ in try await self.respond(to: request) }
        addBatchRoutes(to: router)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "gplr-llm-simulator"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: Logger(label: "gplr.llm-simulator", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await withTaskCancellationHandler {
            try await app.run()
        } onCancel: {
            self.state.withLock { $0.stopping = true }
        }
    }

    /// Starts the server on `port` (0: a free one), runs `body` with the bound port, then stops the server.
    public func withRunningServer<Result: Sendable>(
        host: String = "127.0.0.1", port: Int = 0, _ body: (Int) async throws -> Result
    ) async throws -> Result {
        try await GPLRSupport.withRunningServer(
            { onRunning in try await self.run(host: host, port: port, onRunning: onRunning) }, body)
    }

    // MARK: - Handling

    private func respond(to request: Request) async throws -> Response {
        let (number, drawnFault) = begin()
        defer { state.withLock { $0.inFlight -= 1 } }

        if let refusal = authorize(request) { return refusal }
        let buffer = try await request.body.collect(upTo: 64 << 20)
        let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        guard let chat = try? JSONDecoder().decode(ChatCompletionWire.Request.self, from: Data(bytes)) else {
            state.withLock { $0.statistics.badRequests += 1 }
            return Self.error(.badRequest, "request body is not a chat completion request")
        }
        let schema = chat.responseFormat?.type == "json_schema" ? chat.responseFormat?.jsonSchema : nil
        if chat.responseFormat?.type == "json_schema" {
            state.withLock { $0.statistics.schemaRequests += 1 }
            if configuration.structuredOutputs == .refuse {
                state.withLock { $0.statistics.schemaRefusals += 1 }
                return Self.error(
                    .badRequest,
                    "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.")
            }
        }
        let honour = configuration.structuredOutputs == .honour && schema != nil
        // A strict server cannot answer outside the schema: only transport faults remain.
        let fault = honour && drawnFault.map(Self.contentFaults.contains) == true ? nil : drawnFault
        if let fault { state.withLock { $0.statistics.faults[fault, default: 0] += 1 } }

        switch fault {
        case .rateLimited?:
            var response = Self.error(.tooManyRequests, "Rate limit reached (simulated)")
            response.headers[.retryAfter] = Self.format(configuration.retryAfter)
            return response
        case .serverError?:
            return Self.error(.internalServerError, "The server had an error (simulated)")
        case .hang?:
            await hang()
        default:
            try await sleep(latency(forRequest: number))
        }
        if fault == .malformedBody {
            state.withLock { $0.statistics.completions += 1 }
            return Self.json(.ok, #"{"id": "chatcmpl-sim", "choices": [{"message": {"content": "#)
        }

        let wire = completion(for: chat, id: "chatcmpl-sim-\(number)", fault: fault, honour: honour)
        let body = (try? JSONEncoder().encode(wire)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return Self.json(.ok, body)
    }

    /// The refusal of a request without the expected key, query parameters or headers, or `nil`.
    func authorize(_ request: Request) -> Response? {
        if let expected = configuration.expectedAPIKey, request.headers[.authorization] != "Bearer \(expected)" {
            state.withLock { $0.statistics.unauthorized += 1 }
            let received = request.headers[.authorization] ?? ""
            // Like some real servers, echo what was received: the client must scrub it.
            return Self.error(
                .unauthorized, "Incorrect API key provided: \(received.replacingOccurrences(of: "Bearer ", with: ""))")
        }
        return checkHeadersAndQuery(of: request)
    }

    /// Faults in the answer's content, which a server honouring a schema cannot produce.
    static let contentFaults: Set<LLMSimulatorFault> = [.malformedJSON, .unknownPersona, .wrongUserID]

    /// Numbers the request and picks its fault.
    private func begin() -> (Int, LLMSimulatorFault?) {
        state.withLock { state in
            let number = state.statistics.requests
            state.statistics.requests += 1
            state.inFlight += 1
            state.statistics.maxConcurrentRequests = max(state.statistics.maxConcurrentRequests, state.inFlight)
            if number < configuration.faultSchedule.count { return (number, configuration.faultSchedule[number]) }
            var random = SimulatorRandom(seed: configuration.seed, key: "fault:\(number)")
            var draw = random.unit()
            for fault in LLMSimulatorFault.allCases {
                let rate = configuration.faultRates[fault, default: 0]
                if draw < rate { return (number, fault) }
                draw -= rate
            }
            return (number, nil)
        }
    }

    private func latency(forRequest number: Int) -> Duration {
        var random = SimulatorRandom(seed: configuration.seed, key: "latency:\(number)")
        switch configuration.latency {
        case .none: return .zero
        case .fixed(let duration): return duration
        case .logNormal(let mean, let sigma):
            return .seconds(random.logNormal(mean: mean.inSeconds, sigma: sigma))
        }
    }

    private func sleep(_ duration: Duration) async throws {
        if duration > .zero { try await Task.sleep(for: duration) }
    }

    /// Waits `hangDuration`, or less if the simulator is stopping.
    private func hang() async {
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.hangDuration
        while clock.now < deadline, !state.withLock({ $0.stopping }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds)" }
        return String(format: "%.3f", Double(seconds) + Double(attoseconds) / 1e18)
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let body = ChatCompletionWire.ErrorBody(error: .init(message: message, type: "simulated_error"))
        let text = (try? JSONEncoder().encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return json(status, text)
    }
}
