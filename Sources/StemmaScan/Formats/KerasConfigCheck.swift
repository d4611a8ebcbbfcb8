import StemmaCore

/// The Keras rules over a model config: the `config.json` of a `.keras` archive, the `model_config` attribute of
/// a legacy H5 file, or the JSON inside `keras_metadata.pb`.
///
/// The whole tree is walked, not just `config.layers`: nested Functional and Sequential models, wrappers and
/// compile configs can all carry a Lambda or a module reference (modelscan looks at top-level layers only).
public enum KerasConfigCheck {
    /// Module roots Keras may import while it deserialises a model (compared as the whole first component): Keras,
    /// TensorFlow, and the Keras team's own model libraries, whose presets name their classes by module (flagging
    /// every KerasHub checkpoint would bury the real findings).
    static let allowedModuleRoots: Set<String> = [
        "keras", "tensorflow", "tf_keras", "keras_hub", "keras_nlp", "keras_cv",
    ]
    /// Functions that load, download or write files, or turn safe mode off: reachable from a config through an
    /// allowed module, they are the CVE-2025-8747 / CVE-2025-9906 gadgets.
    static let unsafeFunctionNames: Set<String> = [
        "load_model", "load_weights", "get_file", "enable_unsafe_deserialization", "deserialize_keras_object",
        "model_from_json", "model_from_yaml", "model_from_config", "load_img", "save_model", "save_weights",
        "read_file", "write_file", "py_function", "numpy_function", "py_func", "load", "GFile",
    ]
    /// Depth 128 holds dozens of nested models; the parser and the walk recurse, so it also bounds the stack.
    static let jsonLimits = JSONLimits(maxBytes: 64 << 20, maxDepth: 128, maxValues: 4_000_000)

    /// Applies the Keras rules to a JSON document.
    /// - Parameters:
    ///   - json: the document's bytes.
    ///   - legacyH5: whether it comes from a legacy (H5 or SavedModel) file, whose loader runs Lambda bytecode
    ///     whatever `safe_mode` says (CVE-2025-9905), so every Lambda is dangerous.
    public static func check(json: [UInt8], legacyH5: Bool) -> [ScanFinding] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(json, limits: jsonLimits, source: "Keras config")
        } catch {
            let failure: FormatFailure =
                error.code == .limitExceeded ? .incomplete(error.message) : .malformed(error.message)
            return [failure.finding("Keras config")] + rawLambdaMentions(json)
        }
        return check(value: value, legacyH5: legacyH5)
    }

    /// Checks a file named `config.json`: the config of an unzipped Keras folder, or the member of a zip that
    /// `keras.saving.load_model` opens (it takes any zip, with or without `metadata.json`).
    /// - Returns: the findings when the document is a serialised Keras object (a top-level `class_name` and
    ///   `config`; keys compared after JSON decoding, so `"\u0063lass_name"` counts), nil for any other JSON
    ///   (a Hugging Face `config.json`). A document Stemma cannot parse is checked when it mentions `class_name`
    ///   in any spelling (Python's json accepts NaN and duplicate keys).
    public static func checkConfigFile(_ json: [UInt8]) -> [ScanFinding]? {
        let value: JSONValue
        do {
            value = try JSONParser.parse(json, limits: jsonLimits, source: "config.json")
        } catch {
            let mentions = ["class_name", "\\u"].contains {
                ChatTemplateRules.firstIndex(of: Array($0.utf8), in: json) != nil
            }
            return mentions ? check(json: json, legacyH5: false) : nil
        }
        guard value["class_name"]?.stringValue != nil, value["config"] != nil else { return nil }
        return check(value: value, legacyH5: false)
    }

    /// Applies the Keras rules to a parsed document.
    static func check(value: JSONValue, legacyH5: Bool) -> [ScanFinding] {
        var walker = KerasConfigWalker(legacyH5: legacyH5)
        walker.visit(value, path: "$")
        return walker.findings
    }

    /// A config Stemma could not parse (Python's `json` accepts NaN and duplicate keys) still must not hide a
    /// Lambda: its spelled-out class names are looked for in the raw bytes.
    static func rawLambdaMentions(_ json: [UInt8]) -> [ScanFinding] {
        for token in ["\"__lambda__\"", "\"Lambda\""] {
            if let offset = ChatTemplateRules.firstIndex(of: Array(token.utf8), in: json) {
                return [
                    ScanFinding(
                        .scanKerasLambda, .dangerous,
                        "An unparseable Keras config mentions \(token), a layer that runs code when loaded.",
                        evidence: ScanEvidence(offset: offset, detail: token))
                ]
            }
        }
        return []
    }

    /// The first component of a dotted module name.
    static func moduleRoot(_ module: String) -> String {
        String(module.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }
}

