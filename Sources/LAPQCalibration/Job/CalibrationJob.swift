import Foundation
import LAPQData
import LAPQEngine
import LAPQMath

/// `lapq-coord calibrate` as a library call: load the model and data, run the driver on local
/// executors, evaluate on the validation set, write steps.json, report.md, report.html, the
/// exported model (model.qdq.onnx, or model.int4.onnx: `QDQExportFormat.fileName`) and the
/// checkpoint into the output directory.
public struct CalibrationJob {
    public struct Configuration: Sendable {
        public var model: URL
        public var calibrationManifest: URL
        public var validationManifest: URL?
        public var plan: PlanSettings
        public var settings = CalibrationSettings()
        /// The executors that evaluate on this machine (unless `makeCalibrationOracle` replaces
        /// them for the search; the validation set always runs on them).
        public var local = LocalWorkers()
        public var outputDirectory: URL
        /// The code types of the exported model, which also name its file.
        public var exportFormat = QDQExportFormat.int8
        /// Continue from `outputDirectory/checkpoint.json` instead of starting over.
        public var resume = false
        /// Builds the calibration set's oracle in place of local workers (e.g. the cluster
        /// oracle of LAPQCluster, which this module cannot name); nil runs local workers.
        public var makeCalibrationOracle: LossOracleFactory?

        public init(model: URL, calibrationManifest: URL, plan: PlanSettings, outputDirectory: URL) {
            self.model = model
            self.calibrationManifest = calibrationManifest
            self.plan = plan
            self.outputDirectory = outputDirectory
        }
    }

    public struct Outcome: Sendable {
        public var steps: StepsFile
        public var files: [URL]
    }

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public func run(progress: @escaping (CalibrationProgress) -> Void = { _ in }) throws -> Outcome {
        let started = Date()
        let c = configuration
        // Read once: the graph, the resume digest and a cluster's model package all come from these bytes.
        let model = try ONNXModelFiles(contentsOf: c.model)
        let graph = try model.graph(file: c.model.relativePath)
        let plan = try QuantizationPlan(validating: graph, settings: c.plan)
        try FileManager.default.createDirectory(at: c.outputDirectory, withIntermediateDirectories: true)
        let checkpointURL = c.outputDirectory.appendingPathComponent("checkpoint.json")
        let search = try calibrate(model: model, graph: graph, plan: plan, checkpointURL: checkpointURL, progress: progress)
        let calibrated = Date()
        let finalSteps = search.record.finalSteps ?? []
        var validation: [BatchScore]?
        if let manifest = c.validationManifest {
            validation = try makeOracle(graph: graph, plan: plan, manifest: manifest).evaluate([.float, .quantized(finalSteps)])
        }
        var timings = ["calibration": calibrated.timeIntervalSince(started),
                       "validation": Date().timeIntervalSince(calibrated)]
        if let searchStarted = search.started { timings["search"] = calibrated.timeIntervalSince(searchStarted) }
        var steps = StepsFile(record: search.record, plan: plan, model: c.model.path,
                              calibrationData: c.calibrationManifest.path,
                              layerPaths: try LayerPath.paths(graph: graph, plan: plan), timings: timings)
        steps.numericsClasses = search.numericsClasses
        if let validation {
            steps.validationScores = ["float": .init(validation[0]), "quantized": .init(validation[1])]
        }
        let files = try write(steps: steps, graph: graph, plan: plan)
        return Outcome(steps: steps, files: files + [checkpointURL])
    }

    /// What the search leaves behind once its oracle is gone.
    private struct SearchOutcome {
        var record: CalibrationRecord
        var numericsClasses: NumericsClasses?
        /// When the search (Lp init, p sweep, Powell) began: what it costs per evaluation is
        /// what distribution changes, apart from the one-off setup and statistics before it.
        var started: Date?
    }

    /// Runs the driver on the calibration set's oracle. The oracle's executors hold prepared
    /// weights (a few times the model's size); they are released when this returns, before the
    /// validation oracle builds its own, so the peak is one set, not two.
    private func calibrate(model: ONNXModelFiles, graph: Graph, plan: QuantizationPlan, checkpointURL: URL,
                           progress: @escaping (CalibrationProgress) -> Void) throws -> SearchOutcome {
        let c = configuration
        let inputs = InputDigests(model: .init(model: model, path: c.model.path),
                                  calibrationManifest: try .init(contentsOf: c.calibrationManifest))
        let oracle = try makeOracle(graph: graph, plan: plan, manifest: c.calibrationManifest,
                                    factory: c.makeCalibrationOracle.map { make in { try make(model, plan, $0) } })
        let saved = c.resume ? try CheckpointFile.read(from: checkpointURL) : nil
        if let classes = saved?.numericsClasses { try oracle.restoreNumericsClasses(classes) }
        var searchStarted: Date?
        let driver = try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: c.settings,
                                           inputs: inputs, resumeFrom: saved, progress: { report in
                                               if report.phase == .layerwiseInit, searchStarted == nil { searchStarted = Date() }
                                               progress(report)
                                           },
                                           checkpoint: { record in
                                               var record = record
                                               record.numericsClasses = oracle.numericsClasses
                                               try CheckpointFile.write(record, to: checkpointURL)
                                           })
        let record = try driver.run()
        return SearchOutcome(record: record, numericsClasses: oracle.numericsClasses, started: searchStarted)
    }

    /// An oracle over the shards of `manifest` (local workers unless `factory` makes another
    /// from the opened set), after checking they fit the model's input.
    private func makeOracle(graph: Graph, plan: QuantizationPlan, manifest: URL,
                            factory: ((ShardStore) throws -> LossOracle)? = nil) throws -> LossOracle {
        let store = try ShardStore.opening(manifest, fitting: graph, modelPath: configuration.model.path)
        if let factory { return try factory(store) }
        let local = configuration.local
        return try local.oracle(graph: graph, plan: plan, shards: local.cachedShards(store))
    }

    private func write(steps: StepsFile, graph: Graph, plan: QuantizationPlan) throws -> [URL] {
        let directory = configuration.outputDirectory
        let stepsURL = directory.appendingPathComponent(StepsFile.fileName)
        let modelURL = directory.appendingPathComponent(configuration.exportFormat.fileName)
        try steps.write(to: stepsURL)
        let reports = try CalibrationReport(steps: steps).write(into: directory)
        try QDQExporter.write(graph: graph, plan: plan, stepSizes: steps.stepSizes, format: configuration.exportFormat,
                              to: modelURL)
        return [stepsURL] + reports + [modelURL]
    }
}

/// Mistakes in a job's inputs that only show once model and data meet.
public enum JobError: Error, Equatable, CustomStringConvertible {
    case inputShapeMismatch(model: String, modelShape: [Int], data: String, dataShape: [Int])
    /// `sensitivity --bits`: a width points cannot be restored to.
    case restoredWidth(bits: Int, reason: String)

    public var description: String {
        switch self {
        case let .inputShapeMismatch(model, modelShape, data, dataShape):
            return "\(model) expects samples of shape \(modelShape), but \(data) holds samples of shape \(dataShape)"
        case let .restoredWidth(bits, reason):
            return "--bits \(bits): \(reason)"
        }
    }
}
