import Foundation
import GPLRCore
import Testing

@testable import GPLRRuntime

/// The checkpoint the coordinator stores after every iteration is written by hand for speed
/// (``RunCheckpoint/recordJSON()``); it must be the very bytes `JSONEncoder` writes (``RunRecord/json(_:)``), so
/// that a run resumes from it exactly as from an encoded one, whichever wrote it.
@Suite struct RunCheckpointJSONTests {
    static func checkpoint(prototypeIterations: [Int]?, failed: [Int]) throws -> RunCheckpoint {
        var labels = PrototypeLabels(personaCount: 4)
        for (user, personas) in [(3, [0, 2]), (17, []), (42, [3]), (1_000_123, [1, 0, 3])] {
            try labels.setPersonas(personas, forUser: user)
        }
        var parameters = RunParameters()
        parameters.solver = .revAff(epsilon: 0.01)
        var report = RunReport(
            parameters: parameters, snapshotHash: "ab\"c/d", users: 1_000_124, items: 10, edges: 50,
            personas: ["Busy Parents", "Snack \"Lover\"", "Ünïcødé", "Tea/Drinker"])
        report.prototypes = 4
        report.labelBudgetSpent = 5
        report.iterations = [
            RunReport.Iteration(iteration: 1, sampled: 5, labeled: 4, unrepresentable: 1, failed: 1, seconds: 0.125)
        ]
        return RunCheckpoint(
            completedIterations: 2, prototypes: PrototypeSet(labels), failedUsers: failed, report: report,
            prototypeIterations: prototypeIterations)
    }

    @Test(arguments: [nil, [1, 1, 2, 2]] as [[Int]?], [[], [7, 9]])
    func theHandWrittenBytesAreJSONEncodersAndReadBack(prototypeIterations: [Int]?, failed: [Int]) throws {
        let checkpoint = try Self.checkpoint(prototypeIterations: prototypeIterations, failed: failed)
        let written = try checkpoint.recordJSON()
        #expect(written == (try RunRecord.json(checkpoint)))
        #expect(try JSONDecoder().decode(RunCheckpoint.self, from: Data(written.utf8)) == checkpoint)
    }

    @Test func anEmptyCheckpointToo() throws {
        let empty = RunCheckpoint(
            completedIterations: 0, prototypes: PrototypeSet(PrototypeLabels(personaCount: 1)), failedUsers: [],
            report: RunReport(
                parameters: RunParameters(), snapshotHash: "", users: 0, items: 0, edges: 0, personas: ["P"]))
        #expect(try empty.recordJSON() == (try RunRecord.json(empty)))
    }
}
