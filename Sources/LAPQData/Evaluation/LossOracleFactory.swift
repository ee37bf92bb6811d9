import LAPQEngine

/// Builds the oracles of a run's data sets in place of local executors: the cluster oracle of
/// LAPQCluster, which LAPQCalibration cannot name. It is handed the model as the run read it
/// (once, `ONNXModelFiles`), the plan whose point order the step vectors follow, and the opened
/// data sets — the calibration set, then the validation set if there is one —, and returns one
/// oracle per set, in that order. They may share one session (the cluster's workers evaluate
/// the validation set too), so the caller keeps them all until its last evaluation.
public typealias LossOracleFactory = @Sendable (ONNXModelFiles, QuantizationPlan, [ShardStore]) throws -> [any LossOracle]
