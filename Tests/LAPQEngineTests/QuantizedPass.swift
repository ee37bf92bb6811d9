import LAPQEngine
import LAPQMath

/// One fake-quantized forward pass seen per sample: its output and, for every activation
/// point, the fingerprint of the integer codes it used and how many of its values were
/// near-ties. Two passes whose codes agree at every point must agree in output up to float
/// rounding; where codes differ, a near-tie at the first differing point must explain it.
struct QuantizedPass {
    let output: Tensor
    /// Plan point index → per-sample code checksum (activation points only).
    let checksums: [Int: [Int]]
    /// Plan point index → per-sample Σ code (activation points only).
    let codeSums: [Int: [Int]]
    /// Plan point index → per-sample near-tie count (activation points only).
    let nearTies: [Int: [Int]]

    /// The pass onnxruntime made, as the golden records it.
    init(golden: QuantizedGoldens.Golden, output: Tensor) {
        self.output = output
        var checksums: [Int: [Int]] = [:], sums: [Int: [Int]] = [:], nearTies: [Int: [Int]] = [:]
        for (index, point) in golden.points.enumerated() {
            guard let ties = point.nearTies, let codeSums = point.codeSums else { continue }
            checksums[index] = point.codeChecksums
            sums[index] = codeSums
            nearTies[index] = ties
        }
        self.checksums = checksums
        self.codeSums = sums
        self.nearTies = nearTies
    }

    /// A pass of ours: `observed` holds each activation point's float value (an executor's
    /// observer), quantized here with the point's Δ the way the executors quantize.
    init(output: Tensor, observed: [Int: Tensor], plan: QuantizationPlan, stepSizes: [Double]) {
        self.output = output
        var checksums: [Int: [Int]] = [:], sums: [Int: [Int]] = [:], nearTies: [Int: [Int]] = [:]
        let ranges = plan.stepRanges
        for (index, values) in observed {
            let quantizer = plan.points[index].quantizer(stepSize: Float(stepSizes[ranges[index].lowerBound]))
            let samples = Self.samples(values)
            checksums[index] = samples.map { CodeFingerprint.checksum($0, quantizer) }
            sums[index] = samples.map { $0.reduce(0) { $0 + quantizer.code($1) } }
            nearTies[index] = samples.map { CodeFingerprint.nearTies($0, quantizer) }
        }
        self.checksums = checksums
        self.codeSums = sums
        self.nearTies = nearTies
    }

    /// Runs `run` with an observer that records every activation point's float value.
    static func observing(plan: QuantizationPlan, stepSizes: [Double],
                          _ run: (@escaping ActivationObserver) throws -> Tensor) rethrows -> QuantizedPass {
        let recorder = Recorder()
        let output = try run { point, values in recorder.values[point] = values }
        return QuantizedPass(output: output, observed: recorder.values, plan: plan, stepSizes: stepSizes)
    }

    /// The values of each sample (slices along axis 0).
    static func samples(_ tensor: Tensor) -> [ArraySlice<Float>] {
        let count = tensor.shape.first ?? 0
        guard count > 0 else { return [] }
        let size = tensor.count / count
        return (0..<count).map { tensor.data[($0 * size)..<(($0 + 1) * size)] }
    }

    private final class Recorder {
        var values: [Int: Tensor] = [:]
    }
}

/// Fingerprints of a tensor's integer codes, the same as Scripts/fixtures/fixture_fakequant.py computes.
enum CodeFingerprint {
    /// Within this many Δ of a rounding boundary, two correct implementations may round apart.
    static let nearTieWindow = 1e-3

    /// Σ code_i · (i mod 251 + 1) over the values in order: a single changed code changes it.
    static func checksum<C: Collection>(_ values: C, _ quantizer: UniformQuantizer) -> Int where C.Element == Float {
        checksum(codes: values.map(quantizer.code))
    }

    static func checksum(codes: [Int]) -> Int {
        var sum = 0
        for (offset, code) in codes.enumerated() { sum += code * (offset % 251 + 1) }
        return sum
    }

    /// How many values x have x/Δ within `nearTieWindow` of k + ½ for qmin ≤ k < qmax (a
    /// boundary between two codes the clamp keeps apart).
    static func nearTies<C: Collection>(_ values: C, _ quantizer: UniformQuantizer) -> Int where C.Element == Float {
        values.reduce(0) { count, value in
            let scaled = Double(value / quantizer.stepSize)
            let below = scaled.rounded(.down)
            let isTie = abs(scaled - below - 0.5) < nearTieWindow
                && below >= Double(quantizer.quantMin) && below < Double(quantizer.quantMax)
            return count + (isTie ? 1 : 0)
        }
    }
}
