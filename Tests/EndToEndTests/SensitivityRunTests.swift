import Foundation
import XCTest

/// `lapq-coord sensitivity` through the real binary on a small run of the bundled example:
/// sensitivity.json, the report's new section, and a one-line error for each bad input.
final class SensitivityRunTests: XCTestCase {
    private let example = CommandRunner.repository.appendingPathComponent("examples/digits")
    private var calibrationManifest: String { example.appendingPathComponent("calib.json").path }

    /// A finished W3/A3 run of the digits model in a fresh directory.
    private func calibratedRun(method: String, extra: [String] = []) throws -> URL {
        let out = try CommandRunner.temporaryDirectory(self)
        let run = try CommandRunner.lapqCoord(["calibrate", "--model", example.appendingPathComponent("digits.onnx").path,
                                               "--calib", calibrationManifest, "--bits", "3/3", "--method", method,
                                               "--threads", "1", "--out", out.path] + extra)
        XCTAssertEqual(run.status, 0, run.standardError)
        return out
    }

    private func sensitivity(_ run: URL, data: String? = nil, extra: [String] = []) throws -> CommandRunner.Outcome {
        try CommandRunner.lapqCoord(["sensitivity", "--run", run.path, "--data", data ?? calibrationManifest,
                                     "--threads", "1"] + extra)
    }

    private func json(_ data: Data) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// On the calibration set the baseline and float scores are the run's own, bit for bit;
    /// one row per point; report.md is the calibrate's report plus the new section.
    func testWritesSensitivityAndTheReportSection() throws {
        let run = try calibratedRun(method: "lapq", extra: ["--max-evals", "10"])
        let reportBefore = try String(contentsOf: run.appendingPathComponent("report.md"), encoding: .utf8)
        let outcome = try sensitivity(run, extra: ["--json"])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertTrue(outcome.standardError.contains("point 1/"), "progress per point: \(outcome.standardError)")

        let written = try json(Data(contentsOf: run.appendingPathComponent("sensitivity.json")))
        XCTAssertEqual(NSDictionary(dictionary: try json(Data(outcome.standardOutput.utf8))), NSDictionary(dictionary: written))
        let steps = try json(Data(contentsOf: run.appendingPathComponent("steps.json")))
        let runScores = try XCTUnwrap(steps["calibrationScores"] as? [String: Any])
        XCTAssertEqual(written["baseline"] as? NSDictionary, runScores["quantized"] as? NSDictionary)
        XCTAssertEqual(written["float"] as? NSDictionary, runScores["float"] as? NSDictionary)
        XCTAssertEqual(written["restoredBits"] as? Int, 8)
        let points = try XCTUnwrap(written["points"] as? [[String: Any]])
        let stepPoints = try XCTUnwrap(steps["points"] as? [[String: Any]])
        XCTAssertEqual(points.map { $0["name"] as? String }, stepPoints.map { $0["name"] as? String })
        for point in points {
            XCTAssertEqual(Set(point.keys), ["name", "kind", "consumers", "bits", "loss", "top1", "lossDelta", "top1Delta"])
        }

        let report = try String(contentsOf: run.appendingPathComponent("report.md"), encoding: .utf8)
        let heading = "\n## Cost of each quantization point\n"
        let parts = report.components(separatedBy: heading)
        XCTAssertEqual(parts.count, 2, "one section")
        let after = try XCTUnwrap(parts.last)
        let end = after.range(of: "\n## ")?.lowerBound ?? after.endIndex
        XCTAssertEqual(parts[0] + after[end...], reportBefore, "the rest of the report is calibrate's")
        let rows = after[..<end].split(separator: "\n").filter { $0.hasPrefix("| ") && $0.dropFirst(2).first?.isNumber == true }
        XCTAssertEqual(rows.count, points.count)
        let page = try String(contentsOf: run.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("data-plot=\"point-cost\""))
    }

    /// Each mistake names the flag or file at fault, before any measuring.
    func testBadInputNamesTheFlagOrFile() throws {
        let run = try calibratedRun(method: "mmse")
        let empty = try CommandRunner.temporaryDirectory(self)
        assertOneLineError(try sensitivity(empty), mentions: "--run \(empty.path)/steps.json: no such file")
        assertOneLineError(try sensitivity(run, data: "/nonexistent/calib.json"), mentions: "--data /nonexistent/calib.json")
        assertOneLineError(try sensitivity(run, extra: ["--bits", "9"]), mentions: "--bits 9: lapq quantizes to 2…8 bits")
        assertOneLineError(try sensitivity(run, extra: ["--bits", "3"]), mentions: "--bits 3: not above the 3 bits of")
        assertOneLineError(try sensitivity(run, data: try manifestOfOtherShape()),
                           mentions: "holds samples of shape [2, 3, 2]")

        let unfinished = try CommandRunner.temporaryDirectory(self).appendingPathComponent("steps.json")
        var steps = try json(Data(contentsOf: run.appendingPathComponent("steps.json")))
        steps["points"] = try XCTUnwrap(steps["points"] as? [[String: Any]]).map { point in
            point.merging(["stepSize": "nan"]) { $1 }
        }
        try JSONSerialization.data(withJSONObject: steps).write(to: unfinished)
        assertOneLineError(try sensitivity(unfinished.deletingLastPathComponent()),
                           mentions: "\(unfinished.path): holds no final step sizes")
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("sensitivity.json").path))
    }

    /// A manifest of the data test fixture: 3×2 images of 2 channels, not the model's 8×8×1.
    private func manifestOfOtherShape() throws -> String {
        let fixtures = CommandRunner.repository.appendingPathComponent("Tests/LAPQDataTests/DataFixtures")
        let manifest = try CommandRunner.temporaryDirectory(self).appendingPathComponent("other.json")
        let outcome = try CommandRunner.lapqCoord(["manifest", "--images", fixtures.appendingPathComponent("calib_u1_images.npy").path,
                                                   "--labels", fixtures.appendingPathComponent("calib_u1_labels.npy").path,
                                                   "--shard-size", "4", "--out", manifest.path])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        return manifest.path
    }
}
