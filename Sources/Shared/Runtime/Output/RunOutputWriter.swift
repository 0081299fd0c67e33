import Foundation
public import GPLRCore
import GPLRSupport
import Synchronization

/// Writes a finished run's results into a directory (formats: docs/outputs.md):
/// `phi.jsonl`, `phi.csv`, `phi-long.csv`, `prototypes.jsonl`, `psi.npy`, `psi-index.json`, `report.json`.
public struct RunOutputWriter: Sendable {
    public static let phiJSONLFile = "phi.jsonl"
    public static let phiCSVFile = "phi.csv"
    public static let phiLongCSVFile = "phi-long.csv"
    public static let prototypesFile = "prototypes.jsonl"
    public static let psiFile = "psi.npy"
    public static let psiIndexFile = "psi-index.json"
    public static let reportFile = "report.json"

    public let directory: String
    /// Who produced the results, recorded in `report.json`.
    public let provenance: ReportProvenance

    public init(directory: String, provenance: ReportProvenance) {
        self.directory = directory
        self.provenance = provenance
    }

    /// The result files in the order they are switched in: `report.json`, which describes the set, last.
    public static let files = [
        phiJSONLFile, phiCSVFile, phiLongCSVFile, prototypesFile, psiFile, psiIndexFile, reportFile,
    ]

    /// Writes every result file; returns their paths.
    ///
    /// The files are written into a staging directory and switched in together (``OutputStaging``): an
    /// interrupted or failed write leaves the directory's previous results as they were, and the leftovers of a
    /// killed write are removed here the next time.
    @discardableResult
    public func write(_ outcome: RunOutcome, graph: PurchaseGraph, personas: PersonaSet) throws -> [String] {
        let staging = try OutputStaging(directory: directory)
        removeLegacyPartials()
        do {
            try writeFiles(outcome, graph: graph, personas: personas, into: staging)
            try staging.commit(Self.files)
        } catch {
            staging.discard()
            throw error
        }
        return Self.files.map(path)
    }

    /// Writes the files in two streams over the users, side by side (``ParallelLoop``): Φ's per-user files and
    /// `prototypes.jsonl`, and the long Φ and Ψ's files; `report.json` after both. Why: at 10M users
    /// the files are ~4 GB of text and array, 16 % of a local run's CPU samples on one thread, and nothing else runs
    /// at this point (docs/benchmarks.md, 15th session). Each file's bytes are what one stream wrote before.
    private func writeFiles(
        _ outcome: RunOutcome, graph: PurchaseGraph, personas: PersonaSet, into staging: OutputStaging
    ) throws {
        let phiJSONLPath = staging.path(Self.phiJSONLFile), phiCSVPath = staging.path(Self.phiCSVFile)
        let prototypesPath = staging.path(Self.prototypesFile)
        let phiLongPath = staging.path(Self.phiLongCSVFile), psiPath = staging.path(Self.psiFile)
        let psiIndexPath = staging.path(Self.psiIndexFile)
        let prototypeMask = outcome.prototypes.prototypeMask(userCount: graph.userCount)
        let names = personas.names  // built once: `PersonaSet.names` makes a new array on every call
        let streams = Mutex<[Result<Void, any Error>?]>([nil, nil])
        ParallelLoop.run(chunks: 2, threads: 2) { stream in
            let result = Result {
                if stream == 0 {
                    try writePhi(
                        outcome, graph: graph, personas: personas, names: names, prototypeMask: prototypeMask,
                        jsonl: phiJSONLPath, csv: phiCSVPath)
                    let prototypes = try LabelsFileWriter(path: prototypesPath, personas: personas)
                    for user in outcome.prototypes.users {
                        try prototypes.append(
                            user: graph.userIDs[user], personas: outcome.prototypes.personas(ofUser: user) ?? [])
                    }
                    try prototypes.close()
                } else {
                    try writePhiLong(
                        outcome, graph: graph, personas: personas, prototypeMask: prototypeMask, to: phiLongPath)
                    try writePsi(outcome.affinity, to: psiPath)
                    try writePsiIndex(
                        PsiIndex(rows: graph.userIDs, columns: outcome.affinity.personas.map { names[$0] }),
                        to: psiIndexPath)
                }
            }
            streams.withLock { $0[stream] = result }
        }
        // Both streams have ended (the staging directory is not discarded while one still writes into it).
        for result in streams.withLock({ $0 }) { try result?.get() }
        try writeJSON(RunReportDocument(outcome.report, provenance: provenance), to: staging.path(Self.reportFile))
    }

