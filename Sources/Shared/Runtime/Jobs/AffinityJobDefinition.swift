public import Foundation
import GPLRCore

/// `affinity`: a persona shard → what the iteration's prototypes add to its Ψ_raw columns, with RevAff's residuals
/// (AffinityJob → ``AffinityShardResult``, in the binary ``AffinityShardCodec`` form, not JSON). The iteration's
/// prototypes and the shard's carried residuals are side inputs the payload names.
/// Ids: step `t<iteration>-p<first persona of the shard>`.
public enum AffinityJobDefinition: JobDefinition {
    public static let kind: JobKind = "affinity"
    public static let payloadVersion = AffinityJob.currentVersion

    public static func execute(_ payload: AffinityJob, in context: any JobExecutionContext) async throws
        -> AffinityShardResult
    {
        let prototypes = try await prototypes(payload.prototypesKey, in: context)
        var carried: RevAffResiduals?
        if let key = payload.residualsKey { carried = try await residuals(key, in: context) }
        let residuals = carried
        let graph = try await context.graph(snapshot: payload.snapshot)
        return try await context.runBlocking {
            try AffinityJobExecutor().execute(payload, graph: graph, prototypes: prototypes, residuals: residuals)
        }
    }

    public static func encodeResult(_ output: AffinityShardResult) throws -> Data {
        Data(AffinityShardCodec.encode(output))
    }

    public static func decodeResult(_ data: Data) throws -> AffinityShardResult {
        try data.withUnsafeBytes { try AffinityShardCodec.decodeResult(raw: $0) }
    }

    /// The shard's residuals carried from earlier iterations (stored by the coordinator before the job).
    static func residuals(_ key: String, in context: any JobExecutionContext) async throws -> RevAffResiduals {
        let bytes = try await context.sideInput(key)
        do {
            return try RevAffResiduals(decoding: [UInt8](bytes))
        } catch {
            throw JobExecutionError(
                .prototypes, "residuals under '\(key)' are not valid RevAff residuals", underlying: error)
        }
    }

    /// The iteration's prototypes (a ``PrototypeSet`` as JSON, stored once per iteration by the coordinator).
    static func prototypes(_ key: String, in context: any JobExecutionContext) async throws -> PrototypeSet {
        let bytes = try await context.sideInput(key)
        do {
            return try JSONDecoder().decode(PrototypeSet.self, from: bytes)
        } catch {
            throw JobExecutionError(
                .prototypes, "prototypes under '\(key)' are not a valid prototype set JSON", underlying: error)
        }
    }
}
