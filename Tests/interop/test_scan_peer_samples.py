"""`stemma scan` over picklescan's and modelscan's own test vectors (shared/reference/realworld-peer-samples/).

Which files are malicious is what those projects' suites say (picklescan tests/test_scanner.py, modelscan
tests/test_modelscan.py): every one must come out not safe, and the files their suites scan as benign must not
come out dangerous (the benign pickles, arrays and PyTorch files must be safe). The files are never loaded
here: Stemma only reads them.

The folder sits beside the repository (`../shared/reference/realworld-peer-samples`, as CI lays it out), or
one level higher for a worktree under `wt/`; STEMMA_PEER_SAMPLES names another. It is required: a missing
folder fails the test.
"""

import json
import os
import pathlib
import subprocess

from support import assert_no_crash, stemma

ROOT = pathlib.Path(__file__).resolve().parents[2]
CANDIDATES = [ROOT.parent / "shared", ROOT.parent.parent / "shared"]

# Benign in the peers' suites, and safe for Stemma: plain pickles, numpy arrays, PyTorch checkpoints.
SAFE = {
    "picklescan/tests/data/benign0_v0.pkl", "picklescan/tests/data/benign0_v3.pkl",
    "picklescan/tests/data/benign0_v4.pkl", "picklescan/tests/data/pytorch_model.bin",
    "picklescan/tests/data/new_pytorch_model.bin", "picklescan/tests/data2/int_array.npy",
    "picklescan/tests/data2/int_arrays.npz", "picklescan/tests/data2/int_arrays_compressed.npz",
    "picklescan/tests/data2/object_array.npy", "picklescan/tests/data2/object_arrays.npz",
    "picklescan/tests/data2/object_arrays_compressed.npz",
}
# Neither malicious nor a model: scan errors in the peers' suites (a PNG named .pt, text named .bin, encrypted
# zips). Stemma may call them anything but dangerous.
NOT_MODELS = {
    "README.txt", "picklescan/tests/data/bad_pytorch.pt", "picklescan/tests/data/not_a_pickle.bin",
    "picklescan/tests/data/benign_password_protected.zip", "modelscan/tests/data/password_protected.zip",
}


def samples_folder():
    named = os.environ.get("STEMMA_PEER_SAMPLES")
    folders = [pathlib.Path(named)] if named else [c / "reference" / "realworld-peer-samples" for c in CANDIDATES]
    for folder in folders:
        if (folder / "README.txt").is_file():
            return folder
    raise AssertionError(f"the peer samples are missing (looked in {', '.join(map(str, folders))})")


def test_every_peer_sample_gets_the_verdict_its_suite_implies():
    folder = samples_folder()
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    malicious = [f for f in files if f not in SAFE and f not in NOT_MODELS]
    assert len(malicious) >= 90, f"only {len(malicious)} malicious samples found in {folder}"
    assert SAFE <= set(files), sorted(SAFE - set(files))
    result = stemma("scan", "--format", "json", str(folder), timeout=600)
    assert_no_crash(result)
    assert result.rc == 1, result.stderr
    verdicts = {}
    for entry in json.loads(result.stdout)["files"]:
        verdicts[pathlib.Path(entry["path"]).relative_to(folder).as_posix()] = entry["verdict"]
    assert set(verdicts) == set(files)
    passed = [f for f in malicious if verdicts[f] == "safe"]
    assert not passed, f"malicious samples called safe: {passed}"
    unsafe = {f: verdicts[f] for f in SAFE if verdicts[f] != "safe"}
    assert not unsafe, f"benign samples not safe: {unsafe}"
    alarms = {f: verdicts[f] for f in NOT_MODELS if verdicts[f] == "dangerous"}
    assert not alarms, f"non-model samples called dangerous: {alarms}"
