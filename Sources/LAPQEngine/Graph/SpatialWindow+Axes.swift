extension SpatialWindow {
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
