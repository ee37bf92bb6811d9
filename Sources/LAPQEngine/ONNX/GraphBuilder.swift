import Foundation

/// Builds a `Graph` from a GraphProto: the steps of `ONNXImporter` after parsing.
struct GraphBuilder {
    let file: String
    let opset: Int
    let decoder: TensorDecoder

    func build(_ proto: Onnx_GraphProto) throws -> Graph {
        var initializers: [String: StoredTensor] = [:]
        for initializer in proto.initializer {
            initializers[initializer.name] = try decoder.decode(initializer)
        }
        let input = try graphInput(proto, constants: initializers)
        var known = KnownValues(constants: initializers, input: input)
        let onnxNames = Set(proto.node.flatMap { [$0.name] + $0.output } + proto.initializer.map(\.name) + proto.input.map(\.name))
        let folder = ConstantFolder(file: file, opset: opset)
        var translated: [TranslatedNode] = []
        for (index, nodeProto) in proto.node.enumerated() {
            let name = nodeProto.name.isEmpty ? "\(nodeProto.opType)_\(index)" : nodeProto.name
            if let folded = try folder.fold(nodeProto, name: name, known: known) {
                known.add(folded, as: nodeProto.output[0])
                continue
            }
            let translator = NodeTranslator(file: file, opset: opset, known: known, takenNames: onnxNames, decoder: decoder)
            let items: [TranslatedNode]
            do {
                items = try translator.translate(nodeProto, name: name)
            } catch let error as ONNXImportError {
                throw error.withOperands(nodeProto.input, shapes: known.shapes, knownValues: Set(known.values.keys))
            }
            for item in items {
                if case .constant(let output, let value) = item {
                    known.add(.fixed(value), as: output)
                } else if case .node(let node) = item, let value = try folder.fold(node, known: known) {
                    known.add(.fixed(value), as: node.output)
                } else {
                    try checkReadsNoBatchDependentValue(item, name: name, op: nodeProto.opType, known: known)
                    known.track(item)
                    translated.append(item)
                }
            }
        }
        let constants = known.constants
        let floats = constants.compactMapValues { stored -> Tensor? in
            if case .float(let tensor) = stored { return tensor }
            return nil
        }
        let taken = Set(constants.keys).union([input.name]).union(onnxNames).union(translated.flatMap(\.inputNames))
        var rewriter = ImportRewriter(file: file, initializers: floats,
                                      outputs: proto.output.map(\.name), takenNames: taken)
        try rewriter.rewrite(translated)
        do {
            let graph = try Graph(input: input, initializers: rewriter.initializers,
                                  nodes: rewriter.nodes, outputs: rewriter.outputs)
            try checkLegacySoftmax(graph)
            return try graph.canonicalized()
        } catch let error as GraphError {
            throw ONNXImportError.invalidGraph(file: file, error)
        }
    }

    /// The one graph input that is not an initializer (old exporters list weights as inputs).
    /// Its first dimension is the batch, whether the file fixes it or names it.
    private func graphInput(_ proto: Onnx_GraphProto, constants: [String: StoredTensor]) throws -> GraphInput {
        let data = proto.input.filter { constants[$0.name] == nil }
        guard let input = data.first else { throw ONNXImportError.noGraphInput(file: file) }
        guard data.count == 1 else {
            throw ONNXImportError.multipleGraphInputs(file: file, inputs: data.map(\.name))
        }
        let elementType = input.type.tensorType.elemType
        guard input.type.tensorType.hasElemType, elementType == Int32(Onnx_TensorProto.DataType.float.rawValue) else {
            let typeName = Onnx_TensorProto.DataType(rawValue: Int(elementType)).map { "\($0)" } ?? "\(elementType)"
            throw ONNXImportError.nonFloatInput(file: file, input: input.name,
                                                elementType: input.type.tensorType.hasElemType ? typeName : "none (not a tensor)")
        }
        let dims = input.type.tensorType.shape.dim
        guard input.type.tensorType.hasShape, dims.count >= 2 else {
            throw ONNXImportError.unsupportedInputShape(
                file: file, input: input.name, reason: "needs a known shape of rank ≥ 2 (batch first), got rank \(dims.count)")
        }
        var sample: [Int] = []
        for (axis, dim) in dims.enumerated().dropFirst() {
            guard dim.dimValue > 0 else {
                throw ONNXImportError.unsupportedInputShape(
                    file: file, input: input.name,
                    reason: "dimension \(axis) is '\(dim.dimParam)', not a fixed size; only the batch (dimension 0) may be symbolic")
            }
            sample.append(Int(dim.dimValue))
        }
        return GraphInput(name: input.name, sampleShape: sample)
    }

    /// A node that runs in the executor reads pixels and constants; a value import computed
    /// from the batch size has no place in the graph (only Reshape targets may depend on it).
    private func checkReadsNoBatchDependentValue(_ item: TranslatedNode, name: String, op: String,
                                                 known: KnownValues) throws {
        guard case .node(let node) = item,
              let tensor = node.inputs.first(where: { known.values[$0]?.dependsOnBatch == true }) else { return }
        throw ONNXImportError.unsupportedAttribute(
            file: file, node: name, op: op,
            reason: "it reads '\(tensor)', which import computes from the batch size; lapq's graph holds only constants that do not depend on it")
    }

    /// Before opset 13, Softmax flattens axes `axis…` into one and normalizes over all of them;
    /// that equals lapq's single-axis softmax only when every axis after `axis` has size 1.
    private func checkLegacySoftmax(_ graph: Graph) throws {
        guard opset < 13, graph.nodes.contains(where: { $0.op.name == "Softmax" }) else { return }
        let shapes = try graph.inferShapes(batchSize: 1)
        for node in graph.nodes {
            guard case .softmax(let axis) = node.op, let shape = shapes[node.inputs[0]] else { continue }
            let normalized = axis < 0 ? axis + shape.count : axis
            guard shape[(normalized + 1)...].allSatisfy({ $0 == 1 }) else {
                throw ONNXImportError.unsupportedAttribute(
                    file: file, node: node.name, op: "Softmax",
                    reason: "opset \(opset) Softmax over axes \(normalized)… of shape \(shape) normalizes several axes together; only the last non-unit axis is supported")
            }
        }
    }
}
