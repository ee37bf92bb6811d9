import XCTest
import LAPQMath
@testable import LAPQEngine

/// The int8 convolution path (`Executor.Options.integerConvolution`, on by default) against
/// the f32 fake-quant path it replaces: the same network up to float rounding, so the same
/// per-sample rule as between the executor and its naive twin (`SampleVerdicts`).
final class IntegerConvolutionExecutorTests: XCTestCase {
    func testIntegerConvolutionsAgreeWithTheFloatPath() throws {
        try checkIntegerAgainstFloat(correctsBias: false)
    }

    /// With bias correction the int8 layers compute the uncorrected codes and take the
    /// correction off their output (`OutputCorrection`); the f32 path computes with the
    /// corrected weights themselves: the same network, on every fixture.
    func testBiasCorrectedIntegerLayersAgreeWithTheFloatPath() throws {
        try checkIntegerAgainstFloat(correctsBias: true)
    }

    /// Bias correction sums the codes the primitive encoded, or, where their layout is blocked,
    /// encodes the input again: the two give the same output, bit for bit, on every fixture.
    func testCorrectionFromThePrimitivesCodesEqualsReencodedCodes() throws {
        for golden in try QuantizedGoldens.quantized() {
            let graph = try golden.graph()
            let plan = golden.plan(for: graph, correctsWeightBias: true)
            let input = try FixtureIndex.tensor(golden.input)
            let reading = try Executor(graph: graph, plan: plan, options: .init(threads: 2))
            let encoding = try Executor(graph: graph, plan: plan, options: .init(threads: 2))
            encoding.correctionReadsPrimitiveCodes = false
            for executor in [reading, encoding] { try executor.setStepSizes(golden.stepSizes) }
            XCTAssertEqual(try reading.run(input), try encoding.run(input), golden.label)
        }
    }

    private func checkIntegerAgainstFloat(correctsBias: Bool) throws {
        var integerFixtures: Set<String> = [], innerProductFixtures: Set<String> = []
        for golden in try QuantizedGoldens.quantized() {
            let graph = try golden.graph()
            let plan = golden.plan(for: graph, correctsWeightBias: correctsBias)
            let label = golden.label + (correctsBias ? " +bc" : "")
            let input = try FixtureIndex.tensor(golden.input)
            let integer = try Executor(graph: graph, plan: plan, options: .init(threads: 2))
            let float = try Executor(graph: graph, plan: plan, options: .init(threads: 2, integerConvolution: false))
            for executor in [integer, float] { try executor.setStepSizes(golden.stepSizes) }
            let expected = try QuantizedPass.observing(plan: plan, stepSizes: golden.stepSizes) { try float.run(input, observer: $0) }
            let actual = try QuantizedPass.observing(plan: plan, stepSizes: golden.stepSizes) { try integer.run(input, observer: $0) }
            let verdicts = SampleVerdicts(expected: expected, actual: actual, plan: plan)
            XCTAssertTrue(verdicts.failures.isEmpty, "int8 vs f32, \(label): \(verdicts.summary)")
            XCTAssertEqual(float.reuseStatistics.integerMACs, 0, label)
            XCTAssertEqual(integer.reuseStatistics.integerMACs > 0, Self.hasIntegerConv(graph, plan), label)
            XCTAssertEqual(integer.layerPaths.contains { $0.kind == .int8 }, integer.reuseStatistics.integerMACs > 0, label)
            if integer.reuseStatistics.integerMACs > 0 { integerFixtures.insert(golden.fixture) }
            let integerInnerProducts = integer.layerPaths.filter { path in
                path.kind == .int8 && graph.nodes.contains { $0.name == path.node && $0.op.name != "Conv" }
            }
            if !integerInnerProducts.isEmpty { innerProductFixtures.insert(golden.fixture) }
        }
        XCTAssertEqual(integerFixtures, ["resnet", "mobilenet_v2", "vgg", "inception", "mobilenet_v3", "hard_activations",
                                         "channel_shuffle", "dense_block", "convnext_block"],
                       "each network with quantized convolutions should run some of them on int8")
        XCTAssertTrue(innerProductFixtures.contains("vgg"), "vgg's quantized Gemm and MatMul should run on int8")
    }

