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

/// The allowlists of the profiles (plus names a signed policy adds) and the denylist labels (unsafe-formats.md
/// §6.4): allowlist first, so the denylist never fires on an allowlisted global. The profile is known only
/// once the pickle's imports are (rule 4), so an import is judged without the allowlist when it is made
/// (``judge(_:)``) and the allowlist applied at the pickle's end (``allows(_:in:)``).
struct PicklePolicy: Sendable {
    let extraAllowed: Set<String>
    /// The profile ``rate(_:)`` applies, for callers that judge one name outside a pickle (Hydra targets).
    let profile: PickleProfile

    init(profile: PickleProfile = .plain, extraAllowedGlobals: Set<String>) {
        self.profile = profile
        extraAllowed = extraAllowedGlobals
    }

    /// The rating of `global` under this policy's own profile.
    func rate(_ global: PickleGlobal) -> PickleRating { rate(global, in: profile) }

    /// Whether `profile`'s loader (or the signed policy) accepts the normalised `qualified` name.
    func allows(_ qualified: String, in profile: PickleProfile) -> Bool {
        profile.allowedGlobals.contains(qualified) || extraAllowed.contains(qualified)
    }

    /// The rating of `global` under `profile`: allowlist first, then ``judge(_:)``.
    func rate(_ global: PickleGlobal, in profile: PickleProfile) -> PickleRating {
        allows(global.qualified, in: profile) ? .allowed : judge(global)
    }

    /// The rating of `global` by the denylist, the name rules and what it resolves to; never `.allowed`.
    func judge(_ global: PickleGlobal) -> PickleRating {
        let moduleParts = global.module.split(separator: ".", omittingEmptySubsequences: false)
        let nameParts = global.name.split(separator: ".", omittingEmptySubsequences: false)
        if moduleParts.contains(where: \.isEmpty) || nameParts.contains(where: \.isEmpty) {
            return .malformed("an empty component in '\(global.qualified)'")
        }
        // joblib's compat wrappers are judged by the path their BUILD names (PickleMachine+Joblib), not by the
        // blanket `joblib` entry.
        if PickleProfile.joblibCompatWrappers.contains(global.qualified) { return .unknown }
        if let reason = dangerReason(global, moduleParts: moduleParts, nameParts: nameParts) {
            return .dangerous(reason)
        }
        // Rule 5: the definition the path resolves to, by the packages' own re-exports and aliases. A name on
        // some loader's allowlist is a fixed, harmless definition: not worth the walk.
        if PickleProfile.anyAllowed.contains(global.qualified) { return .unknown }
        for resolved in PickleResolution.steps(from: global.qualified) {
            if let reason = PicklePolicy.resolvedDanger(resolved) {
                return .dangerous("'\(global.qualified)' resolves to '\(resolved)': \(reason)")
            }
        }
        if global.qualified.contains("<locals>") {
            return .malformed("'\(global.qualified)' names a local object, which cannot be imported")
        }
        return .unknown
    }

    private func dangerReason(
        _ global: PickleGlobal, moduleParts: [Substring], nameParts: [Substring]
    ) -> String? {
        if let reason = PicklePolicy.denylistedPrefix(of: moduleParts + nameParts) { return reason }
        for part in nameParts where part.count > 4 && part.hasPrefix("__") && part.hasSuffix("__") {
            return "the dunder attribute '\(part)' reaches interpreter internals"
        }
        for part in moduleParts where part.count > 4 && part.hasPrefix("__") && part.hasSuffix("__") {
            // `__torch__` is TorchScript's namespace of compiled classes (rule 4: the torchscript profile).
            if part != "__main__" && part != "__mp_main__" && part != "__torch__" {
                return "the dunder module component '\(part)' reaches interpreter internals"
            }
        }
        if moduleParts.first == "__torch__" {
            // A TorchScript class path names compiled code; one that walks through a dangerous module's name is
            // not something torch.jit.save writes.
            for part in moduleParts.dropFirst() + nameParts {
                let text = String(part)
                if PickleDenylist.moduleCarriers.contains(text) || PickleDenylist.modules.contains(text) {
                    return "the TorchScript path component '\(text)' names a dangerous module"
                }
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

    /// Every prefix of a path (the module, its parents, and each attribute walked from it) against the denylist
    /// and the definitions its entries resolve to.
    private static func denylistedPrefix(of parts: [Substring]) -> String? {
        var path = ""
        for (index, part) in parts.enumerated() {
            path = index == 0 ? String(part) : path + "." + part
            if PickleDenylist.modules.contains(path) || PickleDenylist.callables.contains(path) {
                return "'\(path)' is on the denylist"
            }
            if PickleResolution.definitions.contains(path) {
                return "'\(path)' is where a denylisted name is defined"
            }
        }
        return nil
    }

    /// What makes a resolved path dangerous: a denylisted prefix, or a builtin that can run code.
    private static func resolvedDanger(_ path: String) -> String? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false)
        if let reason = denylistedPrefix(of: parts) { return reason }
        if parts.count >= 2, parts[0] == "builtins" {
            let builtin = String(parts[1])
            if !PickleDenylist.harmlessBuiltins.contains(builtin) && !PickleDenylist.isExceptionName(builtin) {
                return "'builtins.\(builtin)' can run code or reach the interpreter"
            }
        }
        if parts.count >= 2, let module = PickleGlobal.aliases[String(parts[0])] {
            // A private twin (`_io.open`): judged as the module it stands for.
            return denylistedPrefix(of: [Substring(module)] + parts.dropFirst())
        }
        return nil
    }
}
