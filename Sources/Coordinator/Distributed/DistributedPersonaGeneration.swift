import Foundation
import GPLRCore
import GPLRLLM
import GPLRRedis
import GPLRRuntime
import GPLRSupport
import Logging

/// Persona-set generation and item labeling as distributed jobs (DESIGN §2, docs/protocol.md §10): the
/// coordinator publishes the snapshot, enqueues `persona-propose` jobs (one per user sample), then
/// `persona-merge` jobs (one per group of proposals), then one final `persona-merge` job over all merged sets;
/// or `item-label` jobs over batches of items. Workers answer with their own API key; payloads carry only the
/// ``LLMLabelerSpec``.
///
/// Job ids are derived from what a job computes, so running the same command again with the same run id finds
/// the finished jobs' results and enqueues nothing twice.
struct DistributedPersonaGeneration: Sendable {
    let client: RedisClient
    let keys: RedisKeys
    let spec: LLMLabelerSpec
    var pollInterval: Duration = .milliseconds(200)
    /// Longest wait for one step's jobs; `nil` = none.
    var timeout: Duration?
    /// Progress lines (stderr in the CLI).
    /// Where progress goes (``Console/logger`` in the CLI; silent by default).
    var logger = Logger(label: "gplr.personas") { _ in SwiftLogNoOpLogHandler() }
    /// How waits for jobs show their progress (``ProgressMode/current`` in the CLI).
    var progressMode: ProgressMode = .off

    /// What a generation produced (as ``PersonaSetGenerator/Result``, without the candidate sets' text).
    struct Generated: Sendable {
        var personaSet: PersonaSet
        var proposals: Int
        var merged: Int
        var counters: [String: Int]
    }

    /// The default run id of a generation: derived from the snapshot and every parameter.
    static func runID(prefix: String, snapshotHash: String, parts: [String]) -> String {
        "\(prefix)-" + JobID.shortHash(Array(([snapshotHash] + parts).joined(separator: "|").utf8))
    }

    /// Runs propose → merge → final as jobs over the snapshot at `snapshotPath`.
    func generate(snapshotPath: String, options: PersonaSetGenerationOptions, runID: String?) async throws -> Generated
    {
        let (graph, hash) = try await publish(snapshotPath)
        let counts = PersonaJobCounts(
            personaCount: options.personaCount, datasetName: options.datasetName,
            maxProductsPerUser: options.prompt.maxProductsPerUser,
            maxCharactersPerUser: options.prompt.maxCharactersPerUser)
        let run =
            runID
            ?? Self.runID(
                prefix: "personas", snapshotHash: hash.hex,
                parts: [
                    "\(options.samples)", "\(options.sampleSize)", "\(options.merges)", "\(options.mergeSize)",
                    "\(options.personaCount)", "\(options.seed)", options.datasetName, spec.baseURL, spec.model,
                ])
        let runSpec = spending(run)
        let (samples, groupsOf) = try await plan(graph: graph, options: options)
        guard !samples.isEmpty else {
            throw PersonaSetGenerationError(code: .noUsers, message: "no user has a purchase", step: "propose")
        }
        logger.info("personas \(run): snapshot \(hash.hex.prefix(16)) published; \(samples.count) propose jobs")
        var counters: [String: Int] = [:]

        let proposeJobs = try samples.enumerated().map { index, users in
            try PersonaProposeJobDefinition.envelope(
                PersonaProposeJob(snapshot: hash.hex, users: users, counts: counts, llm: runSpec), run: run,
                step: "\(index)")
        }
        let proposals = try await runSets(
            PersonaProposeJobDefinition.self, proposeJobs, run: run, spec: runSpec, step: "persona-propose jobs",
            failure: (.noProposals, "proposals", "propose"), counters: &counters)

        let mergeJobs = try groupsOf(proposals.count).enumerated().map { index, group in
            let job = PersonaMergeJob(
                sets: group.map { proposals[$0] }, totalSets: proposals.count, final: false, counts: counts,
                llm: runSpec)
            return try PersonaMergeJobDefinition.envelope(job, run: run, step: "\(index)")
        }
        let merged = try await runSets(
            PersonaMergeJobDefinition.self, mergeJobs, run: run, spec: runSpec, step: "persona-merge jobs",
            failure: (.noMerges, "merges", "merge"), counters: &counters)

        let finalJob = PersonaMergeJob(
            sets: merged, totalSets: proposals.count, final: true, counts: counts, llm: runSpec)
        let finalEnvelope = try PersonaMergeJobDefinition.envelope(finalJob, run: run, step: "final")
        let finalAnswers = try await runStep(
            PersonaMergeJobDefinition.self, [finalEnvelope], run: run, step: "final persona-merge job", spec: runSpec)
        let final = finalAnswers[0]
        counters.merge(final.counters, uniquingKeysWith: +)
        let personaSet = try PersonaSetGenerationError.finalSet(
            final.personas, personaCount: options.personaCount, lastError: final.error, counters: &counters)
        return Generated(
            personaSet: personaSet, proposals: proposals.count, merged: merged.count, counters: counters)
    }

