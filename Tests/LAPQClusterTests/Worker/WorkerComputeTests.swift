import Foundation
import XCTest
import LAPQCalibration
import LAPQEngine
@testable import LAPQCluster

/// A worker that receives shard bytes and the model bytes computes, shard by shard, exactly
/// what the local oracle computes from the files: the exact-reduction invariant's worker half.
final class WorkerComputeTests: XCTestCase {
    private let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/digits")

    func testShippedShardsScoreLikeTheLocalOracle() throws {
        let modelURL = example.appendingPathComponent("digits.onnx")
        let store = try ShardStore(manifestAt: example.appendingPathComponent("calib.json"))
        let graph = try ONNXImporter.load(contentsOf: modelURL)
        let plan = QuantizationPlan(graph: graph, weightBits: 3, activationBits: 3)
        let local = try LocalLossOracle(graph: graph, plan: plan, shards: store, threadsPerWorker: 1)

        let worker = try WorkerCompute(modelBytes: Array(try Data(contentsOf: modelURL)), weightBits: 3, activationBits: 3,
                                       options: .init(), threads: 1, prefixCacheBytes: 0)
        XCTAssertEqual(worker.plan, plan)
        for id in store.shardIDs {
            let bytes = try store.verifiedBytes(shard: id)
            try worker.storeShard(id: id, bytes: bytes.images + bytes.labels, facts: ShardFacts(store: store, shard: id))
        }
        let maxima = try local.activationMaxima()
        let vectors: [[Double]?] = [nil, plan.points.indices.map { 0.05 + 0.01 * Double($0) }]
        let perShard = try worker.evaluate(shardIDs: store.shardIDs, stepVectors: vectors)
        for (index, expected) in try local.evaluate(vectors).enumerated() {
            XCTAssertEqual(reduceInShardOrder(perShard.mapValues { $0[index] }), expected)
        }
        let workerMaxima = try worker.maxima(shardIDs: store.shardIDs).values
            .reduce([Double](repeating: 0, count: plan.points.count), ActivationStatistics.merge(maxima:_:))
        XCTAssertEqual(workerMaxima, maxima)
    }

    func testRejectsAShardOfTheWrongSize() throws {
        let store = try ShardStore(manifestAt: example.appendingPathComponent("calib.json"))
        let worker = try WorkerCompute(modelBytes: Array(try Data(contentsOf: example.appendingPathComponent("digits.onnx"))),
                                       weightBits: 4, activationBits: 4, options: .init(), threads: 1, prefixCacheBytes: 0)
        XCTAssertThrowsError(try worker.storeShard(id: 0, bytes: [1, 2, 3], facts: ShardFacts(store: store, shard: 0)))
        XCTAssertThrowsError(try worker.evaluate(shardIDs: [0], stepVectors: [nil]))
    }
}
