/// A steps file's plan settings in words, for the report, `compare` and the HTML pages: the one
/// place that renders `plan` for display.
extension StepsFile {
    /// e.g. "W3/A3 lapq", "W3/A3 lapq +bc" for bias-corrected weights, "W3/A3 lapq unbounded"
    /// for a Powell without step bounds: a run's name in tables.
    public var runLabel: String {
        "\(plan.bitsLabel) \(method.rawValue)" + (method == .lapq && stepBounds == nil ? " unbounded" : "")
            + (plan.correctsWeightBias ? " +bc" : "")
    }

    /// e.g. "W3/A3 (first layer float, last layer float), weights bias-corrected".
    public var settingsDescription: String {
        plan.bitsLabel
            + " (first layer \(plan.quantizeFirstLayer ? "quantized" : "float"),"
            + " last layer \(plan.quantizeLastLayer ? "quantized" : "float"))"
            + (plan.correctsWeightBias ? ", weights bias-corrected" : "")
    }
}