    /// Labels `items` of the snapshot at `snapshotPath` as `item-label` jobs of `batchSize` items.
    func labelItems(
        snapshotPath: String, personas: PersonaSet, items: [Int]? = nil, limit: Int?, batchSize: Int,
        itemsPerRequest: Int, runID: String?
    ) async throws -> (graph: PurchaseGraph, batch: ItemLabelingBatch) {
        let (graph, hash) = try await publish(snapshotPath)
        var chosen = items ?? Array(0..<graph.itemCount)
        if let limit {
            chosen.sort {
                graph.degree(ofItem: $0) != graph.degree(ofItem: $1)
                    ? graph.degree(ofItem: $0) > graph.degree(ofItem: $1) : $0 < $1
            }
            chosen = Array(chosen.prefix(max(0, limit)))
        }
        let personasHash = JobID.shortHash(Array(try JSONEncoder().encode(personas.personas)))
        let run =
            runID
            ?? Self.runID(
                prefix: "items", snapshotHash: hash.hex,
                parts: [personasHash, "\(limit ?? -1)", "\(batchSize)", "\(itemsPerRequest)", spec.baseURL, spec.model])
        let runSpec = spending(run)
        let batches = chosen.chunked(batchSize)
        logger.info("items \(run): snapshot \(hash.hex.prefix(16)) published; \(batches.count) item-label jobs")
        var itemsOfJob: [String: [Int]] = [:]
        let jobs = try batches.map { batch in
            let job = try ItemLabelJobDefinition.envelope(
                ItemLabelJob(
                    snapshot: hash.hex, items: batch, personas: personas.personas,
                    itemsPerRequest: itemsPerRequest, llm: runSpec),
                run: run, step: "items")
            itemsOfJob[job.id] = batch
            return job
        }
        let waiter = try await enqueue(jobs, run: run, step: "item-label jobs", spec: runSpec)
        var merged = ItemLabelingBatch()
        try await waiter.wait(for: jobs.map(\.id), kind: ItemLabelJobDefinition.kind, step: "item-label jobs") {
            id, data in
            let result = try ItemLabelJobDefinition.decodeResult(data, job: id, run: run)
            let asked = Set(itemsOfJob[id] ?? [])
            for (item, labels) in result.batch.labels where asked.contains(item) {
                guard labels.allSatisfy({ (0..<personas.count).contains($0) }) else {
                    throw DistributedRunError(
                        .badResult, "result of job \(id) names a persona outside the set", run: run)
                }
                merged.labels[item] = labels
            }
            for (item, error) in result.batch.failures where asked.contains(item) { merged.failures[item] = error }
            for item in asked where merged.labels[item] == nil && merged.failures[item] == nil {
                merged.failures[item] = "no answer for this item in the result of job \(id)"
                merged.counters["missing-from-job-result", default: 0] += 1
            }
            merged.counters.merge(result.counters, uniquingKeysWith: +)
        }
        return (graph, merged)
    }

