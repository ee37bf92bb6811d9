import ArgumentParser
import Foundation
import LAPQCalibration

/// `lapq-coord compare`: one table of the float and quantized accuracy of several calibration
/// runs (their output directories), e.g. to compare methods or bit widths; with `--html`, also
/// a page drawing them side by side.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Tabulate loss and top-1 of calibration runs side by side.")

    @Argument(help: "Output directories of `lapq-coord calibrate` (each holds steps.json).")
    var runs: [String]

    @Option(help: ArgumentHelp("Also write an HTML page drawing the runs side by side.", valueName: "file"))
    var html: String?

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("name at least one output directory") }
    }

    func run() throws {
        let files = try reportingErrors {
            try runs.map { try StepsFile.read(from: URL(fileURLWithPath: $0).appendingPathComponent(StepsFile.fileName)) }
        }
        print(ResultTable.render(Array(zip(runs, files))))
        if let html {
            let page = ComparisonPage(runs: zip(runs, files).map { ComparisonPage.Run(directory: $0, steps: $1) })
            try reportingErrors { try page.write(to: URL(fileURLWithPath: html)) }
            print("wrote \(html)")
        }
    }
}
