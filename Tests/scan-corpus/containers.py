"""Hostile files in containers (reference §4 items 7, 19-23, §6.2): PyTorch zips and legacy files, zip tricks,
nested archives, tar, compressed pickles, 7z, npy/npz."""

import bz2
import gzip
import io
import lzma
import struct

import zipfile

import pickle_asm as a
import torch_like
from corpus import FIXED_MTIME, FIXED_TIME, tar_bytes, zip_bytes, zip_entries
from pickles import os_system

D = "dangerous"


def torch_zip(data_pkl, *, prefix="archive", extra=(), first=(), align=True):
    """A torch.save-style zip: <prefix>/data.pkl first, then the bookkeeping members and the storages,
    stored (not compressed) with each member's data aligned to 64 bytes as torch's writer does."""
    _benign_pkl, storages = torch_like.zip_data_pkl(4)
    members = list(first)
    members.append((f"{prefix}/data.pkl", data_pkl))
    members += [(f"{prefix}/.format_version", b"1"), (f"{prefix}/.storage_alignment", b"64"),
                (f"{prefix}/byteorder", b"little")]
    members += [(f"{prefix}/data/{k}", v) for k, v in storages.items()]
    members += list(extra)
    members += [(f"{prefix}/version", b"3\n"), (f"{prefix}/.data/serialization_id", b"1234567890123456789012345678")]
    return zip_bytes(members, align=64 if align else None)


def npy_header(descr, shape):
    """A version-1.0 .npy header, padded to a multiple of 64 bytes like numpy writes it."""
    # A structured dtype is written as a list literal, a simple one as a quoted type string (as numpy does).
    text = descr if descr.startswith("[") else "'%s'" % descr
    d = "{'descr': %s, 'fortran_order': False, 'shape': %s, }" % (text, repr(tuple(shape)))
    pad = 64 - (10 + len(d) + 1) % 64
    h = (d + " " * (pad % 64) + "\n").encode("latin1")
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h


