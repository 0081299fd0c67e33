public import Foundation

/// `label`: a batch of prototype users → their personas (LabelJob → LabelJobResult). Ids: step `t<iteration>`.
public enum LabelJobDefinition: JobDefinition {
    public static let kind: JobKind = "label"
    public static let payloadVersion = LabelJob.currentVersion

    public static func execute(_ payload: LabelJob, in context: any JobExecutionContext) async throws
        -> LabelJobResult
    {
        switch payload.labeler {
        case .labelsFile:
            // Only the user ids: at 10M users the worker holds a few hundred MB instead of the graph's GBs.
            try await context.llm.execute(payload, userIDs: try await context.userIDs(snapshot: payload.snapshot))
        case .llm:
            try await context.llm.execute(payload, graph: try await context.graph(snapshot: payload.snapshot))
        }
    }

    /// The same bytes as the default (``JobCoding/encode(_:)``), written faster
    /// (``LabelJobResult/encodedCanonical()``).
    public static func encodeResult(_ output: LabelJobResult) throws -> Data { try output.encodedCanonical() }

    /// The canonical fast path (``LabelJobResult/decodeCanonical(_:)``), else `JSONDecoder`.
    public static func decodeResult(_ data: Data) throws -> LabelJobResult {
        if let result = LabelJobResult.decodeCanonical(data) { return result }
        return try JSONDecoder().decode(LabelJobResult.self, from: data)
    }
}
