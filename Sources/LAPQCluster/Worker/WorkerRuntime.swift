import Dispatch
import Foundation

/// `lapq-worker` as a library: connects a DEALER to the coordinator, answers its LOADs and jobs
/// with a `WorkerCompute` on a compute thread, heartbeats, and says HELLO again whenever the
/// coordinator goes silent or restarts (docs/protocol.md). Runs until `stop()`, or until it
/// cannot serve the coordinator at all (another protocol version, a model it cannot load):
/// then `wait()` throws the reason.
public final class WorkerRuntime: @unchecked Sendable {
    public struct Options: Sendable {
        public var connect: String
        public var name: String
        /// oneDNN threads; nil uses all cores.
        public var threads: Int?
        public var prefixCacheBytes = 1 << 30
        /// Memory for decoded shards; beyond it shards stay as their stored bytes and are
        /// decoded when used.
        public var shardCacheBytes = 4 << 30
        /// The coordinator's public key and this worker's key pair (Z85); nil: no encryption.
        public var curve: (serverPublicKey: String, keyPair: CurveKeyPair)?
        /// A directory of manifests (and their .npy files) this worker may read shards from
        /// when their SHA-256 matches what the coordinator asks for.
        public var dataRoot: URL?
        /// Where the received shards' bytes are kept (an unlinked file: it vanishes with the
        /// process), so that memory holds only the decoded-shard and prefix budgets.
        public var scratchDirectory = FileManager.default.temporaryDirectory
        /// The socket loop's clock for heartbeats, the coordinator's silence and reconnects;
        /// finished jobs and stored items wake the loop at once and never wait for it.
        public var tickInterval: Duration = .milliseconds(100)

        public init(connect: String, name: String, threads: Int?) {
            self.connect = connect
            self.name = name
            self.threads = threads
        }
    }

    private let context: ZMQContext
    private let loop: ZMQLoop
    private let stopped = DispatchSemaphore(value: 0)
    /// Why the worker gave up, set once on the loop's thread before `stopped` is signalled.
    private let stopReason = GiveUpReason()

    public init(options: Options, log: @escaping @Sendable (String) -> Void) throws {
        let threads = options.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let compute = try WorkerComputeQueue(threads: threads, prefixCacheBytes: options.prefixCacheBytes,
                                             shardCacheBytes: options.shardCacheBytes, dataRoot: options.dataRoot,
                                             scratchDirectory: options.scratchDirectory, log: log)
        let machine = WorkerStateMachine(configuration: .init(name: options.name, threads: threads),
                                         cachedShards: compute.localDigests)
        let stopReason = self.stopReason, stopped = self.stopped
        let link = WorkerLink(machine: machine, compute: compute, log: log, onStop: { reason in
            stopReason.set(reason)
            stopped.signal()
        })
        let context = try ZMQContext()
        self.context = context
        let (endpoint, curve) = (options.connect, options.curve)
        loop = try ZMQLoop(context: context, name: "lapq.worker", tickInterval: options.tickInterval, makeSockets: {
            let dealer = try ZMQSocket(context: context, kind: .dealer)
            if let curve { try dealer.setCurveClient(serverPublicKey: curve.serverPublicKey, keyPair: curve.keyPair) }
            try dealer.setReconnectInterval(.milliseconds(100), maximum: .seconds(5))
            try dealer.connect(endpoint)
            return [dealer]
        }, handler: { event in link.handle(event) })
        // The first HELLO goes out now, not at the first tick.
        link.doorbell.attach(loop)
        link.doorbell.ring()
    }

    /// Blocks until `stop()` is called (e.g. from a signal handler), or throws when the worker
    /// gave up (`WorkerStateMachine.Action.stop`), naming why.
    public func wait() throws {
        stopped.wait()
        guard let reason = stopReason.value else { return }
        loop.stop()   // here, not in the loop's handler that gave up, which `stop` would wait on
        throw WorkerGaveUp(reason: reason)
    }

    public func stop() {
        loop.stop()
        stopped.signal()
    }
}

/// The worker cannot serve its coordinator and stopped instead of reconnecting forever.
public struct WorkerGaveUp: Error, Equatable, CustomStringConvertible {
    public var reason: String

    public var description: String { "lapq-worker stopped: \(reason)" }
}

/// The reason handed from the loop's thread to `WorkerRuntime.wait()`.
private final class GiveUpReason: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: String?

    func set(_ value: String) { lock.withLock { reason = value } }
    var value: String? { lock.withLock { reason } }
}
