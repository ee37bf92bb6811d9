/// A fixed-range, fixed-bin histogram of activation values that merges by adding counts.
///
/// The range is fixed when the histogram is created — `[−m, m]` for tensors that can be
/// negative, `[0, m]` for non-negative ones, where m is the tensor's max |x| over the whole
/// calibration set (a first, max-only statistics pass). Because every shard bins into the same
/// edges, histograms from any number of workers merge exactly (`merge` adds integer counts), so
/// the Lp-optimal clip found from them does not depend on how the data was split.
///
/// Values outside the range are counted in the nearest edge bin (a value can only be outside if
/// the caller used a range smaller than the data's max).
public struct Histogram: Sendable, Codable, Equatable {
    public let lowerBound: Double
    public let upperBound: Double
    public private(set) var counts: [Int]

    /// A histogram of `binCount` equal bins over [lowerBound, upperBound].
    public init(lowerBound: Double, upperBound: Double, binCount: Int) {
        precondition(binCount > 0, "a histogram needs at least one bin")
        precondition(lowerBound <= upperBound && lowerBound.isFinite && upperBound.isFinite,
                     "invalid histogram range [\(lowerBound), \(upperBound)]")
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.counts = [Int](repeating: 0, count: binCount)
    }

    /// A histogram with the given counts over [lowerBound, upperBound] (e.g. one received from
    /// a worker); `counts.count` is the number of bins.
    public init(lowerBound: Double, upperBound: Double, counts: [Int]) {
        self.init(lowerBound: lowerBound, upperBound: upperBound, binCount: counts.count)
        self.counts = counts
    }

    /// The histogram over [−m, m] (signed) or [0, m] (unsigned) for a tensor whose max |x| is m.
    public init(maxMagnitude: Double, isSigned: Bool, binCount: Int) {
        self.init(lowerBound: isSigned ? -maxMagnitude : 0, upperBound: maxMagnitude, binCount: binCount)
    }

    public var binCount: Int { counts.count }
    public var binWidth: Double { (upperBound - lowerBound) / Double(binCount) }
    public var totalCount: Int { counts.reduce(0, +) }
    /// The largest |x| the range covers.
    public var maxMagnitude: Double { max(abs(lowerBound), abs(upperBound)) }
    /// Whether the range includes negative values (a signed tensor).
    public var isSigned: Bool { lowerBound < 0 }

    /// The bin index of `value`, clamped to the edge bins.
    @inlinable
    public func binIndex(of value: Double) -> Int {
        let width = binWidth
        guard width > 0 else { return 0 }
        let position = ((value - lowerBound) / width).rounded(.down)
        if !(position >= 0) { return 0 }   // also catches NaN
        return position >= Double(binCount) ? binCount - 1 : Int(position)
    }

    /// Counts every value of `values`. O(n).
    public mutating func add(_ values: UnsafeBufferPointer<Float>) {
        for value in values { counts[binIndex(of: Double(value))] += 1 }
    }

    /// Counts every value of `values`. O(n).
    public mutating func add(_ values: [Float]) {
        values.withUnsafeBufferPointer { add($0) }
    }

    /// Adds the counts of `other`, which must have the same range and bins. Counts that come
    /// from outside (a worker's answer is checked only to be ≥ 0) can sum past `Int.max`: that
    /// is thrown, naming the bin, and `self` is left unchanged. O(bins).
    public mutating func merge(_ other: Histogram) throws(HistogramCountOverflow) {
        precondition(lowerBound == other.lowerBound && upperBound == other.upperBound
                     && binCount == other.binCount, "merging histograms with different bins")
        var sums = counts
        for index in sums.indices {
            let (sum, overflow) = sums[index].addingReportingOverflow(other.counts[index])
            guard !overflow else { throw HistogramCountOverflow(bin: index) }
            sums[index] = sum
        }
        counts = sums
    }

    /// The merge of two histograms with the same bins (see `merge(_:)`).
    public func merged(with other: Histogram) throws(HistogramCountOverflow) -> Histogram {
        var result = self
        try result.merge(other)
        return result
    }
}

/// Two histograms' counts of one bin add up past `Int.max` (`Histogram.merge`).
public struct HistogramCountOverflow: Error, Equatable, Sendable, CustomStringConvertible {
    public var bin: Int
    /// The quantization point whose histograms were merged, when the caller knows it.
    public var point: Int?

    public init(bin: Int, point: Int? = nil) {
        self.bin = bin
        self.point = point
    }

    public var description: String {
        "the histogram counts\(point.map { " of point \($0)" } ?? "") overflow in bin \(bin)"
    }
}
