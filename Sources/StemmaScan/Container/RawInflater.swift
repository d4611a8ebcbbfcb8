import StemmaArchive
import StemmaCore

/// Inflates a raw deflate stream (a zip member) into memory, never past a caller's bound, through the one zip
/// member reader in StemmaArchive.
enum RawInflater {
    /// How an inflation ended.
    enum Outcome {
        /// The stream ended properly.
        case complete([UInt8], ZipMemberReader.Outcome)
        /// The output reached `maxOutput` before the stream ended; holds the first `maxOutput` bytes.
        case exceeded([UInt8])
        /// zlib rejected the data or the input ended early.
        case corrupt(String)
    }

    /// Inflates all of `input`, stopping once more than `maxOutput` bytes would come out.
    /// - Throws: ``StemmaError`` when the input cannot be read.
    static func inflate(_ input: ScanInput, maxOutput: Int) throws(StemmaError) -> Outcome {
        var output: [UInt8] = []
        let outcome = try ZipMemberReader.stream(
            from: input, offset: 0, count: input.count, method: 8, maxOutput: maxOutput
        ) { chunk in output.append(contentsOf: chunk) }
        if outcome.reachedLimit { return .exceeded(output) }
        if let failure = outcome.failure { return .corrupt(failure) }
        return .complete(output, outcome)
    }
}
