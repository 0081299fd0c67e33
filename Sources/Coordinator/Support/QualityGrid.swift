import ArgumentParser
import Foundation
import GPLRCore
import GPLRRuntime

/// The combinations `gplr bench quality` runs, parsed from its comma-separated options, and its summary table.
struct QualityGrid {
    /// One combination of method choices at one budget.
    struct Cell: Hashable {
        var budget: LabelBudget
        var sampling: RunParameters.Sampling
        var solver: AffinitySolver
        var assignment: RunParameters.Assignment

        var solverName: String { solver.epsilon.map { "ε = \($0)" } ?? "exact" }
        /// The column of the summary table: everything but the budget.
        var method: String { "\(sampling == .du ? "DU" : "uniform") + \(solverName) + \(assignment.rawValue)" }
    }

    /// Scores summed over seeds, or their mean; each run's F1 scores are kept, in seed order, for the paired
    /// comparison (``pairedComparison(_:)``).
    struct Score {
        var micro = 0.0, macro = 0.0, coverage = 0.0, seconds = 0.0
        var runs = 0
        var microBySeed: [Double] = [], macroBySeed: [Double] = []

        mutating func add(_ report: EvaluationReport, seconds: Double) {
            micro += report.microF1
            macro += report.macroF1
            coverage += report.coverage
            self.seconds += seconds
            runs += 1
            microBySeed.append(report.microF1)
            macroBySeed.append(report.macroF1)
        }

        var mean: Score {
            let n = Double(max(runs, 1))
            return Score(
                micro: micro / n, macro: macro / n, coverage: coverage / n, seconds: seconds / n, runs: runs,
                microBySeed: microBySeed, macroBySeed: macroBySeed)
        }
    }

    let budgets: [LabelBudget]
    let seeds: [UInt64]
    let samplings: [RunParameters.Sampling]
    let solvers: [AffinitySolver]
    let assignments: [RunParameters.Assignment]

    init(budgets: String, seeds: String, sampling: String, solvers: String, assign: String) throws {
        func list(_ text: String) -> [String] {
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        self.budgets = try list(budgets).map { text in
            guard let budget = LabelBudget(parsing: text) else { throw ValidationError("bad budget '\(text)'") }
            return budget
        }
        self.seeds = try list(seeds).flatMap { text -> [UInt64] in
            if let seed = UInt64(text) { return [seed] }
            let bounds = text.split(separator: "-", omittingEmptySubsequences: false).map { UInt64($0) }
            guard bounds.count == 2, let low = bounds[0], let high = bounds[1], low <= high, high - low < 10_000 else {
                throw ValidationError("bad seed '\(text)' (a number, or a range like 0-19)")
            }
            return Array(low...high)
        }
        self.samplings = try list(sampling).map { text in
            guard let value = RunParameters.Sampling(rawValue: text) else {
                throw ValidationError("bad sampling '\(text)' (du or uniform)")
            }
            return value
        }
        self.solvers = try list(solvers).map { text -> AffinitySolver in
            if text == "exact" { return .exact }
            guard let epsilon = Double(text), epsilon > 0, epsilon < 1 else {
                throw ValidationError("bad solver '\(text)' (exact, or an ε in (0, 1))")
            }
            return .revAff(epsilon: epsilon)
        }
        self.assignments = try list(assign).map { text in
            guard let value = RunParameters.Assignment(rawValue: text) else {
                throw ValidationError("bad assignment '\(text)' (calibrated or top-k)")
            }
            return value
        }
        guard !self.budgets.isEmpty, !self.seeds.isEmpty, !samplings.isEmpty, !self.solvers.isEmpty,
            !assignments.isEmpty
        else {
            throw ValidationError("every list (budgets, seeds, sampling, solvers, assign) needs at least one value")
        }
    }

    /// Every cell, budget-major, in the order of the options.
    var cells: [Cell] {
        budgets.flatMap { budget in
            samplings.flatMap { sampling in
                solvers.flatMap { solver in
                    assignments.map { Cell(budget: budget, sampling: sampling, solver: solver, assignment: $0) }
                }
            }
        }
    }

    var cellCount: Int { budgets.count * samplings.count * solvers.count * assignments.count }

    /// Budgets down, methods across, "micro / macro" in each cell.
    func summary(_ results: [Cell: Score], markdown: Bool) -> String {
        let methods = cells.filter { $0.budget == budgets[0] }
        let header = ["budget"] + methods.map(\.method)
        var rows = [header]
        for budget in budgets {
            var row = [budget.description]
            for method in methods {
                var cell = method
                cell.budget = budget
                row.append(results[cell].map { String(format: "%.3f / %.3f", $0.micro, $0.macro) } ?? "–")
            }
            rows.append(row)
        }
        if markdown {
            var lines = rows.map { "| " + $0.joined(separator: " | ") + " |" }
            lines.insert("|" + String(repeating: "---|", count: header.count), at: 1)
            return "micro-F1 / macro-F1, mean of seeds \(seeds.map(String.init).joined(separator: ", ")):\n"
                + lines.joined(separator: "\n")
        }
        let widths = (0..<header.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return "micro-F1 / macro-F1, mean of seeds \(seeds.map(String.init).joined(separator: ", ")):\n"
            + rows.map { row in
                row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                    .joined(separator: "  ")
            }.joined(separator: "\n")
    }
}
