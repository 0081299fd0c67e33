import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRCore
@testable import GPLRRuntime

@Suite(.timeLimit(.minutes(5))) struct NPYWriterTests {
    @Test func headerIsAlignedAndDescribesTheMatrix() {
        for (rows, columns) in [(0, 1), (3, 51), (206_209, 51), (1, 1)] {
            let header = NPYWriter.header(rows: rows, columns: columns)
            #expect(header.count % 64 == 0)
            #expect(Array(header[0..<8]) == [0x93] + Array("NUMPY".utf8) + [1, 0])
            let length = Int(header[8]) | Int(header[9]) << 8
            #expect(length == header.count - 10)
            let dict = String(decoding: header[10...], as: UTF8.self)
            #expect(dict.contains("'descr': '<f8'"))
            #expect(dict.contains("'shape': (\(rows), \(columns))"))
            #expect(dict.hasSuffix("\n"))
        }
    }

    @Test func valuesFollowTheHeaderInRowMajorOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("m.npy")
        // More rows than one write block, to cross block boundaries.
        let rows = 70_000, columns = 3
        try NPYWriter.write(path: path, rows: rows, columns: columns) { row, out in
            for c in 0..<columns { out[c] = Double(row) + Double(c) / 10 }
        }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let start = NPYWriter.header(rows: rows, columns: columns).count
        #expect(bytes.count == start + rows * columns * 8)
        func value(_ index: Int) -> Double {
            var bits: UInt64 = 0
            for b in 0..<8 { bits |= UInt64(bytes[start + index * 8 + b]) << (8 * b) }
            return Double(bitPattern: bits)
        }
        #expect(value(0) == 0)
        #expect(value(2) == 0.2)
        #expect(value(3 * 65_000 + 1) == 65_000.1)
        #expect(value(rows * columns - 1) == Double(rows - 1) + 0.2)
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }

    /// numpy itself reads the file, when this machine has it.
    @Test(.enabled(if: NPYWriterTests.numpyAvailable)) func numpyLoadsIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("m.npy")
        try NPYWriter.write(path: path, rows: 4, columns: 2) { row, out in
            out[0] = Double(row)
            out[1] = -Double(row) / 4
        }
        let output = try Self.python("import numpy; m = numpy.load('\(path)'); print(m.shape, m[3,0], m[3,1], m.dtype)")
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "(4, 2) 3.0 -0.75 float64")
    }

    static let numpyAvailable = (try? python("import numpy")) != nil

    static func python(_ code: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", code]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.featureUnsupported) }
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite(.timeLimit(.minutes(5))) struct RunOutputWriterTests {
    @Test func writesPhiPsiPrototypesAndReportThatReadBack() async throws {
        let data = try PlantedDataset(users: 400, items: 200, personas: 6)
        var parameters = RunParameters()
        parameters.budget = .count(40)
        let outcome = try await data.runner(parameters).run()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let provenance = ReportProvenance(labeler: .labelsFile, model: nil, gplrVersion: "9.9.9", gplrCommit: "abc")
        let files = try RunOutputWriter(directory: directory.path, provenance: provenance).write(
            outcome, graph: data.graph, personas: data.personas)
        for file in files { #expect(FileManager.default.fileExists(atPath: file)) }

        let phi = try LabelsFile.read(path: directory.file(RunOutputWriter.phiJSONLFile), personas: data.personas)
        #expect(phi.users.count == data.graph.userCount)
        for user in 0..<data.graph.userCount {
            #expect(
                phi.labels[data.graph.userIDs[user]]?.sorted() == outcome.assignment.personas(ofUser: user).sorted())
        }
        let prototypes = try LabelsFile.read(
            path: directory.file(RunOutputWriter.prototypesFile), personas: data.personas)
        #expect(prototypes.users.count == 40)

        let csv = try String(contentsOfFile: directory.file(RunOutputWriter.phiCSVFile), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.first == "user,personas,source")
        #expect(lines.count == data.graph.userCount + 1)
        #expect(lines.filter { $0.hasSuffix(",prototype") }.count == 40)
        // Plain ids and names (none needs CSV quotes): each line is id, the names joined by `|`, the source.
        let names = data.personas.names
        #expect(names.allSatisfy { !$0.contains(",") && !$0.contains("\"") })
        for (user, line) in lines.dropFirst().enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(fields.count == 3 && fields[0] == data.graph.userIDs[user], "\(line)")
            let joined = outcome.assignment.personas(ofUser: user).map { names[$0] }.joined(separator: "|")
            #expect(fields.count == 3 && fields[1] == joined, "\(line)")
        }

        let psiBytes = try Data(contentsOf: URL(fileURLWithPath: directory.file(RunOutputWriter.psiFile)))
        let header = NPYWriter.header(rows: data.graph.userCount, columns: data.personas.count)
        #expect(psiBytes.count == header.count + data.graph.userCount * data.personas.count * 8)

        let report = try JSONDecoder().decode(
            RunReportDocument.self,
            from: Data(contentsOf: URL(fileURLWithPath: directory.file(RunOutputWriter.reportFile))))
        #expect(report == RunReportDocument(outcome.report, provenance: provenance))
        #expect(report.labelBudgetSpent == 40)
    }
}
