/// The geometry of a 2-D convolution in ONNX terms (`Conv`, NCHW activations, OIHW weights).
///
/// `out[n, o, y, x] = bias[o] + Σ_{c ∈ group(o), i, j} in[n, c, y·sH − padTop + i·dH, x·sW − padLeft + j·dW] · w[o, c − g·C/G, i, j]`
/// with out-of-range input positions read as zero. Dilations follow ONNX (1 = dense);
/// oneDNN's convention is ONNX − 1 and the wrapper converts.
public struct Conv2DGeometry: Equatable, Sendable {
    public var batch: Int
    public var inChannels: Int
    public var inHeight: Int
    public var inWidth: Int
    public var outChannels: Int
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
    public var groups: Int

    public init(batch: Int, inChannels: Int, inHeight: Int, inWidth: Int, outChannels: Int,
                kernel: (height: Int, width: Int), strides: (height: Int, width: Int) = (1, 1),
                pads: (top: Int, left: Int, bottom: Int, right: Int) = (0, 0, 0, 0),
                dilations: (height: Int, width: Int) = (1, 1), groups: Int = 1) {
        self.batch = batch
        self.inChannels = inChannels
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.outChannels = outChannels
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
        self.groups = groups
    }

    /// Output height: ⌊(H + padTop + padBottom − ((kH − 1)·dH + 1)) / sH⌋ + 1 (``SpatialWindow``),
    /// or 0 when the window does not fit.
    public var outHeight: Int {
        SpatialWindow(inputSize: inHeight, kernel: kernelHeight, stride: strideHeight, dilation: dilationHeight,
                      padBegin: padTop, padEnd: padBottom, autoPad: .notSet, ceilMode: false)?.outputSize ?? 0
    }

    /// Output width, as ``outHeight``.
    public var outWidth: Int {
        SpatialWindow(inputSize: inWidth, kernel: kernelWidth, stride: strideWidth, dilation: dilationWidth,
                      padBegin: padLeft, padEnd: padRight, autoPad: .notSet, ceilMode: false)?.outputSize ?? 0
    }

    /// (N, C, H, W).
    public var inputShape: [Int] { [batch, inChannels, inHeight, inWidth] }
    /// (O, C / groups, kH, kW), ONNX's weight layout.
    public var weightShape: [Int] { [outChannels, inChannels / groups, kernelHeight, kernelWidth] }
    /// (N, O, outH, outW).
    public var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }

    /// Throws ``KernelError/invalidGeometry(op:reason:)`` naming the first rule that fails.
    public func validate(op: String = "Conv") throws(KernelError) {
        func require(_ condition: Bool, _ reason: String) throws(KernelError) {
            if !condition { throw KernelError.invalidGeometry(op: op, reason: reason) }
        }
        try require(batch >= 1 && inChannels >= 1 && outChannels >= 1, "batch and channels must be ≥ 1")
        try require(inHeight >= 1 && inWidth >= 1, "input size \(inHeight)×\(inWidth) must be ≥ 1")
        try require(kernelHeight >= 1 && kernelWidth >= 1, "kernel \(kernelHeight)×\(kernelWidth) must be ≥ 1")
        try require(strideHeight >= 1 && strideWidth >= 1, "strides must be ≥ 1")
        try require(dilationHeight >= 1 && dilationWidth >= 1, "dilations must be ≥ 1 (ONNX convention)")
        try require(min(padTop, padLeft, padBottom, padRight) >= 0, "pads must be ≥ 0")
        try require(groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
                    "groups \(groups) must divide in (\(inChannels)) and out (\(outChannels)) channels")
        try require(outHeight >= 1 && outWidth >= 1,
                    "output would be \(outHeight)×\(outWidth): the dilated kernel exceeds the padded input")
    }
}
