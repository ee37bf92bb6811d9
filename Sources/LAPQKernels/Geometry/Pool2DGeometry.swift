/// The kind of a 2-D pooling window reduction.
public enum PoolKind: Equatable, Sendable {
    /// Maximum over the window; padding never wins (it is −∞).
    case max
    /// Mean over the window. With `countIncludePad` the divisor counts explicit padding
    /// positions (but never positions beyond `H + padBottom` added by ceil mode, as in ONNX
    /// Runtime and PyTorch); without it, only real input positions.
    case average(countIncludePad: Bool)
}

/// The geometry of ONNX `MaxPool` / `AveragePool` over NCHW input.
///
/// The output size follows ``SpatialWindow``, ceil mode included: with `ceilMode` it rounds up,
/// minus one when the last window would start at or past `H + padTop`, so every window starts
/// inside the input or its begin padding.
public struct Pool2DGeometry: Equatable, Sendable {
    public var batch: Int
    public var channels: Int
    public var inHeight: Int
    public var inWidth: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var padTop: Int
    public var padLeft: Int
    public var padBottom: Int
    public var padRight: Int
    public var dilationHeight: Int
    public var dilationWidth: Int
    public var ceilMode: Bool

    public init(batch: Int, channels: Int, inHeight: Int, inWidth: Int,
                kernel: (height: Int, width: Int), strides: (height: Int, width: Int) = (1, 1),
                pads: (top: Int, left: Int, bottom: Int, right: Int) = (0, 0, 0, 0),
                dilations: (height: Int, width: Int) = (1, 1), ceilMode: Bool = false) {
        self.batch = batch
        self.channels = channels
        self.inHeight = inHeight
        self.inWidth = inWidth
        kernelHeight = kernel.height
        kernelWidth = kernel.width
        strideHeight = strides.height
        strideWidth = strides.width
        padTop = pads.top
        padLeft = pads.left
        padBottom = pads.bottom
        padRight = pads.right
        dilationHeight = dilations.height
        dilationWidth = dilations.width
        self.ceilMode = ceilMode
    }

    /// Output height (``SpatialWindow``), or 0 when the window does not fit.
    public var outHeight: Int {
        SpatialWindow(inputSize: inHeight, kernel: kernelHeight, stride: strideHeight, dilation: dilationHeight,
                      padBegin: padTop, padEnd: padBottom, autoPad: .notSet, ceilMode: ceilMode)?.outputSize ?? 0
    }

    /// Output width, as ``outHeight``.
    public var outWidth: Int {
        SpatialWindow(inputSize: inWidth, kernel: kernelWidth, stride: strideWidth, dilation: dilationWidth,
                      padBegin: padLeft, padEnd: padRight, autoPad: .notSet, ceilMode: ceilMode)?.outputSize ?? 0
    }

    /// Rows that ceil mode adds past `padBottom`: the last window's end minus the padded height.
    public var ceilExtraBottom: Int {
        max(0, (outHeight - 1) * strideHeight + (kernelHeight - 1) * dilationHeight + 1
               - (inHeight + padTop + padBottom))
    }

    /// Columns that ceil mode adds past `padRight`.
    public var ceilExtraRight: Int {
        max(0, (outWidth - 1) * strideWidth + (kernelWidth - 1) * dilationWidth + 1
               - (inWidth + padLeft + padRight))
    }

    /// (N, C, H, W).
    public var inputShape: [Int] { [batch, channels, inHeight, inWidth] }
    /// (N, C, outH, outW).
    public var outputShape: [Int] { [batch, channels, outHeight, outWidth] }

    /// Throws ``KernelError/invalidGeometry(op:reason:)`` naming the first rule that fails.
    public func validate(op: String = "Pool") throws(KernelError) {
        func require(_ condition: Bool, _ reason: String) throws(KernelError) {
            if !condition { throw KernelError.invalidGeometry(op: op, reason: reason) }
        }
        try require(batch >= 1 && channels >= 1, "batch and channels must be ≥ 1")
        try require(inHeight >= 1 && inWidth >= 1, "input size \(inHeight)×\(inWidth) must be ≥ 1")
        try require(kernelHeight >= 1 && kernelWidth >= 1, "kernel \(kernelHeight)×\(kernelWidth) must be ≥ 1")
        try require(strideHeight >= 1 && strideWidth >= 1, "strides must be ≥ 1")
        try require(dilationHeight >= 1 && dilationWidth >= 1, "dilations must be ≥ 1 (ONNX convention)")
        try require(min(padTop, padLeft, padBottom, padRight) >= 0, "pads must be ≥ 0")
        try require(padTop < kernelHeight && padBottom < kernelHeight && padLeft < kernelWidth
                    && padRight < kernelWidth, "each pad must be smaller than the kernel")
        try require(outHeight >= 1 && outWidth >= 1,
                    "output would be \(outHeight)×\(outWidth): the window exceeds the padded input")
    }
}
