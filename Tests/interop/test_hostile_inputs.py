"""Hostile inputs: Stemma must refuse (exit 1 or 2 as docs/cli.md says), name the file, and never
crash, hang or pass.

Expected exit statuses, from docs/cli.md:
  2  the job could not be done: malformed or unreadable input (bad JSON, wrong bundle type,
     truncated archive), with a message on stderr naming the file;
  1  the input was understood and proven bad: there is a finding code for it
     (manifest.*, signature.*, path.*, integrity.*).
Where the contract leaves room (e.g. a truncated archive may be "unreadable" or a "failure with a
reason"), both 1 and 2 are accepted and the test says so.
"""

import base64
import gzip
import json
import os
import pathlib
import shutil
import subprocess
import threading
import time
import zipfile

import pytest

import support as s
from support import assert_refused, assert_rejected, stemma, stemma_verify


@pytest.fixture(scope="module")
def signed(tmp_path_factory, key):
    d = tmp_path_factory.mktemp("hostile")
    model = s.make_model(d / "model")
    sig = d / "model.sig"
    s.ms_sign_key(model, key, sig)
    return model, sig


@pytest.fixture
def model_copy(signed, tmp_path):
    model, sig = signed
    m = tmp_path / "model"
    shutil.copytree(model, m, symlinks=True)
    return m, sig


def verify_with(model, sig, key, *extra, timeout=60, measure_rss=False):
    return stemma_verify(model, "--signature", sig, "--public-key", key.public, *extra, timeout=timeout,
                         measure_rss=measure_rss)


# ---------------------------------------------------------------------------------------------
# Malformed signature files: exit 2, stderr names the signature file
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [
    pytest.param(b"this is not json", id="not-json"),
    pytest.param(b"", id="empty-file"),
    pytest.param(b"[1, 2, 3]", id="json-array"),
    pytest.param(b'{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}', id="no-envelope"),
    pytest.param(b"\xff\xfe{\x00", id="binary"),
    pytest.param(b"[" * 100000 + b"]" * 100000, id="deeply-nested"),
])
def test_malformed_signature_json(signed, tmp_path, key, content):
    model, _ = signed
    bad = s.write(tmp_path / "bad-sig.json", content)
    assert_refused(verify_with(model, bad, key), expect=(2,), names=["bad-sig.json"])


def test_truncated_signature_json(signed, tmp_path, key):
    model, sig = signed
    raw = sig.read_bytes()
    bad = s.write(tmp_path / "truncated.sig", raw[: len(raw) // 2])
    assert_refused(verify_with(model, bad, key), expect=(2,), names=["truncated.sig"])


def test_missing_signature_file(signed, tmp_path, key):
    model, _ = signed
    assert_refused(verify_with(model, tmp_path / "nope.sig", key), expect=(2,), names=["nope.sig"])


def test_payload_not_base64(signed, tmp_path, key):
    model, sig = signed
    bundle = json.loads(sig.read_bytes())
    bundle["dsseEnvelope"]["payload"] = "!!!not base64!!!"
    bad = s.write_bundle(tmp_path / "b64.sig", bundle)
    assert_refused(verify_with(model, bad, key), expect=(1, 2), names=["b64.sig"])


@pytest.mark.parametrize("media_type", [
    "application/vnd.dev.sigstore.bundle+json;version=0.3",
    "application/vnd.dev.sigstore.bundle.v0.1+json",
    "application/json",
])
def test_wrong_media_type(signed, tmp_path, key, media_type):
    """Everything else is valid (the signature is over the envelope, not the mediaType); model_signing
    still rejects it. Not an OMS bundle -> malformed input -> 2 (1 also accepted: a finding)."""
    model, sig = signed
    bundle = json.loads(sig.read_bytes())
    bundle["mediaType"] = media_type
    bad = s.write_bundle(tmp_path / "media.sig", bundle)
    ms = s.ms_verify_key(model, bad, key.public)
    assert ms.rc != 0, ms.describe()
    assert_refused(verify_with(model, bad, key), expect=(1, 2), names=["media.sig"])


def test_zero_byte_signature_beside_model(signed, tmp_path, key):
    model, _ = signed
    m = tmp_path / "m"
    shutil.copytree(model, m)
    s.write(m / "model.sig", b"")
    assert_refused(stemma_verify(m, "--public-key", key.public), expect=(2,), names=["model.sig"])


# ---------------------------------------------------------------------------------------------
# Validly signed but bad statements (independent producer, reference §3.9): exit 1
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", [
    pytest.param(b'{"hello": "world"}', id="json-not-statement"),
    pytest.param(b"plain text, not json", id="not-json"),
    pytest.param(json.dumps({"_type": "https://in-toto.io/Statement/v0.1", "subject": [],
                             "predicateType": s.PREDICATE_TYPE, "predicate": {}}).encode(), id="wrong-type"),
    pytest.param(None, id="wrong-predicate-type"),
    pytest.param("no-subject", id="no-subject"),
    pytest.param("two-subjects", id="two-subjects"),
    pytest.param("resources-not-list", id="resources-not-list"),
])
def test_payload_not_an_oms_statement(signed, tmp_path, key, payload):
    model, _ = signed
    res_list = s.file_resources(model)
    if payload is None:
        payload = s.statement(res_list, predicate_type="https://slsa.dev/provenance/v1")
    elif payload == "no-subject":
        payload = s.statement(res_list)
        payload["subject"] = []
    elif payload == "two-subjects":
        payload = s.statement(res_list)
        payload["subject"] = payload["subject"] * 2
    elif payload == "resources-not-list":
        payload = s.statement(res_list)
        payload["predicate"]["resources"] = {"README.md": "x"}
    bad = s.write_bundle(tmp_path / "stmt.sig", s.build_bundle(payload, key))
    res = verify_with(model, bad, key)
    assert_rejected(res, "manifest.invalid-statement")


