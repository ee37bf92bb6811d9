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
        /// Both runs as they ran, and their directories: without, then with bias correction.
        public var runs: [CalibrationJob.Outcome]
        public var runDirectories: [URL]
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
        let directories = names.map { configuration.outputDirectory.appendingPathComponent($0, isDirectory: true) }
        let runs = try zip(directories, [false, true]).map { directory, corrects in
            var run = configuration
            run.plan.correctsWeightBias = corrects
            run.outputDirectory = directory
            let checkpoint = directory.appendingPathComponent(CalibrationJob.checkpointFileName)
            run.resume = configuration.resume && FileManager.default.fileExists(atPath: checkpoint.path)
            starting(directory)
            return try CalibrationJob(configuration: run).run(progress: progress)
        }
        let scores = try zip(runs, names).map { run, name in
            guard let score = run.steps.calibrationScores["quantized"] else {
                throw OutputError.mismatch(file: name, reason: "the run has no quantized calibration score")
            }
            return score
        }
        // Strictly lower: on a tie the run without, whose weights stay on the integer grid.
        let keptIndex = scores[1].loss < scores[0].loss ? 1 : 0
        let otherIndex = 1 - keptIndex
        var steps = runs[keptIndex].steps
        steps.biasCorrectionChoice = StepsFile.BiasCorrectionChoice(
            kept: names[keptIndex], other: names[otherIndex], otherCalibration: scores[otherIndex],
            otherValidation: runs[otherIndex].steps.validationScores["quantized"],
            otherEvaluations: runs[otherIndex].steps.evaluations)
        return Outcome(steps: steps, runs: runs, runDirectories: directories,
                       files: try write(steps, keptDirectory: names[keptIndex]))
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
}
