import LAPQData

/// What a worker needs, beside a shard's bytes, to turn them into the network input exactly
/// as `ShardStore.load(shard:)` does: a shard's bytes are its stored image bytes followed by
/// its stored label bytes (the order its manifest SHA-256 covers, docs/formats.md).
public struct ShardFacts: Equatable, Sendable {
    public var layout: ImageLayout
    /// One stored sample's shape: `[H, W, C]` for NHWC-uint8, `[C, H, W]` for NCHW-float32.
    public var storedSampleShape: [Int]
    /// The samples of the calibration set the shard holds.
    public var samples: Range<Int>
    /// `.int64` or `.int32`: how the label bytes are stored.
    public var labelDType: NPYDType
    public var preprocessing: Preprocessing

    public init(layout: ImageLayout, storedSampleShape: [Int], samples: Range<Int>, labelDType: NPYDType,
                preprocessing: Preprocessing) {
        precondition(storedSampleShape.count == 3 && storedSampleShape.allSatisfy { $0 > 0 },
                     "a stored sample shape has 3 positive dimensions, got \(storedSampleShape)")
        precondition([.int64, .int32].contains(labelDType), "labels are int64 or int32, got \(labelDType)")
        self.layout = layout
        self.storedSampleShape = storedSampleShape
        self.samples = samples
        self.labelDType = labelDType
        self.preprocessing = preprocessing
    }

    /// The facts of shard `id` of an opened store. `id` must be in `0..<store.shardCount`.
    public init(store: ShardStore, shard id: Int) {
        let images = store.manifest.images
        self.init(layout: images.layout, storedSampleShape: Array(images.shape.dropFirst()),
                  samples: store.manifest.shards[id].samples, labelDType: store.arrays.labels.dtype,
                  preprocessing: store.manifest.preprocessing)
    }

    /// The network-input shape of one sample, `[C, H, W]`.
    public var sampleShape: [Int] { layout.sampleShape(stored: [samples.count] + storedSampleShape) }

    /// Bytes of the stored images, then of the stored labels.
    public var imageByteCount: Int { samples.count * storedSampleShape.reduce(1, *) * layout.dtype.byteCount }
    public var labelByteCount: Int { samples.count * labelDType.byteCount }
    public var totalByteCount: Int { imageByteCount + labelByteCount }
}

extension WireWriter {
    mutating func shardFacts(_ facts: ShardFacts) {
        u8(facts.layout == .nhwcUInt8 ? 0 : 1)
        array(facts.storedSampleShape) { $0.u32(UInt32($1)) }
        u64(UInt64(facts.samples.lowerBound))
        u64(UInt64(facts.samples.count))
        u8(UInt8(facts.labelDType.byteCount))
        f64(facts.preprocessing.scale)
        array(facts.preprocessing.mean) { $0.f64($1) }
        array(facts.preprocessing.std) { $0.f64($1) }
    }
}

extension WireReader {
    mutating func shardFacts() throws(ProtocolError) -> ShardFacts {
        let layouts: [ImageLayout] = [.nhwcUInt8, .nchwFloat32]
        let layoutCode = Int(try u8("layout"))
        guard layoutCode < layouts.count else { throw bad("layout code \(layoutCode)") }
        let shape = try array("stored sample shape", minimumElementSize: 4) { (reader) throws(ProtocolError) in Int(try reader.u32("dimension")) }
        // Bounds far above any image set keep every byte count below 2^58 (2^24 samples of 2^32
        // four-byte elements), so no product can overflow.
        guard shape.count == 3, shape.allSatisfy({ $0 > 0 && $0 <= 1 << 16 }), shape.reduce(1, *) <= ProtocolConstants.maxSampleElements else {
            throw bad("stored sample shape \(shape)")
        }
        let start = try u64("sample start"), count = try u64("sample count")
        guard count > 0, start <= 1 << 48, count <= ProtocolConstants.maxShardSamples else { throw bad("samples \(start) + \(count)") }
        let labelDType: NPYDType
        switch try u8("label width") {
        case 8: labelDType = .int64
        case 4: labelDType = .int32
        case let width: throw bad("label width \(width)")
        }
        let scale = try f64("scale")
        let mean = try array("mean", minimumElementSize: 8) { (reader) throws(ProtocolError) in try reader.f64("mean") }
        let std = try array("std", minimumElementSize: 8) { (reader) throws(ProtocolError) in try reader.f64("std") }
        guard [1, shape[layoutCode == 0 ? 2 : 0]].contains(mean.count), [1, shape[layoutCode == 0 ? 2 : 0]].contains(std.count) else {
            throw bad("mean/std lengths \(mean.count)/\(std.count) do not fit the channels of \(shape)")
        }
        return ShardFacts(layout: layouts[layoutCode], storedSampleShape: shape, samples: Int(start)..<Int(start + count),
                          labelDType: labelDType, preprocessing: Preprocessing(scale: scale, mean: mean, std: std))
    }

    private func bad(_ reason: String) -> ProtocolError { .inconsistent(message: "LOAD shard facts", reason: reason) }
}
