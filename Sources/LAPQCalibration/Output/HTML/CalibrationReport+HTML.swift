import Foundation

/// report.html: the run of report.md drawn — scores as bars, the p sweep with its parabola,
/// Powell's trace — and the per-point table, from the steps file alone (docs/formats.md).
extension CalibrationReport {
    public func html() -> String {
        let figures = RunFigures(steps: steps)
        var sections = [HTMLMarkup.element("h1", [:], "lapq calibration report"), summary(),
                        HTMLMarkup.element("h2", [:], "Accuracy"), figureRow(figures.scores()),
                        RunFigures.scoreTable(figures.scoreRows())]
        if let note = biasCorrectionChoiceNote {
            sections.append(HTMLMarkup.element("p", ["class": "note"], HTMLMarkup.escape(note)))
        }
        if let sweep = figures.pSweep() {
            sections += [HTMLMarkup.element("h2", [:], "Lp initialization: loss over p"), figureRow([sweep]), pStarNote()]
        }
        if let powell = figures.powell() {
            sections += [HTMLMarkup.element("h2", [:], "Powell's method"), figureRow([powell]), powellNote()]
        }
        sections += [HTMLMarkup.element("h2", [:], "Quantization points"), pointsTable()] + pointCostHTML()
        return HTMLMarkup.document(title: "lapq report: \(steps.runLabel)", body: sections.joined(separator: "\n"))
    }

    private func summary() -> String {
        var items = ["model: " + HTMLMarkup.element("code", [:], HTMLMarkup.escape(steps.model)),
                     "calibration data: " + HTMLMarkup.element("code", [:], HTMLMarkup.escape(steps.calibrationData)),
                     HTMLMarkup.escape("method: \(steps.method.rawValue), \(steps.settingsDescription)"),
                     HTMLMarkup.escape("loss evaluations: \(steps.evaluations)" + (evaluationBreakdown.map { " (\($0))" } ?? ""))]
        if !steps.timings.isEmpty {
            items.append(HTMLMarkup.escape("wall clock: " + steps.timings.keys.sorted().map {
                "\($0) " + String(format: "%.1f s", steps.timings[$0] ?? 0)
            }.joined(separator: ", ")))
        }
        return HTMLMarkup.element("ul", [:], items.map { HTMLMarkup.element("li", [:], $0) }.joined())
    }

    func figureRow(_ figures: [String]) -> String {
        HTMLMarkup.element("div", ["class": "figures"], "\n" + figures.joined(separator: "\n") + "\n")
    }

    private func pStarNote() -> String {
        var text = steps.pStar.map { "p* = \(formatNumber($0)): \(steps.pStarSource ?? "")." } ?? ""
        if let fit = steps.pSweepFit {
            // A negative coefficient reads "− 0.95 p", not "+ -0.95 p".
            func term(_ value: Double) -> String { (value < 0 ? " − " : " + ") + formatNumber(abs(value)) }
            text += " Fitted L(p) = \(formatNumber(fit.a)) p²\(term(fit.b)) p\(term(fit.c))."
        }
        return HTMLMarkup.element("p", ["class": "note"], HTMLMarkup.escape(text))
    }

    private func powellNote() -> String {
        let trace = powellTrace
        let first = steps.calibrationScores["initial"]?.loss ?? trace.first ?? .nan
        let iterations = (steps.powellIterations ?? []).map {
            "\($0.iteration): \(formatNumber($0.loss)) (\($0.evaluations) evaluations)"
        }
        var text = "\(trace.count) line searches; calibration loss \(formatNumber(first)) at p* → "
            + "\(formatNumber(trace.last ?? .nan)) after the last."
        if !iterations.isEmpty { text += " Loss after each iteration: " + iterations.joined(separator: ", ") + "." }
        if let note = alternativeStartNote { text += " " + note }
        return HTMLMarkup.element("p", ["class": "note"], HTMLMarkup.escape(text))
    }
}
