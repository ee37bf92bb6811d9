/// Output size and padding of one spatial axis of a sliding-window operation (convolution or
/// pooling), following the ONNX formulas.
///
/// With effective kernel `k' = (k − 1) · dilation + 1`:
/// - explicit pads: `out = ⌊(in + padBegin + padEnd − k') / stride⌋ + 1`, or with `ceil` in
///   place of the floor in ceil mode, dropping a last window that would start inside the end
///   padding (the rule ONNX Runtime and PyTorch share);
/// - `VALID`: the same with zero pads;
/// - `SAME_UPPER` / `SAME_LOWER`: `out = ⌈in / stride⌉`, total padding
///   `max(0, (out − 1) · stride + k' − in)`, the odd cell at the end (upper) or start (lower).
struct SpatialWindow: Equatable {
    var outputSize: Int
    var padBegin: Int
    var padEnd: Int

    /// Returns nil when the window does not fit (output size below 1).
    init?(inputSize: Int, kernel: Int, stride: Int, dilation: Int, padBegin: Int, padEnd: Int,
          autoPad: AutoPad, ceilMode: Bool) {
        let effectiveKernel = (kernel - 1) * dilation + 1
        switch autoPad {
        case .sameUpper, .sameLower:
            let output = (inputSize + stride - 1) / stride
            let total = max(0, (output - 1) * stride + effectiveKernel - inputSize)
            let smaller = total / 2
            self.outputSize = output
            self.padBegin = autoPad == .sameUpper ? smaller : total - smaller
            self.padEnd = total - self.padBegin
        case .notSet, .valid:
            let begin = autoPad == .valid ? 0 : padBegin
            let end = autoPad == .valid ? 0 : padEnd
            let span = inputSize + begin + end - effectiveKernel
            guard span >= 0 else { return nil }
            var output = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
            if ceilMode, (output - 1) * stride >= inputSize + begin { output -= 1 }
            self.outputSize = output
            self.padBegin = begin
            self.padEnd = end
        }
    }

    /// Windows for every spatial axis; throws the reason when they do not fit.
    /// `pads` is `[begin…, end…]` with one pair per spatial axis.
    static func windows(spatial: [Int], kernel: [Int], strides: [Int], dilations: [Int],
                        pads: [Int], autoPad: AutoPad, ceilMode: Bool) throws(ShapeFailure) -> [SpatialWindow] {
        let rank = spatial.count
        guard kernel.count == rank, strides.count == rank, dilations.count == rank,
              pads.count == 2 * rank else {
            throw ShapeFailure(
                "\(rank) spatial axes but kernel_shape \(kernel), strides \(strides), dilations \(dilations), pads \(pads)")
        }
        guard (kernel + strides + dilations).allSatisfy({ $0 > 0 }), pads.allSatisfy({ $0 >= 0 }) else {
            throw ShapeFailure(
                "kernel_shape \(kernel), strides \(strides) and dilations \(dilations) must be positive, pads \(pads) non-negative")
        }
        var result: [SpatialWindow] = []
        for axis in 0..<rank {
            guard let window = SpatialWindow(
                inputSize: spatial[axis], kernel: kernel[axis], stride: strides[axis],
                dilation: dilations[axis], padBegin: pads[axis], padEnd: pads[rank + axis],
                autoPad: autoPad, ceilMode: ceilMode) else {
                throw ShapeFailure(
                    "kernel \(kernel) with dilations \(dilations) does not fit the padded input \(spatial)")
            }
            result.append(window)
        }
        return result
    }
}

/// Why an operation cannot take its operand shapes; becomes `GraphError.shapeMismatch` once
/// the node is known.
struct ShapeFailure: Error, Equatable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
