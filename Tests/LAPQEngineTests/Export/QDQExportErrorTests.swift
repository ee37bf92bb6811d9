import XCTest
@testable import LAPQEngine

/// Plans, step vectors and destinations a caller can get wrong.
final class QDQExportErrorTests: XCTestCase {
    func testRejectsAStepVectorOfTheWrongLength() throws {
        let exportCase = try QDQExportCase(fixture: "resnet", weightBits: 4, activationBits: 4, batchSize: 2)
        let count = exportCase.plan.points.count
        XCTAssertThrowsError(try QDQExporter.export(graph: exportCase.graph, plan: exportCase.plan,
                                                    stepSizes: Array(exportCase.stepSizes.dropLast()))) { error in
            XCTAssertEqual(error as? QDQExportError, .stepCount(expected: count, got: count - 1))
        }
    }

    func testRejectsANonPositiveStep() throws {
        let exportCase = try QDQExportCase(fixture: "resnet", weightBits: 4, activationBits: 4, batchSize: 2)
        var steps = exportCase.stepSizes
        steps[1] = 0
        XCTAssertThrowsError(try QDQExporter.export(graph: exportCase.graph, plan: exportCase.plan, stepSizes: steps)) { error in
            XCTAssertEqual(error as? QDQExportError, .invalidStepSize(point: exportCase.plan.points[1].name, value: 0))
            XCTAssertTrue("\(error)".contains(exportCase.plan.points[1].name))
        }
    }

    func testRejectsAPlanOfAnotherGraph() throws {
        let resnet = try QDQExportCase(fixture: "resnet", weightBits: 4, activationBits: 4, batchSize: 2)
        let mobilenet = try FixtureIndex.graph("mobilenet_v2")
        XCTAssertThrowsError(try QDQExporter.export(graph: mobilenet, plan: resnet.plan, stepSizes: resnet.stepSizes)) { error in
            guard case .planMismatch(let message)? = error as? QDQExportError else {
                return XCTFail("expected planMismatch, got \(error)")
            }
            XCTAssertTrue(resnet.plan.points.contains { message.contains("'\($0.tensor)'") }, message)
        }
    }

    func testReportsAnUnwritableDestination() throws {
        let exportCase = try QDQExportCase(fixture: "resnet", weightBits: 4, activationBits: 4, batchSize: 2)
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("lapq-no-such-directory-\(UUID().uuidString)/model.qdq.onnx")
        XCTAssertThrowsError(try QDQExporter.write(graph: exportCase.graph, plan: exportCase.plan,
                                                   stepSizes: exportCase.stepSizes, to: url)) { error in
            guard case .unwritable(let file, _)? = error as? QDQExportError else {
                return XCTFail("expected unwritable, got \(error)")
            }
            XCTAssertEqual(file, url.relativePath)
        }
    }
}
