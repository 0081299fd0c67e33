import GPLRCore
import LLMSimulator

extension LLMSimulator {
    /// A simulator answering from `labels` (by persona name) over `personas`, whose descriptions answer
    /// persona-set prompts: the peer `gplr llm-sim` serves and `gplr demo` runs in process.
    convenience init(
        labels: LabelsFile.Contents, personas: PersonaSet, configuration: LLMSimulatorConfiguration,
        itemTruth: [String: [String]] = [:]
    ) {
        self.init(
            truth: labels.labels.mapValues { $0.map { personas[$0].name } }, personas: personas.names,
            configuration: configuration,
            personaDescriptions: Dictionary(personas.personas.map { ($0.name, $0.description) }) { a, _ in a },
            itemTruth: itemTruth)
    }
}

extension LLMSimulatorLatency {
    /// `--latency-ms` of `gplr llm-sim` and `gplr demo`: log-normal (σ 0.5) with this mean, none at 0.
    static func meanMilliseconds(_ milliseconds: Double) -> Self {
        milliseconds > 0 ? .logNormal(mean: .milliseconds(milliseconds), sigma: 0.5) : .none
    }
}
