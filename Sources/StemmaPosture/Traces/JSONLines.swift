import StemmaCore

/// JSON Lines (one document a line, blank lines skipped), as the OTLP file exporter and the run history write them.
enum JSONLines {
    /// Parses each non-blank line of `bytes` and hands it to `body` with the line's name for messages
    /// (`source line N`), one document at a time, so only one line's tree is held.
    /// - Throws: ``StemmaError`` for a line that is not JSON, or what `body` throws.
    static func forEach(
        _ bytes: [UInt8], source: String, _ body: (JSONValue, String) throws(StemmaError) -> Void
    ) throws(StemmaError) {
        var start = 0
        var line = 0
        while start < bytes.count {
            line += 1
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            let slice = Array(bytes[start..<end])
            start = end + 1
            if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let name = "\(source) line \(line)"
            try body(try JSONParser.parse(slice, source: name), name)
        }
    }
}