def test_independent_producer_control(signed, tmp_path, key):
    """Control for the tests below: a correct bundle from the independent producer verifies with
    both tools, so the failures below are caused by the one thing each test breaks."""
    model, _ = signed
    good = s.write_bundle(tmp_path / "good.sig", s.build_bundle(s.statement(s.file_resources(model)), key))
    ms = s.ms_verify_key(model, good, key.public)
    assert ms.rc == 0, ms.describe()
    s.assert_verified(verify_with(model, good, key))


def test_root_digest_disagrees_with_resources(signed, tmp_path, key):
    model, _ = signed
    st = s.statement(s.file_resources(model), root="ab" * 32)
    bad = s.write_bundle(tmp_path / "root.sig", s.build_bundle(st, key))
    ms = s.ms_verify_key(model, bad, key.public)
    assert ms.rc != 0, ms.describe()
    assert_rejected(verify_with(model, bad, key), "manifest.root-digest-mismatch")


def test_root_digest_in_other_order(signed, tmp_path, key):
    """Root digest computed over a different order than the listed one: model_signing recomputes in
    the listed order, so this is a mismatch."""
    model, _ = signed
    res_list = s.file_resources(model)
    root = s.root_digest(list(reversed(res_list)))
    bad = s.write_bundle(tmp_path / "order.sig", s.build_bundle(s.statement(res_list, root=root), key))
    ms = s.ms_verify_key(model, bad, key.public)
    assert ms.rc != 0, ms.describe()
    assert_rejected(verify_with(model, bad, key), "manifest.root-digest-mismatch")


def test_duplicate_resource_names(signed, tmp_path, key):
    model, _ = signed
    res_list = s.file_resources(model)
    dup = dict(res_list[0])
    dup["digest"] = "cd" * 32
    res_list = [res_list[0], dup, *res_list[1:]]
    bad = s.write_bundle(tmp_path / "dup.sig", s.build_bundle(s.statement(res_list), key))
    assert_rejected(verify_with(model, bad, key), "manifest.duplicate-resource", path=dup["name"])


def _with_extra_resource(model, tmp_path, key, name):
    import hashlib
    outside = s.write(model.parent / "outside.bin", b"outside the model")
    res_list = s.file_resources(model)
    res_list.append({"name": name, "algorithm": "sha256",
                     "digest": hashlib.sha256(outside.read_bytes()).hexdigest()})
    return s.write_bundle(tmp_path / "unsafe.sig", s.build_bundle(s.statement(res_list), key))


@pytest.mark.parametrize("name", ["../outside.bin", "weights/../../outside.bin", "/etc/passwd",
                                  "/outside.bin", "weights/.."])
