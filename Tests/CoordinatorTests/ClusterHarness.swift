import Foundation
import GPLRTestSupport
import Synchronization

@testable import GPLRCore
@testable import GPLRRedis
@testable import GPLRRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// A whole cluster of real processes for failure tests: a real redis-server, a planted dataset made with the
/// built `gplr generate` and `gplr ingest`, and helpers that start the built `gplr` coordinator and `gplr-worker`
/// processes on it. ``stop()`` kills every process it started and removes the files.
final class ClusterHarness: Sendable {
    let server: RedisServer
    let directory: TemporaryDirectory
    let client: RedisClient
    let keys = RedisKeys()
    /// Prototypes labeled per run (the label budget).
    let budget = 60
    let iterations = 5
    /// Run options beyond the shared ones (e.g. the solver).
    let extraRunOptions: [String]
    private let processes = Mutex<[ProcessHandle]>([])

    var snapshotPath: String { directory.file("g.gplrsnap") }
    var personasPath: String { directory.file("data/" + SyntheticGenerator.personasFile) }
    var truthPath: String { directory.file("data/" + SyntheticGenerator.truthFile) }

    init(redis options: RedisServer.Options = RedisServer.Options(), runOptions extra: [String] = []) async throws {
        extraRunOptions = extra
        let directory = try TemporaryDirectory(prefix: "gplr-cluster")
        do {
            try await Self.gplr([
                "generate", "--out", directory.file("data"), "--users", "600", "--items", "300",
                "--personas", "6", "--seed", "5",
            ])
            try await Self.gplr(["ingest", directory.file("data"), "--out", directory.file("g.gplrsnap")])
            server = try RedisServer(options)
            client = try RedisClient(url: server.url)
        } catch {
            directory.remove()
            throw error
        }
        self.directory = directory
    }

    /// Kills every process started here (SIGKILL, reaped), the server, and removes the files.
    func stop() {
        for process in processes.withLock({ $0 }) { process.stop() }
        server.stop()
        directory.remove()
    }

    /// The run options shared by the reference and the distributed runs.
    var runOptions: [String] {
        [
            "--snapshot", snapshotPath, "--personas", personasPath, "--labels", truthPath, "--budget", String(budget),
            "--iterations", String(iterations), "--seed", "11", "--noise-drop", "0.1", "--noise-add", "0.05",
        ] + extraRunOptions
    }

    /// Φ of the same run in one process (`gplr run --local`), the reference.
    func referencePhi() async throws -> String {
        try await Self.gplr(["run", "--local", "--out", directory.file("out-local")] + runOptions)
        return try String(contentsOfFile: directory.file("out-local/phi.jsonl"), encoding: .utf8)
    }

    /// Φ a distributed run wrote.
    func phi(run runID: String) throws -> String {
        try String(contentsOfFile: directory.file("out-\(runID)/phi.jsonl"), encoding: .utf8)
    }

    /// Starts `gplr run --redis` for a new run: many small jobs (10 users per label job, affinity jobs of 2 personas),
    /// its coordinator lease `leaseSeconds` long (``coordinatorLeaseSeconds`` unless given).
    func startCoordinator(run runID: String, leaseSeconds: Int? = nil) throws -> ProcessHandle {
        try start(
            "gplr", label: "coordinator-\(runID)",
            [
                "run", "--redis", server.url, "--run-id", runID, "--out", directory.file("out-\(runID)"),
                "--label-batch-size", "10", "--personas-per-shard", "2", "--affinity-on", "workers",
                "--poll-milliseconds", "20", "--timeout", "60", "--coordinator-lease-seconds",
                String(leaseSeconds ?? coordinatorLeaseSeconds),
            ] + runOptions)
    }

    /// The coordinators' lease (short, so that a test can wait for a killed coordinator's lease to run out).
    let coordinatorLeaseSeconds = 6

    /// Makes the run's coordinator lease run out now, as if the rest of its time had passed; the milliseconds it had
    /// left, `nil` when nobody held it. For a lease whose holder was killed: nobody renews it, so Redis would drop it
    /// once its TTL is over, and the test need not wait that out (the key's TTL, not the waiting, is what is
    /// checked).
    func expireLease(run runID: String) async throws -> Int? {
        guard let holder = try await CoordinatorLease.holder(client: client, keys: keys, run: runID) else { return nil }
        _ = try await client.send("PEXPIRE", RedisArgument(keys.run(runID).coordinator), "1")
        return holder.remainingMilliseconds
    }

