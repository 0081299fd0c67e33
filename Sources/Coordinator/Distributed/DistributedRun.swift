import Foundation
import GPLRCore
import GPLRLLM
import GPLRRedis
import GPLRRuntime
import Logging

/// One GPLR run driven through Redis: the coordinator side of the distributed runtime (DESIGN §2).
///
/// ``start(_:)`` publishes the snapshot, creates the run record and runs Algorithm 1 with a
/// ``DistributedLabeler`` and a ``DistributedAffinityComputer``; ``resume(runID:snapshotPath:outputDirectory:)``
/// continues a run from the checkpoint in its record. After every iteration the checkpoint is stored in the
/// record, so a killed coordinator loses at most the iteration in progress, and even that iteration's finished
/// jobs are found again by their ids.
struct DistributedRun: Sendable {
    let client: RedisClient
    let keys: RedisKeys
    /// Time between two polls of job results.
    var pollInterval: Duration = .milliseconds(200)
    /// Longest wait for one step's jobs; `nil` = none.
    var timeout: Duration?
    /// Threads for sampling in the coordinator.
    var threads: Int?
    /// Where the run's progress and problems go (``Console/logger`` in the CLI; silent by default).
    var logger = Logger(label: "gplr.coordinator") { _ in SwiftLogNoOpLogHandler() }
    /// How waits for jobs show their progress (``ProgressMode/current`` in the CLI).
    var progressMode: ProgressMode = .off
    /// How long the coordinator lease lives without a renewal (renewed every third of it): how soon a run whose
    /// coordinator died can be resumed by another.
    var leaseMilliseconds = 15_000
    /// The key and headers this coordinator calls the Batch API with when the run's labeler is in batch mode.
    var llmCredentials = LLMCredentials()
    /// Called with each checkpoint before it is stored; a throw stops the run as a crash would (tests).
    var beforeCheckpoint: @Sendable (RunCheckpoint) async throws -> Void = { _ in }
    /// The command that starts this run again from nothing (shell-quoted), named when Redis loses the run and it
    /// cannot be rebuilt; `nil` when unknown (a `--resume`: the options that started the run are not at hand).
    var restartCommand: String?
    /// Rebuilds of a lost run before the coordinator gives up (a Redis that keeps losing its data).
    var maxRebuilds = 3

    init(client: RedisClient, keys: RedisKeys) {
        self.client = client
        self.keys = keys
    }

    /// What a new run needs.
    struct NewRun: Sendable {
        var runID: String
        var snapshotPath: String
        var personasPath: String
        var labeler: LabelerSpec
        var parameters: RunParameters
        var labelBatchSize: Int = 100
        var personasPerShard: Int = 5
        var affinityPlacement = AffinityPlacement.workers
        var outputDirectory: String
        var personaLimits = PersonaSetLimits()
    }

    var records: RunRecordStore { RunRecordStore(client: client, keys: keys) }

    /// Starts a new run and runs it to the end.
    func start(_ new: NewRun) async throws -> LocalRun.Result {
        guard RunRecord.isValidID(new.runID) else {
            throw DistributedRunError(
                .invalidInput, "run ids may hold only letters, digits, '.', '_' and '-' (at most 100)", run: new.runID)
        }
        let personas = try PersonaSet(contentsOf: new.personasPath, limits: new.personaLimits)
        // Read once into the array that is decoded and published (not a `Data` copied into one: 1 GB at 10M users).
        let bytes = try Snapshot.readBytes(from: new.snapshotPath)
        let (graph, hash) = try Snapshot.decode(bytes)
        try RunInputCheck.requireNonEmpty(graph, snapshot: new.snapshotPath)
        var parameters = new.parameters
        // RevAff carries its residuals wherever the affinities are computed (the coordinator, or the workers' jobs).
        if let reason = try parameters.resolveAutoSolver(graph: graph, personaCount: personas.count, threadCount: nil) {
            logger.notice("run \(new.runID): solver: \(reason)")
        }
        try await SnapshotStore(client: client, keys: keys).publish(bytes, hash: hash)
        let record = RunRecord(
            id: new.runID, snapshotHash: hash.hex, users: graph.userCount, parameters: parameters,
            personas: personas.personas, labeler: new.labeler, labelBatchSize: new.labelBatchSize,
            personasPerShard: new.personasPerShard, affinityPlacement: new.affinityPlacement,
            outputDirectory: Self.absolute(new.outputDirectory))
        try await records.create(record)
        let lease = CoordinatorLease(client: client, keys: keys, run: new.runID, milliseconds: leaseMilliseconds)
        try await lease.acquire(keys: keys)
        // Only now is there a run to resume.
        logger.notice(
            "run \(new.runID): if this coordinator stops, continue with `gplr run --redis URL --resume \(new.runID)`")
        let published =
            "run \(new.runID): snapshot \(hash.hex.prefix(16)) published; "
            + "\(Console.count(graph.userCount)) users, \(personas.count) personas"
        logger.info("\(published)")
        return try await execute(record: record, graph: graph, personas: personas, from: nil, lease: lease)
    }

