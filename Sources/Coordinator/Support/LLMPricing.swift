import Foundation
import GPLRLLM

/// The prices a command pays per 1,000 tokens: each `--llm-*-price` flag given, else the model's entry in
/// `--llm-price-file`, else in the built-in dated table (`Pricing/llm-prices.json`), else 0.
struct LLMPricing: Equatable {
    var promptPer1K: Double
    /// `nil`: cached prompt tokens cost the prompt price.
    var cachedPromptPer1K: Double?
    var completionPer1K: Double
    /// Where the prices came from, for the console: `flags`, `gpt-4o-mini in the built-in table of 2025-07-01` …
    var origin: String
    /// Whether any price is known (a spending cap needs one).
    var isKnown: Bool
    /// The share of these prices a Batch API answer costs (the table's `batch_discount`: 0.5 off → 0.5).
    var batchFactor = LLMConfiguration.defaultBatchPriceFactor

    /// The table shipped in the binary (embedded at build time, like the dashboard page).
    static let builtIn =
        (try? LLMPriceTable(json: Data(PackageResources.llm_prices_json), source: "built-in price table"))
        ?? LLMPriceTable(date: "unavailable", models: [:])

    /// Resolves the prices of `model`.
    static func resolve(
        model: String, prompt: Double?, cachedPrompt: Double?, completion: Double?, priceFile: String?
    ) throws(LLMConfigurationError) -> LLMPricing {
        var table = builtIn
        var tableName = "the built-in table"
        if let priceFile {
            table = table.overridden(by: try LLMPriceTable.read(from: priceFile))
            tableName = priceFile
        }
        let entry = table.price(for: model)
        let flags = prompt != nil || completion != nil || cachedPrompt != nil
        var origin = flags ? "--llm-*-price flags" : "none known for \(model): cost counted as 0"
        if let entry {
            origin = (flags ? origin + ", else " : "") + "\(entry.name) in \(tableName) of \(table.date)"
        }
        // A cached price from the table only goes with the table's prompt price.
        let cached = cachedPrompt ?? (prompt == nil ? entry?.price.cachedInput.map { $0 / 1000 } : nil)
        return LLMPricing(
            promptPer1K: prompt ?? (entry?.price.input ?? 0) / 1000, cachedPromptPer1K: cached,
            completionPer1K: completion ?? (entry?.price.output ?? 0) / 1000, origin: origin,
            isKnown: flags || entry != nil, batchFactor: 1 - table.batchDiscount)
    }

    /// One line for the console: the prices per 1M tokens and where they came from.
    var summary: String {
        let perMillion = { (value: Double) in String(format: "$%.4g", value * 1000) }
        return "llm prices per 1M tokens: \(perMillion(promptPer1K)) prompt, "
            + "\(perMillion(cachedPromptPer1K ?? promptPer1K)) cached prompt, \(perMillion(completionPer1K)) completion "
            + "(\(origin)); batch API: \(Int((batchFactor * 100).rounded())) % of these"
    }
}
