import Foundation

extension RunCheckpoint {
    /// The checkpoint as ``RunRecord/json(_:)`` writes it (sorted keys, no whitespace), byte for byte, with its
    /// large arrays written by hand: the prototypes' users, their persona lists and the iteration of each.
    ///
    /// The coordinator stores a checkpoint after every iteration, and it grows with the prototypes: at 1M users
    /// (100,000 prototypes by the last iteration) `JSONEncoder` spent 2.4 s of CPU on them in one run, on the
    /// run's critical path, most of it the fixed cost per persona list. Only the report (small, and the one part
    /// whose shape changes as fields are added) still goes through `JSONEncoder`. `RunCheckpointJSONTests` checks
    /// that the bytes equal `JSONEncoder`'s, so a checkpoint reads back with the same `Decodable` conformance.
    func recordJSON() throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(prototypes.users.count * 24 + 4096)
        out.append(contentsOf: #"{"completedIterations":"#.utf8)
        Self.append(completedIterations, to: &out)
        out.append(contentsOf: #","failedUsers":"#.utf8)
        Self.append(failedUsers, to: &out)
        if let prototypeIterations {
            out.append(contentsOf: #","prototypeIterations":"#.utf8)
            Self.append(prototypeIterations, to: &out)
        }
        out.append(contentsOf: #","prototypes":{"personaCount":"#.utf8)
        Self.append(prototypes.personaCount, to: &out)
        out.append(contentsOf: #","personas":["#.utf8)
        for (index, personas) in prototypes.personas.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            Self.append(personas, to: &out)
        }
        out.append(contentsOf: #"],"users":"#.utf8)
        Self.append(prototypes.users, to: &out)
        out.append(contentsOf: #"},"report":"#.utf8)
        out.append(contentsOf: try RunRecord.json(report).utf8)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `[a,b,c]`.
    private static func append(_ values: [Int], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            append(value, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `value` as `JSONEncoder` writes an `Int` (its decimal text: a small string, no allocation).
    private static func append(_ value: Int, to out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }
}
