import Foundation
import GPLRTestSupport
import Testing

@testable import Coordinator
@testable import GPLRCore
@testable import GPLRRedis
@testable import GPLRRuntime

/// The distributed commands as a user runs them (the built `gplr` binary).
@Suite(.timeLimit(.minutes(5))) struct DistributedCommandTests {
    @Test func runRedisBinaryWithAWorkerWritesTheLocalResults() async throws {
        let data = try DistributedDataset(users: 400, items: 200, personas: 5)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let worker = try TestWorker(url: server.url, graph: data.graph)
        let common = [
            "--snapshot", data.snapshotPath, "--personas", data.personasPath, "--budget", "40",
            "--iterations", "3", "--noise-drop", "0.2",
        ]
        let local = try await BuiltProduct.run(
            "gplr",
            [
                "run", "--local", "--labels", data.truthPath,
                "--out", data.directory.file("local"),
            ] + common)
        #expect(local.status == 0, "\(local.stderr)")
        #expect(local.stderr.contains("run: 3 iterations in "), "\(local.stderr)")  // final progress line
        // The labels path is given relative to the working directory; workers get it absolute.
        let depth =
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.pathComponents.count - 1
        let relativeLabels = String(repeating: "../", count: depth) + data.truthPath.dropFirst()
        let ran = try await withWorker(worker) {
            try await runOffThePool(
                [
                    "run", "--redis", server.url, "--run-id", "cli1", "--labels", relativeLabels,
                    "--out", data.directory.file("dist"), "--label-batch-size", "4",
                    "--personas-per-shard", "2", "--affinity-on", "workers", "--poll-milliseconds", "20", "--timeout",
                    "60",
                ]
                    + common)
        }
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stderr.contains("--resume cli1"))
        // Each wait for jobs ends with a progress line (plain: standard error is a pipe); 5 personas, 2 per shard.
        #expect(ran.stderr.contains("iteration 1 · label: "), "\(ran.stderr)")
        #expect(ran.stderr.contains("iteration 3 · affinity: 3 jobs in "), "\(ran.stderr)")
        #expect(!ran.stderr.contains("\r"))
        #expect(ran.stdout.contains("prototypes labeled: 40"), "\(ran.stdout)")
        let phiLocal = try String(contentsOfFile: data.directory.file("local/phi.jsonl"), encoding: .utf8)
        let phiDistributed = try String(contentsOfFile: data.directory.file("dist/phi.jsonl"), encoding: .utf8)
        #expect(phiLocal == phiDistributed)
        // The long table too (same Φ, same Ψ scores), from the distributed coordinator as from --local.
        let longLocal = try String(contentsOfFile: data.directory.file("local/phi-long.csv"), encoding: .utf8)
        let longDistributed = try String(contentsOfFile: data.directory.file("dist/phi-long.csv"), encoding: .utf8)
        #expect(longLocal == longDistributed && longLocal.hasPrefix("user,persona,rank,score,source\n"))
        #expect(longLocal.contains(",prototype\n") && longLocal.contains(",inferred\n"))
        let record = try #require(try await RunRecordStore(client: RedisClient(url: server.url)).load(run: "cli1"))
        #expect(
            record.labeler
                == .labelsFile(
                    path: data.truthPath, dropProbability: 0.2, addProbability: 0,
                    seed: 7, sha256: try FileDigest.sha256(path: data.truthPath)))
        // What status views read: the same record without the checkpoint, which `progress` sums up.
        let store = RunRecordStore(client: try RedisClient(url: server.url))
        let summary = try #require(try await store.loadWithoutCheckpoint(run: "cli1"))
        let checkpoint = try #require(record.checkpoint)
        #expect(summary.checkpoint == nil)
        #expect(summary.progress == RunProgress(checkpoint))
        #expect(summary.progress?.prototypes == 40 && summary.progress?.completedIterations == 3)
        #expect(summary.progress?.prototypeCounts.reduce(0, +) == checkpoint.prototypes.personas.joined().count)
        var withoutCheckpoint = record
        withoutCheckpoint.checkpoint = nil
        #expect(summary == withoutCheckpoint)

        // Every JSON the CLI prints about it has snake_case keys (job kinds and persona names as keys aside).
        for arguments in [["status", "--json", "cli1"], ["runs", "--json"]] {
            let printed = try await BuiltProduct.run("gplr", arguments + ["--redis", server.url])
            #expect(printed.status == 0, "\(printed.stderr)")
            #expect(printed.stdout.contains("cli1"))
            let violations = try JSONKeyStyle.violations(in: Data(printed.stdout.utf8), opaque: ["jobs"])
            #expect(violations == [], "gplr \(arguments.joined(separator: " ")): \(printed.stdout)")
        }

        let retried = try await BuiltProduct.run(
            "gplr", ["retry", "cli1", "--failed", "--json", "--redis", server.url])
        #expect(retried.status == 0, "\(retried.stderr)")
        let retryResult = try JSONSerialization.jsonObject(with: Data(retried.stdout.utf8)) as? [String: Any]
        #expect(retryResult?["run"] as? String == "cli1" && retryResult?["retried"] as? Int == 0, "\(retried.stdout)")
        #expect(retryResult?["not_dead_lettered"] as? [String] == [])

        // A finished run is not resumed; an unknown one is named.
        let again = try await BuiltProduct.run("gplr", ["run", "--redis", server.url, "--resume", "cli1"])
        #expect(again.status != 0)
        #expect(again.stderr.contains("done"), "\(again.stderr)")
        let unknown = try await BuiltProduct.run("gplr", ["run", "--redis", server.url, "--resume", "nope"])
        #expect(unknown.stderr.contains("no such run"), "\(unknown.stderr)")
        let duplicate = try await BuiltProduct.run(
            "gplr",
            [
                "run", "--redis", server.url, "--run-id", "cli1", "--labels",
                data.truthPath, "--out", data.directory.file("x"),
            ] + common)
        #expect(duplicate.status != 0)
        #expect(duplicate.stderr.contains("exists already"), "\(duplicate.stderr)")
        // The --resume advice only once there is a run of this coordinator's to resume.
        #expect(!duplicate.stderr.contains("continue with"), "\(duplicate.stderr)")
    }

    /// `--affinity-on auto` (the default): both solvers run in the coordinator (no affinity job, the same Φ as
    /// `--local`, the report says where and why). RevAff there carries its residuals, as a local run does.
    @Test func autoPlacementSolvesAffinitiesInTheCoordinator() async throws {
        let data = try DistributedDataset(users: 300, items: 150, personas: 4)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let common = [
            "--snapshot", data.snapshotPath, "--personas", data.personasPath, "--budget", "30", "--iterations", "3",
            "--labels", data.truthPath,
        ]
        let local = try await BuiltProduct.run(
            "gplr", ["run", "--local", "--out", data.directory.file("local")] + common)
        #expect(local.status == 0, "\(local.stderr)")
        let exactWorker = try TestWorker(url: server.url, graph: data.graph)
        let exact = try await withWorker(exactWorker) {
            try await runOffThePool(
                ["run", "--redis", server.url, "--run-id", "auto1", "--out", data.directory.file("auto1")]
                    + ["--poll-milliseconds", "20", "--timeout", "60"] + common)
        }
        #expect(exact.status == 0, "\(exact.stderr)")
        #expect(exact.stderr.contains("affinities computed by the coordinator (auto: "), "\(exact.stderr)")
        #expect(!exactWorker.jobs.isEmpty)
        #expect(exactWorker.jobs.allSatisfy { $0.hasPrefix("label-") }, "\(exactWorker.jobs)")
        // Iteration 1 asks 10 users: the preflight's 8 as two jobs (so that two workers warm up at once; the batch
        // size of 100 would make one), then the other 2.
        #expect(exactWorker.jobs.filter { $0.hasPrefix("label-t1-") }.count == 3, "\(exactWorker.jobs)")
        let phiLocal = try String(contentsOfFile: data.directory.file("local/phi.jsonl"), encoding: .utf8)
        let phiAuto = try String(contentsOfFile: data.directory.file("auto1/phi.jsonl"), encoding: .utf8)
        #expect(phiLocal == phiAuto)
        let store = RunRecordStore(client: try RedisClient(url: server.url))
        let record = try #require(try await store.load(run: "auto1"))
        #expect(record.affinityPlacement == .auto)
        #expect(record.report?.affinityPlacement?.hasPrefix("coordinator (auto: ") == true)
        let reportData = try Data(contentsOf: URL(fileURLWithPath: data.directory.file("auto1/report.json")))
        let report = try #require(try JSONSerialization.jsonObject(with: reportData) as? [String: Any])
        #expect((report["affinity_placement"] as? String)?.hasPrefix("coordinator (auto: ") == true, "\(report)")

        let localRevAff = try await BuiltProduct.run(
            "gplr", ["run", "--local", "--epsilon", "0.01", "--out", data.directory.file("local2")] + common)
        #expect(localRevAff.status == 0, "\(localRevAff.stderr)")
        let revAffWorker = try TestWorker(url: server.url, graph: data.graph)
        let revAff = try await withWorker(revAffWorker) {
            try await runOffThePool(
                ["run", "--redis", server.url, "--run-id", "auto2", "--out", data.directory.file("auto2")]
                    + ["--epsilon", "0.01", "--poll-milliseconds", "20", "--timeout", "60"] + common)
        }
        #expect(revAff.status == 0, "\(revAff.stderr)")
        #expect(revAff.stderr.contains("affinities computed by the coordinator (auto: "), "\(revAff.stderr)")
        #expect(revAffWorker.jobs.allSatisfy { $0.hasPrefix("label-") }, "\(revAffWorker.jobs)")
        let phiLocalRevAff = try String(contentsOfFile: data.directory.file("local2/phi.jsonl"), encoding: .utf8)
        let phiRevAff = try String(contentsOfFile: data.directory.file("auto2/phi.jsonl"), encoding: .utf8)
        #expect(phiLocalRevAff == phiRevAff)
        let revAffReport = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: data.directory.file("auto2/report.json"))))
                as? [String: Any])
        #expect(revAffReport["solver"] as? String == "revaff ε=0.01 (incremental)", "\(revAffReport)")

        // On the workers, RevAff's per-persona jobs carry their residuals from one iteration to the next (through
        // side inputs and results): the pushes of the local run, so the same Ψ̂ to the last bit, and the same Φ.
        let jobsWorker = try TestWorker(url: server.url, graph: data.graph)
        let jobs = try await withWorker(jobsWorker) {
            try await runOffThePool(
                ["run", "--redis", server.url, "--run-id", "workers3", "--out", data.directory.file("workers3")]
                    + ["--epsilon", "0.01", "--affinity-on", "workers", "--poll-milliseconds", "20", "--timeout", "60"]
                    + common)
        }
        #expect(jobs.status == 0, "\(jobs.stderr)")
        #expect(jobs.stderr.contains("affinities computed by the workers (--affinity-on workers)"), "\(jobs.stderr)")
        #expect(jobsWorker.jobs.contains { $0.hasPrefix("affinity-") }, "\(jobsWorker.jobs)")
        let jobsReport = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: data.directory.file("workers3/report.json"))))
                as? [String: Any])
        #expect(jobsReport["solver"] as? String == "revaff ε=0.01 (incremental)", "\(jobsReport)")
        // Every iteration's affinity jobs, and from the second on they read the residuals the previous ones left.
        #expect(
            (1...3).allSatisfy { t in jobsWorker.jobs.contains { $0.hasPrefix("affinity-t\(t)-") } },
            "\(jobsWorker.jobs)")
        let phiJobs = try String(contentsOfFile: data.directory.file("workers3/phi.jsonl"), encoding: .utf8)
        #expect(phiJobs == phiLocalRevAff)
        let psiLocal = try Data(contentsOf: URL(fileURLWithPath: data.directory.file("local2/psi.npy")))
        let psiJobs = try Data(contentsOf: URL(fileURLWithPath: data.directory.file("workers3/psi.npy")))
        #expect(psiJobs == psiLocal)
    }

    @Test func invalidCombinationsAreRefused() async throws {
        let resume = try await BuiltProduct.run(
            "gplr",
            [
                "run", "--redis", "redis://127.0.0.1:1", "--resume", "r",
                "--personas", "p.json",
            ])
        #expect(resume.status != 0)
        #expect(resume.stderr.contains("from the run record"), "\(resume.stderr)")
        let both = try await BuiltProduct.run("gplr", ["run", "--local", "--redis", "redis://x", "--snapshot", "s"])
        #expect(both.status != 0)
        #expect(both.stderr.contains("choose --local"), "\(both.stderr)")
        let retry = try await BuiltProduct.run("gplr", ["retry", "r", "--redis", "redis://127.0.0.1:1"])
        #expect(retry.status != 0)
        #expect(retry.stderr.contains("exactly one of"), "\(retry.stderr)")
        let badID = try await BuiltProduct.run(
            "gplr",
            [
                "run", "--redis", "redis://x", "--run-id", "a:b", "--snapshot", "s",
                "--personas", "p", "--labels", "l", "--out", "o",
            ])
        #expect(badID.stderr.contains("--run-id"), "\(badID.stderr)")
    }
}

/// Runs the `gplr` binary on a thread of its own, so waiting for it does not hold a cooperative thread that the
/// in-test worker needs.
func runOffThePool(_ arguments: [String]) async throws -> BuiltProduct.Output {
    try await BuiltProduct.run("gplr", arguments)
}
