"""The corpus being written: files, their expected verdicts, and a structural self-check of every pickle.

Nothing here loads a pickle. The self-check only parses opcodes with pickletools (genops and dis), which never
imports or calls anything.
"""

import io
import json
import pathlib
import pickletools
import struct
import tarfile
import zipfile

VERDICTS = ("safe", "suspicious", "malformed", "dangerous")
FIXED_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_MTIME = 1704067200  # 2024-01-01T00:00:00Z


class PickleCheck:
    """What one pickle blob must look like to pickletools."""

    def __init__(self, label, blob, stacked, broken, ops, imports, trailing=False):
        self.label = label
        self.trailing = trailing
        self.blob = blob
        self.stacked = stacked
        self.broken = broken
        self.ops = set(ops)
        self.imports = list(imports)


class Corpus:
    def __init__(self, root: pathlib.Path):
        self.root = root
        self.expected = {}
        self.checks = []

    # ------------------------------------------------------------------------------------------- files

    def add(self, rel, blob, verdict, why, global_=None, member=None, accept=None, pickle_index=None):
        """Write rel (relative to the corpus root) and record what `stemma scan` must say about it."""
        assert verdict in VERDICTS, verdict
        assert rel not in self.expected, rel
        # benign/ holds exactly the safe files (a scan of it alone must exit 0); nothing hostile may pass as safe
        assert (verdict == "safe") == rel.startswith("benign/"), rel
        assert "safe" not in (accept or ()), rel
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if blob is not None:
            path.write_bytes(blob)
        entry = {"verdict": verdict}
        if global_:
            entry["global"] = global_
        if member:
            entry["member"] = list(member)
        if pickle_index is not None:
            entry["pickle"] = pickle_index
        if accept:
            entry["accept"] = list(accept)
        entry["why"] = why
        self.expected[rel] = entry
        return path

    def write_expected(self):
        text = json.dumps(dict(sorted(self.expected.items())), indent=1, sort_keys=False) + "\n"
        (self.root / "expected.json").write_text(text)

    # ------------------------------------------------------------------------------------------- pickles

    def pickle(self, label, blob, *, stacked=1, broken=False, ops=(), imports=(), trailing=False):
        """Register a pickle blob for the structural self-check; returns the blob.

        stacked: how many pickles follow each other; trailing: non-pickle bytes follow them (legacy torch)."""
        self.checks.append(PickleCheck(label, blob, stacked, broken, ops, imports, trailing))
        return blob

    def self_check(self):
        """Parse every registered pickle with pickletools (never loading it); raise on any surprise."""
        problems = []
        for c in self.checks:
            try:
                check_pickle(c)
            except Exception as e:  # noqa: BLE001 - report every problem at once
                problems.append(f"{c.label}: {e}")
        if problems:
            raise SystemExit("corpus self-check failed:\n  " + "\n  ".join(problems))
        return len(self.checks)


def check_pickle(c: PickleCheck):
    seen_ops = set()
    seen_imports = []
    stream = io.BytesIO(c.blob)
    parsed = 0
    error = None
    try:
        while stream.tell() < len(c.blob) and (not c.trailing or parsed < c.stacked):
            start = stream.tell()
            for op, arg, _pos in pickletools.genops(stream):
                seen_ops.add(op.name)
                if op.name in ("GLOBAL", "INST"):
                    seen_imports.append(arg)
            parsed += 1
            if not c.broken:
                # dis also checks the stack and memo discipline of a complete pickle.
                pickletools.dis(io.BytesIO(c.blob[start:stream.tell()]), out=io.StringIO())
    except Exception as e:  # noqa: BLE001
        error = e
    if c.broken and error is None:
        raise AssertionError("expected a parse error, pickletools parsed it")
    if not c.broken:
        if error is not None:
            raise AssertionError(f"pickletools failed: {error!r}")
        if parsed != c.stacked:
            raise AssertionError(f"expected {c.stacked} stacked pickle(s), parsed {parsed}")
    missing = c.ops - seen_ops
    if missing:
        raise AssertionError(f"opcodes {sorted(missing)} not seen (saw {sorted(seen_ops)})")
    for imp in c.imports:
        if imp not in seen_imports:
            raise AssertionError(f"import {imp!r} not seen (saw {seen_imports})")


