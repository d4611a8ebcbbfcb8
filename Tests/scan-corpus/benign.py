"""Benign files (expected `safe`), written by the real libraries where one exists: numpy, safetensors, gguf, onnx,
h5py, and Python's own pickler (with stand-in torch modules, see torch_like.py). All live under benign/ so that a
scan of that folder alone must exit 0."""

import collections
import io
import pickle

import formats
import protobuf_wire as pb
import torch_like
from containers import torch_zip
from corpus import normalise_zip_times, tar_bytes

S = "safe"


def build(c):
    data_pkl, _ = torch_like.zip_data_pkl(4)
    c.pickle("benign_torch_data_pkl", data_pkl, ops=("BINPERSID", "REDUCE"),
             imports=["torch._utils _rebuild_tensor_v2", "torch FloatStorage", "collections OrderedDict"])
    c.add("benign/torch/checkpoint.pt", torch_zip(data_pkl), S,
          "torch.save-style zip: _rebuild_tensor_v2, FloatStorage, OrderedDict, storage persistent ids")
    legacy = c.pickle("benign_legacy", torch_like.legacy_stacked(), stacked=5, trailing=True, ops=("BINPERSID",))
    c.add("benign/torch/legacy_checkpoint.pth", legacy, S,
          "legacy stacked torch file (magic, protocol, sys_info, state dict with 6-tuple storage ids, keys, storages)")
    c.add("benign/torch/legacy_tar_checkpoint.pt", tar_bytes(torch_like.legacy_tar_members()), S,
          "legacy torch tar with plain-data pickles")

    numpy_files(c)

    # plain data pickles from Python's own pickler
    value = {"name": "stemma", "layers": [1, 2, 3], "lr": 0.001, "tags": ("a", "b"), "blob": b"\x00\x01",
             "nested": {"ok": True, "none": None}}
    for p in (0, 2, 4, 5):
        blob = c.pickle(f"benign_dict_p{p}", pickle.dumps(value, protocol=p))
        c.add(f"benign/pickle/config_dict_p{p}.pkl", blob, S, f"a dict of plain data, protocol {p}")
    c.add("benign/pickle/list.pickle", c.pickle("benign_list", pickle.dumps(list(range(50)), protocol=4)), S,
          "a list of ints")
    c.add("benign/pickle/text.pkl", c.pickle("benign_str", pickle.dumps("just a string", protocol=2)), S,
          "a str")
    od = collections.OrderedDict([("a", 1), ("b", [1.5, 2.5])])
    c.add("benign/pickle/ordered_dict_p2.pkl", c.pickle("benign_od", pickle.dumps(od, protocol=2),
                                                         imports=["collections OrderedDict"]), S,
          "collections.OrderedDict is on the plain-data allowlist (§6.4)")

    keras_h5_files(c)
    c.add("benign/tf/saved_model/saved_model.pb", pb.saved_model([
        pb.node("x", "Placeholder", attrs=pb.attr_entry("dtype", pb.attr_type(1))),
        pb.node("w", "Const", attrs=pb.attr_entry("dtype", pb.attr_type(1))),
        pb.node("y", "MatMul", ["x", "w"]),
        pb.node("out", "Identity", ["y"]),
    ]), S, "SavedModel graph of standard ops only (Placeholder, Const, MatMul, Identity)")
    c.add("benign/gguf/llama3_template.gguf", formats.gguf_bytes(c.root, "benign", formats.LLAMA3_TEMPLATE), S,
          "GGUF written by the gguf package with the Llama-3 chat template")
    onnx_files(c)
    c.add("benign/archive/bundle.tar.gz", tar_bytes([("bundle/config.pkl", pickle.dumps(value, protocol=4)),
                                                     ("bundle/README.md", b"# bundle\n")], mode="w:gz"), S,
          "tar.gz of a plain-data pickle and a README")


def numpy_files(c):
    import numpy as np
    from safetensors.numpy import save as st_save

    def saved(arr, **kw):
        buf = io.BytesIO()
        np.save(buf, arr, **kw)
        return buf.getvalue()

    c.add("benign/numpy/float_array.npy", saved(np.arange(12, dtype=np.float32).reshape(3, 4), allow_pickle=False),
          S, "np.save of a float32 array")
    c.add("benign/numpy/structured.npy",
          saved(np.zeros(3, dtype=[("id", "<i4"), ("score", "<f8")]), allow_pickle=False), S,
          "np.save of a structured dtype without object fields")
    obj = np.array([1, "two", 3, "four"], dtype=object)
    blob = saved(obj, allow_pickle=True)
    c.pickle("benign_npy_object", blob[blob.index(b"\n", 10) + 1:], ops=("REDUCE", "BUILD"))
    c.add("benign/numpy/object_array_plain.npy", blob, S,
          "np.save(allow_pickle=True) of an object array of ints and strs: numpy profile (§6.4)")
    for name, fn in (("arrays.npz", np.savez), ("arrays_compressed.npz", np.savez_compressed)):
        buf = io.BytesIO()
        fn(buf, weights=np.ones((2, 3), dtype=np.float32), labels=np.array([1, 2, 3], dtype=np.int64))
        c.add(f"benign/numpy/{name}", normalise_zip_times(buf.getvalue()), S, f"np.{fn.__name__} of plain arrays")
    tensors = {"weight": np.arange(16, dtype=np.float32).reshape(4, 4), "bias": np.zeros(4, dtype=np.float16)}
    c.add("benign/safetensors/model.safetensors", st_save(tensors, metadata={"format": "np"}), S,
          "written by the safetensors package (numpy API)")


def keras_h5_files(c):
    weights = formats.h5_bytes()
    config = formats.sequential([formats.input_layer(), formats.dense("dense", 8), formats.dense("out", 2, "softmax")])
    c.add("benign/keras/standard.keras", formats.keras_file(config, weights), S,
          "Keras 3 zip with standard layers only (InputLayer, Dense)")
    c.add("benign/keras/standard.h5",
          formats.h5_bytes(formats.keras2_sequential([formats.keras2_dense("d1"), formats.keras2_dense("d2")])), S,
          "legacy Keras H5 with a standard model_config")
    c.add("benign/keras/weights_only.h5", weights, S, "an HDF5 weights file without model_config")


def onnx_files(c):
    import onnx

    c.add("benign/onnx/add.onnx", formats.onnx_model().SerializeToString(), S, "onnx.helper.make_model: X + W")
    model = formats.onnx_model()
    folder = c.root / "benign/onnx_external"
    folder.mkdir(parents=True, exist_ok=True)
    onnx.save_model(model, str(folder / "model.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
                    location="model.weights", size_threshold=0)
    c.add("benign/onnx_external/model.onnx", None, S, "onnx.save_model with save_as_external_data: relative location")
    c.add("benign/onnx_external/model.weights", None, S,
          "the raw external tensor bytes of model.onnx (float32 1,2,3,4): data, no code")
