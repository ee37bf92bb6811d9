import Foundation
import LAPQData
import LAPQEngine

/// `lapq-coord calibrate --bias-correction-both`: the calibration twice, without and with bias
/// correction, each a complete `CalibrationJob` in its own subdirectory; the output directory
/// then gets the run with the lower calibration loss (docs/algorithms.md, "Bias correction").
public struct BiasCorrectionChoiceJob {
    /// The two runs' subdirectories, in the order they run.
    public static let runDirectories = (without: "without-bias-correction", with: "with-bias-correction")

    public struct Outcome: Sendable {
        /// The kept run's steps as written into the output directory (with `biasCorrectionChoice`).
        public var steps: StepsFile
        /// Both runs as they ran: without, then with bias correction.
        public var runs: [CalibrationJob.Outcome]
        /// The files written into the output directory itself.
        public var files: [URL]
    }

    /// The job to run twice: its plan's `correctsWeightBias` is set for each run, its
    /// `resume` continues each run that has a checkpoint and starts the others.
    public let configuration: CalibrationJob.Configuration

    public init(configuration: CalibrationJob.Configuration) { self.configuration = configuration }

    /// - Parameter starting: told before each run starts, with the run's directory.
    public func run(starting: (URL) -> Void = { _ in },
                    progress: @escaping (CalibrationProgress) -> Void = { _ in }) throws -> Outcome {
        let names = [Self.runDirectories.without, Self.runDirectories.with]
        if configuration.resume { try Self.checkResumedRunKind(in: configuration.outputDirectory, choosing: true) }
        let runs = try zip(names, [false, true]).map { name, corrects in
            var run = configuration
            run.plan.correctsWeightBias = corrects
            run.outputDirectory = configuration.outputDirectory.appendingPathComponent(name, isDirectory: true)
            let checkpoint = run.outputDirectory.appendingPathComponent(CalibrationJob.checkpointFileName)
            run.resume = configuration.resume && FileManager.default.fileExists(atPath: checkpoint.path)
            starting(run.outputDirectory)
            return try CalibrationJob(configuration: run).run(progress: progress)
        }
        // Strictly lower: on a tie the run without, whose weights stay on the integer grid.
        let keptIndex = Self.calibrationLoss(runs[1]) < Self.calibrationLoss(runs[0]) ? 1 : 0
        let (kept, other) = (runs[keptIndex], runs[1 - keptIndex])
        var steps = kept.steps
        steps.biasCorrectionChoice = StepsFile.BiasCorrectionChoice(
            kept: names[keptIndex], other: names[1 - keptIndex],
            otherCorrectsWeightBias: other.steps.plan.correctsWeightBias,
            otherCalibration: try Self.quantizedScore(other, in: names[1 - keptIndex]),
            otherValidation: other.steps.validationScores["quantized"], otherEvaluations: other.steps.evaluations)
        return Outcome(steps: steps, runs: runs, files: try write(steps, keptDirectory: names[keptIndex]))
    }

    /// Refuses to resume `directory` as the other kind of run than it holds: one run keeps its
    /// checkpoint there, a choice (`choosing`) keeps its two runs in subdirectories. Resumed
    /// as the other kind, a directory would get new runs beside it, which drop its progress.
    static func checkResumedRunKind(in directory: URL, choosing: Bool) throws {
        let exists = { (name: String) in FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) }
        let holdsOneRun = exists(CalibrationJob.checkpointFileName)
        let holdsAChoice = exists(runDirectories.without) || exists(runDirectories.with)
        guard holdsOneRun != holdsAChoice, holdsAChoice != choosing else { return }
        throw CalibrationError.resumeMismatch("\(directory.relativePath) holds a run made \(holdsAChoice ? "with" : "without") "
                                              + "--bias-correction-both; resume it \(holdsAChoice ? "with" : "without") that flag")
    }

    /// steps.json and the reports drawn from it, and a copy of the kept run's exported model.
    private func write(_ steps: StepsFile, keptDirectory: String) throws -> [URL] {
        let directory = configuration.outputDirectory
        let stepsURL = directory.appendingPathComponent(StepsFile.fileName)
        try steps.write(to: stepsURL)
        let reports = try CalibrationReport(steps: steps).write(into: directory)
        let modelName = configuration.exportFormat.fileName
        let modelURL = directory.appendingPathComponent(modelName)
        let keptModel = directory.appendingPathComponent(keptDirectory).appendingPathComponent(modelName)
        try? FileManager.default.removeItem(at: modelURL)
        do {
            try FileManager.default.copyItem(at: keptModel, to: modelURL)
        } catch {
            throw OutputError.unwritable(file: modelURL.path, reason: userFacingDescription(of: error))
        }
        return [stepsURL] + reports + [modelURL]
    }

    private static func calibrationLoss(_ run: CalibrationJob.Outcome) -> Double {
        run.steps.calibrationScores["quantized"]?.loss ?? .infinity
    }

    private static func quantizedScore(_ run: CalibrationJob.Outcome, in directory: String) throws -> StepsFile.Score {
        guard let score = run.steps.calibrationScores["quantized"] else {
            throw OutputError.mismatch(file: directory, reason: "the run has no quantized calibration score")
        }
        return score
    }
}
