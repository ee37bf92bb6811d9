import XCTest
import LAPQEngine
@testable import LAPQCalibration

final class CalibrationReportHTMLTests: XCTestCase {
    private func page(_ steps: StepsFile) throws -> (ParsedPage, String) {
        let html = CalibrationReport(steps: steps).html()
        return (try ParsedPage(html), html)
    }

    /// One figure per phase that ran — the p sweep (lapq, lp-init), Powell (lapq) — plus the
    /// loss and top-1 bars every run has; none for a phase that did not run.
    func testOneFigurePerPhaseThatRan() throws {
        let expected: [(CalibrationMethod, sweep: Int, powell: Int)] = [(.lapq, 1, 1), (.lpInit, 1, 0), (.mmse, 0, 0), (.maxabs, 0, 0)]
        for (method, sweep, powell) in expected {
            let (parsed, html) = try page(try ReportFixtures.steps(method: method))
            XCTAssertEqual(parsed.count(plot: "p-sweep"), sweep, method.rawValue)
            XCTAssertEqual(parsed.count(plot: "powell"), powell, method.rawValue)
            XCTAssertEqual(parsed.count(plot: "loss"), 1, method.rawValue)
            XCTAssertEqual(parsed.count(plot: "top1"), 1, method.rawValue)
            XCTAssertEqual(parsed.plots.count, 2 + sweep + powell, method.rawValue)
            assertSelfContained(parsed, html)
        }
    }

    /// The sweep's figure has its points, the parabola (one polyline) and p*'s marker; Powell's
    /// has the start at p* and one point per line search.
    func testSweepAndPowellFiguresDrawTheirData() throws {
        let steps = try ReportFixtures.steps(method: .lapq)
        let (parsed, _) = try page(steps)
        let sweep = parsed.plotElements["p-sweep"] ?? []
        XCTAssertEqual(sweep.filter { $0 == "polyline" }.count, 1)
        XCTAssertEqual(sweep.filter { $0 == "circle" }.count, steps.pSweep.count + 1, "points and the legend's swatch")
        XCTAssertTrue(parsed.text.contains("p* = 3.0"))
        let powell = parsed.plotElements["powell"] ?? []
        XCTAssertEqual(powell.filter { $0 == "circle" }.count, 1 + 4)
    }

    /// The parabola drawn is the driver's fit, refitted from the stored sweep: here the exact
    /// parabola (p − 3)² + 0.4, vertex 3.
    func testTheSweepIsRefittedWithTheDriversQuadraticFit() throws {
        let fit = try XCTUnwrap(try ReportFixtures.steps(method: .lapq).pSweepFit)
        XCTAssertEqual(fit.a, 1, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(fit.vertex), 3, accuracy: 1e-9)
        XCTAssertEqual(fit.value(at: 3), 0.4, accuracy: 1e-9)
        // The caption writes p² − 6p + 9.4 with its signs, not "+ -6".
        let caption = try page(try ReportFixtures.steps(method: .lapq)).0.text
        XCTAssertTrue(caption.contains("p² − 6") && caption.contains(" p + 9.4"), caption)
        XCTAssertFalse(caption.contains("+ -"), caption)
        var short = try ReportFixtures.steps(method: .lapq)
        short.pSweep.removeLast(8)
        XCTAssertNil(short.pSweepFit, "two points carry no parabola")
    }

    /// The per-point table: α, max |x| and their ratio (4-bit: weights α = 7Δ, activations
    /// α = 15Δ, at Δ = 0.25 and max |x| = 2), and each tensor's compute path.
    func testPointsTableShowsClipAgainstRangeAndPath() throws {
        let steps = try ReportFixtures.steps(method: .lapq)
        let (parsed, _) = try page(steps)
        for point in steps.points { XCTAssertTrue(parsed.text.contains(point.tensor), point.tensor) }
        XCTAssertTrue(parsed.text.contains("0.875"), "weights: 1.75 / 2")
        XCTAssertTrue(parsed.text.contains("1.875"), "activations: 3.75 / 2")
        XCTAssertTrue(parsed.text.contains("max |x|"))
        XCTAssertTrue(parsed.text.contains("int8") || parsed.text.contains("f32"))
    }

    /// Names and paths with markup characters are escaped: the page still parses and shows
    /// them as written. A file without max |x| (written before it existed) shows "–".
    func testTextIsEscapedAndOldFilesWithoutMaximaStillRender() throws {
        var steps = try ReportFixtures.steps(method: .lapq)
        steps.model = "models/<tiny> & \"co\".onnx"
        steps.points[0].tensor = "conv2.w<&>'"
        steps.points[0].maxMagnitude = nil
        steps.layerPaths = nil
        let (parsed, _) = try page(steps)
        XCTAssertTrue(parsed.text.contains("models/<tiny> & \"co\".onnx"))
        XCTAssertTrue(parsed.text.contains("conv2.w<&>'"))
        XCTAssertTrue(parsed.text.contains("–"))
    }
}
