"""`stemma scan` over the model files that real PyPI packages ship (issue 10: no false alarm on everyday files).

Pinned wheels of joblib, numpy, scikit-learn and onnx are fetched with `pip download --no-deps` into a cache
(STEMMA_BENIGN_CACHE, else ~/.cache/stemma-benign) and unpacked there; every model-shaped file inside them
(joblib's dumps of every version and compressor, numpy's py2/py3 arrays, scikit-learn's compressed datasets,
onnx's backend-test models and tensors) is scanned. None may be dangerous or malformed: these files load
without running anything. Dumps of library classes may stay suspicious (they are outside the allowlists).
A failed download fails the test; nothing is skipped.
"""

import json
import os
import pathlib
import subprocess
import sys
import zipfile

import pytest

from support import assert_no_crash, stemma

WHEELS = ["joblib==1.6.0", "numpy==2.4.6", "scikit-learn==1.5.2", "onnx==1.23.2"]
MODEL_SUFFIXES = (".pkl", ".pickle", ".joblib", ".npy", ".npz", ".pt", ".pth", ".bin", ".ckpt", ".onnx", ".pb",
                  ".h5", ".hdf5", ".keras", ".safetensors", ".gguf", ".gz", ".gzip", ".bz2", ".xz", ".lzma", ".z",
                  ".zst", ".lz4", ".tar", ".zip")


def cache_folder():
    return pathlib.Path(os.environ.get("STEMMA_BENIGN_CACHE") or pathlib.Path.home() / ".cache" / "stemma-benign")


def unpacked(requirement):
    """The unpacked wheel of `requirement`, downloaded once into the cache."""
    cache = cache_folder()
    wheels = cache / "wheels"
    name, version = requirement.split("==")
    stem = name.replace("-", "_")
    found = [p for p in wheels.glob("*.whl") if p.name.lower().startswith(f"{stem}-{version}-".lower())]
    if not found:
        wheels.mkdir(parents=True, exist_ok=True)
        run = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                              requirement, "-d", str(wheels)], capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, f"pip download {requirement} failed:\n{run.stdout}\n{run.stderr}"
        found = [p for p in wheels.glob("*.whl") if p.name.lower().startswith(f"{stem}-{version}-".lower())]
    assert len(found) == 1, found
    target = cache / "unpacked" / found[0].stem
    if not (target / ".complete").exists():
        with zipfile.ZipFile(found[0]) as archive:
            archive.extractall(target)
        (target / ".complete").write_text("")
    return target


def model_files(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name.lower().endswith(MODEL_SUFFIXES))


@pytest.mark.parametrize("requirement", WHEELS)
def test_model_files_shipped_in_packages_are_not_dangerous_or_malformed(requirement):
    folder = unpacked(requirement)
    files = model_files(folder)
    assert files, f"{requirement} ships no model-shaped file"
    verdicts = {}
    # In batches: onnx ships thousands of test tensors.
    for start in range(0, len(files), 500):
        batch = files[start:start + 500]
        result = stemma("scan", "--format", "json", *map(str, batch), timeout=900)
        assert_no_crash(result)
        assert result.rc in (0, 1), result.stderr
        for entry in json.loads(result.stdout)["files"]:
            findings = [f"{f['code']} {f['verdict']}: {f['message'][:160]}" for f in entry["findings"]
                        if f["verdict"] in ("dangerous", "malformed")]
            verdicts[entry["path"]] = (entry["verdict"], findings)
    assert len(verdicts) == len(files)
    alarms = {path: found for path, (verdict, found) in verdicts.items() if verdict in ("dangerous", "malformed")}
    assert not alarms, f"{len(alarms)} of {len(files)} files in {requirement}:\n" + "\n".join(
        f"{path}: {found}" for path, found in sorted(alarms.items())[:40])
