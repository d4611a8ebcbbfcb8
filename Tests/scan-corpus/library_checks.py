"""Second opinions on the non-pickle samples: each format's own reader (gguf, onnx, safetensors, numpy with
allow_pickle=False, h5py, zipfile) must accept the benign files and reject the ones expected malformed.
None of these readers runs a pickle or any code from the file."""

import json
import zipfile


def _fails(fn):
    try:
        fn()
    except Exception:  # noqa: BLE001 - any rejection will do
        return True
    return False


def check(root):
    import gguf
    import h5py
    import numpy as np
    import onnx
    from safetensors.numpy import load_file

    p = lambda rel: str(root / rel)  # noqa: E731
    problems = []

    def expect(ok, what):
        if not ok:
            problems.append(what)

    for rel in ("benign/gguf/llama3_template.gguf", "gguf/chat_template_ssti.gguf"):
        expect(not _fails(lambda: gguf.GGUFReader(p(rel))), f"gguf cannot read {rel}")
    template = gguf.GGUFReader(p("gguf/chat_template_ssti.gguf")).fields["tokenizer.chat_template"]
    expect("__globals__" in bytes(template.parts[-1]).decode(), "the SSTI template is not in the GGUF")
    for rel in ("gguf/oversized_string_length.gguf", "gguf/bad_kv_type.gguf"):
        expect(_fails(lambda: gguf.GGUFReader(p(rel))), f"gguf accepts {rel}")

    for rel in ("benign/onnx/add.onnx", "benign/onnx_external/model.onnx", "onnx/custom_op_domain.onnx"):
        expect(not _fails(lambda: onnx.checker.check_model(p(rel))), f"onnx.checker rejects {rel}")
    for rel in ("onnx/external_data_traversal.onnx", "onnx/external_data_absolute.onnx"):
        expect(_fails(lambda: onnx.checker.check_model(p(rel))), f"onnx.checker accepts {rel}")

    expect(not _fails(lambda: load_file(p("benign/safetensors/model.safetensors"))), "safetensors rejects benign")
    for name in ("header_longer_than_file", "offsets_outside_buffer", "overlapping_offsets", "unknown_dtype",
                 "size_mismatch"):
        expect(_fails(lambda: load_file(p(f"safetensors/{name}.safetensors"))), f"safetensors accepts {name}")

    for rel in ("benign/numpy/float_array.npy", "benign/numpy/structured.npy"):
        expect(not _fails(lambda: np.load(p(rel), allow_pickle=False)), f"numpy rejects {rel}")
    for rel in ("benign/numpy/arrays.npz", "benign/numpy/arrays_compressed.npz"):
        expect(not _fails(lambda: [a for _, a in np.load(p(rel), allow_pickle=False).items()]), f"numpy: {rel}")
    expect(_fails(lambda: np.load(p("numpy/shape_exceeds_data.npy"), allow_pickle=False)), "numpy accepts short npy")

    for rel, block in (("keras/keras_lambda.h5", 0), ("keras/keras_lambda_userblock.h5", 512),
                       ("benign/keras/standard.h5", 0)):
        with h5py.File(p(rel), "r") as f:
            expect(f.userblock_size == block, f"{rel}: user block {f.userblock_size}")
            expect(json.loads(f.attrs["model_config"])["class_name"] == "Sequential", f"{rel}: model_config")

    with zipfile.ZipFile(p("archive/zip_bad_crc_before_data_pkl.pt")) as z:
        expect(z.testzip() == "archive/aaa_corrupt", "the CRC of archive/aaa_corrupt is not wrong")
    for rel in ("benign/torch/checkpoint.pt", "benign/keras/standard.keras", "torch/torch_zip_malicious.pt"):
        with zipfile.ZipFile(p(rel)) as z:
            expect(z.testzip() is None, f"{rel} is not a clean zip")
    return problems
