import LAPQCluster
import LAPQData
import LAPQEngine

/// One valid message of every type: the round-trip tests' cases and the fuzzer's seed frames
/// (`ProtocolFuzzSeeds`).
public enum ProtocolSamples {
    public static let digestA = SHA256Digest(of: Array("shard a".utf8))
    public static let digestB = SHA256Digest(of: Array("shard b".utf8))
    public static let facts = ShardFacts(layout: .nhwcUInt8, storedSampleShape: [4, 4, 3], samples: 8..<10, labelDType: .int64,
                                         preprocessing: Preprocessing(scale: 1.0 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]))
    public static let vectors: [StepVector] = [[0.5, 0.25, 1e-3], .float, [1, 2, 3]]

    public static var all: [Message] {
        let shards = [JobShard(id: 3, sha256: digestA), JobShard(id: 7, sha256: digestB)]
        let scores = [BatchScore(lossSum: 1.5, top1: 1, count: 2), BatchScore(lossSum: 0.25, top1: 2, count: 2),
                      BatchScore(lossSum: .pi, top1: 0, count: 2)]
        return [
            Message(runID: 0, body: .hello(Hello(workerName: "node-ü1", threads: 8, cachedShards: [digestA, digestB], model: digestB,
                                                  fingerprint: 0x0123_4567_89AB_CDEF))),
            Message(runID: 0, body: .hello(Hello(workerName: "", threads: 1, cachedShards: [], model: nil))),
            Message(runID: 42, body: .welcome(Welcome(workerID: 3, heartbeatIntervalMilliseconds: 1000, modelSHA256: digestA, modelSize: 1 << 33))),
            Message(runID: 42, body: .load(LoadChunk(item: .model, totalSize: 10, offset: 4, bytes: [1, 2, 3], sha256: digestA, shardFacts: nil))),
            Message(runID: 42, body: .load(LoadChunk(item: .shard(5), totalSize: UInt64(facts.totalByteCount), offset: 0,
                                                     bytes: [9, 9], sha256: digestB, shardFacts: facts))),
            Message(runID: 42, body: .loaded(Loaded(item: .shard(5), sha256: digestB))),
            Message(runID: 42, body: .loaded(Loaded(item: .model, sha256: digestA, fingerprint: 0xFEDC_BA98_7654_3210))),
            Message(runID: 42, body: .loaded(Loaded(item: .model, sha256: digestA, failure: "disk full"))),
            Message(runID: 42, evaluationID: 9, attempt: 2, stepHash: StepVectorHash.of(vectors), body: .job(Job(shards: shards, work: .scores(vectors)))),
            Message(runID: 42, evaluationID: 9, attempt: 1, stepHash: StepVectorHash.of([.float]), body: .job(Job(shards: shards, work: .scores([.float])))),
            Message(runID: 42, evaluationID: 9, attempt: 2, stepHash: 77, body: .result(JobResult(isStatistics: false, outcome: .completed([3: .scores(scores), 7: .scores(scores)])))),
            Message(runID: 42, evaluationID: 9, stepHash: 77, body: .result(JobResult(isStatistics: false, outcome: .failed(shardIDs: [3], reason: "out of memory")))),
            Message(runID: 42, evaluationID: 9, stepHash: 77, body: .result(JobResult(isStatistics: false, outcome: .rejected(shardIDs: [7], reason: "NaN in relu1")))),
            Message(runID: 42, evaluationID: 10, body: .job(Job(shards: shards, work: .maxima))),
            Message(runID: 42, evaluationID: 11, body: .job(Job(shards: shards, work: .histograms(binCount: 2048, maxima: [0, 6.5])))),
            Message(runID: 42, evaluationID: 10, body: .result(JobResult(isStatistics: true, outcome: .completed([3: .maxima([1, 0, 2.5])])))),
            Message(runID: 42, evaluationID: 11, body: .result(JobResult(isStatistics: true, outcome: .completed([7: .histograms([nil, [1, 0, 5]])])))),
            Message(runID: 42, evaluationID: 11, body: .result(JobResult(isStatistics: true, outcome: .failed(shardIDs: [3, 7], reason: "bad")))),
            Message(runID: 42, evaluationID: 11, body: .result(JobResult(isStatistics: true, outcome: .rejected(shardIDs: [3], reason: "∞ in conv1")))),
            Message(runID: 42, evaluationID: 9, body: .cancel),
            Message(runID: 42, body: .heartbeat(Heartbeat(progress: 123_456, busy: true))),
            Message(runID: 42, body: .bye(Bye(reason: "shutting down"))),
        ]
    }
}