    /// A bias code beyond `Int8ExactRange.largestBiasCode` (here: a tiny input Δ) sends that
    /// layer to f32 for that step vector, and the f32 primitive, idle while the int8 form ran,
    /// computes with the current weights: the result equals a fresh executor's, bit for bit.
    func testHugeBiasCodesSendTheLayerToF32WithCurrentWeights() throws {
        let golden = try QuantizedGoldens.golden("resnet", weightBits: 4, activationBits: 4)
        let graph = try golden.graph()
        let plan = golden.plan(for: graph)
        let input = try FixtureIndex.tensor(golden.input)
        let executor = try Executor(graph: graph, plan: plan)
        let node = try XCTUnwrap(graph.nodes.first { node in
            node.inputs.count > 2 && executor.layerPaths.contains { $0.node == node.name && $0.kind == .int8 }
        })
        let weightPoint = try XCTUnwrap(plan.points.firstIndex { $0.kind == .weight && $0.consumers.contains(node.name) })
        let inputPoint = try XCTUnwrap(plan.points.firstIndex { $0.kind == .activation && $0.consumers.contains(node.name) })
        var steps = golden.stepSizes
        try executor.setStepSizes(steps)
        _ = try executor.run(input)
        let allInteger = executor.reuseStatistics.integerMACs
        steps[weightPoint] *= 1.3   // changes the weights while the int8 form runs
        try executor.setStepSizes(steps)
        _ = try executor.run(input)
        steps[inputPoint] *= 1e-9   // bias codes b / (Δx·Δw) far beyond ±2^30
        try executor.setStepSizes(steps)
        let output = try executor.run(input)
        XCTAssertLessThan(executor.reuseStatistics.integerMACs - 2 * allInteger, allInteger, "some layer should leave int8")
        let fresh = try Executor(graph: graph, plan: plan)
        try fresh.setStepSizes(steps)
        XCTAssertEqual(output, try fresh.run(input))
    }

    /// The path rule and its reasons: W8/A8 stays f32, W2/A4 runs int8, with or without bias
    /// correction (whose reason says so).
    func testLayerPathsFollowTheCodesAndThePlan() throws {
        let golden = try QuantizedGoldens.golden("vgg", weightBits: 2, activationBits: 4)
        let graph = try golden.graph()
        let narrow = try Executor(graph: graph, plan: golden.plan(for: graph))
        XCTAssertFalse(narrow.layerPaths.isEmpty)
        XCTAssertTrue(narrow.layerPaths.allSatisfy { $0.kind == .int8 && !$0.reason.contains("bias") }, "\(narrow.layerPaths)")
        let wide = try Executor(graph: graph, plan: QuantizationPlan(graph: graph, weightBits: 8, activationBits: 8))
        XCTAssertTrue(wide.layerPaths.allSatisfy { $0.kind == .f32 && $0.reason.contains("saturate") }, "\(wide.layerPaths)")
        let correctedPaths = try Executor(graph: graph, plan: golden.plan(for: graph, correctsWeightBias: true)).layerPaths
        XCTAssertTrue(correctedPaths.allSatisfy { $0.kind == .int8 && $0.reason.contains("bias correction") }, "\(correctedPaths)")
        let off = try Executor(graph: graph, plan: golden.plan(for: graph), options: .init(integerConvolution: false))
        XCTAssertTrue(off.layerPaths.allSatisfy { $0.kind == .f32 })
    }

    /// A float run has no int8 primitive to use: it adds no int8 work, with or without bias
    /// correction in the plan.
    func testFloatRunsStayOnF32() throws {
        let golden = try QuantizedGoldens.golden("resnet", weightBits: 4, activationBits: 4)
        let graph = try golden.graph()
        let input = try FixtureIndex.tensor(golden.input)
        for correctsBias in [false, true] {
            let plan = golden.plan(for: graph, correctsWeightBias: correctsBias)
            let executor = try Executor(graph: graph, plan: plan)
            try executor.setStepSizes(golden.stepSizes)
            _ = try executor.run(input)
            let quantizedMACs = executor.reuseStatistics.integerMACs
            XCTAssertGreaterThan(quantizedMACs, 0, "bias correction \(correctsBias)")
            try executor.setStepSizes(nil)
            _ = try executor.run(input)
            XCTAssertEqual(executor.reuseStatistics.integerMACs, quantizedMACs, "a float run must add no int8 work")
        }
    }

    /// Whether some Conv reads a quantized input with a quantized weight whose largest codes
    /// keep two products within int16 on CPUs without VNNI (2·qmax_x·qmax_w ≤ 32767; a signed
    /// input is shifted by 128 and its weights doubled, so 2·(128 + qmax_x)·qmax_w ≤ 32767 and
    /// qmax_w ≤ 63), stated from the plan.
    private static func hasIntegerConv(_ graph: Graph, _ plan: QuantizationPlan) -> Bool {
        graph.nodes.contains { node in
            guard case .conv = node.op else { return false }
            let readers = plan.points.filter { $0.consumers.contains(node.name) }
            guard let input = readers.first(where: { $0.kind == .activation }),
                  let weight = readers.first(where: { $0.kind == .weight }) else { return false }
            let qmax = { (point: QuantizationPoint) in point.isSigned ? (1 << (point.bits - 1)) - 1 : (1 << point.bits) - 1 }
            if input.isSigned { return qmax(weight) <= 63 && 2 * (128 + qmax(input)) * qmax(weight) <= 32767 }
            return 2 * qmax(input) * qmax(weight) <= 32767
        }
    }
}
