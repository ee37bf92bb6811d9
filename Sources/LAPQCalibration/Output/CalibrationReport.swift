import LAPQEngine

/// `report.md`: what a person reads after a calibration — accuracy before and after on the
/// calibration and validation sets, the p sweep and its fit, Powell's progress, the steps, and
/// what each quantization point costs once `lapq-coord sensitivity` has measured it. Drawn from
/// the run's files alone, so a later command can render it again.
public struct CalibrationReport {
    public var steps: StepsFile
    /// The cost of each quantization point (sensitivity.json), when it was measured.
    public var sensitivity: SensitivityFile?

    public init(steps: StepsFile, sensitivity: SensitivityFile? = nil) {
        self.steps = steps
        self.sensitivity = sensitivity
    }

    /// Powell's loss after each line search (empty when Powell did not run).
    public var powellTrace: [Double] { steps.powellTrace ?? [] }

    public func markdown() -> String {
        var lines = ["# lapq calibration report", "",
                     "- model: `\(steps.model)`", "- calibration data: `\(steps.calibrationData)`",
                     "- method: \(steps.method.rawValue), \(steps.settingsDescription)",
                     "- loss evaluations: \(steps.evaluations)", ""]
        lines += accuracyTable() + [""] + (biasCorrectionChoiceNote.map { [$0, ""] } ?? []) + pSweepSection()
            + powellSection() + pointsTable() + pointCostSection() + pathsTable() + timingLines()
        return lines.joined(separator: "\n") + "\n"
    }

    private func accuracyTable() -> [String] {
        let calibration = steps.calibrationScores
        var rows = ["## Accuracy", "",
                    "| model | calibration loss | calibration top-1 | validation loss | validation top-1 |",
                    "|---|---|---|---|---|"]
        let validation = steps.validationScores
        rows.append(row("FP32", calibration["float"], validation["float"]))
        if steps.method == .lapq, let initial = calibration["initial"] {
            rows.append("| start of Powell (p*) | \(formatNumber(initial.loss)) | \(formatPercent(initial.top1)) | | |")
        }
        rows.append(row("quantized (\(steps.method.rawValue))", calibration["quantized"], validation["quantized"]))
        return rows
    }

    private func row(_ name: String, _ calibration: StepsFile.Score?, _ validation: StepsFile.Score?) -> String {
        let cells = { (score: StepsFile.Score?) in score.map { "\(formatNumber($0.loss)) | \(formatPercent($0.top1))" } ?? "– | –" }
        return "| \(name) | \(cells(calibration)) | \(cells(validation)) |"
    }

    private func pSweepSection() -> [String] {
        guard !steps.pSweep.isEmpty else { return [] }
        var lines = ["## Lp initialization: loss over p", "", "| p | loss | top-1 |", "|---|---|---|"]
        lines += steps.pSweep.map { "| \(formatNumber($0.p)) | \(formatNumber($0.loss)) | \(formatPercent($0.top1)) |" }
        if let pStar = steps.pStar {
            lines += ["", "p* = \(formatNumber(pStar)): \(steps.pStarSource ?? "")."]
        }
        return lines + [""]
    }

    private func powellSection() -> [String] {
        guard !powellTrace.isEmpty else { return [] }
        let iterations = (steps.powellIterations ?? []).map {
            "| \($0.iteration) | \(formatNumber($0.loss)) | \($0.evaluations) |"
        }
        let iterationTable = iterations.isEmpty ? []
            : ["Loss after each iteration (a line search along every direction):", "",
               "| iteration | loss | evaluations so far |", "|---|---|---|"] + iterations + [""]
        return ["## Powell's method", "", "Loss after each line search:", "",
                powellTrace.map(formatNumber).joined(separator: " → "), ""] + iterationTable
            + (alternativeStartNote.map { [$0, ""] } ?? [])
    }

