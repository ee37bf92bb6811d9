import LAPQEngine

/// `report.md`: what a person reads after a calibration — accuracy before and after on the
/// calibration and validation sets, the p sweep and its fit, Powell's progress, the steps.
public struct CalibrationReport {
    public var steps: StepsFile
    public var powellTrace: [Double]
    /// Validation scores of the float and the quantized model, when a validation set was given.
    public var validationFloat: BatchScore?
    public var validationQuantized: BatchScore?

    public init(steps: StepsFile, powellTrace: [Double], validationFloat: BatchScore?, validationQuantized: BatchScore?) {
        self.steps = steps
        self.powellTrace = powellTrace
        self.validationFloat = validationFloat
        self.validationQuantized = validationQuantized
    }

    public func markdown() -> String {
        var lines = ["# lapq calibration report", "",
                     "- model: `\(steps.model)`", "- calibration data: `\(steps.calibrationData)`",
                     "- method: \(steps.method.rawValue), W\(steps.weightBits)/A\(steps.activationBits)"
                        + " (first layer \(steps.quantizeFirstLayer ? "quantized" : "float"),"
                        + " last layer \(steps.quantizeLastLayer ? "quantized" : "float"))",
                     "- loss evaluations: \(steps.evaluations)", ""]
        lines += accuracyTable() + [""] + pSweepSection() + powellSection() + pointsTable() + timingLines()
        return lines.joined(separator: "\n") + "\n"
    }

    private func accuracyTable() -> [String] {
        let calibration = steps.calibrationScores
        var rows = ["## Accuracy", "",
                    "| model | calibration loss | calibration top-1 | validation loss | validation top-1 |",
                    "|---|---|---|---|---|"]
        rows.append(row("FP32", calibration["float"], validationFloat))
        if steps.method == .lapq, let initial = calibration["initial"] {
            rows.append("| start of Powell (p*) | \(format(initial.loss)) | \(percent(initial.top1)) | | |")
        }
        rows.append(row("quantized (\(steps.method.rawValue))", calibration["quantized"], validationQuantized))
        return rows
    }

    private func row(_ name: String, _ calibration: StepsFile.Score?, _ validation: BatchScore?) -> String {
        let validationCells = validation.map { "\(format($0.meanLoss)) | \(percent($0.accuracy))" } ?? "– | –"
        let calibrationCells = calibration.map { "\(format($0.loss)) | \(percent($0.top1))" } ?? "– | –"
        return "| \(name) | \(calibrationCells) | \(validationCells) |"
    }

    private func pSweepSection() -> [String] {
        guard !steps.pSweep.isEmpty else { return [] }
        var lines = ["## Lp initialization: loss over p", "", "| p | loss | top-1 |", "|---|---|---|"]
        lines += steps.pSweep.map { "| \(format($0.p)) | \(format($0.loss)) | \(percent($0.top1)) |" }
        if let pStar = steps.pStar {
            lines += ["", "p* = \(format(pStar)): \(steps.pStarSource ?? "")."]
        }
        return lines + [""]
    }

    private func powellSection() -> [String] {
        guard !powellTrace.isEmpty else { return [] }
        return ["## Powell's method", "", "Loss after each line search:", "",
                powellTrace.map(format).joined(separator: " → "), ""]
    }

    private func pointsTable() -> [String] {
        ["## Step sizes", "", "| point | bits | signed | Δ | α | Δ at start |", "|---|---|---|---|---|---|"]
            + steps.points.map {
                "| `\($0.name)` | \($0.bits) | \($0.signed ? "yes" : "no") | \(format($0.stepSize)) | "
                    + "\(format($0.clipValue)) | \(format($0.initialStepSize)) |"
            }
    }

    private func timingLines() -> [String] {
        guard !steps.timings.isEmpty else { return [] }
        return ["", "## Timings", ""] + steps.timings.keys.sorted().map { "- \($0): \(format(steps.timings[$0] ?? 0)) s" }
    }
}

/// Four significant decimals, enough to compare losses and step sizes by eye.
func format(_ value: Double) -> String {
    guard value.isFinite else { return "\(value)" }
    let magnitude = abs(value)
    if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e5) {
        return String(describing: Float(value))
    }
    return String(describing: (value * 10_000).rounded() / 10_000)
}

func percent(_ fraction: Double) -> String {
    fraction.isFinite ? "\((fraction * 10_000).rounded() / 100)%" : "–"
}
