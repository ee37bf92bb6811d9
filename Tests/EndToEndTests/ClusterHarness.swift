import Foundation
import XCTest

/// Starts `lapq-coord calibrate --bind` and `lapq-worker`s as real processes on 127.0.0.1,
/// with their output in files, and stops whatever is left at teardown.
final class ClusterHarness {
    let directory: URL
    private var processes: [Process] = []
    private let testCase: XCTestCase

    init(_ testCase: XCTestCase) throws {
        self.testCase = testCase
        directory = try CommandRunner.temporaryDirectory(testCase)
        // Strong on purpose: the harness must outlive the test body to stop its processes.
        testCase.addTeardownBlock { self.stopAll() }
    }

    /// Starts the coordinator on a loopback port (ephemeral unless given) and returns (process, endpoint).
    func startCoordinator(_ arguments: [String], bind: String = "tcp://127.0.0.1:*",
                          log name: String = "coordinator") throws -> (Process, String) {
        let process = try start("lapq-coord", ["calibrate"] + arguments + ["--bind", bind], log: name)
        let endpoint = try waitFor(in: name, timeout: 60) { text in
            text.range(of: #"listening on (tcp://[0-9.:]+)"#, options: .regularExpression).map {
                String(text[$0].dropFirst("listening on ".count))
            }
        }
        return (process, endpoint)
    }

    func startWorker(_ endpoint: String, name: String, extra: [String] = []) throws -> Process {
        try start("lapq-worker", ["--connect", endpoint, "--threads", "1", "--name", name] + extra, log: name)
    }

    /// Waits for the process to end and returns its status.
    func finish(_ process: Process, timeout: TimeInterval = 300) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func log(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? ""
    }

    /// Polls a log until `match` finds something, or fails the test after `timeout` seconds.
    func waitFor<T>(in name: String, timeout: TimeInterval, _ match: (String) -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let found = match(log(name)) { return found }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw HarnessTimeout(description: "gave up waiting on \(name).log; it says:\n\(log(name))")
    }

    private func start(_ executable: String, _ arguments: [String], log name: String) throws -> Process {
        let process = Process()
        process.executableURL = CommandRunner.buildDirectory.appendingPathComponent(executable)
        process.arguments = arguments
        let logURL = directory.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logURL)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes.append(process)
        return process
    }

    func stopAll() {
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGCONT)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// A process did not log what the test waited for in time: a failure, never a skip.
struct HarnessTimeout: Error, CustomStringConvertible {
    let description: String
}
