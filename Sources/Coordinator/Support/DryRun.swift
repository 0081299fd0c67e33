import Foundation
import GPLRCore
import GPLRLLM
import GPLRRuntime
import GPLRSupport

/// `gplr run --dry-run`: one rendered prompt and the estimate of the whole labeling budget's tokens and cost,
/// online and with a batch API (half price), without sending a request or touching Redis.
struct DryRun {
    var inputs: LocalRunInputs
    var spec: LLMLabelerSpec
    var pricing: LLMPricing
    /// Users per `label` job (`--redis`), `nil` for `--local`.
    var jobSize: Int?

    /// Runs the sampling with a ``StandInLabeler`` (no request, no Redis), prints and returns the estimate.
    @discardableResult
    func run() async throws -> LabelingEstimate {
        let loaded = try inputs.load()
        let labeler = StandInLabeler(personas: loaded.personas, options: spec.labelerOptions, jobSize: jobSize)
        // The run's own loop picks the prototypes (DU favours users the walks reach least, whose prompts are
        // shorter than average): only the answers are stand-ins.
        _ = try await inputs.runner(loaded, labeler: labeler).run(observe: { _ in })
        let estimate = labeler.estimate
        let online = estimate.costUSD(spec.configuration(apiKey: nil))
        let line = { (text: String) in StandardStreams.writeOutput(text + "\n") }
        line("dry run: nothing is sent to \(Self.shown(spec.configuration(apiKey: nil).chatCompletionsURL))")
        line(
            "one prompt (user\(estimate.exampleUserIDs.count == 1 ? "" : "s") "
                + estimate.exampleUserIDs.map { "\"\($0)\"" }.joined(separator: ", ") + ", ≈ "
                + "\(Console.count(LabelingEstimate.tokens(estimate.examplePrompt))) tokens):")
        for message in estimate.examplePrompt {
            line("--- \(message.role)")
            line(message.content)
        }
        line("---")
        let perRequest = spec.usersPerRequest
        line(
            "budget τ = \(Console.count(estimate.users)) users in \(inputs.parameters.iterations) iterations, \(perRequest) "
                + "user\(perRequest == 1 ? "" : "s") per request: \(Console.count(estimate.requests)) requests")
        line(
            "estimated tokens: \(Console.count(estimate.promptTokens)) prompt + "
                + "\(Console.count(estimate.completionTokens)) completion = \(Console.count(estimate.totalTokens)) "
                + "(the prompts of the users this run's sampling picks with stand-in answers, 4 characters per "
                + "token; no re-asks, retries or prompt-cache discount)")
        line(pricing.summary)
        line(
            String(
                format: "estimated cost: $%.4f online, $%.4f with a batch API (%.0f %%) with --llm-mode batch", online,
                online * pricing.batchFactor, pricing.batchFactor * 100))
        if let cap = spec.maxCostUSD {
            line(
                String(format: "--llm-max-cost $%.4f: ", cap)
                    + (online > cap
                        ? "the estimate passes it, the run would stop early" : "the estimate stays under it"))
        }
        return estimate
    }

    /// `url` without user info, query or fragment.
    static func shown(_ url: String) -> String { URLText.withoutSecrets(url) ?? "the LLM" }
}
