/// Globals known to run code, read files or reach the network when a pickle imports or calls them.
///
/// The list only *labels* a non-allowlisted import as dangerous rather than suspicious; what is safe is decided
/// by the profile's allowlist, so a gadget missing here still comes out suspicious, never safe. It is the union
/// of picklescan 1.0.5 `_unsafe_globals`, modelscan 0.8.8 CRITICAL/HIGH, fickling 0.1.12 `UNSAFE_IMPORTS` and
/// `UnsafeImportsML`, and the additions of unsafe-formats.md §6.4, written with normalised names (`posix` and
/// `nt` are `os`, `_pickle` and `cPickle` are `pickle`, `__builtin__` is `builtins`, `_io` is `io`).
enum PickleDenylist {
    /// Modules dangerous as a whole; a submodule matches its parent (`asyncio.unix_events` is `asyncio`).
    static let modules: Set<String> = [
        // picklescan
        "aiohttp", "asyncio", "bdb", "commands", "ctypes", "httplib", "os", "runpy", "shutil", "socket", "ssl",
        "subprocess", "sys", "cProfile", "distutils.file_util", "pdb", "pickle", "pip", "pty", "profile", "pydoc",
        "test", "timeit", "urllib.request", "uuid", "venv", "webbrowser", "_osx_support", "_aix_support", "_pyrepl",
        "requests.api", "numpy.f2py", "numpy.testing._private.utils", "cloudpickle", "torch.utils.bottleneck",
        // modelscan
        "aiohttp.client",
        // fickling UNSAFE_IMPORTS (builtins is handled name by name below)
        "multiprocessing", "_posixsubprocess", "code", "codeop", "marshal", "types", "compile", "exec", "eval",
        "doctest", "importlib", "_frozen_importlib", "_frozen_importlib_external", "_imp", "pkgutil", "zipimport",
        "gc", "site", "unittest", "inspect", "operator", "functools", "trace", "http", "urllib", "urllib2",
        "requests", "smtplib", "imaplib", "ftplib", "poplib", "telnetlib", "nntplib", "_ctypes", "dill", "joblib",
        "tempfile", "filecmp", "distutils", "pexpect", "ensurepip", "idlelib", "lib2to3", "socketserver", "xmlrpc",
        "signal", "_signal", "threading", "_thread", "atexit", "sqlite3", "_sqlite3", "fileinput", "glob",
        "platform", "linecache", "difflib", "compileall", "py_compile", "mmap", "select", "selectors", "logging",
        "syslog", "tarfile", "zipfile", "shelve",
        // fickling UnsafeImportsML
        "torch.hub", "torch._dynamo", "torch._inductor", "torch.jit", "torch.compile", "numpy.distutils",
        // unsafe-formats.md §6.4 and §4
        "mailcap", "torch.package", "_interpreters", "_xxsubinterpreters", "_posixshmem", "mlflow.projects",
        "_sys", "_os", "antigravity",
        // issue 10: gadgets that came out only suspicious (distutils as setuptools vendors it, subprocess's
        // bootstrap twin, legacy importers, Windows process creation, network clients, native code loaders,
        // torch's C++ extension builder and FX code execution, serialisers that run code)
        "setuptools._distutils", "_bootsubprocess", "imp", "_winapi", "urllib3", "jsonpickle",
        "numpy.ctypeslib", "torch.utils.cpp_extension", "torch.fx.graph_module",
    ]

