import XCTest
import LAPQMath
@testable import LAPQCluster

final class Z85Tests: XCTestCase {
    /// The test vector of RFC 32 (https://rfc.zeromq.org/spec/32/).
    func testEncodesTheRFCVector() throws {
        let bytes: [UInt8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]
        XCTAssertEqual(try Z85.encode(bytes), "HelloWorld")
        XCTAssertEqual(try Z85.decode("HelloWorld"), bytes)
    }

    func testRoundTripsSeededRandomBytes() throws {
        var random = SplitMix64(seed: 85)
        for length in stride(from: 0, through: 64, by: 4) {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let text = try Z85.encode(bytes)
            XCTAssertEqual(text.utf8.count, length / 4 * 5)
            XCTAssertEqual(try Z85.decode(text), bytes)
        }
    }

    func testRejectsBadInputNamingTheCall() {
        XCTAssertThrowsError(try Z85.encode([1, 2, 3])) { error in
            XCTAssertEqual((error as? ZMQError)?.code, EINVAL)
            XCTAssertEqual((error as? ZMQError)?.call, "zmq_z85_encode(3 bytes)")
        }
        for text in ["Hell", "Hello World", "Hell\"", "Hel\u{0}o"] {
            XCTAssertThrowsError(try Z85.decode(text), text) { error in
                XCTAssertEqual((error as? ZMQError)?.code, EINVAL, text)
                XCTAssertTrue((error as? ZMQError)?.call.hasPrefix("zmq_z85_decode") == true, text)
            }
        }
    }

    func testGeneratedKeyPairsAreDistinct40CharacterKeys() throws {
        XCTAssertTrue(ZMQContext.hasCapability("curve"), "libzmq was built without CURVE")
        let first = try CurveKeyPair.generate()
        let second = try CurveKeyPair.generate()
        for key in [first.publicKey, first.secretKey, second.publicKey] {
            XCTAssertEqual(try Z85.decode(key).count, 32)
        }
        XCTAssertNotEqual(first.publicKey, second.publicKey)
        XCTAssertNotEqual(first.publicKey, first.secretKey)
    }
}
