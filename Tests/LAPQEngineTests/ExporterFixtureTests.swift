import Foundation
import XCTest
@testable import LAPQEngine

/// Real exporter output (Scripts/fixtures/make-exporter-fixtures.py, from the shared files into an
/// ignored folder; skipped without them, `FixtureIndex.exporterFixtures`): the CIFAR ResNet-20 graph
/// as torch's TorchScript and dynamo exporters wrote it — Slice + Pad shortcuts whose pads the
/// graph computes, a Range/Gather `view`, external data — with seeded weights. Both import,
/// match onnxruntime, quantize the same convolutions and compute the same quantized network.
final class ExporterFixtureTests: XCTestCase {
    private struct Index: Decodable {
        struct Export: Decodable { let model: String; let layers: Int }
        let exports: [Export]
        let input: FixtureIndex.TensorFile
        let output: FixtureIndex.TensorFile
    }

    private func fixtures() throws -> (index: Index, directory: URL) {
        let directory = try FixtureIndex.exporterFixtures()
        let data = try Data(contentsOf: directory.appendingPathComponent("exports.json"))
        return (try JSONDecoder().decode(Index.self, from: data), directory)
    }

    private func tensor(_ file: FixtureIndex.TensorFile, in directory: URL) throws -> Tensor {
        try FixtureIndex.tensor(file, in: directory)
    }

    private func graphs() throws -> [Graph] {
        let (index, directory) = try fixtures()
        XCTAssertEqual(index.exports.count, 2)
        return try index.exports.map { try ONNXImporter.load(contentsOf: directory.appendingPathComponent($0.model)) }
    }

    func testBothExportsImportAndMatchOnnxRuntimeOnBothExecutors() throws {
        let (index, directory) = try fixtures()
        let input = try tensor(index.input, in: directory), expected = try tensor(index.output, in: directory)
        for graph in try graphs() {
            XCTAssertEqual(graph.nodes.filter { $0.op.name == "Pad" }.count, 2, "the two option-A shortcuts")
            let plan = QuantizationPlan(graph: graph, weightBits: 32, activationBits: 32)
            let outputs = [try Executor(graph: graph, plan: plan).run(input), try ReferenceExecutor(graph: graph, plan: plan).run(input)]
            for output in outputs {
                XCTAssertEqual(output.shape, expected.shape)
                let scale = expected.data.map(abs).max() ?? 1
                let difference = zip(output.data, expected.data).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThanOrEqual(difference, 1e-5 * scale, "logits against onnxruntime")
            }
        }
    }

    func testBothExportsQuantizeTheSameConvolutionsAndComputeTheSameQuantizedNetwork() throws {
        let (index, directory) = try fixtures()
        let input = try tensor(index.input, in: directory)
        let exports = try graphs()
        let plans = exports.map { QuantizationPlan(graph: $0, weightBits: 4, activationBits: 4) }
        XCTAssertEqual(plans[0].points.count, 2 * (index.exports[0].layers - 2), "first and last layer stay float")
        XCTAssertEqual(plans[0].points.map(\.kind), plans[1].points.map(\.kind))
        XCTAssertEqual(plans[0].points.map(\.isSigned), plans[1].points.map(\.isSigned))
        let weightShapes = zip(exports, plans).map { graph, plan in
            plan.points.filter { $0.kind == .weight }.map { graph.initializers[$0.tensor]?.shape ?? [] }
        }
        XCTAssertEqual(weightShapes[0], weightShapes[1])
        let first = try Executor(graph: exports[0], plan: plans[0])
        let steps = try ActivationStatistics.maxAbsStepSizes(of: input, executor: first)
        var logits: [Tensor] = []
        for (graph, plan) in zip(exports, plans) {
            let executor = try Executor(graph: graph, plan: plan)
            try executor.setStepSizes(steps)
            logits.append(try executor.run(input))
        }
        let difference = zip(logits[0].data, logits[1].data).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(difference, 1e-5 * (logits[0].data.map(abs).max() ?? 1), "W4/A4 logits of the two exports")
        XCTAssertEqual(topOne(logits[0]), topOne(logits[1]))
    }

    private func topOne(_ logits: Tensor) -> [Int] {
        let classes = logits.shape[1]
        return (0..<logits.shape[0]).map { row in
            let values = logits.data[(row * classes)..<((row + 1) * classes)]
            return values.indices.max { values[$0] < values[$1] }.map { $0 - row * classes } ?? 0
        }
    }
}
