import XCTest
@testable import LAPQCalibration

final class ComparisonPageTests: XCTestCase {
    /// Runs side by side: one loss and one top-1 chart for all of them, then each run's own
    /// figures (here two lapq runs with a sweep and a trace each, an mmse run with neither);
    /// runs that share a label are told apart by their directory.
    func testRunsSideBySideWithEachRunsFigures() throws {
        let lapq = try ReportFixtures.steps(method: .lapq), mmse = try ReportFixtures.steps(method: .mmse)
        let page = ComparisonPage(runs: [.init(directory: "/runs/a", steps: lapq), .init(directory: "/runs/b", steps: mmse),
                                         .init(directory: "/runs/c", steps: lapq)])
        let html = page.html()
        let parsed = try ParsedPage(html)
        XCTAssertEqual(parsed.count(plot: "loss"), 1)
        XCTAssertEqual(parsed.count(plot: "top1"), 1)
        XCTAssertEqual(parsed.count(plot: "p-sweep"), 2)
        XCTAssertEqual(parsed.count(plot: "powell"), 2)
        XCTAssertEqual(parsed.plots.count, 6)
        for label in ["W4/A4 lapq (a)", "W4/A4 mmse", "W4/A4 lapq (c)"] { XCTAssertTrue(parsed.text.contains(label), label) }
        assertSelfContained(parsed, html)
    }
}
