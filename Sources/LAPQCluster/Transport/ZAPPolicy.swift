/// The decision half of `ZAPHandler`: a pure function from a ZAP request to its reply.
///
/// A request as a ROUTER receives it (RFC 27): routing id, empty delimiter, "1.0", request id,
/// domain, address, identity, mechanism, then the mechanism's credentials — for CURVE one
/// frame, the client's 32-byte public key. The reply: routing id, empty delimiter, "1.0",
/// request id, status code, status text, user id, metadata (empty).
struct ZAPPolicy: Sendable {
    enum Answer: Equatable {
        case accept(reply: [[UInt8]])
        case reject(reply: [[UInt8]])
        /// Not a ZAP 1.0 request; dropped (libzmq never sends one, so nothing waits for a reply).
        case malformed

        var reply: [[UInt8]]? {
            switch self {
            case .accept(let reply), .reject(let reply): reply
            case .malformed: nil
            }
        }
    }

    let allowedKeys: Set<[UInt8]>
    let domain: String?

    func answer(_ request: [[UInt8]]) -> Answer {
        guard request.count >= 8, request[1].isEmpty, request[2] == Array("1.0".utf8) else { return .malformed }
        let envelope = Array(request[0...3])
        let requestedDomain = String(decoding: request[4], as: UTF8.self)
        let mechanism = String(decoding: request[7], as: UTF8.self)
        func reply(_ code: String, _ text: String, userID: [UInt8] = []) -> [[UInt8]] {
            envelope + [Array(code.utf8), Array(text.utf8), userID, []]
        }
        if let domain, domain != requestedDomain {
            return .reject(reply: reply("400", "unknown ZAP domain"))
        }
        guard mechanism == "CURVE", request.count == 9, request[8].count == 32 else {
            return .reject(reply: reply("400", "only CURVE clients are accepted"))
        }
        guard allowedKeys.contains(request[8]) else {
            return .reject(reply: reply("400", "public key not on the allow-list"))
        }
        // The user id is the key in Z85 text (a C string for `zmq_msg_gets("User-Id")`), naming the worker.
        let userID = (try? Z85.encode(request[8])).map { Array($0.utf8) } ?? []
        return .accept(reply: reply("200", "OK", userID: userID))
    }
}
