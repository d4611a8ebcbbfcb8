import StemmaCore

/// What the VM saw that only the pickle's profile can judge: persistent ids and container mutation are normal in
/// a torch checkpoint and not elsewhere, and the reverse.
struct PickleDeferredNotes {
    struct Event {
        var offset: Int
        var opcode: PickleOpcode?
        var what: String
    }

    /// The first persistent id, and the first that is not PyTorch's `('storage', …)` tuple.
    var persistentID: Event?
    var foreignPersistentID: Event?
    /// The first mutation of an imported global (flagged in every profile), and the first of anything
    /// but a literal or an `OrderedDict`/`Counter` (flagged in the torch profile).
    var mutation: Event?
    var torchMutation: Event?
}

// Rule 4 (profiles by content): the profile of a pickle is chosen when its last import is known, at its STOP
// (or where it broke), from the names it imported; then the allowlist and the deferred notes are applied.
extension PickleMachine {
    /// Chooses the pickle's profile and reports every import that profile's allowlist does not admit, with
    /// its first call if any, and the deferred notes.
    mutating func flushImports() {
        profile = PickleProfile.select(
            imports: imports.lazy.map(\.global.qualified), fallback: fallbackProfile, fixed: !selectsByContent)
        var torchScriptClasses: [PickleImport] = []
        for var imported in imports {
            if !imported.truncated && policy.allows(imported.global.qualified, in: profile) { continue }
            if profile == .torchscript, imported.rating == .unknown,
                imported.global.module == "__torch__" || imported.global.module.hasPrefix("__torch__.")
            {
                torchScriptClasses.append(imported)
                continue
            }
            if imported.truncated, case .allowed = imported.rating { imported.rating = .unknown }
            findings.add(finding(for: imported))
            if profile == .torch && !notedWeightsOnly {
                notedWeightsOnly = true
                findings.add(
                    ScanFinding(
                        .pickleNotWeightsOnly, .suspicious,
                        "\(imported.global.qualified) is outside torch.load(weights_only=True)'s allowlist",
                        evidence: evidence(for: imported)))
            }
        }
        if let first = torchScriptClasses.first {
            var evidence = evidence(for: first)
            evidence.detail = "\(torchScriptClasses.count) TorchScript class(es), compiled from the archive's code"
            findings.add(
                ScanFinding(
                    .scanTorchScriptCode, .suspicious,
                    "imports TorchScript classes (\(first.global.qualified) …), which torch.jit.load compiles and runs",
                    evidence: evidence))
        }
        flushDeferredNotes()
        imports.removeAll()
        importIndex.removeAll()
    }

    private mutating func flushDeferredNotes() {
        // A name that says torch.load keeps torch's checks even when the imports chose another allowlist.
        let torchLike = profile == .torch || profile == .torchscript || fallbackProfile == .torch
        if torchLike, let event = deferred.foreignPersistentID {
            add(deferred: event, .picklePersistentID, "a persistent id (\(event.what)) is not a ('storage', …) tuple")
        } else if !torchLike, let event = deferred.persistentID {
            add(deferred: event, .picklePersistentID, "a persistent id (\(event.what)) is not expected by this loader")
        }
        if let event = deferred.mutation ?? (torchLike ? deferred.torchMutation : nil) {
            add(deferred: event, .pickleContainerMutation, event.what)
        }
        deferred = PickleDeferredNotes()
    }

    private mutating func add(deferred event: PickleDeferredNotes.Event, _ code: FindingCode, _ message: String) {
        guard noted.insert(code).inserted, findings.accepts(.suspicious) else { return }
        findings.add(
            ScanFinding(
                code, .suspicious, message,
                evidence: ScanEvidence(pickleIndex: pickleIndex, offset: event.offset, opcode: event.opcode?.name)))
    }
}
