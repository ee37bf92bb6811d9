import LAPQCalibration

/// The table of float and quantized loss and top-1 that `calibrate` and `compare` print: the
/// rows of `ComparedRuns` (a float row per model, one row per run).
enum ResultTable {
    static func render(_ runs: [(directory: String, steps: StepsFile)]) -> String {
        let rows = [["model", "calib loss", "calib top-1", "val loss", "val top-1"]]
            + ComparedRuns(runs).rows.map { cells($0.name, $0.calibration, $0.validation) }
        let nameWidth = max(22, rows.map { $0[0].count + 2 }.max() ?? 0)
        return rows.map { $0[0].padding(nameWidth) + $0[1...].map { $0.padding(12) }.joined() }.joined(separator: "\n")
    }

    private static func cells(_ name: String, _ calibration: StepsFile.Score?, _ validation: StepsFile.Score?) -> [String] {
        [name] + [calibration, validation].flatMap { score in
            [score.map { formatNumber($0.loss) } ?? "–", score.map { formatPercent($0.top1) } ?? "–"]
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
