import Foundation
import XCTest

/// Distributed runs through the real binaries on 127.0.0.1: the same steps.json as a local
/// run — its validation scores included, which the workers compute too —, whatever the number
/// of workers, and when a worker is killed or stalls mid-run.
final class ClusterRunTests: XCTestCase {
    private let example = CommandRunner.repository.appendingPathComponent("examples/digits")

    private func arguments(out: URL) -> [String] {
        ["--model", example.appendingPathComponent("digits.onnx").path,
         "--calib", example.appendingPathComponent("calib.json").path,
         "--val", example.appendingPathComponent("val.json").path,
         "--bits", "3/3", "--method", "lapq", "--max-evals", "25", "--threads", "1", "--out", out.path]
    }

    /// steps.json without the wall-clock timings and the numerics classes (a distributed run
    /// records them, a local one does not); workers on one machine are one class.
    private func steps(_ directory: URL, file: StaticString = #filePath, line: UInt = #line) throws -> NSDictionary {
        var object = try stepsObject(directory)
        object["timings"] = nil
        if let classes = object.removeValue(forKey: "numericsClasses") as? [String: [Int]] {
            XCTAssertEqual(classes.count, 1, "\(classes)", file: file, line: line)
        }
        return NSDictionary(dictionary: object)
    }

    private func stepsObject(_ directory: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("steps.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func localReference() throws -> NSDictionary {
        let out = try CommandRunner.temporaryDirectory(self)
        let run = try CommandRunner.lapqCoord(["calibrate"] + arguments(out: out))
        XCTAssertEqual(run.status, 0, run.standardError)
        let reference = try steps(out)
        XCTAssertNotNil(reference["validationScores"], "the comparisons cover the validation pass")
        return reference
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

    /// Finding 5 of issue #11 on one machine: a worker started with ONEDNN_MAX_CPU_ISA=SSE41
    /// computes with other bits (another numerics class). The run keeps each shard within the
    /// class that first computed it and records the classes; when the native worker dies, its
    /// shards have no worker of their class left and the run stops naming the classes —
    /// unless `--allow-mixed-numerics`, with which it finishes on the other class.
    func testWorkersOfTwoNumericsClassesKeepTheirShards() throws {
        for allowMixed in [false, true] {
            let harness = try ClusterHarness(self)
            let out = harness.directory.appendingPathComponent("out")
            var flags = arguments(out: out).filter { $0 != "25" && $0 != "--max-evals" } + ["--min-workers", "2"]
            if allowMixed { flags.append("--allow-mixed-numerics") }
            let (coordinator, endpoint) = try harness.startCoordinator(flags)
            let native = try harness.startWorker(endpoint, name: "native")
            setenv("ONEDNN_MAX_CPU_ISA", "SSE41", 1)
            _ = try harness.startWorker(endpoint, name: "sse41")
            unsetenv("ONEDNN_MAX_CPU_ISA")
            let classes = try harness.waitFor(in: "coordinator", timeout: 120) { log -> Set<String>? in
                let lines = log.components(separatedBy: "\n").filter { $0.contains("computes in numerics class") }
                return lines.count == 2 ? Set(lines.compactMap { $0.components(separatedBy: " ").last }) : nil
            }
            XCTAssertEqual(classes.count, 2, "SSE41 should compute with other bits: \(harness.log("coordinator"))")
            _ = try harness.waitFor(in: "coordinator", timeout: 120) { $0.contains("[powell]") ? true : nil }
            kill(native.processIdentifier, SIGKILL)
            let status = harness.finish(coordinator)
            let log = harness.log("coordinator")
            if allowMixed {
                XCTAssertEqual(status, 0, log)
                let recorded = try XCTUnwrap(stepsObject(out)["numericsClasses"] as? [String: [Int]])
                XCTAssertEqual(Set(recorded.keys), classes)
                XCTAssertEqual(Set(recorded.values.flatMap { $0 }).count, 7, "every shard recorded: \(recorded)")
            } else {
                XCTAssertNotEqual(status, 0, log)
                XCTAssertTrue(log.contains("which has no live worker"), log)
                XCTAssertTrue(log.contains("--allow-mixed-numerics"), log)
            }
        }
    }

    /// `--bias-correction-both` over a cluster: two sessions, one after the other, on the port
    /// the first resolved; the same two workers serve both, and every steps.json (the two runs'
    /// and the kept one) is the local run's.
    func testBiasCorrectionBothServesBothRunsWithTheSameWorkers() throws {
        let both = ["--bias-correction-both"]
        let reference = try CommandRunner.temporaryDirectory(self)
        let local = try CommandRunner.lapqCoord(["calibrate"] + arguments(out: reference) + both)
        XCTAssertEqual(local.status, 0, local.standardError)
        let harness = try ClusterHarness(self)
        let out = harness.directory.appendingPathComponent("out")
        let (coordinator, endpoint) = try harness.startCoordinator(arguments(out: out) + both + ["--min-workers", "2"])
        for index in 0..<2 { _ = try harness.startWorker(endpoint, name: "worker\(index)") }
        XCTAssertEqual(harness.finish(coordinator), 0, harness.log("coordinator"))
        let log = harness.log("coordinator")
        XCTAssertEqual(log.components(separatedBy: "listening on \(endpoint);").count - 1, 2, log)
        XCTAssertEqual(log.components(separatedBy: "worker 'worker1' joined").count - 1, 2, log)
        for directory in ["", "without-bias-correction", "with-bias-correction"] {
            XCTAssertEqual(try steps(out.appendingPathComponent(directory)), try steps(reference.appendingPathComponent(directory)),
                           directory)
        }
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
