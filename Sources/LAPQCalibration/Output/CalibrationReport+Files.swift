import Foundation

/// Where a run's reports live and how they are read back: `calibrate` writes them, and
/// `sensitivity` renders them again from the run's files with its section added.
extension CalibrationReport {
    public static let markdownFileName = "report.md"
    public static let pageFileName = "report.html"

    /// The report of the run in `directory`: its steps.json, and sensitivity.json when present.
    public init(runDirectory directory: URL) throws {
        let sensitivityURL = directory.appendingPathComponent(SensitivityFile.fileName)
        let sensitivity = FileManager.default.fileExists(atPath: sensitivityURL.path)
            ? try SensitivityFile.read(from: sensitivityURL) : nil
        self.init(steps: try StepsFile.read(from: directory.appendingPathComponent(StepsFile.fileName)),
                  sensitivity: sensitivity)
    }

    /// Writes report.md and report.html into `directory`, atomically; returns their URLs.
    public func write(into directory: URL) throws -> [URL] {
        let markdownURL = directory.appendingPathComponent(Self.markdownFileName)
        let pageURL = directory.appendingPathComponent(Self.pageFileName)
        try Data(markdown().utf8).write(to: markdownURL, options: .atomic)
        try Data(html().utf8).write(to: pageURL, options: .atomic)
        return [markdownURL, pageURL]
    }
}
