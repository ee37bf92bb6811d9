extension SHA256Digest {
    /// The digest of the file at `path`, read whole; errors name the file (`NPYError`).
    public init(contentsOfFile path: String) throws {
        let file = try ReadOnlyFile(path: path)
        self.init(of: try file.read(offset: 0, count: file.byteCount))
    }
}
