import ArgumentParser
import Dispatch
import Foundation
import GPLRCore
import LLMSimulator

/// `gplr llm-sim`: the OpenAI-compatible LLM simulator, a test and demo peer.
struct LLMSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llm-sim",
        abstract: "Serve a SIMULATED OpenAI-compatible LLM for tests and demos (not an LLM).",
        discussion: """
            THIS IS NOT A LANGUAGE MODEL. It is a test and demo peer that speaks the OpenAI chat completions \
            protocol (POST /v1/chat/completions on 127.0.0.1) and its Batch API (POST /v1/files, POST /v1/batches, \
            GET /v1/batches/{id}, GET /v1/files/{id}/content; delays, expiry and failed lines by flag) and answers gplr's prompts from files: labeling \
            prompts from a labels file (the planted truth of a synthetic dataset), with seeded noise; persona-set \
            prompts from the persona file; item prompts from an item labels file, else at random. It can add \
            latency and inject faults (429 with Retry-After, 500, hangs, malformed JSON, unknown persona names, \
            wrong user ids) so the client's retries and the labeler's strict parsing can be watched.

            Point gplr at it with --llm-url <the printed URL> (gplr run, gplr personas); gplr personas also \
            takes it from OPENAI_BASE_URL, while gplr run never reads that variable (its labeler is chosen by \
            flag: --labels or --llm-url). Runs until Ctrl-C.
            """)

    @Option(help: "Labels file (JSON Lines {\"user\", \"personas\"}) the answers come from.")
    var truth: String

    @Option(help: "Persona set (JSON array of {name, description}).")
    var personas: String

    @Option(help: "Item labels file (JSON Lines {\"item\", \"personas\"}) for item prompts.")
    var items: String?

    @Option(help: "Port on 127.0.0.1 (0: any free port).")
    var port: Int = 8089

    @Option(help: "Probability p of dropping each true persona.")
    var drop: Double = 0

    @Option(help: "Probability q of adding one wrong persona.")
    var add: Double = 0

    @Option(help: "Probability r of answering Unrepresentable.")
    var unrepresentable: Double = 0

    @Option(help: "Mean answer latency in milliseconds (log-normal; 0: none).")
    var latencyMs: Double = 0

    @Option(name: .customLong("fault-429"), help: "Share of requests answered 429 with Retry-After.")
    var fault429: Double = 0

    @Option(name: .customLong("fault-500"), help: "Share of requests answered 500.")
    var fault500: Double = 0

    @Option(help: "Share of requests that hang (30 s or until stopped).")
    var faultHang: Double = 0

    @Option(help: "Share of answers whose content is truncated JSON.")
    var faultMalformed: Double = 0

    @Option(help: "Share of answers with an extra persona name that is not in the set.")
    var faultUnknownPersona: Double = 0

    @Option(help: "Share of answers with a user id that was not asked about.")
    var faultWrongUser: Double = 0

    @Option(help: "Seed of noise, latency and faults.")
    var seed: UInt64 = 1

    @Option(help: "Path chat completions are served on (e.g. /v1beta/openai/chat/completions); others get 404.")
    var path: String = "/v1/chat/completions"

    @Option(help: "Header Name:value every request must carry (repeatable; else 401), e.g. 'api-key:K'.")
    var expectHeader: [String] = []

    @Option(help: "Query parameter name=value every request must carry (repeatable; else 400).")
    var expectQuery: [String] = []

    @Option(
        help:
            "What json_schema response formats get: ignore (answer as without), honour (answers always fit), refuse (400)."
    )
    var structuredOutputs: String = "ignore"

    @Option(help: "Share of prompt tokens reported as cached (usage.prompt_tokens_details.cached_tokens).")
    var cachedTokens: Double = 0

    @Option(help: "Header no request may carry (repeatable; else 401), e.g. Authorization.")
    var refuseHeader: [String] = []

    @Option(help: "Batch API: milliseconds from a batch's creation to its end (validating, then in_progress).")
    var batchDelayMs: Int = 200

    @Option(help: "Batch API: the N-th batch created (0-based) expires with half its lines answered (repeatable).")
    var batchExpire: [Int] = []

    @Option(help: "Batch API: the N-th batch created (0-based) fails validation (repeatable).")
    var batchFail: [Int] = []

    @Option(help: "Batch API: share of batch lines answered HTTP 500 in the error file.")
    var batchFailedLines: Double = 0

    func validate() throws {
        let rates = [
            drop, add, unrepresentable, cachedTokens, fault429, fault500, faultHang, faultMalformed,
            faultUnknownPersona,
            faultWrongUser,
        ]
        guard rates.allSatisfy({ (0...1).contains($0) }) else {
            throw ValidationError("probabilities and fault shares must be in [0, 1]")
        }
        guard fault429 + fault500 + faultHang + faultMalformed + faultUnknownPersona + faultWrongUser <= 1 else {
            throw ValidationError("the fault shares must add up to at most 1")
        }
        guard (0...1).contains(batchFailedLines), batchDelayMs >= 0 else {
            throw ValidationError("--batch-failed-lines must be in [0, 1] and --batch-delay-ms not negative")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0 ... 65535") }
        guard latencyMs >= 0 else { throw ValidationError("--latency-ms must not be negative") }
        guard LLMSimulatorStructuredOutputs(rawValue: structuredOutputs) != nil else {
            throw ValidationError("--structured-outputs must be ignore, honour or refuse")
        }
        guard path.hasPrefix("/") else { throw ValidationError("--path must start with /") }
        guard expectHeader.allSatisfy({ $0.contains(":") }) else {
            throw ValidationError("--expect-header is written Name:value")
        }
        guard expectQuery.allSatisfy({ $0.contains("=") }) else {
            throw ValidationError("--expect-query is written name=value")
        }
    }

    /// `Name:value` / `name=value` pairs, both parts trimmed.
    static func pairs(_ texts: [String], separator: Character) -> [String: String] {
        var pairs: [String: String] = [:]
        for text in texts {
            guard let index = text.firstIndex(of: separator) else { continue }
            pairs[text[..<index].trimmingCharacters(in: .whitespaces)] =
                text[text.index(after: index)...].trimmingCharacters(in: .whitespaces)
        }
        return pairs
    }

    func run() async throws {
        let personaSet = try PersonaSet(contentsOf: personas)
        let labels = try LabelsFile.read(path: truth, personas: personaSet, lenient: true)
        let itemTruth = try items.map { try ItemLabelsFile.read(path: $0) } ?? [:]
        var configuration = LLMSimulatorConfiguration(
            seed: seed, dropRate: drop, wrongPersonaRate: add, unrepresentableRate: unrepresentable,
            latency: .meanMilliseconds(latencyMs),
            faultRates: [
                .rateLimited: fault429, .serverError: fault500, .hang: faultHang, .malformedJSON: faultMalformed,
                .unknownPersona: faultUnknownPersona, .wrongUserID: faultWrongUser,
            ])
        configuration.chatPath = path
        configuration.expectedHeaders = Self.pairs(expectHeader, separator: ":")
        configuration.expectedQuery = Self.pairs(expectQuery, separator: "=")
        configuration.absentHeaders = refuseHeader
        configuration.cachedPromptTokenRate = cachedTokens
        configuration.batch = LLMSimulatorBatchConfiguration(
            validationDelay: .milliseconds(batchDelayMs / 4), completionDelay: .milliseconds(batchDelayMs),
            expiredBatches: Set(batchExpire), failedBatches: Set(batchFail), failedLineRate: batchFailedLines)
        configuration.structuredOutputs = LLMSimulatorStructuredOutputs(rawValue: structuredOutputs) ?? .ignore
        let simulator = LLMSimulator(
            labels: labels, personas: personaSet, configuration: configuration, itemTruth: itemTruth)
        Console.status(
            "llm-sim: SIMULATED LLM for tests and demos (not a language model); "
                + "\(Console.count(simulator.truth.count)) users, \(personaSet.count) personas")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await simulator.run(port: port) { bound in
                    FileHandle.standardOutput.write(Data("http://127.0.0.1:\(bound)\n".utf8))
                    Console.status("llm-sim: listening on POST \(path); Ctrl-C to stop")
                }
            }
            group.addTask { await Self.waitForInterrupt() }
            _ = try await group.next()
            group.cancelAll()
            try await group.waitForAll()
        }
        let statistics = simulator.statistics
        Console.status(
            "llm-sim: stopped after \(Console.count(statistics.requests)) requests "
                + "(\(Console.count(statistics.completions)) answered, "
                + "\(Console.count(statistics.faults.values.reduce(0, +))) faults injected)")
    }

    /// Returns on SIGINT or SIGTERM (or when cancelled).
    static func waitForInterrupt() async {
        let signals = TerminationSignals()
        defer { signals.cancel() }
        _ = await withTaskCancellationHandler {
            await signals.next()
        } onCancel: {
            signals.cancel()
        }
    }
}
