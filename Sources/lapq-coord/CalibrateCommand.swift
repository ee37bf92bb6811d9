import ArgumentParser
import Foundation
import LAPQCalibration
import LAPQCluster
import LAPQEngine

/// `lapq-coord calibrate`: runs LAPQ (or a baseline) on local workers and writes steps.json,
/// report.md, report.html and the exported model (model.qdq.onnx, or model.int4.onnx with
/// `--export-format int4`).
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Calibrate step sizes on a calibration set and export a quantized model.")

    @Option(help: "The trained model (ONNX).")
    var model: String

    @Option(help: "The calibration manifest (lapq-coord manifest).")
    var calib: String

    @Option(help: "A validation manifest, for accuracy before and after (with --bind, the workers evaluate it too).")
    var val: String?

    @OptionGroup(title: "Quantization plan")
    var plan: PlanOptions

    @Option(help: "lapq, lp-init, mmse, maxabs, percentile (onnxruntime's) or entropy (TensorRT's).")
    var method: CalibrationMethod = .lapq

    @Flag(help: ArgumentHelp("Calibrate twice, without and with --bias-correction (into OUT/without-bias-correction and "
                             + "OUT/with-bias-correction), and keep the run with the lower calibration loss in OUT: "
                             + "twice the evaluations."))
    var biasCorrectionBoth = false

    @Option(help: "Cap on Powell's loss evaluations.")
    var maxEvals: Int?

    @Option(help: "Powell iterations (sweeps over all step sizes).")
    var maxIterations = 2

    @Flag(help: "Let Powell move step sizes without bounds, as the paper's code does (default: each step stays between a tenth of its Lp-optimal value and its max-abs value).")
    var unboundedPowell = false

    @Option(name: .customLong("p-star"),
            help: ArgumentHelp("Where Powell starts: vertex (the paper's: the vertex of the parabola fitted to the loss over p) "
                               + "lowest-loss (the sampled p instead when its measured loss is lower; no extra evaluation), "
                               + "or both (Powell from each of the two, keeping the lower final loss; up to twice Powell's evaluations).",
                               valueName: "rule"))
    var pStarRule = PStarRule.vertex

    @OptionGroup
    var workers: LocalWorkerOptions

    @Option(help: "MiB per local worker for prefix snapshots, which let Powell skip the layers before a changed step size.")
    var prefixCacheMib = 1024

    @Option(help: "MiB of decoded calibration shards kept in memory (all local workers together).")
    var shardCacheMib = 4096

    @Option(help: ArgumentHelp("The exported model's code types: int8 (model.qdq.onnx, opset 13) or int4 "
                               + "(model.int4.onnx, opset 21: points of ≤ 4 bits as int4/uint4, weights packed).",
                               valueName: "format"))
    var exportFormat = QDQExportFormat.int8

    @Option(help: "Output directory.")
    var out = "lapq-out"

    @Option(help: "Continue the run whose output directory (and checkpoint) is DIR.")
    var resume: String?

    @Flag(help: "Print steps.json (with the validation scores) on standard output instead of the table.")
    var json = false

    @OptionGroup(title: "Distributed evaluation")
    var cluster: ClusterOptions

    func validate() throws {
        try requireExistingFiles(["--model": model, "--calib": calib, "--val": val])
        try requireDirectoryOrNothing(resume.map { ("--resume", $0) } ?? ("--out", out))
        guard prefixCacheMib >= 0 else { throw ValidationError("--prefix-cache-mib \(prefixCacheMib): cannot be negative") }
        guard shardCacheMib >= 0 else { throw ValidationError("--shard-cache-mib \(shardCacheMib): cannot be negative") }
        if let maxEvals, maxEvals < 1 { throw ValidationError("--max-evals \(maxEvals): need at least one") }
        guard maxIterations >= 1 else { throw ValidationError("--max-iterations \(maxIterations): need at least one") }
        if biasCorrectionBoth, plan.biasCorrection {
            throw ValidationError("--bias-correction-both runs with and without --bias-correction: give one of the two")
        }
    }

    func run() throws {
        var configuration = CalibrationJob.Configuration(
            model: URL(fileURLWithPath: model), calibrationManifest: URL(fileURLWithPath: calib),
            plan: try plan.settings(),
            outputDirectory: URL(fileURLWithPath: resume ?? out))
        configuration.validationManifest = val.map { URL(fileURLWithPath: $0) }
        configuration.settings.method = method
        configuration.settings.powell.maxEvaluations = maxEvals
        configuration.settings.powell.maxIterations = maxIterations
        if unboundedPowell { configuration.settings.stepBounds = nil }
        configuration.settings.pStarRule = pStarRule
        workers.apply(to: &configuration.local)
        configuration.local.prefixCacheBytes = prefixCacheMib << 20
        configuration.local.shardCacheBytes = shardCacheMib << 20
        configuration.resume = resume != nil
        configuration.exportFormat = exportFormat
        let printer = ProgressPrinter()
        configuration.makeOracles = try reportingErrors {
            try cluster.oracleOptions().map { ClusterLossOracle.factory(options: $0, log: { printer.log($0) }) }
        }
        if biasCorrectionBoth {
            let job = BiasCorrectionChoiceJob(configuration: configuration)
            let outcome = try reportingErrors {
                try job.run(starting: { printer.restart(announcing: "calibrating into \($0.path)") }, progress: printer.report)
            }
            try printResult(outcome.steps, table: Array(zip(outcome.runDirectories.map(\.path), outcome.runs.map(\.steps))),
                            files: outcome.files,
                        note: outcome.steps.biasCorrectionChoice.map { "kept \($0.kept) (the lower calibration loss) in \(resume ?? out)" })
        } else {
            let outcome = try reportingErrors { try CalibrationJob(configuration: configuration).run(progress: printer.report) }
            try printResult(outcome.steps, table: [(resume ?? out, outcome.steps)], files: outcome.files, note: nil)
        }
    }

    /// steps.json with `--json`, else the result table, the note and the files written.
    private func printResult(_ steps: StepsFile, table: [(String, StepsFile)], files: [URL], note: String?) throws {
        if json {
            print(String(decoding: try LAPQJSON.encoder(pretty: true).encode(steps), as: UTF8.self))
        } else {
            print(ResultTable.render(table))
            if let note { print(note) }
            print("wrote " + files.map(\.path).joined(separator: ", "))
        }
    }

}

extension CalibrationMethod: ExpressibleByArgument {}
extension QDQExportFormat: ExpressibleByArgument {}
extension PStarRule: ExpressibleByArgument {}
