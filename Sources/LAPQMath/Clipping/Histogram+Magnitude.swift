extension Histogram {
    /// The histogram of |x| with half this histogram's bins over [0, max|x|]: for a signed range
    /// [−m, m] bin j of the negative half is added to bin (binCount/2 − 1 − j) of the positive
    /// half; for [0, m] adjacent pairs are added. Equal to binning |x| directly into those bins
    /// except for values lying on a bin edge (to within the rounding of the bin arithmetic).
    /// Precondition: an even number of bins, and a range [−m, m] or [0, m].
    public func magnitudeHistogram() -> Histogram {
        precondition(binCount % 2 == 0, "folding needs an even number of bins, got \(binCount)")
        let half = binCount / 2
        let folded: [Int]
        if isSigned {
            precondition(lowerBound == -upperBound, "a signed histogram folds only over [−m, m]")
            folded = (0..<half).map { counts[half + $0] + counts[half - 1 - $0] }
        } else {
            precondition(lowerBound == 0, "an unsigned histogram folds only over [0, m]")
            folded = (0..<half).map { counts[2 * $0] + counts[2 * $0 + 1] }
        }
        return Histogram(lowerBound: 0, upperBound: maxMagnitude, counts: folded)
    }

    /// The left edge of bin `index` (index = binCount gives the upper bound).
    public func edge(_ index: Int) -> Double {
        index == binCount ? upperBound : lowerBound + Double(index) * binWidth
    }
}
