import XCTest
@testable import LAPQEngine

/// FP32 forward passes against onnxruntime's outputs (Scripts/fixtures/make-fixtures.py).
final class ExecutorFloatTests: XCTestCase {
    private let floatPlan = { (graph: Graph) in QuantizationPlan(graph: graph, weightBits: 32, activationBits: 32) }

    func testReferenceMatchesOnnxRuntime() throws {
        for entry in try FixtureIndex.runnable() {
            let graph = try FixtureIndex.graph(entry.name)
            let executor = try ReferenceExecutor(graph: graph, plan: floatPlan(graph))
            let output = try executor.run(try FixtureIndex.tensor(entry.input))
            try assertClose(output, try FixtureIndex.tensor(entry.outputs[0]), entry.name)
        }
    }

    func testExecutorMatchesOnnxRuntime() throws {
        for entry in try FixtureIndex.runnable() {
            let graph = try FixtureIndex.graph(entry.name)
            let executor = try Executor(graph: graph, plan: floatPlan(graph), options: .init(threads: 2))
            let output = try executor.run(try FixtureIndex.tensor(entry.input))
            try assertClose(output, try FixtureIndex.tensor(entry.outputs[0]), entry.name)
        }
    }

    func testRejectsWrongInputShape() throws {
        let graph = try FixtureIndex.graph("resnet")
        let executor = try Executor(graph: graph, plan: floatPlan(graph))
        XCTAssertThrowsError(try executor.run(Tensor(shape: [2, 3, 8, 8]))) { error in
            XCTAssertEqual(error as? ExecutionError, .inputShape(expected: [2, 3, 16, 16], got: [2, 3, 8, 8]))
        }
    }

    /// max |a − b| ≤ 1e-4 · max(1, max |expected|): the "relative to the logit scale".
    private func assertClose(_ actual: Tensor, _ expected: Tensor, _ label: String,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(actual.shape, expected.shape, label, file: file, line: line)
        let scale = max(1, expected.data.map(abs).max() ?? 0)
        let worst = zip(actual.data, expected.data).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, 1e-4 * scale, "\(label): max diff \(worst), scale \(scale)", file: file, line: line)
    }
}
