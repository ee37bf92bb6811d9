import Foundation
import XCTest

/// `lapq-coord evaluate --logits --activations`: the score is the one without them, the files
/// hold what lapq computed, and Scripts/check-qdq.py uses them to tell a difference that
/// started at a rounding tie from one that did not.
final class EvaluateDumpTests: XCTestCase {
    private let example = CommandRunner.repository.appendingPathComponent("examples/digits")
    private var model: String { example.appendingPathComponent("digits.onnx").path }
    private var validation: String { example.appendingPathComponent("val.json").path }

    func testDumpKeepsTheScoreAndOnnxRuntimeReproducesItCodeForCode() throws {
        let out = try CommandRunner.temporaryDirectory(self)
        let calibrate = try CommandRunner.lapqCoord(["calibrate", "--model", model,
                                                     "--calib", example.appendingPathComponent("calib.json").path,
                                                     "--bits", "3/3", "--method", "mmse", "--threads", "1", "--out", out.path])
        XCTAssertEqual(calibrate.status, 0, calibrate.standardError)
        let steps = out.appendingPathComponent("steps.json").path
        let logits = out.appendingPathComponent("logits.f32"), activations = out.appendingPathComponent("activations")

        let plain = try CommandRunner.lapqCoord(["evaluate", "--model", model, "--data", validation, "--steps", steps, "--json"])
        let dumped = try CommandRunner.lapqCoord(["evaluate", "--model", model, "--data", validation, "--steps", steps, "--json",
                                                  "--logits", logits.path, "--activations", activations.path])
        XCTAssertEqual(dumped.status, 0, dumped.standardError)
        XCTAssertEqual(dumped.standardOutput, plain.standardOutput, "the same score, Float64 sums in shard order")

        let samples = 400, classes = 10
        XCTAssertEqual(try Data(contentsOf: logits).count, samples * classes * 4)
        let stepsJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: steps))) as? [String: Any]
        let planActivations = try XCTUnwrap(stepsJSON?["points"] as? [[String: Any]])
            .filter { $0["kind"] as? String == "activation" }.compactMap { $0["tensor"] as? String }
        let index = try XCTUnwrap(JSONSerialization.jsonObject(
            with: Data(contentsOf: activations.appendingPathComponent("points.json"))) as? [[String: Any]])
        XCTAssertEqual(index.compactMap { $0["tensor"] as? String }, planActivations)
        for entry in index {
            let shape = try XCTUnwrap(entry["sampleShape"] as? [Int]), file = try XCTUnwrap(entry["file"] as? String)
            XCTAssertEqual(try Data(contentsOf: activations.appendingPathComponent(file)).count,
                           samples * shape.reduce(1, *) * 4, file)
        }
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: out.path).contains { $0.hasSuffix(".partial") })

        let exported = out.appendingPathComponent("model.qdq.onnx").path
        let check = [CommandRunner.repository.appendingPathComponent("Scripts/check-qdq.py").path, exported, validation]
        let agrees = try PythonTools.run(self, check + [logits.path, "--activations", activations.path, "--min-exact", "0"])
        XCTAssertEqual(agrees.status, 0, agrees.standardOutput + agrees.standardError)

        // One logit moved by 1: no activation code differs, so no tie can explain it.
        var bytes = try Data(contentsOf: logits)
        let moved = Float(bitPattern: bytes.withUnsafeBytes { $0.load(as: UInt32.self) }.littleEndian) + 1
        withUnsafeBytes(of: moved.bitPattern.littleEndian) { bytes.replaceSubrange(0..<4, with: $0) }
        let tampered = out.appendingPathComponent("tampered.f32")
        try bytes.write(to: tampered)
        let rejects = try PythonTools.run(self, check + [tampered.path, "--activations", activations.path, "--min-exact", "0"])
        XCTAssertEqual(rejects.status, 1, rejects.standardOutput + rejects.standardError)
        XCTAssertTrue(rejects.standardOutput.contains("sample 0: every activation code agrees"), rejects.standardOutput)
    }

    func testAnUnwritableLogitsFileIsAClearErrorNamingIt() throws {
        let missing = "/nonexistent-\(UUID().uuidString)/logits.f32"
        let run = try CommandRunner.lapqCoord(["evaluate", "--model", model, "--data", validation, "--logits", missing])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.standardError.contains(missing), run.standardError)
    }
}
