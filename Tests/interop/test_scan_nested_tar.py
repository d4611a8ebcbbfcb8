"""A tar nested in another container gets the strict tar header checks a tar file on disk gets.

A SageMaker `model.tar.gz` shipped inside a zip, or a `.tar` inside a `.tar.gz`, is unpacked later by GNU tar or
Python's tarfile. Where those would read its members differently from what Stemma scanned, `stemma scan` calls the
file malformed (`scan.container-anomaly`, naming the nested tar) and still scans the members, and `stemma verify`
of a bundle holding such a tar fails. The hostile tars are byte-built with the writers of
test_archive_ambiguity_tar (no tool writes a GNU long name and a pax path that disagree); GNU tar and tarfile show
the disagreement each time. Benign nested tars written by GNU tar and tarfile stay clean.
"""

import gzip
import io
import subprocess
import tarfile
import zipfile

import pytest

import support as s
from support import assert_rejected, assert_verified, stemma_verify
from test_archive_ambiguity_tar import END, EVIL_PICKLE, gnu_names, long_name, member, pax, python_names

TIMEOUT = 30
ANOMALY = "scan.container-anomaly"


def conflicting_tar(shown: bytes, hidden: bytes, data: bytes) -> bytes:
    """One member whose GNU long name is `shown` and whose pax path is `hidden`: GNU tar extracts it as `hidden`,
    Python's tarfile (and libarchive) as `shown`."""
    return (member(b"model/config.json", b'{"hidden": 8}\n') + long_name(shown) + pax({b"path": hidden})
            + member(shown, data) + END)


def scan(path):
    res = s.stemma("scan", path, "--format", "json", timeout=TIMEOUT)
    s.assert_no_crash(res)
    (entry,) = res.json()["files"]
    return res, entry


def in_zip(path, name: str, data: bytes):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bundle/README.md", b"# a bundle\n")
        z.writestr(name, data)
    return path


