import Foundation
import XCTest

/// The whole pipeline through the real binary on the bundled example: calibrate, evaluate the
/// result, run the exported QDQ model in onnxruntime, and resume a killed run.
final class CalibrateRunTests: XCTestCase {
    private let example = CommandRunner.repository.appendingPathComponent("examples/digits")

    private func calibrateArguments(method: String, out: URL, extra: [String] = []) -> [String] {
        ["calibrate", "--model", example.appendingPathComponent("digits.onnx").path,
         "--calib", example.appendingPathComponent("calib.json").path,
         "--val", example.appendingPathComponent("val.json").path,
         "--bits", "3/3", "--method", method, "--threads", "1", "--out", out.path] + extra
    }

    private func steps(_ directory: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("steps.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func validationTop1(_ steps: [String: Any]) throws -> Double {
        let scores = try XCTUnwrap(steps["validationScores"] as? [String: [String: Any]])
        return try XCTUnwrap(scores["quantized"]?["top1"] as? Double)
    }

    /// Plain, with `--bias-correction`, with per-channel weights and a layer kept float, and
    /// with `--export-format int4`: `evaluate --steps`
    /// reproduces the run's validation top-1, and so does onnxruntime on the exported model
    /// (±1 sample), which has the format's file name.
    func testCalibrateEvaluateAndRunTheExportInOnnxRuntime() throws {
        for (extra, model) in [([], "model.qdq.onnx"), (["--bias-correction"], "model.qdq.onnx"),
                               (["--weight-granularity", "per-channel", "--keep-float", "/7/Conv"], "model.qdq.onnx"),
                               (["--export-format", "int4"], "model.int4.onnx")] {
            try calibrateEvaluateAndCheckExport(extra: extra, model: model)
        }
    }

    private func calibrateEvaluateAndCheckExport(extra: [String], model: String) throws {
        let out = try CommandRunner.temporaryDirectory(self)
        let run = try CommandRunner.lapqCoord(calibrateArguments(method: "mmse", out: out, extra: extra))
        XCTAssertEqual(run.status, 0, run.standardError)
        for file in ["steps.json", "report.md", "report.html", model, "checkpoint.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), file)
        }
        let models = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".onnx") }
        XCTAssertEqual(models, [model], "one model, in the chosen format")
        let written = try steps(out)
        XCTAssertEqual((written["plan"] as? [String: Any])?["correctsWeightBias"] as? Bool, extra.contains("--bias-correction"))
        XCTAssertEqual((written["plan"] as? [String: Any])?["keepFloat"] as? [String], extra.contains("/7/Conv") ? ["/7/Conv"] : [])
        XCTAssertEqual((written["plan"] as? [String: Any])?["weightGranularity"] as? String,
                       extra.contains("per-channel") ? "per-channel" : "per-tensor")
        let top1 = try validationTop1(written)

        let evaluation = try CommandRunner.lapqCoord(["evaluate", "--model", example.appendingPathComponent("digits.onnx").path,
                                                      "--data", example.appendingPathComponent("val.json").path,
                                                      "--steps", out.appendingPathComponent("steps.json").path, "--json"])
        XCTAssertEqual(evaluation.status, 0, evaluation.standardError)
        let evaluated = try JSONSerialization.jsonObject(with: Data(evaluation.standardOutput.utf8)) as? [String: Any]
        XCTAssertEqual(evaluated?["top1"] as? Double, top1)

