import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRCore
@testable import GPLRRuntime

/// The result files read by the tools people use on them: `numpy.load` for `psi.npy`, Python's `csv` and `json`
/// modules for the rest (pandas reads CSV with the same rules, and is not installed here). Skipped, saying why,
/// where python3 has no numpy; `OutputReadBackTests` checks every file with Swift readers either way.
@Suite(.timeLimit(.minutes(3))) struct OutputNumpyRoundTripTests {
    static let numpyAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import numpy"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    static let script = #"""
        import csv, json, sys
        import numpy as np
        d = sys.argv[1]
        psi = np.load(d + "/psi.npy")
        index = json.load(open(d + "/psi-index.json", encoding="utf-8"))
        rows = {u: i for i, u in enumerate(index["rows"])}
        cols = {p: j for j, p in enumerate(index["columns"])}
        with open(d + "/phi-long.csv", newline="", encoding="utf-8") as f:
            long = list(csv.DictReader(f))
        with open(d + "/phi.csv", newline="", encoding="utf-8") as f:
            phi = list(csv.DictReader(f))
        with open(d + "/phi.jsonl", encoding="utf-8") as f:
            jsonl = [json.loads(line) for line in f]
        report = json.load(open(d + "/report.json", encoding="utf-8"))
        print(json.dumps({
            "shape": list(psi.shape), "dtype": str(psi.dtype), "fortran": bool(np.isfortran(psi)),
            "psi": psi.ravel().tolist(),
            "long_scores_are_psi": all(float(r["score"]) == psi[rows[r["user"]], cols[r["persona"]]] for r in long),
            "long": [[r["user"], r["persona"], r["rank"], r["source"]] for r in long],
            "phi": [[r["user"], r["personas"], r["source"]] for r in phi],
            "jsonl": [[o["user"], "|".join(o["personas"])] for o in jsonl],
            "schema_version": report["schema_version"],
            "labeler": report["labeler"],
        }))
        """#

    struct Read: Decodable {
        var shape: [Int]
        var dtype: String
        var fortran: Bool
        var psi: [Double]
        var longScoresArePsi: Bool
        var long: [[String]]
        var phi: [[String]]
        var jsonl: [[String]]
        var schemaVersion: Int
        var labeler: String

        enum CodingKeys: String, CodingKey {
            case shape, dtype, fortran, psi, longScoresArePsi = "long_scores_are_psi", long, phi, jsonl
            case schemaVersion = "schema_version", labeler
        }
    }

    @Test(.enabled(if: numpyAvailable, "python3 with numpy is not installed: the Swift readers check the files"))
    func numpyAndPythonReadEveryFileAsTheRun() async throws {
        let data = try PlantedDataset(users: 300, items: 150, personas: 5)
        var parameters = RunParameters()
        parameters.budget = .count(30)
        let outcome = try await data.runner(parameters).run()
        let personas = try PersonaSet(
            data.personas.personas.enumerated().map { index, persona in
                index == 1 ? Persona(name: "Café \"Regulars\", Inc.", description: persona.description) : persona
            })
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let provenance = ReportProvenance(labeler: .labelsFile, model: nil, gplrVersion: "1.0.0", gplrCommit: "c")
        try RunOutputWriter(directory: directory.path, provenance: provenance).write(
            outcome, graph: data.graph, personas: personas)

        let ran = try await BuiltProduct.runExecutable("/usr/bin/env", ["python3", "-c", Self.script, directory.path])
        try #require(ran.status == 0, "\(ran.stderr)")
        let read = try JSONDecoder().decode(Read.self, from: Data(ran.stdout.utf8))
        let users = data.graph.userIDs, names = personas.names
        #expect(read.shape == [users.count, names.count] && read.dtype == "float64" && !read.fortran)
        #expect(read.psi == outcome.affinity.values)
        #expect(read.longScoresArePsi)
        var long: [[String]] = [], phi: [[String]] = []
        for user in 0..<users.count {
            let assigned = outcome.assignment.personas(ofUser: user).map { names[$0] }
            let prototype = outcome.prototypes.isPrototype(user)
            for (rank, name) in assigned.enumerated() {
                long.append([users[user], name, "\(rank + 1)", prototype ? "prototype" : "inferred"])
            }
            let unreachable = outcome.assignment.unreachableUsers.contains(user)
            phi.append([
                users[user], assigned.joined(separator: "|"),
                prototype ? "prototype" : unreachable ? "unreachable" : "inferred",
            ])
        }
        #expect(read.long == long)
        #expect(read.phi == phi)
        #expect(read.jsonl == phi.map { [$0[0], $0[1]] })
        #expect(read.schemaVersion == 1 && read.labeler == "labels_file")
    }
}
