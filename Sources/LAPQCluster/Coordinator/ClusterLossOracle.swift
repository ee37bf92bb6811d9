import Foundation
import LAPQData
import LAPQEngine
import LAPQMath

/// The `LossOracle` of a distributed run: binds a ROUTER, lets `lapq-worker`s connect, ships
/// them the model and their shards, and turns every evaluation into JOBs whose per-shard
/// answers the coordinator state machine collects — each checked to fit the work
/// (`ShardAnswer.misfit`) —; `LossOracle` reduces them in shard order, so the result is
/// bit-identical to `LocalLossOracle`'s (docs/protocol.md).
///
/// One coordinator session serves every data set of a run: the oracle itself answers over the
/// first (the calibration set), `oracle(forSet:)` over the others (a validation set), through
/// the same workers, so a validation pass is as distributed and as exact as the search.
public final class ClusterLossOracle: LossOracle {
    public struct Options: Sendable {
        /// Where to bind, e.g. "tcp://*:5555" or "tcp://127.0.0.1:*".
        public var bind: String
        public var minWorkers = 1
        /// `--max-shard-failures`: see `CoordinatorStateMachine.Configuration.maxAttempts`.
        public var maxShardFailures = 3
        /// `--allow-mixed-numerics`: see `CoordinatorStateMachine.Configuration.allowMixedNumerics`.
        public var allowMixedNumerics = false
        public var heartbeatIntervalMilliseconds: UInt64 = 1000
        /// A worker busy this long without finishing a shard is declared dead (its computation
        /// hangs); see `CoordinatorStateMachine.Configuration.stallMilliseconds`.
        public var stallMilliseconds: UInt64 = 300_000
        /// No complete answer within this time is an error (no live workers, say).
        public var evaluationTimeout: Duration = .seconds(3600)
        /// The coordinator's CURVE secret key and the workers' allowed public keys (Z85);
        /// nil runs without encryption.
        public var curve: (secretKey: String, allowedClientKeys: Set<String>)?
        public var runID = UInt64.random(in: 1...UInt64.max)
        /// The socket loop's clock for heartbeats, liveness deadlines and status lines. Nothing
        /// an evaluation needs waits for it: requests and answers wake the loop at once.
        public var tickInterval: Duration = .milliseconds(100)

        public init(bind: String) { self.bind = bind }
    }

    public let plan: QuantizationPlan
    /// The endpoint actually bound (a "*" port resolved).
    public let endpoint: String
    private let link: CoordinatorLink
    private let context: ZMQContext
    private let zap: ZAPHandler?
    private var loop: ZMQLoop?
    private var nextEvaluationID: UInt64 = 1
    /// `Options.evaluationTimeout`; tests shorten it.
    var evaluationTimeout: Duration

    /// A session over `stores`: the first is the set this oracle answers over, the others
    /// are reached through `oracle(forSet:)`.
    public init(model: ONNXModelFiles, plan: QuantizationPlan, stores: [ShardStore], options: Options,
                log: @escaping @Sendable (String) -> Void) throws {
        let package = try ModelPackage(plan: plan.settings, model: model).encoded()
        let items = LoadItems(model: package, stores: stores)
        var configuration = CoordinatorStateMachine.Configuration(
            runID: options.runID, model: items.modelDigest, modelSize: UInt64(package.count), shards: try items.jobShards(),
            shardSets: items.shardSets, pointCount: plan.points.count)
        configuration.minWorkers = options.minWorkers
        configuration.heartbeatIntervalMilliseconds = options.heartbeatIntervalMilliseconds
        configuration.stallMilliseconds = options.stallMilliseconds
        configuration.maxAttempts = options.maxShardFailures
        configuration.allowMixedNumerics = options.allowMixedNumerics
        self.plan = plan
        self.evaluationTimeout = options.evaluationTimeout
        self.link = CoordinatorLink(machine: CoordinatorStateMachine(configuration: configuration), items: items, log: log)
        let context = try ZMQContext()
        self.context = context
        // The ZAP handler must listen before the CURVE server binds (see ZAPHandler).
        self.zap = try options.curve.map { try ZAPHandler(context: context, allowedClientKeys: $0.allowedClientKeys) }
        let bound = BoundEndpoint()
        let (bind, curve, link) = (options.bind, options.curve, self.link)
        let loop = try ZMQLoop(context: context, name: "lapq.coordinator", tickInterval: options.tickInterval, makeSockets: {
            do {
                let router = try ZMQSocket(context: context, kind: .router)
                try router.setRouterMandatory(true)
                if let curve { try router.setCurveServer(secretKey: curve.secretKey) }
                try router.bind(bind)
                // Socket 1: a closed connection (a killed worker) is seen at once, not after
                // `missedIntervals` of silence (CoordinatorLink turns it into a probe).
                let monitor = try router.startMonitor(events: .disconnected)
                bound.set(.success(try router.lastEndpoint()))
                return [router, monitor]
            } catch {
                bound.set(.failure(ClusterError.transport("cannot bind \(bind): \(error)")))
                throw error
            }
        }, handler: { event in link.handle(event) })
        self.loop = loop
        link.doorbell.attach(loop)
        self.endpoint = try bound.wait()
    }