    /// Continues a run from its record's last checkpoint.
    /// - Parameters:
    ///   - snapshotPath: a local copy of the run's snapshot (checked against the record's hash); `nil` fetches it
    ///     from Redis.
    ///   - outputDirectory: overrides the record's output directory.
    /// - Parameter maxCostUSD: a new spending cap for the run's LLM labeler (`--resume … --llm-max-cost`),
    ///   written into the run record; `nil` keeps the record's.
    func resume(
        runID: String, snapshotPath: String?, outputDirectory: String?, maxCostUSD: Double? = nil
    ) async throws -> LocalRun.Result {
        var record = try await records.require(run: runID)
        guard record.phase.isResumable else {
            throw DistributedRunError(.invalidInput, "is \(record.phase.rawValue); nothing to resume", run: runID)
        }
        // One coordinator per run: refused while another one's lease is alive. Checked now, taken once the
        // snapshot is loaded (a lease is only renewed while the run is driven).
        let lease = CoordinatorLease(client: client, keys: keys, run: runID, milliseconds: leaseMilliseconds)
        try await lease.refuseIfHeld(keys: keys)
        guard let hash = ContentHash(hex: record.snapshotHash) else {
            throw DistributedRunError(.invalidInput, "record names no valid snapshot hash", run: runID)
        }
        let graph: PurchaseGraph
        if let snapshotPath {
            let (local, info) = try Snapshot.read(from: snapshotPath)
            guard info.hash == hash else {
                throw DistributedRunError(
                    .invalidInput,
                    "\(snapshotPath) is snapshot \(info.hash.hex.prefix(16)), the run used \(hash.hex.prefix(16))",
                    run: runID)
            }
            graph = local
        } else {
            graph = try await SnapshotStore(client: client, keys: keys).fetch(hash).graph
        }
        let personas = try PersonaSet(record.personas)
        try await lease.acquire(keys: keys)
        if let maxCostUSD {
            do {
                record.labeler = try await raiseCap(of: record, to: maxCostUSD)
            } catch {
                try? await lease.release()
                throw error
            }
        }
        if let outputDirectory {
            record.outputDirectory = Self.absolute(outputDirectory)
            do {
                try await records.update(run: runID, [(.outputDirectory, RedisArgument(record.outputDirectory))])
            } catch {
                try? await lease.release()
                throw error
            }
        }
        let resuming =
            "run \(runID): resuming after iteration \(record.checkpoint?.completedIterations ?? 0) of "
            + "\(record.parameters.iterations) (was \(record.phase.rawValue))"
        logger.info("\(resuming)")
        return try await execute(
            record: record, graph: graph, personas: personas, from: record.checkpoint, lease: lease)
    }

    /// Drives the run while keeping its lease: a lost lease stops the run; the lease is given up at the end,
    /// whatever the end. When Redis loses the run (it came back empty), the run is rebuilt from what this
    /// coordinator holds (``rebuild(_:checkpoint:graph:loss:rebuilds:)``) and driven on from its last checkpoint.
    private func execute(
        record: RunRecord, graph: PurchaseGraph, personas: PersonaSet, from checkpoint: RunCheckpoint?,
        lease: CoordinatorLease
    ) async throws -> LocalRun.Result {
        let memory = RunMemory(checkpoint)
        var lease = lease
        var rebuilds = 0
        while true {
            do {
                return try await drive(
                    record: record, graph: graph, personas: personas, memory: memory, holding: lease)
            } catch let loss as RunRecordError where loss.code == .lost {
                rebuilds += 1
                lease = try await rebuild(
                    record, checkpoint: memory.latest, graph: graph, loss: loss, rebuilds: rebuilds)
            }
        }
    }

    /// ``drive(record:graph:personas:memory:)`` from the memory's last checkpoint while `lease` is renewed.
    private func drive(
        record: RunRecord, graph: PurchaseGraph, personas: PersonaSet, memory: RunMemory,
        holding lease: CoordinatorLease
    ) async throws -> LocalRun.Result {
        do {
            let result = try await withThrowingTaskGroup(of: LocalRun.Result?.self) { group in
                group.addTask {
                    try await self.drive(record: record, graph: graph, personas: personas, memory: memory)
                }
                group.addTask {
                    try await lease.keepRenewing()
                    return nil
                }
                // The first to finish decides: the run's result, or the error of a lost lease.
                let first = try await group.next()!
                group.cancelAll()
                return first!
            }
            try? await lease.release()
            return result
        } catch {
            try? await lease.release()
            throw error
        }
    }

