import Foundation
import XCTest

/// Runs the built `lapq-coord` (next to the test bundle in the build directory) and collects
/// its exit status and output, as a user at a shell would see them.
struct CommandRunner {
    struct Outcome {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    static var buildDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// The repository root, for the bundled example and the scripts.
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func lapqCoord(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        try run(buildDirectory.appendingPathComponent("lapq-coord"), arguments, environment: environment)
    }

    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let process = try start(executable, arguments, environment: environment)
        let output = (process.standardOutput as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        let error = (process.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, standardOutput: String(decoding: output, as: UTF8.self),
                       standardError: String(decoding: error, as: UTF8.self))
    }

    /// Starts a process with piped output (read it, or the process may block on a full pipe).
    static func start(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }

    /// A fresh temporary directory, removed by the test's teardown.
    static func temporaryDirectory(_ testCase: XCTestCase) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lapq-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }
}

/// A failed command's output holds exactly one error line, naming `needle`, and no crash report.
func assertOneLineError(_ outcome: CommandRunner.Outcome, mentions needle: String,
                        file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertNotEqual(outcome.status, 0, file: file, line: line)
    // Progress lines may precede it; the error itself is one line.
    let errors = outcome.standardError.split(separator: "\n").filter { $0.lowercased().hasPrefix("error:") }
    XCTAssertEqual(errors.count, 1, "expected one error line, got:\n\(outcome.standardError)", file: file, line: line)
    XCTAssertTrue(errors.first?.contains(needle) ?? false, "'\(needle)' not in: \(outcome.standardError)", file: file, line: line)
    XCTAssertFalse(outcome.standardError.contains("Fatal error"), outcome.standardError, file: file, line: line)
}
