import ArgumentParser
import Foundation
import LAPQCalibration
import LAPQData

/// Turns a library error into one line on standard error ("error: <file>: <what>") and a
/// non-zero exit, instead of a stack of Swift type names.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        FileHandle.standardError.write(Data("error: \(userFacingDescription(of: error))\n".utf8))
        throw ExitCode.failure
    }
}

/// Throws a `ValidationError` naming the flag when its path exists but is not a directory (an
/// output directory is created when missing).
func requireDirectoryOrNothing(_ flagAndPath: (flag: String, path: String)) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: flagAndPath.path, isDirectory: &isDirectory), !isDirectory.boolValue {
        throw ValidationError("\(flagAndPath.flag) \(flagAndPath.path): is a file, not a directory; give a directory for the outputs")
    }
}

/// Throws a `ValidationError` naming the flag of the first given path that does not exist.
func requireExistingFiles(_ paths: KeyValuePairs<String, String?>) throws {
    for (flag, path) in paths {
        if let path, !FileManager.default.fileExists(atPath: path) { throw ValidationError("\(flag) \(path): no such file") }
    }
}
