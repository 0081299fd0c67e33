import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import GPLRLLM
@testable import GPLRRuntime

/// Endpoints, auth styles and extra headers: the request each provider configuration sends, checked by the
/// simulator (path, query, headers), over real HTTP.
@Suite(.timeLimit(.minutes(5))) struct LLMProviderTests {
    static let key = "sk-test-SECRET-0042"

    /// One provider: how gplr is configured for it (through the spec, as the flags build it) and what the
    /// simulator, standing in for the provider, insists on.
    struct Provider: Sendable, CustomTestStringConvertible {
        var name: String
        /// `--llm-url` (base) or `--llm-endpoint` (full URL), given the simulator's port.
        var url: @Sendable (Int) -> String
        var isEndpoint: Bool
        var auth: LLMAuthStyle
        var path: String
        var query: [String: String] = [:]
        var headers: [String: String] = [:]
        var absent: [String] = []
        var testDescription: String { name }
    }

    static let providers: [Provider] = [
        Provider(
            name: "OpenAI", url: { "http://127.0.0.1:\($0)" }, isEndpoint: false, auth: .bearer,
            path: "/v1/chat/completions", headers: ["Authorization": "Bearer \(key)"], absent: ["api-key"]),
        Provider(
            name: "Azure OpenAI",
            url: {
                "http://127.0.0.1:\($0)/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21"
            },
            isEndpoint: true, auth: .apiKey, path: "/openai/deployments/gpt-4o-mini/chat/completions",
            query: ["api-version": "2024-10-21"], headers: ["api-key": key], absent: ["Authorization"]),
        Provider(
            name: "vLLM", url: { "http://127.0.0.1:\($0)/v1" }, isEndpoint: false, auth: .bearer,
            path: "/v1/chat/completions", headers: ["Authorization": "Bearer \(key)"]),
        Provider(
            name: "Ollama", url: { "http://127.0.0.1:\($0)" }, isEndpoint: false, auth: .none,
            path: "/v1/chat/completions", absent: ["Authorization", "api-key"]),
        Provider(
            name: "llama.cpp server", url: { "http://127.0.0.1:\($0)/" }, isEndpoint: false, auth: .bearer,
            path: "/v1/chat/completions", headers: ["Authorization": "Bearer \(key)"]),
        Provider(
            name: "Gemini", url: { "http://127.0.0.1:\($0)/v1beta/openai/chat/completions" }, isEndpoint: true,
            auth: .bearer, path: "/v1beta/openai/chat/completions", headers: ["Authorization": "Bearer \(key)"]),
    ]

    static func simulatorConfiguration(_ provider: Provider) -> LLMSimulatorConfiguration {
        var configuration = LLMSimulatorConfiguration()
        configuration.chatPath = provider.path
        configuration.expectedQuery = provider.query
        configuration.expectedHeaders = provider.headers
        configuration.absentHeaders = provider.absent
        return configuration
    }

    static func spec(_ provider: Provider, port: Int) -> LLMLabelerSpec {
        var spec = LLMLabelerSpec(baseURL: provider.url(port), model: "sim-model")
        if provider.isEndpoint { spec.endpointURL = provider.url(port) }
        spec.auth = provider.auth
        spec.requestTimeoutSeconds = 10
        spec.maxRequestAttempts = 1
        return spec
    }

    /// One labeling request through `configuration`; the completion or the error.
    static func ask(
        _ simulator: LLMSimulator, _ configuration: LLMConfiguration
    ) async throws -> Result<ChatCompletion, ChatCompletionError> {
        let client = try ChatCompletionClient(configuration: configuration)
        let request = LLMFixtures.prompt.request(for: ["12358", "12359"].map(LLMFixtures.user))
        let result: Result<ChatCompletion, ChatCompletionError>
        do {
            result = .success(try await client.complete(request))
        } catch {
            result = .failure(error)
        }
        await client.shutdown()
        return result
    }

    @Test(arguments: providers) func eachProviderGetsTheRequestItExpects(_ provider: Provider) async throws {
        let simulator = LLMSimulator(
            truth: LLMFixtures.truth, personas: LLMFixtures.personaNames,
            configuration: Self.simulatorConfiguration(provider))
        try await simulator.withRunningServer { port in
            let spec = Self.spec(provider, port: port)
            #expect(spec.problem == nil)
            let completion = try await Self.ask(simulator, spec.configuration(apiKey: LLMAPIKey(Self.key))).get()
            let outcome = LLMFixtures.parser.parse(completion.content, askedUserIDs: ["12358", "12359"])
            #expect(outcome.isClean)
            let statistics = simulator.statistics
            #expect(statistics.completions == 1 && statistics.unauthorized == 0 && statistics.wrongQuery == 0)
        }
    }

    @Test func theSimulatorRefusesAWrongPathQueryOrAuthStyle() async throws {
        let azure = Self.providers[1]
        let simulator = LLMSimulator(
            truth: LLMFixtures.truth, personas: LLMFixtures.personaNames,
            configuration: Self.simulatorConfiguration(azure))
        try await simulator.withRunningServer { port in
            let key = LLMAPIKey(Self.key)
            // Bearer instead of api-key: 401, and the echoed key is scrubbed from the error.
            var bearer = Self.spec(azure, port: port)
            bearer.auth = .bearer
            let unauthorized = try await Self.ask(simulator, bearer.configuration(apiKey: key))
            guard case .failure(let error) = unauthorized else { throw Expectation.unexpectedSuccess }
            #expect(error.status == 401 && !"\(error)".contains(Self.key), "\(error)")
            // Without the api-version query: 400.
            var noQuery = Self.spec(azure, port: port)
            noQuery.endpointURL = noQuery.endpointURL.map { String($0.prefix { $0 != "?" }) }
            guard case .failure(let queryError) = try await Self.ask(simulator, noQuery.configuration(apiKey: key))
            else { throw Expectation.unexpectedSuccess }
            #expect(queryError.status == 400)
            // The deployment as a base URL: /v1/chat/completions is appended, which the server does not serve.
            var base = Self.spec(azure, port: port)
            base.endpointURL = nil
            base.baseURL = "http://127.0.0.1:\(port)/openai/deployments/gpt-4o-mini"
            guard case .failure(let pathError) = try await Self.ask(simulator, base.configuration(apiKey: key))
            else { throw Expectation.unexpectedSuccess }
            #expect(pathError.status == 404)
            #expect(simulator.statistics.completions == 0)
            #expect(simulator.statistics.unauthorized == 1 && simulator.statistics.wrongQuery == 1)
        }
    }

    @Test func extraHeadersAreSentAndTheirValuesNeverShown() async throws {
        let token = "gw-SECRET-token-77"
        var configuration = LLMSimulatorConfiguration()
        configuration.expectedHeaders = ["X-Gateway-Token": token, "OpenAI-Organization": "org-1"]
        let simulator = LLMSimulator(
            truth: LLMFixtures.truth, personas: LLMFixtures.personaNames, configuration: configuration)
        try await simulator.withRunningServer { port in
            var spec = LLMLabelerSpec(baseURL: "http://127.0.0.1:\(port)", model: "sim-model")
            spec.auth = LLMAuthStyle.none
            spec.maxRequestAttempts = 1
            let good = [
                try LLMHeader(parsing: "X-Gateway-Token: \(token)"),
                try LLMHeader(parsing: "OpenAI-Organization:org-1"),
            ]
            let client = spec.configuration(apiKey: nil, headers: good)
            #expect(!"\(client)".contains(token) && "\(client)".contains("X-Gateway-Token"))
            _ = try await Self.ask(simulator, client).get()
            // A wrong value is echoed by the server: the error shows neither it nor (of course) the right one.
            let wrongValue = "gw-SECRET-wrong-88"
            let wrong = [try LLMHeader(parsing: "X-Gateway-Token: \(wrongValue)"), good[1]]
            guard
                case .failure(let error) = try await Self.ask(
                    simulator, spec.configuration(apiKey: nil, headers: wrong))
            else { throw Expectation.unexpectedSuccess }
            #expect(error.status == 401)
            #expect(!"\(error)".contains(wrongValue) && !"\(error)".contains("SECRET"), "\(error)")
            #expect(simulator.statistics.completions == 1 && simulator.statistics.unauthorized == 1)
        }
    }

    @Test func headersParseFromFlagsAndFilesAndPrintRedacted() throws {
        let header = try LLMHeader(parsing: "  api-key :  k-SECRET-1 ")
        #expect(header.name == "api-key" && header.revealedValue == "k-SECRET-1")
        #expect("\(header)" == "api-key: [redacted]" && String(reflecting: header) == "api-key: [redacted]")
        var dumped = ""
        dump(header, to: &dumped)
        #expect(!dumped.contains("k-SECRET-1"))
        for bad in ["no colon", ": value", "Content-Type: text/plain", "Bad Name: x", "X-A: a\r\nX-B: b"] {
            let error = #expect(throws: LLMConfigurationError.self) { try LLMHeader(parsing: bad) }
            #expect(error?.code == .invalidValue)
            #expect(!"\(error.map { "\($0)" } ?? "")".contains("a\r\nX-B"))
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("headers")
        try "# gateway\nX-Gateway-Token: t-SECRET\n\nOpenAI-Project: p1\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        let headers = try LLMConfiguration.readHeaders(from: path)
        #expect(headers.map(\.name) == ["X-Gateway-Token", "OpenAI-Project"])
        #expect(headers.map(\.revealedValue) == ["t-SECRET", "p1"])
        try "X-Ok: 1\nbroken line t-SECRET\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: LLMConfigurationError.self) { try LLMConfiguration.readHeaders(from: path) }
        #expect(error?.source == path + ":2")
        #expect(!"\(error.map { "\($0)" } ?? "")".contains("t-SECRET"))
    }

    @Test func specsWrittenBeforeEndpointsAndAuthStylesStillDecode() throws {
        let old =
            #"{"baseURL":"http://127.0.0.1:1","model":"m","usersPerRequest":1,"maxProductsPerUser":100,"#
            + #""maxCharactersPerUser":4000,"maxAnswerAttempts":3,"maxRequestAttempts":6,"concurrency":8,"#
            + #""requestTimeoutSeconds":120,"cache":true,"promptPricePer1K":0,"completionPricePer1K":0}"#
        let spec = try JSONDecoder().decode(LLMLabelerSpec.self, from: Data(old.utf8))
        #expect(spec.endpointURL == nil && spec.authStyle == .bearer)
        #expect(spec.configuration(apiKey: nil).chatCompletionsURL == "http://127.0.0.1:1/v1/chat/completions")
        // A default spec encodes none of the new fields: payloads and job ids stay as they were.
        let encoded = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        #expect(!encoded.contains("endpointURL") && !encoded.contains("auth") && !encoded.contains("structured"))
        var endpoint = spec
        endpoint.endpointURL = "ftp://x"
        #expect(endpoint.problem?.contains("endpoint") == true)
        // A credential in the query would be stored in Redis with the spec: refused, without showing its value.
        endpoint.endpointURL = "https://r.example/openai/deployments/d/chat/completions?api-version=1&api-key=SECRET"
        let problem = try #require(endpoint.problem)
        #expect(problem.contains("'api-key' looks like a secret") && !problem.contains("SECRET"), "\(problem)")
        endpoint.endpointURL = "https://r.example/openai/deployments/d/chat/completions?api-version=2024-10-21"
        #expect(endpoint.problem == nil)
    }
}

/// A `Result.get()` or guard that should have failed did not.
enum Expectation: Error { case unexpectedSuccess }
