import ArgumentParser
import Foundation

/// Turns a library error into one line on standard error ("error: <file>: <what>") and a
/// non-zero exit, instead of a stack of Swift type names.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        FileHandle.standardError.write(Data("error: \(String(describing: error))\n".utf8))
        throw ExitCode.failure
    }
}

/// Throws a `ValidationError` naming the flag of the first given path that does not exist.
func requireExistingFiles(_ paths: KeyValuePairs<String, String?>) throws {
    for (flag, path) in paths {
        if let path, !FileManager.default.fileExists(atPath: path) { throw ValidationError("\(flag) \(path): no such file") }
    }
}
