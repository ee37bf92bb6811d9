import Foundation

/// Reference ONNX `Relu`: `out = max(x, 0)`. out has x's shape.
public func reluNaive(_ out: inout Tensor, _ x: Tensor) {
    out = Tensor(shape: x.shape, data: x.data.map { $0 > 0 ? $0 : 0 })
}

/// Reference ONNX `Clip`: `out = min(max(x, lower), upper)`. out has x's shape.
public func clipNaive(_ out: inout Tensor, _ x: Tensor, lower: Float, upper: Float) {
    out = Tensor(shape: x.shape, data: x.data.map { min(max($0, lower), upper) })
}

/// Reference ONNX `LeakyRelu`: `out = x ≥ 0 ? x : alpha·x`. out has x's shape.
public func leakyReluNaive(_ out: inout Tensor, _ x: Tensor, alpha: Float) {
    out = Tensor(shape: x.shape, data: x.data.map { $0 >= 0 ? $0 : alpha * $0 })
}

/// Reference ONNX `Sigmoid`: `out = 1 / (1 + e^(−x))`, in Double. out has x's shape.
public func sigmoidNaive(_ out: inout Tensor, _ x: Tensor) {
    out = Tensor(shape: x.shape, data: x.data.map { Float(1 / (1 + exp(-Double($0)))) })
}

/// Reference ONNX `HardSigmoid`: `out = max(0, min(1, alpha·x + beta))` in Float, the order
/// onnxruntime uses. out has x's shape.
public func hardSigmoidNaive(_ out: inout Tensor, _ x: Tensor, alpha: Float, beta: Float) {
    out = Tensor(shape: x.shape, data: x.data.map { hardSigmoid($0, alpha: alpha, beta: beta) })
}

/// Reference ONNX `HardSwish` (opset 14) as its function body defines it:
/// `out = x · HardSigmoid(x; alpha = 1/6, beta = 0.5)` in Float. out has x's shape.
public func hardSwishNaive(_ out: inout Tensor, _ x: Tensor) {
    out = Tensor(shape: x.shape, data: x.data.map { $0 * hardSigmoid($0, alpha: hardSwishAlpha, beta: hardSwishBeta) })
}

/// HardSwish's slope inside its HardSigmoid: the Float nearest 1/6 (ONNX writes 0.16666667163372).
public let hardSwishAlpha: Float = 1.0 / 6.0
/// HardSwish's offset inside its HardSigmoid.
public let hardSwishBeta: Float = 0.5

/// `max(0, min(1, alpha·x + beta))`, one rounding after the product and one after the sum.
@inline(__always)
func hardSigmoid(_ x: Float, alpha: Float, beta: Float) -> Float {
    max(0, min(1, alpha * x + beta))
}

/// Reference ONNX `Softmax` (opset ≥ 13) along `axis` (negative counts from the end):
/// `out_i = e^(x_i − max) / Σ_j e^(x_j − max)` over that axis, in Double. out has x's shape.
public func softmaxNaive(_ out: inout Tensor, _ x: Tensor, axis: Int) throws(KernelError) {
    let dim = try normalizedAxis(axis, rank: x.rank, op: "Softmax")
    let length = x.shape[dim]
    let inner = x.shape[(dim + 1)...].reduce(1, *)
    let outer = x.shape[..<dim].reduce(1, *)
    out = Tensor(shape: x.shape)  // out is x.shape
    for o in 0..<outer {
        for i in 0..<inner {
            let indices = (0..<length).map { (o * length + $0) * inner + i }
            let maximum = indices.map { Double(x.data[$0]) }.max() ?? 0
            let exps = indices.map { exp(Double(x.data[$0]) - maximum) }
            let total = exps.reduce(0, +)
            for (index, value) in zip(indices, exps) { out.data[index] = Float(value / total) }
        }
    }
}

/// `axis` in [−rank, rank) mapped to [0, rank), else ``KernelError/invalidGeometry(op:reason:)``.
func normalizedAxis(_ axis: Int, rank: Int, op: String, allowingRank: Bool = false) throws(KernelError) -> Int {
    let upper = allowingRank ? rank : rank - 1
    guard axis >= -rank && axis <= upper else {
        throw KernelError.invalidGeometry(op: op, reason: "axis \(axis) out of range for rank \(rank)")
    }
    return axis < 0 ? axis + rank : axis
}