    /// Waiters, queued requests and the open evaluation (none between evaluations).
    var unfinishedRequests: (waiters: Int, queued: Int, open: UInt64?) { link.unfinishedRequests }

    /// Messages dropped and counted so far, and other events of the run (docs/protocol.md).
    public var counters: CoordinatorCounters { link.counters }

    public var numericsClasses: NumericsClasses? { link.numericsClasses }

    public func restoreNumericsClasses(_ classes: NumericsClasses) throws {
        try link.restoreNumericsClasses(classes)
    }

    deinit {
        loop?.stop()
        zap?.stop()
    }

    public func answers(to work: EvaluationWork) throws -> [Int: ShardAnswer] {
        try answers(to: work, shardSet: 0)
    }

    /// The oracle over data set `index` of this session (0 is this oracle itself), sharing its
    /// workers and its evaluation ids.
    public func oracle(forSet index: Int) -> any LossOracle {
        precondition(link.shardSetCount > index, "the session has no data set \(index)")
        return index == 0 ? self : ShardSetOracle(session: self, shardSet: index)
    }

    /// Every shard's answer of data set `shardSet`, keyed by its run-wide id (the set's own ids
    /// shifted by the sets before it, so their order, and the shard-order reduction, is the set's).
    func answers(to work: EvaluationWork, shardSet: Int) throws -> [Int: ShardAnswer] {
        if case let .histograms(binCount, maxima) = work, binCount * maxima.count > ProtocolConstants.maxHistogramBins {
            throw ClusterError.evaluationFailed("histograms of \(binCount) bins for \(maxima.count) points exceed the protocol's "
                                                + "\(ProtocolConstants.maxHistogramBins) bins per STATS (docs/protocol.md); ask for fewer bins")
        }
        defer { nextEvaluationID += 1 }
        return try link.submit(EvaluationRequest(id: nextEvaluationID, work: work, shardSet: shardSet),
                               timeout: evaluationTimeout).answers
    }
}

/// A data set other than the first of a `ClusterLossOracle`'s session.
private final class ShardSetOracle: LossOracle {
    let session: ClusterLossOracle
    let shardSet: Int

    init(session: ClusterLossOracle, shardSet: Int) {
        self.session = session
        self.shardSet = shardSet
    }

    var plan: QuantizationPlan { session.plan }

    func answers(to work: EvaluationWork) throws -> [Int: ShardAnswer] {
        try session.answers(to: work, shardSet: shardSet)
    }
}

/// Hands the bound endpoint (or the bind error) from the socket thread to the constructor.
private final class BoundEndpoint: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private var outcome: Result<String, Error>?

    func set(_ value: Result<String, Error>) {
        outcome = value
        semaphore.signal()
    }

    func wait() throws -> String {
        guard semaphore.wait(timeout: .now() + 10) == .success, let outcome else {
            throw ClusterError.transport("the coordinator socket did not bind within 10 s")
        }
        return try outcome.get()
    }
}
