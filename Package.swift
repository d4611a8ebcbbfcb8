// swift-tools-version:6.1
import PackageDescription

/// Swift 6 language mode everywhere, plus the upcoming features STYLE.md asks for.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Stemma",
    products: [
        .executable(name: "stemma", targets: ["StemmaCLI"]),
        .library(name: "StemmaVerification", targets: ["StemmaVerification"]),
    ],
    // `Serve` builds `stemma posture serve` (the OTLP/HTTP receiver) on SwiftNIO and swift-protobuf. It
    // is on by default; `--disable-default-traits` leaves those packages out (the ThreadSanitizer run in `make test`
    // does, so it does not compile them a second time), and StemmaOTLP and StemmaServe then compile empty.
    traits: [
        .trait(name: "Serve", description: "The OTLP/HTTP receiver `stemma posture serve`."),
        .default(enabledTraits: ["Serve"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        // C system libraries: a module map and one shim header each, nothing else.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // Domain model: findings, reports, errors, JSON. Standard library and Foundation only.
        .target(name: "StemmaCore", swiftSettings: strictSettings),
        // Digests, keys, signatures, X.509 chains, DSSE PAE on OpenSSL.
        .target(name: "StemmaCrypto", dependencies: ["COpenSSL", "StemmaCore"], swiftSettings: strictSettings),
        // Streaming tar entries through libarchive; the one zip reader (zlib); safe-path rules.
        .target(
            name: "StemmaArchive", dependencies: ["CArchive", "CZlib", "StemmaCore"], swiftSettings: strictSettings),
        // Formats Stemma reads and writes: OMS signature bundles, in-toto statements, trust roots (signers.json).
        .target(name: "StemmaFormats", dependencies: ["StemmaCore", "StemmaCrypto"], swiftSettings: strictSettings),
        // The supply-chain graph: identities, nodes and edges, advisories (OSV, PEP 440), propagation, impact.
        .target(name: "StemmaGraph", dependencies: ["StemmaCore"], swiftSettings: strictSettings),
        // Model-file headers read by both the scan and the inventory (GGUF metadata, safetensors framing) and
        // the one bounds-checked byte cursor they use. Standard library only, so both layers can depend on it.
        .target(name: "StemmaModelHeaders", swiftSettings: strictSettings),
        // Readers that turn the metadata people already have into graph fragments.
        .target(
            name: "StemmaInventory",
            dependencies: [
                "StemmaCore", "StemmaGraph", "StemmaFormats", "StemmaArchive", "StemmaModelHeaders",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        // In-toto statements in DSSE envelopes: attest and verify-attestation.
        .target(
            name: "StemmaAttestation",
            dependencies: ["StemmaCore", "StemmaCrypto", "StemmaFormats"],
            swiftSettings: strictSettings
        ),
        // AI-BOM writers (CycloneDX ML-BOM, SPDX 3) from the supply-chain graph.
        .target(
            name: "StemmaBOM",
            dependencies: ["StemmaCore", "StemmaCrypto", "StemmaGraph", "StemmaInventory", "StemmaVerification"],
            swiftSettings: strictSettings
        ),
        // Static scanning of files that run code when loaded: the pickle VM, containers, Keras, TF, ONNX, GGUF.
        .target(
            name: "StemmaScan",
            dependencies: [
                "StemmaCore", "StemmaArchive", "StemmaModelHeaders", "CArchive", "CZlib",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        // The verify and sign pipelines: model sources, parallel hashing, trust roots, renderers.
        .target(
            name: "StemmaVerification",
            dependencies: ["StemmaCore", "StemmaCrypto", "StemmaArchive", "StemmaFormats", "StemmaScan"],
            swiftSettings: strictSettings
        ),
        // Agent posture: identity, effective permissions and tool chains of agents, checked against policies.
        .target(
            name: "StemmaPosture",
            dependencies: [
                "StemmaCore", "StemmaCrypto", "StemmaGraph", "StemmaInventory",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        // The self-contained HTML fleet report: the page writer, the answer graph drawn by Graphviz or a built-in
        // layered layout.
        .target(
            name: "StemmaReport",
            dependencies: ["StemmaCore", "StemmaGraph", "StemmaPosture"],
            swiftSettings: strictSettings
        ),
        // OTLP/protobuf trace export requests (code generated from Sources/StemmaOTLP/proto by
        // scripts/generate-otlp.sh) turned into the spans the posture evaluator reads. Only with the Serve trait.
        .target(
            name: "StemmaOTLP",
            dependencies: [
                "StemmaCore", "StemmaPosture",
                .product(name: "SwiftProtobuf", package: "swift-protobuf", condition: .when(traits: ["Serve"])),
            ],
            exclude: ["proto"],
            swiftSettings: strictSettings
        ),
        // `stemma posture serve`: the OTLP/HTTP receiver on SwiftNIO's HTTP/1.1 server, gzip bodies, the findings
        // writer and the server's lifecycle. Only with the Serve trait.
        .target(
            name: "StemmaServe",
            dependencies: [
                "StemmaCore", "StemmaPosture", "StemmaOTLP", "StemmaArchive",
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Serve"])),
                .product(name: "NIOPosix", package: "swift-nio", condition: .when(traits: ["Serve"])),
                .product(name: "NIOHTTP1", package: "swift-nio", condition: .when(traits: ["Serve"])),
            ],
            swiftSettings: strictSettings
        ),
        // The thin command-line front end.
        .executableTarget(
            name: "StemmaCLI",
            dependencies: [
                "StemmaVerification",
                "StemmaInventory",
                "StemmaGraph",
                "StemmaAttestation",
                "StemmaBOM",
                "StemmaScan",
                "StemmaPosture",
                "StemmaReport",
                "StemmaFormats",
                "StemmaCrypto",
                "StemmaArchive",
                "StemmaCore",
                .target(name: "StemmaServe", condition: .when(traits: ["Serve"])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // Shared test helpers: temporary folders, key generation, running the built binary.
        .target(
            name: "StemmaTestSupport",
            dependencies: ["StemmaCore", "StemmaCrypto"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StemmaCoreTests",
            dependencies: ["StemmaCore", "StemmaTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StemmaCryptoTests",
            dependencies: ["StemmaCrypto", "StemmaCore", "StemmaTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StemmaArchiveTests",
            dependencies: ["StemmaArchive", "StemmaCore", "StemmaTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StemmaVerificationTests",
            dependencies: [
                "StemmaVerification", "StemmaFormats", "StemmaCrypto", "StemmaCore", "StemmaTestSupport",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StemmaGraphTests",
            dependencies: ["StemmaGraph", "StemmaCore", "StemmaTestSupport"],
            exclude: ["Fixtures", "make_pep440_vectors.py"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StemmaInventoryTests",
            dependencies: [
                "StemmaInventory", "StemmaModelHeaders", "StemmaGraph", "StemmaCore", "StemmaTestSupport",
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StemmaAttestationTests",
            dependencies: ["StemmaAttestation", "StemmaCrypto", "StemmaCore", "StemmaTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StemmaBOMTests",
            dependencies: ["StemmaBOM", "StemmaGraph", "StemmaInventory", "StemmaCore", "StemmaTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StemmaScanTests",
            dependencies: ["StemmaScan", "StemmaArchive", "StemmaCore", "StemmaModelHeaders", "StemmaTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StemmaPostureTests",
            dependencies: ["StemmaPosture", "StemmaGraph", "StemmaCore", "StemmaTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StemmaOTLPTests",
            dependencies: [
                "StemmaPosture", "StemmaCore",
                .target(name: "StemmaOTLP", condition: .when(traits: ["Serve"])),
                .product(name: "SwiftProtobuf", package: "swift-protobuf", condition: .when(traits: ["Serve"])),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StemmaReportTests",
            dependencies: ["StemmaReport", "StemmaGraph", "StemmaCore", "StemmaTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StemmaEndToEndTests",
            dependencies: ["StemmaCore", "StemmaFormats", "StemmaTestSupport"],
            swiftSettings: strictSettings
        ),
    ]
)

// `make test-tsan` sets STEMMA_TEST_TARGETS to the test targets whose suites it runs under ThreadSanitizer (comma
// separated): its second build of everything then compiles only those, not the seven it never runs (about half
// of the test code). Unset, every test target is built.
if let only = Context.environment["STEMMA_TEST_TARGETS"], !only.isEmpty {
    let wanted = Set(only.split(separator: ",").map(String.init))
    let testTargets = Set(package.targets.filter { $0.type == .test }.map(\.name))
    // A misspelt name would quietly run fewer suites under TSan: refuse it instead.
    precondition(
        wanted.isSubset(of: testTargets), "STEMMA_TEST_TARGETS: no test target \(wanted.subtracting(testTargets))")
    package.targets.removeAll { $0.type == .test && !wanted.contains($0.name) }
}
