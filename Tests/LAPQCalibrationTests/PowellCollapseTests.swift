import LAPQEngine
import LAPQMath
import XCTest
@testable import LAPQCalibration
@testable import LAPQData

/// The collapse of docs/algorithms.md, "Step bounds": on a network whose 2-bit start is worse
/// than a constant output, unbounded Powell makes conv3's weight step so large that every
/// weight rounds to 0 and the logits stop depending on the input; with the step bounds the
/// run ends on a network that still depends on its input, with its start's top-1 kept (not
/// raised: this start already predicts 91.5% right) and a loss far below a constant output's.
/// A second network (seed 2), whose start predicts worse, shows the bounded run raising top-1
/// where unbounded Powell zeroes a layer's weights.
final class PowellCollapseTests: XCTestCase {
    private struct Run {
        var record: CalibrationRecord
        var zeroedWeights: [String]
        /// The largest spread of a logit over the calibration samples (0 for a constant output).
        var logitSpread: Float
    }

    private func calibrate(bounded: Bool, seed: UInt64 = 1) throws -> Run {
        let graph = try TinyNetwork.graph(seed: seed, classifierScale: 8, lastConvBias: false)
        let plan = QuantizationPlan(graph: graph, settings: PlanSettings(weightBits: 2, activationBits: 4))
        let shards = try TinyNetwork.shards(graph: graph, shardCount: 5, shardSize: 40)
        let oracle = try LocalLossOracle(graph: graph, plan: plan, shards: shards, workers: 1, threadsPerWorker: 1,
                                         prefixCacheBytes: 64 << 20)
        var settings = CalibrationSettings()
        if !bounded { settings.stepBounds = nil }
        let record = try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: settings).run()
        let steps = try XCTUnwrap(record.finalSteps), maxima = try XCTUnwrap(record.maxMagnitudes)
        let zeroed = plan.points.indices.filter { plan.points[$0].kind == .weight && maxima[$0] / steps[$0] <= 0.5 }
        let executor = try ReferenceExecutor(graph: graph, plan: plan)
        try executor.setStepSizes(steps)
        var spread: Float = 0
        for id in shards.shardIDs {
            let logits = try executor.run(try shards.loadShard(id).input)
            let classes = logits.shape[1]
            for column in 0..<classes {
                let values = stride(from: column, to: logits.data.count, by: classes).map { logits.data[$0] }
                spread = max(spread, (values.max() ?? 0) - (values.min() ?? 0))
            }
        }
        return Run(record: record, zeroedWeights: zeroed.map { plan.points[$0].name }, logitSpread: spread)
    }

    func testUnboundedPowellCollapsesAndBoundedPowellDoesNot() throws {
        let unbounded = try calibrate(bounded: false)
        let start = try XCTUnwrap(unbounded.record.initialScore)
        XCTAssertGreaterThan(start.meanLoss, Double.log(5), "the fixture's start must be worse than a constant output")
        XCTAssertFalse(unbounded.zeroedWeights.isEmpty, "unbounded Powell zeroes a layer here")
        XCTAssertEqual(unbounded.logitSpread, 0, "and the output no longer depends on the input")

        let bounded = try calibrate(bounded: true)
        XCTAssertEqual(bounded.zeroedWeights, [])
        XCTAssertGreaterThan(bounded.logitSpread, 0.1)
        let final = try XCTUnwrap(bounded.record.finalScore)
        // The start predicts well but far too confidently (loss 12.5); bounded Powell keeps its
        // top-1 (91.5%) and cuts the loss to 0.49, where unbounded Powell ends at 2% top-1.
        XCTAssertGreaterThanOrEqual(final.accuracy, start.accuracy)
        XCTAssertGreaterThan(final.accuracy, try XCTUnwrap(unbounded.record.finalScore).accuracy + 0.5)
        XCTAssertLessThan(final.meanLoss, Double.log(5) / 2)
    }

    /// Seed 2's 2-bit start gets 82% right; unbounded Powell zeroes a weight layer on its way
    /// (ending at 91.5%, loss 1.58), bounded Powell zeroes none and ends at 91.5% with loss 0.50.
    func testBoundedPowellRaisesTopOneWhereUnboundedZeroesALayer() throws {
        let unbounded = try calibrate(bounded: false, seed: 2)
        XCTAssertFalse(unbounded.zeroedWeights.isEmpty, "unbounded Powell zeroes a layer here")

        let bounded = try calibrate(bounded: true, seed: 2)
        let start = try XCTUnwrap(bounded.record.initialScore), final = try XCTUnwrap(bounded.record.finalScore)
        XCTAssertEqual(bounded.zeroedWeights, [])
        XCTAssertGreaterThan(bounded.logitSpread, 0.1, "the network still depends on its input")
        XCTAssertGreaterThan(final.accuracy, start.accuracy + 0.05)
        XCTAssertLessThan(final.meanLoss, try XCTUnwrap(unbounded.record.finalScore).meanLoss)
    }
}

/// `percentile` and `entropy` clip every activation at its tool's threshold of the folded
/// histogram of |x| and every weight at max |x|, as onnxruntime and ModelOpt do.
final class HistogramBaselineDriverTests: XCTestCase {
    func testPercentileAndEntropyClipActivationsAtTheirThresholdsAndWeightsAtMaxAbs() throws {
        let graph = try TinyNetwork.graph()
        let plan = QuantizationPlan(graph: graph, settings: PlanSettings(weightBits: 3, activationBits: 3))
        let shards = try TinyNetwork.shards(graph: graph, shardCount: 5, shardSize: 40)
        let oracle = try LocalLossOracle(graph: graph, plan: plan, shards: shards, workers: 1, threadsPerWorker: 1,
                                         prefixCacheBytes: 0)
        let maxima = try oracle.activationMaxima()
        let histograms = try oracle.activationHistograms(maxima: maxima, binCount: 4096)
        for method in [CalibrationMethod.percentile, .entropy] {
            var settings = CalibrationSettings()
            settings.method = method
            let record = try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: settings).run()
            let clips = try XCTUnwrap(record.initialClips), magnitudes = try XCTUnwrap(record.maxMagnitudes)
            XCTAssertEqual(record.finalSteps, record.initialSteps)
            XCTAssertEqual(record.evaluations, 2, "\(method): the float baseline and the result")
            for (index, point) in plan.points.enumerated() {
                guard let histogram = histograms[index]?.magnitudeHistogram() else {
                    XCTAssertEqual(clips[index], magnitudes[index], "\(method) \(point.name)")
                    continue
                }
                let expected = method == .percentile ? HistogramCalibration.percentileThreshold(histogram)
                    : HistogramCalibration.entropyThreshold(histogram, quantizedBins: HistogramCalibration
                        .entropyQuantizedBins(bits: point.bits, isSigned: point.isSigned))
                XCTAssertEqual(clips[index], expected, "\(method) \(point.name)")
            }
        }
    }
}
