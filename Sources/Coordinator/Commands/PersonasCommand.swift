import ArgumentParser
import Foundation
import GPLRCore
import GPLRLLM
import GPLRRedis
import GPLRRuntime

/// `gplr personas`: build the persona set R with an LLM, and relate items to it.
struct PersonasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "personas",
        abstract: "Generate a persona set with an LLM (paper, Appendix B) and label items with personas.",
        subcommands: [PersonasGenerateCommand.self, PersonasLabelItemsCommand.self])
}

/// `gplr personas generate`: propose → merge → final, run in this process with concurrent requests.
struct PersonasGenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate the persona set R from users' purchases: propose, merge, final (Figure 2).",
        discussion: """
            Runs the paper's three steps locally: --samples proposals of --final personas each from --sample-size \
            random users, --merges merges of --merge-size proposals, one final pick. Writes a JSON array of \
            {name, description} that `gplr run --personas` reads. With --redis the steps run as persona-propose and \
            persona-merge jobs on gplr-worker processes (each with its own API key); without it, in this process.
            """)

    @Option(help: "The graph snapshot (.gplrsnap).")
    var snapshot: String

    @Option(name: .shortAndLong, help: "Output persona file (JSON).")
    var out: String

    @Option(help: "Proposals (step 1).")
    var samples: Int = 40

    @Option(help: "Users per proposal.")
    var sampleSize: Int = 100

    @Option(help: "Merges (step 2).")
    var merges: Int = 8

    @Option(help: "Proposals per merge.")
    var mergeSize: Int = 5

    @Option(help: "Personas per set and in the final set.")
    var final: Int = 20

    @Option(help: "Dataset name used in the prompt.")
    var datasetName: String = "e-commerce purchase"

    @Option(help: "Seed of the user samples and merge groups.")
    var seed: UInt64 = 1

    @OptionGroup var llm: LLMCommandOptions

    @OptionGroup var jobs: PersonaJobOptions

    func validate() throws {
        try jobs.validate(llm: llm)
        guard samples > 0, sampleSize > 0, merges > 0, mergeSize > 0, final > 0 else {
            throw ValidationError("--samples, --sample-size, --merges, --merge-size and --final must be positive")
        }
    }

    func run() async throws {
        let options = PersonaSetGenerationOptions(
            samples: samples, sampleSize: sampleSize, merges: merges, mergeSize: mergeSize, personaCount: final,
            seed: seed, datasetName: datasetName)
        if let redis = llm.redis {
            let timer = Stopwatch()
            let generated = try await jobs.distributed(redis: redis, llm: llm)
                .generate(snapshotPath: snapshot, options: options, runID: jobs.runID)
            try write(
                generated.personaSet, proposals: generated.proposals, merges: generated.merged,
                counters: generated.counters, timer: timer, via: " (jobs)")
            return
        }
        let (graph, _) = try Snapshot.read(from: snapshot)
        let timer = Stopwatch()
        let result = try await llm.withSession { session in
            try await PersonaSetGenerator(client: session.client, options: options).generate(from: graph)
        }
        try write(
            result.personaSet, proposals: result.proposals.count, merges: result.merged.count,
            counters: result.counters, timer: timer, via: "")
    }

    /// Writes the persona set to `--out` and reports it: the steps, the LLM counters, a final answer short of
    /// `--final`. `via` tells how the steps ran.
    private func write(
        _ personaSet: PersonaSet, proposals: Int, merges: Int, counters: [String: Int], timer: Stopwatch, via: String
    ) throws {
        try personaSet.write(to: out)
        Console.status(
            "personas: \(proposals) proposals, \(merges) merges, "
                + "\(personaSet.count) personas in \(Console.seconds(timer.seconds))\(via)")
        LLMCommandOptions.printCounters(counters)
        if personaSet.count < final {
            Console.status("warning: the final answer had only \(personaSet.count) of \(final) personas")
        }
        print("wrote \(out)")
    }
}

