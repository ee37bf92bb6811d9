import XCTest
@testable import LAPQKernels

final class TensorTests: XCTestCase {
    func testShapeAndCount() {
        let tensor = Tensor(shape: [2, 3, 4], repeating: 1.5)
        XCTAssertEqual(tensor.count, 24)
        XCTAssertEqual(tensor.rank, 3)
        XCTAssertTrue(tensor.data.allSatisfy { $0 == 1.5 })
    }
}
