"""Issue 10, "every view a loader could take", non-pickle side: joblib's compressed dumps (every `compress`
option, written by joblib itself, and the pre-0.10 ZF container), polyglots (npy, GGUF, HDF5, safetensors with a
zip appended), Keras zips with only config.json, unzipped Keras folders, H5 configs with escaped keys,
saved_model.pbtxt and the file-writing TF ops, ONNX under another name, chat templates that fold to a sandbox
escape, Hydra/NeMo `_target_`, absurd safetensors lengths, and model-shaped names holding unreadable bytes. Each
hostile class has a benign twin under benign/.

joblib.dump only pickles: the hostile object's __reduce__ names os.system and is never called."""

import io
import json
import os
import struct
import tarfile
import zlib

import formats
import protobuf_wire as pb
from corpus import FIXED_MTIME, zip_bytes
from pickle_asm import CMD
from pickles import os_system

D = "dangerous"
S = "safe"
# joblib's compress options: every compressor it registers, and the everyday `compress=3` (zlib).
JOBLIB_COMPRESS = (("3", 3), ("zlib", "zlib"), ("gzip", "gzip"), ("bz2", "bz2"), ("lzma", "lzma"), ("xz", "xz"),
                   ("lz4", "lz4"))


class _Payload:
    """Pickles as os.system(CMD); joblib.dump writes it, nothing ever loads it."""

    def __reduce__(self):
        return (os.system, (CMD,))


def joblib_dump(value, compress):
    import joblib

    buf = io.BytesIO()
    joblib.dump(value, buf, compress=compress)
    return buf.getvalue()


def zfile(payload):
    """joblib < 0.10's ZF container (numpy_pickle_compat.write_zfile): 'ZF', hex length padded to 19, zlib."""
    return b"ZF" + hex(len(payload)).encode().ljust(19) + zlib.compress(payload, 3)


def npy_bytes(array):
    import numpy as np

    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