def test_unsafe_resource_names(model_copy, tmp_path, key, name):
    """`..` or absolute: manifest.unsafe-name (docs/cli.md), even with --ignore-unsigned-files
    (model_signing PR #647: 1.1.1 reads outside the model there). outside.bin sits beside the model
    with the digest the statement lists, so a verifier that follows the name would pass."""
    model, _ = model_copy
    bad = _with_extra_resource(model, tmp_path, key, name)
    assert_rejected(verify_with(model, bad, key), "manifest.unsafe-name")
    assert_rejected(verify_with(model, bad, key, "--ignore-unsigned-files"), "manifest.unsafe-name")


@pytest.mark.parametrize("name", ["weights/./model.safetensors", "weights//model.safetensors", "",
                                  "a\\..\\..\\outside.bin", "nul\u0000byte", "./README.md"])
def test_odd_resource_names(model_copy, tmp_path, key, name):
    """Non-canonical names: docs/cli.md does not pin the code (unsafe-name, invalid-statement or
    just a missing file), but it must be exit 1 and never a pass."""
    model, _ = model_copy
    bad = _with_extra_resource(model, tmp_path, key, name)
    for extra in ([], ["--ignore-unsigned-files"]):
        assert_rejected(verify_with(model, bad, key, *extra), "manifest.unsafe-name",
                        any_of=["manifest.invalid-statement", "integrity.missing-file",
                                "manifest.duplicate-resource"])


def test_payload_type_signed_as_other_type(signed, tmp_path, key):
    """The DSSE signature is valid, but over payloadType application/json."""
    model, _ = signed
    st = s.statement(s.file_resources(model))
    bad = s.write_bundle(tmp_path / "ptype.sig", s.build_bundle(st, key, payload_type="application/json"))
    assert_rejected(verify_with(model, bad, key), "signature.payload-type", any_of=["signature.invalid"])


def test_payload_type_field_changed(signed, tmp_path, key):
    """Signed as in-toto, then the envelope's payloadType was edited."""
    model, _ = signed
    st = s.statement(s.file_resources(model))
    bad = s.write_bundle(tmp_path / "ptype2.sig",
                         s.build_bundle(st, key, payload_type="text/plain", pae_type=s.IN_TOTO))
    assert_rejected(verify_with(model, bad, key), "signature.payload-type", any_of=["signature.invalid"])


def test_signature_bytes_garbage(signed, tmp_path, key):
    model, sig = signed
    bundle = json.loads(sig.read_bytes())
    bundle["dsseEnvelope"]["signatures"][0]["sig"] = base64.b64encode(b"\x30\x06\x02\x01\x01\x02\x01\x01").decode()
    bad = s.write_bundle(tmp_path / "garbage.sig", bundle)
    assert_rejected(verify_with(model, bad, key), "signature.invalid")


def test_no_signatures(signed, tmp_path, key):
    model, sig = signed
    bundle = json.loads(sig.read_bytes())
    bundle["dsseEnvelope"]["signatures"] = []
    bad = s.write_bundle(tmp_path / "nosig.sig", bundle)
    assert_refused(verify_with(model, bad, key), expect=(1, 2), names=["nosig.sig"],
                   codes_any=["signature.invalid", "manifest.invalid-statement"])


def test_blake3_hash_type(tmp_path, key):
    model = s.make_model(tmp_path / "model", {"w.bin": 3000, "c.json": b"{}"})
    sig = tmp_path / "model.sig"
    s.api_sign(model, sig, key, hashing_algorithm="blake3")
    _, st, _ = s.read_bundle(sig)
    assert st["predicate"]["serialization"]["hash_type"] == "blake3"
    assert_rejected(verify_with(model, sig, key), "manifest.unsupported-algorithm")


def test_unknown_algorithm_string(signed, tmp_path, key):
    model, _ = signed
    res_list = s.file_resources(model)
    res_list[0]["algorithm"] = "md5"
    res_list[0]["digest"] = "00" * 16
    bad = s.write_bundle(tmp_path / "md5.sig", s.build_bundle(s.statement(res_list), key))
    assert_rejected(verify_with(model, bad, key), "manifest.unsupported-algorithm",
                    any_of=["manifest.invalid-statement"])


