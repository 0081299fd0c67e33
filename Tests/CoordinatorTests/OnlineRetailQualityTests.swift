import Foundation
import GPLRTestSupport
import Testing

/// The paper's own benchmark (OnlineRetail customers with GPT-4's persona labels, `shared/data/onlineretail` beside
/// the repository; never copied into it): gplr's default method at a 10 % budget must keep the quality measured in
/// docs/benchmarks.md ("Quality on real data"). The floors sit a little under the measured means so that a change
/// of the algorithms that loses quality fails here, while float rounding does not. It runs the built
/// `gplr bench quality` in its own process, off the test's thread pool.
@Suite(
    .enabled(if: OnlineRetail.directory != nil, "OnlineRetail data not found (set GPLR_ONLINERETAIL_DIR)"),
    .timeLimit(.minutes(20)))
struct OnlineRetailQualityTests {
    /// Measured (mean of seeds 0, 1, 2): micro-F1 0.706, macro-F1 0.445; the floors are the goals.
    static let microFloor = 0.70
    static let macroFloor = 0.44

    @Test func tenPercentBudgetBeatsTheAuthorsAndKeepsItsFloor() async throws {
        let directory = try #require(OnlineRetail.directory)
        let result = try await runOffThePool([
            "bench", "quality", "--dataset", directory, "--labels", directory + "/labels.jsonl",
            "--budgets", "10%", "--seeds", "0,1,2", "--sampling", "du", "--solvers", "exact", "--assign", "calibrated",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        // The row of the one cell: "10.0%   du   exact   calibrated   <micro>   <macro>   <coverage>   <seconds>".
        let row = try #require(
            result.stdout.split(separator: "\n").first { $0.hasPrefix("10.0%") && $0.contains("du") },
            "\(result.stdout)")
        let numbers = row.split(separator: " ").compactMap { Double($0) }
        let (micro, macro) = (try #require(numbers.first), try #require(numbers.dropFirst().first))
        #expect(micro >= Self.microFloor, "micro-F1 \(micro)")
        #expect(macro >= Self.macroFloor, "macro-F1 \(macro)")
        // The authors' best at 10 % (their README): 0.652 micro (DU + RevAff ε = 0.01), 0.398 macro (DU + exact).
        #expect(micro > 0.652 && macro > 0.398, "\(micro) / \(macro)")
        // Their figures are printed beside gplr's, read from the dataset's README.
        #expect(result.stdout.contains("| 10 % | 0.652 / 0.393"), "\(result.stdout)")
    }

    /// DU sampling beats uniform sampling, judged seed by seed (the bench's paired comparison: a DU run and a
    /// uniform run with the same seed share their first, uniform, iteration): on macro-F1 at every budget and on
    /// micro-F1 at 10 % and 20 % by more than twice the standard error of the paired difference (seeds 0–2); at 5 %
    /// DU ties on micro-F1 and may not fall behind by more than one standard error over seeds 0–9 (measured
    /// −0.000 ± 0.002; over 20 seeds +0.005 ± 0.003, DU ahead on 11; seeds 0–2 alone put uniform ahead by 0.004).
    /// docs/benchmarks.md, "Quality on real data".
    @Test func duSamplingBeatsUniformAtEveryBudget() async throws {
        let directory = try #require(OnlineRetail.directory)
        for (budgets, seeds) in [("5%", "0-9"), ("10%,20%", "0-2")] {
            let result = try await runOffThePool([
                "bench", "quality", "--dataset", directory, "--labels", directory + "/labels.jsonl",
                "--budgets", budgets, "--seeds", seeds, "--sampling", "du,uniform", "--solvers", "exact",
                "--assign", "calibrated",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            let table = try #require(
                lines.firstIndex { $0.hasPrefix("DU − uniform, paired by seed") }, "\(result.stdout)")
            // "5.0%  exact  calibrated  +0.005 ± 0.003 (11/20)  +0.048 ± 0.003 (20/20)": micro, then macro-F1,
            // each the mean of DU − uniform and its standard error.
            let rows = lines[table...].filter { $0.first?.isNumber == true }
            try #require(rows.count == budgets.split(separator: ",").count, "\(result.stdout)")
            for row in rows {
                let numbers = row.split(separator: " ").compactMap { Double($0) }
                try #require(numbers.count == 4, "\(row)")
                let (micro, microError, macro, macroError) = (numbers[0], numbers[1], numbers[2], numbers[3])
                #expect(macro > 2 * macroError, "macro-F1, DU − uniform: \(row)")
                #expect(
                    micro > (row.hasPrefix("5.0%") ? -microError : 2 * microError), "micro-F1, DU − uniform: \(row)")
            }
        }
    }
}

/// Where the OnlineRetail benchmark lives.
enum OnlineRetail {
    /// `GPLR_ONLINERETAIL_DIR`, else the first `shared/data/onlineretail` beside the repository or above it.
    static let directory: String? = {
        let fileManager = FileManager.default
        if let path = ProcessInfo.processInfo.environment["GPLR_ONLINERETAIL_DIR"] {
            return fileManager.fileExists(atPath: path + "/purchases.csv") ? path : nil
        }
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            folder = folder.deletingLastPathComponent()
            let candidate = folder.appendingPathComponent("shared/data/onlineretail").path
            if fileManager.fileExists(atPath: candidate + "/purchases.csv") { return candidate }
        }
        return nil
    }()
}
