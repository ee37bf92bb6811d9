import LAPQEngine
import LAPQMath
@testable import LAPQCalibration

/// Steps files of made-up runs on `TinyNetwork` (W4/A4: conv2 and conv3 quantized), with what
/// each method records: a p sweep on the parabola 200·((p − 3)² + 0.4) / 200 for lapq and
/// lp-init, a Powell trace for lapq, every point's max |x| = 2.
enum ReportFixtures {
    static func steps(method: CalibrationMethod) throws -> StepsFile {
        let graph = try TinyNetwork.graph()
        let plan = QuantizationPlan(graph: graph, weightBits: 4, activationBits: 4)
        var settings = CalibrationSettings()
        settings.method = method
        var record = CalibrationRecord(settings: settings, plan: plan.settings, pointNames: plan.points.map(\.name))
        record.floatScore = BatchScore(lossSum: 20, top1: 190, count: 200)
        record.maxMagnitudes = plan.points.map { _ in 2 }
        record.initialSteps = plan.points.map { _ in 0.2 }
        record.initialScore = BatchScore(lossSum: 80, top1: 150, count: 200)
        if method == .lapq || method == .lpInit {
            record.pSweep = settings.pGrid.map { p in
                PSample(p: p, stepSizes: [], score: BatchScore(lossSum: 200 * ((p - 3) * (p - 3) + 0.4), top1: 150, count: 200))
            }
            record.pStar = 3
            record.pStarSource = "vertex of the fitted parabola"
        }
        if method == .lapq { record.powellTrace = [0.38, 0.31, 0.3, 0.29] }
        record.finalSteps = method == .lapq ? plan.points.map { _ in 0.25 } : record.initialSteps
        record.finalScore = BatchScore(lossSum: 58, top1: 170, count: 200)
        var steps = StepsFile(record: record, plan: plan, model: "tiny.onnx", calibrationData: "calib.json",
                              layerPaths: try LayerPath.paths(graph: graph, plan: plan), timings: ["calibration": 1.5])
        steps.validationScores = ["float": .init(BatchScore(lossSum: 12, top1: 95, count: 100)),
                                  "quantized": .init(BatchScore(lossSum: 35, top1: 84, count: 100))]
        return steps
    }
}
