/// How ONNX `Pad` fills the positions outside the input.
public enum PadMode: String, Sendable, Hashable, CaseIterable {
    /// A fixed value (ONNX's default, `constant_value`, 0 unless given).
    case constant
    /// The input mirrored at its border, the border element not repeated (NumPy's "reflect").
    case reflect
    /// The border element repeated.
    case edge
}

/// The output shape of ONNX `Pad`: `shape[i] + pads[i] + pads[rank + i]` (begins, then ends;
/// a negative pad crops). Throws when a size would be negative, or when reflect pads an empty axis.
public func paddedShape(_ shape: [Int], pads: [Int], mode: PadMode) throws(KernelError) -> [Int] {
    let rank = shape.count
    guard pads.count == 2 * rank else {
        throw KernelError.invalidGeometry(op: "Pad", reason: "pads \(pads) need \(2 * rank) entries for rank \(rank)")
    }
    var result: [Int] = []
    for axis in 0..<rank {
        let size = shape[axis] + pads[axis] + pads[rank + axis]
        guard size >= 0 else {
            throw KernelError.invalidGeometry(op: "Pad", reason: "pads \(pads) crop axis \(axis) of \(shape) below zero")
        }
        if mode != .constant, shape[axis] == 0, size > 0 {
            throw KernelError.invalidGeometry(op: "Pad", reason: "\(mode.rawValue) padding of the empty axis \(axis)")
        }
        result.append(size)
    }
    return result
}

/// The input coordinate that output coordinate `position` (already shifted by the begin pad)
/// reads along an axis of `size`, or nil for a constant fill.
@inline(__always)
func padSource(_ position: Int, size: Int, mode: PadMode) -> Int? {
    if position >= 0 && position < size { return position }
    switch mode {
    case .constant:
        return nil
    case .edge:
        return min(max(position, 0), size - 1)
    case .reflect:
        guard size > 1 else { return 0 }
        // Mirror without repeating the border: the pattern has period 2·(size − 1).
        let period = 2 * (size - 1)
        var folded = position % period
        if folded < 0 { folded += period }
        return folded < size ? folded : period - folded
    }
}

/// Reference ONNX `Pad` (constant, reflect, edge) on a tensor of any rank: out[o] reads
/// x[o − begin] on every axis, mapped by `mode` outside x. out is `paddedShape(x.shape, pads)`.
/// One index decomposition per element. O(count(out) · rank).
public func padNaive(_ out: inout Tensor, _ x: Tensor, pads: [Int], mode: PadMode, value: Float) throws(KernelError) {
    let shape = try paddedShape(x.shape, pads: pads, mode: mode)
    let rank = shape.count
    let inputStrides = rowMajorStrides(x.shape)
    out = Tensor(shape: shape)  // out is x.shape + begins + ends
    for flat in 0..<out.count {
        var remainder = flat, source = 0, inside = true
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            let position = remainder % shape[axis] - pads[axis]
            remainder /= shape[axis]
            guard let coordinate = padSource(position, size: x.shape[axis], mode: mode) else {
                inside = false
                break
            }
            source += coordinate * inputStrides[axis]
        }
        out.data[flat] = inside ? x.data[source] : value
    }
}
