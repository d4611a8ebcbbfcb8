/// Which loader will read the pickle; picks the allowlist.
public enum PickleProfile: String, Sendable, CaseIterable {
    /// `torch.load(weights_only=True)`'s allowlist (unsafe-formats.md §2.4) plus numpy's dtype, ndarray,
    /// `_reconstruct` and `scalar` for numpy values inside checkpoints.
    case torch
    /// numpy object arrays: `numpy.core/_core.multiarray._reconstruct` and `scalar`, `numpy.ndarray`,
    /// `numpy.dtype`, and the plain-data globals (`np.load` unpickles object arrays with no restriction, and
    /// protocol 2 writes bytes as `_codecs.encode`, ranges as `builtins.range`).
    case numpy
    /// Plain data: no imports, or `collections.OrderedDict/defaultdict`, builtin containers and scalars,
    /// `_codecs.encode`, `copyreg._reconstructor`, `datetime` constructors.
    case plain
    /// `plain` plus `numpy` (joblib and pandas pickles).
    case joblib
    /// A TorchScript archive's pickles (`torch.jit.load`): `torch` plus the `torch.jit._pickle` list builders;
    /// the `__torch__.*` classes they name are compiled from the archive's code, reported as
    /// `scan.torchscript-code`.
    case torchscript

    /// The normalised `module.qualname` globals this loader accepts.
    var allowedGlobals: Set<String> {
        switch self {
        case .torch: return PickleProfile.torchAllowed
        case .numpy: return PickleProfile.numpyAllowed
        case .plain: return PickleProfile.plainGlobals
        case .joblib: return PickleProfile.joblibAllowed
        case .torchscript: return PickleProfile.torchScriptAllowed
        }
    }

    /// Rule 4: the profile a pickle's own imports select (normalised `module.qualname` names).
    ///
    /// The imports of one pickle are all known at its STOP, and that is when the choice is made: a joblib
    /// wrapper makes it joblib, a `__torch__` class or `torch.jit._pickle` builder TorchScript, any other
    /// `torch` import torch, a `numpy` import numpy. Otherwise (or when the container fixes the loader, as a
    /// PyTorch zip does) `fallback` stays; a TorchScript pickle inside a PyTorch zip is still TorchScript.
    static func select(imports: some Sequence<String>, fallback: PickleProfile, fixed: Bool) -> PickleProfile {
        var sawTorch = false
        var sawNumpy = false
        var sawJoblib = false
        for name in imports {
            if name.hasPrefix("__torch__.") || name.hasPrefix("torch.jit._pickle.") { return .torchscript }
            if name.hasPrefix("torch.") { sawTorch = true }
            if name.hasPrefix("numpy.") { sawNumpy = true }
            if joblibWrappers.contains(name) { sawJoblib = true }
        }
        if fixed { return fallback }
        if sawJoblib { return .joblib }
        if sawTorch { return .torch }
        if sawNumpy && fallback != .joblib && fallback != .torch { return .numpy }
        return fallback
    }

    /// joblib's wrappers, the compatibility ones (which make joblib read another file) included.
    static let joblibWrappers: Set<String> = joblibGlobals.union(PickleProfile.joblibCompatWrappers)

    /// joblib < 0.10's wrappers (and their later home in `numpy_pickle_compat`): joblib calls
    /// `np.load(path, allow_pickle=True)` (or reads a zlib file) on a path the pickle names, so they are on no
    /// allowlist; the VM checks the path they name.
    static let joblibCompatWrappers: Set<String> = [
        "joblib.numpy_pickle_compat.NDArrayWrapper", "joblib.numpy_pickle_compat.ZNDArrayWrapper",
        "joblib.numpy_pickle.NDArrayWrapper", "joblib.numpy_pickle.ZNDArrayWrapper",
        "sklearn.externals.joblib.numpy_pickle.NDArrayWrapper",
        "sklearn.externals.joblib.numpy_pickle.ZNDArrayWrapper",
    ]

    /// `torch.jit._pickle`'s builders: each returns its argument (torch/jit/_pickle.py).
    static let torchScriptBuilders: Set<String> = [
        "torch.jit._pickle.build_intlist", "torch.jit._pickle.build_tensorlist",
        "torch.jit._pickle.build_doublelist", "torch.jit._pickle.build_boollist",
        "torch.jit._pickle.build_tensor_from_id", "torch.jit._pickle.restore_type_tag",
    ]

    // Built once: scanners are made per file, and a folder can hold thousands of small pickles.
    private static let torchAllowed = torchGlobals.union(numpyGlobals)
    private static let joblibAllowed = plainGlobals.union(numpyGlobals).union(joblibGlobals)
    private static let numpyAllowed = plainGlobals.union(numpyGlobals)
    private static let torchScriptAllowed = torchAllowed.union(torchScriptBuilders)
    /// Every profile's allowlist together.
    static let anyAllowed = torchScriptAllowed.union(joblibAllowed)

    private static let numpyGlobals: Set<String> = [
        "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
        "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar", "numpy.ndarray", "numpy.dtype",
        // Protocol 5 arrays: numpy rebuilds them from an (in-band) buffer.
        "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer",
    ]

    /// joblib's own wrappers around numpy arrays (`joblib.dump` writes one per array, followed by its bytes).
    static let joblibGlobals: Set<String> = [
        "joblib.numpy_pickle.NumpyArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
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
