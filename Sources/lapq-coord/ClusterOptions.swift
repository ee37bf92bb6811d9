import ArgumentParser
import Foundation
import LAPQCluster

/// `calibrate`'s flags for distributed evaluation (docs/deployment.md).
struct ClusterOptions: ParsableArguments {
    @Option(help: "Bind a ZeroMQ ROUTER here and evaluate on lapq-workers, e.g. tcp://*:5555.")
    var bind: String?

    @Option(help: "Wait for this many workers before the first evaluation.")
    var minWorkers = 1

    @Option(help: "The coordinator's CURVE secret key file (lapq-coord keygen).")
    var curveSecretKey: String?

    @Option(help: "A file of allowed worker public keys, one per line.")
    var curveAllowedKeys: String?

    @Flag(help: "Allow binding a non-loopback address without CURVE encryption.")
    var insecureBind = false

    @Option(help: "Seconds a worker may work on one shard before it counts as hung (a silent worker is dropped after 5 s regardless).")
    var stallTimeout = 300

    @Option(help: "Failures of one shard that stop the run: error answers, or deaths of a worker while computing it (not while loading it).")
    var maxShardFailures = 3

    @Flag(help: "Let a shard move to workers whose CPU computes with other bits when its own CPU kind has no worker left (the result then depends on the machines; steps.json records which computed what).")
    var allowMixedNumerics = false

    func validate() throws {
        guard minWorkers >= 1 else { throw ValidationError("--min-workers \(minWorkers): need at least one") }
        guard stallTimeout >= 1 else { throw ValidationError("--stall-timeout \(stallTimeout): need at least one second") }
        guard maxShardFailures >= 1 else { throw ValidationError("--max-shard-failures \(maxShardFailures): need at least one") }
        guard (curveSecretKey == nil) == (curveAllowedKeys == nil) else {
            throw ValidationError("CURVE needs both --curve-secret-key and --curve-allowed-keys")
        }
        if let bind, curveSecretKey == nil, !insecureBind, !Self.isLoopback(bind) {
            throw ValidationError("--bind \(bind): without CURVE keys lapq binds to loopback only "
                                  + "(tcp://127.0.0.1:PORT); give --curve-secret-key and --curve-allowed-keys, or --insecure-bind")
        }
    }

    static func isLoopback(_ endpoint: String) -> Bool {
        endpoint.hasPrefix("tcp://127.") || endpoint.hasPrefix("tcp://localhost:") || endpoint.hasPrefix("tcp://[::1]:")
            || endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://")
    }

    /// The cluster oracle's options from these flags, or nil to run local workers.
    func oracleOptions() throws -> ClusterLossOracle.Options? {
        guard let bind else { return nil }
        var options = ClusterLossOracle.Options(bind: bind)
        options.minWorkers = minWorkers
        options.stallMilliseconds = UInt64(stallTimeout) * 1000
        options.maxShardFailures = maxShardFailures
        options.allowMixedNumerics = allowMixedNumerics
        if let secretFile = curveSecretKey, let allowedFile = curveAllowedKeys {
            let allowed = try Self.lines(allowedFile)
            options.curve = (try Self.lines(secretFile).first ?? "", Set(allowed))
        }
        return options
    }

    private static func lines(_ path: String) throws -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("\(path): cannot read the key file")
        }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
