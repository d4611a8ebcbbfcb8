import StemmaCore

// Turning what the VM saw into findings with evidence: pickle index, offset, opcode, normalised global, its
// spelling, and whether it was called.
extension PickleMachine {
    /// A finding at the current opcode.
    mutating func add(
        _ code: FindingCode, _ verdict: ScanVerdict, _ message: String, opcode: PickleOpcode? = nil,
        global: PickleGlobal? = nil, called: Bool? = nil, detail: String? = nil
    ) {
        guard findings.accepts(verdict) else { return }
        let evidence = ScanEvidence(
            pickleIndex: pickleIndex, offset: opcodeOffset, opcode: (opcode ?? currentOpcode)?.name,
            global: global?.qualified, spelledAs: global?.spelledAs, called: called, detail: detail)
        findings.add(ScanFinding(code, verdict, message, evidence: evidence))
    }

    /// A finding made at most once per pickle for its code (the first occurrence names the offset).
    mutating func note(_ code: FindingCode, _ verdict: ScanVerdict, _ message: String) {
        guard noted.insert(code).inserted else { return }
        add(code, verdict, message)
    }

    func evidence(for imported: PickleImport) -> ScanEvidence {
        var detail: String? = nil
        if let callOffset = imported.callOffset, let callOpcode = imported.callOpcode {
            detail = "called by \(callOpcode.name) at offset \(callOffset)"
        }
        if imported.truncated {
            detail = [detail, "name cut at \(PickleValue.nameLimit) bytes"].compactMap { $0 }.joined(separator: "; ")
        }
        return ScanEvidence(
            pickleIndex: pickleIndex, offset: imported.offset, opcode: imported.opcode.name,
            global: imported.global.qualified, spelledAs: imported.global.spelledAs, called: imported.isCalled,
            detail: detail)
    }

    func finding(for imported: PickleImport) -> ScanFinding {
        let name = imported.global.qualified
        let verb = imported.isCalled ? "calls" : "imports"
        var evidence = evidence(for: imported)
        if imported.isCalled {
            let loader =
                PickleDenylist.payloadLoaders.contains(name)
                ? name : PickleResolution.steps(from: name).first(where: PickleDenylist.payloadLoaders.contains)
            if let loader {
                let via = loader == name ? "" : " (\(loader))"
                return ScanFinding(
                    .picklePayloadLoader, .dangerous, "calls \(name)\(via), which loads and runs another payload",
                    evidence: evidence)
            }
        }
        switch imported.rating {
        case .allowed, .unknown:
            return ScanFinding(
                .pickleUnknownGlobal, .suspicious,
                "\(verb) \(name), which is outside the \(profile.rawValue) allowlist", evidence: evidence)
        case .dangerous(let reason):
            evidence.detail = [reason, evidence.detail].compactMap { $0 }.joined(separator: "; ")
            return ScanFinding(.pickleDangerousGlobal, .dangerous, "\(verb) \(name): \(reason)", evidence: evidence)
        case .malformed(let reason):
            return ScanFinding(.scanMalformed, .malformed, "imports \(name): \(reason)", evidence: evidence)
        }
    }

    /// The finding for a fault that stopped the pickle.
    mutating func add(fault: PickleFault) {
        switch fault {
        case .limit: add(.scanIncomplete, .malformed, "the pickle was not scanned to its end: \(fault.message)")
        case .unreadable: add(.scanUnreadable, .malformed, fault.message)
        default:
            var message = "the pickle is malformed: \(fault.message)"
            if let arrayOffset = joblibArrayOffset {
                message +=
                    " (joblib array data starts at offset \(arrayOffset); it is not parsed, so the rest of"
                    + " the stream is not proven safe)"
            }
            add(.scanMalformed, .malformed, message)
        }
    }
}
