// swift-tools-version: 6.0
// Mamori: an eBPF-backed EDR sensor for Linux servers.
// Build through the Makefile (`make build`): it compiles bpf/ and generates the skeleton that
// the CMamoriBPF target embeds before SwiftPM runs.
import PackageDescription

let package = Package(
    name: "Mamori",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mamori", targets: ["mamori"]),
        // The overhead benchmark, shipped beside the daemon under <prefix>/lib/mamori (`mamori bench` execs it).
        .executable(name: "mamori-bench", targets: ["mamori-bench"]),
        // For Benchmarks/ (its own package, ordo-one/benchmark): the pipeline stages and the
        // synthetic record builder, nothing the CLI needs.
        .library(name: "MamoriBenchSupport", targets: [
            "MamoriEvents", "MamoriPipeline", "MamoriProcess", "MamoriDetection", "MamoriStore", "MamoriOutput",
            "MamoriAgent", "MamoriTestSupport",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.2.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // C layer: libbpf, the shared ABI header, the generated skeleton, syscall shims.
        .systemLibrary(name: "CLibbpf", pkgConfig: "libbpf",
                       providers: [.apt(["libbpf-dev", "libelf-dev", "zlib1g-dev"])]),
        .target(name: "CMamoriABI"),
        .target(name: "CMamoriBPF", dependencies: ["CLibbpf", "CMamoriABI"],
                exclude: ["generated"],
                cSettings: [.headerSearchPath("generated")]),
        .target(name: "CMamoriSys"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // Swift layers, lower never importing higher.
        // The system layer on swift-system: descriptors, typed Errno, one socket type, deadlines.
        .target(name: "MamoriSystem", dependencies: [
            .product(name: "SystemPackage", package: "swift-system"),
            .product(name: "Atomics", package: "swift-atomics"),
        ]),
        .target(name: "MamoriEvents", dependencies: ["CMamoriABI"]),
        // Value types of what kernel enforcement enforces (KernelPolicy, the kernel dev_t), shared by
        // the prevention engine that compiles them and the sensor that writes them into BPF maps.
        .target(name: "MamoriPolicy"),
        // Operator text shared by the CLI, configuration, rules and policy files: one duration grammar.
        .target(name: "MamoriText"),
        .target(name: "MamoriPipeline", dependencies: [
            .product(name: "Atomics", package: "swift-atomics"),
        ]),
        .target(name: "MamoriProcess", dependencies: ["MamoriEvents", "MamoriSystem"]),
        .target(name: "MamoriSensor", dependencies: [
            "CLibbpf", "CMamoriBPF", "CMamoriABI", "CMamoriSys", "MamoriEvents", "MamoriPipeline", "MamoriPolicy",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "MamoriOutput", dependencies: ["MamoriEvents", "MamoriProcess", "MamoriText", "MamoriSystem"]),
        .target(name: "MamoriDetection", dependencies: [
            "MamoriEvents", "MamoriProcess", "MamoriText", "MamoriSystem",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "MamoriStore", dependencies: ["CSQLite", "MamoriEvents", "MamoriProcess"]),
        .target(name: "MamoriInvestigation", dependencies: ["MamoriStore", "MamoriEvents", "MamoriText"]),
        .target(name: "MamoriTriage", dependencies: ["MamoriDetection", "MamoriProcess", "MamoriEvents", "MamoriOutput"]),
        // Prevention: levels, policy compilation to kernel maps, responder, guardrails, simulate.
        .target(name: "MamoriPrevention", dependencies: [
            "MamoriPolicy", "MamoriText", "MamoriSystem", "MamoriDetection", "MamoriProcess", "MamoriEvents", "MamoriStore", "CMamoriSys",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Behavioural baselines per unit: profiles, deviations, lockdown proposals (docs/baseline.md).
        .target(name: "MamoriBaseline", dependencies: [
            "MamoriEvents", "MamoriProcess", "MamoriStore", "MamoriDetection", "MamoriOutput", "MamoriText",
        ]),
        // The local control channel (unix socket, JSON lines, peer-credential authorisation).
        .target(name: "MamoriControl", dependencies: ["MamoriText", "MamoriSystem"]),
        // /etc/mamori/config.yaml + drop-ins + -o overrides, validated with file:line:key.
        .target(name: "MamoriConfig", dependencies: [
            "MamoriText", "MamoriSystem",
            .product(name: "Yams", package: "Yams"),
        ]),
        // Exporters: syslog (RFC 5424), OTLP logs, Prometheus metrics, rotating JSON lines.
        .target(name: "MamoriExport", dependencies: [
            "MamoriSystem", "MamoriText",
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .target(name: "MamoriAgent", dependencies: [
            "MamoriSensor", "MamoriPolicy", "MamoriPipeline", "MamoriProcess", "MamoriEvents", "MamoriDetection",
            "MamoriTriage", "MamoriStore", "MamoriOutput", "CMamoriSys",
            "MamoriPrevention", "MamoriControl", "MamoriConfig", "MamoriExport", "MamoriBaseline", "MamoriSystem",
            "MamoriText",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "mamori", dependencies: [
            "MamoriEvents", "MamoriPipeline", "MamoriProcess", "MamoriSensor", "MamoriPolicy", "MamoriOutput",
            "MamoriDetection", "MamoriStore", "MamoriInvestigation", "MamoriTriage", "MamoriAgent",
            "MamoriPrevention", "MamoriControl", "MamoriConfig", "MamoriExport", "MamoriBaseline", "MamoriSystem",
            "MamoriText",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "MamoriTestSupport", dependencies: ["CMamoriABI", "MamoriEvents"]),
        // Overhead and userspace-path benchmarks (docs/benchmarks.md), in their own executable so
        // the daemon links none of it (nor MamoriTestSupport's synthetic records).
        .target(name: "MamoriBench", dependencies: [
            "MamoriAgent", "MamoriSensor", "MamoriProcess", "MamoriEvents", "MamoriDetection", "MamoriTestSupport",
        ]),
        .executableTarget(name: "mamori-bench", dependencies: [
            "MamoriBench", "MamoriSystem",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "MamoriEventsTests", dependencies: ["MamoriEvents", "MamoriTestSupport", "CMamoriABI"]),
        .testTarget(name: "MamoriPipelineTests", dependencies: ["MamoriPipeline"]),
        .testTarget(name: "MamoriProcessTests", dependencies: ["MamoriProcess", "MamoriEvents", "MamoriTestSupport"]),
        .testTarget(name: "MamoriOutputTests", dependencies: ["MamoriOutput", "MamoriEvents", "MamoriProcess", "MamoriTestSupport", "MamoriText"]),
        .testTarget(name: "MamoriDetectionTests", dependencies: ["MamoriDetection", "MamoriEvents", "MamoriProcess", "MamoriTestSupport"]),
        .testTarget(name: "MamoriInvestigationTests", dependencies: ["MamoriInvestigation", "MamoriStore", "MamoriEvents"]),
        .testTarget(name: "MamoriRulePackTests", dependencies: ["MamoriDetection", "MamoriEvents", "MamoriProcess", "MamoriTestSupport"]),
        .testTarget(name: "MamoriTriageTests", dependencies: ["MamoriTriage", "MamoriDetection", "MamoriEvents", "MamoriProcess", "MamoriOutput"]),
        .testTarget(name: "MamoriAgentTests", dependencies: ["MamoriAgent", "MamoriBaseline", "MamoriSensor", "MamoriPolicy", "MamoriControl", "MamoriPrevention", "MamoriTestSupport", "MamoriDetection", "MamoriStore", "MamoriEvents", "MamoriProcess"]),
        .testTarget(name: "MamoriStoreTests", dependencies: ["MamoriStore", "MamoriEvents", "MamoriProcess", "MamoriTestSupport"]),
        .testTarget(name: "MamoriBenchTests", dependencies: ["MamoriBench"]),
        // The shipped CLI as an operator runs it (the test runs .build/<config>/mamori).
        .testTarget(name: "MamoriCLITests", dependencies: ["MamoriTestSupport"]),
        .testTarget(name: "MamoriPreventionTests", dependencies: [
            "MamoriPrevention", "MamoriPolicy", "MamoriText", "MamoriSensor", "MamoriDetection", "MamoriProcess", "MamoriEvents", "MamoriStore", "MamoriTestSupport",
        ]),
        .testTarget(name: "MamoriBaselineTests", dependencies: [
            "MamoriBaseline", "MamoriStore", "MamoriEvents", "MamoriProcess", "MamoriDetection", "MamoriOutput",
            "MamoriPrevention", "MamoriTestSupport",
        ]),
        .testTarget(name: "MamoriControlTests", dependencies: ["MamoriControl", "MamoriSystem", "MamoriTestSupport"]),
        .testTarget(name: "MamoriConfigTests", dependencies: ["MamoriConfig"]),
        .testTarget(name: "MamoriTextTests", dependencies: ["MamoriText"]),
        .testTarget(name: "MamoriSystemTests", dependencies: ["MamoriSystem"]),
        .testTarget(name: "MamoriExportTests", dependencies: ["MamoriExport", "MamoriSystem", "MamoriTestSupport"]),
        .testTarget(name: "MamoriSensorTests", dependencies: [
            "MamoriSensor", "MamoriPolicy", "MamoriEvents", "MamoriPipeline", "MamoriProcess", "MamoriTestSupport", "MamoriSystem",
        ]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets (issue 13), one executable per parser under Fuzz/. They are declared only
// when MAMORI_FUZZ=1 because they link libFuzzer (each `<Target>_main` calls `LLVMFuzzerRunDriver`): `make fuzz` builds them with
// `-sanitize=fuzzer,address` in its own scratch directory and runs each (docs/security.md).
if Context.environment["MAMORI_FUZZ"] == "1" {
    let fuzzTargets: [(String, [Target.Dependency])] = [
        ("FuzzRecordDecoder", ["MamoriEvents", "MamoriTestSupport", "CMamoriABI"]),
        ("FuzzRuleLoader", ["MamoriDetection", "MamoriEvents", "MamoriProcess"]),
        ("FuzzRegex", ["MamoriDetection"]),
        ("FuzzConfigLoader", ["MamoriConfig"]),
        ("FuzzControlProtocol", ["MamoriControl"]),
        ("FuzzMetricsRequest", ["MamoriExport"]),
        ("FuzzStateFiles", ["MamoriPrevention"]),
        ("FuzzDNSMessage", ["MamoriEvents"]),
        ("FuzzSegmentDecoder", ["MamoriStore"]),
    ]
    for (name, dependencies) in fuzzTargets {
        package.targets.append(.executableTarget(
            name: name, dependencies: dependencies + ["FuzzSupport", "CFuzzDriver"], path: "Fuzz/\(name)",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    }
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"))
    package.targets.append(.target(name: "CFuzzDriver", path: "Fuzz/CFuzzDriver"))
}
