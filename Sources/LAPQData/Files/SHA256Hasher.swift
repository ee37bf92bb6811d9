internal import CSodium
import Foundation

/// SHA-256 (FIPS 180-4) over bytes fed in any number of pieces, from libsodium's
/// `crypto_hash_sha256` — the library libzmq already brings, so lapq needs no crypto package of
/// its own for the shard and model digests (docs/formats.md). The digest of the concatenation
/// of all `update`s; O(n).
public struct SHA256Hasher {
    public static let digestByteCount = 32
    private var state = crypto_hash_sha256_state()

    public init() {
        _ = Self.libraryReady
        crypto_hash_sha256_init(&state)
    }

    /// Appends `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            _ = crypto_hash_sha256_update(&state, buffer.baseAddress, UInt64(buffer.count))
        }
    }

    /// Appends `data` to the message, read in place (a memory-mapped file is not copied).
    public mutating func update(_ data: Data) {
        data.withUnsafeBytes { buffer in
            _ = crypto_hash_sha256_update(&state, buffer.bindMemory(to: UInt8.self).baseAddress, UInt64(buffer.count))
        }
    }

    /// The 32-byte digest of everything appended so far.
    public mutating func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Self.digestByteCount)
        digest.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { _ = crypto_hash_sha256_final(&state, base) }
        }
        return digest
    }

    /// The digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Lower-case hex of a digest, as manifests store it.
    public static func hex(_ digest: [UInt8]) -> String {
        digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// libsodium asks for `sodium_init` once before use (idempotent and thread-safe; it fails
    /// only when no entropy source exists, which SHA-256 does not need).
    private static let libraryReady: Bool = sodium_init() >= 0
}
