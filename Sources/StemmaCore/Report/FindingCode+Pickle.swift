// Codes of the pickle VM and its policy (`stemma scan`). Parse failures and limits use the shared
// `scan.malformed` and `scan.incomplete` codes of `FindingCode+Scan.swift`.
extension FindingCode {
    public static let pickleDangerousGlobal = FindingCode(
        "pickle.dangerous-global", .error, "A pickle imports or calls a callable known to run code when it is loaded.")
    public static let pickleUnknownGlobal = FindingCode(
        "pickle.unknown-global", .warning, "A pickle imports a global outside its loader's allowlist.")
    public static let pickleUnresolvableImport = FindingCode(
        "pickle.unresolvable-import", .error,
        "A pickle builds an import from values that are not two strings, which only an attack needs.")
    public static let pickleExtensionImport = FindingCode(
        "pickle.extension-import", .warning,
        "A pickle imports through the copyreg extension registry (EXT1/EXT2/EXT4), which a scanner cannot resolve.")
    public static let picklePayloadLoader = FindingCode(
        "pickle.payload-loader", .error,
        "A pickle calls a loader of another payload (pickle.loads, torch.load, marshal.loads, …).")
    public static let pickleBuildOnGlobal = FindingCode(
        "pickle.build-on-global", .error,
        "A pickle sets state (BUILD) on an imported function or class instead of an instance.")
    public static let pickleIndirectCall = FindingCode(
        "pickle.indirect-call", .warning, "A pickle calls a value that is not an imported global.")
    public static let pickleNotWeightsOnly = FindingCode(
        "pickle.not-weights-only", .warning,
        "A PyTorch pickle imports a global outside torch.load(weights_only=True)'s allowlist, so it will not load "
            + "with PyTorch's default since 2.6.")
    public static let picklePersistentID = FindingCode(
        "pickle.persistent-id", .warning,
        "A pickle holds a persistent id its loader does not expect (PyTorch expects ('storage', …) tuples).")
    public static let pickleContainerMutation = FindingCode(
        "pickle.container-mutation", .warning,
        "A PyTorch pickle adds items to a value that is not a dict, list or set (CVE-2026-24747).")
    public static let pickleProtocolAnomaly = FindingCode(
        "pickle.protocol-anomaly", .warning, "A pickle declares its protocol twice or not at its start.")

    /// Every pickle code, for documentation and SARIF rule tables.
    public static let pickleExternalArray = FindingCode(
        "pickle.external-array", .warning,
        "A joblib pickle (pre-0.10 NDArrayWrapper) makes joblib load another file next to it with "
            + "np.load(allow_pickle=True); that file must be scanned too.")

    public static let pickleCodes: [FindingCode] = [
        pickleExternalArray,
        pickleDangerousGlobal, pickleUnknownGlobal, pickleUnresolvableImport, pickleExtensionImport,
        picklePayloadLoader, pickleBuildOnGlobal, pickleIndirectCall, pickleNotWeightsOnly, picklePersistentID,
        pickleContainerMutation, pickleProtocolAnomaly,
    ]
}
