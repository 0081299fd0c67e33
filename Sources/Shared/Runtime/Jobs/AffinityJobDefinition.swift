public import Foundation
public import GPLRCore

/// `affinity`: a persona shard → its Ψ_raw columns (AffinityJob → an AffinityMatrix shard, in the binary
/// ``AffinityShardCodec`` form, not JSON). The iteration's prototypes are a side input the payload names.
/// Ids: step `t<iteration>-p<first persona of the shard>`.
public enum AffinityJobDefinition: JobDefinition {
    public static let kind: JobKind = "affinity"
    public static let payloadVersion = AffinityJob.currentVersion

    public static func execute(_ payload: AffinityJob, in context: any JobExecutionContext) async throws
        -> AffinityMatrix
    {
        let prototypes = try await prototypes(payload.prototypesKey, in: context)
        let graph = try await context.graph(snapshot: payload.snapshot)
        return try await context.runBlocking {
            try AffinityJobExecutor().execute(payload, graph: graph, prototypes: prototypes)
        }
    }

    public static func encodeResult(_ output: AffinityMatrix) throws -> Data {
        Data(AffinityShardCodec.encode(output))
    }

    public static func decodeResult(_ data: Data) throws -> AffinityMatrix {
        try AffinityShardCodec.decode(Array(data))
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