/// `gplr personas label-items`: which personas each item pertains to.
struct PersonasLabelItemsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label-items",
        abstract: "Ask an LLM which personas each item pertains to; writes JSON Lines {\"item\", \"personas\"}.")

    @Option(help: "The graph snapshot (.gplrsnap).")
    var snapshot: String

    @Option(help: "The persona set (JSON array of {name, description}).")
    var personas: String

    @Option(name: .shortAndLong, help: "Output file (JSON Lines).")
    var out: String

    @Option(help: "Items per request.")
    var itemsPerRequest: Int = 20

    @Option(help: "Only the N most purchased items (default: all).")
    var limit: Int?

    @Option(help: "Items per item-label job (with --redis).")
    var itemBatchSize: Int = 100

    @OptionGroup var llm: LLMCommandOptions

    @OptionGroup var jobs: PersonaJobOptions

    func validate() throws {
        try jobs.validate(llm: llm)
        guard itemsPerRequest > 0, itemBatchSize > 0 else {
            throw ValidationError("--items-per-request and --item-batch-size must be positive")
        }
    }

    func run() async throws {
        let personaSet = try PersonaSet(contentsOf: personas)
        if let redis = llm.redis {
            let (graph, batch) = try await jobs.distributed(redis: redis, llm: llm).labelItems(
                snapshotPath: snapshot, personas: personaSet, limit: limit, batchSize: itemBatchSize,
                itemsPerRequest: itemsPerRequest, runID: jobs.runID)
            try write(batch, of: graph, personas: personaSet, via: " (jobs)")
            return
        }
        let (graph, _) = try Snapshot.read(from: snapshot)
        var items = Array(0..<graph.itemCount)
        if let limit {
            items.sort {
                graph.degree(ofItem: $0) != graph.degree(ofItem: $1)
                    ? graph.degree(ofItem: $0) > graph.degree(ofItem: $1) : $0 < $1
            }
            items = Array(items.prefix(max(0, limit)))
        }
        let batch = try await llm.withSession { session in
            try await ItemLabeler(
                client: session.client, personas: personaSet,
                options: ItemLabelerOptions(itemsPerRequest: itemsPerRequest), cache: session.cache
            ).label(items: items, in: graph)
        }
        try write(batch, of: graph, personas: personaSet, via: "")
    }

    /// Writes the item labels to `--out` and reports them: labeled and failed items, the LLM counters. `via`
    /// tells how the requests ran.
    private func write(_ batch: ItemLabelingBatch, of graph: PurchaseGraph, personas: PersonaSet, via: String) throws {
        try ItemLabelsFile.write(batch.labels, graph: graph, personas: personas, to: out)
        Console.status(
            "items: \(Console.count(batch.labels.count)) labeled, \(Console.count(batch.failures.count)) failed\(via)")
        LLMCommandOptions.printCounters(batch.counters)
        print("wrote \(out)")
    }
}

/// Where the LLM is and how to call it. The API key comes from --llm-key-file or OPENAI_API_KEY, never from
/// a flag value (it would show in the process list).
struct LLMCommandOptions: ParsableArguments {
    @OptionGroup var endpoint: LLMEndpointOptions

    @Option(
        help: ArgumentHelp(
            "Redis URL: run the LLM calls as jobs on gplr-worker processes, which use their own API key.",
            discussion: "Without it the calls run in this process (with this process's key)."))
    var redis: String?

    @Option(
        help: ArgumentHelp(
            "Stop spending at this many USD: no request is sent once it is reached, and the command fails.",
            discussion: "Counted at the model's prices (--llm-*-price, --llm-price-file or the built-in table); "
                + "requests in flight when it is reached still finish and count. With --redis the workers share the "
                + "run's ledger in Redis.",
            valueName: "usd"))
    var llmMaxCost: Double?

    func validate() throws {
        if (endpoint.llmRPM != nil || endpoint.llmTPM != nil) && redis == nil {
            throw ValidationError("--llm-rpm and --llm-tpm need --redis (the limit is shared through it)")
        }
        try endpoint.validate(maxCost: llmMaxCost, needsPrice: true)
    }

