/// A steps file's plan settings in words, for the report, `compare` and the HTML pages. The one
/// place that reads `weightBits`, `activationBits`, `quantizeFirstLayer`, `quantizeLastLayer` and
/// `biasCorrection` for display, so a change to how they are stored is made here.
extension StepsFile {
    /// e.g. "W3/A3 lapq", or "W3/A3 lapq +bc" for bias-corrected weights: a run's name in tables.
    public var runLabel: String {
        "W\(weightBits)/A\(activationBits) \(method.rawValue)" + (correctsWeightBias ? " +bc" : "")
    }

    /// e.g. "W3/A3 (first layer float, last layer float), weights bias-corrected".
    public var settingsDescription: String {
        "W\(weightBits)/A\(activationBits)"
            + " (first layer \(quantizeFirstLayer ? "quantized" : "float"),"
            + " last layer \(quantizeLastLayer ? "quantized" : "float"))"
            + (correctsWeightBias ? ", weights bias-corrected" : "")
    }
}
