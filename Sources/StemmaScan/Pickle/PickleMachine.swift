import StemmaCore

/// The abstract pickle VM: executes every opcode of protocols 0–5 the way CPython's `_pickle.c` does, on
/// abstract values, with a real stack, metastack (MARK) and memo, and reports imports and calls to the policy.
///
/// One machine scans one stream of stacked pickles; the memo, stack and import table are per pickle, as each
/// `pickle.load` call starts a fresh unpickler. It is a struct so the hot loop runs without reference counting
/// or dynamic exclusivity checks.
struct PickleMachine {
    var reader: PickleReader
    let policy: PicklePolicy
    /// The profile when the imports select none (rule 4), and whether they may.
    let fallbackProfile: PickleProfile
    let selectsByContent: Bool
    /// The profile of the current pickle: chosen from its imports at its end (``flushImports()``).
    var profile: PickleProfile
    let limits: ScanLimits
    /// How many pickles this one is nested in (0 for a file's own pickles).
    let depth: Int
    var findings = PickleFindingList()
    var opcodeCount = 0

    // The current pickle.
    var pickleIndex = 0
    var pickleStart = 0
    var protocolVersion = 0
    var sawProtocol = false
    /// Offset and opcode being executed.
    var opcodeOffset = 0
    var currentOpcode: PickleOpcode?
    var stack: [PickleValue] = []
    var marks: [Int] = []
    /// Values below the last MARK cannot be popped (`Pdata->fence`).
    var fence = 0
    var memo: [PickleValue?] = []
    var sparseMemo: [Int: PickleValue] = [:]
    var memoCount = 0
    var imports: [PickleImport] = []
    var importIndex: [String: Int32] = [:]
    /// One-per-pickle notes already made (indirect calls, persistent ids, mutations).
    var noted: Set<FindingCode> = []
    /// Where the raw array bytes of the last joblib `NumpyArrayWrapper` start (joblib writes them inside the
    /// pickle stream, right after the wrapper's BUILD, and its unpickler reads them there).
    var joblibArrayOffset: Int?
    /// The state of the joblib wrapper being built (its dict's keys and values).
    var joblibState: [String: PickleValue] = [:]
    /// False once a numpy dtype's state makes array sizes untrustworthy.
    var trustsDTypes = true
    /// False once a numpy dtype's state gives an item size other than its type string's (rule 5).
    var trustsSizes = true
    /// Constants scanned as nested pickles so far.
    var nestedScans = 0
    /// Whether the torch profile's weights_only note was made for this stream.
    var notedWeightsOnly = false

    /// Profile-dependent observations, judged once the pickle's profile is known.
    var deferred = PickleDeferredNotes()

    init(
        reader: PickleReader, policy: PicklePolicy, profile: PickleProfile, selectsByContent: Bool,
        limits: ScanLimits, depth: Int
    ) {
        self.reader = reader
        self.policy = policy
        self.fallbackProfile = profile
        self.selectsByContent = selectsByContent
        self.profile = profile
        self.limits = limits
        self.depth = depth
    }

    /// Forgets the previous pickle's stack, memo and imports.
    mutating func beginPickle(index: Int) {
        pickleIndex = index
        pickleStart = reader.position
        protocolVersion = 0
        sawProtocol = false
        stack.removeAll(keepingCapacity: true)
        marks.removeAll(keepingCapacity: true)
        fence = 0
        memo.removeAll(keepingCapacity: true)
        sparseMemo.removeAll()
        memoCount = 0
        imports.removeAll()
        importIndex.removeAll()
        noted.removeAll()
        joblibState = [:]
        deferred = PickleDeferredNotes()
        profile = fallbackProfile
    }

    /// Runs one pickle up to and including its STOP.
    mutating func runPickle() throws(PickleFault) {
        while true {
            opcodeOffset = reader.position
            let code = try reader.byte()
            opcodeCount &+= 1
            guard opcodeCount <= limits.maxOpcodes else {
                throw .limit("more than \(limits.maxOpcodes) opcodes")
            }
            guard let opcode = PickleOpcode.table[Int(code)] else { throw .invalidOpcode(code) }
            currentOpcode = opcode
            if try execute(opcode) { return }
        }
    }

