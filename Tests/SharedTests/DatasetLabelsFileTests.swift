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
    }
}
