import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRCore
@testable import GPLRLLM
@testable import GPLRRuntime

/// The job executors give what the local algorithms give, and refuse bad payloads with non-retriable errors.
@Suite(.timeLimit(.minutes(5))) struct JobExecutorTests {
    let fixture: JobFixture
    let directory: TemporaryDirectory
    let labelsPath: String

    init() throws {
        fixture = try JobFixture()
        directory = try TemporaryDirectory(prefix: "gplr-executor")
        labelsPath = directory.file("truth.jsonl")
        try fixture.writeLabelsFile(to: labelsPath)
    }

    @Test func labelJobAnswersAsTheTruthLabelerDoesLocally() async throws {
        defer { directory.remove() }
        let users = [0, 3, 17, 42, 99, 250, 299]
        let job = fixture.labelJob(users: users, labelsPath: labelsPath, drop: 0.3, add: 0.2, seed: 11)
        let executor = LabelJobExecutor()
        let result = try await executor.execute(job, graph: fixture.graph)

        let local = TruthLabeler(
            truthByUserID: fixture.truth, graph: fixture.graph, personaCount: fixture.personas.count,
            dropProbability: 0.3, addProbability: 0.2, seed: 11)
        let expected = try await local.label(users: users, in: fixture.graph)
        #expect(result.batch == expected)
        #expect(result.labeled.map(\.user) == users)
        // A second job hits the caches and still answers the same.
        #expect(try await executor.execute(job, graph: fixture.graph) == result)
    }

    /// Jobs that start together (a worker's first ones, up to its concurrency) wait for one read of the labels file
    /// instead of each reading it, and each answers as it would alone.
    @Test func labelJobsStartedTogetherReadTheLabelsFileOnce() async throws {
        defer { directory.remove() }
        // Lines for users outside the graph after the fixture's, so that one read lasts while the jobs start.
        let handle = try #require(FileHandle(forWritingAtPath: labelsPath))
        handle.seekToEndOfFile()
        handle.write(Data((0..<200_000).map { "{\"user\":\"outside-\($0)\",\"personas\":[]}\n" }.joined().utf8))
        try handle.close()
        let executor = LabelJobExecutor()
        let jobs = (0..<8).map { fixture.labelJob(users: [$0, $0 + 100], labelsPath: labelsPath) }
        let results = try await withThrowingTaskGroup(of: (Int, LabelJobResult).self) { group in
            for (index, job) in jobs.enumerated() {
                group.addTask { (index, try await executor.execute(job, graph: fixture.graph)) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(executor.labelsFileReads == 1)
        for (index, job) in jobs.enumerated() {
            #expect(try await LabelJobExecutor().execute(job, graph: fixture.graph) == results[index])
        }
        // A later job takes the file from the cache.
        _ = try await executor.execute(jobs[0], graph: fixture.graph)
        #expect(executor.labelsFileReads == 1)
    }

    @Test func labelJobWithAMissingLabelsFileIsARetriableJobError() async throws {
        defer { directory.remove() }
        let job = fixture.labelJob(users: [1], labelsPath: directory.file("nope.jsonl"))
        let error = await #expect(throws: JobExecutionError.self) {
            try await LabelJobExecutor().execute(job, graph: fixture.graph)
        }
        #expect(error?.code == .labelsFile)
        #expect(error?.isRetriable == true)
        #expect(error?.description.contains("nope.jsonl") == true)
    }

    /// Side inputs are content-addressed: a worker whose labels file at the job's path holds other content refuses
    /// the job (the result would silently differ), naming both digests; the right content is accepted.
    @Test func labelJobRefusesALabelsFileWithOtherContent() async throws {
        defer { directory.remove() }
        let expected = try FileDigest.sha256(path: labelsPath)
        var job = fixture.labelJob(users: [0, 1, 2], labelsPath: labelsPath)
        guard case .labelsFile(let path, let drop, let add, let seed, _) = job.labeler else { return }
        job.labeler = .labelsFile(path: path, dropProbability: drop, addProbability: add, seed: seed, sha256: expected)
        let executor = LabelJobExecutor()
        #expect(try await executor.execute(job, graph: fixture.graph).labeled.count == 3)

        // Another file at the same path (one user's labels changed): refused, however the executor had cached it.
        var text = try String(contentsOfFile: labelsPath, encoding: .utf8)
        let firstLine = text.prefix { $0 != "\n" }
        text = text.replacingOccurrences(of: firstLine, with: firstLine.replacingOccurrences(of: "[", with: "[ "))
        try Data(text.utf8).write(to: URL(fileURLWithPath: labelsPath))
        let error = await #expect(throws: JobExecutionError.self) {
            try await executor.execute(job, graph: fixture.graph)
        }
        #expect(error?.code == .labelsFile)
        #expect(error?.isRetriable == true)
        #expect(error?.description.contains(String(expected.prefix(16))) == true)
        #expect(error?.description.contains("a different file at the same path") == true)
        // A digest that is not one is a bad payload.
        job.labeler = .labelsFile(path: path, dropProbability: drop, addProbability: add, seed: seed, sha256: "xyz")
        let bad = await #expect(throws: JobExecutionError.self) {
            try await executor.execute(job, graph: fixture.graph)
        }
        #expect(bad?.code == .invalidPayload)
    }

    @Test func labelJobWithAMalformedLabelsFileIsNotRetriable() async throws {
        defer { directory.remove() }
        let path = directory.file("bad.jsonl")
        let text = "{\"user\":\"u0\",\"personas\":[\"Persona 0\"]}\nnot json\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let error = await #expect(throws: JobExecutionError.self) {
            try await LabelJobExecutor().execute(fixture.labelJob(users: [0], labelsPath: path), graph: fixture.graph)
        }
        #expect(error?.code == .labelsFile)
        #expect(error?.isRetriable == false)
    }

    @Test func labelJobRefusesABadVersionAndAnOutOfRangeUser() async throws {
        defer { directory.remove() }
        var job = fixture.labelJob(users: [0], labelsPath: labelsPath)
        job.version = LabelJob.currentVersion + 1
        // The kind's definition refuses the version before anything runs (the worker dispatches through it).
        let versionError = #expect(throws: JobExecutionError.self) {
            try LabelJobDefinition.decodePayload(try JobCoding.encode(job))
        }
        #expect(versionError?.code == .unsupportedVersion)
        #expect(versionError?.isRetriable == false)

        let outOfRange = fixture.labelJob(users: [0, fixture.graph.userCount], labelsPath: labelsPath)
        let rangeError = await #expect(throws: JobExecutionError.self) {
            try await LabelJobExecutor().execute(outOfRange, graph: fixture.graph)
        }
        #expect(rangeError?.code == .outOfRange)
        #expect(rangeError?.isRetriable == false)
        #expect(rangeError?.message.contains("\(fixture.graph.userCount)") == true)
    }

    @Test func exactAffinityShardEqualsTheLocalComputation() throws {
        defer { directory.remove() }
        let shard = [1, 4, 5]
        let job = fixture.affinityJob(personas: shard, prototypesKey: "gplr:p", walkLength: 2, beta: 0.5)
        let shardResult = try AffinityJobExecutor(threadCount: 1).execute(
            job, graph: fixture.graph,
            prototypes: fixture.prototypes)
        // Through the wire form the coordinator reads.
        let decoded = try AffinityJobDefinition.decodeResult(AffinityJobDefinition.encodeResult(shardResult))
        let labels = try LabelMatrix(labels: fixture.prototypes.labels(), userCount: fixture.graph.userCount, beta: 0.5)
        let local = try ExactAffinity(walkLength: 2).compute(graph: fixture.graph, labels: labels, personas: shard)
        #expect(decoded.affinity == local)
        #expect(decoded.residuals == nil)
        #expect(decoded.affinity.values.contains { $0 > 0 })
    }

    @Test func revAffShardIsWithinEpsilonOfExact() throws {
        defer { directory.remove() }
        let shard = [0, 2, 3]
        let epsilon = 1e-3
        let job = fixture.affinityJob(personas: shard, prototypesKey: "gplr:p", walkLength: 2, epsilon: epsilon)
        let approximate = try AffinityJobExecutor().execute(job, graph: fixture.graph, prototypes: fixture.prototypes)
            .affinity
        let labels = try LabelMatrix(labels: fixture.prototypes.labels(), userCount: fixture.graph.userCount, beta: 0.5)
        let exact = try ExactAffinity(walkLength: 2).compute(graph: fixture.graph, labels: labels, personas: shard)
        #expect(approximate.personas == shard)
        #expect(approximate.values.count == exact.values.count)
        let worst = zip(approximate.values, exact.values).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= epsilon + 1e-12)
    }

    /// Two iterations of a RevAff shard's jobs, the first job's residuals passed to the second through the result's
    /// wire form (as the coordinator does through a side input): their increments sum to what one process
    /// carrying the residuals holds, to the last bit, and the result says what is carried now.
    @Test func revAffJobsCarryTheirResidualsFromOneIterationToTheNext() throws {
        defer { directory.remove() }
        let shard = [1, 3, 4]
        let epsilon = 0.02
        let all = try fixture.prototypes.labels()
        var first = PrototypeLabels(personaCount: all.personaCount)
        var second = PrototypeLabels(personaCount: all.personaCount)
        for (index, user) in all.users.enumerated() {
            if index % 2 == 0 {
                try first.setPersonas(all.personas(ofUser: user)!, forUser: user)
            } else {
                try second.setPersonas(all.personas(ofUser: user)!, forUser: user)
            }
        }
        let job = fixture.affinityJob(personas: shard, prototypesKey: "gplr:p", walkLength: 1, epsilon: epsilon)
        let executor = AffinityJobExecutor(threadCount: 1)
        let one = try AffinityJobDefinition.decodeResult(
            AffinityJobDefinition.encodeResult(
                try executor.execute(job, graph: fixture.graph, prototypes: PrototypeSet(first))))
        let carried = try #require(one.residuals)
        #expect(carried.personas == shard)
        #expect(carried.count > 0, "the fixture must leave residuals below θ")
        let two = try executor.execute(
            job, graph: fixture.graph, prototypes: PrototypeSet(second), residuals: carried)
        var summed = one.affinity
        try summed.add(two.affinity)

        var local = IncrementalRevAff(
            solver: RevAff(walkLength: 1, epsilon: epsilon, threadCount: 1), userCount: fixture.graph.userCount,
            personaCount: all.personaCount)
        for batch in [first, second] {
            try local.add(
                graph: fixture.graph, labels: LabelMatrix(labels: batch, userCount: fixture.graph.userCount, beta: 0.5))
        }
        let reference = local.rowMajor()
        for (column, persona) in shard.enumerated() {
            let expected = (0..<fixture.graph.userCount).map { reference.values[$0 * all.personaCount + persona] }
            let got = (0..<fixture.graph.userCount).map { summed.values[$0 * shard.count + column] }
            #expect(got == expected, "persona \(persona)")
        }
        #expect(two.residuals == local.residuals.restricted(to: shard))

        // An exact job never takes residuals.
        let exact = fixture.affinityJob(personas: shard, prototypesKey: "gplr:p")
        let error = #expect(throws: JobExecutionError.self) {
            try executor.execute(exact, graph: fixture.graph, prototypes: fixture.prototypes, residuals: carried)
        }
        #expect(error?.code == .invalidPayload)
    }

    /// A RevAff result (`GPLRPSI2`) whose residuals are cut short, or name personas its columns do not hold, does
    /// not decode; the coordinator then reports the job's result as bad instead of carrying the wrong residuals on.
    @Test func aShardResultWithBrokenResidualsIsRefused() throws {
        defer { directory.remove() }
        let shard = try AffinityMatrix(userCount: 2, personaCount: 4, personas: [1, 3], values: [1, 2, 3, 4])
        let hop = RevAffResiduals.Hop(nodes: [0], values: [0.001])
        let residuals = RevAffResiduals(personas: [1, 3], hops: [[RevAffResiduals.Hop(), hop], []])
        let bytes = AffinityShardCodec.encode(AffinityShardResult(affinity: shard, residuals: residuals))
        #expect(Array(bytes.prefix(8)) == Array("GPLRPSI2".utf8))
        #expect(
            try AffinityShardCodec.decodeResult(bytes) == AffinityShardResult(affinity: shard, residuals: residuals))
        #expect(try AffinityShardCodec.decode(bytes) == shard)
        #expect(throws: AlgorithmError.self) { try AffinityShardCodec.decodeResult(Array(bytes.dropLast(4))) }
        let other = AffinityShardCodec.encode(
            AffinityShardResult(affinity: shard, residuals: RevAffResiduals(personas: [1], hops: [[]])))
        let error = #expect(throws: AlgorithmError.self) { try AffinityShardCodec.decodeResult(other) }
        #expect(error?.message.contains("carries residuals of [1]") == true)
        // Without residuals the form is the one before them.
        let plain = AffinityShardCodec.encode(AffinityShardResult(affinity: shard))
        #expect(Array(plain.prefix(8)) == Array("GPLRPSI1".utf8))
        #expect(try AffinityShardCodec.decodeResult(plain).residuals == nil)
        #expect(throws: AlgorithmError.self) { try AffinityShardCodec.decodeResult(plain + [0]) }
    }

    @Test func affinityJobRefusesBadPayloads() throws {
        defer { directory.remove() }
        let executor = AffinityJobExecutor()
        func refusal(_ job: AffinityJob, prototypes: PrototypeSet? = nil) -> JobExecutionError? {
            #expect(throws: JobExecutionError.self) {
                try executor.execute(job, graph: fixture.graph, prototypes: prototypes ?? fixture.prototypes)
            }
        }
        var job = fixture.affinityJob(personas: [0], prototypesKey: "gplr:p")
        job.version = 99
        let versionError = #expect(throws: JobExecutionError.self) {
            try AffinityJobDefinition.decodePayload(try JobCoding.encode(job))
        }
        #expect(versionError?.code == .unsupportedVersion)

        #expect(
            refusal(fixture.affinityJob(personas: [fixture.personas.count], prototypesKey: "gplr:p"))?.code
                == .outOfRange)
        #expect(refusal(fixture.affinityJob(personas: [1, 1], prototypesKey: "gplr:p"))?.code == .invalidPayload)
        #expect(
            refusal(fixture.affinityJob(personas: [0], prototypesKey: "gplr:p", walkLength: 0))?.code
                == .invalidPayload)
        #expect(
            refusal(fixture.affinityJob(personas: [0], prototypesKey: "gplr:p", epsilon: -1))?.code
                == .invalidPayload)

        var badPrototypes = fixture.prototypes
        badPrototypes.users[0] = fixture.graph.userCount + 5
        let error = refusal(fixture.affinityJob(personas: [0], prototypesKey: "gplr:p"), prototypes: badPrototypes)
        #expect(error?.code == .outOfRange)
        #expect(error?.isRetriable == false)
    }
}