def nemo_bytes(members):
    """A .nemo archive (an uncompressed tar, as NeMo writes) with fixed metadata."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name, blob in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(blob), FIXED_MTIME, 0o644
            tar.addfile(info, io.BytesIO(blob))
    return buf.getvalue()


def build(c):
    import numpy as np

    payload_zip = zip_bytes([("archive/data.pkl", c.pickle("view_zip_member", os_system(2)))])

    # --- joblib (rule 1: every compressor prefix joblib.load detects) ---------------------------------------
    for label, compress in JOBLIB_COMPRESS:
        c.add(f"joblib/payload_compress_{label}.pkl", joblib_dump({"model": _Payload()}, compress), D,
              f"joblib.dump(compress={compress!r}) of an os.system reducer", "os.system")
        c.add(f"benign/joblib/array_compress_{label}.joblib", joblib_dump(np.arange(12.0), compress), S,
              f"joblib.dump(compress={compress!r}) of a plain numpy array")
    c.add("joblib/payload_zfile.pkl", zfile(c.pickle("view_zfile", os_system(2))), D,
          "joblib < 0.10 ZF container (zlib) holding os.system", "os.system")
    c.add("benign/joblib/dict_zfile.pkl",
          zfile(c.pickle("view_zfile_benign", b"\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01s.")), S,
          "joblib < 0.10 ZF container of a plain dict")
    c.add("benign/joblib/model.pkl_01.npy.z", zfile(np.arange(16, dtype="<f8").tobytes()), S,
          "joblib < 0.10 array sidecar: a ZF container of raw array bytes (its pickle gives the dtype)")

    # --- polyglots: a zip appended to another format (Keras and zipfile open any file with an end record) ----
    st_header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
    st_header += b" " * ((-len(st_header)) % 8)
    safetensors = struct.pack("<Q", len(st_header)) + st_header + b"\x00" * 8
    for rel, head in (("polyglot/array_plus_zip.npy", npy_bytes(np.arange(4.0))),
                      ("polyglot/gguf_plus_zip.gguf", formats.gguf_bytes(c.root, "poly", formats.LLAMA3_TEMPLATE)),
                      ("polyglot/hdf5_plus_zip.h5", formats.h5_bytes()),
                      ("polyglot/safetensors_plus_zip.safetensors", safetensors)):
        c.add(rel, head + payload_zip, D, "a zip with a malicious pickle appended to a valid file (rule 1)",
              "os.system", ["archive/data.pkl"])

    # --- Keras: any zip with config.json, unzipped folders, escaped keys ------------------------------------
    injected = formats.k3("os", "system", {"command": CMD})
    evil_cfg = json.dumps(formats.sequential([formats.input_layer(), injected])).encode()
    good_cfg = json.dumps(formats.sequential([formats.input_layer(), formats.dense("dense", 2)])).encode()
    buf = io.BytesIO()
    np.savez(buf, **{"layers/dense/vars/0": np.zeros((4, 2), "<f4")})
    from corpus import normalise_zip_times
    npz = normalise_zip_times(buf.getvalue())
    c.add("keras/config_only.keras", zip_bytes([("config.json", evil_cfg)]), D,
          "a .keras zip holding only config.json, which names os.system (CVE-2025-1550)")
    c.add("keras/config_and_npz.keras", zip_bytes([("config.json", evil_cfg), ("model.weights.npz", npz)]), D,
          "a .keras zip with config.json and npz weights, naming os.system")
    c.add("keras_folder/config.json", evil_cfg, D, "an unzipped Keras folder whose config.json names os.system")
    c.add("benign/keras/config_and_npz.keras", zip_bytes([("config.json", good_cfg), ("model.weights.npz", npz)]),
          S, "a .keras zip with config.json (Dense layers only) and npz weights")
    c.add("benign/keras_folder/config.json", good_cfg, S, "an unzipped Keras folder, Dense layers only")
    c.add("benign/hf_folder/config.json", json.dumps({"architectures": ["BertModel"], "model_type": "bert",
                                                      "hidden_size": 8}).encode(), S,
          "a Hugging Face config.json (not a Keras object)")
    lam = {"class_name": "Lambda", "config": {"name": "lambda", "function": [formats.lambda_code_b64(), None, None],
                                              "function_type": "lambda"}}
    escaped = json.dumps(formats.keras2_sequential([lam, formats.keras2_dense()]))
    escaped = escaped.replace('"class_name"', '"\\u0063lass_name"')
    c.add("keras/escaped_keys.h5", escaped_h5(escaped), D,
          "H5 model_config with every class_name key written as \\u0063lass_name (Lambda), next to a plain "
          "training_config")

    # --- TensorFlow: saved_model.pbtxt, file-writing ops ----------------------------------------------------
    c.add("tf/pbtxt_readfile/saved_model.pbtxt", PBTXT_HOSTILE.encode(), D,
          "saved_model.pbtxt with ReadFile spelled as adjacent escaped strings and a DatasetToTFRecord node")
    c.add("benign/tf/pbtxt/saved_model.pbtxt", PBTXT_BENIGN.encode(), S,
          "saved_model.pbtxt of a MatMul graph with the standard saver")
    c.add("tf/dataset_to_tfrecord/saved_model.pb", pb.saved_model([
        pb.node("path", "Const", attrs=pb.attr_entry("dtype", pb.attr_type(7))),
        pb.node("write", "DatasetToTFRecord", ["dataset", "path"])]), D,
        "SavedModel with DatasetToTFRecord (writes a file)")
    c.add("tf/summary_writer/saved_model.pb", pb.saved_model([
        pb.node("writer", "CreateSummaryFileWriter", ["resource", "logdir"])]), D,
        "SavedModel with CreateSummaryFileWriter (writes a file)")
    c.add("benign/tf/fingerprint/fingerprint.pb", pb.field_varint(1, 123) + pb.field_varint(2, 456), S,
          "a SavedModel fingerprint.pb: plain protobuf under a .pb name")

    # --- ONNX by content --------------------------------------------------------------------------------------
    c.add("onnx/traversal_named_model.dat",
          formats.onnx_model(external_location="../../etc/passwd").SerializeToString(), D,
          "an ONNX model with an external_data traversal, not named .onnx (onnx.load takes any path)")
    c.add("benign/onnx/add_model.dat", formats.onnx_model().SerializeToString(), S,
          "an ONNX model not named .onnx")

    # --- chat templates as programs (rule 6) ------------------------------------------------------------------
    for rel, template in (("gguf/template_concat.gguf", CONCAT_TEMPLATE), ("gguf/template_escapes.gguf",
                                                                             ESCAPE_TEMPLATE)):
        c.add(rel, formats.gguf_bytes(c.root, rel.replace("/", "_"), template), D,
              "a GGUF chat template that builds a dunder name from concatenated or escaped strings")
    c.add("templates/list/tokenizer_config.json", json.dumps({"chat_template": [
        {"name": "default", "template": LLAMA3_TEMPLATE}, {"name": "tool_use", "template": CONCAT_TEMPLATE}]}).encode(),
          D, "tokenizer_config.json whose tool_use template concatenates '__in'~'it__'")
    c.add("templates/jinja/chat_template.jinja", ESCAPE_TEMPLATE.encode(), D,
          "chat_template.jinja with '\\x5f\\x5fglobals\\x5f\\x5f'")
    for name, template in (("llama3", LLAMA3_TEMPLATE), ("qwen2", QWEN2_TEMPLATE), ("mistral", MISTRAL_TEMPLATE)):
        c.add(f"benign/templates/{name}/tokenizer_config.json",
              json.dumps({"bos_token": "<s>", "chat_template": template}).encode(), S,
              f"tokenizer_config.json with the published {name} chat template")
        c.add(f"benign/templates/{name}/chat_template.jinja", template.encode(), S,
              f"the published {name} chat template as chat_template.jinja")
    c.add("benign/gguf/qwen2_template.gguf", formats.gguf_bytes(c.root, "qwen2", QWEN2_TEMPLATE), S,
          "a GGUF with the published Qwen2 chat template")

    # --- Hydra / NeMo _target_ --------------------------------------------------------------------------------
    c.add("hydra/os_system/config.yaml", HYDRA_HOSTILE.encode(), D, "a Hydra config whose _target_ is os.system")
    c.add("hydra/nemo/model.nemo", nemo_bytes([("./model_config.yaml", NEMO_HOSTILE.encode()),
                                               ("./model_weights.ckpt", b"\x00" * 64)]), D,
          "a .nemo tar whose model_config.yaml has _target_: builtins.exec", member=None)
    c.add("hydra/unknown/config.yml", b"callback:\n  _target_: mylib.hooks.on_load\n  path: /tmp/x\n", "suspicious",
          "a Hydra _target_ outside the ML frameworks")
    c.add("benign/hydra/config.yaml", HYDRA_BENIGN.encode(), S, "a NeMo-style config with torch and nemo targets")

    # --- safetensors with an absurd header length, model-shaped names (rule 3) -------------------------------
    absurd = struct.pack("<Q", 2**64 - 16) + b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
    c.add("safetensors/length_near_2_64.safetensors", absurd, "malformed",
          "a safetensors header length near 2^64 (item 8)")
    c.add("safetensors/length_near_2_64.dat", absurd, "malformed",
          "an absurd 8-byte length before '{', whatever the name")
    c.add("model_shaped/random.pt", bytes(range(256)) * 2, "malformed", "unknown bytes named .pt (rule 3)")
    c.add("model_shaped/text.pkl", b"this is not a pickle\n", "malformed", "text named .pkl (rule 3)")
    c.add("model_shaped/empty.bin", b"", "malformed", "an empty .bin: no loader reads it (rule 3)")
    c.add("benign/text/x_notes.txt", b"x^2 + y^2 = z^2\n", S, "text that starts like a zlib header byte")


def escaped_h5(model_config_json):
    """An H5 file whose model_config is `model_config_json` (as given) next to a plain training_config."""
    import h5py
    import numpy as np

    buf = io.BytesIO()
    with h5py.File(buf, "w", libver="earliest") as f:
        f.attrs["model_config"] = model_config_json.encode()
        f.attrs["training_config"] = json.dumps({"optimizer_config": {"class_name": "Adam",
                                                                      "config": {"lr": 0.001}}}).encode()
        f.attrs["keras_version"] = b"2.15.0"
        f.create_group("model_weights").create_dataset("w", data=np.zeros(2, "<f4"), track_times=False)
    return buf.getvalue()


LLAMA3_TEMPLATE = formats.LLAMA3_TEMPLATE
# Published templates, as their tokenizer_config.json ships them (Qwen/Qwen2-7B-Instruct,
# mistralai/Mistral-7B-Instruct-v0.1).
QWEN2_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")
MISTRAL_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}"
    "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}")
CONCAT_TEMPLATE = (
    "{% for message in messages %}{{ message['content'] }}{% endfor %}"
    "{{ cycler|attr('__in' ~ 'it__')|attr('__glo' 'bals__') }}")
ESCAPE_TEMPLATE = (
    "{% for message in messages %}{{ message['content'] }}{% endfor %}"
    "{% set g = joiner|attr('\\x5f\\x5finit\\x5f\\x5f') %}{{ g|attr('\\x5f\\x5fglobals\\x5f\\x5f') }}")

PBTXT_HOSTILE = """saved_model_schema_version: 1
meta_graphs {
  meta_info_def { tags: "serve" }
  graph_def {
    node { name: "path" op: "Const" attr { key: "dtype" value { type: DT_STRING } } }
    # the op name as two adjacent strings with escapes: text format joins and decodes them
    node { name: "contents" op: "\\x52ead" 'File' input: "path" }
    node { name: "dump" op: "DatasetToTFRecord" input: "dataset" input: "path" }
  }
}
"""
PBTXT_BENIGN = """saved_model_schema_version: 1
meta_graphs {
  meta_info_def { tags: "serve" }
  graph_def {
    node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
    node { name: "w" op: "VariableV2" }
    node { name: "y" op: "MatMul" input: "x" input: "w" }
    node { name: "save/SaveV2" op: "SaveV2" input: "save/Const" }
    node { name: "save/RestoreV2" op: "RestoreV2" input: "save/Const" }
  }
}
"""
HYDRA_HOSTILE = f"""model:
  _target_: torch.nn.Linear
  in_features: 4
  out_features: 2
callbacks:
  - _target_: os.system
    command: "{CMD}"
"""
NEMO_HOSTILE = """model:
  _target_: nemo.collections.asr.models.EncDecCTCModel
  preprocessor:
    _target_: builtins.exec
    source: "import os"
"""
HYDRA_BENIGN = """model:
  _target_: nemo.collections.asr.models.EncDecCTCModel
  optim:
    _target_: torch.optim.AdamW
    lr: 0.001
  sched:
    _target_: nemo.core.optim.lr_scheduler.CosineAnnealing
"""
