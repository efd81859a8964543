// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "setlist",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "setlist", targets: ["setlist"]),
        .executable(name: "setlist-bench", targets: ["setlist-bench"]),
        .library(name: "SetlistCore", targets: ["SetlistCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        .target(
            name: "SetlistCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            resources: [
                .embedInCode("Schemas/manifest.schema.json"),
                .embedInCode("Schemas/ledger.schema.json"),
            ]
        ),
        .target(
            name: "SetlistEngine",
            dependencies: ["SetlistCore", .product(name: "HeapModule", package: "swift-collections")]
        ),
        .target(
            name: "SetlistProviders",
            dependencies: [
                "SetlistCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .target(
            name: "SetlistSimulator",
            dependencies: [
                "SetlistCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "setlist",
            dependencies: [
                "SetlistCore",
                "SetlistEngine",
                "SetlistProviders",
                "SetlistSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.embedInCode("Starter/starter.yaml")]
        ),
        .target(
            name: "SetlistTestSupport",
            dependencies: [
                "SetlistCore",
                "SetlistSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        .executableTarget(
            name: "setlist-bench",
            dependencies: [
                "SetlistCore",
                "SetlistEngine",
                "SetlistProviders",
                "SetlistSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SetlistCoreTests", dependencies: ["SetlistCore"], exclude: ["Fixtures"]),
        .testTarget(name: "SetlistEngineTests", dependencies: ["SetlistEngine", "SetlistTestSupport"]),
        .testTarget(
            name: "SetlistProvidersTests",
            dependencies: ["SetlistProviders", "SetlistSimulator", "SetlistTestSupport"]
        ),
        .testTarget(
            name: "SetlistSimulatorTests",
            dependencies: [
                "SetlistSimulator", "SetlistTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "SetlistCLITests",
            dependencies: ["setlist", "SetlistCore", "SetlistEngine", "SetlistSimulator", "SetlistTestSupport"],
            exclude: ["Fixtures"]
        ),
    ]
)
