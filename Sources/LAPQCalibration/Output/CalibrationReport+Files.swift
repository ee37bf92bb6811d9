import Foundation

/// Where a run's reports live.
extension CalibrationReport {
    public static let markdownFileName = "report.md"
    public static let pageFileName = "report.html"

    /// Writes report.md and report.html into `directory`, atomically; returns their URLs.
    public func write(into directory: URL) throws -> [URL] {
        let markdownURL = directory.appendingPathComponent(Self.markdownFileName)
        let pageURL = directory.appendingPathComponent(Self.pageFileName)
        try Data(markdown().utf8).write(to: markdownURL, options: .atomic)
        try Data(html().utf8).write(to: pageURL, options: .atomic)
        return [markdownURL, pageURL]
    }
}
