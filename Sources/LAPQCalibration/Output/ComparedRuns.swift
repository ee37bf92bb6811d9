import Foundation

/// What `compare` shows of several runs, in its text table and on its HTML page alike: a name
/// for each run that tells it from the others, and the float network's row. Runs of several
/// models (e.g. a benchmark over two networks) get the model's name in theirs and one float row
/// per model, before that model's first run, so that no run reads as another network's.
public struct ComparedRuns {
    public typealias Row = (name: String, calibration: StepsFile.Score?, validation: StepsFile.Score?)

    /// Each run's name, in the order given: its `runLabel`, after its model's name when the
    /// runs are of more than one model, and with its directory's name where names still clash.
    public let names: [String]
    /// The float rows and one row per run (named by `names`).
    public let rows: [Row]

    /// `runs`: each run's output directory, as given, and its steps file.
    public init(_ runs: [(directory: String, steps: StepsFile)]) {
        // A model is its bytes (the digest steps.json records) where known, else its path.
        let modelKeys = runs.map { $0.steps.inputs?.model.sha256 ?? $0.steps.model }
        let distinctModels = Array(Set(modelKeys))
        let modelNames = Dictionary(uniqueKeysWithValues: distinctModels.map { key in
            (key, Self.modelName(of: runs[modelKeys.firstIndex(of: key)!].steps.model))
        })
        let ambiguous = Self.clashing(Array(modelNames.values))
        func modelName(_ index: Int) -> String {
            let name = modelNames[modelKeys[index]]!
            return ambiguous.contains(name) ? runs[index].steps.model : name
        }
        let several = distinctModels.count > 1
        let plain = runs.indices.map { (several ? modelName($0) + " " : "") + runs[$0].steps.runLabel }
        let clashingNames = Self.clashing(plain)
        names = runs.indices.map { index in
            clashingNames.contains(plain[index])
                ? "\(plain[index]) (\(URL(fileURLWithPath: runs[index].directory).lastPathComponent))" : plain[index]
        }
        var rows: [Row] = []
        var floatShown: Set<String> = []
        for index in runs.indices {
            let steps = runs[index].steps
            if floatShown.insert(modelKeys[index]).inserted {
                rows.append((several ? "\(modelName(index)) FP32" : "FP32", steps.calibrationScores["float"],
                             steps.validationScores["float"]))
            }
            rows.append((names[index], steps.calibrationScores["quantized"], steps.validationScores["quantized"]))
        }
        self.rows = rows
    }

    /// The names that occur more than once.
    static func clashing(_ names: [String]) -> Set<String> {
        let counts = names.reduce(into: [String: Int]()) { counts, name in counts[name, default: 0] += 1 }
        return Set(counts.filter { $0.value > 1 }.keys)
    }

    /// A model file's name without its folder and `.onnx`.
    static func modelName(of path: String) -> String {
        let file = URL(fileURLWithPath: path).lastPathComponent
        return file.hasSuffix(".onnx") ? String(file.dropLast(5)) : file
    }
}
