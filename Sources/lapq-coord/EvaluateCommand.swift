import ArgumentParser
import Foundation
import LAPQCalibration
import LAPQEngine

/// `lapq-coord evaluate`: loss and top-1 of the float model, or of it quantized with steps.json.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Report loss and top-1 of the float or quantized model on a data set.")

    @Option(help: "The model (ONNX).")
    var model: String

    @Option(help: "The data manifest (lapq-coord manifest).")
    var data: String

    @Option(help: "A steps.json from `lapq-coord calibrate`; without it the float model runs.")
    var steps: String?

    @Option(help: "oneDNN threads (default: all cores).")
    var threads: Int?

    @Option(help: ArgumentHelp("Write the model's first output for every sample here, in manifest order, as raw "
                               + "little-endian float32 (numpy: fromfile(path, '<f4')).", valueName: "file"))
    var logits: String?

    @Option(help: ArgumentHelp("Write the float value every activation point quantizes, per sample, into this folder: "
                               + "<point>.f32 (raw little-endian float32) and points.json naming them.",
                               valueName: "folder"))
    var activations: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        try requireExistingFiles(["--model": model, "--data": data, "--steps": steps])
        if let threads, threads < 1 { throw ValidationError("--threads \(threads): need at least one") }
    }

    func run() throws {
        let job = EvaluationJob(model: URL(fileURLWithPath: model), data: URL(fileURLWithPath: data),
                                steps: steps.map { URL(fileURLWithPath: $0) }, threads: threads,
                                dump: EvaluationDump(logits: logits.map { URL(fileURLWithPath: $0) },
                                                     activations: activations.map { URL(fileURLWithPath: $0) }))
        let score = try reportingErrors { try job.run() }
        if json {
            print("{\"loss\": \(score.meanLoss), \"top1\": \(score.accuracy), \"samples\": \(score.count)}")
        } else {
            let what = steps == nil ? "float" : "quantized (\(steps ?? ""))"
            print("\(what): loss \(formatNumber(score.meanLoss)), top-1 \(formatPercent(score.accuracy)) "
                  + "over \(score.count) samples")
        }
    }
}
