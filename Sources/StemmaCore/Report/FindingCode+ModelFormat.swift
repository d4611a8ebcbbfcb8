// Codes for the model formats that are not pickles: Keras, HDF5, TensorFlow SavedModel, GGUF, ONNX. Structural
// problems of any of them (safetensors and GGUF included) use the shared `scan.malformed` and `scan.incomplete`.
extension FindingCode {
    public static let scanKerasLambda = FindingCode(
        "scan.keras-lambda", .error,
        "A Keras Lambda layer carries Python bytecode or names a function that runs when the model is loaded.")
    public static let scanKerasModule = FindingCode(
        "scan.keras-module", .error,
        "A Keras config names a module outside keras and tensorflow, which Keras imports when it loads the model.")
    public static let scanKerasUnsafeFunction = FindingCode(
        "scan.keras-unsafe-function", .error,
        "A Keras config calls a function that loads, downloads or writes files when the model is loaded.")
    public static let scanKerasCustomObject = FindingCode(
        "scan.keras-custom-object", .warning,
        "A Keras config names a registered custom object, which needs custom code to load.")
    public static let scanKerasUnexpectedMember = FindingCode(
        "scan.keras-unexpected-member", .warning,
        "A .keras archive holds a member Keras does not write (only config.json, metadata.json, weights, assets).")
    public static let scanTensorFlowUnsafeOp = FindingCode(
        "scan.tf-unsafe-op", .error,
        "A TensorFlow graph runs an op that reads or writes files or calls back into Python.")
    public static let scanTensorFlowSuspiciousOp = FindingCode(
        "scan.tf-suspicious-op", .warning,
        "A TensorFlow graph runs an op that touches the file system or maps files, outside the standard saver.")
    public static let scanGGUFChatTemplate = FindingCode(
        "scan.gguf-chat-template", .warning,
        "A GGUF chat template holds a Jinja sandbox-escape construct (CVE-2024-34359 class).")
    public static let scanGGUFUnknownTensorType = FindingCode(
        "scan.gguf-unknown-tensor-type", .warning,
        "A GGUF tensor has a ggml type Stemma does not know, so its size could not be checked.")
    public static let scanONNXExternalDataEscape = FindingCode(
        "scan.onnx-external-data-escape", .error,
        "An ONNX tensor's external data path is absolute, climbs out with '..', or resolves outside the model folder.")
    public static let scanONNXCustomDomain = FindingCode(
        "scan.onnx-custom-domain", .warning,
        "An ONNX model uses operators from a custom domain, which needs a native custom-op library.")
    public static let scanNotAModelFile = FindingCode(
        "scan.not-a-model-file", .error,
        "A file named like a model (.pkl, .pt, .bin, .safetensors, ...) holds bytes no model loader reads.")
    public static let scanChatTemplate = FindingCode(
        "scan.chat-template", .warning,
        "A chat template (tokenizer_config.json, *.jinja) holds a Jinja sandbox-escape construct.")
    public static let scanChatTemplateObfuscated = FindingCode(
        "scan.chat-template-obfuscated", .error,
        "A chat template spells a Jinja sandbox-escape construct with escapes or concatenated strings.")
    public static let scanHydraUnsafeTarget = FindingCode(
        "scan.hydra-unsafe-target", .error,
        "A Hydra/NeMo config's _target_ names a callable that runs code, reads files or loads payloads.")
    public static let scanHydraTarget = FindingCode(
        "scan.hydra-target", .warning,
        "A Hydra/NeMo config's _target_ names a callable outside the known ML frameworks; instantiate() calls it.")

    /// Every model-format code, for documentation and SARIF rule tables.
    public static let modelFormatCodes: [FindingCode] = [
        scanKerasLambda, scanKerasModule, scanKerasUnsafeFunction, scanKerasCustomObject, scanKerasUnexpectedMember,
        scanTensorFlowUnsafeOp, scanTensorFlowSuspiciousOp, scanGGUFChatTemplate, scanGGUFUnknownTensorType,
        scanONNXExternalDataEscape, scanONNXCustomDomain, scanNotAModelFile, scanChatTemplate,
        scanChatTemplateObfuscated, scanHydraUnsafeTarget, scanHydraTarget,
    ]
}
