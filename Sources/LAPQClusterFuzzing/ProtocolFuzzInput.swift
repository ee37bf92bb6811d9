/// How the protocol fuzzer reads its bytes (docs/protocol.md, "Fuzzing"): one setup byte that
/// picks the state machine and the state it starts in, then records of a control byte, a u16
/// little-endian length and that many frame bytes (fewer when the input ends first). Every
/// byte string is a valid input, so libFuzzer's mutations never fall outside the format; the
/// framing keeps a mutated frame from spilling into the next one.
public struct ProtocolFuzzInput: Equatable, Sendable {
    public struct Record: Equatable, Sendable {
        /// What happens around the frame: peer, time step, tick, job completion (`ProtocolFuzzControl`).
        public var control: UInt8
        public var frame: [UInt8]

        public init(control: UInt8, frame: [UInt8]) {
            self.control = control
            self.frame = frame
        }
    }

    public var setup: UInt8
    public var records: [Record]

    public init(setup: UInt8, records: [Record]) {
        self.setup = setup
        self.records = records
    }

    /// Reads any byte string: an empty one is setup 0 with no records, a cut-off record keeps
    /// what is there (a control byte alone is a record with an empty frame).
    public init(parsing bytes: [UInt8]) {
        setup = bytes.first ?? 0
        records = []
        var offset = 1
        while offset < bytes.count {
            let control = bytes[offset]
            let lengthBytes = bytes[min(offset + 1, bytes.count)..<min(offset + 3, bytes.count)]
            let length = lengthBytes.reversed().reduce(0) { $0 << 8 | Int($1) }
            let start = min(offset + 3, bytes.count), end = min(start + length, bytes.count)
            records.append(Record(control: control, frame: Array(bytes[start..<end])))
            offset = end
        }
    }

    /// The bytes `init(parsing:)` reads back as this input; frames must be shorter than 64 KiB.
    public var bytes: [UInt8] {
        var bytes = [setup]
        for record in records {
            precondition(record.frame.count <= Int(UInt16.max), "a fuzz record's frame has at most 65535 bytes")
            bytes += [record.control, UInt8(record.frame.count & 0xFF), UInt8(record.frame.count >> 8)]
            bytes += record.frame
        }
        return bytes
    }
}
