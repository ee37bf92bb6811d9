import RealModule

/// The clip thresholds of the histogram calibrators users of onnxruntime and TensorRT know,
/// computed from a histogram of |x| over [0, max|x|] (`Histogram.magnitudeHistogram`), as those
/// tools compute them (docs/algorithms.md, "Baselines"; golden values from the tools themselves,
/// Scripts/goldens/gen-calibrator-goldens.py).
public enum HistogramCalibration {
    /// onnxruntime's percentile calibration with `symmetric=True`
    /// (`onnxruntime.quantization.calibrate.HistogramCollector.compute_percentile`):
    /// cdf = cumsum(counts / total), i = the first bin with cdf ≥ percentile/100, the threshold is
    /// bin i's *left* edge, capped at max|x|. 0 for an empty histogram. O(bins).
    public static func percentileThreshold(_ magnitudes: Histogram, percentile: Double = 99.999) -> Double {
        let total = Double(magnitudes.totalCount)
        guard total > 0 else { return 0 }
        let target = percentile / 100.0
        var cumulative = 0.0
        for (bin, count) in magnitudes.counts.enumerated() {
            cumulative += Double(count) / total
            if cumulative >= target { return min(magnitudes.edge(bin), magnitudes.maxMagnitude) }
        }
        return magnitudes.maxMagnitude
    }

    /// The quantized bins TensorRT's entropy calibration compares against: 2^(b−1) for a signed
    /// b-bit grid, 2^b for an unsigned one (ModelOpt's `1 << (num_bits - 1 + unsigned)`).
    public static func entropyQuantizedBins(bits: Int, isSigned: Bool) -> Int {
        1 << (bits - (isSigned ? 1 : 0))
    }

    /// TensorRT's KL-divergence calibration as NVIDIA ModelOpt's
    /// `HistogramCalibrator.compute_amax("entropy")` (`_compute_amax_entropy`, as
    /// pytorch-quantization): counts[0] is replaced by counts[1]; for every i = startBin … bins,
    /// P = counts[0..<i] with the tail Σ counts[i...] added to its last bin, Q spreads each of
    /// `quantizedBins` groups (bin k in group ⌊k·n/i⌋) evenly over the group's non-empty bins,
    /// and the threshold is the right edge of bin i − 1 for the last i minimizing KL(P‖Q).
    /// O(bins²). Precondition: startBin ≤ bins.
    public static func entropyThreshold(_ magnitudes: Histogram, quantizedBins: Int, startBin: Int = 128) -> Double {
        var counts = magnitudes.counts
        precondition(counts.count >= max(startBin, 2), "entropy calibration needs at least \(startBin) bins")
        counts[0] = counts[1]
        var tails = [Int](repeating: 0, count: counts.count + 1)
        for index in counts.indices.reversed() { tails[index] = tails[index + 1] + counts[index] }
        var best = (divergence: Double.infinity, bins: counts.count)
        for kept in startBin...counts.count {
            let divergence = klDivergence(counts, kept: kept, tail: tails[kept], quantizedBins: quantizedBins)
            if divergence <= best.divergence { best = (divergence, kept) }
        }
        return magnitudes.edge(best.bins)
    }

    /// KL(P‖Q) for the first `kept` bins (see `entropyThreshold`), as scipy.stats.entropy:
    /// both normalized to sum 1, Σ p·log(p/q) over p > 0, ∞ where q = 0 < p.
    private static func klDivergence(_ counts: [Int], kept: Int, tail: Int, quantizedBins: Int) -> Double {
        var groupSums = [Double](repeating: 0, count: quantizedBins)
        var groupNonEmpty = [Int](repeating: 0, count: quantizedBins)
        for bin in 0..<kept where counts[bin] != 0 {
            let group = bin * quantizedBins / kept
            groupSums[group] += Double(counts[bin])
            groupNonEmpty[group] += 1
        }
        var expected = [Double](repeating: 0, count: kept)
        var expectedTotal = 0.0, referenceTotal = 0.0
        for bin in 0..<kept {
            if counts[bin] != 0 {
                let group = bin * quantizedBins / kept
                expected[bin] = groupSums[group] / Double(groupNonEmpty[group])
            }
            expectedTotal += expected[bin]
            referenceTotal += Double(counts[bin] + (bin == kept - 1 ? tail : 0))
        }
        var divergence = 0.0
        for bin in 0..<kept {
            let reference = Double(counts[bin] + (bin == kept - 1 ? tail : 0)) / referenceTotal
            guard reference > 0 else { continue }
            let model = expected[bin] / expectedTotal
            guard model > 0 else { return .infinity }
            divergence += reference * Double.log(reference / model)
        }
        return divergence
    }
}
