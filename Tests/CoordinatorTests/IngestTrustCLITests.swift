import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRCore

/// Issue 10 through the built `gplr`: ingest refuses what would change the data silently, says when it read
/// Latin-1 or has no names, and `gplr run` refuses an empty snapshot or an over-large persona set.
@Suite(.timeLimit(.minutes(5))) struct IngestTrustCLITests {
    @Test func headerOnlyInputMakesNoSnapshot() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "user,item,count\n".write(toFile: directory.file("purchases.csv"), atomically: true, encoding: .utf8)
        try "item,name\n".write(toFile: directory.file("items.csv"), atomically: true, encoding: .utf8)
        let snapshot = directory.file("g.gplrsnap")
        let ingested = try await BuiltProduct.run("gplr", ["ingest", directory.path, "--out", snapshot])
        #expect(ingested.status != 0)
        #expect(ingested.stderr.contains("no purchases"), "\(ingested.stderr)")
        #expect(!FileManager.default.fileExists(atPath: snapshot))
    }

    @Test func runRefusesASnapshotWithoutUsersOrEdges() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let snapshot = directory.file("empty.gplrsnap")
        var empty = GraphBuilder()
        try Snapshot.write(try empty.build(), to: snapshot)
        try PersonaSet([Persona(name: "A", description: "a")]).write(to: directory.file("personas.json"))
        try "".write(toFile: directory.file("labels.jsonl"), atomically: true, encoding: .utf8)
        let ran = try await BuiltProduct.run(
            "gplr",
            [
                "run", "--local", "--snapshot", snapshot, "--personas", directory.file("personas.json"), "--labels",
                directory.file("labels.jsonl"), "--out", directory.file("out"),
            ])
        #expect(ran.status != 0)
        #expect(ran.stderr.contains("0 users and 0 edges"), "\(ran.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("out/phi.jsonl")))
    }

    @Test func runRefusesMorePersonasThanMaxPersonas() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let generated = try await BuiltProduct.run(
            "gplr",
            [
                "generate", "--out", directory.file("data"), "--users", "200", "--items", "100", "--personas", "3",
                "--formats", "generic",
            ])
        #expect(generated.status == 0, "\(generated.stderr)")
        let snapshot = directory.file("g.gplrsnap")
        #expect(try await BuiltProduct.run("gplr", ["ingest", directory.file("data"), "--out", snapshot]).status == 0)
        let arguments = [
            "run", "--local", "--snapshot", snapshot, "--personas", directory.file("data/personas.json"), "--labels",
            directory.file("data/truth.jsonl"), "--out", directory.file("out"), "--budget", "20",
        ]
        let refused = try await BuiltProduct.run("gplr", arguments + ["--max-personas", "2"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("3 personas") && refused.stderr.contains("personas.json"), "\(refused.stderr)")
        let accepted = try await BuiltProduct.run("gplr", arguments + ["--max-personas", "3"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
    }

    @Test func ingestSaysWhatItReadAsLatin1AndWarnsWithoutNames() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let csv = directory.file("purchases.csv")
        try Data(Array("user,item\nu".utf8) + [0xE9] + Array(",i1\nu2,i1\n".utf8)).write(to: URL(fileURLWithPath: csv))
        let snapshot = directory.file("g.gplrsnap")
        let refused = try await BuiltProduct.run("gplr", ["ingest", csv, "--out", snapshot, "--no-item-names"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("purchases.csv:2") && refused.stderr.contains("not valid UTF-8"))
        let unnamed = try await BuiltProduct.run("gplr", ["ingest", csv, "--out", snapshot])
        #expect(unnamed.status != 0 && unnamed.stderr.contains("--no-item-names"), "\(unnamed.stderr)")
        let latin1 = try await BuiltProduct.run(
            "gplr", ["ingest", csv, "--out", snapshot, "--no-item-names", "--invalid-utf8", "latin1"])
        #expect(latin1.status == 0, "\(latin1.stderr)")
        #expect(latin1.stdout.contains("read 1 field as Latin-1"), "\(latin1.stdout)")
        #expect(latin1.stderr.contains("warning: no item names"), "\(latin1.stderr)")
        #expect(try Snapshot.read(from: snapshot).graph.userIDs == ["u\u{E9}", "u2"])
    }
}
