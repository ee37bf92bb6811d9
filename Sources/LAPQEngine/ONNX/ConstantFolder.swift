/// Folds, at import, every node that does not depend on the pixels (docs/engine.md,
/// "Import-time folding"): a node whose inputs are all known values (`KnownValues`) — or, for
/// Shape and Size, whose input's shape is known — is evaluated by `ConstantInterpreter`, once
/// when nothing it reads depends on the batch size, else once per probe batch size. A
/// translated float operation on constants runs on the executor's naive kernel instead.
struct ConstantFolder {
    let file: String
    let opset: Int

    /// The node's value, or nil when it reads a tensor computed at run time or its op is not
    /// one the interpreter evaluates.
    func fold(_ proto: Onnx_NodeProto, name: String, known: KnownValues) throws -> ProbedValue? {
        guard proto.domain.isEmpty || proto.domain == "ai.onnx", ConstantInterpreter.ops.contains(proto.opType),
              proto.output.filter({ !$0.isEmpty }).count == 1, let source = proto.input.first, !source.isEmpty else { return nil }
        let readsShapeOnly = proto.opType == "Shape" || proto.opType == "Size"
        let read = readsShapeOnly ? [] : proto.input.filter { !$0.isEmpty }
        guard read.allSatisfy({ known.values[$0] != nil }), let sourceShapes = known.probeShapes[source] else { return nil }
        let interpreter = ConstantInterpreter(proto, name: name, file: file, opset: opset)
        let onePass = readsShapeOnly ? Set(sourceShapes).count == 1 : !read.contains { known.values[$0]?.dependsOnBatch == true }
        let probes = onePass ? [0] : Array(KnownValues.probeBatchSizes.indices)
        let results = try probes.map { probe in
            try interpreter.evaluate(proto.opType,
                                     inputs: proto.input.map { $0.isEmpty ? nil : known.values[$0]?.at(probe) },
                                     shapes: proto.input.map { known.probeShapes[$0]?[probe] })
        }
        return onePass ? .fixed(results[0]) : ProbedValue(probes: results)
    }

    /// A translated operation whose operands are all float constants, evaluated on the naive
    /// kernel (`ReferenceExecutor.evaluate`, the executor's reference), or nil.
    func fold(_ node: Node, known: KnownValues) throws -> StoredTensor? {
        var operands: [Tensor] = []
        for input in node.inputs {
            guard case .float(let tensor)? = known.constants[input] else { return nil }
            operands.append(tensor)
        }
        do {
            return .float(try ReferenceExecutor.evaluate(node, operands))
        } catch {
            throw ONNXImportError.unsupportedAttribute(file: file, node: node.name, op: node.op.name,
                                                       reason: "evaluating it on its constant inputs failed: \(error)")
        }
    }
}