    /// With `--p-star both`: where Powell's other start began and ended, or why it had none.
    var alternativeStartNote: String? {
        guard steps.method == .lapq, steps.pStarRule == .both else { return nil }
        guard let other = steps.alternativeStart else {
            return "Powell ran once, from p*: no sampled p scored below it (--p-star both)."
        }
        let kept = steps.calibrationScores["quantized"].map { ", above this run's \(formatNumber($0.loss))" } ?? ""
        return "Powell also ran from p = \(formatNumber(other.pStar)) (loss \(formatNumber(other.initial.loss)) at its start): "
            + "in \(other.powellEvaluations) evaluations it ended at \(formatNumber(other.final.loss)) "
            + "(top-1 \(formatPercent(other.final.top1)))\(kept); --p-star both keeps the lower."
    }

    /// With `--bias-correction-both`: which of the two runs this is, and how the other ended.
    var biasCorrectionChoiceNote: String? {
        guard let choice = steps.biasCorrectionChoice else { return nil }
        let (kept, other) = steps.plan.correctsWeightBias ? ("with", "without") : ("without", "with")
        let own = steps.calibrationScores["quantized"].map { formatNumber($0.loss) } ?? "–"
        var text = "Calibrated without and with bias correction (--bias-correction-both): this is the run \(kept) it "
            + "(\(choice.kept)/), calibration loss \(own) against \(formatNumber(choice.otherCalibration.loss)) "
            + "\(other) it (\(choice.other)/"
        if let validation = choice.otherValidation {
            text += "; validation top-1 \(formatPercent(validation.top1)), loss \(formatNumber(validation.loss))"
        }
        return text + "). The lower calibration loss is kept; the two runs took \(steps.evaluations + choice.otherEvaluations) "
            + "loss evaluations together."
    }

    /// A per-channel weight's row gives its largest channel's Δ and α, and says how many
    /// channels and how far their Δ spread.
    private func pointsTable() -> [String] {
        ["## Step sizes", "", "| point | bits | signed | Δ | α | Δ at start |", "|---|---|---|---|---|---|"]
            + steps.points.map { point in
                let channels = point.channelStepSizes.map { steps in
                    " (\(steps.count) channels, Δ_c \(formatNumber(steps.min() ?? .nan))…\(formatNumber(steps.max() ?? .nan)))"
                } ?? ""
                return "| `\(point.name)`\(channels) | \(point.bits) | \(point.signed ? "yes" : "no") | "
                    + "\(formatNumber(point.stepSize)) | \(formatNumber(point.clipValue)) | \(formatNumber(point.initialStepSize)) |"
            }
    }

    /// Which layers ran on int8 codes and which on f32 fake-quant, with the rule's reason
    /// (the same on every host, docs/engine.md).
    private func pathsTable() -> [String] {
        guard let paths = steps.layerPaths, !paths.isEmpty else { return [] }
        let integer = paths.filter { $0.kind == .int8 }.count
        let summary = integer == paths.count ? "All \(integer) quantized layers computed on int8 codes."
            : "\(integer) of \(paths.count) quantized layers computed on int8 codes, the others on fake-quantized f32 values."
        return ["", "## Compute path", "", summary, "",
                "| layer | path | why |", "|---|---|---|"]
            + paths.map { "| `\($0.node)` | \($0.kind.rawValue) | \($0.reason) |" }
    }

    private func timingLines() -> [String] {
        guard !steps.timings.isEmpty else { return [] }
        return ["", "## Timings", ""] + steps.timings.keys.sorted().map { "- \($0): \(formatNumber(steps.timings[$0] ?? 0)) s" }
            + evaluationLines()
    }

    /// The loss evaluations each phase used, in the order the phases run.
    private func evaluationLines() -> [String] {
        evaluationBreakdown.map { ["", "Loss evaluations: \($0) (\(steps.evaluations) in all)."] } ?? []
    }

    /// "float baseline 1, p sweep 11, powell 143", or nil for a file without the counts.
    var evaluationBreakdown: String? {
        guard let counts = steps.phaseEvaluations, !counts.isEmpty else { return nil }
        let order = CalibrationProgress.Phase.allCases.map(\.rawValue)
        let phases = counts.keys.sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
        return phases.map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", ")
    }
}
