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

    /// Every model-format code, for documentation and SARIF rule tables.
    public static let modelFormatCodes: [FindingCode] = [
        scanKerasLambda, scanKerasModule, scanKerasUnsafeFunction, scanKerasCustomObject, scanKerasUnexpectedMember,
        scanTensorFlowUnsafeOp, scanTensorFlowSuspiciousOp, scanGGUFChatTemplate, scanGGUFUnknownTensorType,
        scanONNXExternalDataEscape, scanONNXCustomDomain,
    ]
}
