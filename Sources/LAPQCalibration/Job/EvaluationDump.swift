import Foundation
import LAPQData
import LAPQEngine

/// What `lapq-coord evaluate` writes besides the score, for comparing lapq's network with
/// another runtime's value by value (Scripts/check-qdq.py, Scripts/bench/zoo-check): every file is
/// raw little-endian float32 (numpy: `fromfile(path, "<f4")`), samples in manifest order.
public struct EvaluationDump: Sendable, Equatable {
    /// The network's first output for every sample.
    public var logits: URL?
    /// A folder that gets, for every activation point, `<point index>.f32` with the float value
    /// the point quantizes (before quantization), and `points.json` naming them.
    public var activations: URL?

    public init(logits: URL? = nil, activations: URL? = nil) {
        self.logits = logits
        self.activations = activations
    }

    public var isEmpty: Bool { logits == nil && activations == nil }

    /// Runs `executor` over every shard in shard order, writing what was asked for, and returns
    /// the score the oracle would (same shards, same order, Float64 sum). Files are written
    /// through ".partial" names renamed at the end, so a failed run leaves none that looks complete.
    func score(executor: Executor, shards: CalibrationShards) throws -> BatchScore {
        let logitsFile = try logits.map(RawFloatFile.init)
        if let activations {
            do {
                try FileManager.default.createDirectory(at: activations, withIntermediateDirectories: true)
            } catch {
                throw OutputError.unwritable(file: activations.path, reason: error.localizedDescription)
            }
        }
        var pointFiles: [Int: RawFloatFile] = [:]
        var pointShapes: [Int: [Int]] = [:]
        var failure: Error?
        var perShard: [Int: BatchScore] = [:]
        do {
            perShard = try ShardEvaluator(executor: executor, shards: shards).forEachShard(shards.shardIDs) { _, shard in
                let observer: ActivationObserver? = activations.map { folder in
                    { point, values in
                        guard failure == nil, executor.plan.points[point].kind == .activation else { return }
                        do {
                            if pointFiles[point] == nil {
                                pointFiles[point] = try RawFloatFile(folder.appendingPathComponent("\(point).f32"))
                                pointShapes[point] = Array(values.shape.dropFirst())
                            }
                            try pointFiles[point]?.append(values)
                        } catch {
                            failure = error
                        }
                    }
                }
                let output = try executor.run(shard.input, observer: observer)
                if let failure { throw failure }
                try logitsFile?.append(output)
                return try BatchScore(logits: output, labels: shard.labels, logitsAreProbabilities: executor.endsInSoftmax)
            }
            try logitsFile?.commit()
            for file in pointFiles.values { try file.commit() }
        } catch {
            logitsFile?.discard()
            for file in pointFiles.values { file.discard() }
            throw error
        }
        if let activations {
            let index = pointShapes.keys.sorted().map { point -> [String: Any] in
                ["point": point, "tensor": executor.plan.points[point].tensor, "file": "\(point).f32",
                 "sampleShape": pointShapes[point] ?? []]
            }
            let url = activations.appendingPathComponent("points.json")
            do {
                try JSONSerialization.data(withJSONObject: index, options: [.prettyPrinted, .sortedKeys]).write(to: url)
            } catch {
                throw OutputError.unwritable(file: url.path, reason: error.localizedDescription)
            }
        }
        return reduceInShardOrder(perShard)
    }
}

/// A float32 file written in pieces to `<path>.partial` and renamed to `path` on commit.
private final class RawFloatFile {
    let url: URL
    private let partial: URL
    private let handle: FileHandle

    init(_ url: URL) throws {
        self.url = url
        partial = URL(fileURLWithPath: url.path + ".partial")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: partial) else {
            throw OutputError.unwritable(file: url.path, reason: "cannot create \(partial.path)")
        }
        self.handle = handle
    }

    func append(_ values: Tensor) throws {
        do { try handle.write(contentsOf: values.littleEndianBytes) } catch {
            throw OutputError.unwritable(file: url.path, reason: error.localizedDescription)
        }
    }

    func commit() throws {
        do {
            try handle.close()
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            try FileManager.default.moveItem(at: partial, to: url)
        } catch {
            throw OutputError.unwritable(file: url.path, reason: error.localizedDescription)
        }
    }

    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(at: partial)
    }
}
