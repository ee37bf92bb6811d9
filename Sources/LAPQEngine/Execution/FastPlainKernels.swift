import LAPQKernels

/// The fast Swift kernels that `Executor` runs on plain tensors, for the operations that have
/// one (their naive twins in `ReferenceExecutor.evaluate` are the reference; tests hold them
/// together): element-wise arithmetic with broadcasting, Sqrt, Erf, Transpose, Pad, Slice and a mean over
/// trailing axes. False for every other node, which then runs on the naive kernel.
enum FastPlainKernels {
    /// Writes the node's result into `out` (reusing its storage where the kernel writes every
    /// element) and returns true, or returns false for a node without a fast kernel.
    static func evaluate(_ node: Node, _ x: [Tensor], into out: inout Tensor, threads: Int) throws -> Bool {
        switch node.op {
        case .add: try broadcastFast(&out, x[0], x[1], .add, threads: threads)
        case .sub: try broadcastFast(&out, x[0], x[1], .sub, threads: threads)
        case .mul: try broadcastFast(&out, x[0], x[1], .mul, threads: threads)
        case .div: try broadcastFast(&out, x[0], x[1], .div, threads: threads)
        case .pow: try broadcastFast(&out, x[0], x[1], .pow, threads: threads)
        case .sqrt: out = unary(x[0], threads: threads, sqrtFast)
        case .erf: out = unary(x[0], threads: threads, erfFast)
        case .transpose(let perm): try transposeFast(&out, x[0], perm: perm, threads: threads)
        case .pad(let a): try padFast(&out, x[0], pads: a.pads, mode: a.mode, value: a.value, threads: threads)
        case .slice(let a):
            try sliceFast(&out, x[0], starts: a.starts, ends: a.ends, axes: a.axes, steps: a.steps, threads: threads)
        case .reduceMean(let axes, let keepDims):
            return reduceMeanTrailingFast(&out, x[0], axes: axes, keepDims: keepDims, threads: threads)
        default:
            return false
        }
        return true
    }

    /// A same-shape kernel over x's elements, split over `threads` (64-aligned chunks, so the
    /// result does not depend on the thread count).
    private static func unary(_ x: Tensor, threads: Int,
                              _ kernel: (UnsafeMutableBufferPointer<Float>, UnsafeBufferPointer<Float>) -> Void) -> Tensor {
        var out = Tensor(shape: x.shape)
        x.data.withUnsafeBufferPointer { input in
            out.data.withUnsafeMutableBufferPointer { output in
                inParallelChunks(output.count, threads: threads) { range in
                    kernel(UnsafeMutableBufferPointer(rebasing: output[range]), UnsafeBufferPointer(rebasing: input[range]))
                }
            }
        }
        return out
    }
}
