import Testing

@testable import GPLRCore
@testable import GPLRRedis
@testable import GPLRRuntime

/// `--affinity-on`: how each option resolves per solver, and how the run record keeps it (records written
/// before the field existed ran their affinities on the workers, and must go on doing so when resumed).
@Suite(.timeLimit(.minutes(1))) struct AffinityPlacementTests {
    @Test func autoPutsBothSolversInTheCoordinator() {
        #expect(AffinityPlacement.auto.resolved == .coordinator)
        #expect(AffinityPlacement.coordinator.resolved == .coordinator)
        #expect(AffinityPlacement.workers.resolved == .workers)
        for solver in [AffinitySolver.exact, .revAff(epsilon: 0.02)] {
            #expect(AffinityPlacement.auto.summary(for: solver).hasPrefix("coordinator (auto: "))
            #expect(AffinityPlacement.workers.summary(for: solver) == "workers (--affinity-on workers)")
        }
    }

    @Test func theRunRecordKeepsThePlacementAndReadsOldRecordsAsWorkers() throws {
        let record = RunRecord(
            id: "p1", snapshotHash: "abc", users: 3, parameters: RunParameters(),
            personas: [Persona(name: "P", description: "d")],
            labeler: .labelsFile(path: "/l.jsonl", dropProbability: 0, addProbability: 0, seed: 1),
            labelBatchSize: 10, personasPerShard: 5, affinityPlacement: .coordinator, outputDirectory: "/out")
        var fields: [String: RedisValue] = [:]
        for (field, value) in try record.fields() { fields[field.rawValue] = .bytes(value.bytes) }
        #expect(try RunRecord(id: "p1", fields: fields) == record)

        fields[RunRecord.Field.affinityPlacement.rawValue] = nil
        #expect(try RunRecord(id: "p1", fields: fields).affinityPlacement == .workers)

        fields[RunRecord.Field.affinityPlacement.rawValue] = .bytes(Array("elsewhere".utf8))
        #expect(throws: RunRecordError.self) { try RunRecord(id: "p1", fields: fields) }
    }
}
