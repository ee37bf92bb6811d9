import XCTest
import LAPQMath
@testable import LAPQEngine

/// The statistics pass sees the float value of every activation point, on the fast executor,
/// exactly as the reference interpreter computes it.
final class ActivationStatisticsTests: XCTestCase {
    func testMaximaAndHistogramsMatchTheReferenceAndMergeAcrossBatches() throws {
        let entry = try FixtureIndex.entry("resnet")
        let graph = try FixtureIndex.graph("resnet")
        let plan = QuantizationPlan(graph: graph, weightBits: 4, activationBits: 4)
        let input = try FixtureIndex.tensor(entry.input)
        let executor = try Executor(graph: graph, plan: plan, options: .init(threads: 1))

        var expected = [Double](repeating: 0, count: plan.points.count)
        _ = try ReferenceExecutor(graph: graph, plan: plan).run(input) { point, values in
            expected[point] = Double(values.data.map(abs).max() ?? 0)
        }
        let maxima = try ActivationStatistics.maxima(of: input, executor: executor)
        for (index, point) in plan.points.enumerated() where point.kind == .activation {
            XCTAssertEqual(maxima[index], expected[index], accuracy: 1e-5 * max(1, expected[index]), point.name)
            XCTAssertGreaterThan(maxima[index], 0, point.name)
        }

        // Each sample as its own batch: merged statistics equal those of the whole batch.
        let whole = try ActivationStatistics.histograms(of: input, maxima: maxima, binCount: 64, executor: executor)
        let sampleSize = input.count / input.shape[0]
        var merged = ActivationStatistics.emptyHistograms(plan: plan, maxima: maxima, binCount: 64)
        var mergedMaxima = [Double](repeating: 0, count: plan.points.count)
        for sample in 0..<input.shape[0] {
            let part = Tensor(shape: [1] + input.shape.dropFirst(),
                              data: Array(input.data[(sample * sampleSize)..<((sample + 1) * sampleSize)]))
            mergedMaxima = ActivationStatistics.merge(maxima: mergedMaxima, try ActivationStatistics.maxima(of: part, executor: executor))
            merged = try ActivationStatistics.merge(histograms: merged,
                                                try ActivationStatistics.histograms(of: part, maxima: maxima, binCount: 64, executor: executor))
        }
        XCTAssertEqual(mergedMaxima, maxima)
        XCTAssertEqual(merged, whole)
        XCTAssertEqual(whole.compactMap { $0?.totalCount }.count, plan.points.filter { $0.kind == .activation }.count)
    }
}
