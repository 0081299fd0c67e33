import Testing

@testable import GPLRRedis

@Suite(.timeLimit(.minutes(5))) struct RedisValueTests {
    @Test func accessorsConvertOnlyWhatFits() {
        #expect(RedisValue.bytes(Array("42".utf8)).int == 42)
        #expect(RedisValue.bytes(Array("x".utf8)).int == nil)
        #expect(RedisValue.integer(7).string == "7")
        #expect(RedisValue.status("OK").bytes == Array("OK".utf8))
        #expect(RedisValue.null.isNull && RedisValue.null.string == nil)
        #expect(RedisValue.error("ERR x").errorMessage == "ERR x")
        #expect(RedisValue.integer(1).array == nil)
        let hash = RedisValue.array([.bytes(Array("a".utf8)), .integer(1), .bytes(Array("b".utf8)), .null])
        #expect(hash.fieldMap == ["a": .integer(1), "b": .null])
        #expect(RedisValue.array([.integer(1)]).fieldMap == nil)
    }

    @Test func serverErrorsThrowWithTheirPrefix() {
        #expect(throws: RedisError.self) { try RedisValue.error("NOSCRIPT No matching script").throwingServerError() }
        do {
            _ = try RedisValue.error("LOADING Redis is loading the dataset").throwingServerError(context: "GET")
        } catch {
            #expect(error.serverErrorPrefix == "LOADING" && error.isRetriable && error.context == "GET")
        }
        #expect((try? RedisValue.integer(3).throwingServerError()) == .integer(3))
    }

    @Test func backoffGrowsAndIsCapped() {
        let policy = RedisReconnectPolicy(
            maxAttempts: 10, initialDelay: .milliseconds(10), maxDelay: .milliseconds(100))
        // Exponential from 10 ms, capped at 100 ms, plus up to 25 % jitter.
        for (attempt, base) in [(1, 10), (3, 40), (9, 100)] {
            let delay = policy.delay(afterAttempt: attempt)
            #expect(delay >= .milliseconds(base) && delay <= .milliseconds(base) * 1.25)
        }
    }
}
