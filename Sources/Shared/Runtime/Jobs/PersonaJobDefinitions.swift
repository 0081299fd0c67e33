import Foundation

/// `persona-propose`: step 1 of persona-set generation (Appendix B) for one user sample. Ids: step `<sample>`.
public enum PersonaProposeJobDefinition: JobDefinition {
    public static let kind: JobKind = "persona-propose"
    public static let payloadVersion = PersonaProposeJob.currentVersion

    public static func execute(_ payload: PersonaProposeJob, in context: any JobExecutionContext) async throws
        -> PersonaJobResult
    {
        try await PersonaJobExecutor(clients: context.llm)
            .propose(payload, graph: try await context.graph(snapshot: payload.snapshot))
    }
}

/// `persona-merge`: step 2 (one merge) or step 3 (`final`) of persona-set generation. Ids: step `<group>` or
/// `final`.
public enum PersonaMergeJobDefinition: JobDefinition {
    public static let kind: JobKind = "persona-merge"
    public static let payloadVersion = PersonaMergeJob.currentVersion

    public static func execute(_ payload: PersonaMergeJob, in context: any JobExecutionContext) async throws
        -> PersonaJobResult
    {
        try await PersonaJobExecutor(clients: context.llm).merge(payload)
    }
}

/// `item-label`: a batch of items → their personas. Ids: step `items`.
public enum ItemLabelJobDefinition: JobDefinition {
    public static let kind: JobKind = "item-label"
    public static let payloadVersion = ItemLabelJob.currentVersion

    public static func execute(_ payload: ItemLabelJob, in context: any JobExecutionContext) async throws
        -> ItemLabelJobResult
    {
        try await PersonaJobExecutor(clients: context.llm)
            .labelItems(payload, graph: try await context.graph(snapshot: payload.snapshot))
    }
}
