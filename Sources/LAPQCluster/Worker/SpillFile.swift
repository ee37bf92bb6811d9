import Foundation
import Glibc

/// An append-only scratch file that holds bytes off the heap: written once, read back with
/// `pread` when needed. The file is unlinked as soon as it is created, so it takes disk space
/// only while the process holds it open and vanishes with the process, however it ends
/// (kill -9 included): no cleanup, no leftovers in the scratch directory.
final class SpillFile: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    private var end = 0

    /// - Parameter directory: where the (immediately unlinked) file lives; the worker's
    ///   `--scratch-dir`, by default the temporary directory.
    init(directory: URL) throws {
        let path = directory.appendingPathComponent("lapq-worker-\(getpid())-\(UUID().uuidString).spill").path
        descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SpillError.unusable(path: path, call: "open", errno: errno) }
        unlink(path)
    }

    deinit { close(descriptor) }

    /// Appends `bytes`; returns where they start.
    func append(_ bytes: [UInt8]) throws -> Int {
        try lock.withLock {
            let offset = end
            var written = 0
            while written < bytes.count {
                let count = bytes.withUnsafeBytes { buffer in
                    pwrite(descriptor, buffer.baseAddress! + written, buffer.count - written, off_t(offset + written))
                }
                guard count > 0 else { throw SpillError.io(call: "pwrite", errno: errno) }
                written += count
            }
            end += bytes.count
            return offset
        }
    }

    /// The `count` bytes that start at `offset` (as `append` returned it).
    func read(offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
            }
            guard got > 0 else { throw SpillError.io(call: "pread", errno: errno) }
            done += got
        }
        return bytes
    }

    /// Bytes written so far (the file's size on disk).
    var size: Int { lock.withLock { end } }
}

enum SpillError: Error, CustomStringConvertible {
    case unusable(path: String, call: String, errno: Int32)
    case io(call: String, errno: Int32)

    var description: String {
        switch self {
        case let .unusable(path, call, code):
            return "cannot create the scratch file \(path) (\(call): \(String(cString: strerror(code)))); choose another --scratch-dir"
        case let .io(call, code):
            return "scratch file \(call) failed: \(String(cString: strerror(code))) (is the --scratch-dir disk full?)"
        }
    }
}
