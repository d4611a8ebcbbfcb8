"""An ONNX model larger than the 16 MiB that archive members are kept whole below, under a name that is not
`.onnx`, is recognised by its field layout inside a tar or a zip, as it is on disk.

`onnx.load` and ONNX Runtime take any path, so the name decides nothing. The models are written by the real
`onnx` package with numpy weights (one 20 MiB initializer), once per module; the hostile one also has an
initializer whose external data path climbs out of the model folder (`scan.onnx-external-data-escape`). Each goes
through `stemma scan` of the archive and `stemma verify` of the signed archive (members streamed past the hasher).
"""

import tarfile
import zipfile

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import support as s
from support import assert_rejected, assert_verified, stemma_verify

TIMEOUT = 60
MEMBER = "weights/blob"  # not .onnx, not model-shaped: only the content says what it is
ESCAPE = "scan.onnx-external-data-escape"


def onnx_model(escape: bool) -> bytes:
    weights = numpy_helper.from_array(np.arange(5 << 20, dtype=np.float32).reshape(5 << 10, 1 << 10), "w")
    initializers = [weights]
    if escape:
        outside = TensorProto(name="e", data_type=TensorProto.FLOAT, dims=[4])
        outside.data_location = TensorProto.EXTERNAL
        entry = outside.external_data.add()
        entry.key, entry.value = "location", "../../../etc/passwd"
        initializers.append(outside)
    graph = helper.make_graph(
        [helper.make_node("Identity", ["w"], ["y"])], "g", [],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [5 << 10, 1 << 10])], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    data = model.SerializeToString()
    assert len(data) > 16 << 20
    # The real reader takes it, whatever it is called.
    assert onnx.load_from_string(data).graph.initializer[0].name == "w"
    return data


@pytest.fixture(scope="module")
def signed(tmp_path_factory, key):
    """Two signed models holding a >16 MiB ONNX model as `weights/blob`: hostile and benign."""
    d = tmp_path_factory.mktemp("streamed-onnx")
    out = {}
    for label, escape in (("hostile", True), ("benign", False)):
        model = s.make_model(d / label / "model", {"config.json": b'{"hidden": 8}\n', MEMBER: onnx_model(escape)})
        sig = d / label / "model.sig"
        s.api_sign(model, sig, key)  # model_signing's own API: no process to start
        out[label] = (model, sig)
    return out


@pytest.fixture(scope="module")
def archives(signed, tmp_path_factory):
    out = {}
    for label, (model, _) in signed.items():
        d = tmp_path_factory.mktemp(f"streamed-onnx-{label}")
        out[(label, "tar")] = s.make_archive(model, d, "tar")
        # As make_archive writes a zip, at zlib level 1: level 6 takes seconds over 20 MiB of weights.
        out[(label, "zip")] = d / "model.zip"
        with zipfile.ZipFile(out[(label, "zip")], "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for p in sorted(model.rglob("*")):
                if p.is_file():
                    z.write(p, "model/" + p.relative_to(model).as_posix())
    return out


def scan(path):
    res = s.stemma("scan", path, "--format", "json", timeout=TIMEOUT)
    s.assert_no_crash(res)
    (entry,) = res.json()["files"]
    return res, entry


@pytest.mark.parametrize("kind", ["tar", "zip"])
def test_scan_finds_the_escape_in_a_large_unnamed_onnx_member(archives, kind):
    res, entry = scan(archives[("hostile", kind)])
    escapes = [f for f in entry["findings"] if f["code"] == ESCAPE]
    assert res.rc == 1 and entry["verdict"] == "dangerous" and escapes, res.describe()
    assert escapes[0]["member"] == ["model/" + MEMBER], escapes


@pytest.mark.parametrize("kind", ["tar", "zip"])
def test_scan_of_a_large_benign_onnx_member_is_safe(archives, kind):
    res, entry = scan(archives[("benign", kind)])
    assert res.rc == 0 and entry["verdict"] == "safe", res.describe()


@pytest.mark.parametrize("kind", ["tar", "zip"])
def test_verify_fails_the_escape_in_a_large_unnamed_onnx_member(signed, archives, key, kind):
    _, sig = signed["hostile"]
    res = stemma_verify(archives[("hostile", kind)], "--signature", sig, "--public-key", key.public,
                        timeout=TIMEOUT)
    assert_rejected(res, "scan.unsafe-file", path=MEMBER)
    assert "external data" in res.output, res.describe()


@pytest.mark.parametrize("kind", ["tar", "zip"])
def test_verify_passes_a_large_benign_onnx_member(signed, archives, key, kind):
    _, sig = signed["benign"]
    res = stemma_verify(archives[("benign", kind)], "--signature", sig, "--public-key", key.public,
                        timeout=TIMEOUT)
    assert_verified(res, root_digest=s.subject_digest(sig))


@pytest.mark.parametrize("name,verdict", [("weights/blob", "safe"), ("weights/model.bin", "malformed")])
def test_large_raw_data_member_is_judged_as_on_disk(tmp_path, name, verdict):
    """20 MiB of float32 noise in a tar: streamed past as data, with the verdict the same bytes get on disk (a
    model-shaped name holding bytes no loader reads is `scan.not-a-model-file`)."""
    blob = np.random.default_rng(7).standard_normal(5 << 20).astype(np.float32).tobytes()
    path = tmp_path / "disk" / name
    path.parent.mkdir(parents=True)
    path.write_bytes(blob)
    archive = tmp_path / "noise.tar"
    with tarfile.open(archive, "w") as t:
        t.add(path, arcname=name)
    _, on_disk = scan(path)
    res, entry = scan(archive)
    assert entry["verdict"] == on_disk["verdict"] == verdict, res.describe()
    codes = {f["code"] for f in entry["findings"]}
    assert codes == ({"scan.not-a-model-file"} if verdict == "malformed" else set()), res.describe()
