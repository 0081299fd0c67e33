import Foundation
public import GPLRRedis
import Synchronization

/// The rate limit shared by every worker calling one LLM endpoint, kept in Redis (``LLMRateLimit``).
///
/// Before each attempt a ``ChatCompletionClient`` built with this limiter as its admission takes 1 request
/// and the request's estimated tokens from the model's buckets, in one Lua script, so no two workers can
/// both take the last unit. When a bucket is full the script says how long until enough of it expires and
/// the limiter sleeps that long (plus a little jitter) and tries again: requests wait, they are never sent
/// over the limit. After an answer, tokens used beyond the estimate are recorded too.
///
/// Keys: `RedisKeys.rateLimit("{<model>}:rpm")` and `…:tpm`, each with a `:sum` companion; the model in the
/// hash tag keeps one model's buckets in one Redis Cluster slot.
public final class LLMRateLimiter: ChatCompletionAdmission {
    public let limit: LLMRateLimit
    private let redis: RedisClient
    private let keys: RedisKeys
    private let statisticsState = Mutex(LLMRateLimiterStatistics())

    public init(redis: RedisClient, keys: RedisKeys = RedisKeys(), limit: LLMRateLimit) {
        self.redis = redis
        self.keys = keys
        self.limit = limit
    }

    /// What this limiter instance did so far.
    var statistics: LLMRateLimiterStatistics { statisticsState.withLock { $0 } }

    public func admit(model: String, estimatedTokens: Int) async throws {
        guard limit.isLimited else { return }
        let id = UUID().uuidString
        var waited = false
        while true {
            try Task.checkCancellation()
            let wait = try await evaluate(model: model, requests: 1, tokens: estimatedTokens, id: id, force: false)
            if wait <= 0 {
                statisticsState.withLock { state in
                    state.admitted += 1
                    state.admittedTokens += estimatedTokens
                    if waited { state.delayedRequests += 1 }
                }
                return
            }
            waited = true
            let pause = Duration.milliseconds(wait) + .milliseconds(Int.random(in: 0...max(1, wait / 10)))
            statisticsState.withLock { $0.waits += 1 }
            try await Task.sleep(for: pause)
        }
    }

    public func settle(model: String, estimatedTokens: Int, usage: TokenUsage) async {
        let extra = usage.totalTokens - estimatedTokens
        guard limit.tokensPerMinute != nil, extra > 0 else { return }
        _ = try? await evaluate(model: model, requests: 0, tokens: extra, id: UUID().uuidString, force: true)
    }

    /// The keys of `model`'s buckets (braces in the name replaced, so the hash tag stays intact).
    public func bucketKeys(model: String) -> (requests: String, tokens: String) {
        let tag = "{" + model.replacingOccurrences(of: "{", with: "(").replacingOccurrences(of: "}", with: ")") + "}"
        return (keys.rateLimit(tag + ":rpm"), keys.rateLimit(tag + ":tpm"))
    }

    private func evaluate(model: String, requests: Int, tokens: Int, id: String, force: Bool) async throws -> Int {
        let names = bucketKeys(model: model)
        var scriptKeys: [RedisArgument] = []
        var arguments: [RedisArgument] = [
            RedisArgument(limit.windowMilliseconds), RedisArgument(id), force ? "1" : "0",
        ]
        if let rpm = limit.requestsPerMinute {
            scriptKeys += [RedisArgument(names.requests), RedisArgument(names.requests + ":sum")]
            arguments += [RedisArgument(limit.capacity(perMinute: rpm)), RedisArgument(requests)]
        }
        if let tpm = limit.tokensPerMinute {
            scriptKeys += [RedisArgument(names.tokens), RedisArgument(names.tokens + ":sum")]
            arguments += [RedisArgument(limit.capacity(perMinute: tpm)), RedisArgument(max(0, tokens))]
        }
        let reply = try await redis.evaluate(Self.admitScript, keys: scriptKeys, arguments: arguments)
        guard let wait = reply.int else {
            throw RedisError(code: .unexpectedReply, message: "rate-limit script returned \(reply)", context: "EVALSHA")
        }
        return wait
    }
}

/// Counters of one ``LLMRateLimiter``.
struct LLMRateLimiterStatistics: Sendable, Equatable {
    /// Requests admitted.
    var admitted = 0
    /// Estimated tokens admitted.
    var admittedTokens = 0
    /// Times a request found a bucket full and slept.
    var waits = 0
    /// Requests that had to wait at least once.
    var delayedRequests = 0

    init() {}
}
