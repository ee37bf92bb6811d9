import Foundation
import XCTest

/// Each mistake a user can make gets a one-line error that names the culprit, and exit ≠ 0.
final class BadInputTests: XCTestCase {
    private let example = CommandRunner.repository.appendingPathComponent("examples/digits")

    private func calibrate(_ extra: [String], calib: String? = nil, model: String? = nil, out: URL? = nil) throws
        -> CommandRunner.Outcome {
        try CommandRunner.lapqCoord(["calibrate",
                                     "--model", model ?? example.appendingPathComponent("digits.onnx").path,
                                     "--calib", calib ?? example.appendingPathComponent("calib.json").path,
                                     "--method", "maxabs", "--out", (try out ?? CommandRunner.temporaryDirectory(self)).path] + extra)
    }

    func testMissingModelFile() throws {
        assertOneLineError(try calibrate([], model: "/nonexistent/model.onnx"), mentions: "/nonexistent/model.onnx")
    }

    /// Finding 4 of issue #11: `--out` naming an existing file printed Foundation's error dump.
    func testOutputDirectoryThatIsAFile() throws {
        let file = try CommandRunner.temporaryDirectory(self).appendingPathComponent("r")
        try Data("x".utf8).write(to: file)
        let outcome = try calibrate([], out: file)
        assertOneLineError(outcome, mentions: "--out \(file.path): is a file")
        XCTAssertFalse(outcome.standardError.contains("NSCocoaErrorDomain"), outcome.standardError)
        XCTAssertEqual(try Data(contentsOf: file), Data("x".utf8), "the file is left as it was")
    }

    /// A Foundation error while writing the outputs (here: a directory where steps.json goes)
    /// is one line naming the file, not `Error Domain=NSCocoaErrorDomain …`.
    func testUnwritableOutputFileGivesOneLine() throws {
        let out = try CommandRunner.temporaryDirectory(self)
        try FileManager.default.createDirectory(at: out.appendingPathComponent("steps.json/inside"), withIntermediateDirectories: true)
        let outcome = try calibrate([], out: out)
        assertOneLineError(outcome, mentions: "steps.json")
        XCTAssertFalse(outcome.standardError.contains("Domain="), outcome.standardError)
    }

