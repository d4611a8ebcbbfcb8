"""Inputs inside an inventory that Stemma could not read end the run (issue 11, "no input that was not read can
end in exit 0").

A manifest or a folder below an `--inventory` root that cannot be opened may hold the very edge that makes an
agent affected, so `impact`, `graph` and `bom` exit 2 naming it instead of answering without it. Root ignores
file permissions, so when the tests run as root Stemma is run as `nobody` (setpriv); otherwise as the user.
"""

import os
import pathlib
import shutil
import tempfile

import pytest

import support as s

COMMANDS = [
    ["impact", "model:meta-llama/Llama-3.1-8B", "--format", "json"],
    ["graph", "--format", "json"],
    ["bom"],
]
MANIFEST = "stemma: component/v1\nkind: agent\nname: {name}\nmodels: [meta-llama/Llama-3.1-8B]\n"


def run_unprivileged(*args) -> s.Result:
    prefix = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to drop root for this test"
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    res = s.run([*prefix, s.stemma_bin(), *args], timeout=60)
    s.assert_no_crash(res)
    return res


@pytest.fixture
def fleet():
    # Outside pytest's tmp_path, whose parents are private to root: `nobody` must reach the readable part.
    root = pathlib.Path(tempfile.mkdtemp(prefix="stemma-unread-"))
    os.chmod(root, 0o755)
    for name in ("a1", "hidden"):
        (root / name).mkdir()
        (root / name / "stemma.yaml").write_text(MANIFEST.format(name=name))
    yield root
    for path in [root, *root.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    shutil.rmtree(root)


def readable_by_all(root: pathlib.Path) -> None:
    for path in [root, *root.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)


@pytest.mark.parametrize("command", COMMANDS)
def test_unreadable_manifest_exits_2(fleet, command):
    readable_by_all(fleet)
    baseline = run_unprivileged(*command, "--inventory", str(fleet))
    assert baseline.rc == 0, baseline.describe()
    os.chmod(fleet / "hidden" / "stemma.yaml", 0o000)
    res = run_unprivileged(*command, "--inventory", str(fleet))
    assert res.rc == 2, res.describe()
    assert "hidden/stemma.yaml" in res.stderr and "not read" in res.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_unlistable_folder_exits_2(fleet, command):
    readable_by_all(fleet)
    baseline = run_unprivileged(*command, "--inventory", str(fleet))
    assert baseline.rc == 0, baseline.describe()
    os.chmod(fleet / "hidden", 0o000)
    res = run_unprivileged(*command, "--inventory", str(fleet))
    assert res.rc == 2, res.describe()
    assert "hidden" in res.stderr and "not read" in res.stderr
