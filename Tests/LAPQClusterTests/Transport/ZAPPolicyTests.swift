import XCTest
@testable import LAPQCluster

/// The ZAP decision as a table of requests in, replies out (RFC 27 framing), without sockets.
final class ZAPPolicyTests: XCTestCase {
    private let allowedKey = [UInt8](repeating: 0xA5, count: 32)
    private let otherKey = [UInt8](repeating: 0x5A, count: 32)

    private func request(domain: String = "lapq", mechanism: String = "CURVE", credentials: [[UInt8]]) -> [[UInt8]] {
        [bytes("peer"), [], bytes("1.0"), bytes("7"), bytes(domain), bytes("127.0.0.1"), [], bytes(mechanism)]
            + credentials
    }

    private func reply(_ code: String, _ text: String, userID: [UInt8] = []) -> [[UInt8]] {
        [bytes("peer"), [], bytes("1.0"), bytes("7"), bytes(code), bytes(text), userID, []]
    }

    func testAnswersEachKindOfRequest() throws {
        let policy = ZAPPolicy(allowedKeys: [allowedKey], domain: "lapq")
        let allowedUserID = bytes(try Z85.encode(allowedKey))
        let table: [(String, [[UInt8]], ZAPPolicy.Answer)] = [
            ("allowed key", request(credentials: [allowedKey]),
             .accept(reply: reply("200", "OK", userID: allowedUserID))),
            ("unknown key", request(credentials: [otherKey]),
             .reject(reply: reply("400", "public key not on the allow-list"))),
            ("other domain", request(domain: "elsewhere", credentials: [allowedKey]),
             .reject(reply: reply("400", "unknown ZAP domain"))),
            ("NULL mechanism", request(mechanism: "NULL", credentials: []),
             .reject(reply: reply("400", "only CURVE clients are accepted"))),
            ("short key", request(credentials: [Array(allowedKey.prefix(31))]),
             .reject(reply: reply("400", "only CURVE clients are accepted"))),
            ("too few frames", Array(request(credentials: []).prefix(7)), .malformed),
            ("no delimiter", [bytes("peer"), bytes("x")] + request(credentials: [allowedKey]).dropFirst(2), .malformed),
            ("version 2.0", request(credentials: [allowedKey]).enumerated().map { $0 == 2 ? bytes("2.0") : $1 }, .malformed),
        ]
        for (name, request, expected) in table {
            XCTAssertEqual(policy.answer(request), expected, name)
        }
    }

    func testWithoutADomainEveryDomainIsServed() {
        let policy = ZAPPolicy(allowedKeys: [allowedKey], domain: nil)
        guard case .accept = policy.answer(request(domain: "", credentials: [allowedKey])) else {
            return XCTFail("an allowed key in the empty domain was not accepted")
        }
    }
}
