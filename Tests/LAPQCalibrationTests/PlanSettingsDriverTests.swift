import LAPQEngine
import LAPQMath
import XCTest
@testable import LAPQCalibration
@testable import LAPQData

/// The driver under the plan settings of issue #12: per-channel weights (one Lp clip per output
/// channel and p, one Powell multiplier per point) and `--keep-float`.
final class PlanSettingsDriverTests: XCTestCase {
    private func setUp(_ settings: PlanSettings) throws -> (Graph, QuantizationPlan, LocalLossOracle) {
        let graph = try TinyNetwork.graph()
        let plan = try QuantizationPlan(validating: graph, settings: settings)
        let shards = try TinyNetwork.shards(graph: graph, shardCount: 5, shardSize: 40)
        return (graph, plan, try LocalLossOracle(graph: graph, plan: plan, shards: shards, threadsPerWorker: 1))
    }

    private let perChannel = PlanSettings(weightBits: 3, activationBits: 3, weightGranularity: .perChannel)

    /// Every output channel starts at its own Lp-optimal step for p*, Powell moves one multiplier
    /// per point (the channels of a weight keep their ratios), and the run ends no worse than its
    /// start.
    func testPerChannelStartsAtEachChannelsLpClipAndScalesThemTogether() throws {
        let (graph, plan, oracle) = try setUp(perChannel)
        XCTAssertEqual(plan.points.map(\.stepCount), [8, 1, 16, 1])
        var settings = CalibrationSettings()
        settings.powell.maxEvaluations = 60
        let record = try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: settings).run()
        let initial = try XCTUnwrap(record.initialSteps), final = try XCTUnwrap(record.finalSteps)
        XCTAssertEqual(initial.count, plan.stepCount)
        XCTAssertEqual(final.count, plan.stepCount)
        XCTAssertEqual(record.powell?.x.count, plan.points.count)
        let pStar = try XCTUnwrap(record.pStar)
        for (point, range) in zip(plan.points, plan.stepRanges) where point.kind == .weight {
            let weight = try XCTUnwrap(graph.initializers[point.tensor])
            let expected = point.stepValues(of: weight).map {
                LpClipping.optimalClip(for: ExactLpErrorSource(values: $0), bits: 3, isSigned: true, p: pStar).stepSize
            }
            XCTAssertEqual(Array(initial[range]), expected, point.name)
            XCTAssertGreaterThan(Set(expected).count, 1, "\(point.name): the channels should differ")
            let ratios = zip(final[range], initial[range]).map { $0 / $1 }
            for ratio in ratios { XCTAssertEqual(ratio, ratios[0], accuracy: 1e-12 * ratios[0], point.name) }
        }
        XCTAssertLessThanOrEqual(try XCTUnwrap(record.finalScore?.meanLoss), try XCTUnwrap(record.initialScore?.meanLoss))
    }

    /// Per-channel clips fit each channel better than one clip for the whole weight: at W3/A3
    /// the Lp-init start loss is lower per-channel here.
    func testPerChannelStartIsBetterThanPerTensorHere() throws {
        var settings = CalibrationSettings()
        settings.method = .lpInit
        let (graph, channelPlan, channelOracle) = try setUp(perChannel)
        var tensorSettings = perChannel
        tensorSettings.weightGranularity = .perTensor
        let (_, tensorPlan, tensorOracle) = try setUp(tensorSettings)
        let channel = try CalibrationDriver(graph: graph, plan: channelPlan, oracle: channelOracle, settings: settings).run()
        let tensor = try CalibrationDriver(graph: graph, plan: tensorPlan, oracle: tensorOracle, settings: settings).run()
        XCTAssertLessThan(try XCTUnwrap(channel.finalScore?.meanLoss), try XCTUnwrap(tensor.finalScore?.meanLoss))
    }

    /// A checkpoint of one granularity or keep-float list cannot be resumed with another.
    func testResumeRefusesOtherGranularityAndKeepFloat() throws {
        var settings = CalibrationSettings()
        settings.method = .lpInit
        let (graph, plan, oracle) = try setUp(perChannel)
        let saved = try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: settings).run()
        var other = perChannel
        other.weightGranularity = .perTensor
        other.keepFloat = ["conv3"]
        let (_, otherPlan, otherOracle) = try setUp(other)
        XCTAssertThrowsError(try CalibrationDriver(graph: graph, plan: otherPlan, oracle: otherOracle, settings: settings,
                                                   resumeFrom: saved)) {
            XCTAssertEqual("\($0)", "cannot resume: keepFloat (--keep-float) was [] in the saved run, is [\"conv3\"] now; "
                + "weightGranularity (--weight-granularity) was perChannel in the saved run, is perTensor now")
        }
    }

    /// `--keep-float conv3`: the layer's weight and input points are gone, the run calibrates
    /// the rest, and the steps file records the patterns.
    func testKeptFloatLayerHasNoPointsAndIsRecorded() throws {
        var settings = perChannel
        settings.keepFloat = ["conv3"]
        let (graph, plan, oracle) = try setUp(settings)
        XCTAssertEqual(plan.points.map(\.name), ["weight:conv2.w", "activation:relu1.out"])
        var calibration = CalibrationSettings()
        calibration.method = .mmse
        let record = try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: calibration).run()
        let steps = StepsFile(record: record, plan: plan, model: "m.onnx", calibrationData: "c.json", layerPaths: [],
                              timings: [:])
        XCTAssertEqual(steps.plan.keepFloat, ["conv3"])
        XCTAssertEqual(steps.points[0].channelAxis, 0)
        XCTAssertEqual(steps.points[0].channelStepSizes?.count, 8)
        XCTAssertEqual(steps.points[0].stepSize, steps.points[0].channelStepSizes?.max())
        XCTAssertNil(steps.points[1].channelStepSizes)
        XCTAssertEqual(steps.stepSizes, record.finalSteps)
        XCTAssertTrue(steps.runLabel.hasSuffix("+pc +kf"), steps.runLabel)
        XCTAssertTrue(steps.settingsDescription.contains("per-channel weights, kept float: conv3"), steps.settingsDescription)
    }
}
