/// Reference ONNX `Gemm`: `out = alpha · op(A) · op(B) + beta · C`, where `op` transposes when
/// asked and C broadcasts to (M, N) numpy-style (unidirectionally). Sums in Double. O(M·N·K).
///
/// - Parameters:
///   - out: overwritten with shape (M, N).
///   - a: (M, K), or (K, M) with `transA`.
///   - b: (K, N), or (N, K) with `transB`.
///   - c: broadcastable to (M, N): (), (N), (1, N), (M, 1), (M, N); or nil.
public func gemmNaive(_ out: inout Tensor, _ a: Tensor, _ b: Tensor, _ c: Tensor?,
                      transA: Bool = false, transB: Bool = false,
                      alpha: Float = 1, beta: Float = 1) throws(KernelError) {
    guard a.rank == 2, b.rank == 2 else {
        throw KernelError.invalidGeometry(op: "Gemm", reason: "A \(a.shape) and B \(b.shape) must be 2-D")
    }
    let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (kB, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    guard k == kB else {
        throw KernelError.shapeMismatch(op: "Gemm", argument: "B", expected: transB ? [n, k] : [k, n], actual: b.shape)
    }
    var bias = Tensor(shape: [m, n])  // bias is (M, N)
    if let c {
        guard try broadcastShape(c.shape, [m, n], op: "Gemm") == [m, n] else {
            throw KernelError.shapeMismatch(op: "Gemm", argument: "C", expected: [m, n], actual: c.shape)
        }
        bias.data = broadcastIndices(from: c.shape, to: [m, n]).map { c.data[$0] }
    }
    out = Tensor(shape: [m, n])  // out is (M, N)
    for row in 0..<m {
        for col in 0..<n {
            var sum = 0.0
            for inner in 0..<k {
                let left = transA ? a.data[inner * m + row] : a.data[row * k + inner]
                let right = transB ? b.data[col * k + inner] : b.data[inner * n + col]
                sum += Double(left) * Double(right)
            }
            out.data[row * n + col] = Float(Double(alpha) * sum + Double(beta) * Double(bias.data[row * n + col]))
        }
    }
}

/// Reference ONNX `MatMul` for operands of rank ≥ 2: the last two axes multiply as matrices
/// and the leading (batch) axes broadcast numpy-style. Sums in Double. O(batch·M·N·K).
///
/// - Parameters:
///   - out: overwritten with shape (batch…, M, N).
///   - a: (batchA…, M, K).
///   - b: (batchB…, K, N).
public func matmulNaive(_ out: inout Tensor, _ a: Tensor, _ b: Tensor) throws(KernelError) {
    guard a.rank >= 2, b.rank >= 2 else {
        throw KernelError.invalidGeometry(op: "MatMul", reason: "operands \(a.shape), \(b.shape) must have rank ≥ 2")
    }
    let (m, k, n) = (a.shape[a.rank - 2], a.shape[a.rank - 1], b.shape[b.rank - 1])
    guard b.shape[b.rank - 2] == k else {
        throw KernelError.shapeMismatch(op: "MatMul", argument: "B", expected: [k, n], actual: b.shape)
    }
    let batchShape = try broadcastShape(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: "MatMul")
    let batchOfA = broadcastIndices(from: Array(a.shape.dropLast(2)), to: batchShape)
    let batchOfB = broadcastIndices(from: Array(b.shape.dropLast(2)), to: batchShape)
    out = Tensor(shape: batchShape + [m, n])  // out is (batch…, M, N)
    for batch in 0..<batchOfA.count {
        let (baseA, baseB, baseOut) = (batchOfA[batch] * m * k, batchOfB[batch] * k * n, batch * m * n)
        for row in 0..<m {
            for col in 0..<n {
                var sum = 0.0
                for inner in 0..<k {
                    sum += Double(a.data[baseA + row * k + inner]) * Double(b.data[baseB + inner * n + col])
                }
                out.data[baseOut + row * n + col] = Float(sum)
            }
        }
    }
}
