import XCTest
@testable import LAPQData

/// libsodium's SHA-256 against the FIPS 180-2 example digests (appendix B of the standard),
/// and pieces fed one by one against the message fed at once. The shard digests of the data
/// fixtures, made by Python's hashlib (`Scripts/goldens/gen-npy-goldens.py`), are checked through
/// `ShardStoreTests`.
final class SHA256HasherTests: XCTestCase {
    func testStandardExamples() {
        let examples: [(message: [UInt8], digest: String)] = [
            (Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ([], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            ([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000),
             "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
        ]
        for example in examples {
            XCTAssertEqual(SHA256Hasher.hex(SHA256Hasher.digest(example.message)), example.digest,
                           "\(example.message.count) bytes")
        }
    }

    func testPiecesEqualTheWhole() {
        let message = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var hasher = SHA256Hasher()
        var start = 0
        for length in [0, 1, 63, 64, 65, 1000, 4000] where start < message.count {
            hasher.update(Array(message[start..<min(start + length, message.count)]))
            start += length
        }
        hasher.update(Array(message[start...]))
        XCTAssertEqual(hasher.finalize(), SHA256Hasher.digest(message))
    }
}