def build(c):
    p2 = os_system(2)
    benign_pkl, _ = torch_like.zip_data_pkl(4)

    # --- PyTorch zips ---------------------------------------------------------------------------------------
    c.add("torch/torch_zip_malicious.pt", torch_zip(c.pickle("tz_data", p2)), D,
          "PyTorch zip whose archive/data.pkl calls os.system", "os.system", ["archive/data.pkl"])
    hidden = c.pickle("tz_hidden", os_system(2))
    c.add("torch/torch_zip_nonpickle_extension.pt",
          torch_zip(benign_pkl, extra=[("archive/model_config", hidden)]), D,
          "payload in a member without a pickle extension (item 19, CVE-2025-1889)", "os.system",
          ["archive/model_config"])
    p0 = c.pickle("tz_p0", os_system(0))
    c.add("archive/zip_hidden_p0_member.zip", torch_zip(benign_pkl, extra=[("archive/hidden_state", p0)]), D,
          "protocol-0 pickle (no \\x80 magic) in an oddly named member (row 38, missed by all three)", "os.system",
          ["archive/hidden_state"])
    c.add("torch/torch_zip_other_prefix.bin", torch_zip(p2, prefix="my_model"), D,
          "torch zip with a record prefix other than 'archive', named .bin", "os.system", ["my_model/data.pkl"])
    c.add("torch/torchscript_code_present.pt",
          torch_zip(benign_pkl, extra=[("archive/code/__torch__/model.py",
                                        b"def forward(self, x):\n    return x\n"),
                                       ("archive/constants.pkl", c.pickle("ts_constants", b"\x80\x02).")),
                                       ]), "suspicious",
          "TorchScript code/ directory: executes on torch.jit.load (§6.2) — benign data.pkl otherwise")

    # bad CRC on a member before data.pkl: modelscan skips the whole archive (item 20, CVE-2025-10156)
    blob = bytearray(torch_zip(p2, first=[("archive/aaa_corrupt", b"corrupted member bytes")]))
    for cd, local, name in zip_entries(bytes(blob)):
        if name == "archive/aaa_corrupt":
            struct.pack_into("<I", blob, cd + 16, 0xDEADBEEF)
            struct.pack_into("<I", blob, local + 14, 0xDEADBEEF)
    c.add("archive/zip_bad_crc_before_data_pkl.pt", bytes(blob), D,
          "a member with a bad CRC before data.pkl (item 20, CVE-2025-10156, modelscan#354)", "os.system",
          ["archive/data.pkl"])

    # local header says archive/data.pkl, central directory says archive/data.txt (item 20, CVE-2025-1944)
    blob = bytearray(torch_zip(p2))
    for cd, _local, name in zip_entries(bytes(blob)):
        if name == "archive/data.pkl":
            blob[cd + 46:cd + 46 + len(name)] = b"archive/data.txt"
    c.add("archive/zip_name_mismatch.zip", bytes(blob), D,
          "local/central name mismatch: data.pkl in the local header, data.txt in the central directory "
          "(item 20, CVE-2025-1944/1945)", "os.system")

    inner = torch_zip(c.pickle("nested_inner", os_system(4)))
    outer = zip_bytes([("README.md", b"# a model bundle\n"), ("inner.zip", inner)], compress=True)
    c.add("archive/nested_zip_malicious.zip", outer, D,
          "a zip inside a zip with a malicious data.pkl (item 23, row 37, missed by all three)", "os.system",
          ["inner.zip", "archive/data.pkl"])

    deepest = zip_bytes([("data.pkl", c.pickle("deep_benign", b"\x80\x04\x95\x03\x00\x00\x00\x00\x00\x00\x00K\x01."))])
    for level in range(6, 0, -1):
        deepest = zip_bytes([(f"level{level}.zip", deepest)])
    c.add("archive/nested_zip_depth7.zip", deepest, "malformed",
          "seven zips deep (> ScanLimits.maxDepth 4): scan.incomplete, never safe")

    members = [("model/README.md", b"# bundle\n"), ("model/model.pkl", c.pickle("targz", os_system(4)))]
    c.add("archive/bundle_malicious.tar.gz", tar_bytes(members, mode="w:gz"), D,
          "tar.gz bundle with a malicious pickle (item 23, row 39)", "os.system")
    c.add("archive/bundle_malicious.tar", tar_bytes(members), D, "plain tar with a malicious pickle member",
          "os.system", ["model/model.pkl"])

    payload = c.pickle("compressed", os_system(4))
    c.add("archive/payload.pkl.gz", gzip.compress(payload, mtime=0), D,
          "gzip-compressed joblib-style pickle (item 23, row 29)", "os.system")
    c.add("archive/payload.joblib.xz", lzma.compress(payload), D,
          "xz-compressed joblib pickle (item 23; §6.2 gzip/bz2/xz)", "os.system")
    c.add("archive/payload.pkl.bz2", bz2.compress(payload), D, "bz2-compressed pickle (item 23)", "os.system")

    seven_zip(c, payload)
    more(c, payload)

    # --- legacy torch ----------------------------------------------------------------------------------------
    c.add("torch/legacy_stacked_malicious.pth",
          c.pickle("legacy_mal", torch_like.legacy_stacked(os_system(2)), stacked=5, trailing=True,
                   ops=("REDUCE",)), D,
          "legacy stacked torch file, payload in the object pickle (4th) after the magic number (item 7, row 35)",
          "os.system", pickle_index=3)
    tar_members = torch_like.legacy_tar_members(c.pickle("legacy_tar", os_system(2)))
    c.add("torch/legacy_tar_malicious.pt", tar_bytes(tar_members), D,
          "legacy torch tar (sys_info/pickle/storages/tensors) with a malicious 'pickle' member (row 34)",
          "os.system", ["pickle"])

    # --- numpy -------------------------------------------------------------------------------------------------
    npy = npy_header("|O", (1,)) + c.pickle("npy_obj", os_system(3), ops=("REDUCE",))
    c.add("numpy/object_array_malicious.npy", npy, D, "npy with an object dtype whose pickle calls os.system (§6.5)",
          "os.system")
    npz = zip_bytes([("weights.npy", npy_header("<f4", (2,)) + b"\x00\x00\x80\x3f\x00\x00\x00\x40"),
                     ("arr_0.npy", npy)], compress=True)
    c.add("numpy/archive_malicious.npz", npz, D, "npz with a malicious object-array member (§6.2 npz)",
          "os.system", ["arr_0.npy"])
    structured = npy_header("[('a', '<i4'), ('b', '|O')]", (1,)) + c.pickle("npy_struct", os_system(3))
    c.add("numpy/structured_object_field_malicious.npy", structured, D,
          "an object field nested in a structured dtype (§6.5: 'O' in nested descr)", "os.system")


def seven_zip(c, payload):
    try:
        import py7zr
    except ImportError:
        py7zr = None
    if py7zr is None:
        raise SystemExit("py7zr is needed for the 7z sample (pip install -r Tests/interop/requirements.txt)")
    from py7zr.helpers import ArchiveTimestamp

    # py7zr stamps members with the current time; pin it so the corpus stays deterministic.
    saved = ArchiveTimestamp.__dict__["from_now"]
    ArchiveTimestamp.from_now = classmethod(lambda cls: cls.from_datetime(FIXED_MTIME))
    try:
        buf = io.BytesIO()
        with py7zr.SevenZipFile(buf, "w") as z:
            z.writestr(payload, "model.pkl")
    finally:
        ArchiveTimestamp.from_now = saved
    c.add("archive/model_in_7z.7z", buf.getvalue(), D,
          "7z-wrapped malicious pickle (item 22, nullifAI). Dangerous when Stemma opens 7z (libarchive); "
          "at least suspicious ('non-standard container') when it cannot (§6.2)", "os.system",
          accept=["suspicious", "malformed"])


