import Foundation
import LAPQData
import LAPQEngine

/// `lapq-coord sensitivity` as a library call: reads a finished run (its steps.json, the model
/// it names), measures what each quantization point costs on a data set
/// (`PointCostMeasurement`), writes sensitivity.json into the run's directory and renders the
/// run's report.md and report.html again with the cost section.
public struct SensitivityJob {
    public struct Configuration: Sendable {
        /// A finished `calibrate` output directory.
        public var runDirectory: URL
        /// The data to measure on (a validation manifest, or the calibration manifest).
        public var data: URL
        /// The width a point is restored to.
        public var restoredBits = 8
        /// Each oracle scores one step vector, so prefix snapshots would never be reused.
        public var local: LocalWorkers = {
            var local = LocalWorkers()
            local.prefixCacheBytes = 0
            return local
        }()

        public init(runDirectory: URL, data: URL) {
            self.runDirectory = runDirectory
            self.data = data
        }
    }

    public struct Outcome: Sendable {
        public var sensitivity: SensitivityFile
        public var files: [URL]
    }

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public func run(log: (String) -> Void = { _ in }) throws -> Outcome {
        let c = configuration
        let stepsURL = c.runDirectory.appendingPathComponent(StepsFile.fileName)
        let run = try CalibratedRun(stepsFile: stepsURL)
        let finalSteps = run.steps.stepSizes
        guard finalSteps.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw OutputError.mismatch(file: stepsURL.path, reason: "holds no final step sizes (the run did not finish); "
                + "measure a finished calibrate run")
        }
        let measurement = try PointCostMeasurement(graph: run.graph, plan: run.plan, finalSteps: finalSteps,
                                                   restoredBits: c.restoredBits, local: c.local)
        let store = try ShardStore.opening(c.data, fitting: run.graph, modelPath: run.steps.model)
        let scores = try measurement.run(shards: c.local.cachedShards(store), log: log)
        let sensitivity = SensitivityFile(measurement, scores: scores, steps: stepsURL.path, data: c.data.path)
        let sensitivityURL = c.runDirectory.appendingPathComponent(SensitivityFile.fileName)
        try sensitivity.write(to: sensitivityURL)
        let reports = try CalibrationReport(runDirectory: c.runDirectory).write(into: c.runDirectory)
        return Outcome(sensitivity: sensitivity, files: [sensitivityURL] + reports)
    }
}
