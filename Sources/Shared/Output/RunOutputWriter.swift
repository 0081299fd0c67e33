import Foundation

/// Writes a finished run's results into a directory (see docs/decisions.md for the formats):
/// `phi.jsonl`, `phi.csv`, `prototypes.jsonl`, `psi.npy`, `psi-index.json`, `report.json`.
public struct RunOutputWriter: Sendable {
    public static let phiJSONLFile = "phi.jsonl"
    public static let phiCSVFile = "phi.csv"
    public static let prototypesFile = "prototypes.jsonl"
    public static let psiFile = "psi.npy"
    public static let psiIndexFile = "psi-index.json"
    public static let reportFile = "report.json"

    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Writes every result file; returns their paths.
    @discardableResult
    public func write(_ outcome: RunOutcome, graph: PurchaseGraph, personas: PersonaSet) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let assignment = outcome.assignment
        var unreachable = [Bool](repeating: false, count: graph.userCount)
        for user in assignment.unreachableUsers { unreachable[user] = true }

        let phiJSONL = try LabelsFileWriter(path: path(Self.phiJSONLFile), personas: personas)
        let phiCSV = try BufferedFileWriter(path: path(Self.phiCSVFile))
        try phiCSV.write("user,personas,source\n")
        for user in 0 ..< graph.userCount {
            let assigned = Array(assignment.personas(ofUser: user))
            try phiJSONL.append(user: graph.userIDs[user], personas: assigned)
            try phiCSV.write(csvField: graph.userIDs[user])
            try phiCSV.write(",")
            try phiCSV.write(csvField: assigned.map { personas.names[$0] }.joined(separator: "|"))
            let source = outcome.prototypes.isPrototype(user) ? "prototype" : unreachable[user] ? "unreachable" : "inferred"
            try phiCSV.write(",\(source)\n")
        }
        try phiJSONL.close()
        try phiCSV.close()

        let prototypes = try LabelsFileWriter(path: path(Self.prototypesFile), personas: personas)
        for user in outcome.prototypes.users {
            try prototypes.append(user: graph.userIDs[user], personas: outcome.prototypes.personas(ofUser: user) ?? [])
        }
        try prototypes.close()

        try writePsi(outcome.affinity)
        try writeJSON(PsiIndex(rows: graph.userIDs, columns: outcome.affinity.personas.map { personas.names[$0] }),
                      to: path(Self.psiIndexFile))
        try writeJSON(outcome.report, to: path(Self.reportFile))
        return [Self.phiJSONLFile, Self.phiCSVFile, Self.prototypesFile, Self.psiFile, Self.psiIndexFile,
                Self.reportFile].map(path)
    }

    /// Names the rows and columns of `psi.npy`.
    struct PsiIndex: Codable {
        var rows: [String]
        var columns: [String]
    }

    private func writePsi(_ affinity: AffinityMatrix) throws {
        let width = affinity.columnCount
        try affinity.values.withUnsafeBufferPointer { values in
            try NPYWriter.write(path: path(Self.psiFile), rows: affinity.userCount, columns: width) { row, out in
                for c in 0 ..< width { out[c] = values[row * width + c] }
            }
        }
    }

    private func writeJSON(_ value: some Encodable, to file: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(value).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw OutputError.cannotWrite(path: file, reason: "\(error)")
        }
    }

    private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
}