    private func drive(record: RunRecord, graph: PurchaseGraph, personas: PersonaSet, memory: RunMemory)
        async throws -> LocalRun.Result
    {
        let runID = record.id
        let checkpoint = memory.latest
        let records = records
        try await records.setPhase(.running, run: runID, evenIfCancelled: true)
        try await records.update(run: runID, [(.startedAt, RedisArgument(RunRecord.now()))])
        let waiter = JobWaiter(
            queue: JobQueue(client: client, keys: keys), records: records, runID: runID, pollInterval: pollInterval,
            timeout: timeout, logger: logger, progressMode: progressMode)
        let placement = record.affinityPlacement.summary(for: record.parameters.solver)
        logger.info("run \(runID): affinities computed by the \(placement)")
        let affinityComputer: any AffinityComputer =
            switch record.affinityPlacement.resolved {
            case .workers:
                DistributedAffinityComputer(
                    waiter: waiter, snapshotHash: record.snapshotHash, parameters: record.parameters,
                    personasPerShard: record.personasPerShard)
            default:
                CoordinatorAffinityComputer(
                    records: records, runID: runID,
                    solver: LocalAffinityComputer(
                        walkLength: record.parameters.walkLength, solver: record.parameters.solver,
                        threadCount: threads))
            }
        var labeler: any PersonaLabeler = DistributedLabeler(
            waiter: Self.stoppingAtTheCap(waiter, record.labeler, client, keys), snapshotHash: record.snapshotHash,
            personas: personas.personas, spec: record.labeler, batchSize: record.labelBatchSize)
        // The batch client's HTTP thread stops when the labeler is dropped at the end of this call.
        var batchClient: LLMBatchClient?
        if case .llm(let spec) = record.labeler, spec.llmMode == .batch {
            logger.info("run \(runID): labeling through the Batch API from this coordinator (--llm-mode batch)")
            let made = try CoordinatorBatchLabeler.make(
                spec: spec, record: record, personas: personas, credentials: llmCredentials, redis: client,
                keys: keys, logger: logger)
            labeler = made.0
            batchClient = made.1
        }
        var runner = GPLRRunner(
            graph: graph, personas: personas, parameters: record.parameters, labeler: labeler,
            affinityComputer: affinityComputer, snapshotHash: record.snapshotHash, threadCount: threads)
        runner.preflight = batchClient == nil
        let logger = logger, beforeCheckpoint = beforeCheckpoint
        do {
            var outcome = try await runner.run(
                resumingFrom: checkpoint,
                checkpoint: { checkpoint in
                    try await beforeCheckpoint(checkpoint)
                    // Kept before it is stored: should Redis lose the run, the rebuild starts from here.
                    memory.remember(checkpoint)
                    try await records.saveCheckpoint(checkpoint, run: runID)
                    try await records.update(run: runID, [(.step, "sampling")])
                    if try await records.phase(run: runID) == .cancelled {
                        throw DistributedRunError(
                            .cancelled,
                            "cancelled (`gplr cancel`) after iteration \(checkpoint.completedIterations); "
                                + "stopping", run: runID)
                    }
                },
                observe: { event in
                    LocalRun.describe(event) { logger.info("\($0)") }
                })
            outcome.report.affinityPlacement = placement
            try await records.update(run: runID, [(.step, "writing")])
            let files = try RunOutputWriter(
                directory: record.outputDirectory, provenance: .thisBuild(spec: record.labeler)
            )
            .write(outcome, graph: graph, personas: personas)
            // The summary has its own key; the record's report, read by every status refresh, stays small.
            var recorded = outcome.report
            if let summary = recorded.assignmentSummary {
                try await RunSummaryStore(client: client, keys: keys).store(summary, run: runID)
                recorded.assignmentSummary = nil
            }
            try await records.update(
                run: runID,
                [
                    (.step, "done"), (.report, RedisArgument(try RunRecord.json(recorded))),
                ])
            try await records.setPhase(.done, run: runID)
            return LocalRun.Result(
                outcome: outcome, graph: graph, personas: personas,
                labels: .none(userCount: graph.userCount), files: files)
        } catch let error as DistributedRunError where error.code == .cancelled {
            throw error
        } catch {
            // Best effort: the run stays resumable; a cancelled run stays cancelled.
            _ = try? await records.setPhase(.failed, run: runID, error: String(describing: error))
            throw error
        }
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
