/// Everything a user chooses about *what* is quantized, as one value: the bit widths, which
/// layers stay in float, and whether quantized weights are bias-corrected. The plan owns it;
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

    public init(weightBits: Int, activationBits: Int, quantizeFirstLayer: Bool = false,
                quantizeLastLayer: Bool = false, correctsWeightBias: Bool = false) {
        self.weightBits = weightBits
        self.activationBits = activationBits
        self.quantizeFirstLayer = quantizeFirstLayer
        self.quantizeLastLayer = quantizeLastLayer
        self.correctsWeightBias = correctsWeightBias
    }

    /// "W4/A4", as tables and reports name a bit-width pair.
    public var bitsLabel: String { "W\(weightBits)/A\(activationBits)" }

    /// Nothing quantized: the float network.
    public static let float = PlanSettings(weightBits: 32, activationBits: 32)

    /// The command-line flags that set each field, to name them when two settings differ.
    public static let flags: [String: String] = [
        "weightBits": "--bits (weights)", "activationBits": "--bits (activations)",
        "quantizeFirstLayer": "--quantize-first-layer", "quantizeLastLayer": "--quantize-last-layer",
        "correctsWeightBias": "--bias-correction",
    ]
}
