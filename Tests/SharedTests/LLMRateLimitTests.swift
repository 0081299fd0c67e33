import Foundation
import GPLRTestSupport
import LLMSimulator
import Synchronization
import Testing

@testable import GPLRLLM
@testable import GPLRRedis
@testable import GPLRSupport

/// The rate limit shared through Redis by several workers, measured at the simulator.
@Suite(.timeLimit(.minutes(5))) struct LLMRateLimitTests {
    /// Two "workers" (own Redis connection, own limiter, own HTTP client) send as fast as they can.
    static func hammer(
        redisPort: Int, simulatorPort: Int, limit: LLMRateLimit, for duration: Duration,
        until done: @escaping @Sendable () -> Bool = { false }
    ) async throws -> [LLMRateLimiterStatistics] {
        let request = LLMFixtures.prompt.request(for: [LLMFixtures.user("12358")])
        var limiters: [LLMRateLimiter] = []
        var clients: [ChatCompletionClient] = []
        for _ in 0..<2 {
            let redis = RedisClient(endpoint: RedisEndpoint(address: .tcp(host: "127.0.0.1", port: redisPort)))
            let limiter = LLMRateLimiter(redis: redis, limit: limit)
            limiters.append(limiter)
            clients.append(
                try ChatCompletionClient(
                    configuration: LLMLabelerFixtures.configuration(port: simulatorPort, concurrency: 12),
                    admission: limiter))
        }
        await withTaskGroup(of: Void.self) { group in
            for client in clients {
                for _ in 0..<12 {
                    group.addTask {
                        while !Task.isCancelled {
                            do { _ = try await client.complete(request) } catch { break }
                        }
                    }
                }
            }
            // Ends after `duration`, or as soon as `done()` holds (checked every 20 ms).
            group.addTask { _ = await eventually(timeout: duration) { done() } }
            _ = await group.next()  // the sleeper ends first: the others only end when cancelled
            group.cancelAll()
        }
        for client in clients { await client.shutdown() }
        return limiters.map(\.statistics)
    }

    /// A `hammer` end condition: holds one second after `reached` first held, so that the clients go on asking
    /// for a while once the budget is used and anything the limiter wrongly lets through is seen.
    static func oneSecondAfter(_ reached: @escaping @Sendable () -> Bool) -> @Sendable () -> Bool {
        let firstReached = Mutex<ContinuousClock.Instant?>(nil)
        return {
            guard reached() else { return false }
            let since = firstReached.withLock { first in
                if first == nil { first = .now }
                return first!
            }
            return ContinuousClock.now - since >= .seconds(1)
        }
    }

    @Test func twoWorkersTogetherStayWithinRequestsPerMinute() async throws {
        try await withRedisServer { server in
            try await LLMLabelerFixtures.withSimulator(truth: LLMFixtures.truth) { simulator, port in
                let limit = LLMRateLimit(requestsPerMinute: 120, window: .seconds(60))
                // Until the simulator has seen the minute's budget (however slow the machine), then 1 s more in
                // which both workers keep asking and nothing more may get through.
                let statistics = try await Self.hammer(
                    redisPort: server.port, simulatorPort: port, limit: limit, for: .seconds(40),
                    until: Self.oneSecondAfter { simulator.statistics.requests >= 120 })
                let requests = simulator.statistics.requests
                #expect(requests <= 120, "the simulator saw \(requests) requests within one minute")
                // Without latency the whole minute's budget is used within the test, by both workers.
                #expect(requests == 120)
                #expect(statistics.map(\.admitted).reduce(0, +) == requests)
                #expect(statistics.allSatisfy { $0.admitted > 0 && $0.waits > 0 })
            }
        }
    }

    @Test func aShortWindowSpreadsTheMinutesBudget() async throws {
        try await withRedisServer { server in
            try await LLMLabelerFixtures.withSimulator(truth: LLMFixtures.truth) { simulator, port in
                // 600 per minute in 1-second windows: at most 10 per window. Two clients ask until 25 requests went
                // through (however slow a busy machine makes them): that takes at least 3 windows, so more than
                // a second, where one 60-second window would have let all 25 through at once.
                let limit = LLMRateLimit(requestsPerMinute: 600, window: .seconds(1))
                let clock = ContinuousClock()
                let start = clock.now
                _ = try await Self.hammer(
                    redisPort: server.port, simulatorPort: port, limit: limit, for: .seconds(30),
                    until: { simulator.statistics.requests >= 25 })
                let elapsed = clock.now - start
                let windows = Int((elapsed / .seconds(1)).rounded(.up)) + 1
                let requests = simulator.statistics.requests
                #expect(requests >= 25, "\(requests) requests in \(elapsed)")
                #expect(requests <= 10 * windows, "\(requests) requests in \(elapsed)")
                #expect(elapsed > .seconds(1), "25 requests within one window: \(elapsed)")
            }
        }
    }

    @Test func estimatedTokensStayWithinTokensPerMinute() async throws {
        try await withRedisServer { server in
            try await LLMLabelerFixtures.withSimulator(truth: LLMFixtures.truth) { simulator, port in
                let request = LLMFixtures.prompt.request(for: [LLMFixtures.user("12358")])
                let tpm = request.estimatedTokens * 15 + request.estimatedTokens / 2
                let limit = LLMRateLimit(tokensPerMinute: tpm, window: .seconds(60))
                // Until the first request went through (however slow a busy machine makes it: a fixed 1.5 s once
                // saw none), then 1 s more in which both workers keep asking.
                let statistics = try await Self.hammer(
                    redisPort: server.port, simulatorPort: port, limit: limit, for: .seconds(40),
                    until: Self.oneSecondAfter { simulator.statistics.requests >= 1 })
                let seen = simulator.statistics
                #expect(seen.requests >= 1 && seen.requests <= 15, "\(seen.requests) requests")
                #expect(seen.promptTokens <= tpm)
                #expect(statistics.map(\.admittedTokens).reduce(0, +) <= tpm)
            }
        }
    }
}
