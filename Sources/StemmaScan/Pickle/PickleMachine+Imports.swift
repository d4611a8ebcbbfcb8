import StemmaCore

// Imports (GLOBAL, INST, STACK_GLOBAL, EXT*), calls (REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX), BUILD, persistent
// ids and container mutation: everything the policy judges.
extension PickleMachine {
    /// Distinct imports kept for one pickle; real pickles have a few dozen.
    static let maxDistinctImports = 65_536

    /// GLOBAL (and the first half of INST): two UTF-8 lines, module and name.
    mutating func importFromLines(_ opcode: PickleOpcode) throws(PickleFault) -> PickleValue {
        let module = try nameLine(opcode)
        let name = try nameLine(opcode)
        return .global(try record(module: module.text, name: name.text, truncated: module.cut || name.cut, opcode))
    }

    private mutating func nameLine(_ opcode: PickleOpcode) throws(PickleFault) -> (text: String, cut: Bool) {
        let line = try reader.line(keep: PickleValue.nameLimit)
        guard line.length >= 1 else { throw .badArgument("an empty \(opcode.name) name") }
        guard let text = String(validating: line.bytes, as: UTF8.self) else {
            throw .badArgument("a \(opcode.name) name that is not UTF-8")
        }
        return (text, line.length > PickleValue.nameLimit)
    }

    /// STACK_GLOBAL: module and name popped from the stack; `_pickle.c` accepts only two `str`.
    mutating func stackGlobal() throws(PickleFault) -> PickleValue {
        let name = try pop()
        let module = try pop()
        switch (module, name) {
        case (.text(let moduleText), .text(let nameText)):
            return .global(try record(module: moduleText, name: nameText, truncated: false, .stackGlobal))
        case (.text, .longText), (.longText, .text), (.longText, .longText):
            let moduleText = if case .text(let text) = module { text } else { "…" }
            let nameText = if case .text(let text) = name { text } else { "…" }
            return .global(try record(module: moduleText, name: nameText, truncated: true, .stackGlobal))
        default:
            add(
                .pickleUnresolvableImport, .dangerous,
                "STACK_GLOBAL imports from a \(module.kindName) and a \(name.kindName) instead of two strings",
                opcode: .stackGlobal)
            return .opaque
        }
    }

    /// INST: import from two lines, then call it with the values above the MARK.
    mutating func instantiate() throws(PickleFault) {
        let mark = try popMark()
        guard case .global(let index) = try importFromLines(.inst) else { return }
        try clear(to: mark)
        markCalled(index, .inst)
        try push(.instance(index))
    }

    /// EXT1/2/4: an import through `copyreg`'s extension registry, which the file does not spell out.
    mutating func extensionImport(_ code: Int) throws(PickleFault) -> PickleValue {
        guard code > 0 else { throw .badArgument("EXT specifies code <= 0") }
        add(
            .pickleExtensionImport, .suspicious, "imports extension code \(code) from the copyreg registry",
            detail: "extension code \(code)")
        return .opaque
    }

    /// Adds an import to the pickle's table (once per spelling) and rates it.
    private mutating func record(
        module: String, name: String, truncated: Bool, _ opcode: PickleOpcode
    ) throws(PickleFault) -> Int32 {
        let key = module + "\n" + name
        if let index = importIndex[key] { return index }
        guard imports.count < PickleMachine.maxDistinctImports else {
            throw .limit("more than \(PickleMachine.maxDistinctImports) distinct imports in one pickle")
        }
        let global = PickleGlobal(module: module, name: name, protocol: protocolVersion)
        // The allowlist is applied at the pickle's end, when its profile is known.
        let rating = policy.judge(global)
        let index = Int32(truncatingIfNeeded: imports.count)
        imports.append(
            PickleImport(global: global, rating: rating, truncated: truncated, offset: opcodeOffset, opcode: opcode))
        importIndex[key] = index
        return index
    }

    private mutating func markCalled(_ index: Int32, _ opcode: PickleOpcode) {
        let slot = Int(index)
        guard slot < imports.count, imports[slot].callOffset == nil else { return }
        imports[slot].callOffset = opcodeOffset
        imports[slot].callOpcode = opcode
    }

