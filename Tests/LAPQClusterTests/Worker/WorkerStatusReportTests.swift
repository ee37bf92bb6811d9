import XCTest
@testable import LAPQCluster

final class WorkerStatusReportTests: XCTestCase {
    func testReportsEveryTenSecondsWithNoWorkers() {
        var report = WorkerStatusReport()
        XCTAssertNil(report.line(workers: [:], assignment: [:], at: 1_000))
        XCTAssertNil(report.line(workers: [:], assignment: [:], at: 5_000))
        XCTAssertEqual(report.line(workers: [:], assignment: [:], at: 11_000), "workers (0 live): none")
        XCTAssertNil(report.line(workers: [:], assignment: [:], at: 12_000))
    }
}
