import XCTest
import LAPQMath
@testable import LAPQEngine

/// The bundled example imports into lapq, runs in `Executor` with the float accuracy its README
/// records (torch's and onnxruntime's), and exports to a QDQ model that onnxruntime runs as lapq
/// (in every export format).
final class DigitsExampleTests: XCTestCase {
    func testExecutorReproducesTheRecordedFloatAccuracy() throws {
        let example = try DigitsExample()
        let plan = QuantizationPlan(graph: example.graph, weightBits: 32, activationBits: 32)
        let executor = try Executor(graph: example.graph, plan: plan, options: .init(threads: 1))
        let score = try executor.evaluate(example.validationInput, labels: example.validationLabels)
        XCTAssertEqual(score.count, 400)
        let accuracy = String(format: "%.2f%%", 100 * Double(score.top1) / Double(score.count))
        XCTAssertTrue(example.readme.contains("| validation | \(accuracy) |"), "lapq: \(accuracy); README:\n\(example.readme)")
    }

    func testQDQExportOfTheExampleRunsInOnnxRuntimeAsInLapq() throws {
        let probe = try PythonCheck.run(["-c", "import onnx, onnxruntime"])
        if probe.status != 0 { throw XCTSkip("python3 with onnx and onnxruntime is not available: \(probe.output)") }
        let example = try DigitsExample()
        let plan = QuantizationPlan(graph: example.graph, weightBits: 4, activationBits: 4)
        let steps = try QDQExportCase.maxAbsStepSizes(graph: example.graph, plan: plan, input: example.validationInput)
        let executor = try Executor(graph: example.graph, plan: plan, options: .init(threads: 1))
        try executor.setStepSizes(steps)
        let logits = try executor.run(example.validationInput)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lapq-digits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try example.validationInput.littleEndianBytes.write(to: directory.appendingPathComponent("input.f32"))
        try logits.littleEndianBytes.write(to: directory.appendingPathComponent("lapq.f32"))
        for format in QDQExportFormat.allCases {
            let model = directory.appendingPathComponent("digits.w4a4.\(format.rawValue).onnx")
            try QDQExporter.write(graph: example.graph, plan: plan, stepSizes: steps, format: format, to: model)
            let result = try PythonCheck.run([PythonCheck.script.path, model.path,
                                              directory.appendingPathComponent("input.f32").path,
                                              directory.appendingPathComponent("lapq.f32").path])
            print(result.output, terminator: "")
            XCTAssertEqual(result.status, 0, "\(format): \(result.output)")
        }
    }
}
