import Foundation
import LAPQEngine
import XCTest
@testable import LAPQCalibration

/// A run stopped and resumed reports what it cost in all: every checkpoint counts the wall
/// seconds spent so far, and a resumed run adds them to its own (`timings.beforeResume`).
final class ResumeTimingTests: XCTestCase {
    private let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/digits")

    func testAResumedRunCountsTheSecondsSpentBeforeIt() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("lapq-resume-timing-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        var configuration = CalibrationJob.Configuration(model: example.appendingPathComponent("digits.onnx"),
                                                         calibrationManifest: example.appendingPathComponent("calib.json"),
                                                         plan: PlanSettings(weightBits: 4, activationBits: 4), outputDirectory: out)
        configuration.settings.method = .maxabs
        configuration.local.threadsEach = 1
        let fresh = try CalibrationJob(configuration: configuration).run().steps
        XCTAssertNil(fresh.timings["beforeResume"], "a run that was not resumed has nothing before it")
        let checkpointURL = out.appendingPathComponent("checkpoint.json")
        var checkpoint = try CheckpointFile.read(from: checkpointURL)
        let spent = try XCTUnwrap(checkpoint.secondsSpent, "every checkpoint counts the seconds spent")
        XCTAssertGreaterThan(spent, 0)
        XCTAssertLessThanOrEqual(spent, try XCTUnwrap(fresh.timings["calibration"]))

        // As if the stopped processes had spent 1,000 s: the resumed run reports them and includes them.
        checkpoint.secondsSpent = 1000
        try CheckpointFile.write(checkpoint, to: checkpointURL)
        configuration.resume = true
        let resumed = try CalibrationJob(configuration: configuration).run().steps
        XCTAssertEqual(resumed.timings["beforeResume"], 1000)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(resumed.timings["calibration"]), 1000)
        XCTAssertEqual(resumed.stepSizes, fresh.stepSizes)
    }
}
