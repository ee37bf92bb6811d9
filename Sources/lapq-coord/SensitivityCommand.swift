import ArgumentParser
import Foundation
import LAPQCalibration

/// `lapq-coord sensitivity`: what each quantization point of a finished run costs — the loss
/// with that point alone restored to `--bits` — written to the run's sensitivity.json and its
/// report (docs/algorithms.md, "Cost of each quantization point").
struct SensitivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensitivity",
        abstract: "Measure what each quantization point of a run costs, restoring one point at a time to a wider width.")

    @Option(name: .customLong("run"), help: ArgumentHelp("A finished `lapq-coord calibrate` output directory (its steps.json names the model).",
                               valueName: "directory"))
    var runDirectory: String

    @Option(help: "The data manifest to measure on: a validation manifest says what a point costs on held-out data; the calibration manifest, how much the run's fit to its own images leans on it.")
    var data: String

    @Option(help: "The width each point is restored to, with max-abs steps (2…8, above every point's own).")
    var bits = 8

    @OptionGroup
    var workers: LocalWorkerOptions

    @Flag(help: "Print sensitivity.json on standard output instead of the table.")
    var json = false

    func validate() throws {
        let steps = URL(fileURLWithPath: runDirectory).appendingPathComponent(StepsFile.fileName).path
        try requireExistingFiles(["--run": steps, "--data": data])
    }

    func run() throws {
        var configuration = SensitivityJob.Configuration(runDirectory: URL(fileURLWithPath: runDirectory),
                                                         data: URL(fileURLWithPath: data))
        configuration.restoredBits = bits
        workers.apply(to: &configuration.local)
        let printer = ProgressPrinter()
        let outcome = try reportingErrors { try SensitivityJob(configuration: configuration).run(log: printer.log) }
        if json {
            print(String(decoding: try LAPQJSON.encoder(pretty: true).encode(outcome.sensitivity), as: UTF8.self))
        } else {
            print(PointCostTable.render(outcome.sensitivity))
            print("wrote " + outcome.files.map(\.path).joined(separator: ", "))
        }
    }
}
