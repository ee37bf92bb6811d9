/// Row-major strides of `shape` (the last axis has stride 1).
public func rowMajorStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    for axis in stride(from: shape.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
    return strides
}

/// Whether `perm` is a permutation of `0..<rank`.
public func isPermutation(_ perm: [Int], rank: Int) -> Bool {
    perm.count == rank && Set(perm) == Set(0..<rank)
}

/// Reference ONNX `Transpose`: out axis `i` is x axis `perm[i]`, so out has shape
/// `perm.map { x.shape[$0] }`. One index decomposition per element. O(count(x) · rank).
public func transposeNaive(_ out: inout Tensor, _ x: Tensor, perm: [Int]) throws(KernelError) {
    guard isPermutation(perm, rank: x.rank) else {
        throw KernelError.invalidGeometry(op: "Transpose", reason: "perm \(perm) is not a permutation of \(x.rank) axes")
    }
    let shape = perm.map { x.shape[$0] }
    let inputStrides = rowMajorStrides(x.shape)
    out = Tensor(shape: shape)  // out is perm(x.shape)
    for flat in 0..<out.count {
        var remainder = flat, source = 0
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            source += (remainder % shape[axis]) * inputStrides[perm[axis]]
            remainder /= shape[axis]
        }
        out.data[flat] = x.data[source]
    }
}

/// The elements one sliced axis keeps: `start, start + step, …`, `count` of them.
public struct SliceRange: Equatable, Sendable {
    public var start: Int
    public var step: Int
    public var count: Int

    /// ONNX Slice's rule for one axis of size `size`: negative `start`/`end` count from the
    /// end; then `start` is clamped to [0, size] (step > 0) or [0, size − 1] (step < 0) and
    /// `end` to [0, size] or [−1, size − 1]. `step` must not be 0.
    public init(start: Int, end: Int, step: Int, size: Int) {
        precondition(step != 0 && size >= 0, "slice step 0 or negative size")
        let resolved = { (bound: Int) in bound < 0 ? bound + size : bound }   // no overflow: size ≥ 0
        let (low, high) = step > 0 ? (0, size) : (-1, size - 1)
        let first = Swift.min(Swift.max(resolved(start), 0), high)
        let last = Swift.min(Swift.max(resolved(end), low), high)
        self.start = first
        self.step = step
        let span = step > 0 ? last - first : first - last
        self.count = span <= 0 ? 0 : (span + abs(step) - 1) / abs(step)
    }
}

/// The kept range of every axis of `shape` for ONNX Slice parameters (one entry per sliced
/// axis; axes non-negative and distinct, steps non-zero); unsliced axes keep everything.
public func sliceRanges(shape: [Int], starts: [Int], ends: [Int], axes: [Int], steps: [Int]) throws(KernelError) -> [SliceRange] {
    guard starts.count == axes.count, ends.count == axes.count, steps.count == axes.count,
          axes.allSatisfy({ (0..<shape.count).contains($0) }), Set(axes).count == axes.count,
          !steps.contains(0) else {
        throw KernelError.invalidGeometry(op: "Slice", reason: "starts \(starts), ends \(ends), axes \(axes), steps \(steps) do not fit shape \(shape)")
    }
    var ranges = shape.map { SliceRange(start: 0, end: $0, step: 1, size: $0) }
    for (index, axis) in axes.enumerated() {
        ranges[axis] = SliceRange(start: starts[index], end: ends[index], step: steps[index], size: shape[axis])
    }
    return ranges
}

/// Reference ONNX `Slice` with constant parameters (see ``sliceRanges``): out has one axis
/// per x axis, of each range's count. O(count(out) · rank).
public func sliceNaive(_ out: inout Tensor, _ x: Tensor, starts: [Int], ends: [Int], axes: [Int],
                       steps: [Int]) throws(KernelError) {
    let ranges = try sliceRanges(shape: x.shape, starts: starts, ends: ends, axes: axes, steps: steps)
    let shape = ranges.map(\.count)
    let inputStrides = rowMajorStrides(x.shape)
    out = Tensor(shape: shape)  // out is the ranges' counts
    for flat in 0..<out.count {
        var remainder = flat, source = 0
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            let position = remainder % shape[axis]
            remainder /= shape[axis]
            source += (ranges[axis].start + position * ranges[axis].step) * inputStrides[axis]
        }
        out.data[flat] = x.data[source]
    }
}
