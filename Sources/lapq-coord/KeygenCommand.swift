import ArgumentParser
import Foundation
import LAPQCluster

/// `lapq-coord keygen`: a CURVE key pair for a coordinator or a worker (docs/deployment.md).
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a CURVE key pair: PREFIX.key (secret, mode 0600) and PREFIX.pub.")

    @Option(help: "Path prefix of the two files.")
    var out: String

    func validate() throws {
        let directory = URL(fileURLWithPath: out).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--out \(out): directory \(directory) does not exist")
        }
        for suffix in [".key", ".pub"] where FileManager.default.fileExists(atPath: out + suffix) {
            throw ValidationError("--out \(out): \(out + suffix) exists; refusing to overwrite a key")
        }
    }

    func run() throws {
        try reportingErrors {
            let pair = try CurveKeyPair.generate()
            try write(pair.secretKey + "\n", to: out + ".key", permissions: 0o600)
            try write(pair.publicKey + "\n", to: out + ".pub", permissions: 0o644)
        }
        print("wrote \(out).key (secret) and \(out).pub")
    }

    private func write(_ text: String, to path: String, permissions: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8),
                                             attributes: [.posixPermissions: permissions]) else {
            throw KeygenError(path: path)
        }
    }
}

private struct KeygenError: Error, CustomStringConvertible {
    let path: String
    var description: String { "\(path): cannot write the key file" }
}
