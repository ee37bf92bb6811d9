import XCTest
import LAPQEngine
import LAPQMath

/// `Executor` (oneDNN, fused, in-place) against `ReferenceExecutor` (naive) with quantization
/// on, and the executor's incremental state (re-quantized weights, prefix snapshots) against a
/// fresh executor.
final class ExecutorTwinTests: XCTestCase {
    /// Same rule as against onnxruntime (`SampleVerdicts`), at the golden step sizes and at a
    /// seeded perturbation of them (Δ · U[0.5, 1.5] per point).
    func testExecutorMatchesReferenceWhenQuantized() throws {
        var random = SplitMix64(seed: 0x7719)
        for golden in try QuantizedGoldens.quantized() {
            let graph = try golden.graph()
            let plan = golden.plan(for: graph)
            let input = try FixtureIndex.tensor(golden.input)
            for (label, steps) in [("golden Δ", golden.stepSizes), ("perturbed Δ", Self.perturbed(golden.stepSizes, &random))] {
                let reference = try ReferenceExecutor(graph: graph, plan: plan)
                try reference.setStepSizes(steps)
                let executor = try Executor(graph: graph, plan: plan, options: .init(threads: 2))
                try executor.setStepSizes(steps)
                let expected = try QuantizedPass.observing(plan: plan, stepSizes: steps) { try reference.run(input, observer: $0) }
                let actual = try QuantizedPass.observing(plan: plan, stepSizes: steps) { try executor.run(input, observer: $0) }
                let verdicts = SampleVerdicts(expected: expected, actual: actual, plan: plan)
                let line = "Executor vs ReferenceExecutor, \(golden.label), \(label): \(verdicts.summary)"
                print(line)
                XCTAssertTrue(verdicts.failures.isEmpty, line)
            }
        }
    }

    /// ResNet W4A4: changing one Δ and back between runs gives, bit for bit, what a fresh
    /// executor gives for each vector — for every point in turn (an activation Δ must
    /// re-quantize no weight, a weight Δ exactly its own), with and without prefix reuse.
    func testChangingOneStepAndBackMatchesFreshExecutor() throws {
        let golden = try QuantizedGoldens.golden("resnet", weightBits: 4, activationBits: 4)
        let graph = try golden.graph()
        let plan = golden.plan(for: graph)
        let input = try FixtureIndex.tensor(golden.input)
        var random = SplitMix64(seed: 0xD3A7)
        let base = Self.perturbed(golden.stepSizes, &random)
        let freshBase = try Self.freshRun(graph, plan, base, input)
        for point in plan.points.indices {
            var changed = base
            changed[point] *= 1.37
            let freshChanged = try Self.freshRun(graph, plan, changed, input)
            XCTAssertNotEqual(freshBase, freshChanged, "changing \(plan.points[point].name) must change the output")
            for cacheBytes in [0, 64 << 20] {
                let label = "\(plan.points[point].name), prefix cache \(cacheBytes) B"
                let executor = try Executor(graph: graph, plan: plan, options: .init(threads: 2, prefixCacheBytes: cacheBytes))
                let key = cacheBytes > 0 ? AnyHashable("batch") : nil
                var outputs: [Tensor] = []
                for steps in [base, changed, base, changed] {
                    try executor.setStepSizes(steps)
                    outputs.append(try executor.run(input, cacheKey: key))
                }
                XCTAssertEqual(outputs, [freshBase, freshChanged, freshBase, freshChanged], label)
                if cacheBytes > 0 {
                    XCTAssertGreaterThan(executor.reuseStatistics.skippedMACs, 0, "prefix reuse never happened, \(label)")
                }
            }
        }
    }

    private static func freshRun(_ graph: Graph, _ plan: QuantizationPlan, _ steps: [Double], _ input: Tensor) throws -> Tensor {
        let executor = try Executor(graph: graph, plan: plan, options: .init(threads: 2))
        try executor.setStepSizes(steps)
        return try executor.run(input)
    }

    /// Each Δ times a factor uniform in [0.5, 1.5), rounded to Float (what the quantizers hold).
    static func perturbed(_ steps: [Double], _ random: inout SplitMix64) -> [Double] {
        steps.map { Double(Float($0 * Double.random(in: 0.5..<1.5, using: &random))) }
    }
}
