import Foundation

/// What `--json` prints: one pretty-printed JSON document with sorted, snake_case keys (the types' `CodingKeys`),
/// on standard output, the human-readable lines being left out (docs/configuration.md, "JSON output").
enum JSONOutput {
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
