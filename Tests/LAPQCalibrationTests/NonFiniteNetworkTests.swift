import LAPQEngine
import XCTest
@testable import LAPQCalibration
@testable import LAPQData

/// Finding 3 of issue #11, the driver's side (the data's side is `NonFiniteDataTests` in
/// LAPQDataTests): a float network that computes non-finite values stops naming the node.
final class NonFiniteNetworkTests: XCTestCase {
    /// An infinite input crashed the statistics pass; NaN gave a loss and a model. Both now stop
    /// the driver before any step size is chosen, naming the input; finite data on which the float
    /// network overflows names the first node whose output is not finite.
    func testDriverStopsNamingTheNodeWhenTheFloatNetworkIsNotFinite() throws {
        let graph = try TinyNetwork.graph()
        let plan = QuantizationPlan(graph: graph, weightBits: 4, activationBits: 4)
        let cases: [(Float, ExecutionError)] = [(.infinity, .nonFinite(node: nil, tensor: "x")),
                                                (.nan, .nonFinite(node: nil, tensor: "x")),
                                                (.greatestFiniteMagnitude, .nonFinite(node: "relu1", tensor: "relu1.out"))]
        for (value, expected) in cases {
            var shards = try TinyNetwork.shards(graph: graph, shardCount: 2, shardSize: 8).shards
            for index in 192..<384 { shards[1].0.data[index] = value }   // all of sample 1 of shard 1
            let oracle = try LocalLossOracle(graph: graph, plan: plan, shards: InMemoryShards(shards), threadsPerWorker: 1)
            var lastCheckpoint: CalibrationRecord?
            XCTAssertThrowsError(try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: CalibrationSettings(),
                                                       checkpoint: { lastCheckpoint = $0 }).run()) { error in
                XCTAssertEqual(error as? ExecutionError, expected, "\(value): \(error)")
            }
            XCTAssertNil(lastCheckpoint?.initialSteps, "no step sizes come from such data")
        }
    }
}
