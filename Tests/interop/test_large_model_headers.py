"""Model headers longer than the walker's first read (issue 11): written by the real `gguf` and `safetensors`
packages, at the sizes real files have, and read back by `stemma graph` as lineage edges.

The walker reads 64 KiB first and grows the prefix while a header reader asks for more; a grown prefix that
came back zero-filled lost every real GGUF's `general.base_model.*` (its tokenizer vocabulary alone is
megabytes) and every safetensors header over 64 KiB.
"""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

from support import stemma as run, stemma_bin

gguf = pytest.importorskip("gguf", reason="the gguf writer is pinned in requirements.txt")
safetensors_numpy = pytest.importorskip("safetensors.numpy", reason="pinned in requirements.txt")

BASE_REPO = "meta-llama/Llama-3.1-8B-Instruct"
VOCABULARY = 128_256  # Llama 3's vocabulary


def graph(folder):
    result = run("graph", "--inventory", folder, "--format", "json", timeout=120)
    assert result.rc == 0, result.describe()
    return json.loads(result.stdout)


def edges_to(document, suffix):
    return [edge for edge in document["edges"] if edge["to"].endswith(suffix)]


def write_gguf(path):
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("Llama 3.1 8B Instruct Q4")
    writer.add_uint32("general.base_model.count", 1)
    writer.add_string("general.base_model.0.name", "Llama 3.1 8B Instruct")
    writer.add_string("general.base_model.0.organization", "Meta Llama")
    writer.add_string("general.base_model.0.repo_url", f"https://huggingface.co/{BASE_REPO}")
    writer.add_uint32("general.dataset.count", 1)
    writer.add_string("general.dataset.0.name", "calibration-set")
    writer.add_tokenizer_model("gpt2")
    writer.add_token_list([f"tok_{index:06d}_\u0120word" for index in range(VOCABULARY)])
    writer.add_token_types([1] * VOCABULARY)
    writer.add_tensor("token_embd.weight", np.zeros(32, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


@pytest.mark.skipif(not stemma_bin(), reason="set STEMMA to the built binary")
def test_gguf_with_a_128k_vocabulary_keeps_its_base_model(tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    path = folder / "llama-q4.gguf"
    write_gguf(path)
    reader = gguf.GGUFReader(str(path))
    # The header (its vocabulary) is megabytes, far past the walker's first 64 KiB read.
    assert reader.tensors[0].data_offset > 2 << 20, reader.tensors[0].data_offset
    document = graph(folder)
    assert not document["warnings"], document["warnings"]
    lineage = edges_to(document, BASE_REPO)
    assert len(lineage) == 1, document
    assert lineage[0]["relation"] in ("fine-tuned-from", "quantized-from"), lineage
    assert lineage[0]["source"] == str(path)
    assert edges_to(document, "calibration-set")[0]["relation"] == "trained-on", document


@pytest.mark.skipif(not stemma_bin(), reason="set STEMMA to the built binary")
def test_gguf_whose_lineage_keys_follow_the_vocabulary(tmp_path):
    """llama.cpp's converter writes `general.*` first; a writer that does not must be read just as well."""
    folder = tmp_path / "models"
    folder.mkdir()
    path = folder / "late-lineage.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_tokenizer_model("gpt2")
    writer.add_token_list([f"piece-{index}" for index in range(VOCABULARY)])
    writer.add_name("late lineage")
    writer.add_string("general.base_model.0.repo_url", f"https://huggingface.co/{BASE_REPO}")
    writer.add_tensor("w", np.zeros(8, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    assert gguf.GGUFReader(str(path)).fields["general.base_model.0.repo_url"].offset > 1 << 20
    document = graph(folder)
    assert not document["warnings"], document["warnings"]
    assert len(edges_to(document, BASE_REPO)) == 1, document


@pytest.mark.skipif(not stemma_bin(), reason="set STEMMA to the built binary")
def test_safetensors_with_a_one_mebibyte_header_keeps_its_lineage(tmp_path):
    folder = tmp_path / "checkpoint"
    folder.mkdir()
    path = folder / "model.safetensors"
    tensors = {
        f"model.layers.{index}.self_attn.q_proj.lora_A.weight.shard_{index:05d}": np.zeros(1, dtype=np.float16)
        for index in range(12_000)
    }
    metadata = {"format": "pt", "name": "acme/tiny-finetune", "base_model": "meta-llama/Llama-3.1-8B",
                "datasets": "acme-ml/aml-alerts"}
    safetensors_numpy.save_file(tensors, str(path), metadata=metadata)
    with open(path, "rb") as handle:
        (header_length,) = struct.unpack("<Q", handle.read(8))
    assert header_length >= 1 << 20, header_length
    document = graph(folder)
    assert not document["warnings"], document["warnings"]
    node = next(node for node in document["nodes"] if node["sources"] == [str(path)]
                and node["properties"].get("format") == "safetensors")
    assert node["properties"]["tensors"] == "12000", node
    assert [edge["relation"] for edge in edges_to(document, "meta-llama/Llama-3.1-8B")] == ["fine-tuned-from"]
    assert [edge["relation"] for edge in edges_to(document, "acme-ml/aml-alerts")] == ["trained-on"]
