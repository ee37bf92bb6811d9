/// Everything a user chooses about *what* is quantized, as one value: the bit widths, which
/// layers and tensors stay in float, whether weights have one step per tensor or per output
/// channel, and whether quantized weights are bias-corrected. The plan owns it;
/// the checkpoint, steps.json and the model package a worker receives embed it, so a resume
/// or a worker can compare it as a whole instead of field by field (docs/formats.md).
///
/// Signedness is not a setting: weights are always signed, an activation is unsigned exactly
/// when its producer cannot go negative (`QuantizationPlan.isNonNegative`).
///
/// Codable with every key required: a file or a worker that lacks one must not guess it.
public struct PlanSettings: Sendable, Hashable, Codable {
    /// Bits of every quantized weight and activation; 32 leaves that part in float.
    public var weightBits: Int
    public var activationBits: Int
    /// Quantize the first / last weighted layer too. The common choice keeps both in float,
    /// since they are small and sensitive (LAPQ §5).
    public var quantizeFirstLayer: Bool
    public var quantizeLastLayer: Bool
    /// Mean-only bias correction of the quantized weights (`correctBias`): every executor and
    /// the QDQ export then use ŵ − per-output-channel mean shift (docs/algorithms.md).
    public var correctsWeightBias: Bool
    /// Shell-style globs over layer node names, weight tensor names and activation tensor
    /// names; what matches stays float (docs/algorithms.md, "What stays float"). In the order
    /// given, since resume and workers compare the value as a whole.
    public var keepFloat: [String]
    /// One step size per weight tensor, or one per output channel (docs/algorithms.md,
    /// "Per-channel weights").
    public var weightGranularity: WeightGranularity

    public init(weightBits: Int, activationBits: Int, quantizeFirstLayer: Bool = false,
                quantizeLastLayer: Bool = false, correctsWeightBias: Bool = false,
                keepFloat: [String] = [], weightGranularity: WeightGranularity = .perTensor) {
        self.weightBits = weightBits
        self.activationBits = activationBits
        self.quantizeFirstLayer = quantizeFirstLayer
        self.quantizeLastLayer = quantizeLastLayer
        self.correctsWeightBias = correctsWeightBias
        self.keepFloat = keepFloat
        self.weightGranularity = weightGranularity
    }

    /// "W4/A4", as tables and reports name a bit-width pair.
    public var bitsLabel: String { "W\(weightBits)/A\(activationBits)" }

    /// Nothing quantized: the float network.
    public static let float = PlanSettings(weightBits: 32, activationBits: 32)

    /// The command-line flags that set each field, to name them when two settings differ.
    public static let flags: [String: String] = [
        "weightBits": "--bits (weights)", "activationBits": "--bits (activations)",
        "quantizeFirstLayer": "--quantize-first-layer", "quantizeLastLayer": "--quantize-last-layer",
        "correctsWeightBias": "--bias-correction", "keepFloat": "--keep-float",
        "weightGranularity": "--weight-granularity",
    ]
}

/// How many step sizes a quantized weight has.
public enum WeightGranularity: String, Sendable, Hashable, Codable, CaseIterable {
    /// One Δ for the whole tensor.
    case perTensor = "per-tensor"
    /// One Δ per output channel (the bias-correction axis).
    case perChannel = "per-channel"
}