def test_huge_resource_count_is_bounded(signed, tmp_path, key):
    """50k resources in a validly signed statement: refused or reported, quickly, no crash."""
    model, _ = signed
    res_list = [{"name": f"f{i:06d}", "algorithm": "sha256", "digest": "00" * 32} for i in range(50_000)]
    bad = s.write_bundle(tmp_path / "many.sig", s.build_bundle(s.statement(res_list), key))
    res = verify_with(model, bad, key, timeout=60)
    assert_refused(res, expect=(1, 2))


# ---------------------------------------------------------------------------------------------
# Hostile model folders
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/etc/passwd", "../../outside.txt", "/"])
def test_symlink_pointing_outside(model_copy, tmp_path, key, target):
    model, sig = model_copy
    s.write(tmp_path / "outside.txt", b"secret")
    os.symlink(target, model / "weights/escape.bin")
    for extra in ([], ["--ignore-unsigned-files"]):
        res = verify_with(model, sig, key, *extra)
        assert_rejected(res, "path.symlink-escape", any_of=["path.symlink"], path="weights/escape.bin")


def test_symlink_replacing_signed_file(model_copy, tmp_path, key):
    """The signed file replaced by a symlink to an identical copy outside: still refused."""
    model, sig = model_copy
    outside = tmp_path / "outside-copy"
    shutil.copy(model / "config.json", outside)
    (model / "config.json").unlink()
    os.symlink(outside, model / "config.json")
    assert_rejected(verify_with(model, sig, key), "path.symlink-escape", any_of=["path.symlink"],
                    path="config.json")


def test_symlink_loop(model_copy, key):
    model, sig = model_copy
    os.symlink("loop", model / "loop")
    assert_rejected(verify_with(model, sig, key), "path.symlink", any_of=["path.symlink-escape"], path="loop")


def test_fifo_in_model(model_copy, key):
    model, sig = model_copy
    os.mkfifo(model / "weights/pipe.bin")
    res = verify_with(model, sig, key, timeout=30)
    assert_rejected(res, "path.not-regular-file", path="weights/pipe.bin")


def test_fifo_replacing_signed_file(model_copy, key):
    model, sig = model_copy
    (model / "README.md").unlink()
    os.mkfifo(model / "README.md")
    res = verify_with(model, sig, key, "--ignore-unsigned-files", timeout=30)
    assert_rejected(res, "path.not-regular-file", path="README.md")


def test_unix_socket_in_model(model_copy, key):
    import socket
    model, sig = model_copy
    sock_path = model / "s.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    cwd = os.getcwd()
    try:
        os.chdir(model)          # AF_UNIX paths are limited to ~108 bytes
        sock.bind("s.sock")
    finally:
        os.chdir(cwd)
    try:
        assert_rejected(verify_with(model, sig, key, timeout=30), "path.not-regular-file", path="s.sock")
    finally:
        sock.close()


def test_non_utf8_file_name(model_copy, key):
    model, sig = model_copy
    with open(os.path.join(os.fsencode(model), b"caf\xe9.bin"), "wb") as f:
        f.write(b"latin-1 name")
    res = verify_with(model, sig, key)
    s.assert_no_crash(res)
    assert res.rc == 1, res.describe()
    assert "path.non-utf8-name" in s.codes(res), res.describe()
    assert "caf" in res.output, "the finding should name the file\n" + res.describe()


def test_non_utf8_dir_name(model_copy, key):
    model, sig = model_copy
    d = os.path.join(os.fsencode(model), b"dir\xff")
    os.mkdir(d)
    with open(os.path.join(d, b"x.bin"), "wb") as f:
        f.write(b"x")
    res = verify_with(model, sig, key)
    s.assert_no_crash(res)
    assert res.rc == 1, res.describe()
    assert "path.non-utf8-name" in s.codes(res), res.describe()


def test_sign_non_utf8_name(tmp_path, key):
    model = s.make_model(tmp_path / "model", {"a.bin": 10})
    with open(os.path.join(os.fsencode(model), b"caf\xe9.bin"), "wb") as f:
        f.write(b"x")
    res = stemma("sign", model, "--private-key", key.private, "--signature", tmp_path / "x.sig")
    s.assert_no_crash(res)
    assert res.rc == 2, res.describe()
    assert "caf" in res.output, res.describe()


