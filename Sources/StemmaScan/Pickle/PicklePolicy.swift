/// What the policy says about one normalised import.
enum PickleRating: Equatable {
    /// In the profile's allowlist.
    case allowed
    /// Outside the allowlist, not known to be dangerous.
    case unknown
    /// Known to run code (the reason names the denylist entry or rule that matched).
    case dangerous(String)
    /// A name the unpickler cannot resolve (`<locals>`, empty components); loading fails there.
    case malformed(String)
}

/// The allowlist of one profile and the denylist labels (unsafe-formats.md §6.4): allowlist first, so the
/// denylist never fires on an allowlisted global.
struct PicklePolicy: Sendable {
    let allowed: Set<String>

    init(profile: PickleProfile, extraAllowedGlobals: Set<String>) {
        let base = profile.allowedGlobals
        allowed = extraAllowedGlobals.isEmpty ? base : base.union(extraAllowedGlobals)
    }

    func rate(_ global: PickleGlobal) -> PickleRating {
        let moduleParts = global.module.split(separator: ".", omittingEmptySubsequences: false)
        let nameParts = global.name.split(separator: ".", omittingEmptySubsequences: false)
        if moduleParts.contains(where: \.isEmpty) || nameParts.contains(where: \.isEmpty) {
            return .malformed("an empty component in '\(global.qualified)'")
        }
        if allowed.contains(global.qualified) { return .allowed }
        if let reason = dangerReason(global, moduleParts: moduleParts, nameParts: nameParts) {
            return .dangerous(reason)
        }
        if global.qualified.contains("<locals>") {
            return .malformed("'\(global.qualified)' names a local object, which cannot be imported")
        }
        return .unknown
    }

    private func dangerReason(
        _ global: PickleGlobal, moduleParts: [Substring], nameParts: [Substring]
    ) -> String? {
        // Every prefix of the full path: the module, its parents, and each attribute walked from it.
        var path = ""
        for (index, part) in (moduleParts + nameParts).enumerated() {
            path = index == 0 ? String(part) : path + "." + part
            if PickleDenylist.modules.contains(path) { return "'\(path)' is on the denylist" }
            if PickleDenylist.callables.contains(path) { return "'\(path)' is on the denylist" }
        }
        for part in nameParts where part.count > 4 && part.hasPrefix("__") && part.hasSuffix("__") {
            return "the dunder attribute '\(part)' reaches interpreter internals"
        }
        for part in moduleParts where part.count > 4 && part.hasPrefix("__") && part.hasSuffix("__") {
            if part != "__main__" && part != "__mp_main__" {
                return "the dunder module component '\(part)' reaches interpreter internals"
            }
        }
        if nameParts.count > 1 {
            for part in nameParts {
                let text = String(part)
                if PickleDenylist.moduleCarriers.contains(text) || PickleDenylist.modules.contains(text) {
                    return "the attribute '\(text)' reaches a dangerous module"
                }
            }
        }
        if global.module == "builtins", let first = nameParts.first {
            let builtin = String(first)
            if !PickleDenylist.harmlessBuiltins.contains(builtin) && !PickleDenylist.isExceptionName(builtin) {
                return "'builtins.\(builtin)' can run code or reach the interpreter"
            }
        }
        if global.module == "pandas" || global.module.hasPrefix("pandas.io") {
            if let last = nameParts.last, last.hasPrefix("read_") {
                return "'\(global.qualified)' reads files or URLs"
            }
        }
        if global.module.hasPrefix("transformers"),
            nameParts.contains(where: { $0 == "from_pretrained" || $0 == "getattribute_from_module" })
                || global.name == "getattribute_from_module"
        {
            return "'\(global.qualified)' loads another model"
        }
        return nil
    }
}
