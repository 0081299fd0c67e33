import Foundation
import GPLRTestSupport
import Synchronization

@testable import Coordinator
@testable import GPLRCore
@testable import GPLRLLM
@testable import GPLRRedis
@testable import GPLRRuntime

/// A small planted dataset on disk (snapshot, persona set, planted truth) for distributed runs.
struct DistributedDataset: Sendable {
    let directory: TemporaryDirectory
    let graph: PurchaseGraph
    let personas: PersonaSet
    var snapshotPath: String { directory.file("g.gplrsnap") }
    var personasPath: String { directory.file("data/" + SyntheticGenerator.personasFile) }
    var truthPath: String { directory.file("data/" + SyntheticGenerator.truthFile) }

    init(users: Int = 700, items: Int = 300, personas: Int = 7, seed: UInt64 = 5) throws {
        directory = try TemporaryDirectory(prefix: "gplr-dist")
        let data = directory.file("data")
        let generator = try SyntheticGenerator(
            config: SyntheticConfig(users: users, items: items, personas: personas, seed: seed))
        try generator.write(to: data)
        (graph, _) = try ingestDataset(IngestSource(format: .generic, path: data), options: IngestOptions())
        self.personas = generator.personaSet
        try Snapshot.write(graph, to: directory.file("g.gplrsnap"))
    }

    func parameters(budget: Int = 70, iterations: Int = 4) -> RunParameters {
        var parameters = RunParameters()
        parameters.budget = .count(budget)
        parameters.iterations = iterations
        parameters.seed = 11
        return parameters
    }

    func newRun(_ id: String, parameters: RunParameters, batch: Int = 6, shard: Int = 3) -> DistributedRun.NewRun {
        DistributedRun.NewRun(
            runID: id, snapshotPath: snapshotPath, personasPath: personasPath,
            labeler: .labelsFile(path: truthPath, dropProbability: 0.1, addProbability: 0.1, seed: 3),
            parameters: parameters, labelBatchSize: batch, personasPerShard: shard,
            outputDirectory: directory.file("out-\(id)"))
    }

    /// The same run in one process (`gplr run --local`), the reference.
    func localRun(_ parameters: RunParameters) async throws -> LocalRun.Result {
        var run = LocalRun(
            inputs: LocalRunInputs(
                snapshotPath: snapshotPath, personasPath: personasPath, parameters: parameters, threads: 2),
            labelsPath: truthPath, outputDirectory: directory.file("out-local"),
            noise: LabelerNoise(drop: 0.1, add: 0.1, seed: 3))
        run.verbose = false
        return try await run.execute()
    }

    func coordinator(_ server: RedisServer, log: @escaping @Sendable (String) -> Void = { _ in }) throws
        -> DistributedRun
    {
        var run = DistributedRun(client: try RedisClient(url: server.url), keys: RedisKeys())
        run.pollInterval = .milliseconds(20)
        run.timeout = .seconds(60)
        run.threads = 2
        // A longer lease than the default 15 s: these tests are not about the lease, and in a fresh clone's CI, where
        // every suite runs at once on 2 cores, one lost it (DistributedRunTests at c614676). The tests of the lease
        // itself run `gplr run` processes with `--coordinator-lease-seconds`.
        run.leaseMilliseconds = 60_000
        run.logger = .lines("test", log)
        return run
    }

    /// Runs `id` (budget 40, two iterations) to its end with one in-process worker: a finished run for the
    /// dashboard tests to show. Its outputs are in `out-<id>`.
    func finishedRun(_ id: String, on server: RedisServer) async throws {
        let run = try coordinator(server)
        _ = try await withWorker(try TestWorker(url: server.url, graph: graph)) {
            try await run.start(newRun(id, parameters: parameters(budget: 40, iterations: 2)))
        }
    }
}

/// A second consumer through real Redis: takes `label` and `affinity` jobs with the real `JobQueue` and runs
/// them through ``JobRegistry`` as a worker does, in process (``InMemoryJobContext``).
final class TestWorker: Sendable {
    let queue: JobQueue
    let graph: PurchaseGraph
    /// Returns an error text to dead-letter a job instead of running it (asked once per delivery).
    let fault: @Sendable (JobEnvelope) -> String?
    private let state = Mutex<(labeledUsers: [Int], jobs: [String])>(([], []))
    private let context: InMemoryJobContext

    init(url: String, graph: PurchaseGraph, fault: @escaping @Sendable (JobEnvelope) -> String? = { _ in nil }) throws {
        queue = JobQueue(client: try RedisClient(url: url), keys: RedisKeys())
        self.graph = graph
        self.fault = fault
        context = InMemoryJobContext(graph: graph, queue: queue)
    }

    /// Every user of every label job run, in order (a user twice = labeled twice).
    var labeledUsers: [Int] { state.withLock { $0.labeledUsers } }
    /// Ids of the jobs run.
    var jobs: [String] { state.withLock { $0.jobs } }

    /// Runs jobs until the task is cancelled.
    func run() async throws {
        while !Task.isCancelled {
            let jobs = try await queue.dequeue(
                consumer: "test-worker", kinds: [LabelJobDefinition.kind, AffinityJobDefinition.kind], count: 4,
                block: .milliseconds(50))
            for job in jobs {
                if let error = fault(job.envelope) {
                    try await queue.fail(job, error: error, retriable: false)
                    continue
                }
                let result: Data
                do {
                    result = try await execute(job.envelope)
                } catch {
                    // Surfaces as a dead letter the coordinator reports, rather than a silent hang.
                    try await queue.fail(job, error: "test worker: \(error)", retriable: false)
                    continue
                }
                state.withLock { $0.jobs.append(job.id) }
                try await queue.complete(job, result: result)
            }
        }
    }

    /// Runs the job through its kind's ``JobDefinition``, as `gplr-worker` does, in a context that serves this
    /// test's graph and reads side inputs from the queue.
    private func execute(_ envelope: JobEnvelope) async throws -> Data {
        guard let definition = JobRegistry.definition(for: envelope.kind) else {
            throw TestWorkerError(message: "unexpected kind \(envelope.kind)")
        }
        if envelope.kind == LabelJobDefinition.kind {
            let job = try LabelJobDefinition.decodePayload(envelope.payload)
            state.withLock { $0.labeledUsers += job.users }
        }
        return try await definition.run(payload: envelope.payload, in: context)
    }
}

struct TestWorkerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Collects log lines.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

/// Runs `body` while `worker` serves jobs in the background; stops the worker afterwards.
func withWorker<T: Sendable>(_ worker: TestWorker, _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await worker.run() }
        defer { group.cancelAll() }
        return try await body()
    }
}
