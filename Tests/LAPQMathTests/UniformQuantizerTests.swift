import XCTest
@testable import LAPQMath

final class UniformQuantizerTests: XCTestCase {
    private struct Golden: Decodable {
        struct Case: Decodable { let bits: Int; let signed: Bool; let step: Float; let expected: [Float] }
        let values: [Float]
        let cases: [Case]
    }

    func testGridLimits() {
        XCTAssertEqual(UniformQuantizer(bits: 4, isSigned: true, stepSize: 1).quantMin, -7)
        XCTAssertEqual(UniformQuantizer(bits: 4, isSigned: true, stepSize: 1).quantMax, 7)
        XCTAssertEqual(UniformQuantizer(bits: 4, isSigned: false, stepSize: 1).quantMin, 0)
        XCTAssertEqual(UniformQuantizer(bits: 4, isSigned: false, stepSize: 1).quantMax, 15)
        XCTAssertEqual(UniformQuantizer(bits: 2, isSigned: true, stepSize: 1).quantMax, 1)
        XCTAssertEqual(UniformQuantizer(bits: 8, isSigned: false, stepSize: 0.5).clipValue, 127.5)
        XCTAssertEqual(UniformQuantizer(bits: 3, isSigned: true, clipValue: 1.5).stepSize, 0.5)
        XCTAssertFalse(UniformQuantizer.supports(bits: 9))
        XCTAssertFalse(UniformQuantizer.supports(bits: 1))
        XCTAssertTrue(UniformQuantizer.supports(bits: 32))
    }

    func testRoundsHalfToEven() {
        let quantizer = UniformQuantizer(bits: 8, isSigned: true, stepSize: 1)
        XCTAssertEqual([0.5, 1.5, 2.5, -0.5, -1.5].map(quantizer.fakeQuantize), [0, 2, 2, -0, -2])
        XCTAssertEqual(quantizer.code(200), 127)
        XCTAssertEqual(quantizer.code(-200), -127)
    }

    func testFloatWidthIsIdentity() {
        let quantizer = UniformQuantizer(bits: 32, isSigned: true, stepSize: 0.3)
        var values: [Float] = [0.1234, -7.5, 1e20]
        quantizer.fakeQuantize(&values)
        XCTAssertEqual(values, [0.1234, -7.5, 1e20])
    }

    func testMatchesNumpyGolden() throws {
        let golden = try loadGolden("quantizer", as: Golden.self)
        for testCase in golden.cases {
            let quantizer = UniformQuantizer(bits: testCase.bits, isSigned: testCase.signed, stepSize: testCase.step)
            XCTAssertEqual(quantizer.fakeQuantized(golden.values), testCase.expected,
                           "bits \(testCase.bits) signed \(testCase.signed)")
        }
    }

    /// The SIMD buffer path is the fast twin of the scalar reference: bit-identical, for every
    /// length (tails shorter than a vector) and for values that land exactly on ties.
    func testVectorizedEqualsScalarReference() {
        var generator = SplitMix64(seed: 7)
        for length in [0, 1, 15, 16, 17, 33, 1000] {
            for bits in [2, 3, 4, 5, 8] {
                for isSigned in [true, false] {
                    let step = Float.random(in: 0.01...0.5, using: &generator)
                    let quantizer = UniformQuantizer(bits: bits, isSigned: isSigned, stepSize: step)
                    let values = (0..<length).map { index -> Float in
                        index % 5 == 0 ? (Float(index % 40) - 20.5) * step   // at or next to ties
                                       : Float(generator.gaussian()) * 2
                    }
                    let expected = values.map(quantizer.fakeQuantize)
                    XCTAssertEqual(quantizer.fakeQuantized(values), expected, "length \(length) bits \(bits)")
                    for isa in QuantizerISA.available {
                        XCTAssertEqual(fakeQuantized(values, quantizer, isa).map(\.bitPattern),
                                       quantizer.fakeQuantized(values).map(\.bitPattern), "length \(length) \(isa)")
                        XCTAssertEqual(encoded(values, quantizer, isa), values.map { UInt8(truncatingIfNeeded: quantizer.code($0)) },
                                       "codes, length \(length) \(isa)")
                    }
                }
            }
        }
    }