def test_empty_model_folder(tmp_path, key):
    """model_signing signs an empty folder (resources: []); the OMS spec says reject it."""
    model = tmp_path / "empty"
    model.mkdir()
    sig = tmp_path / "empty.sig"
    s.ms_sign_key(model, key, sig)
    assert s.resources(sig) == {}
    res = verify_with(model, sig, key)
    assert_refused(res, expect=(1, 2), names=[], codes_any=["manifest.empty-model"])


def test_sign_empty_model_folder(tmp_path, key):
    model = tmp_path / "empty"
    (model / "only-dirs/inside").mkdir(parents=True)
    res = stemma("sign", model, "--private-key", key.private, "--signature", tmp_path / "x.sig")
    s.assert_no_crash(res)
    assert res.rc == 2, "stemma sign should refuse an empty model (OMS spec)\n" + res.describe()


def test_file_growing_while_hashed(tmp_path, key):
    """A writer appends to a big signed file during verification: never exit 0."""
    model = s.make_model(tmp_path / "model", {"small.json": b"{}"})
    big = model / "big.bin"
    with open(big, "wb") as f:
        chunk = os.urandom(1 << 20)
        for _ in range(64):
            f.write(chunk)
    sig = tmp_path / "model.sig"
    s.ms_sign_key(model, key, sig)
    stop = threading.Event()

    def writer():
        with open(big, "ab", buffering=0) as f:
            written = 0
            while not stop.is_set() and written < (128 << 20):
                f.write(b"\0" * 65536)
                written += 65536

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    time.sleep(0.05)
    try:
        res = verify_with(model, sig, key, timeout=60)
    finally:
        stop.set()
        t.join()
    assert_rejected(res, "integrity.file-changed", any_of=["integrity.digest-mismatch"], path="big.bin")


# ---------------------------------------------------------------------------------------------
# Hostile archives
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("evil", ["../evil", "/etc/x", "model/../../evil", "model/../evil2", "./../evil"])
def test_tar_entry_escapes(signed, tmp_path, key, evil):
    model, sig = signed
    members = s.tar_members_of(model)
    members.append((evil, b"owned\n"))
    archive = s.tar_from_members(tmp_path / "escape.tar", members)
    res = verify_with(archive, sig, key)
    assert_rejected(res, "path.unsafe-archive-entry")
    assert not (tmp_path / "evil").exists() and not (tmp_path.parent / "evil").exists()


def test_zip_entry_escapes(signed, tmp_path, key):
    model, sig = signed
    archive = s.make_archive(model, tmp_path, "zip")
    with zipfile.ZipFile(archive, "a") as z:
        z.writestr("../evil", b"owned\n")
    assert_rejected(verify_with(archive, sig, key), "path.unsafe-archive-entry")


@pytest.mark.parametrize("target", ["../../etc/passwd", "/etc/passwd", "../outside"])
def test_tar_symlink_out_of_model(signed, tmp_path, key, target):
    model, sig = signed
    members = s.tar_members_of(model)
    members.append(("model/weights/link.bin", ("symlink", target)))
    archive = s.tar_from_members(tmp_path / "symlink.tar", members)
    assert_rejected(verify_with(archive, sig, key), "path.symlink-escape",
                    any_of=["path.symlink", "path.unsafe-archive-entry"], path="link.bin")


def test_tar_hardlink_out_of_model(signed, tmp_path, key):
    model, sig = signed
    members = s.tar_members_of(model)
    members.append(("model/weights/hard.bin", ("hardlink", "/etc/passwd")))
    archive = s.tar_from_members(tmp_path / "hardlink.tar", members)
    assert_refused(verify_with(archive, sig, key), expect=(1,), names=["hard.bin"],
                   codes_any=["path.unsafe-archive-entry", "path.symlink-escape", "path.not-regular-file",
                              "path.symlink"])


def test_tar_device_entry(signed, tmp_path, key):
    import io
    import tarfile
    model, sig = signed
    archive = s.tar_from_members(tmp_path / "dev.tar", s.tar_members_of(model))
    with tarfile.open(archive, "a") as t:
        info = tarfile.TarInfo("model/weights/dev")
        info.type = tarfile.CHRTYPE
        info.devmajor, info.devminor = 1, 3
        t.addfile(info)
    assert_rejected(verify_with(archive, sig, key), "path.not-regular-file", path="weights/dev")


