import LAPQCalibration

/// The table of float and quantized loss and top-1 that `calibrate` and `compare` print: the
/// first run's FP32 row, then one row per run.
enum ResultTable {
    static func render(_ runs: [StepsFile]) -> String {
        var rows = [["model", "calib loss", "calib top-1", "val loss", "val top-1"]]
        if let first = runs.first {
            rows.append(cells("FP32", first.calibrationScores["float"], first.validationScores["float"]))
        }
        for run in runs {
            rows.append(cells(run.runLabel, run.calibrationScores["quantized"], run.validationScores["quantized"]))
        }
        return rows.map { $0[0].padding(22) + $0[1...].map { $0.padding(12) }.joined() }.joined(separator: "\n")
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
