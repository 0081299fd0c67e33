import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRRedis
@testable import GPLRRuntime

/// A queue on a fresh server, with a short lease so lease expiry happens within a test.
func withJobQueue<T>(
    lease: Duration = .milliseconds(300), maxAttempts: Int = 3, retryDelay: Duration = .zero,
    server options: RedisServer.Options = RedisServer.Options(),
    _ body: (JobQueue, RedisServer) async throws -> T
) async throws -> T {
    try await withRedisServer(options) { server in
        let configuration = JobQueueConfiguration(
            leaseDuration: lease, maxAttempts: maxAttempts, retryDelay: retryDelay)
        let queue = JobQueue(
            client: try RedisClient(url: server.url), keys: RedisKeys(prefix: "t"),
            configuration: configuration)
        return try await body(queue, server)
    }
}

/// Redis's side of the leases of a kind's stream in `queue`: tests age them instead of waiting for them to run out.
func leases(_ queue: JobQueue, _ kind: JobKind = LabelJobDefinition.kind) -> StreamLeases {
    StreamLeases(client: queue.client, stream: queue.keys.jobStream(kind), group: queue.configuration.group)
}

func job(_ id: String, run: String = "r1", kind: JobKind = LabelJobDefinition.kind, payload: String = "{}")
    -> JobEnvelope
{
    JobEnvelope(id: id, runID: run, kind: kind, payload: Data(payload.utf8))
}

