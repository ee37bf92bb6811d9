import Foundation
import LAPQData
import LAPQEngine
import LAPQMath

/// `lapq-coord calibrate` as a library call: load the model and data, run the driver on local
/// executors (or a factory's oracles, e.g. the cluster's), evaluate on the validation set the
/// same way, write steps.json, report.md, report.html, the exported model (model.qdq.onnx, or
/// model.int4.onnx: `QDQExportFormat.fileName`) and the checkpoint into the output directory.
public struct CalibrationJob {
    public struct Configuration: Sendable {
        public var model: URL
        public var calibrationManifest: URL
        public var validationManifest: URL?
        public var plan: PlanSettings
        public var settings = CalibrationSettings()
        /// The executors that evaluate on this machine, unless `makeOracles` replaces them.
        public var local = LocalWorkers()
        public var outputDirectory: URL
        /// The code types of the exported model, which also name its file.
        public var exportFormat = QDQExportFormat.int8
        /// Continue from `outputDirectory/checkpoint.json` instead of starting over.
        public var resume = false
        /// Builds the oracles of the calibration and the validation set in place of local
        /// workers (e.g. the cluster oracle of LAPQCluster, which this module cannot name, whose
        /// workers then evaluate both); nil runs local workers.
        public var makeOracles: LossOracleFactory?

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

    /// The checkpoint's name in the output directory.
    public static let checkpointFileName = "checkpoint.json"

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public func run(progress: @escaping (CalibrationProgress) -> Void = { _ in }) throws -> Outcome {
        let started = Date()
        let c = configuration
        if c.resume { try BiasCorrectionChoiceJob.checkResumedRunKind(in: c.outputDirectory, choosing: false) }
        // Read once: the graph, the resume digest and a cluster's model package all come from these bytes.
        let model = try ONNXModelFiles(contentsOf: c.model)
        let graph = try model.graph(file: c.model.relativePath)
        let plan = try QuantizationPlan(validating: graph, settings: c.plan)
        // Both sets are opened and checked against the model now, so a validation set that does
        // not fit fails the run before its search, not after.
        let calibrationSet = try openSet(c.calibrationManifest, for: graph)
        let validationSet = try c.validationManifest.map { try openSet($0, for: graph) }
        // A factory's oracles (the cluster's one session) serve both sets and live until validation ends.
        let sets = [calibrationSet] + (validationSet.map { [$0] } ?? [])
        let madeOracles = try c.makeOracles.map { try $0(model, plan, sets) }
        precondition(madeOracles.map { $0.count == sets.count } ?? true, "a LossOracleFactory returns one oracle per set")
        try FileManager.default.createDirectory(at: c.outputDirectory, withIntermediateDirectories: true)
        let checkpointURL = c.outputDirectory.appendingPathComponent(Self.checkpointFileName)
        let search = try calibrate(model: model, graph: graph, plan: plan, set: calibrationSet, madeOracle: madeOracles?.first,
                                   checkpointURL: checkpointURL, started: started, progress: progress)
        let calibrated = Date()
        let finalSteps = search.record.finalSteps ?? []
        var validation: [BatchScore]?
        if let validationSet {
            let oracle = try madeOracles.map { $0[1] } ?? localOracle(graph: graph, plan: plan, set: validationSet)
            validation = try oracle.evaluate([.float, .quantized(finalSteps)])
        }
        // A resumed run's calibration time includes what the stopped processes spent before it.
        var timings = ["calibration": (search.secondsBeforeResume ?? 0) + calibrated.timeIntervalSince(started),
                       "validation": Date().timeIntervalSince(calibrated)]
        if let searchStarted = search.started { timings["search"] = calibrated.timeIntervalSince(searchStarted) }
        if let earlier = search.secondsBeforeResume { timings["beforeResume"] = earlier }
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
        /// What the processes before a `--resume` spent, up to the checkpoint it continued from.
        var secondsBeforeResume: Double?
    }

    /// Runs the driver on the calibration set's oracle: `madeOracle`, or local executors. A
    /// local oracle's executors hold prepared weights (a few times the model's size); they are
    /// released when this returns, before the validation oracle builds its own, so the peak is
    /// one set, not two.
    private func calibrate(model: ONNXModelFiles, graph: Graph, plan: QuantizationPlan, set: ShardStore,
                           madeOracle: (any LossOracle)?, checkpointURL: URL, started: Date,
                           progress: @escaping (CalibrationProgress) -> Void) throws -> SearchOutcome {
        let c = configuration
        let inputs = InputDigests(model: .init(model: model, path: c.model.path),
                                  calibrationManifest: try .init(contentsOf: c.calibrationManifest))
        let oracle = try madeOracle ?? localOracle(graph: graph, plan: plan, set: set)
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
                                               record.secondsSpent = (saved?.secondsSpent ?? 0) + Date().timeIntervalSince(started)
                                               try CheckpointFile.write(record, to: checkpointURL)
                                           })
        let record = try driver.run()
        return SearchOutcome(record: record, numericsClasses: oracle.numericsClasses, started: searchStarted,
                             secondsBeforeResume: saved?.secondsSpent)
    }

    /// The shards of `manifest`, after checking they fit the model's input.
    private func openSet(_ manifest: URL, for graph: Graph) throws -> ShardStore {
        try ShardStore.opening(manifest, fitting: graph, modelPath: configuration.model.path)
    }

    /// Local executors over `set`.
    private func localOracle(graph: Graph, plan: QuantizationPlan, set: ShardStore) throws -> any LossOracle {
        let local = configuration.local
        return try local.oracle(graph: graph, plan: plan, shards: local.cachedShards(set))
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