    /// The vector form at the hard places: exact ties (k + ½)·Δ and their neighbours for every
    /// code and beyond the clip, ±0, tiny and huge values, out-of-place and in place.
    func testVectorizedEqualsScalarOnTiesAndExtremes() {
        var generator = SplitMix64(seed: 8)
        for bits in [2, 4, 8] {
            for isSigned in [true, false] {
                for stepSize: Float in [0.1, 0.037, 1.0 / 3, 2.5, 1e-4] {
                    let quantizer = UniformQuantizer(bits: bits, isSigned: isSigned, stepSize: stepSize)
                    var input: [Float] = [0, -0, 1e-30, -1e-30, 1e9, -1e9, .leastNonzeroMagnitude]
                    for code in -300...300 {
                        let tie = (Float(code) + 0.5) * stepSize
                        input += [tie, tie.nextUp, tie.nextDown, Float(code) * stepSize]
                    }
                    input += (0..<999).map { _ in Float.random(in: -300..<300, using: &generator) * stepSize }
                    let portable = fakeQuantized(input, quantizer, .portable)
                    for isa in QuantizerISA.available {
                        let output = fakeQuantized(input, quantizer, isa)
                        let context = "bits \(bits) signed \(isSigned) Δ \(stepSize) \(isa)"
                        XCTAssertEqual(output, input.map(quantizer.fakeQuantize), context)
                        XCTAssertEqual(output.map(\.bitPattern), portable.map(\.bitPattern), "signed zeros too, \(context)")
                        var inPlace = input
                        inPlace.withUnsafeMutableBufferPointer { quantizer.fakeQuantize(UnsafeBufferPointer($0), into: $0, isa: isa) }
                        XCTAssertEqual(inPlace.map(\.bitPattern), output.map(\.bitPattern), "in place, \(context)")
                        XCTAssertEqual(encoded(input, quantizer, isa), input.map { UInt8(truncatingIfNeeded: quantizer.code($0)) },
                                       "codes, \(context)")
                    }
                }
            }
        }
    }

    /// The dispatch picks what /proc/cpuinfo says the CPU has, capped as ONEDNN_MAX_CPU_ISA says.
    func testHostISAFollowsTheCPUAndTheCap() throws {
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else {
            throw XCTSkip("no /proc/cpuinfo")
        }
        let flags = Set(flagLine.split(separator: " ").map(String.init))
        var expected: QuantizerISA = flags.contains("avx2") ? .avx2 : .portable
        if expected == .avx2, flags.contains("avx512f"), flags.contains("avx512bw") { expected = .avx512 }
        switch ProcessInfo.processInfo.environment["ONEDNN_MAX_CPU_ISA"]?.uppercased() {
        case nil, "", "ALL": break
        case let cap? where cap.hasPrefix("AVX512"): break
        case "AVX2": expected = min(expected, .avx2)
        default: expected = .portable
        }
        XCTAssertEqual(QuantizerISA.host, expected)
    }

    private func fakeQuantized(_ input: [Float], _ quantizer: UniformQuantizer, _ isa: QuantizerISA) -> [Float] {
        var output = [Float](repeating: .nan, count: input.count)
        output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { quantizer.fakeQuantize($0, into: out, isa: isa) }
        }
        return output
    }

    private func encoded(_ input: [Float], _ quantizer: UniformQuantizer, _ isa: QuantizerISA) -> [UInt8] {
        var bytes = [UInt8](repeating: 0xAA, count: input.count)
        bytes.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { quantizer.encode($0, into: out, isa: isa) }
        }
        return bytes
    }
}