    /// Executes one opcode; true after STOP.
    @inline(__always)
    private mutating func execute(_ opcode: PickleOpcode) throws(PickleFault) -> Bool {
        switch opcode {
        case .stop:
            _ = try pop()
            return true
        case .mark:
            marks.append(stack.count)
            fence = stack.count
            try checkDepth()
        case .pop:
            if stack.count > fence {
                stack.removeLast()
            } else {
                _ = try popMark()
            }
        case .popMark: try clear(to: popMark())
        case .dup: try push(top())
        case .noneValue: try push(.noneValue)
        case .newtrue, .newfalse: try push(.bool)
        case .binint1: try push(.int(Int64(reader.unsigned(1))))
        case .binint2: try push(.int(Int64(reader.unsigned(2))))
        case .binint: try push(.int(Int64(Int32(truncatingIfNeeded: reader.unsigned(4)))))
        case .binfloat: try reader.skip(8); try push(.float)
        case .int: try push(integerLine(allowLongSuffix: false))
        case .long: try push(integerLine(allowLongSuffix: true))
        case .long1: try push(long1())
        case .long4:
            try reader.skip(signedLength(4, "LONG pickle has negative byte count"))
            try push(.int(nil))
        case .float: try floatLine(); try push(.float)
        case .string: try push(quotedStringLine())
        case .unicode: try push(rawUnicodeLine())
        case .binstring:
            try push(payload(signedLength(4, "BINSTRING pickle has negative byte count"), as: .byteString))
        case .shortBinstring: try push(payload(Int(reader.unsigned(1)), as: .byteString))
        case .binunicode: try push(payload(Int(reader.unsigned(4)), as: .unicode))
        case .shortBinunicode: try push(payload(Int(reader.unsigned(1)), as: .unicode))
        case .binunicode8: try push(payload(unsignedLength(8), as: .unicode))
        case .binbytes: try push(payload(Int(reader.unsigned(4)), as: .bytes))
        case .shortBinbytes: try push(payload(Int(reader.unsigned(1)), as: .bytes))
        case .binbytes8, .bytearray8: try push(payload(unsignedLength(8), as: .bytes))
        case .nextBuffer: try push(.buffer)
        case .readonlyBuffer: _ = try top()
        case .emptyTuple: try push(.tuple([]))
        case .tuple: try push(.tuple(popItems(to: popMark())))
        case .tuple1: try push(.tuple([pop().asItem]))
        case .tuple2:
            let second = try pop().asItem
            try push(.tuple([pop().asItem, second]))
        case .tuple3:
            let third = try pop().asItem
            let second = try pop().asItem
            try push(.tuple([pop().asItem, second, third]))
        case .emptyList: try push(.list)
        case .emptyDict: try push(.dict)
        case .emptySet: try push(.set)
        case .list: try clearAndPush(.list)
        case .frozenset: try clearAndPush(.frozenset)
        case .dict:
            let mark = try popMark()
            guard (stack.count - mark) % 2 == 0 else { throw .invalid("odd number of items for DICT") }
            try clear(to: mark)
            try push(.dict)
        case .append: try addItems(opcode, from: stack.count - 1, pairs: false)
        case .appends, .additems: try addItems(opcode, from: popMark(), pairs: false)
        case .setitem: try addItems(opcode, from: stack.count - 2, pairs: true)
        case .setitems: try addItems(opcode, from: popMark(), pairs: true)
        case .get: try pushMemo(lineInteger())
        case .binget: try pushMemo(Int(reader.unsigned(1)))
        case .longBinget: try pushMemo(Int(reader.unsigned(4)))
        case .put:
            let key = try lineInteger()
            guard key >= 0 else { throw .badArgument("negative PUT argument") }
            try memoPut(key)
        case .binput: try memoPut(Int(reader.unsigned(1)))
        case .longBinput: try memoPut(Int(reader.unsigned(4)))
        case .memoize: try memoPut(memoCount)
        case .global: try push(importFromLines(opcode))
        case .stackGlobal: try push(stackGlobal())
        case .inst: try instantiate()
        case .ext1: try push(extensionImport(Int(reader.unsigned(1))))
        case .ext2: try push(extensionImport(Int(reader.unsigned(2))))
        case .ext4: try push(extensionImport(Int(Int32(truncatingIfNeeded: reader.unsigned(4)))))
        case .reduce:
            let arguments = try pop()
            try push(call(pop(), opcode, arguments: arguments))
        case .newobj:
            _ = try pop()
            try push(call(pop(), opcode))
        case .newobjEx:
            _ = try pop()
            _ = try pop()
            try push(call(pop(), opcode))
        case .obj:
            let mark = try popMark()
            guard stack.count - mark >= 1 else { throw .stackUnderflow }
            let callee = stack[mark]
            try clear(to: mark)
            try push(call(callee, opcode))
        case .build:
            let state = try pop()
            try build(on: top(), state: state)
        case .persid: try persistentIDLine()
        case .binpersid: try persistentID(pop())
        case .proto: try declareProtocol(Int(reader.byte()))
        case .frame: try frame()
        }
        return false
    }
}
