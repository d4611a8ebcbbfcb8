/// The YAML front matter of a Markdown card: the text between a first line `---` and the next line `---`.
enum FrontMatter {
    enum Outcome {
        case found([UInt8])
        case missing
        case unterminated
    }

    /// Extracts the front matter from the start of `bytes` (which may be only the head of a long card).
    static func extract(_ bytes: [UInt8]) -> Outcome {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }  // UTF-8 byte order mark
        let opener: [UInt8] = Array("---".utf8)
        guard bytes.count >= start + 3, Array(bytes[start..<(start + 3)]) == opener else { return .missing }
        var index = start + 3
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\r") {
            index += 1
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\n") else { return .missing }
        let bodyStart = index + 1
        var lineStart = bodyStart
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            var content = bytes[lineStart..<lineEnd]
            while let last = content.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") {
                content = content.dropLast()
            }
            if content.elementsEqual(opener) || content.elementsEqual(Array("...".utf8)) {
                return .found(Array(bytes[bodyStart..<lineStart]))
            }
            lineStart = lineEnd + 1
        }
        return .unterminated
    }
}
