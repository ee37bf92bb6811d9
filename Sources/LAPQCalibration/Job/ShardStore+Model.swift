import Foundation
import LAPQData
import LAPQEngine

extension ShardStore {
    /// The shards of `manifest`, after checking that their samples have the shape the model at
    /// `modelPath` (imported as `graph`) reads: every job opens its data this way, so a misfit
    /// is the same one-line error naming both files.
    static func opening(_ manifest: URL, fitting graph: Graph, modelPath: String) throws -> ShardStore {
        let store = try ShardStore(manifestAt: manifest)
        guard store.sampleShape == graph.input.sampleShape else {
            throw JobError.inputShapeMismatch(model: modelPath, modelShape: graph.input.sampleShape,
                                              data: manifest.path, dataShape: store.sampleShape)
        }
        return store
    }
}
