#!/usr/bin/env python3
"""Inputs for benchmarks/scan-bench.sh (the reference's §5 cases), written into OUTDIR:

  big_benign.pt        a 500 MiB PyTorch-style zip: big_benign/data.pkl (100 tensors) + 100 x 5 MiB stored
                       storages big_benign/data/0..99, version, byteorder (data aligned to 64 like torch.save)
  small/NNNN.pkl       1,000 protocol-4 pickles of about 530 bytes each
  dense.pkl            a ~12 MB benign pickle of ~1.8 M opcodes (opcode-dense: small ints, floats, short strs)
  inline.pkl           a ~200 MB protocol-4 pickle of 50 inline 4 MiB bytes objects (BINBYTES)
  inputs.json          sizes and opcode counts (pickletools, parsing only)

Every pickle is written by Python's own pickler from plain data (plus stand-in torch modules for data.pkl);
nothing is ever loaded. Inputs are rebuilt only when missing or older than this script.

    python3 benchmarks/scan/make_bench_inputs.py OUTDIR
"""

import collections
import io
import json
import pathlib
import pickle
import pickletools
import random
import struct
import sys
import zipfile

# The stand-in torch modules are the scan corpus's (Tests/scan-corpus/torch_like.py), so both write the same globals.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "Tests" / "scan-corpus"))
import torch_like  # noqa: E402

MIB = 1 << 20
FIXED_TIME = (2024, 1, 1, 0, 0, 0)
N_TENSORS = 100
TENSOR_BYTES = 5 * MIB


class Storage:
    def __init__(self, key, numel):
        self.key, self.numel = key, numel


class Tensor:
    def __init__(self, storage, shape):
        self.storage, self.shape = storage, shape

    def __reduce_ex__(self, protocol):
        rebuild = sys.modules["torch._utils"]._rebuild_tensor_v2
        stride = (self.shape[1], 1)
        return rebuild, (self.storage, 0, self.shape, stride, False, collections.OrderedDict())


def torch_data_pkl():
    sd = collections.OrderedDict()
    numel = TENSOR_BYTES // 4
    for i in range(N_TENSORS):
        sd[f"model.layers.{i}.mlp.weight"] = Tensor(Storage(str(i), numel), (numel // 1024, 1024))
    with torch_like.fake_torch() as float_storage:

        class Pickler(pickle.Pickler):
            def persistent_id(self, obj):
                if isinstance(obj, Storage):
                    return ("storage", float_storage, obj.key, "cpu", obj.numel)
                return None

        buf = io.BytesIO()
        Pickler(buf, protocol=2).dump(sd)
    return buf.getvalue()


def write_torch_zip(path):
    block = random.Random(0).randbytes(TENSOR_BYTES)
    members = [("big_benign/data.pkl", torch_data_pkl()), ("big_benign/byteorder", b"little")]
    members += [(f"big_benign/data/{i}", block) for i in range(N_TENSORS)]
    members += [("big_benign/version", b"3\n")]
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f, zipfile.ZipFile(f, "w") as z:
        for name, blob in members:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED
            start = f.tell() + 30 + len(name) + 4
            pad = (-start) % 64
            info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
            z.writestr(info, blob)
    tmp.replace(path)


def small_pickle(i):
    rng = random.Random(i)
    value = {"id": i, "name": f"sample-{i:04d}", "label": rng.choice(["cat", "dog", "bird"]),
             "scores": [round(rng.random(), 6) for _ in range(42)], "tags": ["train", "v1"],
             "meta": {"source": "stemma-bench", "ok": True, "shape": (3, 224, 224)}}
    return pickle.dumps(value, protocol=4)


def dense_value():
    # About 1.8 M opcodes in about 12 MB: 200,000 records of four floats and an 18-character id
    # (MARK, 4 x BINFLOAT, SHORT_BINUNICODE, MEMOIZE, TUPLE, MEMOIZE: 9 opcodes, 60 bytes).
    rng = random.Random(1)
    return [(rng.random(), rng.random(), rng.random(), rng.random(), f"sample-id-{i:08d}") for i in range(200_000)]


def inline_value():
    block = random.Random(2).randbytes(4 * MIB)
    # 50 distinct bytes objects (the pickler would memoize a repeated one), each a BINBYTES opcode. Not
    # bytearrays: fickling 0.1.12 cannot parse BYTEARRAY8 (NotImplementedError), so it could not be timed.
    return {f"tensor.{i}": block[:-1] + bytes([i]) for i in range(50)}


def opcode_count(path):
    with open(path, "rb") as f:
        return sum(1 for _ in pickletools.genops(f))


def fresh(path, script_mtime):
    return path.exists() and path.stat().st_mtime >= script_mtime


def main():
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    me = pathlib.Path(__file__).stat().st_mtime
    info_path = out / "inputs.json"
    info = json.loads(info_path.read_text()) if fresh(info_path, me) else {}

    p = out / "big_benign.pt"
    if not fresh(p, me):
        print(f"[make_bench_inputs] writing {p} (500 MiB)", file=sys.stderr)
        write_torch_zip(p)
    info["zip"] = {"path": p.name, "bytes": p.stat().st_size}

    small = out / "small"
    if not (small.is_dir() and len(list(small.iterdir())) == 1000 and fresh(small / "0999.pkl", me)):
        print(f"[make_bench_inputs] writing {small}/ (1000 pickles)", file=sys.stderr)
        small.mkdir(exist_ok=True)
        for i in range(1000):
            (small / f"{i:04d}.pkl").write_bytes(small_pickle(i))
    sizes = [f.stat().st_size for f in small.iterdir()]
    info["dir"] = {"path": small.name, "files": len(sizes), "mean_bytes": sum(sizes) // len(sizes)}

    for key, name, make, proto in (("dense", "dense.pkl", dense_value, 4), ("inline", "inline.pkl", inline_value, 4)):
        p = out / name
        if not fresh(p, me) or key not in info:
            print(f"[make_bench_inputs] writing {p}", file=sys.stderr)
            tmp = p.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(make(), protocol=proto))
            tmp.replace(p)
            info[key] = {"path": name, "bytes": p.stat().st_size, "opcodes": opcode_count(p)}
    info_path.write_text(json.dumps(info, indent=1) + "\n")
    print(json.dumps(info))


if __name__ == "__main__":
    main()
