import XCTest
@testable import LAPQCluster

final class ProtocolConstantsTests: XCTestCase {
    func testMagicSpellsLAPQOnTheWire() {
        let bytes = withUnsafeBytes(of: ProtocolConstants.magic.littleEndian) { Array($0) }
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "LAPQ")
    }
}
