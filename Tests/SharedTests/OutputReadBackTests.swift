import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRCore
@testable import GPLRRuntime

/// Every result file, parsed back the way pandas and numpy would (RFC 4180 CSV, JSON, the `.npy` header and data:
/// readers in GPLRTestSupport written apart from the writers) and compared with the run in memory.
@Suite(.timeLimit(.minutes(5))) struct OutputReadBackTests {
    @Test func everyOutputFileReadsBackAsTheRun() async throws {
        let data = try PlantedDataset(users: 400, items: 200, personas: 6)
        var parameters = RunParameters()
        parameters.budget = .fraction(0.1)
        let outcome = try await data.runner(parameters).run()
        // Names that need CSV quoting (a comma, a quote) and JSON escaping; the run's indices are unchanged.
        let personas = try PersonaSet(
            data.personas.personas.enumerated().map { index, persona in
                index == 0 ? Persona(name: "Café \"Regulars\", Inc.", description: persona.description) : persona
            })
        let names = personas.names
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let provenance = ReportProvenance(
            labeler: .llm, model: "gpt-test", gplrVersion: "1.2.3", gplrCommit: "0123abcd")
        try RunOutputWriter(directory: directory.path, provenance: provenance).write(
            outcome, graph: data.graph, personas: personas)
        let users = data.graph.userIDs
        func isPrototype(_ user: Int) -> Bool { outcome.prototypes.isPrototype(user) }
        let unreachable = Set(outcome.assignment.unreachableUsers)

        // phi.jsonl: one object per user, in user order.
        let jsonl = try String(contentsOfFile: directory.file(RunOutputWriter.phiJSONLFile), encoding: .utf8)
        let objects = jsonl.split(separator: "\n").map {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(objects.count == users.count)
        for (user, object) in objects.enumerated() {
            #expect(object?["user"] as? String == users[user])
            #expect(object?["personas"] as? [String] == outcome.assignment.personas(ofUser: user).map { names[$0] })
        }

        // phi.csv: user, personas joined by "|", source.
        let phi = try #require(CSVTable.parse(try read(directory, RunOutputWriter.phiCSVFile)))
        #expect(phi.first == ["user", "personas", "source"])
        #expect(phi.count == users.count + 1)
        for (user, row) in phi.dropFirst().enumerated() {
            let expected = outcome.assignment.personas(ofUser: user).map { names[$0] }
            let source = isPrototype(user) ? "prototype" : unreachable.contains(user) ? "unreachable" : "inferred"
            #expect(row == [users[user], expected.joined(separator: "|"), source])
            #expect(row[1].isEmpty ? expected.isEmpty : row[1].split(separator: "|").map(String.init) == expected)
        }

        // phi-long.csv: one row per (user, persona) with rank, Ψ score and source.
        let long = try #require(CSVTable.parse(try read(directory, RunOutputWriter.phiLongCSVFile)))
        #expect(long.first == ["user", "persona", "rank", "score", "source"])
        var expectedRows: [[String]] = []
        for user in 0..<users.count {
            for (rank, persona) in outcome.assignment.personas(ofUser: user).enumerated() {
                expectedRows.append([
                    users[user], names[persona], "\(rank + 1)", "\(outcome.affinity[user, persona])",
                    isPrototype(user) ? "prototype" : "inferred",
                ])
            }
        }
        #expect(Array(long.dropFirst()) == expectedRows)
        #expect(long.dropFirst().contains { $0[1] == names[0] }, "the quoted name reads back")
        #expect(Set(long.dropFirst().map { $0[4] }) == ["prototype", "inferred"])
        for row in long.dropFirst() {
            let user = try #require(users.firstIndex(of: row[0]))
            let persona = try #require(names.firstIndex(of: row[1]))
            #expect(Double(row[3]) == outcome.affinity[user, persona], "the score reads back to the same double")
        }
        // Inferred users' ranks follow descending scores.
        for user in 0..<users.count where !isPrototype(user) {
            let scores = outcome.assignment.personas(ofUser: user).map { outcome.affinity[user, $0] }
            #expect(scores == scores.sorted(by: >))
        }

        // prototypes.jsonl: the prototypes with their labels.
        let prototypes = try LabelsFile.read(path: directory.file(RunOutputWriter.prototypesFile), personas: personas)
        #expect(prototypes.users == outcome.prototypes.users.map { users[$0] })

        // psi.npy: numpy's header and the matrix; psi-index.json names its rows and columns.
        let psi = try #require(NPYFile(path: directory.file(RunOutputWriter.psiFile)))
        #expect(psi.descr == "<f8" && !psi.fortranOrder)
        #expect(psi.shape == [users.count, names.count])
        #expect(psi.values == outcome.affinity.values)
        let index = try JSONDecoder().decode(
            RunOutputWriter.PsiIndex.self, from: Data(read(directory, RunOutputWriter.psiIndexFile).utf8))
        #expect(index.rows == users && index.columns == names)

        // report.json: the documented schema, snake_case keys, no Swift enum encoding.
        let reportText = try read(directory, RunOutputWriter.reportFile)
        let report = try JSONDecoder().decode(RunReportDocument.self, from: Data(reportText.utf8))
        #expect(report == RunReportDocument(outcome.report, provenance: provenance))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(reportText.utf8)) as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        #expect(object["gplr"] as? [String: String] == ["version": "1.2.3", "commit": "0123abcd"])
        #expect(object["labeler"] as? String == "llm" && object["model"] as? String == "gpt-test")
        let budget = (object["parameters"] as? [String: Any])?["budget"] as? [String: Any]
        #expect(budget?["kind"] as? String == "fraction" && budget?["value"] as? Double == 0.1)
        #expect(!reportText.contains("\"_0\""))
        let violations = try JSONKeyStyle.violations(
            in: Data(reportText.utf8), opaque: ["prototype_distribution", "assigned_counts"])
        #expect(violations == [], "report.json keys that are not snake_case")
        // Persona-keyed objects keep the names as they are (the run's, from its report).
        let counted = try #require(object["assigned_counts"] as? [String: Int])
        #expect(!counted.isEmpty && Set(counted.keys).isSubset(of: data.personas.names))
    }

    private func read(_ directory: TemporaryDirectory, _ name: String) throws -> String {
        try String(contentsOfFile: directory.file(name), encoding: .utf8)
    }
}
