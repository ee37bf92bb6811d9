import ArgumentParser
import Dispatch
import Foundation
import LAPQCluster

/// `lapq-worker`: evaluates quantized losses for a `lapq-coord` that it connects to; needs
/// nothing but this binary and the coordinator's address (the model and data come over the wire).
@main
struct LAPQWorker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lapq-worker",
        abstract: "Evaluate LAPQ losses for a coordinator (lapq-coord calibrate --bind …).")

    @Option(help: "The coordinator's address, e.g. tcp://head-node:5555.")
    var connect: String

    @Option(help: "oneDNN threads (default: all cores).")
    var threads: Int?

    @Option(help: "Name shown in the coordinator's log (default: the host name).")
    var name: String?

    @Option(help: "A directory of lapq manifests whose shards this worker reads locally when their SHA-256 matches.")
    var dataRoot: String?

    @Option(help: "MiB of decoded shards kept in memory; the rest stay as stored bytes and are decoded when used.")
    var shardCacheMib = 4096

    @Option(help: "Directory for the received shards' stored bytes (an unlinked scratch file; default: the temporary directory).")
    var scratchDir: String?

    @Option(help: "MiB for prefix snapshots, which let Powell skip the layers before a changed step size.")
    var prefixCacheMib = 1024

    @Option(help: "The coordinator's CURVE public key file (enables encryption).")
    var curveServerKey: String?

    @Option(help: "This worker's CURVE public key file.")
    var curvePublicKey: String?

    @Option(help: "This worker's CURVE secret key file.")
    var curveSecretKey: String?

    func validate() throws {
        guard connect.hasPrefix("tcp://") || connect.hasPrefix("ipc://") else {
            throw ValidationError("--connect \(connect): give an address like tcp://HOST:5555")
        }
        if let threads, threads < 1 { throw ValidationError("--threads \(threads): need at least one") }
        guard shardCacheMib >= 0 else { throw ValidationError("--shard-cache-mib \(shardCacheMib): cannot be negative") }
        guard prefixCacheMib >= 0 else { throw ValidationError("--prefix-cache-mib \(prefixCacheMib): cannot be negative") }
        var isDirectory: ObjCBool = false
        if let scratchDir, !(FileManager.default.fileExists(atPath: scratchDir, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw ValidationError("--scratch-dir \(scratchDir): no such directory")
        }
        if let dataRoot, !(FileManager.default.fileExists(atPath: dataRoot, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw ValidationError("--data-root \(dataRoot): no such directory")
        }
        let curveFiles = [curveServerKey, curvePublicKey, curveSecretKey]
        guard curveFiles.allSatisfy({ $0 == nil }) || curveFiles.allSatisfy({ $0 != nil }) else {
            throw ValidationError("CURVE needs all three of --curve-server-key, --curve-public-key, --curve-secret-key")
        }
    }

    func run() throws {
        var options = WorkerRuntime.Options(connect: connect, name: name ?? ProcessInfo.processInfo.hostName, threads: threads)
        options.dataRoot = dataRoot.map { URL(fileURLWithPath: $0, isDirectory: true) }
        options.shardCacheBytes = shardCacheMib << 20
        if let scratchDir { options.scratchDirectory = URL(fileURLWithPath: scratchDir, isDirectory: true) }
        options.prefixCacheBytes = prefixCacheMib << 20
        if let server = curveServerKey, let publicKey = curvePublicKey, let secretKey = curveSecretKey {
            options.curve = (try keyText(server), CurveKeyPair(publicKey: try keyText(publicKey), secretKey: try keyText(secretKey)))
        }
        let runtime = try WorkerRuntime(options: options) { message in
            FileHandle.standardError.write(Data("\(ISO8601DateFormatter().string(from: Date())) \(message)\n".utf8))
        }
        // SIGINT / SIGTERM stop the worker cleanly (the sources live as long as the wait).
        let signalSources = [SIGINT, SIGTERM].map { signalNumber -> DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { runtime.stop() }
            source.resume()
            return source
        }
        FileHandle.standardError.write(Data("lapq-worker: connecting to \(connect)\n".utf8))
        try withExtendedLifetime(signalSources) { try runtime.wait() }
    }

    private func keyText(_ path: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("\(path): cannot read the key file")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
