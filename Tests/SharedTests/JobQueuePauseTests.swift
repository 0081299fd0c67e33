import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRRedis
@testable import GPLRRuntime

/// The queue driver's pause flag: a paused kind is neither read nor reclaimed, an entry that a blocking read
/// receives after the pause goes back to the stream undelivered, and the other kinds are not held up.
@Suite(.timeLimit(.minutes(3))) struct JobQueuePauseTests {
    @Test func aPausedKindIsNotDequeuedNorReclaimed() async throws {
        try await withJobQueue(lease: .milliseconds(200)) { queue, _ in
            let label = LabelJobDefinition.kind, affinity = AffinityJobDefinition.kind
            try await queue.enqueue([job("a"), job("s0", kind: affinity)])
            let leased = try await queue.dequeue(consumer: "w1", kinds: [label], count: 1)
            #expect(leased.map(\.id) == ["a"])
            #expect(try await queue.pause(kind: label))
            #expect(try await queue.pausedSince(kind: label) != nil)
            #expect(try await queue.pausedSince(kind: affinity) == nil)
            try await queue.enqueue([job("b")])

            // Only the other kind is read; with every asked kind paused the read waits its block time, empty.
            let both = try await queue.dequeue(consumer: "w2", kinds: [label, affinity], count: 10)
            #expect(both.map(\.id) == ["s0"])
            let clock = ContinuousClock()
            let start = clock.now
            #expect(
                try await queue.dequeue(consumer: "w2", kinds: [label], count: 10, block: .milliseconds(300)).isEmpty)
            #expect(clock.now - start >= .milliseconds(300), "a paused read does not spin")

            // The lease of `a` runs out: no reclaim while paused; after the resume both jobs come back.
            try await leases(queue).ageAll(to: .seconds(1))
            #expect(try await queue.reclaimExpired(consumer: "w3", kinds: [label]).isEmpty)
            #expect(try await queue.resume(kind: label))
            #expect(try await queue.reclaimExpired(consumer: "w3", kinds: [label]).map(\.id) == ["a"])
            #expect(try await queue.dequeue(consumer: "w3", kinds: [label], count: 10).map(\.id) == ["b"])
        }
    }

    @Test func anEntryReadAfterThePauseGoesBackUndelivered() async throws {
        try await withJobQueue { queue, server in
            let label = LabelJobDefinition.kind
            try await queue.prepare(kinds: [label])
            let reader = JobQueue(
                client: try RedisClient(url: server.url), keys: queue.keys, configuration: queue.configuration)
            let observer = try RedisClient(url: server.url)
            // A worker's read, blocked in Redis before the pause. Both waits are long because a fresh clone's CI
            // starts every suite at once, and there a 10 s poll once never saw the read blocked (most likely it got
            // there later); the read returns as soon as the entry below arrives, so an idle machine is not slowed.
            async let read = reader.dequeue(consumer: "w1", kinds: [label], count: 5, block: .seconds(60))
            let blocked = try await eventually(timeout: .seconds(60)) {
                (try await observer.send("INFO", "clients").string ?? "").contains("blocked_clients:1")
            }
            try #require(blocked, "the read never blocked in Redis")
            #expect(try await queue.pause(kind: label))
            try await queue.enqueue([job("late")])
            #expect(try await read.isEmpty, "the entry of the paused kind was handed back")

            let stream = try await queue.streamStats(kind: label)
            #expect(stream.length == 1 && stream.pending == 0, "\(stream)")
            #expect(try await queue.stats(run: "r1").queued == 1)
            try await queue.resume(kind: label)
            let again = try await queue.dequeue(consumer: "w2", kinds: [label], count: 5)
            #expect(again.map(\.id) == ["late"])
            #expect(again.first?.deliveryCount == 1)
            #expect(again.first?.envelope.id == "late")
        }
    }

    /// A queue reads without asking for the flags first when its previous read found none of its kinds paused: a
    /// pause since then is seen by the flags read right after the read, and the entries go back.
    @Test func aPauseSinceThePreviousReadStillHolds() async throws {
        try await withJobQueue { queue, _ in
            let label = LabelJobDefinition.kind
            try await queue.enqueue([job("a")])
            #expect(try await queue.dequeue(consumer: "w1", kinds: [label], count: 1).map(\.id) == ["a"])
            #expect(queue.pauseSnapshot.withLock { $0.showsNonePaused(among: [label]) })
            #expect(try await queue.pause(kind: label))
            try await queue.enqueue([job("b")])
            #expect(try await queue.dequeue(consumer: "w1", kinds: [label], count: 1).isEmpty)
            let stream = try await queue.streamStats(kind: label)
            #expect(stream.length == 2 && stream.pending == 1, "b is back on the stream, undelivered: \(stream)")
            #expect(try await queue.attempts(run: "r1", jobID: "b").isEmpty, "b never started")
            try await queue.resume(kind: label)
            let again = try await queue.dequeue(consumer: "w1", kinds: [label], count: 1)
            #expect(again.map(\.id) == ["b"] && again.first?.deliveryCount == 1)
        }
    }
}
