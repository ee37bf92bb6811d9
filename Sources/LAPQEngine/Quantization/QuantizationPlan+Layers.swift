/// What a plan does with one weighted layer (a Conv, Gemm or MatMul with a constant weight):
/// whether its weight and its input activation are quantized, and when not, why.
struct LayerQuantization {
    /// The layer's node name and its index in the graph's node order.
    var layer: String
    var nodeIndex: Int
    /// The tensors the layer's points would quantize: its weight and its input activation.
    var weight: String
    var activation: String
    /// Why the weight (or the activation, as this layer reads it) stays float; nil: quantized.
    var weightFloatReason: FloatReason?
    var activationFloatReason: FloatReason?
}

extension QuantizationPlan {
    /// Every weighted layer of `graph`, in graph order, with what `settings` keep in float and
    /// why. The one place the rule lives: `init(graph:settings:)` makes its points from this,
    /// and `ModelInspection` shows it.
    ///
    /// The first and last layer (unless asked for) and a layer whose node name a `keepFloat`
    /// pattern matches stay float whole; otherwise the weight stays float at 32 weight bits or
    /// when a pattern matches its name, and likewise the activation.
    static func layerQuantization(of graph: Graph, settings: PlanSettings) -> [LayerQuantization] {
        let layers = weightedLayers(of: graph)
        let keptFloat = KeepFloatRule(settings.keepFloat)
        return layers.map { index in
            let node = graph.nodes[index]
            var layer = LayerQuantization(layer: node.name, nodeIndex: index, weight: node.inputs[1],
                                          activation: node.inputs[0])
            let wholeLayer: FloatReason?
            if index == layers.first, !settings.quantizeFirstLayer {
                wholeLayer = .firstLayer
            } else if index == layers.last, !settings.quantizeLastLayer {
                wholeLayer = .lastLayer
            } else {
                wholeLayer = keptFloat.matchingPattern(node.name).map(FloatReason.keepFloat)
            }
            layer.weightFloatReason = wholeLayer ?? (settings.weightBits == 32
                ? .floatBits : keptFloat.matchingPattern(layer.weight).map(FloatReason.keepFloat))
            layer.activationFloatReason = wholeLayer ?? (settings.activationBits == 32
                ? .floatBits : keptFloat.matchingPattern(layer.activation).map(FloatReason.keepFloat))
            return layer
        }
    }
}