def tensor_ops():
    """A torch tensor as torch.save writes it: _rebuild_tensor_v2 over storage '0' (16 floats)."""
    storage = (a.MARK + a.binunicode("storage") + a.global_("torch", "FloatStorage") + a.binunicode("0")
               + a.binunicode("cpu") + a.binint1(16) + a.TUPLE + a.BINPERSID)
    args = (storage + a.binint1(0) + a.binint1(4) + a.binint1(4) + a.TUPLE2 + a.binint1(4) + a.binint1(1) + a.TUPLE2
            + a.NEWFALSE + a.global_("collections", "OrderedDict") + a.EMPTY_TUPLE + a.REDUCE)
    return a.global_("torch._utils", "_rebuild_tensor_v2") + a.MARK + args + a.TUPLE + a.REDUCE


def state_dict_pkl(*extra):
    """data.pkl: OrderedDict {'w': tensor, key: value...}; each extra is (key, value opcodes)."""
    body = a.global_("collections", "OrderedDict") + a.EMPTY_TUPLE + a.REDUCE
    body += a.binunicode("w") + tensor_ops() + a.SETITEM
    for key, value in extra:
        body += a.binunicode(key) + value + a.SETITEM
    return a.wrap(body, 2)


def more(c, payload):
    # torch profile rules (§6.3, §6.4)
    ns = a.global_("argparse", "Namespace") + a.EMPTY_TUPLE + a.REDUCE
    c.add("torch/torch_zip_unknown_global.pt", torch_zip(c.pickle("tz_namespace", state_dict_pkl(("args", ns)),
                                                                  imports=["argparse Namespace"])), "suspicious",
          "torch zip whose data.pkl imports argparse.Namespace: outside the torch allowlist, not weights_only-loadable "
          "(§6.4 torch profile)", "argparse.Namespace", ["archive/data.pkl"])
    pid = a.MARK + a.binunicode("module") + a.binunicode("os") + a.TUPLE + a.BINPERSID
    c.add("torch/torch_zip_odd_persistent_id.pt", torch_zip(c.pickle("tz_pid", state_dict_pkl(("x", pid)))),
          "suspicious", "a persistent id that is not ('storage', StorageType, key, location, numel) (§6.3 PERSID)")
    setitems = tensor_ops() + a.MARK + a.binint1(0) + a.binint1(1) + a.SETITEMS
    c.add("torch/torch_zip_setitems_on_tensor.pt", torch_zip(c.pickle("tz_setitems", state_dict_pkl(("t", setitems)),
                                                                      ops=("SETITEMS",))), "suspicious",
          "SETITEMS on a tensor, not a dict (CVE-2026-24747 pattern, §6.3): flagged in the torch profile",
          accept=["malformed", "dangerous"])

    # zip tricks (§6.2)
    blob = bytearray(torch_zip(c.pickle("tz_encrypted", os_system(2))))
    for cd, local, name in zip_entries(bytes(blob)):
        if name == "archive/data.pkl":
            blob[cd + 8] |= 1
            blob[local + 6] |= 1
    c.add("archive/zip_encrypted_flag_data_pkl.pt", bytes(blob), D,
          "the 'encrypted' flag set on an unencrypted data.pkl (item 20, CVE-2025-1944 flag bits): read it anyway, "
          "or at least fail closed", "os.system", accept=["malformed"])
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w") as z:
        info = zipfile.ZipInfo("weights.bin", FIXED_TIME)
        info.compress_type = zipfile.ZIP_BZIP2
        z.writestr(info, bytes(64 << 20))
    c.add("archive/zip_bomb_ratio.zip", bomb.getvalue(), "malformed",
          "64 MiB of zeros bzip2-compressed to a few hundred bytes: ratio > ScanLimits.maxCompressionRatio 1000 "
          "(scan.incomplete) or an unsupported method: never safe")
    members = [("../../outside.pkl", pickle_plain()), ("weights -> /etc/passwd", None)]
    c.add("archive/tar_traversal_symlink.tar", tar_bytes(members), "suspicious",
          "tar with a '..' member path and a symlink to /etc/passwd (§6.2 tar: report them); the verdict class is "
          "not fixed by the reference", accept=["malformed", "dangerous"])
    try:
        from backports import zstd
        zst = zstd.compress(payload)
    except ImportError:
        import subprocess
        zst = subprocess.run(["zstd", "-q", "-c", "-"], input=payload, capture_output=True, check=True).stdout
    c.add("archive/payload.pkl.zst", zst, D, "zstd-compressed pickle (§6.1 zstd magic, §6.2)", "os.system")

    # npy whose shape claims more bytes than there are (§6.5)
    c.add("numpy/shape_exceeds_data.npy", npy_header("<f4", (1000,)) + bytes(8), "malformed",
          "npy header shape (1000,) float32 over 8 bytes of data (§6.5 size check)")


def pickle_plain():
    return a.wrap(a.EMPTY_DICT, 2)
