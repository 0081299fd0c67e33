import ArgumentParser
import Foundation
import GPLRCore
import GPLRLLM
import GPLRRuntime

/// `gplr run`'s LLM labeler flags: they build an ``LLMLabelerSpec`` the workers run with their own API key.
struct LLMRunOptions: ParsableArguments {
    @OptionGroup var endpoint: LLMEndpointOptions

    @Option(help: "Users per request.")
    var llmUsersPerRequest: Int = 1

    @Option(help: "Products of a user's history shown in the prompt.")
    var llmMaxProducts: Int = 100

    @Option(help: "Characters of a user's history shown in the prompt.")
    var llmMaxCharacters: Int = 4000

    @Option(help: "Sampling temperature (default: the server's).")
    var llmTemperature: Double?

    @Option(help: "Completion token limit per request (default: none).")
    var llmMaxTokens: Int?

    @Option(help: "Answers asked for when one does not parse or leaves users out.")
    var llmAnswerAttempts: Int = 3

    @Option(
        help: ArgumentHelp(
            "Stop spending at this many USD: the run fails with a clear message and no user half-labeled.",
            discussion: "Counted at the model's prices (--llm-*-price, --llm-price-file or the built-in table), "
                + "across every worker with --redis. Requests in flight when it is reached still finish and count.",
            valueName: "usd"))
    var llmMaxCost: Double?

    @Option(
        help: ArgumentHelp(
            "online: one chat completion per request; batch: each iteration's requests as one Batch API job.",
            discussion: "Batch answers cost half (the price table's batch discount) and arrive within the batch's "
                + "24 h window; each iteration waits for its batch. The coordinator submits and polls with its own key "
                + "(--llm-key-file or OPENAI_API_KEY); needs --llm-url (the server's base). docs/decisions.md.",
            valueName: "online|batch"))
    var llmMode: LLMMode = .online

    @Option(help: "Batch mode: seconds before the first status poll (each later wait doubles, up to 5 minutes).")
    var llmBatchPollSeconds: Double = 5

    @Option(help: "Batch mode: batches per iteration, the first included (expired, failed or unparsed lines go again).")
    var llmBatchAttempts: Int = 3

    @Option(help: .hidden)
    var llmBatchMaxRequests: Int?

    @Option(
        help: ArgumentHelp(
            "With --local: the directory of the LLM response cache file (default: <out>/.gplr-local).",
            discussion: "One llm-cache.jsonl, keyed like the Redis cache: share it between runs so that no prompt "
                + "is paid twice; --no-llm-cache turns it off.",
            valueName: "dir"))
    var llmCacheDir: String?

    /// The spec the flags describe, or `nil` without `--llm-url` or `--llm-endpoint`.
    var spec: LLMLabelerSpec? {
        guard let url = endpoint.serverURL else { return nil }
        var spec = endpoint.spec(baseURL: url)
        spec.usersPerRequest = llmUsersPerRequest
        spec.maxProductsPerUser = llmMaxProducts
        spec.maxCharactersPerUser = llmMaxCharacters
        spec.temperature = llmTemperature
        spec.maxTokens = llmMaxTokens
        spec.maxAnswerAttempts = llmAnswerAttempts
        spec.maxCostUSD = llmMaxCost
        if llmMode == .batch {
            spec.mode = .batch
            spec.batch = LLMBatchOptions(
                pollSeconds: llmBatchPollSeconds, maxPollSeconds: max(300, llmBatchPollSeconds),
                maxBatches: llmBatchAttempts)
            spec.batch?.maxRequestsPerBatch = llmBatchMaxRequests
            spec.batchPriceFactor = (try? endpoint.pricing())?.batchFactor
        }
        return spec
    }

    func validate() throws {
        if let problem = spec?.problem { throw ValidationError("--llm-*: \(problem)") }
        guard llmBatchPollSeconds > 0, llmBatchAttempts >= 1 else {
            throw ValidationError("--llm-batch-poll-seconds must be positive and --llm-batch-attempts at least 1")
        }
        if llmMode == .batch, endpoint.llmEndpoint != nil {
            throw ValidationError(
                "--llm-mode batch needs --llm-url (the server's base URL): the Batch API's /v1/files and /v1/batches "
                    + "have no counterpart of a full --llm-endpoint")
        }
        // Without a server this is a --resume (RunCommand refuses the rest), which keeps the record's prices.
        try endpoint.validate(maxCost: llmMaxCost, needsPrice: endpoint.serverURL != nil)
    }
}

extension LLMRunOptions {
    /// The key (`--llm-key-file`, else `OPENAI_API_KEY`; `OPENAI_BASE_URL` is never read) and the extra headers
    /// of this process, for the calls it makes itself.
    func credentials() throws -> LLMCredentials {
        let environment = ProcessInfo.processInfo.environment.filter { $0.key == "OPENAI_API_KEY" }
        let key = try LLMConfiguration.load(environment: environment, keyFile: endpoint.llmKeyFile).apiKey
        return LLMCredentials(key: key, headers: try endpoint.headers())
    }

    /// `gplr run --local --llm-url`: a new run of `inputs` in this process (``LocalLLMRun``) with this process's
    /// key (`--llm-key-file`, else `OPENAI_API_KEY`) and a response cache in a file (`--llm-cache-dir`, else under
    /// `<out>/.gplr-local/`; none with `--no-llm-cache`). No Redis: no shared rate limit.
    func runLocally(_ inputs: LocalRunInputs, outputDirectory: String) async throws -> LocalRun.Result {
        guard let spec else { throw ValidationError("--llm-url or --llm-endpoint is required") }
        Console.status(try endpoint.pricing().summary)
        let state = LocalRunState(outputDirectory: outputDirectory)
        let cacheDirectory = endpoint.llmCache ? (llmCacheDir ?? state.defaultCacheDirectory) : nil
        let record = LocalRunState.Record(
            snapshotPath: DistributedRun.absolute(inputs.snapshotPath),
            personasPath: DistributedRun.absolute(inputs.personasPath), parameters: inputs.parameters, llm: spec,
            cacheDirectory: cacheDirectory.map(DistributedRun.absolute))
        return try await LocalLLMRun(
            record: record, outputDirectory: outputDirectory, credentials: try credentials(), resume: false,
            threads: inputs.threads, personaLimits: inputs.personaLimits
        ).execute()
    }

    /// `gplr run --local --resume OUT`: the run recorded in `OUT/.gplr-local/`, from its last checkpoint, with
    /// this process's key and headers; `--llm-max-cost` replaces the recorded cap, `snapshot` the recorded path.
    func resumeLocally(
        outputDirectory: String, snapshotPath: String?, threads: Int?, personaLimits: PersonaSetLimits
    ) async throws -> LocalRun.Result {
        let state = LocalRunState(outputDirectory: outputDirectory)
        guard var record = try state.record() else {
            throw ValidationError(
                "\(outputDirectory) holds no interrupted local run (no \(state.recordPath)): a finished run "
                    + "leaves none, and --resume RUN without --local continues a distributed run")
        }
        if let snapshotPath { record.snapshotPath = snapshotPath }
        if let llmMaxCost {
            record.llm.maxCostUSD = llmMaxCost
            try state.write(record)
        }
        return try await LocalLLMRun(
            record: record, outputDirectory: outputDirectory, credentials: try credentials(), resume: true,
            threads: threads, personaLimits: personaLimits
        ).execute()
    }
}
