public import Foundation

/// A dated table of model prices (`llm-prices.json`, shipped in `gplr`; a user file in the same format
/// overrides it model by model). Pure: parsing and lookup only.
///
/// ```json
/// {"date": "2025-07-01", "batch_discount": 0.5,
///  "models": {"gpt-4o-mini": {"input": 0.15, "cached_input": 0.075, "output": 0.60}}}
/// ```
public struct LLMPriceTable: Sendable, Equatable {
    /// The day the prices were taken (`YYYY-MM-DD`), as the file says.
    public var date: String
    /// Model name (lowercased) → price.
    public var models: [String: LLMPrice]
    /// The discount of the Batch API on every price of the table (`batch_discount`, 0 ... 1); `nil`: 0.5 (OpenAI,
    /// Anthropic, Gemini and Mistral all take half off batch requests).
    public var batchDiscountGiven: Double?

    /// The Batch API's discount: ``batchDiscountGiven``, else 0.5.
    public var batchDiscount: Double { batchDiscountGiven ?? 0.5 }

    public init(date: String, models: [String: LLMPrice], batchDiscount: Double? = nil) {
        self.date = date
        self.models = Dictionary(models.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, new in new })
        batchDiscountGiven = batchDiscount
    }

    private struct File: Decodable {
        var date: String?
        var models: [String: LLMPrice]
        var batchDiscount: Double?
        enum CodingKeys: String, CodingKey {
            case date, models
            case batchDiscount = "batch_discount"
        }
    }

    /// Parses a table; `source` (a path, or "built-in") names it in errors.
    public init(json: Data, source: String) throws(LLMConfigurationError) {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: json)
        } catch {
            throw LLMConfigurationError(
                code: .invalidValue,
                message: "not a price table ({\"date\", \"models\": {name: {input, cached_input, output}}}): \(error)",
                source: source)
        }
        for (name, price) in file.models {
            if let problem = price.problem {
                throw LLMConfigurationError(code: .invalidValue, message: "\(name): \(problem)", source: source)
            }
        }
        if let discount = file.batchDiscount, !(0...1).contains(discount) {
            throw LLMConfigurationError(
                code: .invalidValue, message: "batch_discount must be in 0 ... 1", source: source)
        }
        self.init(date: file.date ?? "undated", models: file.models, batchDiscount: file.batchDiscount)
    }

    /// The table in the file at `path`.
    public static func read(from path: String) throws(LLMConfigurationError) -> LLMPriceTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LLMConfigurationError(code: .invalidValue, message: "cannot read the price file", source: path)
        }
        return try LLMPriceTable(json: data, source: path)
    }

    /// The price of `model`: its own entry, else the longest entry that is a prefix of it followed by `-`
    /// (dated or suffixed versions: `gpt-4o-mini-2024-07-18` is `gpt-4o-mini`); `nil` when none fits.
    public func price(for model: String) -> (name: String, price: LLMPrice)? {
        let name = model.lowercased()
        if let price = models[name] { return (name, price) }
        let prefix = models.keys.filter { name.hasPrefix($0 + "-") }.max { $0.count < $1.count }
        return prefix.flatMap { key in models[key].map { (key, $0) } }
    }

    /// This table with `other`'s models replacing or adding to its own, and `other`'s date.
    public func overridden(by other: LLMPriceTable) -> LLMPriceTable {
        LLMPriceTable(
            date: other.date, models: models.merging(other.models) { _, new in new },
            batchDiscount: other.batchDiscountGiven ?? batchDiscountGiven)
    }
}
