import Foundation
import XCTest
import LAPQCalibration
import LAPQEngine
@testable import LAPQCluster

/// The model item carries a model's external-data files: a worker, which has no model
/// directory, builds the graph the coordinator imported (before, it refused any model whose
/// weights live outside the protobuf, as every model over 2 GB does).
final class ModelPackageTests: XCTestCase {
    private let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("LAPQEngineTests/Fixtures/external_data.onnx")

    func testAModelWithExternalDataTravelsWhole() throws {
        let package = ModelPackage(plan: PlanSettings(weightBits: 4, activationBits: 4),
                                   model: try ONNXModelFiles(contentsOf: fixture))
        XCTAssertEqual(package.model.externalData.map(\.location), ["external_data.weights"])
        let decoded = try ModelPackage(decoding: try package.encoded())
        XCTAssertEqual(decoded, package)
        // What `WorkerCompute` imports (the fixture is a bare Conv, not a classifier it would take).
        XCTAssertEqual(try decoded.model.graph(file: "model from the coordinator"), try ONNXImporter.load(contentsOf: fixture))
    }

    func testAPackageWhosePartsDoNotAddUpIsRefused() throws {
        let encoded = try ModelPackage(plan: PlanSettings(weightBits: 4, activationBits: 4),
                                       model: try ONNXModelFiles(contentsOf: fixture)).encoded()
        for (bytes, reason) in [(encoded + [0], "1 bytes after the last part"), (Array(encoded.dropLast()), "bytes where"),
                                (Array(encoded.prefix(10)), "truncated header"), ([0, 0, 0, 0] + encoded.dropFirst(4), "bad magic")] {
            XCTAssertThrowsError(try ModelPackage(decoding: bytes)) {
                XCTAssertTrue("\($0)".contains(reason), "\($0)")
            }
        }
    }
}