    /// The server: `--llm-url`, else `OPENAI_BASE_URL`, else OpenAI's.
    var baseURL: String {
        endpoint.llmURL ?? ProcessInfo.processInfo.environment["OPENAI_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "https://api.openai.com"
    }

    /// The in-process client (the response cache and shared rate limit are the workers', with --redis).
    struct Session {
        var client: ChatCompletionClient
        var cache: LLMResponseCache?
        func shutdown() async { await client.shutdown() }
    }

    /// Runs `body` with a new in-process ``Session`` and shuts the session down after it, also when it throws.
    func withSession<Result>(_ body: (Session) async throws -> Result) async throws -> Result {
        let session = try await session()
        return try await withCleanup {
            try await body(session)
        } cleanup: {
            await session.shutdown()
        }
    }

    private func session() async throws -> Session {
        var configuration = try LLMConfiguration.load(keyFile: endpoint.llmKeyFile)
        configuration.baseURL = baseURL
        configuration.endpointURL = endpoint.llmEndpoint
        configuration.auth = endpoint.authStyle
        configuration.headers = try endpoint.headers()
        configuration.structuredOutputs = endpoint.llmStructuredOutputs
        configuration.model = endpoint.model
        configuration.concurrency = endpoint.llmConcurrency
        configuration.requestTimeout = .milliseconds(Int(endpoint.llmTimeout * 1000))
        configuration.maxAttempts = endpoint.llmMaxAttempts
        let prices = try endpoint.pricing()
        configuration.promptPricePer1K = prices.promptPer1K
        configuration.cachedPromptPricePer1K = prices.cachedPromptPer1K
        configuration.completionPricePer1K = prices.completionPer1K
        // In-process only: with --redis the calls run as jobs, and the workers use the cache and rate limit.
        let cap = llmMaxCost.map {
            LLMSpendCap(capUSD: $0, ledger: LocalSpendLedger(), configuration: configuration)
        }
        return Session(client: try ChatCompletionClient(configuration: configuration, admission: cap), cache: nil)
    }

    static func printCounters(_ counters: [String: Int]) {
        for name in counters.keys.sorted() { Console.status("  \(name): \(Console.count(counters[name]!))") }
    }
}

/// How `gplr personas generate|label-items --redis` runs its jobs.
struct PersonaJobOptions: ParsableArguments {
    @Option(help: "Key prefix shared with the workers (with --redis).")
    var prefix: String = "gplr"

    @Option(
        help: ArgumentHelp(
            "Run id of the jobs (with --redis).",
            discussion: "Default: derived from the snapshot and the parameters, so a rerun reuses finished jobs."))
    var runID: String?

    @Option(help: "Seconds to wait for one step's jobs (with --redis; default: no limit).")
    var timeout: Double?

    @Option(help: "Milliseconds between two polls of job results (with --redis).")
    var pollMilliseconds: Int = 200

    func validate(llm: LLMCommandOptions) throws {
        guard llm.redis != nil else { return }
        if llm.endpoint.llmKeyFile != nil {
            throw ValidationError(
                "--llm-key-file is for the in-process path: with --redis every worker uses its own "
                    + "key (gplr-worker --llm-key-file or OPENAI_API_KEY)")
        }
        if llm.endpoint.hasHeaders {
            throw ValidationError(
                "--llm-header, --llm-header-file and --llm-header-env are for the in-process path: with --redis give them to every "
                    + "worker (gplr-worker --llm-header-file), so their values never reach Redis")
        }
        if let runID, !RunRecord.isValidID(runID) {
            throw ValidationError("--run-id may hold only letters, digits, '.', '_' and '-' (at most 100)")
        }
        guard pollMilliseconds > 0, (timeout ?? 1) > 0 else {
            throw ValidationError("--poll-milliseconds and --timeout must be positive")
        }
        if let problem = spec(llm).problem { throw ValidationError(problem) }
    }

    /// The LLM spec the jobs carry: server, model and limits, never a key.
    func spec(_ llm: LLMCommandOptions) -> LLMLabelerSpec {
        var spec = llm.endpoint.spec(baseURL: llm.baseURL)
        // Counted in the run's ledger (the run id is set per command, DistributedPersonaGeneration).
        spec.maxCostUSD = llm.llmMaxCost
        return spec
    }

    func distributed(redis: String, llm: LLMCommandOptions) throws -> DistributedPersonaGeneration {
        var run = DistributedPersonaGeneration(
            client: try RedisClient(url: redis), keys: RedisKeys(prefix: prefix), spec: spec(llm))
        run.pollInterval = .milliseconds(pollMilliseconds)
        run.timeout = timeout.map { .milliseconds(Int64($0 * 1000)) }
        run.logger = Console.logger
        run.progressMode = .current
        return run
    }
}