def in_tar_gz(path, name: str, data: bytes):
    with tarfile.open(path, "w:gz") as t:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The nested tar hiding a pickle that calls os.system under a name GNU tar alone gives it."""
    d = tmp_path_factory.mktemp("nested-hostile")
    inner = d / "model.tar"
    inner.write_bytes(conflicting_tar(b"model/notes.txt", b"model/evil.pkl", EVIL_PICKLE))
    assert "model/evil.pkl" in gnu_names(inner) and "model/notes.txt" not in gnu_names(inner)
    assert "model/notes.txt" in python_names(inner) and "model/evil.pkl" not in python_names(inner)
    return inner.read_bytes()


@pytest.mark.parametrize("outer", ["zip-of-tar", "zip-of-tar.gz", "tar.gz-of-tar", "tar.gz-of-tar.gz"])
def test_nested_conflicting_long_name_is_an_anomaly_and_the_pickle_is_found(hostile, tmp_path, outer):
    wrapper, inner_kind = outer.split("-of-")
    inner_name = f"bundle/model.{inner_kind}"
    data = gzip.compress(hostile) if inner_kind == "tar.gz" else hostile
    archive = (in_zip if wrapper == "zip" else in_tar_gz)(tmp_path / f"outer.{wrapper}", inner_name, data)
    res, entry = scan(archive)
    assert res.rc == 1 and entry["verdict"] == "dangerous", res.describe()
    anomalies = [f for f in entry["findings"] if f["code"] == ANOMALY]
    assert anomalies, res.describe()
    # The finding names the nested tar, outermost first, and says what GNU tar would extract.
    assert all(inner_name in f["member"] for f in anomalies), anomalies
    assert any("model/evil.pkl" in f["message"] for f in anomalies), anomalies
    dangerous = [f for f in entry["findings"] if f["verdict"] == "dangerous"]
    assert dangerous and all(inner_name in f["member"] for f in dangerous), res.describe()
    assert any("system" in f["message"] for f in dangerous), dangerous


def test_nested_tar_with_a_body_on_a_hard_link(tmp_path):
    """A hard link whose body GNU tar and tarfile read as a further `pickle` member: in a zip, malformed."""
    hidden = member(b"pickle", EVIL_PICKLE)
    inner = (member(b"pickle", b"\x80\x02}q\x00.")
             + member(b"storages", hidden, b"1", linkname=b"pickle") + END)
    archive = in_zip(tmp_path / "legacy.zip", "checkpoint.tar", inner)
    res, entry = scan(archive)
    assert entry["verdict"] in ("malformed", "dangerous"), res.describe()
    assert any(f["code"] == ANOMALY and "checkpoint.tar" in f["member"] for f in entry["findings"]), \
        res.describe()


@pytest.fixture(scope="module")
def benign_tars(tmp_path_factory):
    """A model folder with long and non-ASCII names packed by GNU tar (gnu, pax) and tarfile (pax)."""
    d = tmp_path_factory.mktemp("nested-benign")
    long = "a-folder-with-a-rather-long-name-" * 3 + "/" + "notes-" * 20 + ".txt"
    model = s.make_model(d / "model", {"config.json": b'{"hidden": 8}\n', long: b"long\n",
                                       "caf\u00e9/na\u00efve.txt": b"caf\xc3\xa9\n", "README.md": b"# hi\n"})
    out = {}
    for fmt in ("gnu", "pax"):
        path = d / f"{fmt}.tar"
        subprocess.run(["tar", f"--format={fmt}", "-cf", str(path), "-C", str(d), "model"], check=True)
        out[fmt] = path.read_bytes()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as t:
        t.add(model, arcname="model")
    out["tarfile-pax"] = buffer.getvalue()
    return out


@pytest.mark.parametrize("wrapper", ["zip", "tar.gz"])
def test_benign_nested_tars_stay_clean(benign_tars, tmp_path, wrapper):
    for fmt, data in benign_tars.items():
        for compressed in (False, True):
            name = f"bundle/{fmt}.tar" + (".gz" if compressed else "")
            payload = gzip.compress(data) if compressed else data
            archive = (in_zip if wrapper == "zip" else in_tar_gz)(tmp_path / f"{fmt}{compressed}.{wrapper}", name,
                                                                   payload)
            res, entry = scan(archive)
            assert res.rc == 0 and entry["verdict"] == "safe", res.describe()


# ---------------------------------------------------------------------------------------------
# verify: a signed bundle holding an ambiguous tar fails, a benign one verifies
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signed_bundles(tmp_path_factory, key):
    """Two signed models, each holding `sagemaker/model.tar.gz`: one whose tar is ambiguous (a text member GNU
    tar extracts under another name, nothing dangerous in it), one written by GNU tar."""
    d = tmp_path_factory.mktemp("nested-signed")
    ambiguous = gzip.compress(conflicting_tar(b"model/notes.txt", b"model/other.txt", b"just text\n"))
    benign_inner = d / "inner"
    s.make_model(benign_inner, {"notes.txt": b"just text\n", "config.json": b'{"hidden": 8}\n'})
    benign = subprocess.run(["tar", "-czf", "-", "-C", str(d), "inner"], check=True, capture_output=True).stdout
    out = {}
    for label, inner in (("ambiguous", ambiguous), ("benign", benign)):
        model = s.make_model(d / label / "model", {"config.json": b'{"hidden": 8}\n',
                                                   "sagemaker/model.tar.gz": inner})
        sig = d / label / "model.sig"
        s.api_sign(model, sig, key)  # model_signing's own API: no process to start
        out[label] = (model, sig)
    return out


@pytest.mark.parametrize("kind", ["zip", "tar", "tar.gz"])
def test_verify_fails_a_bundle_holding_an_ambiguous_tar(signed_bundles, tmp_path, key, kind):
    model, sig = signed_bundles["ambiguous"]
    archive = s.make_archive(model, tmp_path, kind)
    res = stemma_verify(archive, "--signature", sig, "--public-key", key.public, timeout=TIMEOUT)
    assert_rejected(res, "scan.unsafe-file", path="sagemaker/model.tar.gz")
    assert "Tar ambiguity" in res.output, res.describe()


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_verify_passes_a_bundle_holding_a_benign_tar(signed_bundles, tmp_path, key, kind):
    model, sig = signed_bundles["benign"]
    archive = s.make_archive(model, tmp_path, kind)
    res = stemma_verify(archive, "--signature", sig, "--public-key", key.public, timeout=TIMEOUT)
    assert_verified(res, root_digest=s.subject_digest(sig))