    /// `phi.jsonl` and `phi.csv`, one pass over the users; `names` are the personas' names.
    private func writePhi(
        _ outcome: RunOutcome, graph: PurchaseGraph, personas: PersonaSet, names: [String], prototypeMask: [Bool],
        jsonl: String, csv: String
    ) throws {
        let assignment = outcome.assignment
        var unreachable = [Bool](repeating: false, count: graph.userCount)
        for user in assignment.unreachableUsers { unreachable[user] = true }
        let phiJSONL = try LabelsFileWriter(path: jsonl, personas: personas)
        let phiCSV = try BufferedFileWriter(path: csv)
        try phiCSV.write("user,personas,source\n")
        // When no name needs CSV quotes, a user's joined names need none either: their bytes go out as they are,
        // without building the joined field (10M users: the output stream's per-user strings).
        let nameBytes = names.map { Array($0.utf8) }
        let namesArePlain = !names.contains(where: BufferedFileWriter.needsCSVQuotes)
        for user in 0..<graph.userCount {
            let assigned = assignment.personas(ofUser: user)
            try phiJSONL.append(user: graph.userIDs[user], personas: assigned)
            try phiCSV.write(csvField: graph.userIDs[user])
            try phiCSV.write(byte: 0x2C)
            if namesArePlain {
                for (rank, persona) in assigned.enumerated() {
                    if rank > 0 { try phiCSV.write(byte: 0x7C) }
                    try nameBytes[persona].withUnsafeBytes { try phiCSV.write($0) }
                }
            } else {
                try phiCSV.write(csvField: assigned.map { names[$0] }.joined(separator: "|"))
            }
            try phiCSV.write(
                prototypeMask[user] ? ",prototype\n" : unreachable[user] ? ",unreachable\n" : ",inferred\n")
        }
        try phiJSONL.close()
        try phiCSV.close()
    }

    /// `phi-long.csv`: one row per user and assigned persona, with its affinity.
    private func writePhiLong(
        _ outcome: RunOutcome, graph: PurchaseGraph, personas: PersonaSet, prototypeMask: [Bool], to path: String
    ) throws {
        let assignment = outcome.assignment
        let phiLong = try PhiLongWriter(path: path, personas: personas)
        for user in 0..<graph.userCount {
            try phiLong.append(
                user: graph.userIDs[user], personas: assignment.personas(ofUser: user),
                score: { outcome.affinity[user, $0] }, isPrototype: prototypeMask[user])
        }
        try phiLong.close()
    }

    /// Removes `<file>.partial` leftovers of earlier versions, which wrote each file under that name first.
    private func removeLegacyPartials() {
        for name in Self.files { unlink(path(name) + ".partial") }
    }

    /// Names the rows and columns of `psi.npy`.
    struct PsiIndex: Codable {
        var rows: [String]
        var columns: [String]
    }

    /// Writes `index` as `JSONEncoder` with `.prettyPrinted` and `.sortedKeys` lays it out (`{"columns": […],
    /// "rows": […]}`, one name per line), streamed: the encoder built the whole document in memory first, a
    /// user id at a time through its generic machinery (3.4 % of a 1M-user local run's CPU samples). Strings are
    /// escaped as in the other JSON outputs (`/` is left as it is, where the encoder wrote `\/`): the same JSON,
    /// byte-identical for ids and names without a slash or control character.
    private func writePsiIndex(_ index: PsiIndex, to file: String) throws {
        let out = try BufferedFileWriter(path: file)
        func member(_ key: String, _ values: [String]) throws {
            try out.write("  \"\(key)\" : [")
            for (position, value) in values.enumerated() {
                try out.write(position == 0 ? "\n    " : ",\n    ")
                try out.write(jsonString: value)
            }
            try out.write(values.isEmpty ? "]" : "\n  ]")
        }
        try out.write("{\n")
        try member("columns", index.columns)
        try out.write(",\n")
        try member("rows", index.rows)
        try out.write("\n}")
        try out.close()
    }

    private func writePsi(_ affinity: AffinityMatrix, to file: String) throws {
        let width = affinity.columnCount
        try affinity.values.withUnsafeBufferPointer { values in
            try NPYWriter.write(path: file, rows: affinity.userCount, columns: width) { row, out in
                for c in 0..<width { out[c] = values[row * width + c] }
            }
        }
    }

    private func writeJSON(_ value: some Encodable, to file: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(value).write(to: URL(fileURLWithPath: file))
        } catch {
            throw OutputError.cannotWrite(path: file, reason: ErrorText.describe(error))
        }
    }

    private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
}
