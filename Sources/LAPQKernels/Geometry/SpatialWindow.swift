/// Output size and padding of one spatial axis of a sliding-window operation — ONNX `Conv`,
/// `MaxPool` and `AveragePool` — the one place this arithmetic is written: shape inference,
/// `auto_pad` resolution, ``Conv2DGeometry`` and ``Pool2DGeometry`` all read it from here.
///
/// With effective kernel `k' = (k − 1) · dilation + 1` and input size `in`:
/// - `NOTSET` (explicit pads): `out = ⌊(in + padBegin + padEnd − k') / stride⌋ + 1`;
/// - `VALID`: the same with `padBegin = padEnd = 0`;
/// - `SAME_UPPER` / `SAME_LOWER`: `out = ⌈in / stride⌉`, total padding
///   `max(0, (out − 1) · stride + k' − in)` split in halves, the odd cell at the end (upper) or
///   at the start (lower); the given pads are ignored;
/// - ceil mode (pooling's `ceil_mode = 1`, explicit or `VALID` padding): `⌈…⌉` in place of
///   `⌊…⌋`, then minus one when the last window would start at or past `in + padBegin`, so
///   every window starts inside the input or its begin padding (ONNX Runtime's and PyTorch's
///   rule; ONNX's own shape inference omits it and can count one more). Convolution passes `false`.
///
/// The window does not fit — `nil` — when `in + padBegin + padEnd < k'` or `stride < 1`.
public struct SpatialWindow: Equatable, Sendable {
    public var outputSize: Int
    public var padBegin: Int
    public var padEnd: Int

    public init(outputSize: Int, padBegin: Int, padEnd: Int) {
        self.outputSize = outputSize
        self.padBegin = padBegin
        self.padEnd = padEnd
    }

    public init?(inputSize: Int, kernel: Int, stride: Int, dilation: Int, padBegin: Int, padEnd: Int,
                 autoPad: AutoPad, ceilMode: Bool) {
        guard stride >= 1 else { return nil }
        let effectiveKernel = (kernel - 1) * dilation + 1
        switch autoPad {
        case .sameUpper, .sameLower:
            let output = (inputSize + stride - 1) / stride
            let total = max(0, (output - 1) * stride + effectiveKernel - inputSize)
            let smaller = total / 2
            let begin = autoPad == .sameUpper ? smaller : total - smaller
            self.init(outputSize: output, padBegin: begin, padEnd: total - begin)
        case .notSet, .valid:
            let begin = autoPad == .valid ? 0 : padBegin
            let end = autoPad == .valid ? 0 : padEnd
            let span = inputSize + begin + end - effectiveKernel
            guard span >= 0 else { return nil }
            var output = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
            if ceilMode, (output - 1) * stride >= inputSize + begin { output -= 1 }
            self.init(outputSize: output, padBegin: begin, padEnd: end)
        }
    }
}
