// swift-tools-version: 6.2
import PackageDescription

// Supported platform: Linux with glibc (Debian 12 is what CI, Ops/setup.sh and the Dockerfile use). The code
// imports Glibc and reads /proc; nothing is built or tested on macOS, so no Apple platform is declared
// (docs/decisions.md, "Build").
#if !os(Linux)
    #error("gplr builds on Linux (glibc) only: see README, \"Platforms\"")
#endif

/// Every target of ours: imports are internal unless marked, existentials are spelled `any`, and every warning is
/// an error (dependencies are not affected).
let ourSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
    .treatAllWarnings(as: .error),
]

/// The pure core (graph, snapshot, ingest, generate, the solvers) is optimized in debug builds too: the tests run
/// the built binaries over real graphs, and its kernels unoptimized cost a quarter of the test suite's CPU
/// (docs/decisions.md, "Build"). `-O`, not `-Ounchecked`: bounds and overflow checks stay on. To step through the
/// core in a debugger, build with `GPLR_CORE_ONONE=1`.
let coreDebugSettings: [SwiftSetting] =
    Context.environment["GPLR_CORE_ONONE"] == "1" ? [] : [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "gplr",
    products: [
        .executable(name: "gplr", targets: ["Coordinator"]),
        .executable(name: "gplr-worker", targets: ["Worker"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        // 2.4.1: the MetricNameDescriptor API through which Observability gives every series its help text.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Benchmarks as code (`swift package benchmark`, Benchmarks/): never part of the binaries or the tests.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Thin system-library layers: only GPLRZstd, GPLRRedis and GPLRHTTP import these modules.
        .systemLibrary(
            name: "CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),
        // hiredis's .pc adds -D_FILE_OFFSET_BITS=64, which SwiftPM rejects with a warning on every build; the
        // headers live in the default include path (<hiredis/hiredis.h>), so pkg-config is not needed here.
        .systemLibrary(
            name: "CHiredis",
            providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        // Non-variadic C wrappers around curl's variadic setopt/getinfo (Swift cannot call C varargs).
        .target(name: "CCurlShim", dependencies: ["CCurl"], cSettings: [.treatAllWarnings(as: .error)]),
        // The compiler's prefetch hint, which Swift cannot spell, for the solvers' gathers (GPLRCore only).
        .target(name: "CPrefetch", cSettings: [.treatAllWarnings(as: .error)]),

        // Layers of the library code (docs/architecture.md): each imports only the ones below it, SwiftPM
        // enforces the direction. Only the wrappers import the C modules.
        .target(name: "GPLRSupport", path: "Sources/Shared/Support", swiftSettings: ourSettings),
        // The version and the git commit of the build (`--version`, `gplr_build_info`, report.json): the commit is
        // generated at build time by the plugin. Only the executables (and tests) depend on it, so a new commit
        // recompiles this one file and relinks.
        .target(
            name: "GPLRBuildInfo", path: "Sources/BuildInfo", swiftSettings: ourSettings,
            plugins: ["BuildInfoPlugin"]),
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        .target(
            name: "GPLRZstd", dependencies: ["CZstd", "GPLRSupport"], path: "Sources/Shared/Compression",
            swiftSettings: ourSettings),
        .target(
            name: "GPLRRedis",
            dependencies: ["CHiredis", "GPLRSupport", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Shared/Redis", swiftSettings: ourSettings),
        .target(
            name: "GPLRHTTP", dependencies: ["CCurl", "CCurlShim", "GPLRSupport"], path: "Sources/Shared/HTTP",
            swiftSettings: ourSettings),
        // Pure: graph, snapshot, ingest, the algorithms, output files. No Redis, HTTP, logging or metrics.
        .target(
            name: "GPLRCore",
            dependencies: [
                "GPLRSupport", "GPLRZstd", "CPrefetch", .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/Shared/Core",
            // The synthetic data's persona archetypes, compiled into the binary (no resource bundle to install).
            resources: [.embedInCode("Synthetic/persona-archetypes.json")],
            swiftSettings: ourSettings + coreDebugSettings),
        // What calls an LLM: the chat client, labelers, persona-set generation, item labeling.
        .target(
            name: "GPLRLLM",
            dependencies: [
                "GPLRSupport", "GPLRCore", "GPLRHTTP", "GPLRRedis",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            path: "Sources/Shared/LLM", swiftSettings: ourSettings),
        // The job queue, job payloads and executors, snapshot distribution, the run loop and its Redis records.
        .target(
            name: "GPLRRuntime",
            dependencies: [
                "GPLRSupport", "GPLRCore", "GPLRRedis", "GPLRLLM",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            path: "Sources/Shared/Runtime", swiftSettings: ourSettings),
        // The Prometheus backend of swift-metrics and the `/metrics` + `/healthz` routes: executables only
        // (the libraries emit through swift-metrics and never bootstrap it).
        .target(
            name: "Observability",
            dependencies: [
                "GPLRSupport",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: ourSettings),
        .executableTarget(
            name: "Coordinator",
            dependencies: [
                "GPLRSupport", "GPLRRedis", "GPLRCore", "GPLRLLM", "GPLRRuntime", "GPLRBuildInfo",
                "Observability",
                "LLMSimulator",
                "ProcessSupport",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The dashboard page and the price table, compiled into the binary (no resource bundle to install).
            resources: [
                .embedInCode("Dashboard/Page/dashboard.html"), .embedInCode("Dashboard/Page/dashboard.css"),
                .embedInCode("Dashboard/Page/dashboard.js"), .embedInCode("Dashboard/Page/charts.js"),
                .embedInCode("Dashboard/Page/jobs.js"),
                // The dated LLM price table (docs/configuration.md, "Prices and the spending cap").
                .embedInCode("Pricing/llm-prices.json"),
            ],
            swiftSettings: ourSettings),
        .executableTarget(
            name: "Worker",
            dependencies: [
                "GPLRSupport", "GPLRRedis", "GPLRCore", "GPLRLLM", "GPLRRuntime", "GPLRBuildInfo",
                "Observability",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: ourSettings),

        // Benchmarks (`swift package benchmark --target KernelBenchmarks`, thresholds in Benchmarks/Thresholds): the
        // exact solver against the same algorithm in plain C.
        .target(name: "CExactKernel", path: "Benchmarks/CExactKernel", cSettings: [.unsafeFlags(["-O3"])]),
        .executableTarget(
            name: "KernelBenchmarks",
            dependencies: [
                "BenchmarkFixtures", "GPLRCore", "CExactKernel", .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/KernelBenchmarks", swiftSettings: ourSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // `gplr bench queue`, snapshot encode/decode and ingest as benchmarks (docs/benchmarks.md, "Benchmarks as
        // code: queue, snapshot, ingest"); the fixtures are theirs: a scratch directory, the generated dataset, the
        // tolerances of the checked-in thresholds.
        .target(
            name: "BenchmarkFixtures",
            dependencies: ["GPLRCore", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/BenchmarkFixtures", swiftSettings: ourSettings),
        .executableTarget(
            name: "QueueBenchmarks",
            dependencies: [
                "BenchmarkFixtures", "GPLRRedis", "GPLRRuntime", "ProcessSupport",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/QueueBenchmarks", swiftSettings: ourSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "SnapshotBenchmarks",
            dependencies: ["BenchmarkFixtures", "GPLRCore", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/SnapshotBenchmarks", swiftSettings: ourSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "IngestBenchmarks",
            dependencies: ["BenchmarkFixtures", "GPLRCore", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/IngestBenchmarks", swiftSettings: ourSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),

        // Starting child processes (posix_spawn with a clean signal mask) and a local redis-server: `gplr demo`,
        // `gplr bench queue` and the test support use it; the library targets never start processes.
        .target(name: "ProcessSupport", dependencies: ["GPLRSupport"], swiftSettings: ourSettings),

        // OpenAI-compatible LLM simulator: a test and demo peer (never a production dependency).
        .target(
            name: "LLMSimulator",
            dependencies: [
                "GPLRSupport", "GPLRCore", "GPLRLLM",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: ourSettings),

        // Test helpers (a real redis-server on a free port, temp dirs, running the built binaries).
        .target(
            name: "GPLRTestSupport",
            dependencies: [
                "GPLRSupport", "GPLRRedis", "GPLRHTTP", "GPLRCore", "GPLRRuntime", "GPLRBuildInfo", "ProcessSupport",
            ],
            path: "Tests/GPLRTestSupport", swiftSettings: ourSettings),
        .testTarget(
            name: "SharedTests",
            dependencies: [
                "GPLRSupport", "GPLRZstd", "GPLRRedis", "GPLRHTTP", "GPLRCore", "GPLRLLM", "GPLRRuntime",
                "GPLRTestSupport", "LLMSimulator", "ProcessSupport",
            ],
            swiftSettings: ourSettings),
        .testTarget(
            name: "CoordinatorTests",
            dependencies: [
                "Coordinator", "GPLRSupport", "GPLRRedis", "GPLRHTTP", "GPLRCore", "GPLRLLM", "GPLRRuntime",
                "GPLRBuildInfo", "GPLRTestSupport",
            ],
            swiftSettings: ourSettings),
        .testTarget(
            name: "WorkerTests",
            dependencies: [
                "Worker", "GPLRRedis", "GPLRHTTP", "GPLRCore", "GPLRLLM", "GPLRRuntime", "GPLRBuildInfo",
                "GPLRTestSupport",
                // The in-process worker tests run `WorkerService` under a `ServiceGroup`, as the binary does.
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: ourSettings),
        .testTarget(
            name: "LLMSimulatorTests", dependencies: ["LLMSimulator", "GPLRSupport", "GPLRHTTP", "GPLRLLM"],
            swiftSettings: ourSettings),
    ]
)
