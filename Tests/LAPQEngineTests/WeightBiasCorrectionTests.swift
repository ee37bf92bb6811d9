import XCTest
import LAPQMath
@testable import LAPQEngine

/// Bias correction in the executors (`QuantizationPlan.correctsWeightBias`): the weights every
/// executor computes with keep their float per-output-channel means, the fast executor agrees
/// with its reference twin, and the correction follows the output channel of each layout.
final class WeightBiasCorrectionTests: XCTestCase {
    /// W2/A4, every layer quantized and corrected.
    private let everyLayer = PlanSettings(weightBits: 2, activationBits: 4, quantizeFirstLayer: true,
                                          quantizeLastLayer: true, correctsWeightBias: true)

    /// For Conv (resnet), MatMul and transB = 1 Gemm (vgg) and transB = 0 Gemm (gemm_scaled):
    /// the corrected weight's channel means equal the float ones along the output axis (the
    /// uncorrected ones do not), and the vector and scalar quantization paths agree bit for bit.
    func testCorrectedWeightsKeepTheFloatChannelMeans() throws {
        for fixture in ["resnet", "vgg", "gemm_scaled"] {
            let exportCase = try QDQExportCase(fixture: fixture, plan: everyLayer)
            var binding = try QuantizationBinding(plan: exportCase.plan, graph: exportCase.graph)
            _ = try binding.setStepSizes(exportCase.stepSizes)
            for (index, node) in exportCase.graph.nodes.enumerated() {
                guard let point = binding.weightPoint[index] else { continue }
                let label = "\(fixture) \(node.name)"
                let weight = try XCTUnwrap(exportCase.graph.initializers[node.inputs[1]])
                let corrected = binding.quantizedWeight(weight, node: index, vectorized: true)
                XCTAssertEqual(corrected, binding.quantizedWeight(weight, node: index, vectorized: false), label)
                let axis = Self.outputAxis(node.op, rank: weight.rank)
                let uncorrected = exportCase.plan.points[point].quantizer(stepSize: Float(exportCase.stepSizes[point]))
                    .fakeQuantized(weight.data)
                let before = channelMeanShift(quantized: uncorrected, original: weight.data, shape: weight.shape, channelAxis: axis)
                let after = channelMeanShift(quantized: corrected.data, original: weight.data, shape: weight.shape, channelAxis: axis)
                let scale = Double(weight.data.map(abs).max() ?? 1)
                XCTAssertTrue(before.contains { abs($0) > 1e-4 * scale }, "\(label): quantization should shift a mean")
                XCTAssertLessThanOrEqual(after.map(abs).max() ?? 0, 1e-6 * scale, label)
            }
        }
    }

    /// A Gemm with transB = 0 on an all-ones input sums each column of B: with the columns'
    /// means restored, the W2 network's output is the float output (up to float rounding),
    /// without correction it is not. Both executors; a float run ignores the correction.
    func testGemmOfOnesGivesTheFloatOutputWhenCorrected() throws {
        let graph = try FixtureIndex.graph("gemm_scaled")
        let shape = graph.input.shape(batchSize: 2)
        let ones = Tensor(shape: shape, data: [Float](repeating: 1, count: shape.reduce(1, *)))
        var correctedSettings = everyLayer
        correctedSettings.activationBits = 32
        var uncorrectedSettings = correctedSettings
        uncorrectedSettings.correctsWeightBias = false
        let corrected = QuantizationPlan(graph: graph, settings: correctedSettings)
        let uncorrected = QuantizationPlan(graph: graph, settings: uncorrectedSettings)
        let steps = try QDQExportCase.maxAbsStepSizes(graph: graph, plan: corrected, input: ones)
        let float = try Self.run(Executor(graph: graph, plan: corrected), nil, ones)
        XCTAssertEqual(float, try Self.run(Executor(graph: graph, plan: uncorrected), nil, ones))
        let tolerance = 1e-5 * Double(float.data.map(abs).max() ?? 1)
        for (name, output) in [("Executor", try Self.run(Executor(graph: graph, plan: corrected), steps, ones)),
                               ("ReferenceExecutor", try Self.run(ReferenceExecutor(graph: graph, plan: corrected), steps, ones))] {
            XCTAssertLessThanOrEqual(Self.maxDifference(output, float), tolerance, name)
        }
        let plain = try Self.run(Executor(graph: graph, plan: uncorrected), steps, ones)
        XCTAssertGreaterThan(Self.maxDifference(plain, float), 100 * tolerance, "the uncorrected W2 Gemm should differ")
    }

    /// The oneDNN executor against the naive twin, with correction, on every quantized golden
    /// (same per-sample rule as without correction, `SampleVerdicts`).
    func testExecutorMatchesReferenceWithBiasCorrection() throws {
        for golden in try QuantizedGoldens.quantized() {
            let graph = try golden.graph()
            let plan = golden.plan(for: graph, correctsWeightBias: true)
            let input = try FixtureIndex.tensor(golden.input)
            let reference = try ReferenceExecutor(graph: graph, plan: plan)
            try reference.setStepSizes(golden.stepSizes)
            let executor = try Executor(graph: graph, plan: plan, options: .init(threads: 2))
            try executor.setStepSizes(golden.stepSizes)
            let expected = try QuantizedPass.observing(plan: plan, stepSizes: golden.stepSizes) { try reference.run(input, observer: $0) }
            let actual = try QuantizedPass.observing(plan: plan, stepSizes: golden.stepSizes) { try executor.run(input, observer: $0) }
            let verdicts = SampleVerdicts(expected: expected, actual: actual, plan: plan)
            XCTAssertTrue(verdicts.failures.isEmpty, "\(golden.label) bias-corrected: \(verdicts.summary)")
        }
    }

    // MARK: - Helpers

    /// The output-channel axis, stated independently of the engine's rule.
    private static func outputAxis(_ op: Operator, rank: Int) -> Int {
        switch op {
        case .conv: return 0
        case .gemm(let attributes): return attributes.transB ? 0 : 1
        default: return rank - 1
        }
    }

    private static func run(_ executor: Executor, _ steps: [Double]?, _ input: Tensor) throws -> Tensor {
        try executor.setStepSizes(steps)
        return try executor.run(input)
    }

    private static func run(_ executor: ReferenceExecutor, _ steps: [Double]?, _ input: Tensor) throws -> Tensor {
        try executor.setStepSizes(steps)
        return try executor.run(input)
    }

    private static func maxDifference(_ a: Tensor, _ b: Tensor) -> Double {
        zip(a.data, b.data).map { Double(abs($0 - $1)) }.max() ?? .infinity
    }
}
