import Foundation

/// Reference ONNX `Sqrt`: `out = √x` (NaN below 0). out has x's shape.
public func sqrtNaive(_ out: inout Tensor, _ x: Tensor) {
    out = Tensor(shape: x.shape, data: x.data.map { $0.squareRoot() })
}

/// Reference ONNX `Erf`: `out = erf(x)`, computed in Double by the C library and rounded once.
/// out has x's shape.
public func erfNaive(_ out: inout Tensor, _ x: Tensor) {
    out = Tensor(shape: x.shape, data: x.data.map { Float(Foundation.erf(Double($0))) })
}

/// Reference ONNX `ReduceMean`: the mean over `axes` (non-negative, distinct), summed in
/// Double; reduced axes stay as 1 when `keepDims`, else they are removed. O(count(x)).
public func reduceMeanNaive(_ out: inout Tensor, _ x: Tensor, axes: [Int], keepDims: Bool) throws(KernelError) {
    guard !axes.isEmpty, axes.allSatisfy({ (0..<x.rank).contains($0) }), Set(axes).count == axes.count else {
        throw KernelError.invalidGeometry(op: "ReduceMean", reason: "axes \(axes) do not fit rank \(x.rank)")
    }
    let kept = x.shape.indices.map { axes.contains($0) ? 1 : x.shape[$0] }
    let reducedCount = axes.reduce(1) { $0 * x.shape[$1] }
    var sums = [Double](repeating: 0, count: kept.reduce(1, *))
    let target = broadcastIndices(from: kept, to: x.shape)   // the output cell of each input element
    for index in 0..<x.count { sums[target[index]] += Double(x.data[index]) }
    let shape = keepDims ? kept : x.shape.indices.filter { !axes.contains($0) }.map { x.shape[$0] }
    out = Tensor(shape: shape, data: sums.map { Float($0 / Double(reducedCount)) })  // out is shape
}
