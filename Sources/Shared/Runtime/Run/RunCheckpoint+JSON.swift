import Foundation

extension RunCheckpoint {
    /// The checkpoint as ``RunRecord/json(_:)`` writes it (sorted keys, no whitespace), byte for byte, with its
    /// large arrays written by hand: the prototypes' users, their persona lists and the iteration of each.
    ///
    /// The coordinator stores a checkpoint after every iteration, and it grows with the prototypes: at 1M users
    /// (100,000 prototypes by the last iteration) `JSONEncoder` spent 2.4 s of the coordinator's CPU on them in one
    /// distributed run, most of it the fixed cost per persona list (CPU more than wall time: the run's other work
    /// overlapped it). Only the report (small, and the one part
    /// whose shape changes as fields are added) still goes through `JSONEncoder`. `RunCheckpointJSONTests` checks
    /// that the bytes equal `JSONEncoder`'s, so a checkpoint reads back with the same `Decodable` conformance.
    func recordJSON() throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(prototypes.users.count * 24 + 4096)
        out.append(contentsOf: #"{"completedIterations":"#.utf8)
        out.appendJSON(completedIterations)
        out.append(contentsOf: #","failedUsers":"#.utf8)
        out.appendJSON(failedUsers)
        if let prototypeIterations {
            out.append(contentsOf: #","prototypeIterations":"#.utf8)
            out.appendJSON(prototypeIterations)
        }
        out.append(contentsOf: #","prototypes":{"personaCount":"#.utf8)
        out.appendJSON(prototypes.personaCount)
        out.append(contentsOf: #","personas":["#.utf8)
        for (index, personas) in prototypes.personas.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.appendJSON(personas)
        }
        out.append(contentsOf: #"],"users":"#.utf8)
        out.appendJSON(prototypes.users)
        out.append(contentsOf: #"},"report":"#.utf8)
        out.append(contentsOf: try RunRecord.json(report).utf8)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