    /// Finding 1 of issue #11: a resume with other bit widths was accepted and wrote the saved
    /// run's 4-bit steps labelled 3/3. Now it is refused, naming the setting, and the saved
    /// run's files are untouched.
    func testResumeWithOtherBitWidthsIsRefused() throws {
        let out = try CommandRunner.temporaryDirectory(self)
        XCTAssertEqual(try calibrate(["--bits", "4/4"], out: out).status, 0)
        let before = try Data(contentsOf: out.appendingPathComponent("steps.json"))
        let outcome = try calibrate(["--bits", "3/3", "--resume", out.path], out: out)
        assertOneLineError(outcome, mentions: "cannot resume: weightBits (--bits (weights)) was 4 in the saved run, is 3 now")
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("steps.json")), before)
    }

    /// A run with `--bias-correction-both` keeps its runs in two subdirectories: resuming it
    /// without the flag, or a plain run with it, is refused, naming the flag, before any work.
    func testResumeWithoutOrWithBiasCorrectionBothAsTheRunWasMade() throws {
        let both = try CommandRunner.temporaryDirectory(self)
        try FileManager.default.createDirectory(at: both.appendingPathComponent("without-bias-correction"),
                                                withIntermediateDirectories: true)
        assertOneLineError(try calibrate(["--resume", both.path], out: both),
                           mentions: "holds a run made with --bias-correction-both; resume it with that flag")
        let single = try CommandRunner.temporaryDirectory(self)
        XCTAssertEqual(try calibrate([], out: single).status, 0)
        assertOneLineError(try calibrate(["--resume", single.path, "--bias-correction-both"], out: single),
                           mentions: "holds a run made without --bias-correction-both; resume it without that flag")
        XCTAssertFalse(FileManager.default.fileExists(atPath: single.appendingPathComponent("without-bias-correction").path))
    }

    /// A `--keep-float` pattern that matches nothing would quietly quantize what the user meant
    /// to keep: refused, naming the pattern and the model's names.
    func testKeepFloatPatternMatchingNothing() throws {
        let outcome = try calibrate(["--keep-float", "/3/Conv", "--keep-float", "conv*"])
        assertOneLineError(outcome, mentions: "--keep-float 'conv*' matches no layer, weight or activation of the model; "
            + "layers: /0/Conv, /3/Conv, /7/Conv, /12/Gemm; weights: ")
    }

    func testUnknownWeightGranularity() throws {
        let outcome = try calibrate(["--weight-granularity", "per-row"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.standardError.contains("per-row"), outcome.standardError)
    }

    func testBiasCorrectionBothWithBiasCorrection() throws {
        assertOneLineError(try calibrate(["--bias-correction", "--bias-correction-both"]), mentions: "--bias-correction-both")
    }

    func testUnsupportedBitWidth() throws {
        assertOneLineError(try calibrate(["--bits", "9/4"]), mentions: "9/4")
    }

    func testUnknownExportFormat() throws {
        let outcome = try calibrate(["--export-format", "int3"])
        assertOneLineError(outcome, mentions: "int3")
        XCTAssertTrue(outcome.standardError.contains("--export-format"), outcome.standardError)
        XCTAssertTrue(outcome.standardError.contains("int8") && outcome.standardError.contains("int4"), outcome.standardError)
    }

    /// Negative memory budgets and stall timeouts name the flag and the value.
    func testNegativeBudgetsAndTimeouts() throws {
        for (flag, value) in [("--prefix-cache-mib", "-1"), ("--shard-cache-mib", "-5"), ("--stall-timeout", "0")] {
            // `--flag=-1`: with a space, the parser would read "-1" as another flag.
            assertOneLineError(try calibrate(["\(flag)=\(value)"]), mentions: "\(flag) \(value)")
        }
    }

    /// A copy of the example data with one byte of the image array changed.
    func testShardHashMismatch() throws {
        let directory = try copyOfExampleData()
        let images = directory.appendingPathComponent("calib_images.npy")
        var bytes = try Data(contentsOf: images)
        bytes[bytes.count - 5] ^= 0xFF
        try bytes.write(to: images)
        let outcome = try calibrate([], calib: directory.appendingPathComponent("calib.json").path)
        assertOneLineError(outcome, mentions: "calib_images.npy")
        XCTAssertTrue(outcome.standardError.contains("shard 6"), outcome.standardError)
    }

    func testCorruptNpy() throws {
        let directory = try copyOfExampleData()
        try Data("not a numpy file".utf8).write(to: directory.appendingPathComponent("calib_labels.npy"))
        assertOneLineError(try calibrate([], calib: directory.appendingPathComponent("calib.json").path),
                           mentions: "calib_labels.npy")
    }

    func testModelInputDoesNotMatchData() throws {
        let model = CommandRunner.repository.appendingPathComponent("Tests/LAPQEngineTests/Fixtures/resnet.onnx")
        assertOneLineError(try calibrate([], model: model.path), mentions: "resnet.onnx")
    }

    /// A validation set whose samples do not fit the model fails the run before its search
    /// (which may take hours), naming the validation manifest; no result is written.
    func testValidationSetOfAnotherShapeFailsBeforeTheSearch() throws {
        let directory = try CommandRunner.temporaryDirectory(self)
        let images = directory.appendingPathComponent("small_images.npy"), labels = directory.appendingPathComponent("small_labels.npy")
        try Self.npy(descr: "|u1", shape: [2, 4, 4, 3], bytes: [UInt8](repeating: 7, count: 2 * 4 * 4 * 3)).write(to: images)
        try Self.npy(descr: "<i8", shape: [2], bytes: [UInt8](repeating: 0, count: 16)).write(to: labels)
        let manifest = directory.appendingPathComponent("small.json")
        let made = try CommandRunner.lapqCoord(["manifest", "--images", images.path, "--labels", labels.path,
                                                "--shard-size", "2", "--out", manifest.path])
        XCTAssertEqual(made.status, 0, made.standardError)
        let out = try CommandRunner.temporaryDirectory(self).appendingPathComponent("run")
        let outcome = try calibrate(["--val", manifest.path, "--method", "lapq"], out: out)
        assertOneLineError(outcome, mentions: "small.json")
        XCTAssertFalse(outcome.standardError.contains("[powell]"), outcome.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("steps.json").path))
    }

    /// A version-1 .npy file: magic, header dict padded to 64 bytes, data.
    private static func npy(descr: String, shape: [Int], bytes: [UInt8]) -> Data {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(dims)), }"
        header += String(repeating: " ", count: 63 - (10 + header.utf8.count) % 64) + "\n"
        return Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
                    + Array(header.utf8) + bytes)
    }

    private func copyOfExampleData() throws -> URL {
        let directory = try CommandRunner.temporaryDirectory(self)
        for name in ["calib.json", "calib_images.npy", "calib_labels.npy"] {
            try FileManager.default.copyItem(at: example.appendingPathComponent(name),
                                             to: directory.appendingPathComponent(name))
        }
        return directory
    }
}