    /// Single callables (or attribute paths) that are dangerous; a longer path below one matches too.
    static let callables: Set<String> = [
        // picklescan
        "torch._dynamo.guards.GuardBuilder.get", "torch._inductor.codecache.compile_file",
        "torch.fx.experimental.symbolic_shapes.ShapeEnv.evaluate_guards_expression",
        "torch.jit.unsupported_tensor_ops.execWrapper", "torch.serialization.load",
        "torch.utils._config_module.ConfigModule.load_config", "torch.utils.collect_env.run",
        "torch.utils.data.datapipes.utils.decoder.basichandlers", "io.FileIO", "io.open", "io.open_code",
        "logging.FileHandler",
        // fickling UnsafeImportsML
        "torch.load", "torch.compile", "torch.storage._load_from_bytes", "torch.utils._config_module.ConfigModule",
        "torch.distributed.elastic.rendezvous.api.basichandlers", "numpy.testing._private.utils.runstring",
        // §6.4
        "functools.partial", "operator.getitem", "operator.attrgetter", "operator.itemgetter",
        "operator.methodcaller", "pkgutil.resolve_name", "codecs.open", "numpy.load", "numpy.lib.npyio.load",
        "numpy.fromfile", "numpy.loadtxt", "numpy.genfromtxt", "pandas.read_pickle", "keras.models.load_model",
        "keras.saving.load_model", "tensorflow.keras.models.load_model", "zlib.decompress",
        // issue 10: file writers, YAML's code-running loaders, torch's native library loaders, Keras internals
        "gzip.open", "gzip.GzipFile", "bz2.open", "bz2.BZ2File", "lzma.open", "lzma.LZMAFile",
        "pathlib.Path.write_text", "pathlib.Path.write_bytes", "pathlib.Path.open", "pathlib.Path.touch",
        "pathlib.Path.mkdir", "pathlib.Path.unlink", "pathlib.Path.rmdir", "pathlib.Path.rename",
        "pathlib.Path.replace", "pathlib.Path.symlink_to", "pathlib.Path.hardlink_to", "pathlib.Path.chmod",
        "xml.dom.minidom.Node.writexml", "xml.dom.minidom.Document.writexml", "yaml.unsafe_load",
        "yaml.unsafe_load_all", "yaml.load", "yaml.load_all", "yaml.UnsafeLoader", "yaml.Loader",
        "yaml.constructor.UnsafeConstructor", "torch.ops.load_library", "torch._ops._Ops.load_library",
        "torch.classes.load_library", "torch._classes._Classes.load_library",
        "keras.src.saving.saving_lib.load_model", "keras.src.legacy.saving.legacy_h5_format.load_model_from_hdf5",
        "torch.fx.graph_module._exec_with_source",
    ]

    /// Callables that load another payload: calling one is dangerous even when the inner bytes look benign.
    static let payloadLoaders: Set<String> = [
        "pickle.loads", "pickle.load", "pickle.Unpickler", "pickle._loads", "pickle._load", "torch.load",
        "torch.serialization.load", "torch.storage._load_from_bytes", "numpy.load", "numpy.lib.npyio.load",
        "joblib.load", "joblib.numpy_pickle.load", "dill.loads", "dill.load", "marshal.loads", "marshal.load",
        "zlib.decompress", "keras.models.load_model", "keras.saving.load_model",
        "tensorflow.keras.models.load_model", "cloudpickle.loads", "cloudpickle.load", "pandas.read_pickle",
        "_pickle.loads", "_pickle.load", "yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.load", "yaml.load_all",
        "jsonpickle.decode", "keras.src.saving.saving_api.load_model",
    ]

    /// `builtins` names that cannot run code (fickling's `SAFE_BUILTINS`); every other builtin is dangerous
    /// except the exception classes.
    static let harmlessBuiltins: Set<String> = [
        "abs", "all", "any", "ascii", "bin", "bool", "bytearray", "bytes", "callable", "chr", "complex", "dict",
        "divmod", "enumerate", "filter", "float", "format", "frozenset", "hash", "hex", "id", "int", "isinstance",
        "issubclass", "iter", "len", "list", "map", "max", "min", "next", "object", "oct", "ord", "pow", "range",
        "repr", "reversed", "round", "set", "slice", "sorted", "str", "sum", "tuple", "zip", "NotImplemented",
        "Ellipsis",
    ]

    /// Attribute names that reach a dangerous module from an innocent one when a protocol 4 dotted name is
    /// walked (`random` → `_os.system`), besides every single-component module of ``modules``.
    static let moduleCarriers: Set<String> = ["os", "_os", "sys", "_sys", "subprocess", "builtins", "posix", "nt"]

    /// Builtin exception and warning classes: harmless to import (Python 2 `exceptions.*` maps to them).
    static func isExceptionName(_ name: String) -> Bool {
        name.hasSuffix("Error") || name.hasSuffix("Exception") || name.hasSuffix("Warning")
            || ["StopIteration", "StopAsyncIteration", "GeneratorExit", "KeyboardInterrupt", "SystemExit"]
                .contains(name)
    }
}
