import Benchmark
import BenchmarkFixtures
import CExactKernel
import GPLRCore

/// The exact solver against the same algorithm in plain C (`Benchmarks/CExactKernel`), one thread each, their time
/// ratio measured side by side in each iteration, and the solver on two threads, on a random graph of Instacart-Full's size (206,209 users, 49,677 items, 13.3M purchases,
/// 51 personas, 10 % prototypes, ℓ̂ = 1: `gplr bench affinity`'s shape). Run: `swift package benchmark --target KernelBenchmarks`;
/// thresholds in `Benchmarks/Thresholds/` (docs/benchmarks.md, "Benchmarks as code").
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident], warmupIterations: 1, maxDuration: .seconds(10),
        maxIterations: 20,
        thresholds: [.wallClock: BenchmarkTolerance.time, .peakMemoryResident: BenchmarkTolerance.memory])
    let fixture = KernelFixture.shared
    // The peer computes the same Ψ, or the comparison means nothing.
    let swift = try! ExactAffinity(walkLength: 1, threadCount: 1).compute(graph: fixture.graph, labels: fixture.labels)
    let difference = zip(swift.values, fixture.runC()).map { abs($0 - $1) }.max() ?? 0
    precondition(difference < 1e-12, "the C peer differs from the solver by \(difference)")

    Benchmark("ExactWalk1.Swift.1thread") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                try ExactAffinity(walkLength: 1, threadCount: 1).compute(graph: fixture.graph, labels: fixture.labels))
        }
    }

    Benchmark("ExactWalk1.CPeer.1thread") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.runC())
        }
    }

    // The promise itself (within 1.2× of C), independent of how fast the host is today: both run in each iteration,
    // back to back, and the iteration records the solver's time over the peer's.
    let swiftOverC = BenchmarkMetric.custom("Swift ÷ C ×1000", polarity: .prefersSmaller, useScalingFactor: false)
    Benchmark(
        "ExactWalk1.SwiftOverC.1thread",
        configuration: .init(
            metrics: [swiftOverC], warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 20,
            thresholds: [swiftOverC: BenchmarkTolerance.ratio])
    ) { benchmark in
        let clock = ContinuousClock()
        let solver = try clock.measure {
            blackHole(
                try ExactAffinity(walkLength: 1, threadCount: 1).compute(graph: fixture.graph, labels: fixture.labels))
        }
        let peer = clock.measure { blackHole(fixture.runC()) }
        benchmark.measurement(swiftOverC, Int((solver / peer * 1000).rounded()))
    }

    Benchmark("ExactWalk1.Swift.2threads") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                try ExactAffinity(walkLength: 1, threadCount: 2).compute(graph: fixture.graph, labels: fixture.labels))
        }
    }
}

/// The graph, L and the raw arrays the C peer takes, built once.
struct KernelFixture: Sendable {
    static let shared = KernelFixture()

    let graph: PurchaseGraph
    let labels: LabelMatrix
    let userOffsets: [Int]
    let userTargets: [UInt32]
    let itemOffsets: [Int]
    /// L dense, labeled rows × personas.
    let dense: [Double]

    init() {
        let personaCount = 51
        graph = try! RandomGraph(userCount: 206_209, itemCount: 49_677, edgeCount: 13_300_000, seed: 7).build()
        var prototypes = PrototypeLabels(personaCount: personaCount)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for user in stride(from: 0, to: graph.userCount, by: 10) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let first = Int(state >> 33) % personaCount
            try! prototypes.setPersonas(Array(Set([first, (first * 7 + 3) % personaCount])).sorted(), forUser: user)
        }
        labels = try! LabelMatrix(labels: prototypes, userCount: graph.userCount, beta: 0)
        (userOffsets, userTargets) = graph.userItemArrays
        itemOffsets = graph.itemUserOffsets
        var dense = [Double](repeating: 0, count: labels.rowCount * personaCount)
        for index in 0..<labels.rowCount {
            for (persona, value) in labels.row(at: index) { dense[index * personaCount + persona] = value }
        }
        self.dense = dense
    }

    /// Ψ from the C peer (the caller allocates the output, as the Swift solver does).
    func runC() -> [Double] {
        let personas = labels.personaCount
        var out = [Double](unsafeUninitializedCapacity: graph.userCount * personas) { _, count in
            count = graph.userCount * personas
        }
        let users = labels.rowUsers
        let status = userOffsets.withUnsafeBufferPointer { uo in
            userTargets.withUnsafeBufferPointer { ut in
                itemOffsets.withUnsafeBufferPointer { io in
                    users.withUnsafeBufferPointer { lu in
                        dense.withUnsafeBufferPointer { l in
                            out.withUnsafeMutableBufferPointer { o in
                                gplr_exact_walk1(
                                    graph.userCount, graph.itemCount, uo.baseAddress, ut.baseAddress, io.baseAddress,
                                    labels.rowCount, lu.baseAddress, l.baseAddress, personas, o.baseAddress)
                            }
                        }
                    }
                }
            }
        }
        precondition(status == 0, "the C peer ran out of memory")
        return out
    }
}
