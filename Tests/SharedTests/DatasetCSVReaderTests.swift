import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRCore

@Suite(.timeLimit(.minutes(5))) struct DatasetCSVReaderTests {
    struct Row: Equatable, CustomStringConvertible {
        var line: Int
        var fields: [String]
        var defect: DatasetError.Code?
        var description: String { "\(line): \(fields) \(defect.map { "\($0)" } ?? "")" }
    }

    static func rows(_ path: String, chunkSize: Int = CSVReader.defaultChunkSize) throws -> [Row] {
        var rows: [Row] = []
        try CSVReader(path: path, chunkSize: chunkSize).forEachRow { row in
            rows.append(Row(line: row.line, fields: row.strings, defect: row.defect?.code))
        }
        return rows
    }

    @Test func parsesQuotingCRLFBOMAndBlankLinesWithLineNumbers() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let text = "\u{FEFF}id,name,n\r\n1,\"Milk, 2%\",3\r\n\r\n2,\"say \"\"hi\"\"\",\"a\nb\"\n3,,\"\"\n4,x\"y,-5"
        let path = try DatasetFixtures.write(text, to: "a.csv", in: dir)
        let expected = [
            Row(line: 1, fields: ["id", "name", "n"]),
            Row(line: 2, fields: ["1", "Milk, 2%", "3"]),
            Row(line: 4, fields: ["2", "say \"hi\"", "a\nb"]),
            Row(line: 6, fields: ["3", "", ""]),
            Row(line: 7, fields: ["4", "x\"y", "-5"]),
        ]
        #expect(try Self.rows(path) == expected)
        #expect(try Self.rows(path, chunkSize: 1) == expected)
    }

    /// The row estimate the ingest reserves its arrays with: exact for a file within the sample, close for a
    /// larger one with rows alike, 0 for an empty or missing file (reading it reports the error).
    @Test func theLineEstimateIsCloseAndNeverFails() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let small = try DatasetFixtures.write("user,item\nu1,a\nu2,b\n", to: "small.csv", in: dir)
        #expect(try ChunkedFileReader(path: small, chunkSize: 1).estimatedLineCount() == 4)
        let rows = (0..<50_000).map { "user\($0 % 977),item\($0 % 313),\($0 % 7 + 1)\n" }.joined()
        let large = try DatasetFixtures.write("user,item,count\n" + rows, to: "large.csv", in: dir)
        let estimate = try ChunkedFileReader(path: large, chunkSize: 1).estimatedLineCount(sampleBytes: 4096)
        #expect(estimate >= 50_001 && estimate < 60_000, "\(estimate)")
        let empty = try DatasetFixtures.write("", to: "empty.csv", in: dir)
        #expect(try ChunkedFileReader(path: empty, chunkSize: 1).estimatedLineCount() == 0)
        #expect(IngestContext.estimatedRows(of: [small, dir.file("missing.csv"), small]) == 8)
    }

    @Test func integersParseFromBytes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try DatasetFixtures.write(
            "12, -7 ,+3,x1,1.0,,99999999999999999999,\" 42\"\n", to: "n.csv", in: dir)
        var values: [Int?] = []
        try CSVReader(path: path).forEachRow { row in values = (0..<row.count).map { row.integer($0) } }
        #expect(values == [12, -7, 3, nil, nil, nil, nil, 42])
    }

    @Test func marksQuoteDefectsOnTheRowsLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let afterQuote = try DatasetFixtures.write("a,b\n\"x\"y,2\nc,d\n", to: "q.csv", in: dir)
        #expect(
            try Self.rows(afterQuote) == [
                Row(line: 1, fields: ["a", "b"]), Row(line: 2, fields: ["xy", "2"], defect: .badQuote),
                Row(line: 3, fields: ["c", "d"]),
            ])
        let open = try DatasetFixtures.write("a,b\n1,2\n3,\"open\n4,5\n", to: "u.csv", in: dir)
        let rows = try Self.rows(open)
        #expect(rows.count == 3)
        #expect(rows[2].line == 3 && rows[2].defect == .unterminatedQuote)
    }

    @Test func missingFileIsFileNotFound() throws {
        let error = try #require(throws: DatasetError.self) { try CSVReader(path: "/nonexistent/x.csv") }
        #expect(error.code == .fileNotFound && error.file == "/nonexistent/x.csv")
    }

    /// Random well-formed tables round-trip through CSV quoting, whatever the chunk size.
    @Test(arguments: [1, 2, 3])
    func randomTablesRoundTripAtAnyChunkSize(seed: UInt64) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var rng = SeededGenerator(seed: seed)
        let alphabet: [String] = ["a", "b", "7", " ", ",", "\"", "\n", "\r\n", "é", "-"]
        var text = ""
        var expected: [[String]] = []
        for _ in 0..<200 {
            let width = 1 + rng.nextIndex(below: 4)
            var fields: [String] = []
            for _ in 0..<width {
                var field = ""
                for _ in 0..<rng.nextIndex(below: 6) { field += alphabet[rng.nextIndex(below: alphabet.count)] }
                fields.append(field)
            }
            if fields == [""] { fields = ["z"] }  // an empty line is skipped by design
            expected.append(fields)
            text += fields.map { field in
                field.utf8.contains(where: { Array(",\"\r\n".utf8).contains($0) }) || rng.nextIndex(below: 4) == 0
                    ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: ",")
            text += rng.nextIndex(below: 2) == 0 ? "\n" : "\r\n"
        }
        let path = try DatasetFixtures.write(text, to: "r.csv", in: dir)
        let big = try Self.rows(path)
        #expect(big.map(\.fields) == expected)
        #expect(big.allSatisfy { $0.defect == nil })
        for chunk in [1, 2, 7, 64, 4096] {
            #expect(try Self.rows(path, chunkSize: chunk) == big, "chunk size \(chunk)")
        }
    }

    /// Random byte soup (malformed quoting included): every chunk size gives the same rows, lines and defects.
    @Test(arguments: [11, 12, 13, 14])
    func randomBytesGiveTheSameRowsAtAnyChunkSize(seed: UInt64) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var rng = SeededGenerator(seed: seed)
        let alphabet: [UInt8] = Array("ab,\"\r\n\n ".utf8) + [0xEF, 0xBB, 0xBF]
        let bytes = (0..<3000).map { _ in alphabet[rng.nextIndex(below: alphabet.count)] }
        let path = dir.file("soup.csv")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reference = try Self.rows(path)
        for chunk in [1, 2, 3, 7, 100] {
            #expect(try Self.rows(path, chunkSize: chunk) == reference, "chunk size \(chunk)")
        }
        // Line numbers never decrease and stay within the file.
        let lines = reference.map(\.line)
        #expect(lines == lines.sorted())
        #expect((lines.last ?? 1) <= bytes.filter { $0 == 0x0A || $0 == 0x0D }.count + 1)
    }
}
