import ArgumentParser
import Foundation
import GPLRCore

/// `gplr eval`: compares a Φ against reference labels on the users that were not prototypes.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score predicted personas against reference labels (micro/macro F1, Jaccard, P@1, coverage).")

    @Option(help: "Predicted labels (JSON Lines, e.g. a run's phi.jsonl).")
    var predicted: String

    @Option(help: "Reference labels (JSON Lines, e.g. truth.jsonl).")
    var truth: String

    @Option(help: "The persona set both files use.")
    var personas: String

    @Option(help: "Users to leave out (JSON Lines, e.g. a run's prototypes.jsonl).")
    var exclude: String?

    @Flag(help: "Print the scores as JSON.")
    var json = false

    func run() throws {
        let personaSet = try PersonaSet(contentsOf: personas)
        let predictedLabels = try LabelsFile.read(path: predicted, personas: personaSet)
        let reference = try LabelsFile.read(path: truth, personas: personaSet)
        let excluded = try exclude.map { Set(try LabelsFile.read(path: $0, personas: personaSet).users) } ?? []

        // Every reference user not excluded is scored; one missing from the prediction counts as predicting nothing.
        let users = reference.users.filter { !excluded.contains($0) }
        let predictedRows = users.map { predictedLabels.labels[$0] ?? [] }
        let referenceRows = users.map { reference.labels[$0] ?? [] }
        let missing = users.filter { predictedLabels.labels[$0] == nil }.count
        let report = try EvaluationReport(
            predicted: predictedRows, reference: referenceRows, users: Array(0..<users.count))
        if json {
            let scores: [String: Double] = [
                "users": Double(report.evaluatedUsers), "micro_precision": report.microPrecision,
                "micro_recall": report.microRecall, "micro_f1": report.microF1, "macro_f1": report.macroF1,
                "mean_jaccard": report.meanJaccard, "precision_at_1": report.precisionAtOne,
                "coverage": report.coverage, "missing_from_prediction": Double(missing),
            ]
            let data = try JSONSerialization.data(withJSONObject: scores, options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: data, as: UTF8.self))
        } else {
            RunSummary.print(
                report,
                title: "evaluation on \(Console.count(users.count)) users"
                    + (exclude == nil ? "" : " (\(Console.count(excluded.count)) excluded)")
                    + (missing > 0 ? ", \(Console.count(missing)) missing from the prediction" : ""))
        }
    }
}
