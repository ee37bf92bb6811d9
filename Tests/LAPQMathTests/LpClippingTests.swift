import XCTest
@testable import LAPQMath

final class LpClippingTests: XCTestCase {
    private struct Golden: Decodable {
        struct Result: Decodable { let bits: Int; let p: Double; let clip: Double; let error: Double; let nfev: Int }
        struct SampleSet: Decodable { let name: String; let signed: Bool; let values: [Float]; let results: [Result] }
        let sets: [SampleSet]
    }

    /// The clip search reproduces scipy's minimize_scalar(method="bounded") on the same error.
    func testMatchesScipyBoundedSearch() throws {
        let golden = try loadGolden("lp-clipping", as: Golden.self)
        for set in golden.sets {
            let source = ExactLpErrorSource(values: set.values)
            for expected in set.results {
                let found = LpClipping.optimalClip(for: source, bits: expected.bits, isSigned: set.signed, p: expected.p)
                let label = "\(set.name) bits \(expected.bits) p \(expected.p)"
                XCTAssertEqual(found.clipValue, expected.clip, accuracy: 1e-4 * source.maxMagnitude, label)
                XCTAssertEqual(found.meanError, expected.error, accuracy: 1e-9 * expected.error, label)
                XCTAssertEqual(found.evaluations, expected.nfev, label)
            }
        }
    }

    /// LAPQ uses histograms for activations; the clip found from a 2048-bin histogram must cost
    /// at most 1% more exact Lp error than the clip found from the exact values.
    func testHistogramClipIsWithinOnePercentOfExact() {
        var generator = SplitMix64(seed: 2024)
        let distributions: [(String, Bool, () -> Float)] = [
            ("gaussian", true, { Float(generator.gaussian()) }),
            ("laplace", true, { Float(generator.laplace()) }),
            ("post-relu", false, { Float(max(0, generator.gaussian() * 1.5 + 0.2)) }),
        ]
        for (name, isSigned, draw) in distributions {
            let values = (0..<20_000).map { _ in draw() }
            let exact = ExactLpErrorSource(values: values)
            var histogram = Histogram(maxMagnitude: exact.maxMagnitude, isSigned: isSigned, binCount: 2048)
            histogram.add(values)
            for bits in 2...8 {
                for p in [2.0, 3.0, 4.0] {
                    let best = LpClipping.optimalClip(for: exact, bits: bits, isSigned: isSigned, p: p)
                    let approx = LpClipping.optimalClip(for: histogram, bits: bits, isSigned: isSigned, p: p)
                    let approxCost = exact.meanLpError(clipValue: approx.clipValue, bits: bits, isSigned: isSigned, p: p)
                    XCTAssertLessThanOrEqual(approxCost, best.meanError * 1.01, "\(name) bits \(bits) p \(p)")
                }
            }
        }
    }

    func testMaxAbsAndAllZeroTensors() {
        let source = ExactLpErrorSource(values: [-3, 1, 2])
        let maxAbs = LpClipping.maxAbsClip(for: source, bits: 4, isSigned: true)
        XCTAssertEqual(maxAbs.clipValue, 3)
        XCTAssertEqual(maxAbs.stepSize, 3.0 / 7.0)
        let zeros = LpClipping.optimalClip(for: ExactLpErrorSource(values: [0, 0]), bits: 4, isSigned: false, p: 2)
        XCTAssertEqual(zeros.stepSize, 1)
        XCTAssertEqual(zeros.meanError, 0)
    }

    /// Lower p weighs outliers less, so its optimal clip is smaller (Nahshan et al., Fig. 2).
    func testClipGrowsWithP() {
        var generator = SplitMix64(seed: 5)
        let source = ExactLpErrorSource(values: (0..<10_000).map { _ in Float(generator.laplace()) })
        let clips = [2.0, 3.0, 4.0].map { LpClipping.optimalClip(for: source, bits: 3, isSigned: true, p: $0).clipValue }
        XCTAssertLessThan(clips[0], clips[1])
        XCTAssertLessThan(clips[1], clips[2])
    }
}