    // MARK: - Steps

    private func publish(_ path: String) async throws -> (PurchaseGraph, ContentHash) {
        let bytes = try Snapshot.readBytes(from: path)
        let (graph, hash) = try Snapshot.decode(bytes)
        try await SnapshotStore(client: client, keys: keys).publish(bytes, hash: hash)
        return (graph, hash)
    }

    /// The user samples and the merge groups (as a function of the proposals that succeeded), exactly as
    /// ``PersonaSetGenerator`` draws them in-process. The generator's client is never called.
    private func plan(graph: PurchaseGraph, options: PersonaSetGenerationOptions) async throws
        -> ([[Int]], @Sendable (Int) -> [[Int]])
    {
        let unused = try ChatCompletionClient(configuration: spec.configuration(apiKey: nil))
        let generator = PersonaSetGenerator(client: unused, options: options)
        let samples = generator.userSamples(in: graph)
        await unused.shutdown()
        return (samples, { generator.mergeGroups(count: $0) })
    }

    private func runStep<Definition: JobDefinition>(
        _ definition: Definition.Type, _ jobs: [JobEnvelope], run: String, step: String, spec: LLMLabelerSpec
    ) async throws -> [Definition.Output] {
        let waiter = try await enqueue(jobs, run: run, step: step, spec: spec)
        var results: [String: Definition.Output] = [:]
        try await waiter.wait(for: jobs.map(\.id), kind: Definition.kind, step: step) { id, data in
            results[id] = try definition.decodeResult(data, job: id, run: run)
        }
        return jobs.map { results[$0.id]! }
    }

    /// The spec the run's jobs carry: with a spending cap, counted in the ledger of `run` (every worker's).
    private func spending(_ run: String) -> LLMLabelerSpec {
        var spec = self.spec
        if spec.maxCostUSD != nil { spec.spendRunID = run }
        return spec
    }

    /// Enqueues the jobs whose result is not there yet; returns the waiter for them, which stops the command once
    /// the run's ledger has reached `spec`'s spending cap (the workers refuse further requests by then and their
    /// jobs are dead-lettered).
    private func enqueue(
        _ jobs: [JobEnvelope], run: String, step: String, spec: LLMLabelerSpec
    ) async throws -> JobWaiter {
        let queue = JobQueue(client: client, keys: keys)
        var waiter = JobWaiter(
            queue: queue, records: RunRecordStore(client: client, keys: keys), runID: run,
            pollInterval: pollInterval, timeout: timeout, logger: logger, progressMode: progressMode
        ).stoppingAtTheCap(
            of: spec, client: client, keys: keys, consequence: "the step in progress does not count, no file is written"
        )
        // Persona generation has no run record (nothing to lose but the jobs, which it enqueues again when run again).
        waiter.runHasRecord = false
        try await waiter.enqueueUnfinished(jobs, what: step)
        return waiter
    }

    /// Runs the jobs of a propose or merge step and keeps their non-empty persona lists, their counters added to
    /// `counters`; when none is left, `failure` says what failed: its code, what the jobs made ("all 40 proposals
    /// failed") and the step.
    private func runSets<Definition: JobDefinition>(
        _ definition: Definition.Type, _ jobs: [JobEnvelope], run: String, spec: LLMLabelerSpec, step label: String,
        failure: (code: PersonaSetGenerationError.Code, what: String, step: String), counters: inout [String: Int]
    ) async throws -> [[Persona]] where Definition.Output == PersonaJobResult {
        let answers = try await runStep(definition, jobs, run: run, step: label, spec: spec)
        for answer in answers { counters.merge(answer.counters, uniquingKeysWith: +) }
        let sets = answers.map(\.personas).filter { !$0.isEmpty }
        try PersonaSetGenerationError.requireSets(
            sets, calls: jobs.count, what: failure.what, code: failure.code, step: failure.step,
            lastError: answers.compactMap(\.error).last)
        return sets
    }
}