/// One walk over a Keras config tree, collecting findings.
private struct KerasConfigWalker {
    let legacyH5: Bool
    var findings: [ScanFinding] = []

    init(legacyH5: Bool) { self.legacyH5 = legacyH5 }

    mutating func visit(_ value: JSONValue, path: String) {
        switch value {
        case .array(let elements):
            for (index, element) in elements.enumerated() { visit(element, path: "\(path)[\(index)]") }
        case .object(let members):
            inspect(value, members: members, path: path)
            for (key, member) in members { visit(member, path: "\(path).\(key)") }
        default:
            break
        }
    }

    private mutating func inspect(_ object: JSONValue, members: [(String, JSONValue)], path: String) {
        let className = object["class_name"]?.stringValue
        for (key, member) in members where key == "module" || key.hasSuffix("_module") {
            guard let module = member.stringValue else { continue }
            if !KerasConfigCheck.allowedModuleRoots.contains(KerasConfigCheck.moduleRoot(module)) {
                add(
                    .scanKerasModule, .dangerous,
                    "A Keras config names module '\(module)', which Keras imports on load (CVE-2025-1550).",
                    path: path, detail: "\(key): \(module)" + (className.map { ", class_name: \($0)" } ?? ""))
            } else if let className, KerasConfigCheck.unsafeFunctionNames.contains(className) {
                add(
                    .scanKerasUnsafeFunction, .dangerous,
                    "A Keras config calls \(module).\(className) on load.", path: path,
                    detail: "\(module).\(className)")
            }
        }
        if className == "function", let name = object["config"]?.stringValue ?? object["registered_name"]?.stringValue,
            KerasConfigCheck.unsafeFunctionNames.contains(String(name.split(separator: ".").last ?? ""))
        {
            let module = object["module"]?.stringValue ?? "?"
            add(
                .scanKerasUnsafeFunction, .dangerous,
                "A Keras config references \(module).\(name), which loads or fetches files on load "
                    + "(CVE-2025-8747 / CVE-2025-9906).", path: path, detail: "\(module).\(name)")
        }
        if className == "Lambda" { inspectLambda(object, path: path) }
        inspectFileLoadingLayer(object, className: className, path: path)
        if let registered = object["registered_name"]?.stringValue, isCustom(registered) {
            add(
                .scanKerasCustomObject, .suspicious,
                "A Keras config names the registered custom object '\(registered)', which needs custom code.",
                path: path, detail: "registered_name: \(registered)")
        }
    }

