import RealModule

extension Histogram: LpErrorSource {
    /// Mean Lp error of the quantizer with Δ = α / qmax over the histogrammed data.
    ///
    /// Each bin's values are taken as uniformly spread over the bin, and |Q(x) − x|^p is
    /// integrated exactly over it: Q is constant on each grid cell [(k − ½)Δ, (k + ½)Δ], so the
    /// integral over a bin is a sum of closed forms ∫|t − kΔ|^p dt. This is more accurate than
    /// evaluating the error at the bin centre, which misjudges the rounding error whenever a grid
    /// cell is not much wider than a bin (8-bit grids, or small α); see docs/algorithms.md.
    /// O(bins), independent of the number of values.
    public func meanLpError(clipValue: Double, bits: Int, isSigned: Bool, p: Double) -> Double {
        let total = totalCount
        guard total > 0 else { return 0 }
        let grid = QuantizationGrid(clipValue: clipValue, bits: bits, isSigned: isSigned)
        let width = binWidth
        var sum = 0.0
        for (bin, count) in counts.enumerated() where count > 0 {
            let left = lowerBound + Double(bin) * width
            if width == 0 {
                sum += Double(count) * lpPower(abs(grid.roundTrip(left) - left), p)
            } else {
                let integral = grid.integratedLpError(from: left, to: left + width, p: p)
                sum += Double(count) * integral / width
            }
        }
        return sum / Double(total)
    }
}

extension QuantizationGrid {
    /// ∫ₗʳ |Q(t) − t|^p dt for l ≤ r, in closed form, O(1) whatever the number of cells spanned.
    func integratedLpError(from left: Double, to right: Double, p: Double) -> Double {
        let firstCell = index(left)
        let lastCell = index(right)
        if firstCell == lastCell { return cellIntegral(from: left, to: right, cell: firstCell, p: p) }
        let half = stepSize / 2
        // Cells strictly between the first and last lie inside the grid, each a full cell.
        let fullCells = lastCell - firstCell - 1
        let fullCell = 2 * signedPower(half, p) / (p + 1)
        return cellIntegral(from: left, to: (firstCell + 0.5) * stepSize, cell: firstCell, p: p)
            + fullCells * fullCell
            + cellIntegral(from: (lastCell - 0.5) * stepSize, to: right, cell: lastCell, p: p)
    }

    /// ∫ₐᵇ |t − kΔ|^p dt = S(b − kΔ) − S(a − kΔ) with S(u) = sign(u)|u|^(p+1)/(p+1).
    private func cellIntegral(from start: Double, to end: Double, cell: Double, p: Double) -> Double {
        let centre = cell * stepSize
        return (signedPower(end - centre, p) - signedPower(start - centre, p)) / (p + 1)
    }

    /// sign(u)·|u|^(p+1).
    private func signedPower(_ value: Double, _ p: Double) -> Double {
        let magnitude = abs(value) * lpPower(abs(value), p)
        return value < 0 ? -magnitude : magnitude
    }
}
