/// The element-wise binary operations with a broadcasting fast kernel.
public enum BinaryOperation: Sendable {
    case add, sub, mul, div, pow

    /// The scalar operation, as the naive kernels compute it.
    @inline(__always)
    func scalar(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        case .pow: return powerOf(a, b)
        }
    }

    /// Sixteen lanes at once, bit-identical to `scalar` lane by lane (IEEE + − × ÷ are exact
    /// roundings); nil for Pow, which has no vector form here.
    @inline(__always)
    func vector(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float>? {
        switch self {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        case .pow: return nil
        }
    }
}

/// `out = a ∘ b` with numpy broadcasting, bit-identical to the naive twins (``addNaive``,
/// ``subNaive``, ``mulNaive``, ``divNaive``, ``powNaive``): the output is walked row by row
/// (rows of its last axis), each operand's row read contiguously or as one repeated value,
/// rows split over `threads`. O(count(out)).
public func broadcastFast(_ out: inout Tensor, _ a: Tensor, _ b: Tensor, _ operation: BinaryOperation,
                          threads: Int) throws(KernelError) {
    let shape = try broadcastShape(a.shape, b.shape, op: "\(operation)")
    out.prepareForOverwrite(shape: shape)  // out is broadcast(a, b)
    guard out.count > 0 else { return }
    let rowLength = shape.last ?? 1, rows = out.count / rowLength
    let stridesA = broadcastStrides(a.shape, to: shape), stridesB = broadcastStrides(b.shape, to: shape)
    let rowShape = Array(shape.dropLast())
    a.data.withUnsafeBufferPointer { left in
        b.data.withUnsafeBufferPointer { right in
            out.data.withUnsafeMutableBufferPointer { result in
                guard let base = result.baseAddress, let left = left.baseAddress, let right = right.baseAddress else { return }
                inParallelChunks(rows, threads: threads, minimumPerThread: max(1, (1 << 15) / rowLength)) { range in
                    for row in range {
                        let (offsetA, offsetB) = rowOffsets(row, rowShape, stridesA.dropLast(), stridesB.dropLast())
                        combineRow(base + row * rowLength, rowLength, left, offsetA, stridesA.last ?? 0, right, offsetB, stridesB.last ?? 0, operation)
                    }
                }
            }
        }
    }
}

/// Per axis of `target`, the stride of a row-major tensor of shape `source` broadcast to it
/// (0 where `source` has size 1 or lacks the axis).
func broadcastStrides(_ source: [Int], to target: [Int]) -> [Int] {
    let padded = Array(repeating: 1, count: target.count - source.count) + source
    let strides = rowMajorStrides(padded)
    return padded.indices.map { padded[$0] == 1 ? 0 : strides[$0] }
}

/// The offsets into both operands of the start of output row `row` (row-major over `rowShape`).
@inline(__always)
private func rowOffsets(_ row: Int, _ rowShape: [Int], _ stridesA: ArraySlice<Int>,
                        _ stridesB: ArraySlice<Int>) -> (Int, Int) {
    var remainder = row, offsetA = 0, offsetB = 0
    for axis in stride(from: rowShape.count - 1, through: 0, by: -1) {
        let position = remainder % rowShape[axis]
        remainder /= rowShape[axis]
        offsetA += position * stridesA[stridesA.startIndex + axis]
        offsetB += position * stridesB[stridesB.startIndex + axis]
    }
    return (offsetA, offsetB)
}

/// target[i] = a[offsetA + i·strideA] ∘ b[offsetB + i·strideB], strides 0 or 1.
@inline(__always)
private func combineRow(_ target: UnsafeMutablePointer<Float>, _ count: Int, _ a: UnsafePointer<Float>, _ offsetA: Int,
                        _ strideA: Int, _ b: UnsafePointer<Float>, _ offsetB: Int, _ strideB: Int,
                        _ operation: BinaryOperation) {
    let lanes = SIMD16<Float>.scalarCount
    var index = 0
    if operation != .pow {
        let whole = count / lanes * lanes
        while index < whole {
            let left = strideA == 0 ? SIMD16(repeating: a[offsetA]) : load(a, offsetA + index)
            let right = strideB == 0 ? SIMD16(repeating: b[offsetB]) : load(b, offsetB + index)
            if let value = operation.vector(left, right) {
                UnsafeMutableRawPointer(target + index).storeBytes(of: value, as: SIMD16<Float>.self)
            }
            index += lanes
        }
    }
    while index < count {
        target[index] = operation.scalar(a[offsetA + index * strideA], b[offsetB + index * strideB])
        index += 1
    }
}

@inline(__always)
private func load(_ buffer: UnsafePointer<Float>, _ offset: Int) -> SIMD16<Float> {
    UnsafeRawPointer(buffer + offset).loadUnaligned(as: SIMD16<Float>.self)
}
