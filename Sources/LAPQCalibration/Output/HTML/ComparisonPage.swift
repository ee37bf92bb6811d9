import Foundation

/// The `lapq-coord compare --html` page: several calibration runs side by side — every run's
/// loss and top-1 as bars and as a table (`ComparedRuns`' rows, as compare's text table), then
/// each run's own p sweep and Powell figures where that phase ran.
public struct ComparisonPage {
    public struct Run {
        /// The run's output directory, as given.
        public var directory: String
        public var steps: StepsFile

        public init(directory: String, steps: StepsFile) {
            self.directory = directory
            self.steps = steps
        }
    }

    public var runs: [Run]

    public init(runs: [Run]) { self.runs = runs }

    public func html() -> String {
        let compared = ComparedRuns(runs.map { ($0.directory, $0.steps) })
        var sections = [HTMLMarkup.element("h1", [:], "lapq: calibration runs compared"),
                        HTMLMarkup.element("h2", [:], "Loss and top-1")]
        sections += scoreCharts(compared.rows) + [RunFigures.scoreTable(compared.rows), HTMLMarkup.element("h2", [:], "Runs")]
        let cards = zip(runs, compared.names).map { card($0, name: $1) }
        sections.append(HTMLMarkup.element("div", ["class": "runs"], "\n" + cards.joined(separator: "\n") + "\n"))
        return HTMLMarkup.document(title: "lapq compare: " + compared.names.joined(separator: ", "), body: sections.joined(separator: "\n"))
    }

    public func write(to url: URL) throws {
        do { try Data(html().utf8).write(to: url, options: .atomic) } catch {
            throw OutputError.unwritable(file: url.path, reason: error.localizedDescription)
        }
    }

    /// One group of bars per row of the table: calibration and validation side by side.
    private func scoreCharts(_ rows: [RunFigures.ScoreRow]) -> [String] {
        let validated = rows.contains { $0.validation != nil }
        let sets = validated ? ["calibration", "validation"] : ["calibration"]
        func groups(_ value: (StepsFile.Score) -> Double) -> [BarChart.Group] {
            rows.map { row in
                BarChart.Group(label: row.name, values: [row.calibration.map(value)] + (validated ? [row.validation.map(value)] : []))
            }
        }
        return [
            BarChart(title: "Loss (lower is better)", kind: "loss", yLabel: "mean cross-entropy", seriesNames: sets,
                     groups: groups(\.loss), width: 1080, height: 320).svg(),
            BarChart(title: "Top-1 accuracy", kind: "top1", yLabel: "top-1", seriesNames: sets,
                     groups: groups(\.top1), style: .percent, width: 1080, height: 320).svg(),
        ]
    }

    private func card(_ run: Run, name: String) -> String {
        let figures = RunFigures(steps: run.steps, plotWidth: 480, plotHeight: 290)
        let plots = [figures.pSweep(), figures.powell()].compactMap { $0 }
        var facts = "\(run.steps.evaluations) loss evaluations"
        if let pStar = run.steps.pStar { facts += "; p* = \(formatNumber(pStar)): \(run.steps.pStarSource ?? "")" }
        let report = CalibrationReport(steps: run.steps)
        for note in [report.alternativeStartNote, report.biasCorrectionChoiceNote].compactMap({ $0 }) { facts += ". " + note }
        let body = plots.isEmpty
            ? HTMLMarkup.element("p", ["class": "note"], HTMLMarkup.escape("\(run.steps.method.rawValue) has no p sweep and no Powell phase."))
            : HTMLMarkup.element("div", ["class": "figures"], "\n" + plots.joined(separator: "\n") + "\n")
        return HTMLMarkup.element("div", ["class": "run"], [
            HTMLMarkup.element("h3", [:], HTMLMarkup.escape(name)),
            HTMLMarkup.element("p", [:], HTMLMarkup.element("code", [:], HTMLMarkup.escape(run.directory))
                               + HTMLMarkup.escape(" — \(run.steps.settingsDescription); \(facts)")),
            body,
        ].joined(separator: "\n"))
    }
}