        let check = try PythonTools.run(self, [CommandRunner.repository.appendingPathComponent("Scripts/check-qdq-accuracy.py").path,
                                                   out.appendingPathComponent(model).path,
                                                   example.appendingPathComponent("val.json").path])
        XCTAssertEqual(check.status, 0, check.standardError)
        let onnxruntime = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(check.standardOutput.utf8)) as? [String: Any])
        let hits = try XCTUnwrap(onnxruntime["top1"] as? Int), samples = try XCTUnwrap(onnxruntime["samples"] as? Int)
        XCTAssertLessThanOrEqual(abs(hits - Int((top1 * Double(samples)).rounded())), 1,
                                 "onnxruntime top-1 \(hits)/\(samples) vs lapq \(top1)")
    }

    /// Each run's report.html draws the phases that ran, and `compare --html` puts a lapq run
    /// (p sweep and Powell) beside an mmse run (neither) on one self-contained page.
    func testReportAndCompareHTMLDrawThePhasesThatRan() throws {
        let lapq = try CommandRunner.temporaryDirectory(self), mmse = try CommandRunner.temporaryDirectory(self)
        for (method, out) in [("lapq", lapq), ("mmse", mmse)] {
            let run = try CommandRunner.lapqCoord(calibrateArguments(method: method, out: out, extra: ["--max-evals", "20"]))
            XCTAssertEqual(run.status, 0, run.standardError)
        }
        let page = lapq.appendingPathComponent("compare.html")
        let compare = try CommandRunner.lapqCoord(["compare", lapq.path, mmse.path, "--html", page.path])
        XCTAssertEqual(compare.status, 0, compare.standardError)
        XCTAssertTrue(compare.standardOutput.contains("W3/A3 mmse"))
        let expected: [(URL, sweep: Int, powell: Int)] = [(lapq.appendingPathComponent("report.html"), 1, 1),
                                                          (mmse.appendingPathComponent("report.html"), 0, 0), (page, 1, 1)]
        for (file, sweep, powell) in expected {
            let html = try String(contentsOf: file, encoding: .utf8)
            func figures(_ kind: String) -> Int { html.components(separatedBy: "data-plot=\"\(kind)\"").count - 1 }
            XCTAssertEqual(figures("p-sweep"), sweep, file.path)
            XCTAssertEqual(figures("powell"), powell, file.path)
            XCTAssertEqual(figures("loss"), 1, file.path)
            XCTAssertFalse(html.contains("<script"), file.path)
        }
    }

    /// `kill -9` during Powell's phase, then `--resume`: the same steps.json as a run that was
    /// never interrupted (all but the wall-clock timings).
    func testResumeAfterKillGivesTheSameSteps() throws {
        let limit = ["--max-evals", "30"]
        let reference = try CommandRunner.temporaryDirectory(self)
        XCTAssertEqual(try CommandRunner.lapqCoord(calibrateArguments(method: "lapq", out: reference, extra: limit)).status, 0)

        let interrupted = try CommandRunner.temporaryDirectory(self)
        let process = try CommandRunner.start(CommandRunner.buildDirectory.appendingPathComponent("lapq-coord"),
                                              calibrateArguments(method: "lapq", out: interrupted, extra: limit))
        let checkpoint = interrupted.appendingPathComponent("checkpoint.json")
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, process.isRunning,
              !((try? String(contentsOf: checkpoint, encoding: .utf8))?.contains("\"powell\"") ?? false) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(process.isRunning, "the run finished before it could be killed; lower the wait or raise --max-evals")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let resumed = try CommandRunner.lapqCoord(calibrateArguments(method: "lapq", out: interrupted, extra: limit + ["--resume", interrupted.path]))
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        var expected = try steps(reference), actual = try steps(interrupted)
        expected["timings"] = nil
        actual["timings"] = nil
        XCTAssertEqual(NSDictionary(dictionary: actual), NSDictionary(dictionary: expected))
    }
}

/// The Python with onnxruntime that Scripts/test provides; a skip elsewhere, a failure there.
enum PythonTools {
    static func run(_ testCase: XCTestCase, _ arguments: [String]) throws -> CommandRunner.Outcome {
        let env = URL(fileURLWithPath: "/usr/bin/env")
        let probe = try CommandRunner.run(env, ["python3", "-c", "import onnx, onnxruntime, numpy"])
        guard probe.status == 0 else {
            if ProcessInfo.processInfo.environment["LAPQ_REQUIRE_PYTHON_TOOLS"] == "1" {
                XCTFail("python3 with onnx and onnxruntime is required here: \(probe.standardError)")
            }
            throw XCTSkip("python3 with onnx and onnxruntime is not available")
        }
        return try CommandRunner.run(env, ["python3"] + arguments)
    }
}
