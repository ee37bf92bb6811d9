import Foundation
import LAPQCalibration
import LAPQEngine
import XCTest
@testable import LAPQCluster
@testable import LAPQData

/// A worker that receives shard bytes and the model bytes computes, shard by shard, exactly
/// what the local oracle computes from the files: the exact-reduction invariant's worker half.
final class WorkerComputeTests: XCTestCase {
    private let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/digits")

    func testShippedShardsScoreLikeTheLocalOracle() throws {
        let (store, _, plan, local, worker) = try setUp()
        let maxima = try local.activationMaxima()
        let vectors: [StepVector] = [.float, .quantized(plan.points.indices.map { 0.05 + 0.01 * Double($0) })]
        let perShard = try worker.scores(shardIDs: store.shardIDs, stepVectors: vectors)
        for (index, expected) in try local.evaluate(vectors).enumerated() {
            XCTAssertEqual(reduceInShardOrder(perShard.mapValues { $0[index] }), expected)
        }
        var ticks = 0
        let workerMaxima = ShardOrderReduction.maxima(try worker.answers(to: .maxima, shardIDs: store.shardIDs, progress: { ticks += 1 }),
                                                      pointCount: plan.points.count)
        XCTAssertEqual(workerMaxima, maxima)
        XCTAssertEqual(ticks, store.shardIDs.count, "statistics jobs report progress after every shard")
    }

    /// A histograms job whose maxima do not match the plan's points (a STATS from a coordinator of
    /// another model, or forged) fails with a reason instead of trapping the worker.
    func testHistogramsWithTheWrongNumberOfMaximaFail() throws {
        let (store, _, plan, _, worker) = try setUp()
        let maxima = [Double](repeating: 1, count: plan.points.count + 1)
        XCTAssertThrowsError(try worker.answers(to: .histograms(binCount: 8, maxima: maxima), shardIDs: store.shardIDs)) { error in
            XCTAssertEqual(error as? WorkerError, .maximaCount(expected: plan.points.count, got: plan.points.count + 1))
        }
    }

    /// `--bias-correction` reaches the worker through the model package: its plan corrects the
    /// weights, and its losses are the local corrected oracle's (not the uncorrected ones).
    func testBiasCorrectionTravelsInTheModelPackage() throws {
        let (store, _, plan, local, worker) = try setUp(correctsWeightBias: true)
        XCTAssertTrue(worker.plan.correctsWeightBias)
        let vectors: [StepVector] = [.quantized(plan.points.indices.map { 0.05 + 0.01 * Double($0) })]
        let perShard = try worker.scores(shardIDs: store.shardIDs, stepVectors: vectors)
        let expected = try local.evaluate(vectors)[0]
        XCTAssertEqual(reduceInShardOrder(perShard.mapValues { $0[0] }), expected)
        let uncorrected = try setUp().local.evaluate(vectors)[0]
        XCTAssertNotEqual(uncorrected.lossSum, expected.lossSum, "the correction should change the loss")
    }

    /// `--keep-float` and `--weight-granularity per-channel` reach the worker through the model
    /// package: its plan has the same points and step layout, and it scores a per-channel step
    /// vector exactly as the local oracle does.
    func testKeepFloatAndPerChannelTravelInTheModelPackage() throws {
        let settings = PlanSettings(weightBits: 3, activationBits: 3, quantizeLastLayer: true,
                                    keepFloat: ["/3/Conv"], weightGranularity: .perChannel)
        let (store, _, plan, local, worker) = try setUp(settings: settings)
        XCTAssertEqual(worker.plan.settings, settings)
        XCTAssertFalse(worker.plan.points.contains { $0.consumers.contains("/3/Conv") })
        XCTAssertGreaterThan(worker.plan.stepCount, worker.plan.points.count)
        let vectors: [StepVector] = [.quantized((0..<plan.stepCount).map { 0.04 + 0.003 * Double($0 % 7) })]
        let perShard = try worker.scores(shardIDs: store.shardIDs, stepVectors: vectors)
        XCTAssertEqual(reduceInShardOrder(perShard.mapValues { $0[0] }), try local.evaluate(vectors)[0])
    }

    /// With no memory for decoded shards every job decodes its shards from the stored bytes
    /// again: the scores are the same, bit for bit.
    func testShardsBeyondTheCacheBudgetAreDecodedOnDemandWithTheSameScores() throws {
        let (store, _, plan, local, worker) = try setUp(shardCacheBytes: 0)
        let vectors: [StepVector] = [.float, .quantized(plan.points.indices.map { 0.05 + 0.01 * Double($0) })]
        for _ in 0..<2 {
            let perShard = try worker.scores(shardIDs: store.shardIDs, stepVectors: vectors)
            for (index, expected) in try local.evaluate(vectors).enumerated() {
                XCTAssertEqual(reduceInShardOrder(perShard.mapValues { $0[index] }), expected)
            }
        }
    }

