import StemmaCore

/// Checks the chat templates transformers renders: a `chat_template.jinja` file, and the `chat_template` of a
/// `tokenizer_config.json` (a string, or a list of `{"name", "template"}`). GGUF's templates are checked by
/// ``GGUFCheck`` with the same rules.
///
/// A sandbox-escape construct in clear is suspicious (``ChatTemplateRules``, as for GGUF); one that appears only
/// after the template's constants are decoded and folded (``JinjaConstants``) is dangerous: it was hidden.
public enum ChatTemplateCheck {
    /// Checks a Jinja template file.
    public static func checkTemplate(_ template: [UInt8]) -> [ScanFinding] {
        findings(template, source: "The chat template")
    }

    /// Checks the `chat_template` of a `tokenizer_config.json`. A file Stemma cannot parse is checked as raw
    /// text when it mentions a chat template (the escapes it may hold are then matched undecoded).
    public static func checkTokenizerConfig(_ json: [UInt8]) -> [ScanFinding] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(json, limits: KerasConfigCheck.jsonLimits, source: "tokenizer_config.json")
        } catch {
            guard ChatTemplateRules.firstIndex(of: Array("chat_template".utf8), in: json) != nil else { return [] }
            return [
                ScanFinding(
                    .scanMalformed, .malformed,
                    "tokenizer_config.json holds a chat template but is not valid JSON: \(error.message).")
            ] + findings(json, source: "tokenizer_config.json")
        }
        var templates: [(String, String)] = []
        switch value["chat_template"] {
        case .string(let template)?:
            templates.append(("chat_template", template))
        case .array(let entries)?:
            for entry in entries {
                guard let template = entry["template"]?.stringValue else { continue }
                templates.append(("chat_template[\(entry["name"]?.stringValue ?? "?")]", template))
            }
        default:
            break
        }
        return templates.flatMap { name, template in
            findings(Array(template.utf8), source: "The tokenizer_config.json \(name)")
        }
    }

    /// The clear and the obfuscated findings of one template.
    static func findings(_ template: [UInt8], source: String) -> [ScanFinding] {
        ChatTemplateRules.matches(in: template).map { match in
            ScanFinding(
                .scanChatTemplate, .suspicious,
                "\(source) contains `\(match.token)`, a Jinja sandbox-escape construct.",
                evidence: ScanEvidence(offset: match.offset, detail: "`\(match.token)` in …\(match.excerpt)…"))
        } + obfuscatedFindings(template, source: source)
    }

    /// Findings for constructs that only appear once the template's strings are decoded and folded.
    static func obfuscatedFindings(_ template: [UInt8], source: String) -> [ScanFinding] {
        ChatTemplateRules.obfuscatedMatches(in: template).map { match in
            ScanFinding(
                .scanChatTemplateObfuscated, .dangerous,
                "\(source) builds `\(match.token)` from escaped or concatenated strings, a hidden Jinja sandbox escape.",
                evidence: ScanEvidence(detail: "`\(match.token)` from the constant '\(match.excerpt)'"))
        }
    }
}
