import LAPQKernels

extension ConvAttributes {
    /// The kernel geometry of this convolution for an input (N, C, H, W) and weights
    /// (M, C/group, kH, kW). Only 2-D convolutions run; others are an `unsupported` error.
    func geometry(node: String, input: [Int], weight: [Int]) throws -> Conv2DGeometry {
        guard kernelShape.count == 2, input.count == 4, weight.count == 4 else {
            throw ExecutionError.unsupported(node: node, op: "Conv",
                                             reason: "only 2-D convolutions over (N, C, H, W) inputs run; input has shape \(input)")
        }
        return Conv2DGeometry(
            batch: input[0], inChannels: input[1], inHeight: input[2], inWidth: input[3],
            outChannels: weight[0], kernel: (kernelShape[0], kernelShape[1]),
            strides: (strides[0], strides[1]), pads: (pads[0], pads[1], pads[2], pads[3]),
            dilations: (dilations[0], dilations[1]), groups: group)
    }
}

extension PoolAttributes {
    /// The kernel geometry of this pooling for an input (N, C, H, W); 2-D only.
    func geometry(node: String, op: String, input: [Int]) throws -> Pool2DGeometry {
        guard kernelShape.count == 2, input.count == 4 else {
            throw ExecutionError.unsupported(node: node, op: op,
                                             reason: "only 2-D pooling over (N, C, H, W) inputs runs; input has shape \(input)")
        }
        return Pool2DGeometry(
            batch: input[0], channels: input[1], inHeight: input[2], inWidth: input[3],
            kernel: (kernelShape[0], kernelShape[1]), strides: (strides[0], strides[1]),
            pads: (pads[0], pads[1], pads[2], pads[3]), dilations: (dilations[0], dilations[1]),
            ceilMode: ceilMode)
    }

    var averageKind: PoolKind { .average(countIncludePad: countIncludePad) }
}

/// Wraps a kernel's typed error as an execution error that names the node.
func running<T>(_ node: Node, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExecutionError {
        throw error
    } catch {
        throw ExecutionError.kernel(node: node.name, message: "\(error)")
    }
}
