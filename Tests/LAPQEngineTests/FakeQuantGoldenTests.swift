import XCTest
@testable import LAPQEngine
import LAPQMath

/// The fake-quantized network against onnxruntime running the same quantization written as
/// standard ONNX ops (Scripts/fixtures/fixture_fakequant.py), at W8A8, W4A4 and W2A4 on every fixture,
/// and at W4A4 and W2A4 with per-channel weights.
final class FakeQuantGoldenTests: XCTestCase {
    /// The plan built here lists the golden's points: names, order, signedness, consumers, bits.
    func testPlanMatchesGolden() throws {
        for golden in try QuantizedGoldens.load() {
            let plan = golden.plan(for: try golden.graph())
            XCTAssertEqual(plan.points.map(\.name), golden.points.map(\.name), golden.label)
            XCTAssertEqual(plan.points.map(\.isSigned), golden.points.map(\.isSigned), golden.label)
            XCTAssertEqual(plan.points.map(\.consumers), golden.points.map(\.consumers), golden.label)
            XCTAssertEqual(plan.points.map(\.bits), golden.points.map(\.bits), golden.label)
            XCTAssertEqual(golden.stepSizes.count, plan.stepCount, golden.label)
            XCTAssertEqual(plan.points.map { $0.channelAxis != nil },
                           plan.points.map { $0.kind == .weight && golden.weightGranularity == .perChannel }, golden.label)
        }
    }

    /// Every quantized weight (after the importer's batch-norm folding) has the same integer
    /// codes here as in the fake-quantized ONNX model.
    func testWeightCodesMatchGolden() throws {
        for golden in try QuantizedGoldens.quantized() {
            let graph = try golden.graph()
            let plan = golden.plan(for: graph)
            try XCTSkipIf(plan.points.map(\.name) != golden.points.map(\.name), "plan differs: see testPlanMatchesGolden")
            var binding = try QuantizationBinding(plan: plan, graph: graph)
            _ = try binding.setStepSizes(golden.stepSizes)
            let quantizers = try XCTUnwrap(binding.quantizers)
            for (index, point) in plan.points.enumerated() where point.kind == .weight {
                let weight = try XCTUnwrap(graph.initializers[point.tensor], "\(golden.label): \(point.name)")
                let codes = quantizers[index].codes(weight.data, shape: weight.shape)
                XCTAssertEqual([CodeFingerprint.checksum(codes: codes)], golden.points[index].codeChecksums,
                               "\(golden.label): \(point.name)")
            }
        }
    }

    func testReferenceExecutorMatchesOnnxRuntime() throws {
        try compareWithOnnxRuntime("ReferenceExecutor") { graph, plan, golden, input in
            let executor = try ReferenceExecutor(graph: graph, plan: plan)
            try executor.setStepSizes(golden.stepSizes)
            return try QuantizedPass.observing(plan: plan, stepSizes: golden.stepSizes) {
                try executor.run(input, observer: $0)
            }
        }
    }

    func testExecutorMatchesOnnxRuntime() throws {
        try compareWithOnnxRuntime("Executor") { graph, plan, golden, input in
            let executor = try Executor(graph: graph, plan: plan, options: .init(threads: 2))
            try executor.setStepSizes(golden.stepSizes)
            return try QuantizedPass.observing(plan: plan, stepSizes: golden.stepSizes) {
                try executor.run(input, observer: $0)
            }
        }
    }

    /// Runs `pass` on every golden's input and judges it sample by sample (`SampleVerdicts`).
    private func compareWithOnnxRuntime(
        _ name: String,
        _ pass: (Graph, QuantizationPlan, QuantizedGoldens.Golden, Tensor) throws -> QuantizedPass
    ) throws {
        for golden in try QuantizedGoldens.load() {
            let graph = try golden.graph()
            let plan = golden.plan(for: graph)
            guard plan.points.map(\.name) == golden.points.map(\.name) else {
                XCTFail("\(golden.label): plan differs from the golden; see testPlanMatchesGolden")
                continue
            }
            let actual = try pass(graph, plan, golden, try FixtureIndex.tensor(golden.input))
            let expected = QuantizedPass(golden: golden, output: try FixtureIndex.tensor(golden.output))
            let verdicts = SampleVerdicts(expected: expected, actual: actual, plan: plan)
            let line = "\(name) vs onnxruntime, \(golden.label) (near-ties per sample \(golden.nearTies)): \(verdicts.summary)"
            if !plan.points.isEmpty { print(line) }
            XCTAssertTrue(verdicts.failures.isEmpty, line)
        }
    }
}
