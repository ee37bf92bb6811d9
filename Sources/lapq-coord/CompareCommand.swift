import ArgumentParser
import Foundation
import LAPQCalibration

/// `lapq-coord compare`: one table of the float and quantized accuracy of several calibration
/// runs (their output directories), e.g. to compare methods or bit widths.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Tabulate loss and top-1 of calibration runs side by side.")

    @Argument(help: "Output directories of `lapq-coord calibrate` (each holds steps.json).")
    var runs: [String]

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("name at least one output directory") }
    }

    func run() throws {
        let files = try reportingErrors {
            try runs.map { try StepsFile.read(from: URL(fileURLWithPath: $0).appendingPathComponent("steps.json")) }
        }
        var rows = [["model", "calib loss", "calib top-1", "val loss", "val top-1"]]
        if let first = files.first {
            rows.append(cells("FP32", first.calibrationScores["float"], first.validationScores["float"]))
        }
        for file in files {
            rows.append(cells("W\(file.weightBits)/A\(file.activationBits) \(file.method.rawValue)",
                              file.calibrationScores["quantized"], file.validationScores["quantized"]))
        }
        for row in rows {
            print(row[0].padding(22) + row[1...].map { $0.padding(12) }.joined())
        }
    }

    private func cells(_ name: String, _ calibration: StepsFile.Score?, _ validation: StepsFile.Score?) -> [String] {
        [name] + [calibration, validation].flatMap { score in
            [score.map { ResultTable.fixed($0.loss) } ?? "–", score.map { ResultTable.percent($0.top1) } ?? "–"]
        }
    }
}