    private mutating func inspectLambda(_ layer: JSONValue, path: String) {
        let config = layer["config"]
        let function = config?["function"]
        let name = config?["name"]?.stringValue.map { " '\($0)'" } ?? ""
        // Keras 3 writes `{"class_name": "__lambda__", …}`; tf.keras 2 writes a (code, defaults, closure) list,
        // or the same as `{"class_name": "__tuple__", "items": […]}` in SavedModel metadata.
        let functionClass = function?["class_name"]?.stringValue
        // `output_shape` and `mask` are deserialised the same way as `function` (Keras 3's Lambda.from_config,
        // tf.keras 2's `output_shape_type`/`mask_type == "lambda"`), so bytecode in either runs too; a plain list
        // there is a shape, not code.
        let otherBytecode = ["output_shape", "mask"].contains { key in
            let member = config?[key]?["class_name"]?.stringValue
            return member == "__lambda__" || member == "__tuple__" || config?["\(key)_type"]?.stringValue == "lambda"
        }
        let bytecode =
            functionClass == "__lambda__" || functionClass == "__tuple__" || function?.arrayValue != nil
            || config?["function_type"]?.stringValue == "lambda" || otherBytecode
        if bytecode {
            let when =
                legacyH5 ? "whenever it is loaded (Keras ignores safe_mode here)" : "with safe_mode=False or Keras < 3"
            add(
                .scanKerasLambda, .dangerous,
                "The Keras Lambda layer\(name) carries Python bytecode that runs \(when).", path: path,
                detail: "Lambda\(name): bytecode")
        } else if legacyH5 {
            add(
                .scanKerasLambda, .dangerous,
                "The Keras Lambda layer\(name) calls a Python function, which a legacy loader runs unconditionally.",
                path: path, detail: "Lambda\(name)")
        } else {
            add(
                .scanKerasLambda, .suspicious,
                "The Keras Lambda layer\(name) calls a named function; review what it refers to.", path: path,
                detail: "Lambda\(name)")
        }
    }

    /// Layers that read files named in the config when they are built: `TFSMLayer` loads a whole SavedModel (its
    /// ops run; Keras blocks it in safe_mode only since 3.12), and the lookup and vectorisation layers read a
    /// `vocabulary` given as a path (any local file ends up inside the model).
    private mutating func inspectFileLoadingLayer(_ layer: JSONValue, className: String?, path: String) {
        guard let className else { return }
        let config = layer["config"]
        if className == "TFSMLayer" {
            let target = config?["filepath"]?.stringValue ?? "?"
            add(
                .scanKerasUnsafeFunction, .dangerous,
                "A Keras TFSMLayer loads the SavedModel at '\(target)' on load, and runs its graph.", path: path,
                detail: "TFSMLayer: \(target)")
        } else if ["StringLookup", "IntegerLookup", "TextVectorization"].contains(className),
            let vocabulary = config?["vocabulary"]?.stringValue
        {
            add(
                .scanKerasUnsafeFunction, .suspicious,
                "A Keras \(className) reads its vocabulary from the file '\(vocabulary)' on load.", path: path,
                detail: "\(className).vocabulary: \(vocabulary)")
        }
    }

    /// A registered name Keras itself does not write: a `package>Name` outside keras, or a dotted name rooted
    /// outside the allowed modules.
    private func isCustom(_ registered: String) -> Bool {
        if let marker = registered.firstIndex(of: ">") {
            return !KerasConfigCheck.allowedModuleRoots.contains(String(registered[..<marker]))
        }
        if registered.contains(".") {
            return !KerasConfigCheck.allowedModuleRoots.contains(KerasConfigCheck.moduleRoot(registered))
        }
        return false
    }

    private mutating func add(
        _ code: FindingCode, _ verdict: ScanVerdict, _ message: String, path: String, detail: String
    ) {
        findings.append(ScanFinding(code, verdict, message, evidence: ScanEvidence(detail: "\(detail) at \(path)")))
    }
}

extension KerasConfigCheck {
    /// Checks a `.keras` archive's member names: Keras writes `config.json`, `metadata.json`, weights as `*.h5`
    /// or `*.npz`, and `assets/…`; anything else is suspicious (and pickles among them are scanned by the caller).
    public static func checkMemberNames(_ names: [String]) -> [ScanFinding] {
        var findings: [ScanFinding] = []
        for name in names {
            let expected =
                name == "config.json" || name == "metadata.json" || name.hasSuffix(".h5") || name.hasSuffix(".npz")
                || name.hasPrefix("assets/") || name == "assets"
            guard !expected else { continue }
            findings.append(
                ScanFinding(
                    .scanKerasUnexpectedMember, .suspicious,
                    "The .keras archive holds '\(name)', which Keras does not write.",
                    evidence: ScanEvidence(member: [name], detail: name)))
        }
        return findings
    }
}
