/// Which loader will read the pickle; picks the allowlist.
public enum PickleProfile: String, Sendable, CaseIterable {
    /// `torch.load(weights_only=True)`'s allowlist (unsafe-formats.md §2.4) plus numpy's dtype, ndarray,
    /// `_reconstruct` and `scalar` for numpy values inside checkpoints.
    case torch
    /// numpy object arrays: `numpy.core/_core.multiarray._reconstruct` and `scalar`, `numpy.ndarray`,
    /// `numpy.dtype`.
    case numpy
    /// Plain data: no imports, or `collections.OrderedDict/defaultdict`, builtin containers and scalars,
    /// `_codecs.encode`, `copyreg._reconstructor`, `datetime` constructors.
    case plain
    /// `plain` plus `numpy` (joblib and pandas pickles).
    case joblib

    /// The normalised `module.qualname` globals this loader accepts.
    var allowedGlobals: Set<String> {
        switch self {
        case .torch: return PickleProfile.torchAllowed
        case .numpy: return PickleProfile.numpyGlobals
        case .plain: return PickleProfile.plainGlobals
        case .joblib: return PickleProfile.joblibAllowed
        }
    }

    // Built once: scanners are made per file, and a folder can hold thousands of small pickles.
    private static let torchAllowed = torchGlobals.union(numpyGlobals)
    private static let joblibAllowed = plainGlobals.union(numpyGlobals).union(joblibGlobals)

    private static let numpyGlobals: Set<String> = [
        "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
        "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar", "numpy.ndarray", "numpy.dtype",
        // Protocol 5 arrays: numpy rebuilds them from an (in-band) buffer.
        "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer",
    ]

    /// joblib's own wrappers around numpy arrays (`joblib.dump` writes one per array).
    static let joblibGlobals: Set<String> = [
        "joblib.numpy_pickle.NumpyArrayWrapper", "joblib.numpy_pickle_compat.NDArrayWrapper",
        "joblib.numpy_pickle_compat.ZNDArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
    ]

    private static let plainGlobals: Set<String> = [
        "collections.OrderedDict", "collections.defaultdict", "builtins.set", "builtins.frozenset",
        "builtins.bytearray", "builtins.complex", "builtins.slice", "builtins.range", "builtins.object",
        // defaultdict(list) and friends name the container type as its factory.
        "builtins.list", "builtins.dict", "builtins.tuple", "builtins.int", "builtins.float", "builtins.str",
        "builtins.bytes", "builtins.bool", "codecs.encode", "copyreg._reconstructor", "datetime.datetime",
        "datetime.date", "datetime.time", "datetime.timedelta", "datetime.timezone",
    ]

    /// PyTorch's `_get_allowed_globals()` (torch/_weights_only_unpickler.py), spelled the way pickles name them.
    private static let torchGlobals: Set<String> = {
        var globals: Set<String> = [
            "collections.OrderedDict", "collections.Counter", "torch.nn.parameter.Parameter",
            "torch.serialization._get_layout", "torch.Size", "torch.Tensor", "torch.device", "codecs.encode",
            "builtins.bytearray", "builtins.set", "builtins.complex", "torch._tensor._rebuild_from_type_v2",
            "torch.UntypedStorage", "torch.storage.UntypedStorage", "torch.TypedStorage",
            "torch.storage.TypedStorage", "torch.per_tensor_affine", "torch.per_tensor_symmetric",
            "torch.per_channel_affine", "torch.per_channel_symmetric", "torch.per_channel_affine_float_qparams",
        ]
        let rebuilders = [
            "parameter", "parameter_with_state", "qtensor", "tensor", "tensor_v2", "tensor_v3", "sparse_tensor",
            "meta_tensor_no_storage", "nested_tensor", "wrapper_subclass", "device_tensor_from_cpu_tensor",
            "device_tensor_from_numpy",
        ]
        for name in rebuilders { globals.insert("torch._utils._rebuild_\(name)") }
        let storageKinds = [
            "Double", "Float", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool", "ComplexDouble",
            "ComplexFloat", "QUInt8", "QInt8", "QInt32", "QUInt4x2", "QUInt2x4",
        ]
        for kind in storageKinds { globals.insert("torch.\(kind)Storage") }
        for kind in ["Double", "Float", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool"] {
            globals.insert("torch.\(kind)Tensor")
            globals.insert("torch.cuda.\(kind)Tensor")
        }
        let dtypes = [
            "float32", "float", "float64", "double", "float16", "half", "bfloat16", "complex32", "chalf",
            "complex64", "cfloat", "complex128", "cdouble", "uint8", "uint16", "uint32", "uint64", "int8", "int16",
            "short", "int32", "int", "int64", "long", "bool", "quint8", "qint8", "qint32", "quint4x2", "quint2x4",
            "float8_e5m2", "float8_e4m3fn", "float8_e5m2fnuz", "float8_e4m3fnuz", "float8_e8m0fnu",
            "float4_e2m1fn_x2", "bits1x8", "bits2x4", "bits4x2", "bits8", "bits16", "uint1", "uint2", "uint3",
            "uint4", "uint5", "uint6", "uint7", "int1", "int2", "int3", "int4", "int5", "int6", "int7",
        ]
        for dtype in dtypes { globals.insert("torch.\(dtype)") }
        return globals
    }()
}