    /// Waits until nobody holds the run's coordinator lease (its holder was killed: the lease runs out).
    func waitForLeaseExpiry(run runID: String, timeout: Duration = .seconds(30)) async throws -> Bool {
        try await eventually(timeout: timeout) {
            try await CoordinatorLease.holder(client: client, keys: RedisKeys(), run: runID) == nil
        }
    }

    /// Starts `gplr run --redis URL --resume RUN`.
    func resumeCoordinator(run runID: String) throws -> ProcessHandle {
        try start(
            "gplr", label: "resume-\(runID)",
            [
                "run", "--redis", server.url, "--resume", runID, "--poll-milliseconds", "20", "--timeout", "60",
            ])
    }

    /// Starts `gplr-worker` with a 2 s lease (fast reclaims) and a cache directory of its own.
    func startWorker(_ name: String, _ extra: [String] = []) throws -> ProcessHandle {
        try start(
            "gplr-worker", label: name,
            [
                "--redis", server.url, "--id", name, "--cache-dir", directory.file("cache-\(name)"),
                "--lease-seconds", "2",
            ] + extra)
    }

    /// Starts a built product with `arguments`; ``stop()`` kills it.
    func start(_ product: String, label: String, _ arguments: [String]) throws -> ProcessHandle {
        let process = try ProcessHandle(product: product, arguments, directory: directory, label: label)
        processes.withLock { $0.append(process) }
        return process
    }

    // MARK: - Looking at Redis

    func record(run runID: String) async throws -> RunRecord? {
        try await RunRecordStore(client: client, keys: keys).load(run: runID)
    }

    /// Polls the run record until `condition` holds.
    func waitForRecord(run runID: String, timeout: Duration = .seconds(60), _ condition: (RunRecord) -> Bool)
        async throws -> RunRecord?
    {
        try await poll(timeout: timeout) {
            try await record(run: runID).flatMap { condition($0) ? $0 : nil }
        }
    }

    /// Polls `worker`'s heartbeat until it holds jobs whose ids start with `prefix`; those job ids.
    func heldJobs(worker: String, prefix: String, timeout: Duration = .seconds(30)) async throws -> [String]? {
        let registry = WorkerRegistry(client: client, keys: keys)
        return try await poll(timeout: timeout) {
            let held = try await registry.worker(id: worker)?.currentJobs.filter { $0.hasPrefix(prefix) } ?? []
            return held.isEmpty ? nil : held
        }
    }

    /// Every stored result of the run, by job id.
    func results(run runID: String) async throws -> [String: Data] {
        let reply = try await client.send("HGETALL", RedisArgument(keys.run(runID).results))
        return (reply.fieldMap ?? [:]).compactMapValues { $0.bytes.map { Data($0) } }
    }

    /// Ids of every job the run ever enqueued.
    func jobIDs(run runID: String) async throws -> Set<String> {
        let reply = try await client.send("SMEMBERS", RedisArgument(keys.run(runID).jobs))
        return Set((reply.array ?? []).compactMap(\.string))
    }

    /// Every user of every stored `label` result (labeled or failed), one entry per time labeled.
    func labeledUsers(run runID: String) async throws -> [Int] {
        var users: [Int] = []
        for (id, bytes) in try await results(run: runID) where JobRegistry.kind(ofJobID: id) == LabelJobDefinition.kind
        {
            let result = try JSONDecoder().decode(LabelJobResult.self, from: bytes)
            users += result.labeled.map(\.user) + result.failed.map(\.user)
        }
        return users
    }

    /// Log of every process started (for failure messages).
    var logs: String {
        processes.withLock { $0 }.map { process in
            "--- \(process.stderrPath):\n\(process.standardError.suffix(3000))"
        }.joined(separator: "\n")
    }

    @discardableResult
    private static func gplr(_ arguments: [String]) async throws -> BuiltProduct.Output {
        let output = try await BuiltProduct.run("gplr", arguments)
        guard output.status == 0 else {
            throw ClusterHarnessError(message: "gplr \(arguments.first ?? "") failed: \(output.stderr)")
        }
        return output
    }
}

struct ClusterHarnessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
