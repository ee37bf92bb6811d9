import Foundation
import LAPQClusterFuzzing
#if LAPQ_LIBFUZZER
import CLibFuzzer
#endif

/// `lapq-fuzz-protocol`: the wire-protocol fuzz target (docs/protocol.md, "Fuzzing").
///
/// Built by Scripts/fuzz-protocol with `-sanitize=fuzzer -DLAPQ_LIBFUZZER`, it is libFuzzer and
/// takes libFuzzer's flags (`-runs=`, `-seed=`, corpus directories…). Built plainly, as every
/// `swift build` does, it replays the input files it is given (a crash file libFuzzer wrote,
/// say) with Swift's own trap messages and backtraces. Either way `--write-seeds DIR` writes the
/// seed corpus. The arguments are parsed by hand because in the fuzzer build they are libFuzzer's.
///
/// The entry point is this `@main` rather than libFuzzer's `main`: SwiftPM links every Swift
/// executable with `main` aliased to the module's own entry point, so libFuzzer runs through
/// `LLVMFuzzerRunDriver` instead.
@main
enum LAPQFuzzProtocol {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--write-seeds" {
            guard arguments.count == 2 else { fail("usage: lapq-fuzz-protocol --write-seeds DIR") }
            writeSeeds(to: URL(fileURLWithPath: arguments[1]))
            return
        }
        #if LAPQ_LIBFUZZER
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            fuzzOne(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        })
        #else
        guard !arguments.isEmpty, !arguments.contains(where: { $0.hasPrefix("-") }) else {
            fail("usage: lapq-fuzz-protocol FILE... (replays fuzz inputs) | --write-seeds DIR")
        }
        for path in arguments { replay(path) }
        #endif
    }

    static func writeSeeds(to directory: URL) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let seeds = ProtocolFuzzSeeds.all
            for seed in seeds { try Data(seed.input.bytes).write(to: directory.appendingPathComponent(seed.name)) }
            print("\(seeds.count) seed inputs written to \(directory.path)")
        } catch {
            fail("cannot write the seed corpus to \(directory.path): \(error)")
        }
    }

    static func replay(_ path: String) {
        guard let data = FileManager.default.contents(atPath: path) else { fail("\(path): cannot read") }
        do {
            let report = try ProtocolFuzzTarget.run(Array(data))
            print("\(path): ok, \(report.framesDecoded) frames decoded, \(report.framesRefused) refused, "
                  + "\(report.evaluationsCompleted) evaluations completed, \(report.jobsRun) jobs run")
        } catch {
            fail("\(path): \(error)")
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(1)
    }
}
