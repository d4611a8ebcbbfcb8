import StemmaCore

extension ScanSession {
    /// Text formats a loader turns into code paths, recognised by name: `saved_model.pbtxt` (TensorFlow ops),
    /// `config.json` (a Keras model when unzipped into a folder, or in any zip Keras opens), chat templates
    /// (`*.jinja`, `tokenizer_config.json`) and YAML (Hydra/NeMo `_target_`).
    func scanText(_ input: ScanInput, kind: ContentKind, name: String) -> (format: String, [ScanFinding]) {
        let bytes: [UInt8]
        do throws(StemmaError) {
            guard let whole = try input.allBytes(maxBytes: limits.maxMemberBytes) else {
                record("\(kind.rawValue) (too large)")
                return (
                    kind.rawValue,
                    [Self.incomplete("the \(kind.rawValue) file is larger than \(limits.maxMemberBytes) bytes")]
                )
            }
            bytes = whole
        } catch {
            record("\(kind.rawValue) (unreadable)")
            return (kind.rawValue, [Self.unreadable(error)])
        }
        switch kind {
        case .savedModelText:
            return checked(kind.rawValue, SavedModelTextCheck.check(bytes))
        case .jsonConfig:
            guard let findings = KerasConfigCheck.checkConfigFile(bytes) else {
                record("json")
                return ("json", [])
            }
            return checked("keras-config", findings)
        case .chatTemplate:
            return checked(kind.rawValue, ChatTemplateCheck.checkTemplate(bytes))
        case .tokenizerConfig:
            return checked(kind.rawValue, ChatTemplateCheck.checkTokenizerConfig(bytes))
        default:
            return checked("yaml", HydraConfigCheck.check(bytes))
        }
    }

    /// Records `format` and hands back the findings.
    func checked(_ format: String, _ findings: [ScanFinding]) -> (format: String, [ScanFinding]) {
        record(format)
        return (format, findings)
    }
}