    /// The digits calibration set, a local oracle at W3/A3, and a worker built from the encoded
    /// and decoded model package holding every shard.
    private func setUp(correctsWeightBias: Bool = false, shardCacheBytes: Int = 4 << 30,
                       settings: PlanSettings? = nil) throws
        -> (store: ShardStore, graph: Graph, plan: QuantizationPlan, local: LocalLossOracle, worker: WorkerCompute) {
        let modelURL = example.appendingPathComponent("digits.onnx")
        let store = try ShardStore(manifestAt: example.appendingPathComponent("calib.json"))
        let graph = try ONNXImporter.load(contentsOf: modelURL)
        let plan = QuantizationPlan(graph: graph, settings: settings ?? PlanSettings(weightBits: 3, activationBits: 3,
                                                                                     correctsWeightBias: correctsWeightBias))
        let local = try LocalLossOracle(graph: graph, plan: plan, shards: store, threadsPerWorker: 1)
        let package = try ModelPackage(decoding: ModelPackage(plan: plan.settings,
                                                              onnx: Array(try Data(contentsOf: modelURL))).encoded())
        let worker = try WorkerCompute(model: package.model, plan: package.plan, threads: 1, prefixCacheBytes: 0, shardCacheBytes: shardCacheBytes)
        XCTAssertEqual(worker.plan, plan)
        for id in store.shardIDs {
            let bytes = try store.verifiedBytes(shard: id)
            try worker.storeShard(id: id, sha256: SHA256Digest(of: bytes.images + bytes.labels), bytes: bytes.images + bytes.labels, facts: ShardFacts(store: store, shard: id))
        }
        return (store, graph, plan, local, worker)
    }

    /// A worker refuses shipped float32 images holding NaN or ±∞ as the coordinator's own
    /// `ShardStore` does, naming the shard and the sample (issue #11, findings 2 and 3).
    func testRejectsShippedImagesThatAreNotFinite() throws {
        let worker = try WorkerCompute(model: try ONNXModelFiles(contentsOf: example.appendingPathComponent("digits.onnx")),
                                       plan: PlanSettings(weightBits: 4, activationBits: 4), threads: 1, prefixCacheBytes: 0)
        let facts = ShardFacts(layout: .nchwFloat32, storedSampleShape: [1, 8, 8], samples: 64..<66, labelDType: .int64,
                               preprocessing: .identity)
        var pixels = [Float](repeating: 0.5, count: 128)
        pixels[100] = .infinity
        var bytes: [UInt8] = []
        for value in pixels { value.appendLittleEndianBytes(to: &bytes) }
        bytes += [UInt8](repeating: 0, count: facts.labelByteCount)
        XCTAssertThrowsError(try worker.storeShard(id: 3, sha256: SHA256Digest(of: bytes), bytes: bytes, facts: facts)) {
            XCTAssertTrue("\($0)".contains("shard 3 from the coordinator: sample 65 holds inf"), "\($0)")
        }
        XCTAssertTrue(worker.shardIDs.isEmpty)
    }

    func testRejectsAShardOfTheWrongSize() throws {
        let store = try ShardStore(manifestAt: example.appendingPathComponent("calib.json"))
        let worker = try WorkerCompute(model: try ONNXModelFiles(contentsOf: example.appendingPathComponent("digits.onnx")),
                                       plan: PlanSettings(weightBits: 4, activationBits: 4), threads: 1, prefixCacheBytes: 0)
        XCTAssertThrowsError(try worker.storeShard(id: 0, sha256: SHA256Digest(of: [1, 2, 3]), bytes: [1, 2, 3], facts: ShardFacts(store: store, shard: 0)))
        XCTAssertThrowsError(try worker.scores(shardIDs: [0], stepVectors: [.float]))
    }
}

extension WorkerCompute {
    /// Per shard, the scores of every vector: result[shard][vector].
    fileprivate func scores(shardIDs: [Int], stepVectors: [StepVector]) throws -> [Int: [BatchScore]] {
        try answers(to: .scores(stepVectors), shardIDs: shardIDs).mapValues { answer in
            guard case let .scores(scores) = answer else { preconditionFailure("\(answer)") }
            return scores
        }
    }
}
