import Foundation
import XCTest

/// Distributed runs through the real binaries on 127.0.0.1: the same steps.json as a local
/// run, whatever the number of workers, and when a worker is killed or stalls mid-run.
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

    /// `kill -9` of one of two workers once Powell is under way: the run finishes, same result.
    func testKilledWorkerIsReplaced() throws {
        try assertSurvives { worker in kill(worker.processIdentifier, SIGKILL) }
    }

    /// SIGSTOP of one of two workers: declared dead after the liveness timeout, same result.
    func testStoppedWorkerIsReplaced() throws {
        try assertSurvives { worker in kill(worker.processIdentifier, SIGSTOP) }
    }

    private func assertSurvives(_ disrupt: (Process) -> Void) throws {
        let expected = try localReference()
        let harness = try ClusterHarness(self)
        let out = harness.directory.appendingPathComponent("out")
        let (coordinator, endpoint) = try harness.startCoordinator(arguments(out: out) + ["--min-workers", "2"])
        let victim = try harness.startWorker(endpoint, name: "victim")
        _ = try harness.startWorker(endpoint, name: "survivor")
        _ = try harness.waitFor(in: "coordinator", timeout: 120) { $0.contains("[powell]") ? true : nil }
        disrupt(victim)
        XCTAssertEqual(harness.finish(coordinator), 0, harness.log("coordinator"))
        XCTAssertTrue(harness.log("coordinator").contains("worker 'victim' lost"), harness.log("coordinator"))
        XCTAssertEqual(try steps(out), expected)
    }

    /// A worker with `--data-root` reads the shards it has locally (same SHA-256) instead of
    /// receiving them: only the model travels, and the result is unchanged.
    func testDataRootShardsAreNotSent() throws {
        let expected = try localReference()
        setenv("LAPQ_TRACE", "1", 1)
        defer { unsetenv("LAPQ_TRACE") }
        let harness = try ClusterHarness(self)
        let out = harness.directory.appendingPathComponent("out")
        let (coordinator, endpoint) = try harness.startCoordinator(arguments(out: out))
        _ = try harness.startWorker(endpoint, name: "local-data", extra: ["--data-root", example.path])
        XCTAssertEqual(harness.finish(coordinator), 0, harness.log("coordinator"))
        XCTAssertEqual(try steps(out), expected)
        let loads = harness.log("local-data").components(separatedBy: "\n").filter { $0.contains("trace in: LOAD") }
        XCTAssertEqual(loads.count, 1, "only the model should be sent:\n\(loads.joined(separator: "\n"))")
    }
}
