import LAPQData
import LAPQEngine

extension ClusterLossOracle {
    /// The factory a calibration job calls once its model and calibration set are open: it binds
    /// the coordinator's socket and waits for workers there, so that a run that fails earlier
    /// (a bad flag, a missing file) never opens a port.
    public static func factory(options: Options, log: @escaping @Sendable (String) -> Void) -> LossOracleFactory {
        if options.curve == nil { log("binding \(options.bind) WITHOUT encryption (no CURVE keys)") }
        return { model, plan, store in
            let oracle = try ClusterLossOracle(model: model, plan: plan, store: store, options: options, log: log)
            log("coordinator listening on \(oracle.endpoint); waiting for \(options.minWorkers) worker(s)")
            return oracle
        }
    }
}
