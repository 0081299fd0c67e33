import Foundation

/// DU against uniform sampling, seed by seed: is a difference of the means more than the seeds' noise?
///
/// A DU run and a uniform run with the same seed draw the same first iteration (DU's first iteration is uniform), so
/// their difference is paired: its mean over the seeds, the standard error of that mean, and the seeds where DU came
/// out ahead say whether a gap between two columns of the table is the methods or the draw. (On OnlineRetail at 5 %
/// the three default seeds put uniform ahead on micro-F1 by 0.004, while twenty put DU ahead by 0.005: the paired
/// standard error there is 0.003; docs/benchmarks.md.)
extension QualityGrid {
    /// The difference of two methods' scores over the same seeds.
    struct PairedDifference: Equatable {
        /// Mean of the per-seed differences (first − second).
        var mean: Double
        /// Standard error of that mean (sample standard deviation / √n).
        var standardError: Double
        /// Seeds where the first method scored strictly higher.
        var wins: Int
        var seeds: Int

        /// `nil` unless both lists have the same length ≥ 2 (a standard error needs two differences).
        init?(_ first: [Double], _ second: [Double]) {
            guard first.count == second.count, first.count >= 2 else { return nil }
            let differences = zip(first, second).map { $0 - $1 }
            let n = Double(differences.count)
            let mean = differences.reduce(0, +) / n
            let variance = differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
            self.mean = mean
            standardError = (variance / n).squareRoot()
            wins = differences.count { $0 > 0 }
            seeds = differences.count
        }

        var text: String { String(format: "%+.3f ± %.3f (%d/%d)", mean, standardError, wins, seeds) }
    }

    /// DU − uniform for every budget, solver and assignment run with both samplings, or `nil` when there is no such
    /// pair or fewer than two seeds.
    func pairedComparison(_ results: [Cell: Score]) -> String? {
        guard samplings.contains(.du), samplings.contains(.uniform), seeds.count >= 2 else { return nil }
        var rows: [[String]] = [["budget", "solver", "assign", "micro-F1", "macro-F1"]]
        for cell in cells where cell.sampling == .du {
            var uniformCell = cell
            uniformCell.sampling = .uniform
            guard let du = results[cell], let uniform = results[uniformCell],
                let micro = PairedDifference(du.microBySeed, uniform.microBySeed),
                let macro = PairedDifference(du.macroBySeed, uniform.macroBySeed)
            else { continue }
            rows.append([
                cell.budget.description, cell.solverName, cell.assignment.rawValue, micro.text, macro.text,
            ])
        }
        guard rows.count > 1 else { return nil }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return
            "DU − uniform, paired by seed: mean ± standard error over \(seeds.count) seeds (seeds where DU is ahead):\n"
            + rows.map { row in
                row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                    .joined(separator: "  ")
            }.joined(separator: "\n")
    }
}
