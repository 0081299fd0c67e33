import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRLLM

@Suite(.timeLimit(.minutes(5))) struct LLMConfigurationTests {
    @Test func loadsFromTheEnvironment() throws {
        let configuration = try LLMConfiguration.load(environment: [
            "OPENAI_API_KEY": " sk-env-key\n", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1/", "GPLR_LLM_MODEL": "m1",
        ])
        #expect(configuration.apiKey?.revealedValue == "sk-env-key")
        #expect(configuration.model == "m1")
        #expect(configuration.chatCompletionsURL == "http://127.0.0.1:9/v1/chat/completions")
        #expect(LLMConfiguration(baseURL: "https://x.test").chatCompletionsURL == "https://x.test/v1/chat/completions")
        #expect(try LLMConfiguration.load(environment: [:]).apiKey == nil)
    }

    @Test func keyFileWinsOverTheEnvironmentAndErrorsNeverShowIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("key")
        try "sk-file-key\n".write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try LLMConfiguration.load(environment: ["OPENAI_API_KEY": "sk-env"], keyFile: path)
        #expect(configuration.apiKey?.revealedValue == "sk-file-key")
        #expect(!"\(configuration)".contains("sk-file-key"))

        let empty = directory.file("empty")
        try "  \n".write(toFile: empty, atomically: true, encoding: .utf8)
        let emptyError = #expect(throws: LLMConfigurationError.self) {
            try LLMConfiguration.load(environment: [:], keyFile: empty)
        }
        #expect(emptyError?.code == .emptyKeyFile)
        let missingError = #expect(throws: LLMConfigurationError.self) {
            try LLMConfiguration.load(environment: [:], keyFile: directory.file("nope"))
        }
        #expect(missingError?.code == .unreadableKeyFile)
        #expect(throws: LLMConfigurationError.self) {
            try LLMConfiguration.load(environment: ["OPENAI_BASE_URL": "ftp://x"])
        }
    }

    @Test func costFollowsThePrices() {
        let configuration = LLMConfiguration(promptPricePer1K: 0.5, completionPricePer1K: 1.5)
        let usage = TokenUsage(promptTokens: 2000, completionTokens: 1000)
        #expect(usage.totalTokens == 3000)
        #expect(abs(configuration.cost(of: usage) - 2.5) < 1e-12)
    }

    @Test func backoffIsBoundedFullJitterAndRetryAfterWins() {
        let policy = RetryPolicy(
            configuration: LLMConfiguration(
                backoffBase: .milliseconds(100), backoffCap: .seconds(1), maxRetryAfter: .seconds(10)))
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, unit: 0).0 == .zero)
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, unit: 0.5).0 == .milliseconds(50))
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, unit: 0.5).0 == .milliseconds(200))
        #expect(policy.delay(afterAttempt: 20, retryAfter: nil, unit: 0.5).0 == .milliseconds(500))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(3), unit: 0.5) == (.seconds(3), true))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(60), unit: 0.5).0 == .seconds(10))
        #expect(RetryPolicy.parseRetryAfter(" 2 ") == .seconds(2))
        #expect(RetryPolicy.parseRetryAfter("0.5") == .milliseconds(500))
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
        #expect(RetryPolicy.parseRetryAfter("-1") == nil)
    }
}
