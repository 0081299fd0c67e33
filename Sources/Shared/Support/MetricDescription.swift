/// A metric this program reports through swift-metrics, as `/metrics` describes it: its Prometheus name and the
/// text of its `# HELP` line.
///
/// Each module that emits metrics lists its own (`LLMMetrics.descriptions`, `QueueGauges.descriptions`, …); an
/// executable hands the lists of what it runs to the Prometheus exporter, which gives every series of a listed name
/// its help text. The table in docs/operations.md §7 says the same in prose.
package struct MetricDescription: Sendable, Hashable {
    /// The series name, e.g. `gplr_jobs_started_total`.
    package let name: String
    /// One line: what the series counts or measures.
    package let help: String

    package init(_ name: String, help: String) {
        self.name = name
        self.help = help
    }
}
