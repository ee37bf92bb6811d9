import XCTest
@testable import LAPQMath

final class QuadraticFitTests: XCTestCase {
    private struct Golden: Decodable {
        struct Case: Decodable { let points: [Double]; let losses: [Double]; let coefficients: [Double] }
        let cases: [Case]
    }

    func testMatchesNumpyPolyfit() throws {
        for testCase in try loadGolden("polyfit", as: Golden.self).cases {
            let fit = QuadraticFit(points: testCase.points, losses: testCase.losses)
            let scale = testCase.coefficients.map(abs).max() ?? 1
            for (ours, numpy) in zip([fit.a, fit.b, fit.c], testCase.coefficients) {
                XCTAssertEqual(ours, numpy, accuracy: 1e-9 * scale)
            }
        }
    }

    func testConvexFitChoosesVertex() {
        let points = [2.0, 2.5, 3.0, 3.5, 4.0]
        let losses = points.map { 2 * ($0 - 2.9) * ($0 - 2.9) + 1 }
        let fit = QuadraticFit(points: points, losses: losses)
        guard case .vertex(let p) = fit.choice(points: points, losses: losses) else {
            return XCTFail("expected the vertex")
        }
        XCTAssertEqual(p, 2.9, accuracy: 1e-12)
    }

    func testFallsBackToBestSample() {
        let points = [2.0, 3.0, 4.0, 5.0]
        let concave = points.map { -($0 - 3.5) * ($0 - 3.5) }
        XCTAssertEqual(QuadraticFit(points: points, losses: concave).choice(points: points, losses: concave),
                       .bestSample(2.0, reason: .notConvex))
        let outside = points.map { ($0 - 9) * ($0 - 9) }
        XCTAssertEqual(QuadraticFit(points: points, losses: outside).choice(points: points, losses: outside),
                       .bestSample(5.0, reason: .vertexOutsideRange))
    }
}
