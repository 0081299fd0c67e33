import ArgumentParser
import Foundation
import GPLRCore
import GPLRRedis
import GPLRRuntime

/// `gplr run`: Algorithm 1 end to end, in this process (`--local`) or through Redis and workers (`--redis`).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run GPLR: sample prototypes, label them, infer everyone's personas.",
        discussion: """
            --local runs everything in this process with a labeler that answers from a labels file (JSON Lines \
            {"user": ..., "personas": [...]}, e.g. a synthetic dataset's truth.jsonl), optionally with the noise \
            of a real LLM. Writes phi.jsonl, phi.csv, phi-long.csv, prototypes.jsonl, psi.npy, psi-index.json and \
            report.json (docs/outputs.md).

            --redis URL runs the same algorithm as `label` and `affinity` jobs executed by `gplr-worker`s: the \
            snapshot is published to Redis, the run's state is kept there (see `gplr status`, `gplr runs`), and \
            a stopped coordinator continues with `--resume RUN`. The labels file is read by the WORKERS: its path \
            is made absolute and must be readable at that path on every worker host. For the same seed and labels \
            the result equals --local's.

            --llm-url URL (instead of --labels) labels with an OpenAI-compatible LLM: the jobs name \
            the server, model and limits, never a key; every worker uses its own OPENAI_API_KEY or \
            --llm-key-file. Answers are cached in Redis (a re-run costs nothing) and --llm-rpm/--llm-tpm are \
            shared by all workers. With --local the key is this process's (--llm-key-file or OPENAI_API_KEY), \
            answers are cached in a file (<out>/.gplr-local/llm-cache.jsonl, or --llm-cache-dir), every finished \
            iteration is checkpointed there, and an interrupted run continues with `--local --resume OUT`. report.json counts tokens (llm_prompt_tokens, ...) and cost \
            (llm_cost_micros) in labeler_counters.

            --llm-mode batch labels each iteration as one Batch API job (half price, answers within 24 h) that this \
            process submits and polls with its own key (OPENAI_API_KEY or --llm-key-file), with --redis too; a \
            restarted coordinator (--resume) reads the pending batch instead of paying again.
            """)

    @Flag(help: "Run in this process (no Redis, no workers).")
    var local = false

    @Flag(help: "Print the result as JSON on standard output: {files, report} (report: as report.json).")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Run through Redis and workers at this URL (also needed to --resume a distributed run).",
            valueName: "url"))
    var redis: String?

    @Option(help: "Key prefix in Redis (as for the workers).")
    var prefix: String = "gplr"

    @Option(help: "Id of a new distributed run (letters, digits, . _ -; default: generated).")
    var runID: String?

    @Option(
        help: ArgumentHelp(
            "Continue the distributed run RUN from its last checkpoint; with --local, the LLM-labeled run whose "
                + "output directory is RUN.",
            discussion: "A local run keeps its inputs, checkpoints and LLM response cache in <out>/.gplr-local; "
                + "resumed, it re-asks the LLM nothing it already paid for.",
            valueName: "run"))
    var resume: String?

    @Option(help: "The graph snapshot (.gplrsnap) from `gplr ingest` (with --resume: optional local copy).")
    var snapshot: String?

    @Option(help: "The persona set (JSON array of {name, description}).")
    var personas: String?

    @Option(help: "Labels file the labeler answers from (JSON Lines).")
    var labels: String?

    @Option(name: .shortAndLong, help: "Output directory (with --resume: default the run's).")
    var out: String?

    @Option(help: "Users per label job (--redis).")
    var labelBatchSize: Int = 100

    @Option(help: "Personas per affinity job (--redis).")
    var personasPerShard: Int = 5

    @Option(
        help: ArgumentHelp(
            "Where a distributed run computes affinities: in the coordinator, as affinity jobs on the workers, or "
                + "auto (the coordinator: it holds the graph, and nothing crosses Redis).",
            valueName: "auto|coordinator|workers"))
    var affinityOn = AffinityPlacement.auto

    @Option(help: "Give up when one step's jobs are not all done within this many seconds (--redis; default none).")
    var timeout: Double?

    @Option(help: .hidden)
    var pollMilliseconds: Int = 200

    @Option(
        help: ArgumentHelp(
            "Seconds the coordinator lease lives without a renewal (--redis): one coordinator per run; after a "
                + "coordinator dies, --resume is refused until its lease has run out."))
    var coordinatorLeaseSeconds: Double = 15

    @Option(
        help: ArgumentHelp(
            "With --redis: when the run ends (done, failed or cancelled), its data in Redis expires after this long.",
            discussion:
                "30m, 12h, 3d, 2w (or seconds). The results are in --out; `gplr runs --prune` removes them now.",
            valueName: "duration"))
    var keepResults = DurationArgument(argument: "3d")!

    @Flag(
        help: ArgumentHelp(
            "Print one rendered prompt and the token and cost estimate of the whole budget; send nothing.",
            discussion: "Needs --llm-url or --llm-endpoint. Runs the sampling in this process with stand-in "
                + "answers (the compute of a --local run without the LLM); online and batch (half price) costs; "
                + "Redis is not contacted."))
    var dryRun = false

    @Flag(help: "With --redis: keep the run's data in Redis until `gplr runs --prune` (no expiry).")
    var keepResultsForever = false

    @OptionGroup var options: RunOptions
    @OptionGroup var noise: LabelerNoiseOptions
    @OptionGroup var llm: LLMRunOptions
    @OptionGroup var personaLimits: PersonaLimitOptions

    func validate() throws {
        guard local != (redis != nil) else {
            throw ValidationError(
                "choose --local (everything in this process) or --redis URL (distributed, with workers)")
        }
        if resume == nil {
            guard snapshot != nil, personas != nil, out != nil || dryRun else {
                throw ValidationError("give --snapshot, --personas, --labels (or --llm-url) and --out")
            }
            if llm.llmMaxCost != nil && labels != nil {
                throw ValidationError("--llm-max-cost is for an LLM labeler (--llm-url or --llm-endpoint)")
            }
            guard (labels != nil) != (llm.endpoint.serverURL != nil) else {
                throw ValidationError(
                    "choose the labeler: --labels FILE or --llm-url URL (or --llm-endpoint URL), exactly one")
            }
        }
        if dryRun {
            guard resume == nil, llm.endpoint.serverURL != nil else {
                throw ValidationError("--dry-run estimates a new LLM-labeled run: give --llm-url or --llm-endpoint")
            }
        }
        if local {
            guard llm.endpoint.llmRPM == nil, llm.endpoint.llmTPM == nil else {
                throw ValidationError("--llm-rpm and --llm-tpm need --redis (the limit is shared through it)")
            }
            guard runID == nil else { throw ValidationError("--run-id needs --redis") }
            if resume != nil {
                guard personas == nil, labels == nil, llm.endpoint.serverURL == nil, out == nil, llm.llmCacheDir == nil
                else {
                    throw ValidationError(
                        "--local --resume OUT takes the persona set, labeler, parameters, output directory and cache "
                            + "from OUT/.gplr-local; drop --personas, --labels, --llm-url, --llm-endpoint, --out and "
                            + "--llm-cache-dir")
                }
            } else if labels != nil, llm.llmCacheDir != nil {
                throw ValidationError("--llm-cache-dir is for an LLM labeler (--llm-url or --llm-endpoint)")
            }
            return
        }
        if llm.llmCacheDir != nil {
            throw ValidationError("--llm-cache-dir is for --local: with --redis the answers are cached in Redis")
        }
        // A batch-mode coordinator calls the provider itself (so does one resuming a run that may be in batch mode).
        let callsTheProvider = llm.llmMode == .batch || resume != nil
        if llm.endpoint.llmKeyFile != nil, !callsTheProvider {
            throw ValidationError(
                "--llm-key-file is for --local: with --redis every worker uses its own key "
                    + "(gplr-worker --llm-key-file or OPENAI_API_KEY)")
        }
        if llm.endpoint.hasHeaders, !callsTheProvider {
            throw ValidationError(
                "--llm-header, --llm-header-file and --llm-header-env are for --local: with --redis give them to every worker "
                    + "(gplr-worker --llm-header-file), so their values never reach Redis")
        }
        if resume != nil {
            guard personas == nil, labels == nil, llm.endpoint.serverURL == nil, runID == nil else {
                throw ValidationError(
                    "--resume takes the persona set, labeler and parameters from the run record; "
                        + "drop --personas, --labels, --llm-url, --llm-endpoint and --run-id")
            }
        }
        if let runID, !RunRecord.isValidID(runID) {
            throw ValidationError("--run-id may hold only letters, digits, '.', '_' and '-' (at most 100)")
        }
        guard labelBatchSize >= 1, personasPerShard >= 1 else {
            throw ValidationError("--label-batch-size and --personas-per-shard must be at least 1")
        }
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be positive") }
        guard pollMilliseconds >= 1 else { throw ValidationError("--poll-milliseconds must be at least 1") }
        guard coordinatorLeaseSeconds >= 1 else {
            throw ValidationError("--coordinator-lease-seconds must be at least 1")
        }
    }

    func run() async throws {
        if dryRun, let spec = llm.spec {
            try await DryRun(
                inputs: localInputs, spec: spec, pricing: try llm.endpoint.pricing(),
                jobSize: redis == nil ? nil : labelBatchSize
            ).run()
            return
        }
        let result: LocalRun.Result
        if let redis {
            // Ctrl-C stops the coordinator cleanly: it releases the run's lease, so `--resume` can take over at once.
            let id = resume ?? runID ?? Self.generatedRunID()
            result = try await GracefulInterrupt.run(
                "run",
                stopped: { number in
                    "run \(id): stopped by \(TerminationSignals.name(number)); its finished jobs are kept, continue with "
                        + "`gplr run --redis URL --resume \(id)`"
                }
            ) {
                try await distributed(url: redis, id: id)
            }
        } else {
            // Ctrl-C while the results are being written removes their staging directory.
            let interrupts = InterruptCleanup.install("run")
            defer { interrupts.cancel() }
            result = try await local()
        }
        if json { return try JSONOutput.print(try RunResultJSON(files: result.files)) }
        RunSummary.print(result)
        print("")
        print("wrote \(result.files.joined(separator: ", "))")
    }

    /// `--local`, with the labels file or an LLM.
    private func local() async throws -> LocalRun.Result {
        if let resume {
            return try await llm.resumeLocally(
                outputDirectory: resume, snapshotPath: snapshot, threads: options.threads,
                personaLimits: personaLimits.limits)
        }
        if llm.endpoint.serverURL != nil {
            return try await llm.runLocally(localInputs, outputDirectory: out ?? "")
        }
        return try await LocalRun(
            inputs: localInputs, labelsPath: labels ?? "", outputDirectory: out ?? "", noise: noise.noise
        ).execute()
    }

    /// What a new run in this process (`--local`, `--dry-run`) reads.
    private var localInputs: LocalRunInputs {
        options.inputs(snapshotPath: snapshot ?? "", personasPath: personas ?? "", personaLimits: personaLimits.limits)
    }

    private func distributed(url: String, id: String) async throws -> LocalRun.Result {
        let client = try RedisClient(url: url)
        let retention = RunDataRetention(client: client, keys: RedisKeys(prefix: prefix))
        // Only a run this coordinator works on gets its expiry changed: not a run that exists already under a new
        // run's id, nor a done run given to --resume (both are refused below).
        let phase = try await RunRecordStore(client: client, keys: RedisKeys(prefix: prefix)).phase(run: id)
        let owned = resume == nil ? phase == nil : phase?.isResumable == true
        if owned && resume != nil { try await retention.persist(run: id) }
        do {
            let result = try await coordinate(client: client, id: id)
            if owned { try await expire(id, retention) }
            return result
        } catch {
            if owned { try? await expire(id, retention) }
            throw error
        }
    }

    /// Sets the ``keepResults`` expiry on a run that ended (nothing for a run still running elsewhere).
    private func expire(_ id: String, _ retention: RunDataRetention) async throws {
        guard !keepResultsForever else { return }
        if try await retention.expire(run: id, after: keepResults.duration) {
            Console.status("run \(id): its data in Redis expires in \(keepResults) (--keep-results)")
        }
    }

    private func coordinate(client: RedisClient, id: String) async throws -> LocalRun.Result {
        var run = DistributedRun(client: client, keys: RedisKeys(prefix: prefix))
        run.pollInterval = .milliseconds(pollMilliseconds)
        run.leaseMilliseconds = Int(coordinatorLeaseSeconds * 1000)
        run.timeout = timeout.map { .milliseconds(Int64($0 * 1000)) }
        run.threads = options.threads
        run.logger = Console.logger
        run.progressMode = .current
        if resume != nil || llm.llmMode == .batch { run.llmCredentials = try llm.credentials() }
        // Named when Redis loses the run and it cannot be rebuilt: this very command starts it again.
        run.restartCommand = resume == nil ? DistributedRun.shellCommand(CommandLine.arguments) : nil
        if resume != nil {
            Console.status("run \(id): parameters, personas and labeler come from the run record")
            return try await run.resume(
                runID: id, snapshotPath: snapshot, outputDirectory: out, maxCostUSD: llm.llmMaxCost)
        }
        let labeler: LabelerSpec
        if var spec = llm.spec {
            Console.status(
                spec.llmMode == .batch
                    ? "labeling with the LLM \(spec.model) through the Batch API (this coordinator's API key)"
                    : "labeling with the LLM \(spec.model) (the workers use their own API key)")
            Console.status(try llm.endpoint.pricing().summary)
            // The cap is counted in this run's ledger in Redis, by every worker.
            if spec.maxCostUSD != nil { spec.spendRunID = id }
            labeler = .llm(spec)
        } else {
            let labelsPath = DistributedRun.absolute(labels ?? "")
            guard FileManager.default.isReadableFile(atPath: labelsPath) else {
                throw ValidationError("cannot read the labels file \(labelsPath) (workers read it at this same path)")
            }
            // Workers read the file from their own disks: the jobs name its content, and a worker whose file
            // differs refuses them instead of changing the result.
            labeler = .labelsFile(
                path: labelsPath, dropProbability: noise.noiseDrop, addProbability: noise.noiseAdd,
                seed: noise.noiseSeed, sha256: try FileDigest.sha256(path: labelsPath))
        }
        return try await run.start(
            DistributedRun.NewRun(
                runID: id, snapshotPath: snapshot ?? "", personasPath: personas ?? "",
                labeler: labeler,
                parameters: options.parameters, labelBatchSize: labelBatchSize, personasPerShard: personasPerShard,
                affinityPlacement: affinityOn,
                outputDirectory: out ?? "", personaLimits: personaLimits.limits))
    }

    /// `r-<UTC yyyyMMdd-HHmmss>-<4 hex>`: sortable by time, unique enough for concurrent starts.
    static func generatedRunID() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "r-\(formatter.string(from: Date()))-\(String(UInt16.random(in: .min ... .max), radix: 16))"
    }
}
