import Foundation
import XCTest

/// Distributed runs through the real binaries on 127.0.0.1: the same steps.json as a local
/// run, whatever the number of workers.
final class ClusterRunTests: XCTestCase {
    private let example = CommandRunner.repository.appendingPathComponent("examples/digits")

    private func arguments(out: URL) -> [String] {
        ["--model", example.appendingPathComponent("digits.onnx").path,
         "--calib", example.appendingPathComponent("calib.json").path,
         "--bits", "3/3", "--method", "lapq", "--max-evals", "25", "--threads", "1", "--out", out.path]
    }

    /// steps.json without the wall-clock timings.
    private func steps(_ directory: URL) throws -> NSDictionary {
        let data = try Data(contentsOf: directory.appendingPathComponent("steps.json"))
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["timings"] = nil
        return NSDictionary(dictionary: object)
    }

    private func localReference() throws -> NSDictionary {
        let out = try CommandRunner.temporaryDirectory(self)
        let run = try CommandRunner.lapqCoord(["calibrate"] + arguments(out: out))
        XCTAssertEqual(run.status, 0, run.standardError)
        return try steps(out)
    }

    func testOneTwoAndThreeWorkersGiveTheLocalResult() throws {
        let expected = try localReference()
        for workers in [1, 2, 3] {
            let harness = try ClusterHarness(self)
            let out = harness.directory.appendingPathComponent("out")
            let (coordinator, endpoint) = try harness.startCoordinator(arguments(out: out) + ["--min-workers", "\(workers)"])
            for index in 0..<workers { _ = try harness.startWorker(endpoint, name: "worker\(index)") }
            XCTAssertEqual(harness.finish(coordinator), 0, harness.log("coordinator"))
            XCTAssertEqual(try steps(out), expected, "\(workers) workers")
        }
    }
}
