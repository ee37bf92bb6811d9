import LAPQMath

/// `--bits W/A`: weight and activation bit widths, each 2…8 or 32 (float).
struct BitWidths: Sendable {
    var weights: Int
    var activations: Int

    /// Parses "W/A"; nil unless both are supported widths.
    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let weights = Int(parts[0]), let activations = Int(parts[1]),
              UniformQuantizer.supports(bits: weights), UniformQuantizer.supports(bits: activations) else { return nil }
        self.weights = weights
        self.activations = activations
    }
}
