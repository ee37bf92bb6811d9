import LAPQCalibration

/// The table `sensitivity` prints: the run's loss, then every point by cost, the costliest first,
/// with the report's columns.
enum PointCostTable {
    static func render(_ sensitivity: SensitivityFile) -> String {
        let baseline = sensitivity.baseline
        let header = "the run's steps: loss \(formatNumber(baseline.loss)), top-1 \(formatPercent(baseline.top1)); "
            + "each point alone at \(sensitivity.restoredBits) bits:"
        let rows = [CalibrationReport.pointCostHeaders] + CalibrationReport.pointsByCost(sensitivity).map(CalibrationReport.pointCostCells)
        let widths = CalibrationReport.pointCostHeaders.indices.map { column in (rows.map { $0[column].count }.max() ?? 0) + 2 }
        return ([header] + rows.map { zip($0, widths).map { $0.padding($1) }.joined() }).joined(separator: "\n")
    }
}
