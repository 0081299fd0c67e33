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

    /// DU sampling beats uniform sampling on both figures at 10 % and 20 %; at 5 % it beats it on macro-F1 and ties
    /// on micro-F1 (10 seeds: 0.678 both; seeds 0–2: 0.674 against 0.678), so there it may not fall more than 0.01
    /// behind (docs/benchmarks.md, "Quality on real data").
    @Test func duSamplingBeatsUniformAtEveryBudget() async throws {
        let directory = try #require(OnlineRetail.directory)
        let result = try await runOffThePool([
            "bench", "quality", "--dataset", directory, "--labels", directory + "/labels.jsonl",
            "--budgets", "5%,10%,20%", "--seeds", "0,1,2", "--sampling", "du,uniform", "--solvers", "exact",
            "--assign", "calibrated",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        func scores(_ budget: String, _ sampling: String) throws -> (micro: Double, macro: Double) {
            let row = try #require(
                result.stdout.split(separator: "\n").first {
                    $0.hasPrefix(budget) && $0.split(separator: " ").dropFirst().first.map(String.init) == sampling
                }, "\(budget) \(sampling): \(result.stdout)")
            let numbers = row.split(separator: " ").compactMap { Double($0) }
            return (try #require(numbers.first), try #require(numbers.dropFirst().first))
        }
        for budget in ["5.0%", "10.0%", "20.0%"] {
            let du = try scores(budget, "du"), uniform = try scores(budget, "uniform")
            let microMargin = budget == "5.0%" ? -0.01 : 0
            #expect(
                du.micro > uniform.micro + microMargin && du.macro > uniform.macro,
                "\(budget): DU \(du), uniform \(uniform)")
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