# ----------------------------------------------------------------------------------------------- containers


def zip_bytes(members, *, compress=False, align=None):
    """A zip of (name, bytes) members in order, with fixed timestamps (deterministic).

    align: pad each local header's extra field so member data starts at a multiple of it (torch uses 64)."""
    buf = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, "w") as z:
        for name, blob in members:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            if align:
                start = buf.tell() + 30 + len(name.encode()) + 4
                pad = (-start) % align
                info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
            z.writestr(info, blob)
    return buf.getvalue()


def tar_bytes(members, *, mode="w"):
    """A tar (mode "w") or tar.gz ("w:gz") of (name, bytes) members, deterministic. A member whose bytes are
    None is a symlink; its name is "name -> target"."""
    buf = io.BytesIO()
    if mode == "w:gz":
        import gzip

        raw = tar_bytes(members)
        return gzip.compress(raw, mtime=0)
    with tarfile.open(fileobj=buf, mode=mode, format=tarfile.USTAR_FORMAT) as t:
        for name, blob in members:
            if blob is None:
                name, target = name.split(" -> ")
                info = tarfile.TarInfo(name)
                info.type = tarfile.SYMTYPE
                info.linkname = target
            else:
                info = tarfile.TarInfo(name)
                info.size = len(blob)
            info.mtime = FIXED_MTIME
            info.mode = 0o644
            info.uname = info.gname = "stemma"
            t.addfile(info, io.BytesIO(blob) if blob is not None else None)
    return buf.getvalue()


def zip_entries(blob):
    """(central-directory offset, local-header offset, name) for every entry of a zip (no zip64)."""
    eocd = blob.rfind(b"PK\x05\x06")
    count, _size, cd = struct.unpack_from("<HII", blob, eocd + 10)
    out = []
    pos = cd
    for _ in range(count):
        n, m, k = struct.unpack_from("<HHH", blob, pos + 28)
        local = struct.unpack_from("<I", blob, pos + 42)[0]
        out.append((pos, local, blob[pos + 46:pos + 46 + n].decode()))
        pos += 46 + n + m + k
    return out


def normalise_zip_times(blob):
    """Set every local and central timestamp of a zip written by a library to FIXED_TIME."""
    out = bytearray(blob)
    dostime = (FIXED_TIME[3] << 11) | (FIXED_TIME[4] << 5) | (FIXED_TIME[5] // 2)
    dosdate = ((FIXED_TIME[0] - 1980) << 9) | (FIXED_TIME[1] << 5) | FIXED_TIME[2]
    for cd, local, _name in zip_entries(blob):
        struct.pack_into("<HH", out, cd + 12, dostime, dosdate)
        struct.pack_into("<HH", out, local + 10, dostime, dosdate)
    return bytes(out)


# Reference §6.3 normalisation step 2 (module aliases), applied after _compat_pickle for protocol < 3.
MODULE_ALIASES = {"posix": "os", "nt": "os", "_operator": "operator", "_pickle": "pickle", "cPickle": "pickle",
                  "_io": "io", "__builtin__": "builtins", "__builtins__": "builtins", "_codecs": "codecs",
                  "_functools": "functools", "_socket": "socket", "_posixsubprocess": "subprocess",
                  "_pyio": "io"}


def normalise(module, name, protocol):
    """The import as `stemma scan` must name it: CPython's find_class(fix_imports=True) mapping for protocol < 3
    (_compat_pickle.NAME_MAPPING, then IMPORT_MAPPING), then the aliases of §6.3."""
    import _compat_pickle

    if protocol < 3:
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        elif module in _compat_pickle.IMPORT_MAPPING:
            module = _compat_pickle.IMPORT_MAPPING[module]
    module = MODULE_ALIASES.get(module, module)
    return f"{module}.{name}"
