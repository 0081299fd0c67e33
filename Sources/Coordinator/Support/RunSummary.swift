import Foundation
import GPLRCore
import GPLRRuntime

/// The human-readable end of a run: the persona summary and, when reference labels are known, the accuracy on
/// the users that were not prototypes.
enum RunSummary {
    /// One line on standard output, written at once (not through stdio's buffer): a reader that went away makes
    /// the write fail, which stops the command (``StandardStreams``) instead of losing the summary silently.
    private static func line(_ text: String) { StandardStreams.writeOutput(text + "\n") }

    static func print(_ result: LocalRun.Result) {
        let report = result.outcome.report
        let users = result.graph.userCount
        line(
            "GPLR on \(Console.count(users)) users, \(Console.count(result.graph.itemCount)) items, "
                + "\(Console.count(result.graph.edgeCount)) purchases; \(result.personas.count) personas")
        line(
            "  prototypes labeled: \(Console.count(report.prototypes)) "
                + "(budget spent \(Console.count(report.labelBudgetSpent)) of τ = \(report.parameters.budget)), "
                + "unreachable users: \(Console.count(report.unreachableUsers))")
        if let cut = report.calibratedCut {
            line(
                String(
                    format:
                        "  assignment: calibrated, k(u) = round(%.2f + %.2f·ln d(u) %+.1f), 1 … %d (micro-F1 %.3f on %@ "
                        + "prototypes, leave-one-out)", cut.intercept, cut.slope, cut.shift, cut.maximum,
                    cut.calibrationMicroF1, Console.count(cut.calibrationUsers)))
        }
        if let warning = unreachableWarning(report) { Console.status(warning) }
        for text in llmLines(report.labelerCounters) { line(text) }
        line(
            "  time: total \(Console.seconds(report.timings.total)) — affinity "
                + "\(Console.seconds(report.timings.affinity)), sampling \(Console.seconds(report.timings.sampling)), "
                + "labeling \(Console.seconds(report.timings.labeling))")
        line("")
        line("  persona                               users   share")
        let ranked = report.assignedCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        for (name, count) in ranked {
            let padded = name.padding(toLength: 34, withPad: " ", startingAt: 0)
            let countText = Console.count(count)
            line(
                "  \(padded) \(String(repeating: " ", count: max(0, 8 - countText.count)))\(countText)   "
                    + Console.percent(Double(count) / Double(max(1, users))))
        }
    }

    /// The LLM labeler's requests, tokens and cost, and whether the server refused structured outputs; nothing
    /// when the labels came from a file.
    static func llmLines(_ counters: [String: Int]) -> [String] {
        guard let requests = counters["llm.requests"] else { return [] }
        var lines = [
            "  llm: \(Console.count(requests)) requests, \(Console.count(counters["llm.prompt-tokens"] ?? 0)) prompt + "
                + "\(Console.count(counters["llm.completion-tokens"] ?? 0)) completion tokens, "
                + String(format: "$%.4f", Double(counters["llm.cost-micros"] ?? 0) / 1e6) + ", "
                + "\(Console.count(counters["llm.parse-failures"] ?? 0)) parse failures"
        ]
        if let batches = counters["llm.batches"] {
            let count = { (name: String) in Console.count(counters["llm.batch-" + name] ?? 0) }
            lines[0] += " (batch prices)"
            lines.append(
                "  llm batch API: \(Console.count(batches)) batches of \(count("lines")) requests, \(count("expired")) "
                    + "expired, \(count("failed")) failed, \(count("failed-requests")) failed requests; "
                    + "\(count("resubmitted-users")) users re-submitted")
        }
        if let refusals = counters["llm.schema-refusals"] {
            lines.append(
                "  llm: the server refused structured outputs (json_schema, \(Console.count(refusals)) refused); "
                    + "answers were asked for in JSON mode instead")
        }
        return lines
    }

    /// A warning when more than 1 % of the inferred users have no reachable prototype (they get no persona).
    static func unreachableWarning(_ report: RunReport) -> String? {
        let inferred = max(1, report.users - report.prototypes)
        let share = Double(report.unreachableUsers) / Double(inferred)
        guard share > 0.01 else { return nil }
        return "warning: \(Console.count(report.unreachableUsers)) users (\(Console.percent(share)) of the inferred) "
            + "have no reachable prototype and got no persona; a larger budget, a longer walk (--walk-length) or the "
            + "exact solver (no --epsilon, or a smaller one) reaches more"
    }

    /// Accuracy of Φ against `reference` on the non-prototype users that have a reference label.
    static func evaluate(_ result: LocalRun.Result) throws -> EvaluationReport {
        let graph = result.graph
        var reference = [[Int]](repeating: [], count: graph.userCount)
        var evaluated: [Int] = []
        let isPrototype = result.outcome.prototypes.prototypeMask(userCount: graph.userCount)
        for user in 0..<graph.userCount where !isPrototype[user] {
            guard let truth = result.labels[user] else { continue }
            reference[user] = truth
            evaluated.append(user)
        }
        return try EvaluationReport(predicted: result.outcome.assignment.rows, reference: reference, users: evaluated)
    }

    /// How `gplr quickstart` and `gplr demo` end: a blank line, the persona summary of `result`, a blank line, its
    /// accuracy against the planted truth (``evaluate(_:)``) titled with `noise` (the labeler noise simulated), a
    /// blank line.
    static func printWithPlantedTruth(_ result: LocalRun.Result, noise: String) throws {
        Swift.print("")
        print(result)
        Swift.print("")
        print(
            try evaluate(result),
            title: "accuracy vs. the planted truth on the inferred (non-prototype) users, \(noise):")
        Swift.print("")
    }

    static func print(_ evaluation: EvaluationReport, title: String) {
        line(title)
        line(
            String(
                format: "  micro P %.3f  R %.3f  F1 %.3f | macro F1 %.3f | Jaccard %.3f | P@1 %.3f | coverage %.1f%%",
                evaluation.microPrecision, evaluation.microRecall, evaluation.microF1, evaluation.macroF1,
                evaluation.meanJaccard, evaluation.precisionAtOne, evaluation.coverage * 100)
                + " (\(Console.count(evaluation.evaluatedUsers)) users)")
    }
}
