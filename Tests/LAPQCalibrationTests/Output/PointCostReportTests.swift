import LAPQEngine
import XCTest
@testable import LAPQCalibration

/// The report's "Cost of each quantization point" section: present with sensitivity.json, the
/// table by cost and the chart in plan order; absent without it.
final class PointCostReportTests: XCTestCase {
    /// The fixture run (TinyNetwork W4/A4: conv2.w, relu1.out, conv3.w, relu2.out) measured at
    /// 8 bits, with restored losses 0.45, 0.2, 0.5, 0.3 against a baseline of 0.29: Δloss
    /// −0.16, 0.09, −0.21, −0.01.
    private func measuredRun() throws -> (StepsFile, SensitivityFile) {
        let steps = try ReportFixtures.steps(method: .lapq)
        let graph = try TinyNetwork.graph()
        let plan = QuantizationPlan(graph: graph, settings: steps.plan)
        let measurement = try PointCostMeasurement(graph: graph, plan: plan, finalSteps: steps.stepSizes, restoredBits: 8)
        let scores = PointCostMeasurement.Scores(
            float: BatchScore(lossSum: 20, top1: 190, count: 200), baseline: BatchScore(lossSum: 58, top1: 170, count: 200),
            restored: [90, 40, 100, 60].map { BatchScore(lossSum: $0, top1: 170, count: 200) })
        return (steps, SensitivityFile(measurement, scores: scores, steps: "run/steps.json", data: "calib.json"))
    }

    func testMarkdownTablesThePointsByCost() throws {
        let (steps, sensitivity) = try measuredRun()
        let markdown = CalibrationReport(steps: steps, sensitivity: sensitivity).markdown()
        let tail = try XCTUnwrap(markdown.components(separatedBy: "## Cost of each quantization point").last)
        let section = try XCTUnwrap(tail.components(separatedBy: "\n## ").first)
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| #") }
        XCTAssertEqual(rows.map { $0.split(separator: "|")[0].trimmingCharacters(in: .whitespaces) }, ["2", "4", "1", "3"])
        XCTAssertTrue(rows[0].contains("`activation:relu1.out` | `conv2` | activation | 4 | 0.2 | +0.09 |"), String(rows[0]))
        XCTAssertTrue(section.contains("at 8 bits with max-abs steps"))
        XCTAssertFalse(CalibrationReport(steps: steps).markdown().contains("Cost of each quantization point"))
    }

    func testPageDrawsOneBarPerPointInPlanOrder() throws {
        let (steps, sensitivity) = try measuredRun()
        let html = CalibrationReport(steps: steps, sensitivity: sensitivity).html()
        let parsed = try ParsedPage(html)
        XCTAssertEqual(parsed.count(plot: "point-cost"), 1)
        let plain = try ParsedPage(CalibrationReport(steps: steps).html())
        XCTAssertEqual(plain.count(plot: "point-cost"), 0)
        XCTAssertFalse(plain.text.contains("Cost of each quantization point"))
        // One bar per point over what the same chart without bars draws (frame, legend swatch).
        let empty = try ParsedPage(BarChart(title: "", kind: "empty", yLabel: "", seriesNames: ["Δloss"], groups: []).svg())
        let rectangles = { (page: ParsedPage, plot: String) in page.plotElements[plot]?.filter { $0 == "rect" }.count ?? 0 }
        XCTAssertEqual(rectangles(parsed, "point-cost"), rectangles(empty, "empty") + 4)
        let order = ["activation:relu1.out", "activation:relu2.out", "weight:conv2.w", "weight:conv3.w"]
        let positions = try order.map { name in try XCTUnwrap(parsed.text.range(of: name, options: .backwards)).lowerBound }
        XCTAssertEqual(positions, positions.sorted(), "the page's table is by cost")
        assertSelfContained(parsed, html)
    }
}
