// swift-tools-version: 6.0
// Stand-alone release benchmark of the MamoriExport hot paths (docs/exports.md, "Cost"):
//   cd bench/export && swift build -c release && .build/release/bench
// Sources/MamoriExport is a symlink to the real module, so this measures the shipped code.
import PackageDescription
let package = Package(
    name: "ExportBench",
    dependencies: [
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    ],
    targets: [
        .target(name: "MamoriExport", dependencies: [
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .executableTarget(name: "bench", dependencies: ["MamoriExport", .product(name: "Metrics", package: "swift-metrics")]),
    ],
    swiftLanguageModes: [.v6]
)
