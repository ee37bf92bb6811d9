import LAPQEngine
import LAPQMath
import XCTest
@testable import LAPQCalibration
@testable import LAPQData

/// The cost of each quantization point (`RestoredPoint`, `PointCostMeasurement`): a plan whose
/// one point has another width is held to the plain plan, and each measured row to a plan built
/// by hand, per-tensor and per-channel.
final class PointCostTests: XCTestCase {
    private struct Run {
        let graph: Graph
        let plan: QuantizationPlan
        let shards: InMemoryShards
        /// LAPQ's final steps after a short Powell.
        let finalSteps: [Double]

        func score(_ plan: QuantizationPlan, _ steps: StepVector) throws -> BatchScore {
            try LocalLossOracle(graph: graph, plan: plan, shards: shards, threadsPerWorker: 1).evaluate([steps])[0]
        }
    }

    private func calibratedRun(_ granularity: WeightGranularity) throws -> Run {
        let graph = try TinyNetwork.graph()
        let plan = QuantizationPlan(graph: graph, settings: PlanSettings(weightBits: 3, activationBits: 3,
                                                                          weightGranularity: granularity))
        let shards = try TinyNetwork.shards(graph: graph, shardCount: 4, shardSize: 40)
        let oracle = try LocalLossOracle(graph: graph, plan: plan, shards: shards, threadsPerWorker: 1)
        var settings = CalibrationSettings()
        settings.powell.maxEvaluations = 20
        let record = try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: settings).run()
        return Run(graph: graph, plan: plan, shards: shards, finalSteps: try XCTUnwrap(record.finalSteps))
    }

    private var oneThread: LocalWorkers {
        var local = LocalWorkers()
        local.threadsEach = 1
        local.prefixCacheBytes = 0
        return local
    }

    /// A point "restored" to its own width with its own final steps is the run itself: the
    /// same plan, and a fresh oracle for it gives the baseline's score bit for bit.
    func testRestoringAPointToItsOwnWidthAndStepsReproducesTheBaselineExactly() throws {
        for granularity in WeightGranularity.allCases {
            let run = try calibratedRun(granularity)
            let baseline = try run.score(run.plan, StepVector(run.finalSteps, plan: run.plan))
            for (index, point) in run.plan.points.enumerated() {
                let own = RestoredPoint(index: index, bits: point.bits, pointSteps: Array(run.finalSteps[run.plan.stepRanges[index]]),
                                        plan: run.plan, steps: run.finalSteps)
                XCTAssertEqual(own.plan, run.plan, point.name)
                XCTAssertEqual(try run.score(own.plan, own.steps), baseline, "\(granularity.rawValue), \(point.name)")
            }
        }
    }

    /// The restored point keeps its kind, signedness, channel axis and step count; only its
    /// width changes, and only its steps.
    func testRestoringChangesOnlyThatPointsWidthAndSteps() throws {
        let run = try calibratedRun(.perChannel)
        let maxima = try LocalLossOracle(graph: run.graph, plan: run.plan, shards: run.shards, threadsPerWorker: 1).activationMaxima()
        for index in run.plan.points.indices {
            let restored = RestoredPoint(maxAbsAt: 8, index: index, plan: run.plan, steps: run.finalSteps, graph: run.graph,
                                         activationMaxima: maxima)
            var expected = run.plan
            expected.points[index].bits = 8
            XCTAssertEqual(restored.plan, expected)
            let steps = try XCTUnwrap(restored.steps.steps)
            for (other, range) in run.plan.stepRanges.enumerated() where other != index {
                XCTAssertEqual(steps[range], run.finalSteps[range])
            }
            XCTAssertNotEqual(steps[run.plan.stepRanges[index]], run.finalSteps[run.plan.stepRanges[index]])
        }
    }

    /// Each row is the network with that point at 8 bits and max-abs steps computed here by
    /// hand — a weight's max |w| / 127 (per output channel: Conv's axis 0, contiguous blocks),
    /// an unsigned activation's measured max / 255 — scored directly; the float and baseline
    /// scores are the run's.
    func testEachRowIsThePointAt8BitsWithMaxAbsStepsScoredDirectly() throws {
        for granularity in WeightGranularity.allCases {
            let run = try calibratedRun(granularity)
            let measurement = try PointCostMeasurement(graph: run.graph, plan: run.plan, finalSteps: run.finalSteps,
                                                       restoredBits: 8, local: oneThread)
            let scores = try measurement.run(shards: run.shards)
            XCTAssertEqual(scores.float, try run.score(run.plan, .float))
            XCTAssertEqual(scores.baseline, try run.score(run.plan, StepVector(run.finalSteps, plan: run.plan)))
            let maxima = try LocalLossOracle(graph: run.graph, plan: run.plan, shards: run.shards, threadsPerWorker: 1)
                .activationMaxima()
            for (index, point) in run.plan.points.enumerated() {
                var handBuilt = run.plan
                handBuilt.points[index].bits = 8
                var steps = run.finalSteps
                steps.replaceSubrange(run.plan.stepRanges[index], with: try maxAbsStepsAt8Bits(point, index: index, run: run, maxima: maxima))
                let label = "\(granularity.rawValue), \(point.name)"
                XCTAssertEqual(scores.restored[index], try run.score(handBuilt, .quantized(steps)), label)
                XCTAssertNotEqual(scores.restored[index], scores.baseline, "\(label): restoring must change the network")
            }
        }
    }

    private func maxAbsStepsAt8Bits(_ point: QuantizationPoint, index: Int, run: Run, maxima: [Double]) throws -> [Double] {
        guard point.kind == .weight else {
            XCTAssertFalse(point.isSigned, "the TinyNetwork's activations follow a ReLU")
            return [maxima[index] / 255]
        }
        let weight = try XCTUnwrap(run.graph.initializers[point.tensor])
        let channels = point.channelAxis == nil ? 1 : weight.shape[0]
        let block = weight.count / channels
        return (0..<channels).map { channel in
            Double(weight.data[(channel * block)..<((channel + 1) * block)].map(abs).max() ?? 0) / 127
        }
    }

    /// A width lapq has no grid for, or one a point already has, is refused naming `--bits`.
    func testRestoredWidthMustBeSupportedAndAboveEveryPoint() throws {
        let graph = try TinyNetwork.graph()
        let plan = QuantizationPlan(graph: graph, settings: PlanSettings(weightBits: 3, activationBits: 5))
        let steps = [Double](repeating: 0.1, count: plan.stepCount)
        for (bits, reason) in [(9, "lapq quantizes to 2…8 bits"), (5, "not above the 5 bits of activation:relu1.out")] {
            XCTAssertThrowsError(try PointCostMeasurement(graph: graph, plan: plan, finalSteps: steps, restoredBits: bits)) { error in
                XCTAssertTrue("\(error)".hasPrefix("--bits \(bits): \(reason)"), "\(error)")
            }
        }
        XCTAssertNoThrow(try PointCostMeasurement(graph: graph, plan: plan, finalSteps: steps, restoredBits: 6))
    }

    /// sensitivity.json's rows: Δloss = baseline − restored, Δtop-1 = restored − baseline; and the
    /// file reads back as written, every key required.
    func testFileRowsAndRoundTrip() throws {
        let graph = try TinyNetwork.graph()
        let plan = QuantizationPlan(graph: graph, settings: PlanSettings(weightBits: 3, activationBits: 3))
        let measurement = try PointCostMeasurement(graph: graph, plan: plan, finalSteps: [0.1, 0.2, 0.1, 0.2], restoredBits: 8)
        let scores = PointCostMeasurement.Scores(
            float: BatchScore(lossSum: 10, top1: 90, count: 100), baseline: BatchScore(lossSum: 50, top1: 70, count: 100),
            restored: [40, 55, 50, 20].map { BatchScore(lossSum: $0, top1: 80 - Int($0) / 10, count: 100) })
        let file = SensitivityFile(measurement, scores: scores, steps: "run/steps.json", data: "calib.json")
        for (point, (lossDelta, top1Delta)) in zip(file.points, [(0.1, 0.06), (-0.05, 0.05), (0, 0.05), (0.3, 0.08)]) {
            XCTAssertEqual(point.lossDelta, lossDelta, accuracy: 1e-12, point.name)
            XCTAssertEqual(point.top1Delta, top1Delta, accuracy: 1e-12, point.name)
        }
        XCTAssertEqual(file.points.map(\.name), plan.points.map(\.name))
        XCTAssertEqual(file.points.map(\.bits), [3, 3, 3, 3])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sensitivity-\(UUID().uuidString).json")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        try file.write(to: url)
        XCTAssertEqual(try SensitivityFile.read(from: url), file)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        object["restoredBits"] = nil
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        XCTAssertThrowsError(try SensitivityFile.read(from: url)) { XCTAssertTrue("\($0)".contains("restoredBits"), "\($0)") }
    }
}
