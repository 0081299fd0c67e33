import ArgumentParser
import Foundation
import GPLRCore

/// `gplr bench affinity`: exact vs. RevAff at several ε, like the paper's Table 10.
struct BenchAffinityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "affinity",
        abstract: "Time the exact solver and RevAff (wall time, AAE and max error vs. exact, pushes).")

    @OptionGroup var graphOptions: BenchGraphOptions

    @Option(help: "Share of users that are prototypes.")
    var prototypes: Double = 0.1

    @Option(help: "Random-walk length ℓ̂.")
    var walkLength: Int = 1

    @Option(help: "β: ranks the personas for the top-k agreement (Ψ_raw and its errors do not depend on it).")
    var beta: Double = 0.5

    @Option(help: "k of the top-k agreement.")
    var topK: Int = 5

    @Option(help: "ε values for RevAff, comma-separated.")
    var epsilons: String = "0.001,0.02,0.05,0.1"

    @Option(help: "Solver threads (default: all cores).")
    var threads: Int?

    @Option(help: "Repetitions; the best time is reported.")
    var repetitions: Int = 3

    @Option(
        help:
            "Also time a whole run's affinity work, exact and at each ε: the prototypes in T batches, Ψ_raw updated incrementally (RevAff: residuals carried) vs from scratch after each, against one full solve."
    )
    var runIterations: Int?

    func run() throws {
        let epsilonValues = try epsilons.split(separator: ",").map { text in
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                throw ValidationError("bad ε '\(text)'")
            }
            return value
        }
        let scratch = try graphOptions.scratchDirectory()
        defer { if scratch.remove { try? FileManager.default.removeItem(atPath: scratch.path) } }
        var timer = Stopwatch()
        let (graph, truth) = try graphOptions.build(in: scratch.path)
        Console.status(
            "built \(graphOptions.source.rawValue) graph: \(Console.count(graph.userCount)) users, "
                + "\(Console.count(graph.itemCount)) items, \(Console.count(graph.edgeCount)) edges in \(Console.seconds(timer.seconds))"
        )

        let labels: PrototypeLabels
        if let truth {
            // Prototypes: a uniform sample labeled with their planted personas.
            var random = SeededGenerator(seed: graphOptions.seed)
            let users = try UniformSampler().sample(
                count: Int(Double(graph.userCount) * prototypes), userCount: graph.userCount,
                excluding: PrototypeLabels(personaCount: graphOptions.personas), using: &random)
            var planted = PrototypeLabels(personaCount: graphOptions.personas)
            for user in users { try planted.setPersonas(truth[user], forUser: user) }
            labels = planted
        } else {
            labels = try AffinityBenchmark.randomLabels(
                userCount: graph.userCount, personaCount: graphOptions.personas, prototypeShare: prototypes,
                seed: graphOptions.seed)
        }
        let matrix = try LabelMatrix(labels: labels, userCount: graph.userCount, beta: beta)
        timer = Stopwatch()
        let progress = ProgressReporter(
            "bench affinity", total: (1 + epsilonValues.count) * max(1, repetitions), unit: .items("solver runs"))
        defer { progress.finish() }
        progress.update(0)
        let rows = try AffinityBenchmark.run(
            graph: graph, labels: matrix, walkLength: walkLength, epsilons: epsilonValues, threadCount: threads,
            repetitions: repetitions, topK: topK, progress: { done, _ in progress.update(done) })
        progress.finish()
        print(
            "affinity: \(Console.count(graph.userCount)) users, \(Console.count(graph.edgeCount)) edges, "
                + "\(graphOptions.personas) personas, \(Console.count(labels.count)) prototypes, ℓ̂ = \(walkLength), "
                + "β = \(beta), threads = \(threads ?? ProcessInfo.processInfo.activeProcessorCount), best of \(repetitions)"
        )
        print(
            "Ψ_raw errors (the paper's ε scale); reached = share of the users exact reaches that this method reaches;")
        print("same top-\(topK) = share of those whose top-\(topK) personas (ranked by c_r·Ψ_raw) equal exact's")
        print(
            "method   ε        time (s)   AAE (e-3)   max error   reached   same top-\(topK)   pushes   "
                + "work (M column updates)")
        for row in rows {
            let epsilonText = row.epsilon.map { String(format: "%-8g", $0) } ?? "-       "
            let method = row.method.padding(toLength: 8, withPad: " ", startingAt: 0)
            print(
                method + " " + epsilonText
                    + String(
                        format: " %8.3f   %9.4f   %9.2e   %6.1f%%   %9.1f%%   ",
                        row.seconds, row.meanAbsoluteError * 1e3, row.maxAbsoluteError, row.reachedShare * 100,
                        row.topKAgreement * 100) + Console.count(row.pushes)
                    + String(format: "   %.1f", Double(row.columnUpdates) / 1e6))
        }
        if let runIterations {
            print(
                "whole run, T = \(runIterations) (interleaved, best of \(repetitions)): seconds, and × one full solve")
            print(
                "method   ε        one solve   incremental          from scratch         max |inc − full|   "
                    + "max |inc − exact|   pushes: one solve / incremental   edges (M): one solve / incremental")
            for solver in [.exact] + epsilonValues.map(AffinitySolver.revAff(epsilon:)) {
                let run = try IncrementalAffinityBenchmark.run(
                    graph: graph, prototypes: labels, walkLength: walkLength, solver: solver,
                    iterations: runIterations, threadCount: threads, repetitions: repetitions)
                let method = solver == .exact ? "exact   " : "revaff  "
                let epsilonText = solver.epsilon.map { String(format: "%-8g", $0) } ?? "-       "
                print(
                    method + " " + epsilonText
                        + String(
                            format: " %9.3f   %7.3f (%5.2f×)     %7.3f (%5.2f×)     %16.1e   %17.1e",
                            run.fullSolveSeconds,
                            run.incrementalSeconds, run.incrementalSeconds / run.fullSolveSeconds,
                            run.fromScratchSeconds, run.fromScratchSeconds / run.fullSolveSeconds, run.maxDifference,
                            run.maxErrorAgainstExact)
                        + (solver == .exact
                            ? ""
                            : "   \(Console.count(run.fullSolvePushes)) / \(Console.count(run.incrementalPushes))"
                                + String(
                                    format: "   %.1f / %.1f", Double(run.fullSolveEdges) / 1e6,
                                    Double(run.incrementalEdges) / 1e6))
                )
            }
        }
        print("peak memory \(Console.count(peakResidentBytes() / (1 << 20))) MiB")
    }
}
