import Foundation
import LLMSimulator
import Testing

@testable import GPLRLLM

/// ChatCompletionClient + labeling prompt/parser against the simulator over real HTTP.
@Suite(.timeLimit(.minutes(5))) struct LLMChatCompletionTests {
    static let asked = ["12358", "12359", "u\"quote", "12999"]

    static func label(_ client: ChatCompletionClient, _ ids: [String] = asked) async throws -> (
        LabelingOutcome, ChatCompletion
    ) {
        let completion = try await client.complete(LLMFixtures.prompt.request(for: ids.map(LLMFixtures.user)))
        return (LLMFixtures.parser.parse(completion.content, askedUserIDs: ids), completion)
    }

    @Test func cleanRoundTripLabelsEveryUserFromTheTruth() async throws {
        try await LLMFixtures.withSimulator { simulator, client in
            let (outcome, completion) = try await Self.label(client)
            #expect(outcome.isClean)
            #expect(outcome.personas == LLMFixtures.truth)
            #expect(outcome.unrepresentableCount == 1)
            #expect(completion.attempts == 1 && completion.retries.isEmpty)
            let statistics = simulator.statistics
            #expect(completion.usage.promptTokens == statistics.promptTokens && statistics.promptTokens > 100)
            #expect(completion.usage.completionTokens == statistics.completionTokens)
            #expect(completion.usage.totalTokens == statistics.promptTokens + statistics.completionTokens)
            #expect(completion.model == "sim-model")
            #expect(statistics.requests == 1 && statistics.userAnswers == 4)
        }
    }

    @Test func noisyNamesStillMatchAfterNormalisation() async throws {
        let configuration = LLMSimulatorConfiguration(
            seed: 9, dropRate: 0.3, wrongPersonaRate: 0.5, nameVariationRate: 1)
        try await LLMFixtures.withSimulator(configuration) { simulator, client in
            let (outcome, _) = try await Self.label(client)
            #expect(outcome.unknownPersonaCount == 0)
            for id in Self.asked {
                let expected = simulator.answer(forUser: id).map(LabelingResponseParser.normalize)
                let got = outcome.personas[id] ?? ["missing"]
                #expect(got.map(LabelingResponseParser.normalize) == (expected == ["unrepresentable"] ? [] : expected))
            }
        }
    }

    @Test func rateLimitIsRetriedAfterRetryAfter() async throws {
        try await LLMFixtures.withSimulator(.init(faultSchedule: [.rateLimited], retryAfter: .seconds(1))) {
            simulator, client in
            let (outcome, completion) = try await Self.label(client)
            #expect(outcome.personas == LLMFixtures.truth)
            #expect(completion.attempts == 2)
            #expect(
                completion.retries == [
                    ChatCompletionRetry(
                        attempt: 1, cause: .rateLimited, status: 429, delay: .seconds(1), fromRetryAfter: true)
                ])
            #expect(simulator.statistics[.rateLimited] == 1 && simulator.statistics.requests == 2)
        }
    }

    @Test func serverErrorsAreRetried() async throws {
        try await LLMFixtures.withSimulator(.init(faultSchedule: [.serverError, .serverError])) { simulator, client in
            let (outcome, completion) = try await Self.label(client)
            #expect(outcome.isClean)
            #expect(completion.attempts == 3)
            #expect(completion.retries.map(\.cause) == [.serverError, .serverError])
            #expect(completion.retries.map(\.status) == [500, 500])
            #expect(completion.retries.allSatisfy { !$0.fromRetryAfter && $0.delay <= .milliseconds(50) })
            #expect(simulator.statistics[.serverError] == 2 && simulator.statistics.requests == 3)
        }
    }

    @Test func hangTimesOutAndIsRetried() async throws {
        let configuration = LLMSimulatorConfiguration(faultSchedule: [.hang], hangDuration: .seconds(20))
        // 5 s: the hang (20 s) is still cut, and the retry answers within it on a loaded CI machine (2 s did not).
        try await LLMFixtures.withSimulator(configuration, timeout: .seconds(5)) { simulator, client in
            let (outcome, completion) = try await Self.label(client)
            #expect(outcome.isClean)
            #expect(completion.attempts == 2)
            #expect(completion.retries.map(\.cause) == [.transport])
            #expect(simulator.statistics[.hang] == 1 && simulator.statistics.requests == 2)
        }
    }

    @Test func malformedBodyIsRetried() async throws {
        try await LLMFixtures.withSimulator(.init(faultSchedule: [.malformedBody])) { simulator, client in
            let (outcome, completion) = try await Self.label(client)
            #expect(outcome.isClean)
            #expect(completion.retries.map(\.cause) == [.invalidResponse])
            #expect(simulator.statistics[.malformedBody] == 1)
        }
    }

    @Test func malformedJSONIsACountedParseFailure() async throws {
        try await LLMFixtures.withSimulator(.init(faultSchedule: [.malformedJSON])) { simulator, client in
            let (first, completion) = try await Self.label(client)
            #expect(completion.attempts == 1)
            #expect(first.parseFailures == 1)
            #expect(first.missingUserIDs == Self.asked && first.personas.isEmpty)
            let (second, _) = try await Self.label(client)  // the caller's retry
            #expect(second.isClean && second.personas == LLMFixtures.truth)
            #expect(simulator.statistics[.malformedJSON] == 1)
        }
    }

    @Test func unknownPersonaIsDroppedAndCounted() async throws {
        try await LLMFixtures.withSimulator(.init(faultSchedule: [.unknownPersona])) { simulator, client in
            let (outcome, _) = try await Self.label(client)
            #expect(outcome.unknownPersonaCount == Self.asked.count)
            #expect(Set(outcome.unknownPersonaNames) == ["Time Traveller"])
            #expect(outcome.personas == LLMFixtures.truth)
            #expect(outcome.missingUserIDs.isEmpty)
            #expect(simulator.statistics[.unknownPersona] == 1)
        }
    }

    @Test func wrongUserIDIsIgnoredAndCounted() async throws {
        try await LLMFixtures.withSimulator(.init(faultSchedule: [.wrongUserID])) { simulator, client in
            let (outcome, _) = try await Self.label(client)
            #expect(outcome.unexpectedUserIDCount == 1)
            #expect(outcome.missingUserIDs == [Self.asked[0]])
            #expect(outcome.personas.count == Self.asked.count - 1)
            #expect(simulator.statistics[.wrongUserID] == 1)
        }
    }

    @Test func attemptsAreBoundedAndTheLastCauseIsKept() async throws {
        let schedule: [LLMSimulatorFault?] = [.serverError, .rateLimited, .serverError, .serverError]
        try await LLMFixtures.withSimulator(.init(faultSchedule: schedule, retryAfter: .zero), maxAttempts: 3) {
            simulator, client in
            let error = await #expect(throws: ChatCompletionError.self) { try await Self.label(client) }
            #expect(error?.code == .attemptsExhausted)
            #expect(error?.attempts == 3)
            let last = error?.underlying as? ChatCompletionError
            #expect(last?.code == .serverError && last?.status == 500)
            #expect(simulator.statistics.requests == 3)
        }
    }

    @Test func rejectedRequestsAreNotRetried() async throws {
        try await LLMFixtures.withSimulator(.init(expectedAPIKey: "another-key")) { simulator, client in
            let error = await #expect(throws: ChatCompletionError.self) { try await Self.label(client) }
            #expect(error?.code == .rejected && error?.status == 401)
            #expect(simulator.statistics.requests == 1 && simulator.statistics.unauthorized == 1)
            // The message names what was refused: the endpoint (never a key) and the status.
            #expect(error?.description.contains("POST http://127.0.0.1:") == true, "\(String(describing: error))")
            #expect(error?.description.contains("/v1/chat/completions rejected") == true)
            #expect(error?.description.contains("[HTTP 401]") == true)
        }
    }

    @Test func urlsInMessagesLoseQueriesAndUserInfo() {
        #expect(
            ChatCompletionClient.redacted("https://u:p@host.example/v1/chat/completions?api-key=K#x")
                == "https://host.example/v1/chat/completions")
        #expect(
            ChatCompletionClient.redacted("http://127.0.0.1:8/v1/chat/completions")
                == "http://127.0.0.1:8/v1/chat/completions")
    }

    @Test func theAPIKeyIsSentButNeverPrinted() async throws {
        let key = "sk-test-SECRET-0042"
        // Accepted: the key does reach the server in the Authorization header.
        try await LLMFixtures.withSimulator(.init(expectedAPIKey: key)) { simulator, client in
            _ = try await Self.label(client)
            #expect(simulator.statistics.unauthorized == 0)
        }
        var texts: [String] = []
        // Refused by a server that echoes the key it received, exhausted retries, and no server at all.
        try await LLMFixtures.withSimulator(.init(expectedAPIKey: "other")) { _, client in
            do { _ = try await Self.label(client) } catch {
                texts += [String(describing: error), String(reflecting: error)]
            }
        }
        try await LLMFixtures.withSimulator(.init(faultRates: [.serverError: 1]), maxAttempts: 2) { _, client in
            do { _ = try await Self.label(client) } catch {
                texts += [String(describing: error), String(reflecting: error)]
            }
        }
        let offline = try ChatCompletionClient(configuration: LLMFixtures.configuration(port: 1, maxAttempts: 2))
        do { _ = try await Self.label(offline) } catch {
            texts += [String(describing: error), String(reflecting: error)]
        }
        await offline.shutdown()
        let configuration = LLMFixtures.configuration(port: 1)
        var dumped = ""
        dump(configuration, to: &dumped)
        texts += ["\(configuration)", String(reflecting: configuration), dumped]

        #expect(texts.count == 9)
        #expect(texts[0].contains("401"))
        for text in texts { #expect(!text.contains(key), "\(text)") }
        #expect(!texts.joined().contains("SECRET"))
    }

    @Test func rateBasedFaultsMatchTheClientsRetries() async throws {
        let configuration = LLMSimulatorConfiguration(seed: 3, faultRates: [.serverError: 0.3, .malformedBody: 0.1])
        try await LLMFixtures.withSimulator(configuration, maxAttempts: 20) { simulator, client in
            var retries = 0
            for index in 0..<30 {
                let (outcome, completion) = try await Self.label(client, ["\(index)"])
                #expect(outcome.personas["\(index)"] == [])  // not in the truth → Unrepresentable
                retries += completion.retries.count
            }
            let statistics = simulator.statistics
            #expect(statistics[.serverError] + statistics[.malformedBody] == retries)
            #expect(statistics.requests == 30 + retries)
            #expect(statistics[.serverError] > 0)
        }
    }

    @Test func manyConcurrentRequestsAllComplete() async throws {
        let truth = Dictionary(
            uniqueKeysWithValues: (0..<200).map { ("user\($0)", [LLMFixtures.personaNames[$0 % 7]]) })
        let configuration = LLMSimulatorConfiguration(latency: .fixed(.milliseconds(5)))
        try await LLMFixtures.withSimulator(configuration, truth: truth, concurrency: 32) { simulator, client in
            let labels = try await withThrowingTaskGroup(of: LabelingOutcome.self) { group in
                for index in 0..<200 {
                    group.addTask { try await Self.label(client, ["user\(index)"]).0 }
                }
                var merged: [String: [String]] = [:]
                for try await outcome in group { merged.merge(outcome.personas) { first, _ in first } }
                return merged
            }
            #expect(labels == truth)
            let statistics = simulator.statistics
            #expect(statistics.requests == 200)
            #expect(statistics.maxConcurrentRequests <= 32)
            #expect(statistics.maxConcurrentRequests > 1)
        }
    }

    @Test func simulatorAnswersAreDeterministicPerSeed() {
        let configuration = LLMSimulatorConfiguration(
            seed: 5, dropRate: 0.5, wrongPersonaRate: 0.5, unrepresentableRate: 0.2)
        let a = LLMSimulator(truth: LLMFixtures.truth, personas: LLMFixtures.personaNames, configuration: configuration)
        let b = LLMSimulator(truth: LLMFixtures.truth, personas: LLMFixtures.personaNames, configuration: configuration)
        for id in LLMFixtures.truth.keys { #expect(a.answer(forUser: id) == b.answer(forUser: id)) }
        let clean = LLMSimulator(truth: LLMFixtures.truth, personas: LLMFixtures.personaNames)
        #expect(clean.answer(forUser: "12358") == LLMFixtures.truth["12358"])
        #expect(clean.answer(forUser: "12999") == ["Unrepresentable"])
    }
}
