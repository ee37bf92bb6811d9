import Foundation
import XCTest
import LAPQEngine

/// Imports every fixture made by Scripts/fixtures/make-fixtures.py and checks the graph against what
/// the script and onnxruntime recorded.
final class ONNXFixtureImportTests: XCTestCase {
    private func importable() throws -> [FixtureIndex.Entry] {
        try FixtureIndex.load().fixtures.filter { $0.expectedError == nil }
    }

    func testIndexListsTheExpectedFamilies() throws {
        let names = Set(try FixtureIndex.load().fixtures.map(\.name))
        for family in ["resnet", "mobilenet_v2", "vgg", "inception", "external_data", "unsupported_op"] {
            XCTAssertTrue(names.contains(family), family)
        }
    }

    func testEveryFixtureImportsWithTheExpectedNodes() throws {
        for entry in try importable() {
            let graph = try FixtureIndex.graph(entry.name)
            XCTAssertEqual(graph.nodes.count, entry.expectedNodeCount, entry.name)
            let quantizable = graph.nodes.filter(\.op.isQuantizable).map(\.name)
            XCTAssertEqual(quantizable, entry.quantizableNodes, entry.name)
            let scaleShifts = graph.nodes.filter { $0.op == .scaleShift }.count
            XCTAssertEqual(scaleShifts, entry.scaleShiftCount ?? 0, entry.name)
        }
    }

    func testInferredOutputShapesEqualOnnxruntimeForTheRecordedAndOtherBatchSizes() throws {
        for entry in try importable() {
            let graph = try FixtureIndex.graph(entry.name)
            XCTAssertEqual(graph.input.shape(batchSize: entry.input.shape[0]), entry.input.shape, entry.name)
            let shapes = try graph.inferShapes(batchSize: entry.input.shape[0])
            XCTAssertEqual(graph.outputs.map { shapes[$0] ?? [] }, entry.outputs.map(\.shape), entry.name)
            let wider = try graph.inferShapes(batchSize: 5)
            XCTAssertEqual(graph.outputs.map { wider[$0]?.first }, entry.outputs.map { _ in 5 }, entry.name)
        }
    }

    func testImportedGraphsAreCanonicalAndReadOnlyDefinedTensors() throws {
        for entry in try importable() {
            let graph = try FixtureIndex.graph(entry.name)
            let shapes = try graph.inferShapes(batchSize: 1)
            for node in graph.nodes {
                XCTAssertTrue(node.inputs.allSatisfy { shapes[$0] != nil }, "\(entry.name): \(node.name)")
                switch node.op {
                case .conv(let attributes): XCTAssertEqual(attributes.autoPad, .notSet)
                case .maxPool(let attributes), .averagePool(let attributes): XCTAssertEqual(attributes.autoPad, .notSet)
                case .concat(let axis), .flatten(let axis), .softmax(let axis): XCTAssertGreaterThanOrEqual(axis, 0)
                default: break
                }
            }
            let read = Set(graph.nodes.flatMap(\.inputs))
            XCTAssertTrue(graph.initializers.keys.allSatisfy(read.contains), "\(entry.name) keeps unused initializers")
        }
    }

    func testBatchNormalizationIsFoldedIntoEveryConvOfResNetAndMobileNet() throws {
        for name in ["resnet", "mobilenet_v2", "external_data"] {
            let graph = try FixtureIndex.graph(name)
            XCTAssertFalse(graph.nodes.contains { $0.op == .scaleShift }, name)
            for node in graph.nodes where node.op.name == "Conv" {
                XCTAssertEqual(node.inputs.count, 3, "\(name): \(node.name) has a folded bias")
            }
        }
    }

    func testMobileNetUsesDepthwiseConvAndReLU6FromConstantNodes() throws {
        let graph = try FixtureIndex.graph("mobilenet_v2")
        let groups = graph.nodes.compactMap { node -> Int? in
            if case .conv(let attributes) = node.op { return attributes.group }
            return nil
        }
        XCTAssertEqual(groups.filter { $0 > 1 }, [16, 24])
        XCTAssertEqual(graph.nodes.filter { $0.op == .clip(min: 0, max: 6) }.count, 5)  // stem, 2 + 2 in the blocks
        XCTAssertTrue(graph.nodes.filter { $0.op == .clip(min: 0, max: 6) }.allSatisfy { $0.inputs.count == 1 })
    }

