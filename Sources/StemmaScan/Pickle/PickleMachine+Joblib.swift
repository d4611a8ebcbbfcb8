import StemmaCore

// `joblib.dump` writes each numpy array inside the pickle stream, right after the BUILD of its
// `NumpyArrayWrapper`, and joblib's unpickler reads it there (joblib/numpy_pickle.py, `read_array`): a padding
// length byte and the padding when the wrapper has `numpy_array_alignment_bytes`, then the raw array bytes, or,
// for object arrays (no padding), one whole pickle read with `pickle.load`. The VM skips the raw bytes and scans the pickle,
// so joblib files parse to their end; anything it cannot size exactly is left to fail as malformed.
extension PickleMachine {
    static let joblibWrapper = "joblib.numpy_pickle.NumpyArrayWrapper"

    /// SETITEM(S) into a dict that sits right above a wrapper instance: the wrapper's state, kept by key.
    mutating func captureJoblibState(from mark: Int) {
        guard mark >= 2, case .dict = stack[mark - 1], case .instance(let index) = stack[mark - 2],
            Int(index) < imports.count, imports[Int(index)].global.qualified == PickleMachine.joblibWrapper
        else { return }
        var position = mark
        while position + 1 < stack.count {
            if case .text(let key) = stack[position], joblibState.count < 16 { joblibState[key] = stack[position + 1] }
            position += 2
        }
    }

    /// BUILD on a `numpy.dtype`: a state with fields or object flags on a non-object type string makes sizes
    /// untrustworthy (numpy would read the array differently), so raw arrays are no longer skipped.
    mutating func checkDTypeState(_ descr: String, state: PickleValue) {
        guard case .tuple(let items) = state, items.count >= 8 else { return }
        if descr.hasPrefix("O") || descr.hasPrefix("|O") { return }
        // Fields, or the NPY_ITEM_HASOBJECT flag (bit 0), would make numpy read objects where the type string
        // says raw data.
        if case .noneValue = items[4], case .int(let flags?) = items[7], flags & 1 == 0 { return }
        trustsDTypes = false
    }

    /// Reads (skips or scans) the array data that follows a wrapper's BUILD.
    mutating func readJoblibArray() throws(PickleFault) {
        let state = joblibState
        joblibState = [:]
        joblibArrayOffset = reader.position
        guard trustsDTypes, let layout = JoblibArrayLayout(state: state) else { return }
        if layout.padded && !layout.holdsObjects { try reader.skip(Int(reader.byte())) }
        let start = reader.position
        if layout.holdsObjects {
            guard depth < limits.maxNestedPickleDepth else {
                throw .limit("a joblib object array pickle nested more than \(limits.maxNestedPickleDepth) deep")
            }
            let scanner = PickleScanner(profile: profile, limits: limits, policy: policy)
            let input = reader.input.slice(offset: start, count: reader.remaining)
            let result = scanner.scan(input, allowTrailingData: true, depth: depth + 1, maxPickles: 1)
            attach(result.findings, place: "in the joblib object array pickle at offset \(start)")
            guard result.pickleCount == 1, !result.findings.contains(where: \.stopsTheScan) else {
                throw .invalid("the object array pickle of a joblib wrapper does not parse")
            }
            try reader.skip(result.endOffset)
        } else {
            try reader.skip(layout.byteCount)
            try sniffArrayData(at: start, count: layout.byteCount)
        }
        joblibArrayOffset = nil
    }

    /// Raw array bytes that look like a pickle are scanned anyway, in case numpy sizes the array differently.
    private mutating func sniffArrayData(at start: Int, count: Int) throws(PickleFault) {
        guard count >= 8, let head = try? reader.input.bytes(at: start, count: 2),
            let last = try? reader.input.bytes(at: start + count - 1, count: 1), head.count == 2
        else { return }
        let headed = head[0] == 0x80 && (2...5).contains(head[1])
        if headed || last == [UInt8(ascii: ".")] {
            scanNested(reader.input.slice(offset: start, count: count), headed: headed)
        }
    }
}
