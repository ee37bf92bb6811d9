import LAPQEngine

/// Builds the oracle of a run's calibration set in place of local executors: the cluster oracle
/// of LAPQCluster, which LAPQCalibration cannot name. It is handed the model as the run read it
/// (once, `ONNXModelFiles`), the plan whose point order the step vectors follow, and the opened
/// calibration set.
public typealias LossOracleFactory = @Sendable (ONNXModelFiles, QuantizationPlan, ShardStore) throws -> any LossOracle
