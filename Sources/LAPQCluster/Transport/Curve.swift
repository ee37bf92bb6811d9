internal import CZeroMQ
import Glibc

/// Z85, ZeroMQ's printable encoding of binary keys (RFC 32): 4 bytes become 5 characters.
public enum Z85 {
    /// Encodes `bytes`, whose count must be a multiple of 4 (`zmq_z85_encode`).
    /// - Throws: `ZMQError` with code `EINVAL` naming `zmq_z85_encode` otherwise.
    public static func encode(_ bytes: [UInt8]) throws(ZMQError) -> String {
        var text = [CChar](repeating: 0, count: bytes.count / 4 * 5 + 1)
        try zmqCall("zmq_z85_encode(\(bytes.count) bytes)") {
            let result = text.withUnsafeMutableBufferPointer { textBuffer in
                bytes.withUnsafeBufferPointer { zmq_z85_encode(textBuffer.baseAddress, $0.baseAddress, $0.count) }
            }
            return result == nil ? -1 : 0
        }
        return String(decoding: text.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Decodes `text`, whose length must be a multiple of 5 and whose characters must all be Z85 (`zmq_z85_decode`).
    /// - Throws: `ZMQError` with code `EINVAL` naming `zmq_z85_decode` otherwise.
    public static func decode(_ text: String) throws(ZMQError) -> [UInt8] {
        // libzmq rejects the empty string, which is the encoding of no bytes.
        guard !text.isEmpty else { return [] }
        let characters = Array(text.utf8CString)
        // A NUL inside would end the C string early and leave the output half filled.
        guard !characters.dropLast().contains(0) else { throw ZMQError(call: "zmq_z85_decode", code: EINVAL) }
        var bytes = [UInt8](repeating: 0, count: (characters.count - 1) / 5 * 4)
        try zmqCall("zmq_z85_decode(\(characters.count - 1) characters)") {
            let result = bytes.withUnsafeMutableBufferPointer { byteBuffer in
                characters.withUnsafeBufferPointer { zmq_z85_decode(byteBuffer.baseAddress, $0.baseAddress) }
            }
            return result == nil ? -1 : 0
        }
        return bytes
    }
}

/// A CURVE (Curve25519) key pair as Z85 text, 40 characters each (32 bytes).
///
/// The public key identifies a worker on the coordinator's allow-list; the secret key never
/// leaves the process that generated it.
public struct CurveKeyPair: Equatable, Sendable {
    public let publicKey: String
    public let secretKey: String

    public init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A fresh key pair from libzmq's CSPRNG (`zmq_curve_keypair`).
    /// - Throws: `ZMQError` (`ENOTSUP`) if libzmq was built without CURVE.
    public static func generate() throws(ZMQError) -> CurveKeyPair {
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = [CChar](repeating: 0, count: 41)
        try zmqCall("zmq_curve_keypair") { zmq_curve_keypair(&publicText, &secretText) }
        func string(_ text: [CChar]) -> String {
            String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return CurveKeyPair(publicKey: string(publicText), secretKey: string(secretText))
    }
}
