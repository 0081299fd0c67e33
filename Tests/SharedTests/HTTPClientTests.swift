import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import GPLRHTTP
@testable import GPLRLLM
@testable import GPLRSupport

/// The libcurl client against the simulator over real HTTP on 127.0.0.1.
@Suite(.timeLimit(.minutes(5))) struct HTTPClientTests {
    static func chatBody(_ users: [String] = ["12358"]) -> [UInt8] {
        let wire = ChatCompletionWire.Request(
            model: "m", messages: LLMFixtures.prompt.messages(for: users.map(LLMFixtures.user)))
        return Array(try! JSONEncoder().encode(wire))
    }

    static func request(port: Int, timeout: Duration = .seconds(10), headers: [HTTPHeader] = []) -> HTTPClientRequest {
        HTTPClientRequest(
            url: "http://127.0.0.1:\(port)/v1/chat/completions",
            headers: [HTTPHeader(name: "Content-Type", value: "application/json")] + headers, body: chatBody(),
            connectTimeout: .seconds(2), timeout: timeout)
    }

    @Test func postsAndReusesTheConnection() async throws {
        let simulator = LLMSimulator(truth: LLMFixtures.truth, personas: LLMFixtures.personaNames)
        try await simulator.withRunningServer { port in
            let client = try HTTPClient()
            let first = try await client.execute(Self.request(port: port))
            let second = try await client.execute(Self.request(port: port))
            await client.shutdown()
            #expect(first.status == 200 && second.status == 200)
            #expect(first.header("content-type") == "application/json")
            let decoded = try JSONDecoder().decode(ChatCompletionWire.Response.self, from: Data(first.body))
            #expect(decoded.choices.first?.message.content?.contains("Home Decor Aficionado") == true)
            #expect(!first.reusedConnection)
            #expect(second.reusedConnection)
        }
        #expect(simulator.statistics.requests == 2)
    }

    @Test func exposesStatusAndRetryAfterHeader() async throws {
        let simulator = LLMSimulator(
            truth: LLMFixtures.truth, personas: LLMFixtures.personaNames,
            configuration: .init(faultSchedule: [.rateLimited], retryAfter: .seconds(7)))
        try await simulator.withRunningServer { port in
            let client = try HTTPClient()
            let response = try await client.execute(Self.request(port: port))
            await client.shutdown()
            #expect(response.status == 429)
            #expect(response.header("Retry-After") == "7")
        }
    }

    @Test func refusedConnectionIsARetriableConnectionError() async throws {
        let client = try HTTPClient()
        let request = HTTPClientRequest(url: "http://127.0.0.1:1/x", connectTimeout: .seconds(2), timeout: .seconds(3))
        let error = await #expect(throws: HTTPClientError.self) { try await client.execute(request) }
        await client.shutdown()
        #expect(error?.code == .connection)
        #expect(error?.isRetriable == true)
        #expect(error?.curlCode == 7)
    }

    @Test func hangBecomesATimeoutWithoutLeakingHeaders() async throws {
        let simulator = LLMSimulator(
            truth: LLMFixtures.truth, personas: LLMFixtures.personaNames,
            configuration: .init(faultSchedule: [.hang], hangDuration: .seconds(20)))
        try await simulator.withRunningServer { port in
            let client = try HTTPClient()
            let secret = HTTPHeader(name: "Authorization", value: "Bearer sk-never-print-me")
            // Long enough for the server to have taken the request even on a loaded machine (the hang is counted
            // when its handler starts), far shorter than the 20 s hang.
            let request = Self.request(port: port, timeout: .seconds(8), headers: [secret])
            let error = await #expect(throws: HTTPClientError.self) { try await client.execute(request) }
            await client.shutdown()
            #expect(error?.code == .timeout)
            #expect(error?.isRetriable == true)
            let text =
                "\(String(describing: error)) \(String(reflecting: error)) \(request) \(String(reflecting: request))"
            #expect(!text.contains("sk-never-print-me"))
            #expect(text.contains("Authorization"))  // the name is fine, the value is not
        }
        #expect(simulator.statistics[.hang] == 1)
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let simulator = LLMSimulator(
            truth: LLMFixtures.truth, personas: LLMFixtures.personaNames,
            configuration: .init(faultSchedule: [.hang], hangDuration: .seconds(20)))
        try await simulator.withRunningServer { port in
            let client = try HTTPClient()
            let task = Task { try await client.execute(Self.request(port: port, timeout: .seconds(30))) }
            #expect(
                await eventually(timeout: .seconds(300), every: .milliseconds(10)) { simulator.statistics.requests > 0 }
            )
            task.cancel()
            let result = await task.result
            #expect(throws: HTTPClientError.self) { try result.get() }
            if case .failure(let error as HTTPClientError) = result { #expect(error.code == .cancelled) }
            // The client still works afterwards.
            let next = try await client.execute(Self.request(port: port))
            #expect(next.status == 200)
            await client.shutdown()
        }
    }

    @Test func shutdownFailsInFlightAndLaterRequests() async throws {
        let simulator = LLMSimulator(
            truth: LLMFixtures.truth, personas: LLMFixtures.personaNames,
            configuration: .init(faultSchedule: [.hang], hangDuration: .seconds(20)))
        try await simulator.withRunningServer { port in
            let client = try HTTPClient()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    let error = await #expect(throws: HTTPClientError.self) {
                        try await client.execute(Self.request(port: port, timeout: .seconds(30)))
                    }
                    #expect(error?.code == .shutdown)
                }
                #expect(
                    await eventually(timeout: .seconds(300), every: .milliseconds(10)) {
                        simulator.statistics.requests > 0
                    })
                await client.shutdown()
                try await group.waitForAll()
            }
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(Self.request(port: port))
            }
            #expect(error?.code == .shutdown)
        }
    }

    @Test func rejectsHeaderInjection() async throws {
        let client = try HTTPClient()
        let request = HTTPClientRequest(
            url: "http://127.0.0.1:1/x", headers: [HTTPHeader(name: "X-Evil", value: "a\r\nAuthorization: b")])
        let error = await #expect(throws: HTTPClientError.self) { try await client.execute(request) }
        await client.shutdown()
        #expect(error?.code == .invalidRequest)
        #expect(error?.isRetriable == false)
    }

    @Test func enforcesTheResponseSizeLimit() async throws {
        let simulator = LLMSimulator(truth: LLMFixtures.truth, personas: LLMFixtures.personaNames)
        try await simulator.withRunningServer { port in
            let client = try HTTPClient(configuration: .init(maxResponseBytes: 64))
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(Self.request(port: port))
            }
            await client.shutdown()
            #expect(error?.code == .responseTooLarge)
        }
    }
}
