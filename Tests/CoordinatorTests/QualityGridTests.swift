import Testing

@testable import Coordinator

/// `gplr bench quality`'s grid: seed ranges, and DU against uniform compared seed by seed.
@Suite(.timeLimit(.minutes(1))) struct QualityGridTests {
    func grid(seeds: String, sampling: String = "du,uniform") throws -> QualityGrid {
        try QualityGrid(budgets: "5%", seeds: seeds, sampling: sampling, solvers: "exact", assign: "calibrated")
    }

    @Test func seedsTakeRangesBesideNumbers() throws {
        #expect(try grid(seeds: "0-3,7").seeds == [0, 1, 2, 3, 7])
        #expect(try grid(seeds: "5-5").seeds == [5])
        for bad in ["3-1", "0-", "-2", "a-b", "0-1-2", "0-99999"] {
            #expect(throws: (any Error).self, "\(bad)") { try grid(seeds: bad) }
        }
    }

    /// Mean and standard error of the per-seed differences, not of the two means: a method that is ahead by the
    /// same small amount on every seed is clearly ahead even when the seeds themselves scatter widely.
    @Test func theDifferenceIsPairedBySeed() throws {
        let first = [0.60, 0.70, 0.80, 0.65]
        let second = [0.59, 0.69, 0.79, 0.66]
        let difference = try #require(QualityGrid.PairedDifference(first, second))
        // Differences +0.01, +0.01, +0.01, −0.01: mean 0.005, sample sd 0.01, se 0.005.
        #expect(abs(difference.mean - 0.005) < 1e-12)
        #expect(abs(difference.standardError - 0.005) < 1e-12)
        #expect(difference.wins == 3 && difference.seeds == 4)
        #expect(difference.text == "+0.005 ± 0.005 (3/4)")
        #expect(QualityGrid.PairedDifference([0.5], [0.4]) == nil, "one seed has no standard error")
        #expect(QualityGrid.PairedDifference([0.5, 0.6], [0.4]) == nil, "seeds must pair up")
    }

    @Test func theComparisonListsEveryCellRunWithBothSamplings() throws {
        let grid = try grid(seeds: "0-2")
        var results: [QualityGrid.Cell: QualityGrid.Score] = [:]
        for cell in grid.cells {
            var score = QualityGrid.Score()
            for seed in 0..<3 {
                // DU scores 0.02 micro above uniform on every seed, and the same macro.
                let micro = 0.6 + Double(seed) * 0.05 + (cell.sampling == .du ? 0.02 : 0)
                score.microBySeed.append(micro)
                score.macroBySeed.append(0.3)
            }
            results[cell] = score
        }
        let text = try #require(grid.pairedComparison(results))
        let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("5.0%") })
        #expect(row.contains("+0.020 ± 0.000 (3/3)") && row.contains("+0.000 ± 0.000 (0/3)"), "\(text)")
        #expect(try self.grid(seeds: "0").pairedComparison(results) == nil, "one seed")
        #expect(try self.grid(seeds: "0-2", sampling: "du").pairedComparison(results) == nil, "no uniform runs")
    }
}
