extension Graph {
    /// The same graph with every shape-dependent attribute made explicit, so that an executor
    /// never has to look at input sizes to interpret an operation:
    /// `autoPad` becomes `.notSet` with the padding it implies in `pads`, an empty
    /// `kernelShape` of a convolution is taken from its weight, and negative axes of Concat,
    /// Flatten, Softmax, ReduceMean and Slice become non-negative (ReduceMean's sorted and
    /// explicit), and Transpose's default permutation is written out.
    ///
    /// Spatial sizes do not depend on the batch, so the result holds for every batch size.
    ///
    /// - Throws: `GraphError` from shape inference.
    public func canonicalized() throws -> Graph {
        let shapes = try inferShapes(batchSize: 1)
        // At batch size 1 a fixed leading 1 (a Reshape or Unsqueeze that moves the batch)
        // passes for the batch; a second size tells them apart.
        _ = try inferShapes(batchSize: 2)
        let canonicalNodes = nodes.map { node in
            var node = node
            let operands = node.inputs.map { shapes[$0] ?? [] }
            node.op = Graph.canonical(node.op, operands: operands)
            return node
        }
        return try Graph(input: input, initializers: initializers, nodes: canonicalNodes,
                         outputs: outputs)
    }

    /// Shape inference has already accepted `op` with these operands, so windows and axes are
    /// known to be valid here.
    private static func canonical(_ op: Operator, operands: [[Int]]) -> Operator {
        let rank = operands[0].count
        switch op {
        case .conv(var attributes):
            attributes.kernelShape = Array(operands[1][2...])
            attributes.pads = explicitPads(spatial: Array(operands[0][2...]),
                                           kernel: attributes.kernelShape, strides: attributes.strides,
                                           dilations: attributes.dilations, pads: attributes.pads,
                                           autoPad: attributes.autoPad, ceilMode: false)
            attributes.autoPad = .notSet
            return .conv(attributes)
        case .maxPool(let attributes):
            return .maxPool(explicitPadding(attributes, spatial: Array(operands[0][2...])))
        case .averagePool(let attributes):
            return .averagePool(explicitPadding(attributes, spatial: Array(operands[0][2...])))
        case .concat(let axis): return .concat(axis: axis < 0 ? axis + rank : axis)
        case .flatten(let axis): return .flatten(axis: axis < 0 ? axis + rank : axis)
        case .softmax(let axis): return .softmax(axis: axis < 0 ? axis + rank : axis)
        case .transpose(let perm): return .transpose(perm: perm.isEmpty ? Array((0..<rank).reversed()) : perm)
        case .reduceMean(let axes, let keepDims):
            let explicit = axes.isEmpty ? Array(0..<rank) : axes.map { $0 < 0 ? $0 + rank : $0 }
            return .reduceMean(axes: explicit.sorted(), keepDims: keepDims)
        case .slice(var attributes):
            attributes.axes = attributes.axes.map { $0 < 0 ? $0 + rank : $0 }
            return .slice(attributes)
        default: return op
        }
    }

    private static func explicitPadding(_ attributes: PoolAttributes, spatial: [Int]) -> PoolAttributes {
        var attributes = attributes
        attributes.pads = explicitPads(spatial: spatial, kernel: attributes.kernelShape,
                                       strides: attributes.strides, dilations: attributes.dilations,
                                       pads: attributes.pads, autoPad: attributes.autoPad,
                                       ceilMode: attributes.ceilMode)
        attributes.autoPad = .notSet
        return attributes
    }

    private static func explicitPads(spatial: [Int], kernel: [Int], strides: [Int], dilations: [Int],
                                     pads: [Int], autoPad: AutoPad, ceilMode: Bool) -> [Int] {
        guard autoPad != .notSet else { return pads }
        do {
            let windows = try SpatialWindow.windows(
                spatial: spatial, kernel: kernel, strides: strides, dilations: dilations,
                pads: pads,
                autoPad: autoPad, ceilMode: ceilMode)
            return windows.map(\.padBegin) + windows.map(\.padEnd)
        } catch {
            preconditionFailure("shape inference accepted a window that does not fit: \(error.reason)")
        }
    }
}
