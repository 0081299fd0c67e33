import ArgumentParser
import Foundation
import GPLRCore
import GPLRLLM
import GPLRRuntime

/// `gplr run --local --llm-url …` (and `--local --resume OUT`): Algorithm 1 in this process with an LLM labeler
/// whose key and headers are this process's. Answers go to a response cache in a file (``LLMFileCache``, keyed
/// as the Redis cache), and the state after every iteration to `<out>/.gplr-local/` (``LocalRunState``), so a
/// killed run resumes from its last finished iteration and asks the LLM nothing it already paid for.
struct LocalLLMRun {
    var record: LocalRunState.Record
    var outputDirectory: String
    var credentials: LLMCredentials
    /// Continue from the state's checkpoint (`--resume`) instead of starting over.
    var resume: Bool
    var threads: Int?
    var personaLimits = PersonaSetLimits()

    var state: LocalRunState { LocalRunState(outputDirectory: outputDirectory) }

    func execute() async throws -> LocalRun.Result {
        var record = self.record
        let spec = record.llm
        var inputs = LocalRunInputs(
            snapshotPath: record.snapshotPath, personasPath: record.personasPath, parameters: record.parameters,
            threads: threads, personaLimits: personaLimits)
        let loaded = try inputs.load()
        guard !resume || loaded.snapshotHash == record.snapshotHash else {
            throw ValidationError(
                "\(record.snapshotPath) is not the snapshot the run started with (its content differs): "
                    + "give the run's snapshot with --snapshot")
        }
        let state = self.state
        let checkpoint = resume ? try state.checkpoint() : nil
        if resume {
            Console.status(
                "resuming the local run in \(outputDirectory) after iteration \(checkpoint?.completedIterations ?? 0) "
                    + "of \(record.parameters.iterations)")
        } else {
            state.removeCheckpoint()
            // A resumed run keeps the solver this choice recorded.
            try inputs.resolveAutoSolver(for: loaded)
            record.parameters = inputs.parameters
            record.snapshotHash = loaded.snapshotHash
            try state.write(record)
        }

        let configuration = spec.configuration(apiKey: credentials.key, headers: credentials.headers)
        var cache: LLMResponseCache?
        if let directory = record.cacheDirectory {
            let file = try LLMFileCache(directory: directory)
            Console.status("LLM response cache \(file.path): \(Console.count(file.count)) answers")
            if file.corruptLines > 0 {
                Console.status("  \(file.corruptLines) damaged lines skipped (their answers are asked again)")
            }
            cache = LLMResponseCache(file: file)
        }
        // The spend of the finished iterations counts against the cap; the interrupted iteration's answers come
        // from the cache at no cost.
        let ledger = LocalSpendLedger()
        if let spent = checkpoint?.report.labelerCounters["llm.cost-micros"], spent > 0 {
            _ = try await ledger.add(micros: spent)
        }
        let cap = spec.maxCostUSD.map { LLMSpendCap(capUSD: $0, ledger: ledger, configuration: configuration) }
        let client = try ChatCompletionClient(configuration: configuration, admission: cap)
        let labeler: any PersonaLabeler
        if spec.llmMode == .batch {
            Console.status("labeling through the Batch API: each iteration waits for its batch (--llm-mode batch)")
            labeler = LLMBatchLabeler(
                client: try LLMBatchClient(configuration: configuration), personas: loaded.personas,
                options: spec.labelerOptions, batchOptions: spec.batch ?? .init(), cache: cache, spendCap: cap,
                runTag: "local", stepTag: CoordinatorBatchLabeler.stepTag, logger: Console.logger)
        } else {
            labeler = LLMLabeler(
                client: client, personas: loaded.personas, options: spec.labelerOptions, cache: cache)
        }
        var runner = inputs.runner(loaded, labeler: labeler)
        runner.preflight = spec.llmMode == .online
        let outcome: RunOutcome
        let progress = LocalRun.iterationProgress(inputs.parameters)
        do {
            outcome = try await runner.run(
                resumingFrom: checkpoint, checkpoint: { try state.write($0) },
                observe: { event in
                    LocalRun.describe(event, log: Console.status)
                    LocalRun.track(event, on: progress)
                })
        } catch {
            progress.finish()
            await client.shutdown()
            if FileManager.default.fileExists(atPath: state.recordPath) {
                Console.status(
                    "the run's finished iterations and paid answers are kept: continue with "
                        + "`gplr run --local --resume \(outputDirectory)`")
            }
            throw error
        }
        progress.finish()
        await client.shutdown()
        let files = try RunOutputWriter(directory: outputDirectory, provenance: .thisBuild(.llm, model: spec.model))
            .write(outcome, graph: loaded.graph, personas: loaded.personas)
        state.clear()
        return LocalRun.Result(
            outcome: outcome, graph: loaded.graph, personas: loaded.personas,
            labels: .none(userCount: loaded.graph.userCount), files: files)
    }
}
