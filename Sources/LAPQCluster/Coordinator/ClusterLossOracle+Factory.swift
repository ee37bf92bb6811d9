import Foundation
import LAPQData
import LAPQEngine

extension ClusterLossOracle {
    /// The factory a calibration job calls once its model and data sets are open: it binds the
    /// coordinator's socket and waits for workers there, so that a run that fails earlier (a bad
    /// flag, a missing file) never opens a port. One session serves every set of a job.
    ///
    /// A command that runs several jobs (`calibrate --bias-correction-both`) calls it once per
    /// job, after the previous job's session has closed. Every later session binds the endpoint
    /// the first one resolved (a "*" port stays the port the workers were given) under a run id
    /// of its own: the workers, registered to the closed run, find it silent, say HELLO again
    /// and are welcomed into the new one (docs/protocol.md, "Sessions in sequence").
    public static func factory(options: Options, log: @escaping @Sendable (String) -> Void) -> LossOracleFactory {
        if options.curve == nil { log("binding \(options.bind) WITHOUT encryption (no CURVE keys)") }
        let sessions = SessionOptions(first: options)
        return { model, plan, stores in
            let oracle = try ClusterLossOracle(model: model, plan: plan, stores: stores, options: sessions.next(), log: log)
            sessions.bound(oracle.endpoint)
            log("coordinator listening on \(oracle.endpoint); waiting for \(options.minWorkers) worker(s)")
            return stores.indices.map { oracle.oracle(forSet: $0) }
        }
    }
}

/// The options of each session a factory opens: the given ones first, then the same on the
/// endpoint the first bound, with a fresh run id.
private final class SessionOptions: @unchecked Sendable {
    private let lock = NSLock()
    private let first: ClusterLossOracle.Options
    /// The endpoint the first session bound; nil until it has.
    private var firstEndpoint: String?

    init(first: ClusterLossOracle.Options) { self.first = first }

    func next() -> ClusterLossOracle.Options {
        lock.withLock {
            guard let firstEndpoint else { return first }
            var options = first
            options.bind = firstEndpoint
            options.runID = UInt64.random(in: 1...UInt64.max)
            return options
        }
    }

    func bound(_ endpoint: String) {
        lock.withLock { if firstEndpoint == nil { firstEndpoint = endpoint } }
    }
}
