import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRRedis
@testable import GPLRRuntime

/// The run's completions stream: what a coordinator waits on instead of polling every result.
@Suite(.timeLimit(.minutes(5))) struct JobQueueCompletionsTests {
    @Test func storedResultsAndDeadLettersAreAnnouncedOnceAndAWaitWithoutNewsTimesOut() async throws {
        try await withJobQueue { queue, _ in
            try await queue.enqueue([job("a"), job("b"), job("c")])
            let start = try await queue.completionsCursor(run: "r1")
            let nothing = try await queue.waitForCompletions(run: "r1", after: start, timeout: .milliseconds(50))
            #expect(nothing.jobIDs.isEmpty && nothing.cursor == start)

            let taken = try await queue.dequeue(consumer: "w", kinds: [LabelJobDefinition.kind], count: 3)
            let byID = Dictionary(uniqueKeysWithValues: taken.map { ($0.id, $0) })
            #expect(try await queue.complete(try #require(byID["a"]), result: Data("1".utf8)))
            #expect(try await queue.fail(try #require(byID["b"]), error: "bad", retriable: false) == .deadLettered)
            // A duplicate result is not announced again.
            #expect(try await !queue.complete(try #require(byID["a"]), result: Data("2".utf8)))

            let news = try await queue.waitForCompletions(run: "r1", after: start, timeout: .seconds(5))
            #expect(news.jobIDs == ["a", "b"])
            let later = try await queue.waitForCompletions(run: "r1", after: news.cursor, timeout: .milliseconds(50))
            #expect(later.jobIDs.isEmpty)
            // Other runs' completions are elsewhere.
            #expect(try await queue.completionsCursor(run: "r2") != news.cursor)
        }
    }

    /// Out of memory under `noeviction`, Redis refuses the result's `HSETNX` but allows `XACK` and `XDEL`: a
    /// completion must then throw and leave its jobs pending (they run again), not acknowledge them without a result.
    @Test func aResultRedisRefusesLeavesTheJobPending() async throws {
        try await withJobQueue { queue, server in
            let label = LabelJobDefinition.kind
            try await queue.enqueue([job("a"), job("b"), job("c")])
            let taken = try await queue.dequeue(consumer: "w", kinds: [label], count: 3)
            try #require(taken.count == 3)
            let admin = try RedisClient(url: server.url)
            try await admin.send("CONFIG", "SET", "maxmemory-policy", "noeviction")
            try await admin.send("CONFIG", "SET", "maxmemory", "1")
            await #expect(throws: RedisError.self) { try await queue.complete(taken[0], result: Data("1".utf8)) }
            await #expect(throws: RedisError.self) {
                try await queue.complete(taken.dropFirst().map { ($0, Data("2".utf8)) })
            }
            try await admin.send("CONFIG", "SET", "maxmemory", "0")
            let stream = try await queue.streamStats(kind: label)
            #expect(stream.length == 3 && stream.pending == 3, "every job still pending: \(stream)")
            #expect(try await queue.presentResults(run: "r1", among: ["a", "b", "c"]).isEmpty)
            // Once Redis takes writes again the same completions go through.
            #expect(try await queue.complete(taken.map { ($0, Data("3".utf8)) }) == [true, true, true])
            #expect(try await queue.streamStats(kind: label).pending == 0)
            await admin.close()
        }
    }

    @Test func aBatchCompletionAnnouncesItsStoredJobsOfEachRun() async throws {
        try await withJobQueue { queue, _ in
            try await queue.enqueue([job("a"), job("b"), job("x", run: "r2"), job("c")])
            let cursors = (try await queue.completionsCursor(run: "r1"), try await queue.completionsCursor(run: "r2"))
            let taken = try await queue.dequeue(consumer: "w", kinds: [LabelJobDefinition.kind], count: 4)
            #expect(taken.count == 4)
            let first = try await queue.complete(taken.map { ($0, Data($0.id.utf8)) })
            #expect(first == [true, true, true, true])
            let r1 = try await queue.waitForCompletions(run: "r1", after: cursors.0, timeout: .seconds(5))
            let r2 = try await queue.waitForCompletions(run: "r2", after: cursors.1, timeout: .seconds(5))
            #expect(Set(r1.jobIDs) == ["a", "b", "c"] && r1.jobIDs.count == 3)
            #expect(r2.jobIDs == ["x"])
            #expect(
                try await queue.results(run: "r1", jobIDs: ["a", "c"]) == ["a": Data("a".utf8), "c": Data("c".utf8)])
            #expect(try await queue.streamStats(kind: LabelJobDefinition.kind).pending == 0)
            // Stored again (a second delivery): nothing new is announced.
            #expect(try await queue.complete(taken.map { ($0, Data()) }) == [false, false, false, false])
            #expect(
                try await queue.waitForCompletions(run: "r1", after: r1.cursor, timeout: .milliseconds(50)).jobIDs
                    .isEmpty)
        }
    }

    @Test func aBatchLargerThanOneScriptCallTakesIsAcknowledgedWhole() async throws {
        try await withJobQueue(lease: .seconds(60)) { queue, _ in
            try await queue.enqueue((0..<2_500).map { job("j\($0)") })
            var taken: [LeasedJob] = []
            while taken.count < 2_500 {
                let batch = try await queue.dequeue(consumer: "w", kinds: [LabelJobDefinition.kind], count: 1_000)
                if batch.isEmpty { break }
                taken += batch
            }
            #expect(taken.count == 2_500)
            let stored = try await queue.complete(taken.map { ($0, Data("r".utf8)) })
            #expect(stored.allSatisfy { $0 } && stored.count == 2_500)
            let stream = try await queue.streamStats(kind: LabelJobDefinition.kind)
            #expect(stream.pending == 0 && stream.length == 0)
            #expect(try await queue.stats(run: "r1").completed == 2_500)
        }
    }

    @Test func jobIDsWithLineBreaksAreRefused() async throws {
        try await withJobQueue { queue, _ in
            await #expect(throws: JobQueueError.self) { try await queue.enqueue([job("a\nb")]) }
            let enqueued = try await queue.stats(run: "r1").enqueued
            #expect(enqueued == 0)
        }
    }

    @Test func aWaitWakesWhenAJobFinishesWhileItBlocks() async throws {
        try await withJobQueue { queue, _ in
            try await queue.enqueue([job("late")])
            let cursor = try await queue.completionsCursor(run: "r1")
            async let waited = queue.waitForCompletions(run: "r1", after: cursor, timeout: .seconds(30))
            let leased = try #require(try await queue.dequeue(consumer: "w", kinds: [LabelJobDefinition.kind]).first)
            try await queue.complete(leased, result: Data("done".utf8))
            #expect(try await waited.jobIDs == ["late"])
        }
    }
}
