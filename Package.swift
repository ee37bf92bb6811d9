// swift-tools-version:6.0
import PackageDescription

// Module layout and dependency direction: see docs/architecture.md.
// LAPQMath ← LAPQKernels ← LAPQEngine ← LAPQData ← (LAPQCalibration | LAPQCluster) ← executables.
let package = Package(
    name: "lapq",
    products: [
        .executable(name: "lapq-coord", targets: ["lapq-coord"]),
        .executable(name: "lapq-worker", targets: ["lapq-worker"]),
        .executable(name: "lapq-bench", targets: ["lapq-bench"]),
        // Built with libFuzzer only by Scripts/fuzz-protocol; a plain build replays inputs (docs/protocol.md, "Fuzzing").
        .executable(name: "lapq-fuzz-protocol", targets: ["lapq-fuzz-protocol"]),
        .library(name: "LAPQMath", targets: ["LAPQMath"]),
        .library(name: "LAPQEngine", targets: ["LAPQEngine"]),
        .library(name: "LAPQData", targets: ["LAPQData"]),
        .library(name: "LAPQCalibration", targets: ["LAPQCalibration"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        // UniformQuantizer's encode and fake-quantize loops for AVX2 and AVX-512, chosen at run
        // time: the package builds for baseline x86-64, where Swift's SIMD types are SSE.
        .target(name: "CQuantizeSIMD"),
        .target(
            name: "LAPQMath",
            dependencies: ["CQuantizeSIMD", .product(name: "RealModule", package: "swift-numerics")]
        ),
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .target(name: "LAPQKernels", dependencies: ["LAPQMath", "CDNNL"]),
        .target(
            name: "LAPQEngine",
            dependencies: [
                "LAPQMath",
                "LAPQKernels",
                "CQuantizeSIMD",   // OutputCorrection's AVX-512 and AVX2 loops
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // libsodium comes with libzmq3-dev; lapq uses its SHA-256 (`SHA256Hasher`).
        .systemLibrary(name: "CSodium", providers: [.apt(["libsodium-dev"])]),
        // The data layer both sides share: manifest, shards, .npy, SHA-256, the oracle protocol and
        // the shard-order reduction. The worker links it and the engine, not the driver or the reports.
        .target(name: "LAPQData", dependencies: ["LAPQMath", "LAPQEngine", "CSodium"]),
        .target(name: "LAPQCalibration", dependencies: ["LAPQMath", "LAPQEngine", "LAPQData"]),
        // libzmq's pkg-config file adds -isystem flags SwiftPM refuses; its header and library are on the default paths.
        .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .target(
            name: "LAPQCluster",
            dependencies: ["LAPQMath", "LAPQEngine", "LAPQData", "CZeroMQ"]
        ),
        .executableTarget(
            name: "lapq-coord",
            dependencies: [
                "LAPQMath",
                "LAPQEngine",
                "LAPQData",
                "LAPQCalibration",
                "LAPQCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "lapq-worker",
            dependencies: ["LAPQCluster", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The protocol fuzz target's drivers, invariants and seeds, shared by lapq-fuzz-protocol and LAPQClusterTests.
        .target(name: "LAPQClusterFuzzing", dependencies: ["LAPQMath", "LAPQData", "LAPQEngine", "LAPQCluster"]),
        // libFuzzer's LLVMFuzzerRunDriver, declared only; `-sanitize=fuzzer` links it.
        .systemLibrary(name: "CLibFuzzer"),
        .executableTarget(name: "lapq-fuzz-protocol", dependencies: ["LAPQClusterFuzzing", "CLibFuzzer"]),
        .executableTarget(
            name: "lapq-bench",
            dependencies: ["LAPQMath", "LAPQEngine", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "LAPQMathTests",
            dependencies: ["LAPQMath"],
            resources: [.copy("Goldens")]
        ),
        .testTarget(name: "LAPQKernelsTests", dependencies: ["LAPQKernels"]),
        .testTarget(name: "LAPQEngineTests", dependencies: ["LAPQMath", "LAPQEngine"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LAPQDataTests", dependencies: ["LAPQData"], resources: [.copy("DataFixtures")]),
        .testTarget(name: "LAPQCalibrationTests", dependencies: ["LAPQData", "LAPQCalibration"]),
        .testTarget(name: "LAPQClusterTests", dependencies: ["LAPQData", "LAPQCalibration", "LAPQCluster", "LAPQClusterFuzzing"]),
        // Runs the built executables as a user would; `swift build --build-tests` builds them.
        .testTarget(name: "EndToEndTests"),
    ]
)
