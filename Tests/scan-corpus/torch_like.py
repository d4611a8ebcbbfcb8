"""Benign PyTorch-format pickles written by Python's own pickler, without torch.

Stand-in modules named torch and torch._utils are put in sys.modules only while pickling, so the pickler
writes exactly the globals torch.save writes (torch._utils._rebuild_tensor_v2, torch.FloatStorage,
collections.OrderedDict) and the persistent ids torch writes for storages. Dumping never runs a payload: it
only calls our own __reduce_ex__ methods. The stand-ins are removed afterwards.
"""

import collections
import contextlib
import io
import pickle
import struct
import sys
import types

# torch/serialization.py MAGIC_NUMBER and PROTOCOL_VERSION of the legacy (non-zip) format.
MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001


class _Storage:
    def __init__(self, key, values):
        self.key = key
        self.values = values


class _Tensor:
    def __init__(self, storage, shape):
        self.storage = storage
        self.shape = shape

    def __reduce_ex__(self, protocol):
        stride = []
        acc = 1
        for dim in reversed(self.shape):
            stride.insert(0, acc)
            acc *= dim
        rebuild = sys.modules["torch._utils"]._rebuild_tensor_v2
        return (rebuild, (self.storage, 0, tuple(self.shape), tuple(stride), False, collections.OrderedDict()))


@contextlib.contextmanager
def fake_torch():
    """Stand-in torch modules so the pickler names torch.save's globals without torch installed; yields FloatStorage."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*args):  # never called: only its name is pickled
        raise RuntimeError("stand-in")

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    float_storage = type("FloatStorage", (), {"__module__": "torch"})
    torch.FloatStorage = float_storage
    torch._utils = utils
    saved = {k: sys.modules.get(k) for k in ("torch", "torch._utils")}
    sys.modules["torch"] = torch
    sys.modules["torch._utils"] = utils
    try:
        yield float_storage
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


def _state_dict(n_tensors):
    """An OrderedDict of small float tensors and their storages (values are deterministic)."""
    sd = collections.OrderedDict()
    storages = []
    for i in range(n_tensors):
        shape = (4, 4) if i % 2 == 0 else (4,)
        numel = 16 if len(shape) == 2 else 4
        st = _Storage(str(i), [float((i * 7 + j) % 13) / 8.0 for j in range(numel)])
        storages.append(st)
        sd[f"layers.{i // 2}.{'weight' if i % 2 == 0 else 'bias'}"] = _Tensor(st, shape)
    return sd, storages


def zip_data_pkl(n_tensors=4):
    """data.pkl of a torch.save zip checkpoint (protocol 2) and the storages' raw bytes by key."""
    sd, storages = _state_dict(n_tensors)
    with fake_torch() as float_storage:
        buf = io.BytesIO()

        class Pickler(pickle.Pickler):
            def persistent_id(self, obj):
                if isinstance(obj, _Storage):
                    return ("storage", float_storage, obj.key, "cpu", len(obj.values))
                return None

        Pickler(buf, protocol=2).dump(sd)
    raw = {s.key: struct.pack(f"<{len(s.values)}f", *s.values) for s in storages}
    return buf.getvalue(), raw


def legacy_stacked(object_pickle=None, n_tensors=2):
    """A legacy (torch < 1.6) checkpoint: magic, protocol, sys_info, object, storage keys, raw storages.

    object_pickle replaces the object pickle (a hostile one); the storages stay those of the benign state dict.
    """
    sd, storages = _state_dict(n_tensors)
    out = io.BytesIO()
    pickle.dump(MAGIC_NUMBER, out, protocol=2)
    pickle.dump(PROTOCOL_VERSION, out, protocol=2)
    sys_info = {"protocol_version": PROTOCOL_VERSION, "little_endian": True,
                "type_sizes": {"short": 2, "int": 4, "long": 4}}
    pickle.dump(sys_info, out, protocol=2)
    if object_pickle is None:
        with fake_torch() as float_storage:

            class Pickler(pickle.Pickler):
                def persistent_id(self, obj):
                    # torch's _legacy_save writes a 6-tuple: view_metadata last (None: not a view).
                    if isinstance(obj, _Storage):
                        return ("storage", float_storage, obj.key, "cpu", len(obj.values), None)
                    return None

            Pickler(out, protocol=2).dump(sd)
    else:
        out.write(object_pickle)
    pickle.dump([s.key for s in storages], out, protocol=2)
    for s in storages:
        out.write(struct.pack("<q", len(s.values)))
        out.write(struct.pack(f"<{len(s.values)}f", *s.values))
    return out.getvalue()


def legacy_tar_members(pickle_member=None):
    """Members of the torch 0.1.x tar format: sys_info, pickle, storages, tensors (all pickles)."""
    sys_info = pickle.dumps({"protocol_version": PROTOCOL_VERSION, "little_endian": True,
                             "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)
    if pickle_member is None:
        pickle_member = pickle.dumps(collections.OrderedDict([("step", 1)]), protocol=2)
    storages = pickle.dumps(0, protocol=2)  # number of storages
    tensors = pickle.dumps(0, protocol=2)
    return [("sys_info", sys_info), ("pickle", pickle_member), ("storages", storages), ("tensors", tensors)]
