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
            Int(index) < imports.count, PickleProfile.joblibWrappers.contains(imports[Int(index)].global.qualified)
        else { return }
        var position = mark
        while position + 1 < stack.count {
            if case .text(let key) = stack[position], joblibState.count < 16 { joblibState[key] = stack[position + 1] }
            position += 2
        }
    }

    /// BUILD on a `numpy.dtype`: its state `(version, byteorder, subarray, names, fields, elsize, alignment,
    /// flags[, metadata])` can give the dtype another stored item size than its type string says (a subarray
    /// shape, fields, an `elsize` for a flexible type) or objects; joblib then reads `count × itemsize` bytes of
    /// the real dtype. Array sizes are trusted only for states that keep the type string's size (rule 5: never
    /// skip bytes whose size the pickle does not fix); otherwise no array is skipped and the bytes are parsed.
    mutating func checkDTypeState(_ descr: String, state: PickleValue) {
        guard case .tuple(let items) = state, items.count == 8 || items.count == 9 else {
            trustsDTypes = false
            return
        }
        switch (items[2], items[3], items[4], items[5], items[7]) {
        case (.noneValue, .noneValue, .noneValue, .int(let elsize?), .int(let flags?)):
            // NPY_ITEM_HASOBJECT (bit 0) on a non-object type string makes numpy read objects.
            let objectDescr = descr.hasPrefix("O") || descr.hasPrefix("|O")
            if !objectDescr && flags & 1 != 0 { trustsDTypes = false }
            // numpy takes a flexible type's (S, U, V) elsize as its item size, 0 included (nothing to read, while
            // the type string says 8); only -1 or the type string's own size keeps the skip honest.
            if elsize != -1 && JoblibArrayLayout.itemSize(of: descr).map({ Int64($0) }) != elsize {
                trustsSizes = false
            }
        default:
            trustsDTypes = false
        }
    }

    /// BUILD on a pre-0.10 wrapper: joblib will `np.load(os.path.join(folder of the pickle, filename),
    /// allow_pickle=True)` (or inflate it, for `ZNDArrayWrapper`). A bare file name stays in the model's folder,
    /// where the folder scan reads it too: suspicious. A path (separators, `..`, absolute) or a name the pickle
    /// does not spell out reaches any file: dangerous.
    mutating func checkExternalArray(_ kind: String) {
        let state = joblibState
        joblibState = [:]
        let wrapper = kind.split(separator: ".").last.map(String.init) ?? kind
        guard case .text(let name)? = state["filename"] else {
            add(
                .picklePayloadLoader, .dangerous,
                "\(wrapper) makes joblib np.load(allow_pickle=True) a file the pickle does not name as a constant",
                opcode: .build)
            return
        }
        let bare =
            !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\\")
            && !name.contains("\u{0}") && !name.contains(":")
        if bare {
            add(
                .pickleExternalArray, .suspicious,
                "\(wrapper) makes joblib np.load('\(name)', allow_pickle=True) from the pickle's folder; scan that file too",
                opcode: .build, detail: name)
        } else {
            add(
                .picklePayloadLoader, .dangerous,
                "\(wrapper) makes joblib np.load('\(name)', allow_pickle=True), a path outside the pickle's folder",
                opcode: .build, detail: name)
        }
    }

    /// Reads (skips or scans) the array data that follows a wrapper's BUILD.
    mutating func readJoblibArray() throws(PickleFault) {
        let state = joblibState
        joblibState = [:]
        joblibArrayOffset = reader.position
        // joblib reads the array's bytes right here, whatever the VM knows of them. When the pickle does not fix
        // their size (a state the VM did not see built in place, such as one fetched from the memo; a dtype state
        // that changes the item size or adds objects), the bytes are parsed as what follows (what a reader that
        // takes fewer bytes would unpickle, findings included), and the file is at least malformed: joblib may
        // unpickle other bytes than the ones scanned (rule 5: never safe).
        guard let layout = JoblibArrayLayout(state: state) else {
            unsizedArray("a joblib array wrapper's state is not built in place, so the array's size is unknown")
            return
        }
        guard trustsDTypes else {
            unsizedArray("a dtype state makes joblib read an array whose layout the type string does not give")
            return
        }
        if layout.padded && !layout.holdsObjects { try reader.skip(Int(reader.byte())) }
        guard trustsSizes || layout.holdsObjects else {
            unsizedArray(
                "a dtype state gives an item size other than its type string's, so joblib reads another number of "
                    + "array bytes than the pickle fixes")
            return
        }
        let start = reader.position
        if layout.holdsObjects {
            guard depth < limits.maxNestedPickleDepth else {
                throw .limit("a joblib object array pickle nested more than \(limits.maxNestedPickleDepth) deep")
            }
            let scanner = PickleScanner(profile: .joblib, limits: limits, policy: policy, selectsByContent: true)
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

    /// Array bytes whose size the pickle does not fix: a malformed finding, and the bytes parsed as what follows.
    private mutating func unsizedArray(_ reason: String) {
        add(
            .scanMalformed, .malformed,
            "\(reason); the bytes after offset \(reader.position) are parsed as pickle opcodes, but joblib may "
                + "read them as array data and unpickle what follows", opcode: .build)
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
