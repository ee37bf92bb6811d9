import Foundation

/// The numpy broadcast of two shapes: align on the right; each pair of dims must be equal or
/// contain a 1. Throws ``KernelError/shapeMismatch(op:argument:expected:actual:)`` otherwise.
public func broadcastShape(_ lhs: [Int], _ rhs: [Int], op: String) throws(KernelError) -> [Int] {
    let rank = max(lhs.count, rhs.count)
    let left = Array(repeating: 1, count: rank - lhs.count) + lhs
    let right = Array(repeating: 1, count: rank - rhs.count) + rhs
    var result = [Int]()
    for (l, r) in zip(left, right) {
        guard l == r || l == 1 || r == 1 else {
            throw KernelError.shapeMismatch(op: op, argument: "B", expected: lhs, actual: rhs)
        }
        result.append(l == 1 ? r : l)
    }
    return result
}

/// For each element of `target` (row-major), the flat index of the element of a tensor of
/// shape `source` that numpy broadcasting reads. `source` must broadcast to `target`.
public func broadcastIndices(from source: [Int], to target: [Int]) -> [Int] {
    let padded = Array(repeating: 1, count: target.count - source.count) + source
    var sourceStrides = [Int](repeating: 0, count: target.count)
    var step = 1
    for axis in stride(from: target.count - 1, through: 0, by: -1) {
        sourceStrides[axis] = padded[axis] == 1 ? 0 : step
        step *= padded[axis]
    }
    let count = target.reduce(1, *)
    var indices = [Int](repeating: 0, count: count)
    for flat in 0..<count {
        var remainder = flat, index = 0
        for axis in stride(from: target.count - 1, through: 0, by: -1) {
            index += (remainder % target[axis]) * sourceStrides[axis]
            remainder /= target[axis]
        }
        indices[flat] = index
    }
    return indices
}

/// Reference elementwise binary op with numpy broadcasting.
///
/// - Parameters:
///   - out: overwritten with shape broadcast(a.shape, b.shape).
///   - a, b: any shapes that broadcast together.
func broadcastNaive(_ out: inout Tensor, _ a: Tensor, _ b: Tensor, op: String,
                    _ combine: (Float, Float) -> Float) throws(KernelError) {
    let shape = try broadcastShape(a.shape, b.shape, op: op)
    let fromA = broadcastIndices(from: a.shape, to: shape)
    let fromB = broadcastIndices(from: b.shape, to: shape)
    out = Tensor(shape: shape)  // out is broadcast(a, b)
    for index in 0..<out.count { out.data[index] = combine(a.data[fromA[index]], b.data[fromB[index]]) }
}

/// Reference ONNX `Add`: `out = a + b` with numpy broadcasting.
public func addNaive(_ out: inout Tensor, _ a: Tensor, _ b: Tensor) throws(KernelError) {
    try broadcastNaive(&out, a, b, op: "Add", +)
}

/// Reference ONNX `Mul`: `out = a · b` with numpy broadcasting.
public func mulNaive(_ out: inout Tensor, _ a: Tensor, _ b: Tensor) throws(KernelError) {
    try broadcastNaive(&out, a, b, op: "Mul", *)
}

/// Reference ONNX `Sub`: `out = a − b` with numpy broadcasting.
public func subNaive(_ out: inout Tensor, _ a: Tensor, _ b: Tensor) throws(KernelError) {
    try broadcastNaive(&out, a, b, op: "Sub", -)
}

/// Reference ONNX `Div` (float): `out = a / b` with numpy broadcasting, IEEE division.
public func divNaive(_ out: inout Tensor, _ a: Tensor, _ b: Tensor) throws(KernelError) {
    try broadcastNaive(&out, a, b, op: "Div", /)
}

/// Reference ONNX `Pow` (float): `out = a^b` with numpy broadcasting, C's `powf`.
public func powNaive(_ out: inout Tensor, _ a: Tensor, _ b: Tensor) throws(KernelError) {
    try broadcastNaive(&out, a, b, op: "Pow", powerOf)
}

/// `a^b` as C's `powf` computes it; shared by the naive and fast kernels so they agree exactly.
@inline(__always)
func powerOf(_ a: Float, _ b: Float) -> Float {
    b == 2 ? a * a : Foundation.pow(a, b)
}
