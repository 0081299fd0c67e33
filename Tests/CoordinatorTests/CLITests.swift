import Foundation
import GPLRTestSupport
import Testing

/// The `gplr` binary, run the way a user runs it.
@Suite(.timeLimit(.minutes(5))) struct CLITests {
    /// `--json` on the commands that print a result: one JSON document on standard output, snake_case keys.
    @Test func resultCommandsPrintSnakeCaseJSON() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.file("data"), snapshot = directory.file("g.gplrsnap"), out = directory.file("out")
        let generated = try await BuiltProduct.run(
            "gplr", ["generate", "--out", data, "--users", "300", "--items", "120", "--personas", "4"])
        #expect(generated.status == 0, "\(generated.stderr)")
        func json(_ arguments: [String]) async throws -> [String: Any] {
            let output = try await BuiltProduct.run("gplr", arguments + ["--json"])
            #expect(output.status == 0, "\(arguments): \(output.stderr)")
            let violations = try JSONKeyStyle.violations(
                in: Data(output.stdout.utf8), opaque: ["prototype_distribution", "assigned_counts"])
            #expect(violations == [], "\(arguments): \(output.stdout)")
            return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        }
        let ingested = try await json(["ingest", "--format", "generic", data, "--out", snapshot])
        #expect(ingested["rows_read"] as? Int ?? 0 > 0)
        #expect((ingested["snapshot"] as? [String: Any])?["users"] as? Int == 300)
        let inspected = try await json(["snapshot", "inspect", snapshot])
        #expect((inspected["sections"] as? [Any])?.isEmpty == false && inspected["edges"] as? Int ?? 0 > 0)
        let ran = try await json([
            "run", "--local", "--snapshot", snapshot, "--personas", data + "/personas.json", "--labels",
            data + "/truth.jsonl", "--out", out, "--budget", "10%",
        ])
        #expect((ran["files"] as? [String])?.count == 7)
        let report = ran["report"] as? [String: Any]
        #expect(report?["schema_version"] as? Int == 1 && report?["labeler"] as? String == "labels_file")
        #expect(report?["prototypes"] as? Int == 30)
        let evaluated = try await json([
            "eval", "--predicted", out + "/phi.jsonl", "--truth", data + "/truth.jsonl", "--personas",
            data + "/personas.json", "--exclude", out + "/prototypes.jsonl",
        ])
        #expect(evaluated["micro_f1"] as? Double ?? 0 > 0)
    }

    @Test func generateIngestRunEvalEndToEnd() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.file("data"), snapshot = directory.file("g.gplrsnap"), out = directory.file("out")

        let generated = try await BuiltProduct.run(
            "gplr",
            [
                "generate", "--out", data, "--users", "800", "--items", "300",
                "--personas", "6", "--formats", "generic,online-retail",
            ])
        #expect(generated.status == 0, "\(generated.stderr)")

        let ingested = try await BuiltProduct.run("gplr", ["ingest", "--format", "generic", data, "--out", snapshot])
        #expect(ingested.status == 0, "\(ingested.stderr)")
        #expect(ingested.stdout.contains("800 users"))

        let inspected = try await BuiltProduct.run("gplr", ["snapshot", "inspect", snapshot])
        #expect(inspected.status == 0)
        #expect(inspected.stdout.contains("section user-items"))

        let ran = try await BuiltProduct.run(
            "gplr",
            [
                "run", "--local", "--snapshot", snapshot, "--personas", data + "/personas.json",
                "--labels", data + "/truth.jsonl", "--out", out, "--budget", "10%", "--noise-drop", "0.1",
            ])
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stdout.contains("prototypes labeled: 80"))
        for file in [
            "phi.jsonl", "phi.csv", "phi-long.csv", "prototypes.jsonl", "psi.npy", "psi-index.json", "report.json",
        ] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "missing \(file)")
        }

        let evaluated = try await BuiltProduct.run(
            "gplr",
            [
                "eval", "--predicted", out + "/phi.jsonl", "--truth", data + "/truth.jsonl",
                "--personas", data + "/personas.json", "--exclude", out + "/prototypes.jsonl", "--json",
            ])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let scores = try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Double]
        #expect(scores?["users"] == 720)
        #expect((scores?["micro_f1"] ?? 0) > 0.3)

        // The same dataset in the Online Retail format ingests to the same graph size.
        let retail = try await BuiltProduct.run(
            "gplr",
            [
                "ingest", "--format", "online-retail", data + "/online-retail.csv",
                "--out", directory.file("r.gplrsnap"),
            ])
        #expect(retail.status == 0, "\(retail.stderr)")
        #expect(retail.stdout.contains("800 users"))
    }

    @Test func malformedRowNamesFileAndLineAndSkipCountsIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let csv = directory.file("purchases.csv")
        try "user,item,count\nu1,i1,2\nu2,i1,many\nu2,i2,1\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let failed = try await BuiltProduct.run(
            "gplr", ["ingest", csv, "--out", directory.file("g.gplrsnap"), "--no-item-names"])
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("purchases.csv:3"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("g.gplrsnap")))

        let skipped = try await BuiltProduct.run(
            "gplr", ["ingest", csv, "--out", directory.file("g.gplrsnap"), "--skip-bad-rows", "--no-item-names"])
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(skipped.stdout.contains("1 skipped as bad"))
        #expect(skipped.stdout.contains("2 users"))
    }

    @Test func corruptSnapshotIsRefusedNamingTheSection() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let csv = directory.file("purchases.csv")
        var rows = "user,item,count\n"
        for u in 0..<200 { for i in 0..<5 { rows += "u\(u),i\((u * 7 + i * 13) % 97),1\n" } }
        try rows.write(toFile: csv, atomically: true, encoding: .utf8)
        let snapshot = directory.file("g.gplrsnap")
        #expect(try await BuiltProduct.run("gplr", ["ingest", csv, "--out", snapshot, "--no-item-names"]).status == 0)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: snapshot)))
        bytes[bytes.count - 10] ^= 0xFF  // inside the last section
        try Data(bytes).write(to: URL(fileURLWithPath: snapshot))
        let inspected = try await BuiltProduct.run("gplr", ["snapshot", "inspect", snapshot])
        #expect(inspected.status != 0)
        #expect(inspected.stderr.contains("section \""), "\(inspected.stderr)")
    }

    @Test func runWithoutLocalSaysWhatIsMissing() async throws {
        let result = try await BuiltProduct.run(
            "gplr", ["run", "--snapshot", "x", "--personas", "y", "--labels", "z", "--out", "o"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--local"))
    }

    /// Total labeling failure (here: a labels file that answers for nobody) must not end "done" with exit 0 and an
    /// empty Φ: the run fails, names the cause, and writes no result.
    @Test func aRunWhoseLabelerAnswersForNobodyFailsLoudly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.file("data"), snapshot = directory.file("g.gplrsnap"), out = directory.file("out")
        _ = try await BuiltProduct.run(
            "gplr",
            [
                "generate", "--out", data, "--users", "300", "--items", "120",
                "--personas", "4", "--formats", "generic",
            ])
        _ = try await BuiltProduct.run("gplr", ["ingest", "--format", "generic", data, "--out", snapshot])
        try Data().write(to: URL(fileURLWithPath: directory.file("empty.jsonl")))
        let ran = try await BuiltProduct.run(
            "gplr",
            [
                "run", "--local", "--snapshot", snapshot, "--personas", data + "/personas.json",
                "--labels", directory.file("empty.jsonl"), "--out", out,
            ])
        #expect(ran.status != 0)
        #expect(ran.stderr.contains("labeling failed in iteration 1"), "\(ran.stderr)")
        #expect(ran.stderr.contains("no label for user"), "\(ran.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/phi.jsonl"))
    }

    /// A run that leaves more than 1 % of its inferred users without a reachable prototype says so (here RevAff
    /// with a huge ε drops almost every residual), and the calibrated cut it used is printed.
    @Test func unreachableUsersAreWarnedAbout() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.file("data"), snapshot = directory.file("g.gplrsnap")
        _ = try await BuiltProduct.run(
            "gplr",
            [
                "generate", "--out", data, "--users", "400", "--items", "150",
                "--personas", "4", "--formats", "generic",
            ])
        _ = try await BuiltProduct.run("gplr", ["ingest", "--format", "generic", data, "--out", snapshot])
        let common = [
            "run", "--local", "--snapshot", snapshot, "--personas", data + "/personas.json",
            "--labels", data + "/truth.jsonl", "--budget", "5%",
        ]
        let coarse = try await BuiltProduct.run(
            "gplr", common + ["--out", directory.file("coarse"), "--epsilon", "0.9"])
        #expect(coarse.status == 0, "\(coarse.stderr)")
        #expect(coarse.stderr.contains("have no reachable prototype and got no persona"), "\(coarse.stderr)")
        let exact = try await BuiltProduct.run("gplr", common + ["--out", directory.file("exact")])
        #expect(exact.status == 0, "\(exact.stderr)")
        #expect(!exact.stderr.contains("no reachable prototype"), "\(exact.stderr)")
        #expect(exact.stdout.contains("assignment: calibrated, k(u) = round("), "\(exact.stdout)")
    }

    /// `--solver`: auto (the default) says in the report what it chose and why; exact refuses an ε; revaff runs with
    /// ε = 0.01 unless given one.
    @Test func theSolverChoiceIsInTheReport() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.file("data"), snapshot = directory.file("g.gplrsnap")
        _ = try await BuiltProduct.run(
            "gplr", ["generate", "--out", data, "--users", "300", "--items", "120", "--personas", "4"])
        _ = try await BuiltProduct.run("gplr", ["ingest", "--format", "generic", data, "--out", snapshot])
        let common = [
            "run", "--local", "--snapshot", snapshot, "--personas", data + "/personas.json", "--labels",
            data + "/truth.jsonl", "--budget", "10%",
        ]
        func report(_ out: String) throws -> [String: Any] {
            let text = try Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))
            return try #require(try JSONSerialization.jsonObject(with: text) as? [String: Any])
        }
        let auto = try await BuiltProduct.run("gplr", common + ["--out", directory.file("auto")])
        #expect(auto.status == 0, "\(auto.stderr)")
        #expect(auto.stderr.contains("solver: auto chose exact"), "\(auto.stderr)")
        let autoReport = try report(directory.file("auto"))
        #expect(autoReport["solver"] as? String == "exact (incremental)")
        #expect((autoReport["solver_reason"] as? String)?.hasPrefix("auto chose exact") == true, "\(autoReport)")
        let revAff = try await BuiltProduct.run(
            "gplr", common + ["--out", directory.file("revaff"), "--solver", "revaff"])
        #expect(revAff.status == 0, "\(revAff.stderr)")
        let revAffReport = try report(directory.file("revaff"))
        #expect(revAffReport["solver"] as? String == "revaff ε=0.01 (incremental)", "\(revAffReport)")
        #expect(revAffReport["solver_reason"] == nil)
        let refused = try await BuiltProduct.run(
            "gplr", common + ["--out", directory.file("refused"), "--solver", "exact", "--epsilon", "0.02"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("cannot go with --solver exact"), "\(refused.stderr)")
    }
}
