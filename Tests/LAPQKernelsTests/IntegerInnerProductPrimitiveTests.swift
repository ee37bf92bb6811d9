import XCTest
import LAPQKernels

/// The int8 inner product against the naive Gemm of the same integer codes. Every naive partial
/// sum is an integer below 2^24, so both sides compute scale · (Σ x·w + bias) from the same
/// exact sum and must agree bit for bit — on every ISA (the test command runs this again under
/// `ONEDNN_MAX_CPU_ISA=AVX2`), with codes at the edges of `Int8ExactRange` and two threads.
final class IntegerInnerProductPrimitiveTests: XCTestCase {
    private let scale: Float = 0.0123

    func testMatchesNaiveGemmOfTheCodesExactly() throws {
        let context = try DNNLContext(threadCount: 2)
        var generator = SeededGenerator(seed: 31)
        let ranges: [(isSigned: Bool, input: Int, weight: Int)] = [(false, 15, 7), (true, 7, 7), (false, 255, 63),
                                                                   (true, 127, 63), (false, 15, 127)]
        for range in ranges {
            for shape in [[1, 7], [3, 64], [16, 512]] {
                let lowest = range.isSigned ? -range.input : 0
                let input = integerCodes(shape, lowest...range.input, &generator)
                let weights = integerCodes([10, shape[1]], -range.weight...range.weight, &generator)
                let bias = (0..<10).map { _ in Int32.random(in: -9999...9999, using: &generator) | 1 }
                for withBias in [true, false] {
                    let primitive = try IntegerInnerProductPrimitive(
                        context: context, inputShape: shape, outFeatures: 10, isSourceSigned: range.isSigned,
                        weightCodes: weights.data.map { Int8($0) }, biasCodes: withBias ? bias : nil, outputScales: [scale])
                    var expected = Tensor(shape: [])
                    try gemmNaive(&expected, input, weights, withBias ? Tensor(shape: [10], data: bias.map(Float.init)) : nil,
                                  transB: true)
                    expected.data = expected.data.map { $0 * scale }
                    let label = "\(shape) \(range) \(withBias ? "with" : "without") bias"
                    for _ in 0..<5 { XCTAssertEqual(try run(primitive, input, context), expected, label) }
                }
            }
        }
    }

    /// One output scale per output feature (a per-channel weight's Δx·Δw_o): feature o of the
    /// exact sum scaled by its own scale, bit for bit.
    func testPerChannelOutputScalesScaleEachFeature() throws {
        let context = try DNNLContext(threadCount: 2)
        var generator = SeededGenerator(seed: 32)
        let input = integerCodes([5, 64], -7...7, &generator)
        let weights = integerCodes([10, 64], -7...7, &generator)
        let bias = (0..<10).map { _ in Int32.random(in: -9999...9999, using: &generator) | 1 }
        let scales = (0..<10).map { scale * (1 + Float($0) / 8) }
        let primitive = try IntegerInnerProductPrimitive(
            context: context, inputShape: [5, 64], outFeatures: 10, isSourceSigned: true,
            weightCodes: weights.data.map { Int8($0) }, biasCodes: bias, outputScales: scales)
        var expected = Tensor(shape: [])
        try gemmNaive(&expected, input, weights, Tensor(shape: [10], data: bias.map(Float.init)), transB: true)
        expected.data = expected.data.enumerated().map { $1 * scales[$0 % 10] }
        XCTAssertEqual(try run(primitive, input, context), expected)
    }

    func testRejectsMismatchedWeights() throws {
        let context = try DNNLContext()
        XCTAssertThrowsError(try IntegerInnerProductPrimitive(context: context, inputShape: [2, 5], outFeatures: 3,
                                                              isSourceSigned: false, weightCodes: [Int8](repeating: 0, count: 12),
                                                              biasCodes: nil, outputScales: [1])) { error in
            XCTAssertEqual(error as? KernelError, .shapeMismatch(op: "Gemm (int8)", argument: "weights",
                                                                  expected: [3, 5], actual: [12]))
        }
    }

    private func run(_ primitive: IntegerInnerProductPrimitive, _ input: Tensor, _ context: DNNLContext) throws -> Tensor {
        let destination = try primitive.makeDestination()
        try primitive.execute(DNNLTensor(input, context: context), encode: IntegerConvolutionPrimitiveTests.encode,
                              into: destination)
        return try destination.toTensor()
    }
}
