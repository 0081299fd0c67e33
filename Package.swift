// swift-tools-version: 6.2
import PackageDescription

// Supported platform: Linux with glibc (Debian 12 is what CI, Ops/setup.sh and the Dockerfile use). The code
// imports Glibc and reads /proc; nothing is built or tested on macOS, so no Apple platform is declared
// (docs/decisions.md, "Build").
#if !os(Linux)
    #error("gplr builds on Linux (glibc) only: see README, \"Platforms\"")
#endif

// Our targets treat every warning as an error (dependencies are not affected).
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "gplr",
    products: [
        .executable(name: "gplr", targets: ["Coordinator"]),
        .executable(name: "gplr-worker", targets: ["Worker"]),
        .library(name: "Shared", targets: ["Shared"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
    ],
    targets: [
        // Thin system-library layers: only Sources/Shared imports these modules.
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

        .target(
            name: "Shared",
            dependencies: [
                "CZstd", "CHiredis", "CCurl", "CCurlShim",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        // The Prometheus backend of swift-metrics and the `/metrics` + `/healthz` routes: executables only
        // (Shared emits through swift-metrics and never bootstraps it).
        .target(
            name: "Observability",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "Coordinator",
            dependencies: [
                "Shared",
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
            // The dashboard page, compiled into the binary (no resource bundle to install beside it).
            resources: [
                .embedInCode("Dashboard/Page/dashboard.html"), .embedInCode("Dashboard/Page/dashboard.css"),
                .embedInCode("Dashboard/Page/dashboard.js"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "Worker",
            dependencies: [
                "Shared",
                "Observability",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),

        // Starting child processes (posix_spawn with a clean signal mask) and a local redis-server: `gplr demo`,
        // `gplr bench queue` and the test support use it; the library targets never start processes.
        .target(name: "ProcessSupport", swiftSettings: strict),

        // OpenAI-compatible LLM simulator: a test and demo peer (never a production dependency).
        .target(
            name: "LLMSimulator",
            dependencies: [
                "Shared",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),

        // Test helpers (a real redis-server on a free port, temp dirs, running the built binaries).
        .target(
            name: "GPLRTestSupport", dependencies: ["Shared", "ProcessSupport"], path: "Tests/GPLRTestSupport",
            swiftSettings: strict),
        .testTarget(
            name: "SharedTests", dependencies: ["Shared", "GPLRTestSupport", "LLMSimulator"], swiftSettings: strict),
        .testTarget(
            name: "CoordinatorTests", dependencies: ["Coordinator", "Shared", "GPLRTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "WorkerTests", dependencies: ["Worker", "Shared", "GPLRTestSupport"], swiftSettings: strict),
        .testTarget(name: "LLMSimulatorTests", dependencies: ["LLMSimulator", "Shared"], swiftSettings: strict),
    ]
)
