import Foundation
import GPLRCore
public import GPLRRedis

extension RunRecord {
    /// The record as hash fields (every field; optional ones only when set).
    public func fields() throws -> [(Field, RedisArgument)] {
        var out: [(Field, RedisArgument)] = [
            (.phase, RedisArgument(phase.rawValue)), (.iteration, RedisArgument(iteration)),
            (.completedIterations, RedisArgument(completedIterations)), (.step, RedisArgument(step)),
            (.createdAt, RedisArgument(createdAt)), (.updatedAt, RedisArgument(updatedAt)),
            (.startedAt, RedisArgument(startedAt)), (.snapshot, RedisArgument(snapshotHash)),
            (.users, RedisArgument(users)), (.parameters, RedisArgument(try Self.json(parameters))),
            (.personas, RedisArgument(try Self.json(personas))), (.labeler, RedisArgument(try Self.json(labeler))),
            (.labelBatchSize, RedisArgument(labelBatchSize)), (.personasPerShard, RedisArgument(personasPerShard)),
            (.outputDirectory, RedisArgument(outputDirectory)),
            (.affinityPlacement, RedisArgument(affinityPlacement.rawValue)),
        ]
        if let checkpoint { out.append((.checkpoint, RedisArgument(try Self.json(checkpoint)))) }
        if let progress { out.append((.progress, RedisArgument(try Self.json(progress)))) }
        if let report { out.append((.report, RedisArgument(try Self.json(report)))) }
        if let error { out.append((.error, RedisArgument(error))) }
        return out
    }

    /// Decodes a record from `HGETALL` of its state hash.
    /// - Throws: ``RunRecordError`` naming the run and the first missing or malformed field.
    public init(id: String, fields map: [String: RedisValue]) throws {
        func text(_ field: Field) throws -> String {
            guard let value = map[field.rawValue]?.string else {
                throw RunRecordError(.malformed, "state field '\(field.rawValue)' is missing", run: id)
            }
            return value
        }
        func number(_ field: Field) throws -> Int64 {
            guard let value = Int64(try text(field)) else {
                throw RunRecordError(.malformed, "state field '\(field.rawValue)' is not an integer", run: id)
            }
            return value
        }
        func decoded<T: Decodable>(_ type: T.Type, _ field: Field) throws -> T {
            let data = Data(try text(field).utf8)
            do {
                return try JSONDecoder().decode(T.self, from: data)
            } catch {
                throw RunRecordError(
                    .malformed, "state field '\(field.rawValue)' is not a valid \(T.self)", run: id, underlying: error)
            }
        }
        guard let phase = RunPhase(rawValue: try text(.phase)) else {
            throw RunRecordError(.malformed, "unknown phase '\(try text(.phase))'", run: id)
        }
        self.init(
            id: id, phase: phase, snapshotHash: try text(.snapshot), users: Int(try number(.users)),
            parameters: try decoded(RunParameters.self, .parameters), personas: try decoded([Persona].self, .personas),
            labeler: try decoded(LabelerSpec.self, .labeler), labelBatchSize: Int(try number(.labelBatchSize)),
            personasPerShard: Int(try number(.personasPerShard)), outputDirectory: try text(.outputDirectory),
            now: try number(.createdAt))
        iteration = Int(try number(.iteration))
        completedIterations = Int(try number(.completedIterations))
        step = try text(.step)
        updatedAt = try number(.updatedAt)
        startedAt = (try? number(.startedAt)) ?? createdAt
        if let placement = map[Field.affinityPlacement.rawValue]?.string {
            guard let known = AffinityPlacement(rawValue: placement) else {
                throw RunRecordError(.malformed, "unknown affinity placement '\(placement)'", run: id)
            }
            affinityPlacement = known
        }
        if map[Field.checkpoint.rawValue] != nil { checkpoint = try decoded(RunCheckpoint.self, .checkpoint) }
        if map[Field.progress.rawValue] != nil { progress = try decoded(RunProgress.self, .progress) }
        if map[Field.report.rawValue] != nil { report = try decoded(RunReport.self, .report) }
        error = map[Field.error.rawValue]?.string
    }

    /// JSON with sorted keys (stable bytes for equal values).
    public static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
