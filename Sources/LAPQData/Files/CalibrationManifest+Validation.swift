extension CalibrationManifest {
    /// Checks the rules of docs/formats.md that need no data file: format and version, a 4-D
    /// image shape with positive dimensions, one label per image, mean/std of length 1 or C
    /// with finite values and non-zero std, and shards that cover [0, N) consecutively in id
    /// order with a 64-digit hex SHA-256 each. Errors name `file` and the offending field.
    public func validate(file: String) throws {
        try validateExceptShards(file: file)
        try validateShards { .invalidField(file: file, field: $0, reason: $1) }
    }

    /// Every rule of `validate(file:)` but those about shards; lets `create` fail on a bad
    /// flag before it spends time hashing.
    func validateExceptShards(file: String) throws {
        func fail(_ field: String, _ reason: String) -> CalibrationDataError {
            .invalidField(file: file, field: field, reason: reason)
        }
        guard format == Self.formatName else { throw fail("format", "is '\(format)', expected '\(Self.formatName)'") }
        guard version == Self.currentVersion else {
            throw fail("version", "is \(version); this lapq reads version \(Self.currentVersion)")
        }
        guard !images.file.isEmpty else { throw fail("images.file", "is empty") }
        guard !labels.file.isEmpty else { throw fail("labels.file", "is empty") }
        guard images.shape.count == 4, images.shape.allSatisfy({ $0 > 0 }) else {
            let order = images.layout == .nhwcUInt8 ? "(N, H, W, C)" : "(N, C, H, W)"
            throw fail("images.shape", "is \(images.shape); \(images.layout.rawValue) needs four positive dimensions \(order)")
        }
        guard labels.count == sampleCount else {
            throw fail("labels.count", "is \(labels.count) but there are \(sampleCount) images; they need one label per image")
        }
        try validatePreprocessing(channels: images.layout.sampleShape(stored: images.shape)[0], fail)
    }

    private func validatePreprocessing(channels: Int, _ fail: (String, String) -> CalibrationDataError) throws {
        guard preprocessing.scale.isFinite, preprocessing.scale != 0 else {
            throw fail("preprocessing.scale", "is \(preprocessing.scale); it must be finite and non-zero")
        }
        for (name, values) in [("mean", preprocessing.mean), ("std", preprocessing.std)] {
            guard values.count == 1 || values.count == channels else {
                throw fail("preprocessing.\(name)", "has \(values.count) entries; the images have \(channels) channels, so give 1 or \(channels)")
            }
            guard values.allSatisfy({ $0.isFinite && (name == "mean" || $0 != 0) }) else {
                throw fail("preprocessing.\(name)", "is \(values); entries must be finite" + (name == "std" ? " and non-zero" : ""))
            }
        }
    }

    private func validateShards(_ fail: (String, String) -> CalibrationDataError) throws {
        guard !shards.isEmpty else { throw fail("shards", "is empty; the shards must cover all \(sampleCount) samples") }
        var next = 0
        for (index, shard) in shards.enumerated() {
            let field = "shards[\(index)]"
            guard shard.id == index else { throw fail(field, "has id \(shard.id); ids must be 0, 1, 2, … in order") }
            guard shard.start == next else {
                throw fail(field, "starts at sample \(shard.start), expected \(next); shards must cover [0, \(sampleCount)) consecutively")
            }
            guard shard.count > 0, shard.count <= sampleCount - next else {
                throw fail(field, "has count \(shard.count); it must be positive and end by sample \(sampleCount)")
            }
            guard shard.sha256.count == 64, shard.sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                throw fail(field, "sha256 '\(shard.sha256)' is not 64 lower-case hex digits")
            }
            next += shard.count
        }
        guard next == sampleCount else {
            throw fail("shards", "cover samples [0, \(next)) but there are \(sampleCount); the last shard must end at sample \(sampleCount)")
        }
    }
}
