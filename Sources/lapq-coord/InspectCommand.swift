import ArgumentParser
import Foundation
import LAPQCalibration
import LAPQEngine

/// `lapq-coord inspect`: what lapq will run and quantize for a model under the plan flags, read
/// from the file alone (no data), so a user can check it before a long calibration.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show the graph lapq runs for a model, its shapes, and the quantization points the flags make.")

    @Option(help: "The model (ONNX).")
    var model: String

    @OptionGroup(title: "Quantization plan")
    var plan: PlanOptions

    @Flag(help: "Print the inspection as JSON (docs/formats.md).")
    var json = false

    func validate() throws {
        try requireExistingFiles(["--model": model])
    }

    func run() throws {
        let settings = try plan.settings()
        let inspection = try reportingErrors { try ModelInspection(contentsOf: URL(fileURLWithPath: model), settings: settings) }
        if json {
            print(String(decoding: try LAPQJSON.encoder(pretty: true).encode(inspection), as: UTF8.self))
        } else {
            print(InspectionText.render(inspection, model: model))
        }
    }
}
