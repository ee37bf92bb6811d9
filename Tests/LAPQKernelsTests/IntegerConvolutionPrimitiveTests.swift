import XCTest
import LAPQKernels

/// The int8 convolution against the naive f32 convolution of the same integer codes. Codes are
/// small (|x| ≤ 15, |w| ≤ 7), so every naive partial sum is an integer below 2^24, i.e. exact:
/// both sides compute scale · (Σ x·w + bias) from the same exact sum and must agree bit for bit.
final class IntegerConvolutionPrimitiveTests: XCTestCase {
    private let scale: Float = 0.0123

    func testMatchesNaiveConvolutionOfTheCodesExactly() throws {
        let context = try DNNLContext()
        var generator = SeededGenerator(seed: 21)
        for (name, geometry) in ConvolutionPrimitiveTests.cases {
            for isSigned in [false, true] {
                let input = codes(geometry.inputShape, isSigned ? -7...7 : 0...15, &generator)
                let weights = codes(geometry.weightShape, -7...7, &generator)
                let bias = (0..<geometry.outChannels).map { _ in Int32.random(in: -500...500, using: &generator) }
                for withBias in [true, false] {
                    let primitive = try IntegerConv2DPrimitive(
                        context: context, geometry: geometry, isSourceSigned: isSigned, weightCodes: weights.data.map { Int8($0) },
                        biasCodes: withBias ? bias : nil, outputScale: scale)
                    var expected = Tensor(shape: [])
                    try conv2dNaive(&expected, input, weights, withBias ? Tensor(shape: [bias.count], data: bias.map(Float.init)) : nil,
                                    geometry)
                    expected.data = expected.data.map { $0 * scale }
                    let label = "\(name) \(isSigned ? "s8" : "u8") \(withBias ? "with" : "without") bias"
                    XCTAssertEqual(try run(primitive, input, context), expected, label)
                }
            }
        }
    }

    /// Post-ops apply after the scale, as in the f32 primitive.
    func testFusedReluAppliesAfterTheScale() throws {
        let context = try DNNLContext()
        var generator = SeededGenerator(seed: 22)
        let geometry = ConvolutionPrimitiveTests.cases[1].geometry
        let input = codes(geometry.inputShape, -7...7, &generator)
        let weights = codes(geometry.weightShape, -7...7, &generator)
        let primitive = try IntegerConv2DPrimitive(context: context, geometry: geometry, isSourceSigned: true,
                                                   weightCodes: weights.data.map { Int8($0) }, biasCodes: nil,
                                                   outputScale: scale, postOps: [.relu])
        var convolved = Tensor(shape: []), expected = Tensor(shape: [])
        try conv2dNaive(&convolved, input, weights, nil, geometry)
        reluNaive(&expected, Tensor(shape: convolved.shape, data: convolved.data.map { $0 * scale }))
        XCTAssertEqual(try run(primitive, input, context), expected)
        XCTAssertTrue(expected.data.contains(0) && expected.data.contains { $0 > 0 }, "the ReLU should matter")
    }

    /// A source in another layout is reordered before encoding; the result is the same.
    func testSourceInAnotherLayoutGivesTheSameResult() throws {
        let context = try DNNLContext()
        var generator = SeededGenerator(seed: 23)
        let geometry = ConvolutionPrimitiveTests.cases[1].geometry
        let input = codes(geometry.inputShape, 0...15, &generator)
        let weights = codes(geometry.weightShape, -7...7, &generator)
        let primitive = try IntegerConv2DPrimitive(context: context, geometry: geometry, isSourceSigned: false,
                                                   weightCodes: weights.data.map { Int8($0) }, biasCodes: nil,
                                                   outputScale: scale)
        let f32 = try Conv2DPrimitive(context: context, geometry: geometry, weights: weights, bias: nil)
        let native = try f32.makeSource()
        try native.assign(input)
        let plain = try DNNLTensor(input, context: context)
        let first = try primitive.makeDestination(), second = try primitive.makeDestination()
        try primitive.execute(plain, encode: Self.encode, into: first)
        try primitive.execute(native, encode: Self.encode, into: second)
        XCTAssertEqual(try first.toTensor(), try second.toTensor())
    }

    // MARK: - Helpers

    /// Values that are already codes (Δ = 1): the byte is the value, two's complement if negative.
    static func encode(_ input: UnsafeBufferPointer<Float>, _ output: UnsafeMutableBufferPointer<UInt8>) {
        for index in input.indices { output[index] = UInt8(truncatingIfNeeded: Int(input[index])) }
    }

    private func run(_ primitive: IntegerConv2DPrimitive, _ input: Tensor, _ context: DNNLContext) throws -> Tensor {
        let destination = try primitive.makeDestination()
        try primitive.execute(DNNLTensor(input, context: context), encode: Self.encode, into: destination)
        return try destination.toTensor()
    }

    private func codes(_ shape: [Int], _ range: ClosedRange<Int>, _ generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(Int.random(in: range, using: &generator)) })
    }
}