    /// REDUCE, NEWOBJ, NEWOBJ_EX, OBJ: what calling `callee` yields.
    mutating func call(
        _ callee: PickleValue, _ opcode: PickleOpcode, arguments: PickleValue = .noneValue
    ) -> PickleValue {
        if case .global(let index) = callee {
            markCalled(index, opcode)
            // `copyreg._reconstructor(cls, base, state)` makes an instance of `cls` (protocol < 2 objects).
            if case .tuple(let items) = arguments, case .global(let cls)? = items.first, Int(index) < imports.count,
                Int(cls) < imports.count, imports[Int(index)].global.qualified == "copyreg._reconstructor"
            {
                markCalled(cls, opcode)
                return .instance(cls)
            }
            if case .tuple(let items) = arguments, case .text(let descr)? = items.first, Int(index) < imports.count,
                imports[Int(index)].global.qualified == "numpy.dtype"
            {
                return .numpyDType(descr)
            }
            return .instance(index)
        }
        note(.pickleIndirectCall, .suspicious, "\(opcode.name) calls a \(callee.kindName), not an imported global")
        return .opaque
    }

    /// BUILD sets state on the value below it; on an imported function or class that is `setattr` on shared
    /// code (modelscan#85), which no data needs.
    mutating func build(on target: PickleValue, state: PickleValue) throws(PickleFault) {
        if case .numpyDType(let descr) = target { checkDTypeState(descr, state: state) }
        if case .instance(let index) = target, Int(index) < imports.count {
            let kind = imports[Int(index)].global.qualified
            if kind == PickleMachine.joblibWrapper {
                try readJoblibArray()
                return
            }
            if PickleProfile.joblibCompatWrappers.contains(kind) {
                checkExternalArray(kind)
                return
            }
        }
        guard case .global(let index) = target, Int(index) < imports.count else { return }
        markCalled(index, .build)
        let imported = imports[Int(index)]
        add(
            .pickleBuildOnGlobal, .dangerous,
            "BUILD sets attributes on the imported \(imported.global.qualified) itself, not on an instance",
            opcode: .build, global: imported.global, called: true)
    }

    /// PERSID: a text persistent id, which PyTorch never writes and other loaders reject.
    mutating func persistentIDLine() throws(PickleFault) {
        let line = try reader.line(keep: PickleValue.nameLimit)
        guard line.bytes.allSatisfy({ $0 < 0x80 }) else { throw .badArgument("a PERSID id that is not ASCII") }
        try persistentID(.text(String(decoding: line.bytes, as: UTF8.self)))
    }

    /// BINPERSID and PERSID: PyTorch expects `("storage", <storage class>, key, location, numel)` (plus a view
    /// for the legacy format); anything else goes to a loader's custom `persistent_load`.
    mutating func persistentID(_ id: PickleValue) throws(PickleFault) {
        if deferred.persistentID == nil {
            deferred.persistentID = PickleDeferredNotes.Event(
                offset: opcodeOffset, opcode: currentOpcode, what: id.kindName)
        }
        if deferred.foreignPersistentID == nil && !isTorchStorageID(id) {
            deferred.foreignPersistentID = PickleDeferredNotes.Event(
                offset: opcodeOffset, opcode: currentOpcode, what: id.kindName)
        }
        try push(.persistent)
    }

    private func isTorchStorageID(_ id: PickleValue) -> Bool {
        guard case .tuple(let items) = id, items.count == 5 || items.count == 6,
            case .text("storage") = items[0], case .global(let index) = items[1], Int(index) < imports.count,
            !imports[Int(index)].truncated, policy.allows(imports[Int(index)].global.qualified, in: .torch)
        else { return false }
        switch (items[2], items[3], items[4]) {
        case (.text, .text, .int): break
        default: return false
        }
        guard items.count == 6 else { return true }
        switch items[5] {
        case .noneValue, .tuple: return true
        default: return false
        }
    }

    /// SETITEM(S), APPEND(S) and ADDITEMS on something other than a dict, list or set literal call methods of
    /// arbitrary objects; PyTorch's weights_only loader corrupts memory on them (CVE-2026-24747).
    mutating func checkMutation(of target: PickleValue, _ opcode: PickleOpcode) {
        let forEveryProfile: Bool
        switch (opcode, target) {
        case (.setitem, .dict), (.setitems, .dict), (.append, .list), (.appends, .list), (.additems, .set): return
        case (.setitem, .instance(let index)), (.setitems, .instance(let index)):
            let kind = Int(index) < imports.count ? imports[Int(index)].global.qualified : ""
            if kind == "collections.OrderedDict" || kind == "collections.Counter" { return }
            forEveryProfile = false
        case (_, .global): forEveryProfile = true
        default: forEveryProfile = false
        }
        // Only the first of each kind is kept: the message is built once, off the hot path.
        if forEveryProfile ? deferred.mutation != nil : deferred.torchMutation != nil { return }
        let seen = PickleDeferredNotes.Event(
            offset: opcodeOffset, opcode: opcode, what: "\(opcode.name) adds items to a \(target.kindName)")
        if forEveryProfile { deferred.mutation = seen } else { deferred.torchMutation = seen }
    }
}
