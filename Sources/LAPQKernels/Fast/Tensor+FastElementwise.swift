// Tensor-level entry points to the SIMD kernels, for callers that hold plain tensors.

extension Tensor {
    /// `self = max(self, 0)` elementwise, in place.
    public mutating func applyRelu() {
        data.withUnsafeMutableBufferPointer { buffer in reluFast(buffer, UnsafeBufferPointer(buffer)) }
    }

    /// `self = min(max(self, lower), upper)` elementwise, in place.
    public mutating func applyClip(lower: Float, upper: Float) {
        data.withUnsafeMutableBufferPointer { buffer in
            clipFast(buffer, UnsafeBufferPointer(buffer), lower: lower, upper: upper)
        }
    }

    /// `self = self · max(0, min(1, self/6 + 1/2))` elementwise (ONNX HardSwish), in place.
    public mutating func applyHardSwish() {
        data.withUnsafeMutableBufferPointer { buffer in hardSwishFast(buffer, UnsafeBufferPointer(buffer)) }
    }

    /// `self += other` elementwise; shapes must be equal (use ``addNaive`` to broadcast).
    public mutating func add(_ other: Tensor) {
        precondition(shape == other.shape, "add: shapes \(shape) and \(other.shape) differ")
        data.withUnsafeMutableBufferPointer { buffer in
            other.data.withUnsafeBufferPointer { addFast(buffer, UnsafeBufferPointer(buffer), $0) }
        }
    }

    /// `self *= other` elementwise; shapes must be equal (use ``mulNaive`` to broadcast).
    public mutating func multiply(by other: Tensor) {
        precondition(shape == other.shape, "multiply: shapes \(shape) and \(other.shape) differ")
        data.withUnsafeMutableBufferPointer { buffer in
            other.data.withUnsafeBufferPointer { mulFast(buffer, UnsafeBufferPointer(buffer), $0) }
        }
    }
}
