import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRCore

@Suite(.timeLimit(.minutes(5))) struct DatasetLabelsFileTests {
    let personas = try! PersonaSet([
        Persona(name: "Busy Parents", description: ""), Persona(name: "Health Enthusiast", description: ""),
        Persona(name: "Snack \"Lover\"", description: ""),
    ])

    @Test func writeThenReadRoundTrips() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let labels: [String: [Int]] = ["u1": [0, 2], "ü \"quoted\"\\": [1], "u3": [], "12346": [2, 1, 0]]
        try LabelsFile.write(labels, personas: personas, to: dir.file("l.jsonl"))
        let read = try LabelsFile.read(path: dir.file("l.jsonl"), personas: personas)
        #expect(read.labels == labels)
        #expect(read.users == labels.keys.sorted())
        #expect(read.unknownNamesDropped == 0)
        // Tiny chunks give the same result.
        #expect(try LabelsFile.read(path: dir.file("l.jsonl"), personas: personas, chunkSize: 3) == read)
    }

    @Test func readsNormalizedNamesEscapesUnrepresentableAndExtraMembers() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try DatasetFixtures.write(
            """
            {"user":"a","personas":["busy  parents","HEALTH enthusiast","Busy Parents"]}\r
            {"personas":["Unrepresentable"], "user" : "b", "score": [1.5, {"x": null}], "ok": true}

            {"user":"c\\u00e9\\n","personas":["Snack \\"Lover\\""]}
            """, to: "l.jsonl", in: dir)
        let read = try LabelsFile.read(path: path, personas: personas)
        #expect(read.labels == ["a": [0, 1], "b": [], "c\u{e9}\n": [2]])
        #expect(read.users == ["a", "b", "c\u{e9}\n"])
    }

    /// Lines in the writer's spelling take the fast path (``CanonicalLabelsLine``); the same labels spelled any other
    /// way take the general scanner; both read the same. Names that differ from the set's only by case or spacing,
    /// "Unrepresentable" and repeats are resolved as the general path resolves them.
    @Test func canonicalLinesReadAsTheGeneralScannerReadsThem() throws {
        let canonical = [
            #"{"user":"a","personas":["Busy Parents","Health Enthusiast"]}"#,
            #"{"user":"b","personas":[]}"#,
            #"{"user":"ü 7","personas":["busy  PARENTS","Busy Parents","Unrepresentable"]}"#,
            #"{"user":"d","personas":["Unrepresentable"]}"#,
        ]
        let otherSpellings = [
            #"{"personas":["Busy Parents","Health Enthusiast"],"user":"a"}"#,
            #"{ "user": "b", "personas": [] }"#,
            #"{"user":"\u00fc 7","personas":["busy  PARENTS","Busy Parents","Unrepresentable"]}"#,
            #"{"user":"d","personas":["Unrepresentable"],"extra":1}"#,
        ]
        var ranges: [Range<Int>] = []
        for line in canonical {
            let parsed = Array(line.utf8).withUnsafeBytes { CanonicalLabelsLine.parse($0, names: &ranges) }
            #expect(parsed != nil, "\(line)")
        }
        for line in otherSpellings + [#"{"user":"a","personas":["x"]} "#, #"{"user":"a","personas":["x",]}"#] {
            let parsed = Array(line.utf8).withUnsafeBytes { CanonicalLabelsLine.parse($0, names: &ranges) }
            #expect(parsed == nil, "\(line)")
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let fast = try LabelsFile.read(
            path: try DatasetFixtures.write(canonical.joined(separator: "\n"), to: "fast.jsonl", in: dir),
            personas: personas)
        let general = try LabelsFile.read(
            path: try DatasetFixtures.write(otherSpellings.joined(separator: "\n"), to: "general.jsonl", in: dir),
            personas: personas)
        #expect(fast == general)
        #expect(fast.labels == ["a": [0, 1], "b": [], "ü 7": [0], "d": []])
        #expect(fast.users == ["a", "b", "ü 7", "d"])
    }

    @Test func unknownNamesFailWithLineUnlessLenient() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try DatasetFixtures.write(
            """
            {"user":"a","personas":["Busy Parents"]}
            {"user":"b","personas":["Bargain Hunter","Health Enthusiast","Nope"]}

            """, to: "l.jsonl", in: dir)
        let error = try #require(throws: DatasetError.self) { try LabelsFile.read(path: path, personas: personas) }
        #expect(error.code == .unknownPersona && error.file == path && error.line == 2)
        let lenient = try LabelsFile.read(path: path, personas: personas, lenient: true)
        #expect(lenient.labels == ["a": [0], "b": [1]])
        #expect(lenient.unknownNamesDropped == 2)
    }

    @Test(arguments: [
        (#"{"user":"a","personas":["Busy Parents"]"#, DatasetError.Code.badJSON),
        (#"{"user":1,"personas":[]}"#, .badJSON),
        (#"{"user":"a"}"#, .badJSON),
        (#"{"user":"a","personas":"Busy Parents"}"#, .badJSON),
        (#"{"user":"a","personas":[]} x"#, .badJSON),
        (#"{"user":"x","personas":[]}"#, .duplicateUser),
    ])
    func malformedLinesNameTheLine(line: String, code: DatasetError.Code) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try DatasetFixtures.write(
            "{\"user\":\"x\",\"personas\":[]}\n\n\(line)\n", to: "l.jsonl", in: dir)
        let error = try #require(throws: DatasetError.self) { try LabelsFile.read(path: path, personas: personas) }
        #expect(error.code == code)
        #expect(error.line == 3)
        #expect(error.description.contains("\(path):3"))
        // Read for a graph's users, whether "x" is one of them or not: the same error.
        for userIDs in [["x", "a"], ["a"]] {
            let forGraph = try #require(throws: DatasetError.self) {
                try LabelsFile.readUserLabels(path: path, personas: personas, userIDs: userIDs)
            }
            #expect(forGraph.code == code && forGraph.line == 3, "graph users \(userIDs)")
        }
    }

    /// Reading for a graph's users gives, user by user, what the dictionary read gives: canonical and other
    /// spellings, lines in and out of the graph's order, users the graph lacks (counted) and users the file lacks.
    @Test(arguments: [1 << 16, 5])
    func readingForAGraphsUsersMatchesTheDictionaryRead(chunkSize: Int) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try DatasetFixtures.write(
            """
            {"user":"u1","personas":["Busy Parents"]}
            {"user":"u2","personas":["Health Enthusiast","Busy Parents"]}
            {"user":"ghost","personas":["Busy Parents"]}
            {"user":"u4","personas":[]}
            { "personas" : ["busy  parents"], "user" : "u3" }
            {"user":"u\\u00e9","personas":["Snack \\"Lover\\""]}
            {"user":"u0","personas":["Unrepresentable"]}
            {"user":"ü","personas":["Health Enthusiast"]}
            {"user":"other","personas":["Nope"]}

            """, to: "l.jsonl", in: dir)
        let userIDs = ["u0", "u1", "u2", "u3", "u4", "u5", "u\u{e9}", "ü"]
        let read = try LabelsFile.read(path: path, personas: personas, lenient: true, chunkSize: chunkSize)
        let forGraph = try LabelsFile.readUserLabels(
            path: path, personas: personas, userIDs: userIDs, lenient: true, chunkSize: chunkSize)
        #expect(forGraph.personas == userIDs.map { read.labels[$0] })
        #expect(forGraph == UserLabels(read, userIDs: userIDs))
        #expect(forGraph[5] == nil && forGraph[4] == [] && forGraph[2] == [1, 0])
        #expect(forGraph[6] == [2] && forGraph[7] == [1])
        #expect(forGraph.usersOutsideGraph == 2 && forGraph.unknownNamesDropped == 1)
    }

    @Test func idsThatRepeatInTheGraphEachGetTheirLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try DatasetFixtures.write(
            """
            {"user":"a","personas":["Busy Parents"]}
            {"user":"b","personas":[]}

            """, to: "l.jsonl", in: dir)
        let labels = try LabelsFile.readUserLabels(path: path, personas: personas, userIDs: ["a", "b", "a", "c"])
        #expect(labels.personas == [[0], [], [0], nil])
        #expect(labels.usersOutsideGraph == 0)
        // A file with a line for each position of such a graph, repeating the id where it does: read by position.
        let byPosition = try DatasetFixtures.write(
            """
            {"user":"a","personas":["Busy Parents"]}
            {"user":"b","personas":[]}
            {"user":"a","personas":["Health Enthusiast"]}

            """, to: "p.jsonl", in: dir)
        let positions = try LabelsFile.readUserLabels(path: byPosition, personas: personas, userIDs: ["a", "b", "a"])
        #expect(positions.personas == [[0], [], [1]])
    }

    @Test func aUserOutsideTheGraphRepeatedIsStillAnError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try DatasetFixtures.write(
            """
            {"user":"ghost","personas":[]}
            {"user":"a","personas":[]}
            {"user":"ghost","personas":["Busy Parents"]}

            """, to: "l.jsonl", in: dir)
        let error = try #require(throws: DatasetError.self) {
            try LabelsFile.readUserLabels(path: path, personas: personas, userIDs: ["a"])
        }
        #expect(error.code == .duplicateUser && error.line == 3 && error.description.contains("ghost"))
    }

    /// A file in the graph's order is matched line by line without hashing the graph's ids: the same labels as
    /// the dictionary read, whether every user has a line, one lacks it, a line is out of order, a user repeats
    /// (an error naming the line) or the file holds a user the graph lacks.
    @Test func aFileInTheGraphsOrderReadsLikeTheDictionaryRead() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let userIDs = (0..<300).map { "u\($0)" }
        let names = personas.names
        func line(_ user: Int) -> String {
            #"{"user":"u\#(user)","personas":["\#(names[user % 2])"]}"#
        }
        let inOrder = (0..<300).map(line)
        var lacking = inOrder
        lacking.remove(at: 17)
        var swapped = inOrder
        swapped.swapAt(40, 41)
        let cases = [inOrder, lacking, swapped, inOrder + [#"{"user":"ghost","personas":[]}"#]]
        for (number, lines) in cases.enumerated() {
            let path = try DatasetFixtures.write(lines.joined(separator: "\n") + "\n", to: "l\(number).jsonl", in: dir)
            let read = try LabelsFile.read(path: path, personas: personas)
            let forGraph = try LabelsFile.readUserLabels(path: path, personas: personas, userIDs: userIDs)
            #expect(forGraph == UserLabels(read, userIDs: userIDs), "case \(number)")
        }
        let repeated = try DatasetFixtures.write((inOrder + [line(5)]).joined(separator: "\n"), to: "r.jsonl", in: dir)
        let error = try #require(throws: DatasetError.self) {
            try LabelsFile.readUserLabels(path: repeated, personas: personas, userIDs: userIDs)
        }
        #expect(error.code == .duplicateUser && error.line == 301 && error.description.contains("u5"))
    }
}