@Suite(.timeLimit(.minutes(5))) struct JobQueueTests {
    @Test func enqueueDequeueComplete() async throws {
        try await withJobQueue { queue, _ in
            let binary = Data([0, 1, 2, 0xFF, 0])
            var jobs = [job("a"), job("b"), job("s0", kind: AffinityJobDefinition.kind)]
            jobs[1].payload = binary
            #expect(try await queue.enqueue(jobs) == 3)
            #expect(try await queue.enqueue([job("a")]) == 0)  // already known: skipped
            let labels = try await queue.dequeue(consumer: "w1", kinds: [LabelJobDefinition.kind], count: 10)
            #expect(labels.map(\.id) == ["a", "b"])
            #expect(labels.allSatisfy { $0.deliveryCount == 1 && $0.consumer == "w1" && $0.runID == "r1" })
            #expect(labels[1].envelope.payload == binary)
            let running = try await queue.stats(run: "r1")
            #expect(running.enqueued == 3 && running.running == 2 && running.queued == 1 && running.completed == 0)
            let shards = try await queue.dequeue(
                consumer: "w2", kinds: [LabelJobDefinition.kind, AffinityJobDefinition.kind], count: 10,
                block: .milliseconds(100))
            #expect(shards.map(\.id) == ["s0"])
            for leased in labels + shards {
                #expect(try await queue.complete(leased, result: Data("result-\(leased.id)".utf8)))
            }
            #expect(try await queue.result(run: "r1", jobID: "b") == Data("result-b".utf8))
            #expect(try await queue.results(run: "r1", jobIDs: ["a", "s0", "zzz"]).count == 2)
            let done = try await queue.stats(run: "r1")
            #expect(done.completed == 3 && done.running == 0 && done.queued == 0 && done.isSettled)
            let stream = try await queue.streamStats(kind: LabelJobDefinition.kind)
            #expect(stream.length == 0 && stream.pending == 0)
            // Nothing left: a blocking dequeue times out empty.
            #expect(
                try await queue.dequeue(consumer: "w1", kinds: [LabelJobDefinition.kind], block: .milliseconds(50))
                    .isEmpty)
        }
    }

    @Test func batchCompletionStoresEachResultOnceAndAcknowledgesAll() async throws {
        try await withJobQueue { queue, _ in
            try await queue.enqueue(
                (0..<50).map { job("j\($0)") } + [job("x", run: "r2", kind: AffinityJobDefinition.kind)])
            // Scripts not loaded yet on a fresh server: the batch path must load them itself.
            _ = try await queue.client.send("SCRIPT", "FLUSH")
            let taken = try await queue.dequeue(
                consumer: "w1", kinds: [LabelJobDefinition.kind, AffinityJobDefinition.kind], count: 100)
            #expect(taken.count == 51)
            let stored = try await queue.complete(taken.map { (job: $0, result: Data("r-\($0.id)".utf8)) })
            #expect(stored == Array(repeating: true, count: 51))
            // A second completion of the same jobs (as after a redelivery) stores nothing new.
            #expect(
                try await queue.complete(taken.prefix(3).map { (job: $0, result: Data("late".utf8)) })
                    == [false, false, false])
            #expect(try await queue.result(run: "r1", jobID: "j7") == Data("r-j7".utf8))
            #expect(try await queue.result(run: "r2", jobID: "x") == Data("r-x".utf8))
            #expect(try await queue.stats(run: "r1").completed == 50)
            #expect(try await queue.streamStats(kind: LabelJobDefinition.kind).pending == 0)
            #expect(try await queue.streamStats(kind: AffinityJobDefinition.kind).pending == 0)
        }
    }

    /// The store script's batch path (one `HMGET` for which results exist, one `HSET` for the new ones; results
    /// over 4 KB checked by `HEXISTS`) decides as storing job by job would: first result wins, also for a large
    /// one; an earlier error is cleared; each duplicate is counted; a batch holding a job twice (the job-by-job
    /// path) stores it once.
    @Test func aBatchStoresLikeJobByJobWithLargeResultsEarlierErrorsAndRepeats() async throws {
        try await withJobQueue(lease: .seconds(60)) { queue, _ in
            try await queue.enqueue(["a", "b", "c", "d", "e"].map { job($0) })
            let taken = try await queue.dequeue(consumer: "w1", kinds: [LabelJobDefinition.kind], count: 10)
            let byID = Dictionary(uniqueKeysWithValues: taken.map { ($0.id, $0) })
            let (a, b, c, d, e) = try (
                #require(byID["a"]), #require(byID["b"]), #require(byID["c"]), #require(byID["d"]), #require(byID["e"])
            )
            let large = Data(repeating: 7, count: 10_000)
            #expect(
                try await queue.complete([(job: a, result: Data("first-a".utf8)), (job: c, result: large)]) == [
                    true, true,
                ])
            _ = try await queue.client.send("HSET", RedisArgument(queue.keys.run("r1").errors), "b", "boom")

            let stored = try await queue.complete([
                (job: a, result: Data("late-a".utf8)), (job: b, result: Data("r-b".utf8)),
                (job: c, result: Data(repeating: 9, count: 10_000)), (job: d, result: Data("r-d".utf8)),
            ])
            #expect(stored == [false, true, false, true])
            #expect(try await queue.result(run: "r1", jobID: "a") == Data("first-a".utf8))
            #expect(try await queue.result(run: "r1", jobID: "c") == large)
            #expect(try await queue.result(run: "r1", jobID: "b") == Data("r-b".utf8))
            let errorLeft = try await queue.client.send(
                "HEXISTS", RedisArgument(queue.keys.run("r1").errors), "b")
            #expect(errorLeft.int == 0, "a stored result clears the job's earlier error")
            #expect(try await queue.attempts(run: "r1", jobID: "d").map(\.outcome) == ["done"])
            #expect(try await queue.stats(run: "r1").duplicateResults == 2)

            #expect(
                try await queue.complete([(job: e, result: Data("e1".utf8)), (job: e, result: Data("e2".utf8))]) == [
                    true, false,
                ])
            #expect(try await queue.result(run: "r1", jobID: "e") == Data("e1".utf8))
            #expect(try await queue.attempts(run: "r1", jobID: "e").count == 1, "one delivery, one attempt")
            let stats = try await queue.stats(run: "r1")
            #expect(stats.duplicateResults == 3 && stats.completed == 5)
            #expect(try await queue.streamStats(kind: LabelJobDefinition.kind).pending == 0)
        }
    }

    /// Redis restarted empty between enqueue's two writes: the id is registered, its entry is gone, and enqueueing
    /// it again adds nothing, so no worker could ever run it. Forgetting the run's ids without results (what the
    /// coordinator does when it rebuilds a lost run) makes the enqueue add it; a job with a result stays known.
    @Test func anIDRegisteredWithoutItsEntryIsEnqueuedAgainOnceForgotten() async throws {
        try await withJobQueue(lease: .seconds(60)) { queue, _ in
            try await queue.enqueue([job("done")])
            let taken = try await queue.dequeue(consumer: "w", kinds: [LabelJobDefinition.kind])
            #expect(try await queue.complete(taken.map { (job: $0, result: Data("r".utf8)) }) == [true])
            _ = try await queue.client.send("SADD", RedisArgument(queue.keys.run("r1").jobs), "orphan")
            #expect(try await queue.enqueue([job("orphan"), job("done")]) == 0, "both look enqueued")

            #expect(try await queue.forgetJobsWithoutResults(run: "r1") == 1)
            #expect(try await queue.enqueue([job("orphan"), job("done")]) == 1)
            let again = try await queue.dequeue(consumer: "w", kinds: [LabelJobDefinition.kind], count: 10)
            #expect(again.map(\.id) == ["orphan"])
        }
    }

    @Test func jobOfADeadWorkerIsReclaimedAfterTheLease() async throws {
        try await withJobQueue { queue, _ in
            try await queue.enqueue([job("j1")])
            let taken = try #require(try await queue.dequeue(consumer: "dying", kinds: [LabelJobDefinition.kind]).first)
            // "dying" never acknowledges. Once the lease ran out another worker takes the job over.
            try await leases(queue).ageAll(to: .seconds(1))
            let reclaimed = try await queue.reclaimExpired(consumer: "healthy", kinds: [LabelJobDefinition.kind])
            let stolen = try #require(reclaimed.first)
            #expect(reclaimed.count == 1)
            #expect(stolen.id == "j1" && stolen.consumer == "healthy" && stolen.deliveryCount == 2)
            #expect(try await queue.extendLease(taken) == false)  // the dead worker lost its lease
            #expect(try await queue.extendLease(stolen))
            #expect(try await queue.complete(stolen, result: Data("first".utf8)))
            // The "dead" worker comes back and completes too: stored once, first result wins.
            #expect(try await queue.complete(taken, result: Data("second".utf8)) == false)
            #expect(try await queue.result(run: "r1", jobID: "j1") == Data("first".utf8))
            let stats = try await queue.stats(run: "r1")
            #expect(stats.completed == 1 && stats.duplicateResults == 1 && stats.running == 0)
        }
    }

    @Test func leaseExtensionPreventsReclaim() async throws {
        // Redis's clock is moved (the entry's idle time), not waited for, so the margins are wide at no cost: the
        // real time a loaded machine takes between two steps (seconds: a 4 s lease with a 2 s margin failed once
        // in CI) only adds to the idle time.
        try await withJobQueue(lease: .seconds(60)) { queue, _ in
            try await queue.enqueue([job("long")])
            let leased = try #require(try await queue.dequeue(consumer: "w1", kinds: [LabelJobDefinition.kind]).first)
            try await leases(queue).ageAll(to: .seconds(45))
            #expect(try await queue.extendLease(leased))
            // The extension restarted the lease: 45 s had passed, now (almost) none has, so 60 s more are left.
            let held = try #require(try await leases(queue).pending().first)
            #expect(held.consumer == "w1" && held.idle < .seconds(30), "idle \(held.idle)")
            #expect(try await queue.reclaimExpired(consumer: "w2", kinds: [LabelJobDefinition.kind]).isEmpty)
            #expect(try await queue.complete(leased, result: Data()))
        }
    }

    @Test func failingJobIsDeadLetteredAfterMaxAttemptsAndRetryRunsItAgain() async throws {
        try await withJobQueue(maxAttempts: 3) { queue, _ in
            try await queue.enqueue([job("flaky"), job("fine")])
            var current = try #require(
                try await queue.dequeue(consumer: "w", kinds: [LabelJobDefinition.kind], count: 1).first)
            #expect(current.id == "flaky")
            var outcomes: [JobFailureOutcome] = []
            for attempt in 1...3 {
                #expect(current.deliveryCount == attempt)
                outcomes.append(try await queue.fail(current, error: "boom \(attempt)"))
                if attempt < 3 {
                    #expect(try await queue.lastError(run: "r1", jobID: "flaky") == "boom \(attempt)")
                    // retryDelay is zero: the job is reclaimable at once.
                    current = try #require(
                        try await queue.reclaimExpired(consumer: "w", kinds: [LabelJobDefinition.kind]).first)
                }
            }
            #expect(outcomes == [.willRetry, .willRetry, .deadLettered])
            let letters = try await queue.deadLetters(run: "r1")
            #expect(letters.map(\.jobID) == ["flaky"])
            #expect(letters.first?.error.contains("boom 3") == true)
            #expect(letters.first?.deliveries == 3)
            var stats = try await queue.stats(run: "r1")
            #expect(stats.deadLettered == 1 && stats.failures == 2 && stats.queued == 1)
            // Put it back: a fresh entry, attempt 1, and this time it succeeds.
            #expect(try await queue.retry(run: "r1") == 1)
            #expect(try await queue.deadLetters(run: "r1").isEmpty)
            let again = try await queue.dequeue(consumer: "w", kinds: [LabelJobDefinition.kind], count: 5)
            #expect(Set(again.map(\.id)) == ["flaky", "fine"])
            let flaky = try #require(again.first { $0.id == "flaky" })
            #expect(flaky.envelope.attempt == 1 && flaky.deliveryCount == 1)
            for leased in again { try await queue.complete(leased, result: Data("ok".utf8)) }
            stats = try await queue.stats(run: "r1")
            #expect(stats.completed == 2 && stats.deadLettered == 0 && stats.retried == 1 && stats.isSettled)
        }
    }

    @Test func nonRetriableFailureDeadLettersAtOnce() async throws {
        try await withJobQueue { queue, _ in
            try await queue.enqueue([job("bad", kind: ItemLabelJobDefinition.kind)])
            let leased = try #require(
                try await queue.dequeue(consumer: "w", kinds: [ItemLabelJobDefinition.kind]).first)
            let outcome = try await queue.fail(leased, error: "no handler for kind item-label", retriable: false)
            #expect(outcome == .deadLettered)
            let letter = try #require(try await queue.deadLetters(run: "r1").first)
            #expect(letter.error == "no handler for kind item-label" && letter.kind == ItemLabelJobDefinition.kind)
            #expect(try await queue.streamStats(kind: ItemLabelJobDefinition.kind).pending == 0)
            // retry by job id
            #expect(try await queue.retry(run: "r1", jobIDs: ["other"]) == 0)
            #expect(try await queue.retry(run: "r1", jobIDs: ["bad"]) == 1)
            #expect(try await queue.dequeue(consumer: "w", kinds: [ItemLabelJobDefinition.kind]).map(\.id) == ["bad"])
        }
    }

    @Test func jobAbandonedMoreThanMaxAttemptsIsDeadLettered() async throws {
        try await withJobQueue(lease: .milliseconds(200), maxAttempts: 1) { queue, _ in
            try await queue.enqueue([job("crashes-workers")])
            _ = try await queue.dequeue(consumer: "w1", kinds: [LabelJobDefinition.kind])
            try await leases(queue).ageAll(to: .seconds(1))
            #expect(try await queue.reclaimExpired(consumer: "w2", kinds: [LabelJobDefinition.kind]).isEmpty)
            let letter = try #require(try await queue.deadLetters(run: "r1").first)
            #expect(letter.error.contains("abandoned") && letter.deliveries == 2)
        }
    }

    @Test func unknownEnvelopeVersionIsDeadLetteredWithAReason() async throws {
        try await withJobQueue { queue, _ in
            var future = job("from-the-future")
            future.version = 99
            try await queue.enqueue([future, job("normal")])
            let taken = try await queue.dequeue(consumer: "w", kinds: [LabelJobDefinition.kind], count: 10)
            #expect(taken.map(\.id) == ["normal"])
            let letter = try #require(try await queue.deadLetters(run: "r1").first)
            #expect(letter.jobID == "from-the-future")
            #expect(letter.error.contains("unsupported envelope version 99"))
            #expect(letter.envelope == nil)
            #expect(try await queue.streamStats(kind: LabelJobDefinition.kind).pending == 1)  // only "normal"
        }
    }

    @Test func envelopeOnTheWrongKindsStreamIsDeadLettered() async throws {
        try await withJobQueue { queue, _ in
            try await queue.prepare(kinds: [LabelJobDefinition.kind])
            let misplaced = job("m", kind: AffinityJobDefinition.kind)
            try await queue.client.send(
                queue.streamEntryCommand(
                    id: misplaced.id, runID: "r1", kind: LabelJobDefinition.kind, version: 1,
                    rawEnvelope: try misplaced.encoded()))
            #expect(try await queue.dequeue(consumer: "w", kinds: [LabelJobDefinition.kind]).isEmpty)
            let letter = try #require(try await queue.deadLetters(run: "r1").first)
            #expect(letter.jobID == "m" && letter.error.contains("kind 'affinity'"))
        }
    }

    @Test func queueSurvivesARedisRestartWithAppendOnly() async throws {
        try await withJobQueue(server: RedisServer.Options(appendOnly: true)) { queue, server in
            try await queue.enqueue([job("p1"), job("p2"), job("p3")])
            let first = try #require(try await queue.dequeue(consumer: "w1", kinds: [LabelJobDefinition.kind]).first)
            try await queue.complete(first, result: Data("r".utf8))
            let pending = try #require(try await queue.dequeue(consumer: "w1", kinds: [LabelJobDefinition.kind]).first)
            try server.restart()
            // The same client reconnects; the undelivered job, the pending one and the result survived.
            let next = try await queue.dequeue(consumer: "w2", kinds: [LabelJobDefinition.kind], count: 10)
            #expect(next.map(\.id) == ["p3"])
            for leased in next { try await queue.complete(leased, result: Data("r".utf8)) }
            try await leases(queue).ageAll(to: .seconds(1))
            let reclaimed = try await queue.reclaimExpired(consumer: "w2", kinds: [LabelJobDefinition.kind])
            #expect(reclaimed.map(\.id) == [pending.id] && reclaimed.first?.deliveryCount == 2)
            #expect(try await queue.result(run: "r1", jobID: first.id) == Data("r".utf8))
            let stats = try await queue.stats(run: "r1")
            #expect(stats.enqueued == 3 && stats.completed == 2 && stats.running == 1)
        }
    }

    /// A stream whose consumer group vanished (the server lost its data, or an operator deleted the key) answers a
    /// read with `NOGROUP`: the queue creates the group again and reads, instead of failing every fetch.
    @Test func aReadAfterTheGroupVanishedCreatesItAgain() async throws {
        try await withJobQueue { queue, server in
            let label = LabelJobDefinition.kind
            try await queue.enqueue([job("a")])
            #expect(try await queue.dequeue(consumer: "w", kinds: [label]).map(\.id) == ["a"])
            let admin = try RedisClient(url: server.url)
            try await admin.send("DEL", RedisArgument(queue.keys.jobStream(label)))
            try await queue.enqueue([job("b")])  // recreates the stream, without the group
            #expect(try await queue.dequeue(consumer: "w", kinds: [label]).map(\.id) == ["b"])
            await admin.close()
        }
    }

    @Test func runsAreSeparated() async throws {
        try await withJobQueue { queue, _ in
            try await queue.enqueue([job("x", run: "A"), job("x", run: "B")])  // same job id, two runs
            let both = try await queue.dequeue(consumer: "w", kinds: [LabelJobDefinition.kind], count: 5)
            #expect(Set(both.map(\.runID)) == ["A", "B"])
            let fromA = try #require(both.first { $0.runID == "A" })
            try await queue.complete(fromA, result: Data("a".utf8))
            #expect(try await queue.result(run: "B", jobID: "x") == nil)
            #expect(try await queue.stats(run: "A").completed == 1)
            #expect(try await queue.stats(run: "B").running == 1)
        }
    }
}

@Suite(.timeLimit(.minutes(5))) struct JobEnvelopeTests {
    @Test func roundTripsAndRejectsOtherVersions() throws {
        let envelope = JobEnvelope(
            id: "j", runID: "r", kind: AffinityJobDefinition.kind, payload: Data([0, 9, 0]), attempt: 2)
        #expect(try JobEnvelope.decode(envelope.encoded()) == envelope)
        var other = envelope
        other.version = 2
        #expect(throws: JobQueueError.self) { try JobEnvelope.decode(other.encoded()) }
        #expect(throws: JobQueueError.self) { try JobEnvelope.decode(Data("not json".utf8)) }
    }

    @Test func keysShareOneHashTagPerRun() {
        let keys = RedisKeys()
        let run = keys.run("abc")
        for key in [run.jobs, run.results, run.errors, run.deadLetters, run.counters, run.state] {
            #expect(key.hasPrefix("gplr:{run:abc}:"))
        }
        #expect(keys.jobStream(LabelJobDefinition.kind) == "gplr:{queue}:stream:label")
        #expect(keys.snapshotChunk(hash: "ff", index: 3) == "gplr:{snap:ff}:chunk:3")
    }
}
