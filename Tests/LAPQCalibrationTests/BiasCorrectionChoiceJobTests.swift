import Foundation
import LAPQEngine
import XCTest
@testable import LAPQCalibration

/// `--bias-correction-both` is two ordinary calibrations and a choice: each of its runs equals
/// a separate run with that plan, the output directory repeats the one with the lower
/// calibration loss (the run without on a tie), and a resumed choice reaches the same result.
final class BiasCorrectionChoiceJobTests: XCTestCase {
    private let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/digits")

    private func configuration(bits: (weights: Int, activations: Int), out: URL) -> CalibrationJob.Configuration {
        var configuration = CalibrationJob.Configuration(
            model: example.appendingPathComponent("digits.onnx"), calibrationManifest: example.appendingPathComponent("calib.json"),
            plan: PlanSettings(weightBits: bits.weights, activationBits: bits.activations), outputDirectory: out)
        configuration.validationManifest = example.appendingPathComponent("val.json")
        configuration.settings.method = .mmse
        configuration.local.threadsEach = 1
        return configuration
    }

    private func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lapq-bc-choice-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// The steps without what may differ between two runs of the same job: wall-clock timings.
    private func withoutTimings(_ steps: StepsFile) -> StepsFile {
        var steps = steps
        steps.timings = [:]
        return steps
    }

    /// W3/A3 on the digits example, where the correction lowers the calibration loss.
    func testEachRunEqualsASeparateRunAndTheLowerLossIsKept() throws {
        let out = temporaryDirectory()
        let choice = try BiasCorrectionChoiceJob(configuration: configuration(bits: (3, 3), out: out)).run()
        var separate: [StepsFile] = []
        for corrects in [false, true] {
            var single = configuration(bits: (3, 3), out: temporaryDirectory())
            single.plan.correctsWeightBias = corrects
            separate.append(try CalibrationJob(configuration: single).run().steps)
        }
        XCTAssertEqual(choice.runs.map { withoutTimings($0.steps) }, separate.map(withoutTimings))

        let losses = separate.map { $0.calibrationScores["quantized"]!.loss }
        XCTAssertLessThan(losses[1], losses[0], "the fixture: bias correction lowers the W3/A3 loss here")
        var expected = withoutTimings(separate[1])
        expected.biasCorrectionChoice = StepsFile.BiasCorrectionChoice(
            kept: "with-bias-correction", other: "without-bias-correction", otherCalibration: separate[0].calibrationScores["quantized"]!,
            otherValidation: separate[0].validationScores["quantized"], otherEvaluations: separate[0].evaluations)
        XCTAssertEqual(withoutTimings(choice.steps), expected)
        XCTAssertEqual(withoutTimings(try StepsFile.read(from: out.appendingPathComponent(StepsFile.fileName))), expected)

        let model = QDQExportFormat.int8.fileName
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent(model)),
                       try Data(contentsOf: out.appendingPathComponent("with-bias-correction").appendingPathComponent(model)))
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("this is the run with it (with-bias-correction/)"), report)
        XCTAssertTrue(report.contains("\(choice.runs[0].steps.evaluations + choice.runs[1].steps.evaluations) loss evaluations together"))
    }

    /// Float weights (W32): the correction has nothing to correct, the losses tie, and the run
    /// without is kept.
    func testATieKeepsTheRunWithout() throws {
        let choice = try BiasCorrectionChoiceJob(configuration: configuration(bits: (32, 4), out: temporaryDirectory())).run()
        let losses = choice.runs.map { $0.steps.calibrationScores["quantized"]!.loss }
        XCTAssertEqual(losses[0], losses[1])
        XCTAssertEqual(choice.steps.biasCorrectionChoice?.kept, "without-bias-correction")
        XCTAssertFalse(choice.steps.plan.correctsWeightBias)
    }

    /// A stop after the first run: `resume` continues the finished one from its checkpoint and
    /// starts the other, and the result is the uninterrupted run's.
    func testResumeAfterTheFirstRunReachesTheSameChoice() throws {
        let out = temporaryDirectory()
        let job = BiasCorrectionChoiceJob(configuration: configuration(bits: (3, 3), out: out))
        let uninterrupted = try job.run()
        for name in ["with-bias-correction", StepsFile.fileName, "report.md", "report.html", QDQExportFormat.int8.fileName] {
            try FileManager.default.removeItem(at: out.appendingPathComponent(name))
        }
        var resumed = job.configuration
        resumed.resume = true
        var started: [String] = []
        let outcome = try BiasCorrectionChoiceJob(configuration: resumed).run(starting: { started.append($0.lastPathComponent) })
        XCTAssertEqual(started, ["without-bias-correction", "with-bias-correction"])
        XCTAssertEqual(withoutTimings(outcome.steps), withoutTimings(uninterrupted.steps))
        XCTAssertNotNil(outcome.runs[0].steps.timings["beforeResume"], "the first run resumed from its checkpoint")
        XCTAssertNil(outcome.runs[1].steps.timings["beforeResume"], "the second run started afresh")
    }
}
