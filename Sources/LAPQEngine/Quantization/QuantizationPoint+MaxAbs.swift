import LAPQKernels
import LAPQMath

extension QuantizationPoint {
    /// This point's step sizes by the max-abs rule at its own `bits`, Δ = max |x| / qmax (no
    /// clipping): max |x| over the weight tensor in `graph` (over each channel of a per-channel
    /// weight), or `activationMaximum` for an activation (measured over data by the caller).
    /// A part that is all zeros gets the smallest normal Float as its range, so Δ stays valid.
    public func maxAbsStepSizes(in graph: Graph, activationMaximum: Double) -> [Double] {
        let maxima = kind == .weight
            ? stepValues(of: graph.initializers[tensor] ?? Tensor(shape: [0], data: []))
                .map { Double($0.reduce(Float(0)) { max($0, abs($1)) }) }
            : [activationMaximum]
        let levels = Double(UniformQuantizer.quantMax(bits: bits, isSigned: isSigned))
        return maxima.map { max($0, Double(Float.leastNormalMagnitude)) / levels }
    }
}
