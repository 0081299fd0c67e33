import Foundation

/// `label`: a batch of prototype users → their personas (LabelJob → LabelJobResult). Ids: step `t<iteration>`.
public enum LabelJobDefinition: JobDefinition {
    public static let kind: JobKind = "label"
    public static let payloadVersion = LabelJob.currentVersion

    public static func execute(_ payload: LabelJob, in context: any JobExecutionContext) async throws
        -> LabelJobResult
    {
        try await context.llm.execute(payload, graph: try await context.graph(snapshot: payload.snapshot))
    }
}