    func testAutoPadIsResolvedToExplicitAsymmetricPads() throws {
        let graph = try FixtureIndex.graph("same_upper")
        guard case .conv(let conv) = graph.nodes[0].op, case .maxPool(let pool) = graph.nodes[1].op else {
            return XCTFail("expected Conv then MaxPool, got \(graph.nodes.map(\.op.name))")
        }
        XCTAssertEqual(conv.pads, [0, 0, 1, 1])  // 16 → 8 with k 3, s 2: one padding cell, at the end
        XCTAssertEqual(pool.pads, [1, 1, 0, 0])  // SAME_LOWER, k 2, s 1: one cell, at the start
    }

    func testLegacyOpsetAttributesAreRead() throws {
        let clip = try FixtureIndex.graph("clip_legacy")
        XCTAssertEqual(clip.nodes[1].op, .clip(min: 0, max: 6))
        guard case .averagePool(let pool) = clip.nodes[2].op else { return XCTFail("no AveragePool") }
        XCTAssertTrue(pool.countIncludePad)
        let softmax = try FixtureIndex.graph("softmax_legacy")
        XCTAssertEqual(softmax.nodes.last?.op, .softmax(axis: 1))
    }

    func testInceptionKeepsBothAveragePoolPaddingModes() throws {
        let graph = try FixtureIndex.graph("inception")
        let modes = graph.nodes.compactMap { node -> Bool? in
            if case .averagePool(let attributes) = node.op { return attributes.countIncludePad }
            return nil
        }
        XCTAssertEqual(modes, [false, true])
        XCTAssertEqual(graph.nodes.filter { $0.op == .concat(axis: 1) }.first?.inputs.count, 5)
    }

    func testPassThroughNodesAreRemovedAndReadersRewired() throws {
        let graph = try FixtureIndex.graph("pass_through")
        XCTAssertEqual(graph.nodes.map(\.op.name), ["Conv", "Relu"])
        XCTAssertEqual(graph.nodes[0].inputs[0], graph.input.name)
        XCTAssertEqual(graph.nodes[1].inputs, [graph.nodes[0].output])
        XCTAssertEqual(graph.outputs, [graph.nodes[1].output])
    }

    func testReshapeShapeComesFromItsConstantInput() throws {
        let graph = try FixtureIndex.graph("vgg")
        XCTAssertTrue(graph.nodes.contains { $0.op == .reshape(shape: [0, -1]) && $0.inputs.count == 1 })
    }

    func testExternalDataIsLoaded() throws {
        let entry = try FixtureIndex.entry("external_data")
        let weights = try XCTUnwrap(entry.externalData)
        let directory = try FixtureIndex.directory()
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent(weights).path))
        let graph = try FixtureIndex.graph("external_data")
        let conv = try XCTUnwrap(graph.nodes.first)
        let weight = try XCTUnwrap(graph.initializers[conv.inputs[1]])
        XCTAssertEqual(weight.shape, [8, 3, 3, 3])
        XCTAssertTrue(weight.data.contains { $0 != 0 })
    }

    /// The model as a whole (what a coordinator ships): the external file onnx wrote is listed
    /// once and the graph read from the held bytes is the one read from the directory.
    func testModelFilesHoldTheExternalDataAndImportTheSameGraph() throws {
        let entry = try FixtureIndex.entry("external_data")
        let url = try FixtureIndex.directory().appendingPathComponent(entry.model)
        let files = try ONNXModelFiles(contentsOf: url)
        XCTAssertEqual(files.externalData.map(\.location), [try XCTUnwrap(entry.externalData)])
        XCTAssertEqual(files.externalData[0].bytes, try Data(contentsOf: url.deletingLastPathComponent()
                .appendingPathComponent(files.externalData[0].location)))
        XCTAssertEqual(try files.graph(file: "shipped"), try ONNXImporter.load(contentsOf: url))
        var stripped = files
        stripped.externalData = []
        XCTAssertThrowsError(try stripped.graph(file: "shipped")) {
            XCTAssertTrue("\($0)".contains("was not shipped with the model"), "\($0)")
        }
        let plain = try ONNXModelFiles(contentsOf: try FixtureIndex.directory().appendingPathComponent(
            try FixtureIndex.entry("vgg").model))
        XCTAssertEqual(plain.externalData, [])
    }

    /// A model whose external file is missing is refused when it is read as a whole, naming the file.
    func testModelFilesNameAMissingExternalFile() throws {
        let entry = try FixtureIndex.entry("external_data")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lapq-external-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let copy = scratch.appendingPathComponent("model.onnx")
        try FileManager.default.copyItem(at: try FixtureIndex.directory().appendingPathComponent(entry.model), to: copy)
        XCTAssertThrowsError(try ONNXModelFiles(contentsOf: copy)) {
            let message = "\($0)"
            XCTAssertTrue(message.contains(try! XCTUnwrap(entry.externalData)) && message.contains("no such file")
                          && message.contains("cannot read external data file"), message)
        }
    }
}
