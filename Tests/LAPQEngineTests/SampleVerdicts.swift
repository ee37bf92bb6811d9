import LAPQEngine

/// The per-sample comparison of two fake-quantized passes of the same inputs and step sizes.
///
/// - Same codes at every activation point: the outputs must agree within
///   1e-4 · max(1, max |expected|) of that sample, else the sample fails.
/// - Codes differ: at the first differing point (plan order is graph order, so anything that
///   differs later may be a consequence) only values at a near-tie in either pass can have
///   rounded apart, each by one code. So |ΔΣ code| ≤ t and |Δ checksum| ≤ 251 · t with t the
///   near-ties of both passes there; then the sample is "flipped" and its outputs may differ.
///   Otherwise (e.g. no near-tie at all) the sample fails.
struct SampleVerdicts {
    struct Flip {
        let sample: Int
        let point: String
        /// Whether the outputs still agreed within tolerance.
        let outputsAgree: Bool
    }

    private(set) var matched = 0
    private(set) var flips: [Flip] = []
    private(set) var failures: [String] = []

    init(expected: QuantizedPass, actual: QuantizedPass, plan: QuantizationPlan) {
        let expectedSamples = QuantizedPass.samples(expected.output)
        let actualSamples = QuantizedPass.samples(actual.output)
        guard expected.output.shape == actual.output.shape else {
            failures = ["output shape \(actual.output.shape), expected \(expected.output.shape)"]
            return
        }
        let activationPoints = plan.points.indices.filter { plan.points[$0].kind == .activation }
        for sample in expectedSamples.indices {
            let scale = max(1, expectedSamples[sample].map(abs).max() ?? 0)
            let worst = zip(expectedSamples[sample], actualSamples[sample]).map { abs($0 - $1) }.max() ?? 0
            let agree = worst <= 1e-4 * scale
            let differing = activationPoints.first { point in
                expected.checksums[point]?[sample] != actual.checksums[point]?[sample]
            }
            guard let point = differing else {
                if agree { matched += 1 } else {
                    failures.append("sample \(sample): same codes at every point, yet max diff \(worst) > 1e-4 · \(scale)")
                }
                continue
            }
            let ties = (expected.nearTies[point]?[sample] ?? 0) + (actual.nearTies[point]?[sample] ?? 0)
            let sumShift = abs((expected.codeSums[point]?[sample] ?? 0) - (actual.codeSums[point]?[sample] ?? 0))
            let checksumShift = abs((expected.checksums[point]?[sample] ?? 0) - (actual.checksums[point]?[sample] ?? 0))
            if ties > 0, sumShift <= ties, checksumShift <= 251 * ties {
                flips.append(Flip(sample: sample, point: plan.points[point].name, outputsAgree: agree))
            } else {
                failures.append("sample \(sample): codes differ at \(plan.points[point].name) (Σ code moved \(sumShift), "
                                + "checksum \(checksumShift)) beyond its \(ties) near-ties (output max diff \(worst))")
            }
        }
    }

    /// One line for assertion messages and the log.
    var summary: String {
        let flipped = flips.map { "#\($0.sample)@\($0.point)\($0.outputsAgree ? "" : " (outputs differ)")" }
        return "\(matched) matched, \(flips.count) flipped at a near-tie [\(flipped.joined(separator: ", "))]"
            + (failures.isEmpty ? "" : "; FAILED: " + failures.joined(separator: "; "))
    }
}
