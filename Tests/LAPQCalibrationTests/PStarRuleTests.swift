import LAPQEngine
import XCTest
@testable import LAPQCalibration

/// `--p-star lowest-loss`: Powell starts from the sampled Δ(p) when its measured loss is below
/// the vertex's, for no extra evaluation; `vertex` (the paper's rule) keeps the vertex.
final class PStarRuleTests: XCTestCase {
    private func initialization(bits: Int, rule: PStarRule, seed: UInt64 = 1) throws -> CalibrationRecord {
        let graph = try TinyNetwork.graph(seed: seed)
        let plan = QuantizationPlan(graph: graph, settings: PlanSettings(weightBits: bits, activationBits: bits))
        let shards = try TinyNetwork.shards(graph: graph, shardCount: 3, shardSize: 40)
        let oracle = try LocalLossOracle(graph: graph, plan: plan, shards: shards, workers: 1, threadsPerWorker: 1)
        var settings = CalibrationSettings()
        settings.method = .lpInit
        settings.pStarRule = rule
        let record = try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: settings).run()
        // steps.json says which rule ran, and so does the run's name.
        let steps = StepsFile(record: record, plan: plan, model: "m.onnx", calibrationData: "c.json", layerPaths: [],
                              timings: [:])
        XCTAssertEqual(steps.pStarRule, rule)
        XCTAssertEqual(steps.runLabel, "W\(bits)/A\(bits) lp-init" + (rule == .lowestLoss ? " lowest-loss p*" : ""))
        return record
    }

    /// Tiny networks whose fit has a convex vertex inside [2, 4]: worse than a sample (seeds 2 and
    /// 4 at W3), better than every sample (seed 3 at W4, seed 4 at W2).
    func testLowestLossStartsFromTheBetterMeasuredStepsAtNoExtraCost() throws {
        var switched = 0, kept = 0
        for (seed, bits) in [(UInt64(2), 3), (4, 3), (3, 4), (4, 2)] {
            let vertex = try initialization(bits: bits, rule: .vertex, seed: seed)
            let lowest = try initialization(bits: bits, rule: .lowestLoss, seed: seed)
            XCTAssertEqual(vertex.pStarSource, "vertex of the fitted parabola", "seed \(seed) W\(bits)")
            let vertexLoss = try XCTUnwrap(vertex.initialScore?.meanLoss)
            let best = try XCTUnwrap(vertex.pSweep.min { $0.score.meanLoss < $1.score.meanLoss })
            XCTAssertEqual(lowest.pSweep, vertex.pSweep, "seed \(seed) W\(bits): the same sweep")
            XCTAssertEqual(lowest.evaluations, vertex.evaluations, "seed \(seed) W\(bits): no extra evaluation")
            XCTAssertEqual(lowest.initialScore?.meanLoss, min(vertexLoss, best.score.meanLoss), "seed \(seed) W\(bits)")
            if best.score.meanLoss < vertexLoss {
                switched += 1
                XCTAssertEqual(lowest.pStar, best.p, "seed \(seed) W\(bits)")
                XCTAssertEqual(lowest.initialSteps, best.stepSizes, "seed \(seed) W\(bits): the sample's own steps")
                XCTAssertEqual(lowest.finalSteps, best.stepSizes, "seed \(seed) W\(bits): lp-init ends where it starts")
                XCTAssertTrue(try XCTUnwrap(lowest.pStarSource).hasPrefix("sampled p with the lowest loss"))
            } else {
                kept += 1
                XCTAssertEqual(lowest.initialSteps, vertex.initialSteps, "seed \(seed) W\(bits): the vertex was best")
                XCTAssertEqual(lowest.pStarSource, vertex.pStarSource)
            }
        }
        XCTAssertEqual([switched, kept], [2, 2], "two networks switch, two keep the vertex")
    }

    /// A record written before the rule existed ran with the vertex, and resumes so.
    func testSettingsWithoutTheRuleDecodeAsTheVertex() throws {
        var settings = CalibrationSettings()
        settings.pStarRule = .lowestLoss
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(settings)) as? [String: Any])
        XCTAssertEqual(object.removeValue(forKey: "pStarRule") as? String, "lowest-loss")
        let old = try JSONDecoder().decode(CalibrationSettings.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertEqual(old.pStarRule, .vertex)
        settings.pStarRule = .vertex
        XCTAssertEqual(old, settings)
    }
}
