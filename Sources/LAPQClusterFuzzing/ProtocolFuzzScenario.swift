import LAPQCluster
import LAPQData

/// The run both fuzz drivers play: run 42, a model and two shards (ids 3 and 7) whose bytes
/// hash to `ProtocolSamples.digestA`/`digestB`, so the sample JOBs name them; evaluations
/// numbered from 9, as in the samples.
public enum ProtocolFuzzScenario {
    public static let runID: UInt64 = 42
    public static let firstEvaluationID: UInt64 = 9
    /// Evaluations one input may run: when one closes, the next opens (a fresh rebalance).
    public static let evaluationsPerInput = 3
    public static let modelBytes = Array("model".utf8)
    public static let modelDigest = SHA256Digest(of: modelBytes)
    /// A shard's bytes: one 1×1×3 uint8 image, then one int32 label.
    public static let shardBytes: [Int: [UInt8]] = [3: Array("shard a".utf8), 7: Array("shard b".utf8)]
    public static let shards = [JobShard(id: 3, sha256: ProtocolSamples.digestA), JobShard(id: 7, sha256: ProtocolSamples.digestB)]
    /// The ROUTER identities of the coordinator's peers; a control byte picks one.
    public static let peers: [PeerID] = (0..<4).map { Array("worker-\($0)".utf8) }
    /// The plan's points: the length of `ProtocolSamples.vectors`' quantized vectors.
    public static let pointCount = 3
    public static let histogramBins = 4
    public static let histogramMaxima: [Double] = [0, 6.5, 1]
    /// The coordinator's stall limit, short enough that a few 4 s steps of heartbeats reach it.
    public static let stallMilliseconds: UInt64 = 20_000

    public static func facts(shard id: Int) -> ShardFacts {
        ShardFacts(layout: .nhwcUInt8, storedSampleShape: [1, 1, 3], samples: id..<(id + 1), labelDType: .int32,
                   preprocessing: Preprocessing(scale: 1.0 / 255, mean: [0.5], std: [0.25]))
    }

    public static func work(_ work: ProtocolFuzzSetup.CoordinatorWork) -> EvaluationWork {
        switch work {
        case .evaluate: return .scores(ProtocolSamples.vectors)
        case .floatNetwork: return .scores([.float])
        case .maxima: return .maxima
        case .histograms: return .histograms(binCount: histogramBins, maxima: histogramMaxima)
        }
    }

    public static func coordinatorConfiguration(waitsForSecondWorker: Bool) -> CoordinatorStateMachine.Configuration {
        var configuration = CoordinatorStateMachine.Configuration(runID: runID, model: modelDigest, modelSize: UInt64(modelBytes.count),
                                                                  shards: shards, pointCount: pointCount)
        configuration.minWorkers = waitsForSecondWorker ? 2 : 1
        configuration.stallMilliseconds = stallMilliseconds
        return configuration
    }

    public static func hello(name: String, holdsItems: Bool) -> Message {
        Message(runID: 0, body: .hello(Hello(workerName: name, threads: 2, cachedShards: holdsItems ? shards.map(\.sha256) : [],
                                             model: holdsItems ? modelDigest : nil)))
    }

    public static var welcome: Message {
        Message(runID: runID, body: .welcome(Welcome(workerID: 1, heartbeatIntervalMilliseconds: 1000, modelSHA256: modelDigest,
                                                     modelSize: UInt64(modelBytes.count))))
    }

    /// The one LOAD that carries an item whole.
    public static func load(_ item: LoadItem) -> Message {
        let bytes = item.shardID.flatMap { shardBytes[$0] } ?? modelBytes
        return LoadChunker.messages(item: item, bytes: bytes, sha256: SHA256Digest(of: bytes),
                                    shardFacts: item.shardID.map { facts(shard: $0) }, runID: runID)[0]
    }
}
