/// Attributes of `Operator.conv`. Every array has one entry per spatial axis, except `pads`,
/// which has two: all begin paddings, then all end paddings (ONNX order, e.g. for 2-d
/// `[top, left, bottom, right]`).
public struct ConvAttributes: Sendable, Hashable {
    /// Spatial extent of the kernel, e.g. `[kH, kW]`.
    public var kernelShape: [Int]
    public var strides: [Int]
    public var dilations: [Int]
    public var pads: [Int]
    /// When not `.notSet`, `pads` is ignored and recomputed from the input size by
    /// `Graph.resolvingAutoPad(batchSize:)`.
    public var autoPad: AutoPad
    /// Number of channel groups; depthwise convolution has `group` equal to the input channels.
    public var group: Int

    public init(kernelShape: [Int], strides: [Int], dilations: [Int], pads: [Int],
                autoPad: AutoPad = .notSet, group: Int = 1) {
        self.kernelShape = kernelShape
        self.strides = strides
        self.dilations = dilations
        self.pads = pads
        self.autoPad = autoPad
        self.group = group
    }
}

/// Attributes of `Operator.maxPool` and `Operator.averagePool`; arrays are laid out as in
/// `ConvAttributes`.
public struct PoolAttributes: Sendable, Hashable {
    public var kernelShape: [Int]
    public var strides: [Int]
    public var pads: [Int]
    public var autoPad: AutoPad
    /// Dilations of the pooling window (MaxPool only; all ones for AveragePool).
    public var dilations: [Int]
    /// Output size uses `ceil` instead of `floor`; a window that would start in the end
    /// padding is dropped.
    public var ceilMode: Bool
    /// AveragePool divides by the full window size (`true`) or by the number of non-padding
    /// cells in the window (`false`).
    public var countIncludePad: Bool

    public init(kernelShape: [Int], strides: [Int], pads: [Int], autoPad: AutoPad = .notSet,
                dilations: [Int], ceilMode: Bool = false, countIncludePad: Bool = false) {
        self.kernelShape = kernelShape
        self.strides = strides
        self.pads = pads
        self.autoPad = autoPad
        self.dilations = dilations
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
    }
}

/// Attributes of `Operator.gemm`: `Y = alpha · op(A) · op(B) + beta · C`.
public struct GemmAttributes: Sendable, Hashable {
    public var alpha: Float
    public var beta: Float
    public var transA: Bool
    public var transB: Bool

    public init(alpha: Float = 1, beta: Float = 1, transA: Bool = false, transB: Bool = false) {
        self.alpha = alpha
        self.beta = beta
        self.transA = transA
        self.transB = transB
    }
}

/// Attributes of `Operator.slice`, one entry per sliced axis (ONNX `starts`, `ends`, `axes`,
/// `steps` after import; `Int.max` / `Int.min` stand for ONNX's "to the end" sentinels).
public struct SliceAttributes: Sendable, Hashable {
    public var starts: [Int]
    public var ends: [Int]
    public var axes: [Int]
    public var steps: [Int]

    public init(starts: [Int], ends: [Int], axes: [Int], steps: [Int]) {
        self.starts = starts
        self.ends = ends
        self.axes = axes
        self.steps = steps
    }
}

/// Attributes of `Operator.pad`: ONNX's `pads` (2 · rank entries, every axis's begin, then
/// every axis's end), its mode and, in constant mode, the fill value.
public struct PadAttributes: Sendable, Hashable {
    public var pads: [Int]
    public var mode: PadMode
    public var value: Float

    public init(pads: [Int], mode: PadMode, value: Float) {
        self.pads = pads
        self.mode = mode
        self.value = value
    }
}
