import LAPQCalibration
import LAPQEngine

/// The short result table printed after a calibration.
enum ResultTable {
    static func render(_ outcome: CalibrationJob.Outcome) -> String {
        let steps = outcome.steps
        var rows = [("", "calib loss", "calib top-1", "val loss", "val top-1")]
        let calibration = steps.calibrationScores
        rows.append(row("FP32", calibration["float"], outcome.validationFloat))
        rows.append(row("W\(steps.weightBits)/A\(steps.activationBits) \(steps.method.rawValue)",
                        calibration["quantized"], outcome.validationQuantized))
        return rows.map { r in
            [r.0.padding(22), r.1.padding(12), r.2.padding(12), r.3.padding(12), r.4].joined()
        }.joined(separator: "\n")
    }

    private static func row(_ name: String, _ calibration: StepsFile.Score?, _ validation: BatchScore?)
        -> (String, String, String, String, String) {
        (name, calibration.map { fixed($0.loss) } ?? "–", calibration.map { percent($0.top1) } ?? "–",
         validation.map { fixed($0.meanLoss) } ?? "–", validation.map { percent($0.accuracy) } ?? "–")
    }

    static func fixed(_ value: Double) -> String {
        value.isFinite ? "\((value * 10_000).rounded() / 10_000)" : "\(value)"
    }

    static func percent(_ value: Double) -> String {
        value.isFinite ? "\((value * 10_000).rounded() / 100)%" : "–"
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
