/// `PlanSettings.keepFloat`: the names a plan keeps in float (docs/algorithms.md, "What stays
/// float").
struct KeepFloatRule {
    let patterns: [GlobPattern]

    init(_ patterns: [String]) { self.patterns = patterns.map(GlobPattern.init) }

    /// The first pattern, as the user wrote it, that matches the whole of `name`; nil if none.
    func matchingPattern(_ name: String) -> String? { patterns.first { $0.matches(name) }?.description }
}

extension QuantizationPlan {
    /// The plan for `graph` under `settings`, after checking that every `keepFloat` pattern
    /// matches some layer node, weight or activation of a weighted layer — a typo must not
    /// silently quantize what the user meant to keep.
    public init(validating graph: Graph, settings: PlanSettings) throws(PlanError) {
        let names = Self.keepFloatNames(of: graph)
        let all = names.layers + names.weights + names.activations
        for pattern in settings.keepFloat where !all.contains(where: GlobPattern(pattern).matches) {
            throw .unmatchedKeepFloat(pattern: pattern, layers: names.layers, weights: names.weights,
                                      activations: names.activations)
        }
        self.init(graph: graph, settings: settings)
    }

    /// The names `--keep-float` is matched against, each list in graph order without repeats:
    /// every weighted layer, its weight tensor and its input activation.
    static func keepFloatNames(of graph: Graph) -> (layers: [String], weights: [String], activations: [String]) {
        var layers: [String] = [], weights: [String] = [], activations: [String] = []
        for index in weightedLayers(of: graph) {
            let node = graph.nodes[index]
            layers.append(node.name)
            if !weights.contains(node.inputs[1]) { weights.append(node.inputs[1]) }
            if !activations.contains(node.inputs[0]) { activations.append(node.inputs[0]) }
        }
        return (layers, weights, activations)
    }
}

/// A plan the user's settings cannot make.
public enum PlanError: Error, Equatable, CustomStringConvertible {
    case unmatchedKeepFloat(pattern: String, layers: [String], weights: [String], activations: [String])

    public var description: String {
        switch self {
        case let .unmatchedKeepFloat(pattern, layers, weights, activations):
            return "--keep-float '\(pattern)' matches no layer, weight or activation of the model; "
                + "layers: \(layers.joined(separator: ", ")); weights: \(weights.joined(separator: ", ")); "
                + "activations: \(activations.joined(separator: ", "))"
        }
    }
}
