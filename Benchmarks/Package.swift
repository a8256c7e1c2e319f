// swift-tools-version: 6.1
// Allocation benchmarks of the event pipeline (docs/benchmarks.md, "Allocations per event").
//
// A package of its own so that ordo-one/benchmark (which needs swift-tools-version 6.1 and its
// MallocInterposer trait) stays out of the main package's tools version and dependency graph.
// Run with `make bench-alloc` (or `cd Benchmarks && swift package benchmark`).
import PackageDescription

let package = Package(
    name: "MamoriBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Mamori", path: ".."),
        // Only the MallocInterposer trait: the default RuntimeInterposer trait needs a package
        // this machine does not carry, and malloc counts are all these benchmarks read.
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The synthetic record streams both executables run.
        .target(
            name: "BenchStreams",
            dependencies: [.product(name: "MamoriBenchSupport", package: "Mamori")],
            path: "Sources/BenchStreams"
        ),
        // Fixed per-event work for callgrind instruction counts (`make bench-callgrind`).
        .executableTarget(
            name: "DecodeMatchCount",
            dependencies: ["BenchStreams", .product(name: "MamoriBenchSupport", package: "Mamori")],
            path: "Sources/DecodeMatchCount"
        ),
        .executableTarget(
            name: "PipelineAllocations",
            dependencies: [
                "BenchStreams",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MamoriBenchSupport", package: "Mamori"),
            ],
            path: "Benchmarks/PipelineAllocations",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
