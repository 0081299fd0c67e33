import Foundation

/// Item → persona labels as JSON Lines, like the user labels format but keyed `"item"`:
/// `{"item":"<external id>","personas":["Name",...]}`; an empty list means no persona fits.
public enum ItemLabelsFile {
    private struct Line: Codable {
        var item: String
        var personas: [String]
    }

    /// Writes `labels` (item index → persona indices) sorted by external item id.
    public static func write(_ labels: [Int: [Int]], graph: PurchaseGraph, personas: PersonaSet, to path: String) throws
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var data = Data()
        let rows = labels.map { (id: graph.itemIDs[$0.key], personas: $0.value) }.sorted { $0.id < $1.id }
        for row in rows {
            data.append(try encoder.encode(Line(item: row.id, personas: row.personas.map { personas[$0].name })))
            data.append(0x0A)
        }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads a file written by ``write(_:graph:personas:to:)``: external item id → persona names as written.
    /// Lines that are not `{"item", "personas"}` objects are skipped.
    public static func read(path: String) throws -> [String: [String]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var labels: [String: [String]] = [:]
        for line in data.split(separator: 0x0A) where !line.isEmpty {
            guard let row = try? JSONDecoder().decode(Line.self, from: Data(line)) else { continue }
            labels[row.item] = row.personas
        }
        return labels
    }
}
