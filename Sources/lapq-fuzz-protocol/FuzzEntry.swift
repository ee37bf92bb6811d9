import LAPQClusterFuzzing

/// libFuzzer's entry point: one input through the protocol fuzz target. A violated invariant
/// traps like any other bug, so libFuzzer reports it and keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzOne(Array(UnsafeBufferPointer(start: data, count: size)))
}

func fuzzOne(_ input: [UInt8]) -> CInt {
    do {
        try ProtocolFuzzTarget.run(input)
    } catch {
        fatalError("protocol fuzz invariant violated: \(error)")
    }
    return 0
}
