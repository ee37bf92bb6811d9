import Foundation

extension CalibrationManifest {
    /// The manifest of the arrays at `imagesPath` and `labelsPath`, cut into consecutive shards
    /// of `shardSize` samples (the last one shorter when N is not a multiple), each hashed
    /// with SHA-256. File paths are stored relative to the directory of `manifestURL`, where
    /// the caller will write it. Reads the arrays one shard at a time, so memory stays at one
    /// shard however large the set; also rejects negative labels and non-finite float images. `shardSize` must be positive.
    public static func create(imagesPath: String, labelsPath: String, shardSize: Int,
                              preprocessing: Preprocessing, manifestURL: URL) throws -> CalibrationManifest {
        precondition(shardSize > 0, "shard size \(shardSize) must be positive")
        let arrays = try CalibrationArrays(imagesPath: imagesPath, labelsPath: labelsPath)
        let directory = manifestURL.deletingLastPathComponent()
        var manifest = CalibrationManifest(
            images: Images(file: relativePath(of: URL(fileURLWithPath: imagesPath), from: directory),
                           layout: arrays.layout, shape: arrays.images.shape),
            labels: Labels(file: relativePath(of: URL(fileURLWithPath: labelsPath), from: directory),
                           count: arrays.labels.rowCount),
            preprocessing: preprocessing, shards: [])
        try manifest.validateExceptShards(file: manifestURL.path)
        for start in stride(from: 0, to: arrays.sampleCount, by: shardSize) {
            let samples = start..<min(start + shardSize, arrays.sampleCount)
            let bytes = try arrays.storedBytes(samples: samples)
            _ = try arrays.classIndices(stored: bytes.labels, samples: samples)
            try arrays.layout.requireFinite(stored: bytes.images, samples: samples, source: imagesPath)
            manifest.shards.append(Shard(id: manifest.shards.count, start: start, count: samples.count,
                                         sha256: CalibrationArrays.sha256(images: bytes.images, labels: bytes.labels)))
        }
        try manifest.validate(file: manifestURL.path)
        return manifest
    }

    /// `file`'s path relative to `directory` ("x.npy", "data/x.npy", "../data/x.npy"); both are
    /// made absolute against the working directory first. Symbolic links are kept, not resolved,
    /// so the manifest names the files the way the user did.
    static func relativePath(of file: URL, from directory: URL) -> String {
        let target = file.absoluteURL.standardizedFileURL.pathComponents
        let base = directory.absoluteURL.standardizedFileURL.pathComponents
        let common = zip(target, base).prefix { $0 == $1 }.count
        return (Array(repeating: "..", count: base.count - common) + target[common...]).joined(separator: "/")
    }
}
