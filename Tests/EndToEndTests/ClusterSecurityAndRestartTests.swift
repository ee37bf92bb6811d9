import Foundation
import XCTest

/// CURVE with an allow-list, and a coordinator killed and resumed while its workers stay up.
final class ClusterSecurityAndRestartTests: XCTestCase {
    private let example = CommandRunner.repository.appendingPathComponent("examples/digits")

    private func arguments(out: URL, method: String = "lapq") -> [String] {
        ["--model", example.appendingPathComponent("digits.onnx").path,
         "--calib", example.appendingPathComponent("calib.json").path,
         "--bits", "3/3", "--method", method, "--max-evals", "25", "--threads", "1", "--out", out.path]
    }

    private func keygen(_ prefix: URL) throws {
        XCTAssertEqual(try CommandRunner.lapqCoord(["keygen", "--out", prefix.path]).status, 0)
    }

    /// A worker whose key is not on the allow-list never joins; one whose key is, does the run.
    func testCurveAllowListAdmitsOnlyListedWorkers() throws {
        let harness = try ClusterHarness(self)
        let keys = harness.directory
        for name in ["coordinator", "good", "bad"] { try keygen(keys.appendingPathComponent(name)) }
        let allowed = keys.appendingPathComponent("allowed.txt")
        try FileManager.default.copyItem(at: keys.appendingPathComponent("good.pub"), to: allowed)
        let (coordinator, endpoint) = try harness.startCoordinator(
            arguments(out: keys.appendingPathComponent("out"), method: "mmse")
                + ["--curve-secret-key", keys.appendingPathComponent("coordinator.key").path,
                   "--curve-allowed-keys", allowed.path])
        func curve(_ name: String) -> [String] {
            ["--curve-server-key", keys.appendingPathComponent("coordinator.pub").path,
             "--curve-public-key", keys.appendingPathComponent("\(name).pub").path,
             "--curve-secret-key", keys.appendingPathComponent("\(name).key").path]
        }
        _ = try harness.startWorker(endpoint, name: "bad", extra: curve("bad"))
        Thread.sleep(forTimeInterval: 1)
        _ = try harness.startWorker(endpoint, name: "good", extra: curve("good"))
        XCTAssertEqual(harness.finish(coordinator), 0, harness.log("coordinator"))
        let log = harness.log("coordinator")
        XCTAssertTrue(log.contains("worker 'good' joined"), log)
        XCTAssertFalse(log.contains("worker 'bad' joined"), log)
    }

    /// kill -9 of the coordinator during Powell, then `--resume` on the same address: the
    /// worker that stayed up says HELLO again, and the result equals an uninterrupted run's.
    func testCoordinatorKilledAndResumedReachesTheSameSteps() throws {
        let reference = try CommandRunner.temporaryDirectory(self)
        XCTAssertEqual(try CommandRunner.lapqCoord(["calibrate"] + arguments(out: reference)).status, 0)

        let harness = try ClusterHarness(self)
        let out = harness.directory.appendingPathComponent("out")
        let bind = "tcp://127.0.0.1:\(Int.random(in: 20_000...40_000))"
        let (first, endpoint) = try harness.startCoordinator(arguments(out: out), bind: bind, log: "first")
        _ = try harness.startWorker(endpoint, name: "worker")
        _ = try harness.waitFor(in: "first", timeout: 120) { text in
            (try? String(contentsOf: out.appendingPathComponent("checkpoint.json"), encoding: .utf8))?.contains("\"powell\"") == true ? true : nil
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let (second, _) = try harness.startCoordinator(arguments(out: out) + ["--resume", out.path], bind: bind, log: "second")
        XCTAssertEqual(harness.finish(second), 0, harness.log("second"))
        for directory in [reference, out] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("steps.json").path))
        }
        func steps(_ directory: URL) throws -> NSDictionary {
            var object = try XCTUnwrap(JSONSerialization.jsonObject(
                with: Data(contentsOf: directory.appendingPathComponent("steps.json"))) as? [String: Any])
            object["timings"] = nil
            object["numericsClasses"] = nil   // which CPU class computed which shard: one class here
            return NSDictionary(dictionary: object)
        }
        XCTAssertEqual(try steps(out), try steps(reference))
    }
}
