#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for reading by positioned reads (`pread`), so that several threads can read
/// different byte ranges of one open file at once and a reader never loads more than the range
/// it asks for. Owns its descriptor and closes it in `deinit`; every system call's failure
/// passes through `failure(_:)`, which turns errno into an `NPYError` naming the file.
final class ReadOnlyFile: Sendable {
    let path: String
    /// The file's size in bytes when it was opened.
    let byteCount: Int
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw errno == ENOENT ? NPYError.fileNotFound(file: path) : Self.failure(path, "open")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = Self.failure(path, "stat")
            close(descriptor)
            throw error
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw NPYError.ioFailure(file: path, operation: "open", reason: "not a regular file")
        }
        self.descriptor = descriptor
        self.byteCount = Int(status.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// Reads exactly `count` bytes starting at `offset`; the caller has checked that the range
    /// lies inside the file, so a short read means the file shrank or the disk failed.
    func read(offset: Int, count: Int) throws -> [UInt8] {
        precondition(offset >= 0 && count >= 0, "negative range \(offset), \(count)")
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress.map { $0 + done }, count - done, off_t(offset + done))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw Self.failure(path, "read")
            }
            guard got > 0 else {
                throw NPYError.truncated(file: path, expectedBytes: offset + count, actualBytes: offset + done)
            }
            done += got
        }
        return bytes
    }

    private static func failure(_ path: String, _ operation: String) -> NPYError {
        .ioFailure(file: path, operation: operation, reason: String(cString: strerror(errno)))
    }
}
