import LAPQMath

/// The figures of one calibration run, drawn from its steps file alone, so report.html and the
/// `compare --html` page show a run the same way. A phase that did not run (no p sweep for
/// mmse and maxabs, no Powell trace but for lapq) has no figure.
struct RunFigures {
    let steps: StepsFile
    /// Size of the line plots: the report's, or smaller for the compare page's run cards.
    var plotWidth = 540.0
    var plotHeight = 320.0

    /// Loss over p of the Lp-optimal step vectors (phase 2), the parabola fitted to them, and p*.
    func pSweep() -> String? {
        guard !steps.pSweep.isEmpty else { return nil }
        var series = [LinePlot.Series(name: "loss of Δ(p)", points: steps.pSweep.map { ($0.p, $0.loss) }, mark: .points)]
        if let fit = steps.pSweepFit {
            let range = fit.sampledRange, count = 64
            let curve = (0...count).map { index -> (x: Double, y: Double) in
                let p = range.lowerBound + (range.upperBound - range.lowerBound) * Double(index) / Double(count)
                return (p, fit.value(at: p))
            }
            series.append(.init(name: "fitted parabola", points: curve, mark: .line))
        }
        var markers = steps.pStar.map { [LinePlot.Marker(x: $0, label: "p* = \(formatNumber($0))")] } ?? []
        if let other = steps.alternativeStart {
            markers.append(LinePlot.Marker(x: other.pStar, label: "other start p = \(formatNumber(other.pStar))"))
        }
        return LinePlot(title: "Lp initialization: loss over p", kind: "p-sweep", xLabel: "p",
                        yLabel: "calibration loss", series: series, markers: markers,
                        width: plotWidth, height: plotHeight).svg()
    }

    /// Powell's loss after each line search (phase 3), from the loss at p* (line search 0); with
    /// `--p-star both`, the other start's beside it.
    func powell() -> String? {
        guard let trace = steps.powellTrace, !trace.isEmpty else { return nil }
        func points(start: Double?, trace: [Double]) -> [(x: Double, y: Double)] {
            (start.map { [(x: 0.0, y: $0)] } ?? []) + trace.enumerated().map { (x: Double($0.offset + 1), y: $0.element) }
        }
        var series = [LinePlot.Series(name: "calibration loss", points: points(start: steps.calibrationScores["initial"]?.loss,
                                                                               trace: trace), mark: .lineAndPoints)]
        if let other = steps.alternativeStart, let pStar = steps.pStar {
            series[0].name = "kept start, p = \(formatNumber(pStar))"
            series.append(.init(name: "other start, p = \(formatNumber(other.pStar))",
                                points: points(start: other.initial.loss, trace: other.powellTrace), mark: .line))
        }
        return LinePlot(title: "Powell's method: loss after each line search", kind: "powell", xLabel: "line search",
                        yLabel: "calibration loss", series: series,
                        integerX: true, width: plotWidth, height: plotHeight).svg()
    }

    /// A model's name and its scores on the two sets: a bar series, a row of the score table.
    typealias ScoreRow = ComparedRuns.Row

    /// FP32, Powell's start at p* (lapq only) and the quantized model.
    func scoreRows() -> [ScoreRow] {
        let calibration = steps.calibrationScores, validation = steps.validationScores
        var rows: [ScoreRow] = [("FP32", calibration["float"], validation["float"])]
        if steps.method == .lapq, let initial = calibration["initial"] { rows.append(("start of Powell (p*)", initial, nil)) }
        rows.append(("quantized (\(steps.method.rawValue))", calibration["quantized"], validation["quantized"]))
        return rows
    }

    /// Loss and top-1 per model on both sets ("–" where a set was not scored); the report and
    /// the compare page print their scores with it.
    static func scoreTable(_ rows: [ScoreRow]) -> String {
        func cells(_ score: StepsFile.Score?) -> [HTMLTable.Cell] {
            [.number(score.map { formatNumber($0.loss) } ?? "–"), .number(score.map { formatPercent($0.top1) } ?? "–")]
        }
        return HTMLTable(headers: ["model", "calibration loss", "calibration top-1", "validation loss", "validation top-1"],
                         rows: rows.map { [HTMLTable.Cell(text: $0.name)] + cells($0.calibration) + cells($0.validation) }).markup()
    }

    /// Loss and top-1 of `scoreRows` on the calibration set and, when there was one, the
    /// validation set. Two charts, as their scales differ.
    func scores() -> [String] {
        let rows = scoreRows()
        let sets = steps.validationScores.isEmpty ? ["calibration"] : ["calibration", "validation"]
        func groups(_ value: (StepsFile.Score) -> Double) -> [BarChart.Group] {
            sets.map { set in
                BarChart.Group(label: set, values: rows.map { (set == "calibration" ? $0.calibration : $0.validation).map(value) })
            }
        }
        return [
            BarChart(title: "Loss (lower is better)", kind: "loss", yLabel: "mean cross-entropy",
                     seriesNames: rows.map(\.name), groups: groups(\.loss)).svg(),
            BarChart(title: "Top-1 accuracy", kind: "top1", yLabel: "top-1", seriesNames: rows.map(\.name),
                     groups: groups(\.top1), style: .percent).svg(),
        ]
    }
}

extension StepsFile {
    /// The parabola phase 2 fitted, refitted from the stored sweep with the driver's own
    /// `QuadraticFit`: the same (p, loss) pairs give the same coefficients, so steps.json need
    /// not store them. Nil when the sweep has fewer than three distinct p or non-finite losses.
    var pSweepFit: QuadraticFit? {
        let points = pSweep.map(\.p), losses = pSweep.map(\.loss)
        guard Set(points).count >= 3, (points + losses).allSatisfy(\.isFinite) else { return nil }
        let fit = QuadraticFit(points: points, losses: losses)
        return [fit.a, fit.b, fit.c].allSatisfy(\.isFinite) ? fit : nil
    }
}
