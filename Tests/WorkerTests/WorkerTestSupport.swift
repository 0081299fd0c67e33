import Foundation
import GPLRCore
import GPLRLLM
import GPLRRedis
import GPLRRuntime
import GPLRTestSupport

/// A redis-server, a published fixture snapshot, its truth labels file and a job queue, for running the built
/// `gplr-worker` against.
struct WorkerHarness {
    let server: RedisServer
    let directory: TemporaryDirectory
    let fixture: JobFixture
    let client: RedisClient
    let keys = RedisKeys(prefix: "gplr")
    let queue: JobQueue
    let labelsPath: String
    let runID = "r1"

    init(server: RedisServer, fixture: JobFixture? = nil) async throws {
        self.server = server
        directory = try TemporaryDirectory(prefix: "gplr-worker-test")
        self.fixture = try fixture ?? JobFixture()
        client = try RedisClient(url: server.url)
        queue = JobQueue(client: client, keys: keys)
        labelsPath = directory.file("truth.jsonl")
        try self.fixture.writeLabelsFile(to: labelsPath)
        try await self.fixture.publish(client, keys: keys)
    }

    /// The key the tests store the run's prototypes under.
    var prototypesKey: String { keys.run(runID).base + ":prototypes:1" }

    func storePrototypes() async throws {
        try await client.send("SET", RedisArgument(prototypesKey), RedisArgument(try sortedJSON(fixture.prototypes)))
    }

    func envelope(_ id: String, kind: JobKind, payload: some Encodable) throws -> JobEnvelope {
        JobEnvelope(id: id, runID: runID, kind: kind, payload: try sortedJSON(payload))
    }

    /// Starts `gplr-worker` on this server with a cache directory of its own.
    func startWorker(_ name: String, _ extra: [String] = []) throws -> ProcessHandle {
        try ProcessHandle(
            product: "gplr-worker",
            [
                "--redis", server.url, "--prefix", keys.prefix, "--id", name,
                "--cache-dir", directory.file("cache-\(name)"), "--log-level", "debug",
            ] + extra,
            directory: directory, label: name)
    }

    /// Polls until every job has a result (or `timeout` passes); returns what is there.
    func waitForResults(_ jobIDs: [String], timeout: Duration = .seconds(30)) async throws -> [String: Data] {
        let complete = try await poll(timeout: timeout) {
            let results = try await queue.results(run: runID, jobIDs: jobIDs)
            return results.count == jobIDs.count ? results : nil
        }
        if let complete { return complete }
        return try await queue.results(run: runID, jobIDs: jobIDs)
    }

    /// Polls until the job is dead-lettered.
    func waitForDeadLetter(_ jobID: String, timeout: Duration = .seconds(30)) async throws -> DeadLetter? {
        try await poll(timeout: timeout) {
            try await queue.deadLetters(run: runID).first { $0.jobID == jobID }
        }
    }

    func heartbeat(_ workerID: String) async throws -> WorkerHeartbeat? {
        try await WorkerRegistry(client: client, keys: keys).worker(id: workerID)
    }

    /// The expected result of a label job, computed in this process.
    func localLabels(_ job: LabelJob) async throws -> LabelJobResult {
        guard case .labelsFile(_, let drop, let add, let seed, _) = job.labeler else {
            throw HarnessError(message: "not a labels-file job")
        }
        let labeler = TruthLabeler(
            truthByUserID: fixture.truth, graph: fixture.graph, personaCount: fixture.personas.count,
            dropProbability: drop, addProbability: add, seed: seed)
        return LabelJobResult(batch: try await labeler.label(users: job.users, in: fixture.graph))
    }

    /// The expected exact Ψ columns of an affinity job, computed in this process.
    func localAffinity(_ job: AffinityJob) throws -> AffinityMatrix {
        let labels = try LabelMatrix(
            labels: fixture.prototypes.labels(), userCount: fixture.graph.userCount, beta: job.beta)
        return try ExactAffinity(walkLength: job.walkLength).compute(
            graph: fixture.graph, labels: labels, personas: job.personas)
    }

    /// The consumers of a kind's stream group (empty when the group does not exist).
    func consumers(_ kind: JobKind) async throws -> Set<String> {
        let reply = try await client.send(
            "XINFO", "CONSUMERS", RedisArgument(keys.jobStream(kind)), RedisArgument(queue.configuration.group))
        return Set((reply.array ?? []).compactMap { $0.fieldMap?["name"]?.string })
    }

    func remove() { directory.remove() }
}

struct HarnessError: Error {
    var message: String
}
