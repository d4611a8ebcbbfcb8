internal import CYaml
import StemmaCore

/// Checks YAML configs that Hydra's `instantiate` (and so NeMo's `restore_from`, which reads the
/// `model_config.yaml` of a `.nemo` archive) turns into calls: every `_target_` names a callable that is imported
/// and called with the sibling keys as arguments, and so does NeMo's legacy `cls` (or `target`) next to `params`.
///
/// Each `_target_` is resolved as a Python path and judged by the pickle denylist (`os.system`,
/// `builtins.eval`, `subprocess.Popen`, `torch.load`, … are dangerous). A target rooted in the frameworks these
/// configs are written for (NeMo, PyTorch, Lightning, Megatron, transformers, Hydra, OmegaConf) and not on the
/// denylist passes: every NeMo model names dozens of them. Any other target is suspicious, as is a `_target_`
/// computed by an interpolation (`${…}`), which Stemma cannot resolve. YAML libyaml cannot parse is not loadable
/// by Hydra either; it is reported malformed only when it mentions `_target_`.
public enum HydraConfigCheck {
    /// Roots of targets that ML configs legitimately name.
    static let frameworkRoots: Set<String> = [
        "nemo", "torch", "torchaudio", "torchvision", "torchmetrics", "lightning", "pytorch_lightning", "megatron",
        "transformers", "hydra", "omegaconf", "numpy", "sentencepiece", "tokenizers",
    ]
    /// Events read from one file at most (a `.nemo` config has a few thousand).
    static let maxEvents = 4_000_000
    /// The most findings reported for one file.
    static let maxFindings = 100

    /// Checks the bytes of a YAML file.
    public static func check(_ yaml: [UInt8]) -> [ScanFinding] {
        var targets: [String] = []
        let failure = collectTargets(yaml, into: &targets)
        var findings: [ScanFinding] = []
        for target in targets where findings.count < maxFindings {
            if let finding = finding(target: target) { findings.append(finding) }
        }
        if let failure, ChatTemplateRules.firstIndex(of: Array("_target_".utf8), in: yaml) != nil {
            findings.append(
                ScanFinding(
                    .scanMalformed, .malformed,
                    "A YAML config with _target_ keys cannot be parsed: \(failure).",
                    evidence: ScanEvidence(detail: failure)))
        }
        return findings
    }

    /// The finding for one `_target_` value, or nil when it names a framework callable.
    static func finding(target raw: String) -> ScanFinding? {
        let target = raw.trimmingSpaces
        if target.contains("${") {
            return ScanFinding(
                .scanHydraTarget, .suspicious,
                "A Hydra _target_ is computed by an interpolation ('\(target)'); Stemma cannot tell what it calls.",
                evidence: ScanEvidence(detail: target))
        }
        let parts = target.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let (module, name) =
            parts.count > 1 ? (parts[0], parts.dropFirst().joined(separator: ".")) : ("builtins", target)
        let policy = PicklePolicy(profile: .plain, extraAllowedGlobals: [])
        switch policy.rate(PickleGlobal(module: module, name: name, protocol: 4)) {
        case .dangerous(let reason):
            return ScanFinding(
                .scanHydraUnsafeTarget, .dangerous,
                "A Hydra _target_ calls \(target) when the config is instantiated: \(reason).",
                evidence: ScanEvidence(detail: target))
        case .malformed(let reason):
            return ScanFinding(
                .scanHydraTarget, .suspicious, "A Hydra _target_ '\(target)' cannot be resolved: \(reason).",
                evidence: ScanEvidence(detail: target))
        case .allowed, .unknown:
            if frameworkRoots.contains(module) { return nil }
            return ScanFinding(
                .scanHydraTarget, .suspicious,
                "A Hydra _target_ calls \(target), outside the ML frameworks; review it before instantiating.",
                evidence: ScanEvidence(detail: target))
        }
    }

    /// Walks libyaml's events, collecting the scalar value of every `_target_` key (through anchors and aliases);
    /// returns why parsing stopped, or nil at the end of the stream.
    static func collectTargets(_ yaml: [UInt8], into targets: inout [String]) -> String? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return "could not start the YAML parser" }
        defer { yaml_parser_delete(&parser) }
        return yaml.withUnsafeBufferPointer { buffer -> String? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            // For each open collection: whether it is a mapping, whether the next node is a key, the last key, and
            // NeMo's legacy `cls`/`target` values with whether a `params` sibling makes them a target.
            var frames: [(mapping: Bool, expectKey: Bool, key: String?, legacy: [String], params: Bool)] = []
            var anchors: [String: String] = [:]
            var events = 0
            func node(_ text: String?) {
                guard let last = frames.indices.last, frames[last].mapping else { return }
                if frames[last].expectKey {
                    frames[last].key = text
                    if text == "params" { frames[last].params = true }
                } else if let text {
                    if frames[last].key == "_target_" { targets.append(text) }
                    if frames[last].key == "cls" || frames[last].key == "target" { frames[last].legacy.append(text) }
                }
                frames[last].expectKey.toggle()
            }
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "syntax error"
                    return "line \(parser.problem_mark.line + 1): \(problem)"
                }
                defer { yaml_event_delete(&event) }
                events += 1
                guard events <= maxEvents else { return "more than \(maxEvents) YAML events" }
                switch event.type {
                case YAML_SCALAR_EVENT:
                    let scalar = event.data.scalar
                    let text =
                        scalar.value.map {
                            String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
                        } ?? ""
                    if let anchor = scalar.anchor { anchors[String(cString: anchor)] = text }
                    node(text)
                case YAML_ALIAS_EVENT:
                    node(event.data.alias.anchor.flatMap { anchors[String(cString: $0)] })
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    node(nil)
                    guard frames.count < 256 else { return "nests deeper than 256 levels" }
                    frames.append((event.type == YAML_MAPPING_START_EVENT, true, nil, [], false))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    if let frame = frames.popLast(), frame.params { targets += frame.legacy }
                case YAML_STREAM_END_EVENT:
                    return nil
                default:
                    continue
                }
            }
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