@pytest.mark.parametrize("kind", ["tar.gz", "tar.zst", "zip"])
def test_truncated_archive(signed, tmp_path, key, kind):
    """Truncated: unreadable input (2) or a failure with a reason (1); never 0. Names the archive."""
    model, sig = signed
    archive = s.make_archive(model, tmp_path, kind)
    raw = archive.read_bytes()
    cut = tmp_path / f"cut.{kind}"
    cut.write_bytes(raw[: int(len(raw) * 0.6)])
    assert_refused(verify_with(cut, sig, key), expect=(1, 2), names=[f"cut.{kind}"])


def test_garbage_archive(signed, tmp_path, key):
    model, sig = signed
    junk = s.write(tmp_path / "junk.tar.gz", gzip.compress(os.urandom(5000)))
    assert_refused(verify_with(junk, sig, key), expect=(1, 2), names=["junk.tar.gz"])


def test_zip_bomb(tmp_path, key):
    """2 GiB of zeros deflated into a ~2 MiB zip member. Stemma must stop (limit) or finish
    quickly with a mismatch, never verify, never hash forever, and keep memory flat."""
    model = s.make_model(tmp_path / "model", {"weights.bin": 16, "config.json": b"{}"})
    sig = tmp_path / "model.sig"
    s.ms_sign_key(model, key, sig)
    bomb = tmp_path / "bomb.zip"
    zeros = bytes(1 << 24)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("model/config.json", b"{}")
        with z.open("model/weights.bin", "w", force_zip64=True) as f:
            for _ in range(128):        # 128 x 16 MiB = 2 GiB
                f.write(zeros)
    assert bomb.stat().st_size < 20 << 20
    res = verify_with(bomb, sig, key, timeout=60, measure_rss=True)
    assert_refused(res, expect=(1, 2))
    assert 0 < res.max_rss_kib < 512 * 1024, "memory must stay flat on a zip bomb\n" + res.describe()


@pytest.mark.parametrize("fmt", ["gnu", "posix"])
def test_sparse_tar_entry(tmp_path, key, fmt):
    """A 100 MiB sparse file, signed by model_signing as a folder, packed with GNU tar --sparse:
    verifies (0) with flat memory. Then a tampered byte inside the hole is caught (1)."""
    model = s.make_model(tmp_path / "model", {"config.json": b"{}"})
    sparse = model / "sparse.bin"
    subprocess.run(["truncate", "-s", "100M", str(sparse)], check=True)
    with open(sparse, "r+b") as f:
        for off in (0, 4096 * 7, 50 << 20, (100 << 20) - 3):
            f.seek(off)
            f.write(b"abc")
    sig = tmp_path / "model.sig"
    s.ms_sign_key(model, key, sig)
    archive = tmp_path / f"sparse-{fmt}.tar"
    subprocess.run(["tar", f"--format={fmt}", "--sparse", "-cf", str(archive), "-C", str(tmp_path), "model"],
                   check=True)
    assert archive.stat().st_size < 1 << 20, "tar should have stored the file sparsely"
    res = verify_with(archive, sig, key, timeout=60, measure_rss=True)
    s.assert_verified(res, root_digest=s.subject_digest(sig))
    assert 0 < res.max_rss_kib < 80 * 1024, "a sparse entry must not be held in memory\n" + res.describe()
    with open(sparse, "r+b") as f:
        f.seek(30 << 20)
        f.write(b"X")
    archive2 = tmp_path / f"sparse2-{fmt}.tar"
    subprocess.run(["tar", f"--format={fmt}", "--sparse", "-cf", str(archive2), "-C", str(tmp_path), "model"],
                   check=True)
    assert_rejected(verify_with(archive2, sig, key, timeout=60), "integrity.digest-mismatch", path="sparse.bin")


def test_archive_with_non_utf8_entry(signed, tmp_path, key):
    model, sig = signed
    archive = s.tar_from_members(tmp_path / "latin1.tar", s.tar_members_of(model))
    import tarfile
    with tarfile.open(archive, "a", format=tarfile.GNU_FORMAT, encoding="latin-1", errors="strict") as t:
        import io
        info = tarfile.TarInfo("model/caf\u00e9.bin")
        info.size = 1
        t.addfile(info, io.BytesIO(b"x"))
    res = verify_with(archive, sig, key)
    s.assert_no_crash(res)
    assert res.rc == 1, res.describe()
    assert "path.non-utf8-name" in s.codes(res), res.describe()
