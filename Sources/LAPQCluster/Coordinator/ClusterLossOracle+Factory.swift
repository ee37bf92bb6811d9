import LAPQData
import LAPQEngine

extension ClusterLossOracle {
    /// The factory a calibration job calls once its model and data sets are open: it binds the
    /// coordinator's socket and waits for workers there, so that a run that fails earlier (a bad
    /// flag, a missing file) never opens a port. One session serves every set.
    public static func factory(options: Options, log: @escaping @Sendable (String) -> Void) -> LossOracleFactory {
        if options.curve == nil { log("binding \(options.bind) WITHOUT encryption (no CURVE keys)") }
        return { model, plan, stores in
            let oracle = try ClusterLossOracle(model: model, plan: plan, stores: stores, options: options, log: log)
            log("coordinator listening on \(oracle.endpoint); waiting for \(options.minWorkers) worker(s)")
            return stores.indices.map { oracle.oracle(forSet: $0) }
        }
    }
}
