import XCTest
@testable import LAPQCalibration

final class PlotAxisTests: XCTestCase {
    func testNiceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        XCTAssertEqual(PlotAxis.niceStep(0.37), 0.5, accuracy: 1e-12)
        XCTAssertEqual(PlotAxis.niceStep(0.12), 0.2, accuracy: 1e-12)
        XCTAssertEqual(PlotAxis.niceStep(3), 5, accuracy: 1e-12)
        XCTAssertEqual(PlotAxis.niceStep(7), 10, accuracy: 1e-12)
        XCTAssertEqual(PlotAxis.niceStep(0.001), 0.001, accuracy: 1e-15)
    }

    /// The p grid's axis: ticks every 0.5 inside a slightly padded domain, mapped linearly.
    func testTicksLieInsideThePaddedDomain() {
        let axis = PlotAxis(values: [2, 4], pixels: (100, 500), margins: (0.04, 0.04))
        XCTAssertEqual(axis.ticks.map(axis.label), ["2.0", "2.5", "3.0", "3.5", "4.0"])
        XCTAssertEqual(axis.position(axis.lower), 100)
        XCTAssertEqual(axis.position(axis.upper), 500)
        XCTAssertLessThan(axis.position(2), axis.position(4))
    }

    /// Top-1 bars: from 0 to at most 100 %, labelled as percentages; counts tick on integers;
    /// a flat series still gets a span.
    func testPercentIntegerAndFlatAxes() {
        let top1 = PlotAxis(values: [0.995, 0.93], pixels: (300, 50), includeZero: true, margins: (0, 0.1),
                            roundsToTicks: true, limit: 1, style: .percent)
        XCTAssertEqual(top1.lower, 0)
        XCTAssertEqual(top1.upper, 1)
        XCTAssertEqual(top1.ticks.map(top1.label), ["0%", "20%", "40%", "60%", "80%", "100%"])
        let counts = PlotAxis(values: [0, 1, 2], pixels: (0, 100), integers: true)
        XCTAssertEqual(counts.ticks, [0, 1, 2])
        let flat = PlotAxis(values: [0.3, 0.3], pixels: (0, 100))
        XCTAssertLessThan(flat.lower, 0.3)
        XCTAssertGreaterThan(flat.upper, 0.3)
        XCTAssertFalse(flat.ticks.isEmpty)
    }
}
