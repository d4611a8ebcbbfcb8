"""model_signing 1.1.1 signs, Stemma verifies (and refuses what it must refuse)."""

import os
import pathlib
import shutil

import pytest

import support as s
from support import assert_rejected, assert_verified, stemma, stemma_verify


@pytest.fixture(scope="module")
def signed(tmp_path_factory, key):
    """A model folder signed by `model_signing sign key`, with the signature outside it.
    Tests that change the model copy it first (see `copy_signed`)."""
    d = tmp_path_factory.mktemp("signed")
    model = s.make_model(d / "model")
    s.write(model / "weights/empty.bin", b"")
    s.write(model / ".hidden", b"dot\n")
    sig = d / "model.sig"
    s.ms_sign_key(model, key, sig)
    return model, sig


@pytest.fixture
def copy_signed(signed, tmp_path):
    model, sig = signed
    m = tmp_path / "model"
    shutil.copytree(model, m, symlinks=True)
    return m, sig


# ---------------------------------------------------------------------------------------------
# model_signing signs, stemma verifies
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("curve", ["P-256", "P-384", "P-521"])
def test_key_mode_each_curve(tmp_path, keys, curve):
    k = keys[curve]
    model = s.make_model(tmp_path / "model")
    sig = tmp_path / "model.sig"
    s.ms_sign_key(model, k, sig)
    report = assert_verified(stemma_verify(model, "--signature", sig, "--public-key", k.public),
                             root_digest=s.subject_digest(sig))
    assert report.get("method") == "files"
    assert report.get("hashType") == "sha256"
    assert report.get("counts", {}).get("resourcesSigned") == len(s.resources(sig))
    # default text output: same verdict through the exit status
    res = stemma("verify", model, "--signature", sig, "--public-key", k.public)
    s.assert_no_crash(res)
    assert res.rc == 0, res.describe()


def test_several_public_keys_any_one_is_enough(signed, keys, key):
    model, sig = signed
    assert_verified(stemma_verify(model, "--signature", sig, "--public-key", keys["other"].public,
                                  "--public-key", key.public), root_digest=s.subject_digest(sig))


def test_certificate_mode(tmp_path, pki):
    model = s.make_model(tmp_path / "model")
    sig = tmp_path / "model.sig"
    s.ms_sign_cert(model, pki.leaf, [pki.intermediate.cert_path], sig)
    bundle, _, _ = s.read_bundle(sig)
    assert len(bundle["verificationMaterial"]["x509CertificateChain"]["certificates"]) == 2
    report = assert_verified(stemma_verify(model, "--signature", sig, "--certificate-chain", pki.root.cert_path),
                             root_digest=s.subject_digest(sig))
    assert (report.get("signer") or {}).get("method") not in (None, "public-key"), report


def test_tricky_names(tmp_path, key):
    """Nested dirs, dotfiles, a 0-byte file, UTF-8 names, and names whose path-component order
    differs from plain string order (a-b, a.b, a/b, a0, B)."""
    model = s.make_tricky_model(tmp_path / "model")
    sig = tmp_path / "model.sig"
    s.ms_sign_key(model, key, sig)
    names = list(s.resources(sig))
    assert "weights/empty.bin" in names and "caf\u00e9.txt" in names
    assert_verified(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    root_digest=s.subject_digest(sig))


def test_single_file_model(tmp_path, key):
    model = s.write(tmp_path / "model.safetensors", os.urandom(3000))
    sig = tmp_path / "model.safetensors.sig"
    s.ms_sign_key(model, key, sig)
    assert list(s.resources(sig)) == ["."]
    assert_verified(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    root_digest=s.subject_digest(sig))
    # PATH.sig is found by default
    assert_verified(stemma_verify(model, "--public-key", key.public), root_digest=s.subject_digest(sig))


def test_single_empty_file_model(tmp_path, key):
    model = s.write(tmp_path / "empty.bin", b"")
    sig = tmp_path / "empty.sig"
    s.ms_sign_key(model, key, sig)
    assert s.resources(sig) == {".": ("sha256", s.SHA256_EMPTY)}
    assert_verified(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    root_digest=s.subject_digest(sig))


def test_signature_inside_model_found_by_default(tmp_path, key):
    model = s.make_model(tmp_path / "model")
    sig = model / "model.sig"
    s.ms_sign_key(model, key, sig)
    assert "model.sig" not in s.resources(sig)
    assert_verified(stemma_verify(model, "--public-key", key.public), root_digest=s.subject_digest(sig))


def test_model_sig_beside_folder_found_by_default(tmp_path, key):
    model = s.make_model(tmp_path / "model")
    sig = tmp_path / "model.sig"   # `model.sig` beside PATH
    s.ms_sign_key(model, key, sig)
    assert_verified(stemma_verify(model, "--public-key", key.public), root_digest=s.subject_digest(sig))


def test_git_paths_at_root_are_ignored(tmp_path, key):
    model = s.make_model(tmp_path / "model")
    s.write(model / ".git/HEAD", b"ref: refs/heads/main\n")
    s.write(model / ".gitattributes", b"*.bin filter=lfs\n")
    sig = tmp_path / "model.sig"
    s.ms_sign_key(model, key, sig)
    s.write(model / ".git/HEAD", b"changed\n")
    s.write(model / ".github/workflow.yml", b"on: push\n")
    assert_verified(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    root_digest=s.subject_digest(sig))


def test_shards_mode_from_api(tmp_path, key):
    model = s.make_model(tmp_path / "model", {
        "weights/model.safetensors": 5000,   # 5 shards
        "weights/odd.bin": 2345,             # 3 shards, last one short
        "exact.bin": 1000,                   # exactly one shard
        "tiny.json": b"{}\n",
        "sub/\u00e9t\u00e9.bin": 1500,
    })
    sig = tmp_path / "model.sig"
    s.api_sign(model, sig, key, shard_size=1000)
    res_ = s.resources(sig)
    assert "weights/model.safetensors:4000:5000" in res_
    assert res_["exact.bin:0:1000"][0] == "sha256-sharded-1000"
    report = assert_verified(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                             root_digest=s.subject_digest(sig))
    assert report.get("method") == "shards"
    # a flipped byte in the middle shard of a file is caught
    s.flip_byte(model / "weights/model.safetensors", 2500)
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    "integrity.digest-mismatch", path="weights/model.safetensors")


def test_shards_mode_empty_file_is_a_warning(tmp_path, key):
    """model_signing drops 0-byte files from shard manifests: Stemma warns but verifies."""
    model = s.make_model(tmp_path / "model", {"w.bin": 2500, "empty.bin": b""})
    sig = tmp_path / "model.sig"
    s.api_sign(model, sig, key, shard_size=1000)
    assert not any(n.startswith("empty.bin") for n in s.resources(sig))
    res = stemma_verify(model, "--signature", sig, "--public-key", key.public)
    assert_verified(res, root_digest=s.subject_digest(sig))
    assert "integrity.unlisted-empty-file" in s.codes(res), res.describe()


def test_shards_mode_file_grew(tmp_path, key):
    model = s.make_model(tmp_path / "model", {"w.bin": 2500})
    sig = tmp_path / "model.sig"
    s.api_sign(model, sig, key, shard_size=1000)
    with open(model / "w.bin", "ab") as f:
        f.write(b"x" * 600)   # now needs a fourth shard
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    "integrity.shard-layout-mismatch", path="w.bin",
                    any_of=["integrity.digest-mismatch", "integrity.unlisted-file"])


# ---------------------------------------------------------------------------------------------
# Archives of a folder signed by model_signing
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("toplevel", [True, False], ids=["one-top-folder", "entries-at-root"])
@pytest.mark.parametrize("kind", s.ARCHIVE_KINDS)
def test_archive_verifies(signed, tmp_path, key, kind, toplevel):
    model, sig = signed
    archive = s.make_archive(model, tmp_path, kind, toplevel=toplevel)
    assert_verified(stemma_verify(archive, "--signature", sig, "--public-key", key.public),
                    root_digest=s.subject_digest(sig))


def test_archive_dot_slash_entries(signed, tmp_path, key):
    """`tar -C model -cf x.tar .` writes `./`, `./config.json`, …: that is the model root."""
    model, sig = signed
    archive = tmp_path / "dot.tar"
    s.run(["tar", "-cf", archive, "-C", model, "."])
    assert_verified(stemma_verify(archive, "--signature", sig, "--public-key", key.public),
                    root_digest=s.subject_digest(sig))


def test_archive_pax_format(signed, tmp_path, key):
    model, sig = signed
    archive = tmp_path / "pax.tar"
    s.run(["tar", "--format=posix", "-cf", archive, "-C", model.parent, model.name])
    assert_verified(stemma_verify(archive, "--signature", sig, "--public-key", key.public),
                    root_digest=s.subject_digest(sig))


@pytest.mark.parametrize("kind", ["tar", "zip"])
def test_archive_tricky_names(tmp_path, key, kind):
    model = s.make_tricky_model(tmp_path / "model")
    sig = tmp_path / "model.sig"
    s.ms_sign_key(model, key, sig)
    archive = s.make_archive(model, tmp_path, kind)
    assert_verified(stemma_verify(archive, "--signature", sig, "--public-key", key.public),
                    root_digest=s.subject_digest(sig))


@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_archive_shards(tmp_path, key, kind):
    model = s.make_model(tmp_path / "model", {"w.bin": 4500, "x/y.bin": 999})
    sig = tmp_path / "model.sig"
    s.api_sign(model, sig, key, shard_size=1000)
    archive = s.make_archive(model, tmp_path, kind)
    assert_verified(stemma_verify(archive, "--signature", sig, "--public-key", key.public),
                    root_digest=s.subject_digest(sig))


# ---------------------------------------------------------------------------------------------
# Failures: exit 1 with the right finding
# ---------------------------------------------------------------------------------------------


def test_modified_byte(copy_signed, key):
    model, sig = copy_signed
    s.flip_byte(model / "weights/model.safetensors", 1234)
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    "integrity.digest-mismatch", path="weights/model.safetensors")


def test_modified_dotfile(copy_signed, key):
    model, sig = copy_signed
    (model / ".hidden").write_bytes(b"DOT\n")
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    "integrity.digest-mismatch", path=".hidden")


def test_empty_file_made_nonempty(copy_signed, key):
    model, sig = copy_signed
    (model / "weights/empty.bin").write_bytes(b"\0")
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    "integrity.digest-mismatch", path="weights/empty.bin")


def test_added_file(copy_signed, key):
    model, sig = copy_signed
    s.write(model / "weights/new.bin", b"new weights")
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    "integrity.unlisted-file", path="weights/new.bin")
    assert_verified(stemma_verify(model, "--signature", sig, "--public-key", key.public,
                                  "--ignore-unsigned-files"), root_digest=s.subject_digest(sig))


def test_added_empty_file(copy_signed, key):
    model, sig = copy_signed
    s.write(model / "new-empty.bin", b"")
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    "integrity.unlisted-file", path="new-empty.bin")


def test_nested_gitignore_is_signed(tmp_path, key):
    model = s.make_model(tmp_path / "model", {"w.bin": 100, "tokenizer/.gitignore": b"*.tmp\n"})
    sig = tmp_path / "model.sig"
    s.ms_sign_key(model, key, sig)
    assert "tokenizer/.gitignore" in s.resources(sig)
    (model / "tokenizer/.gitignore").write_bytes(b"*\n")
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    "integrity.digest-mismatch", path="tokenizer/.gitignore")


def test_deleted_file(copy_signed, key):
    model, sig = copy_signed
    (model / "weights/sub/extra.bin").unlink()
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    "integrity.missing-file", path="weights/sub/extra.bin")
    # --ignore-unsigned-files does not excuse a missing file
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", key.public,
                                  "--ignore-unsigned-files"), "integrity.missing-file",
                    path="weights/sub/extra.bin")


def test_renamed_file(copy_signed, key):
    model, sig = copy_signed
    (model / "README.md").rename(model / "README.txt")
    res = stemma_verify(model, "--signature", sig, "--public-key", key.public)
    assert_rejected(res, "integrity.missing-file", path="README.md")
    assert "integrity.unlisted-file" in s.codes(res), res.describe()


def test_other_key(signed, keys):
    model, sig = signed
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", keys["other"].public),
                    "signature.key-mismatch")


def test_other_curve_key(signed, keys):
    model, sig = signed
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", keys["P-384"].public),
                    "signature.key-mismatch")


def test_tampered_payload(copy_signed, tmp_path, key):
    """Re-encode the payload with one digest changed: the DSSE signature no longer holds."""
    import base64
    import json
    model, sig = copy_signed
    bundle, st, _ = s.read_bundle(sig)
    for r in st["predicate"]["resources"]:
        if r["name"] == "README.md":
            r["digest"] = "00" * 32
    bundle["dsseEnvelope"]["payload"] = base64.b64encode(json.dumps(st, indent=2).encode()).decode()
    bad = s.write_bundle(tmp_path / "tampered.sig", bundle)
    assert_rejected(stemma_verify(model, "--signature", bad, "--public-key", key.public),
                    "signature.invalid")


def test_certificate_unrelated_ca(tmp_path, pki):
    model = s.make_model(tmp_path / "model")
    sig = tmp_path / "model.sig"
    s.ms_sign_cert(model, pki.leaf, [pki.intermediate.cert_path], sig)
    assert_rejected(stemma_verify(model, "--signature", sig, "--certificate-chain", pki.unrelated_root.cert_path),
                    "signature.untrusted-certificate")


def test_certificate_leaf_from_unrelated_ca(tmp_path, pki):
    model = s.make_model(tmp_path / "model")
    sig = tmp_path / "model.sig"
    s.ms_sign_cert(model, pki.unrelated_leaf, [pki.unrelated_root.cert_path], sig)
    assert_rejected(stemma_verify(model, "--signature", sig, "--certificate-chain", pki.root.cert_path),
                    "signature.untrusted-certificate")


def test_certificate_expired_leaf(tmp_path, pki):
    """model_signing checks the chain at the leaf's notBefore, so it signs AND verifies an expired
    leaf. Stemma checks at the current time and must refuse it."""
    model = s.make_model(tmp_path / "model")
    sig = tmp_path / "model.sig"
    s.ms_sign_cert(model, pki.leaf_expired, [pki.intermediate.cert_path], sig)
    ms = s.ms_verify_cert(model, sig, [pki.root.cert_path])
    assert ms.rc == 0, "reference says model_signing accepts expired leaves\n" + ms.describe()
    assert_rejected(stemma_verify(model, "--signature", sig, "--certificate-chain", pki.root.cert_path),
                    "signature.untrusted-certificate")


def test_certificate_leaf_without_digital_signature(tmp_path, pki):
    model = s.make_model(tmp_path / "model")
    sig = tmp_path / "model.sig"
    res = s.ms_sign_cert(model, pki.leaf_no_usage, [pki.intermediate.cert_path], sig, check=False)
    if res.rc != 0:  # model_signing refused to sign: build the bundle ourselves
        st = s.statement(s.file_resources(model))
        s.write_bundle(sig, s.build_cert_bundle(st, pki.leaf_no_usage, [pki.intermediate]))
    ms = s.ms_verify_cert(model, sig, [pki.root.cert_path])
    assert ms.rc != 0, ms.describe()
    assert_rejected(stemma_verify(model, "--signature", sig, "--certificate-chain", pki.root.cert_path),
                    "signature.certificate-usage")


def test_symlink_in_model(copy_signed, key):
    model, sig = copy_signed
    os.symlink("weights/model.safetensors", model / "link.bin")
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    "path.symlink", path="link.bin")


def test_symlink_in_model_even_if_ignoring_unsigned(copy_signed, key):
    model, sig = copy_signed
    os.symlink("../config.json", model / "weights/cfg.json")
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    "path.symlink", path="weights/cfg.json")


# ---------------------------------------------------------------------------------------------
# Tampered archive members
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["tar", "tar.zst", "zip"])
def test_archive_member_modified(copy_signed, tmp_path, key, kind):
    model, sig = copy_signed
    s.flip_byte(model / "weights/model.safetensors", 4000)
    archive = s.make_archive(model, tmp_path, kind)
    assert_rejected(stemma_verify(archive, "--signature", sig, "--public-key", key.public),
                    "integrity.digest-mismatch", path="weights/model.safetensors")


@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_archive_member_added(copy_signed, tmp_path, key, kind):
    model, sig = copy_signed
    s.write(model / "weights/injected.py", b"import os; os.system('id')\n")
    archive = s.make_archive(model, tmp_path, kind)
    assert_rejected(stemma_verify(archive, "--signature", sig, "--public-key", key.public),
                    "integrity.unlisted-file", path="weights/injected.py")


@pytest.mark.parametrize("kind", ["tar.xz", "zip"])
def test_archive_member_missing(copy_signed, tmp_path, key, kind):
    model, sig = copy_signed
    archive = s.make_archive(model, tmp_path, kind, exclude=["config.json"])
    assert_rejected(stemma_verify(archive, "--signature", sig, "--public-key", key.public),
                    "integrity.missing-file", path="config.json")


def test_archive_member_duplicated_with_other_content(signed, tmp_path, key):
    """A tar may hold the same name twice; extracting keeps the last. Stemma must not pass it
    (the copy that was hashed is not necessarily the copy that gets extracted)."""
    model, sig = signed
    members = s.tar_members_of(model)
    members.append(("model/config.json", b'{"evil": true}\n'))
    archive = s.tar_from_members(tmp_path / "dup.tar", members)
    res = stemma_verify(archive, "--signature", sig, "--public-key", key.public)
    s.assert_refused(res, expect=(1, 2), names=["config.json"])


def test_archive_symlink_member(signed, tmp_path, key):
    model, sig = signed
    members = s.tar_members_of(model)
    members.append(("model/link.bin", ("symlink", "weights/model.safetensors")))
    archive = s.tar_from_members(tmp_path / "link.tar", members)
    assert_rejected(stemma_verify(archive, "--signature", sig, "--public-key", key.public),
                    "path.symlink", path="link.bin")


# ---------------------------------------------------------------------------------------------
# Serialization options recorded by model_signing
# ---------------------------------------------------------------------------------------------


def test_signed_ignore_paths_are_honoured(tmp_path, key):
    model = s.make_model(tmp_path / "model")
    s.write(model / "cache/scratch.bin", b"scratch")
    sig = tmp_path / "model.sig"
    res = s.model_signing("sign", "key", model, "--private_key", key.private, "--signature", sig,
                          "--ignore-paths", model / "cache")
    assert res.rc == 0, res.describe()
    _, st, _ = s.read_bundle(sig)
    assert "cache" in st["predicate"]["serialization"]["ignore_paths"]
    s.write(model / "cache/scratch.bin", b"changed")
    s.write(model / "cache/new.bin", b"new")
    assert_verified(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    root_digest=s.subject_digest(sig))


def test_allow_symlinks_signature(tmp_path, key):
    """Signed with --allow_symlinks: an in-model symlink is hashed through the link and verifies;
    one that leaves the model is still refused."""
    model = s.make_model(tmp_path / "model")
    os.symlink("weights/model.safetensors", model / "alias.safetensors")
    sig = tmp_path / "model.sig"
    res = s.model_signing("sign", "key", model, "--private_key", key.private, "--signature", sig,
                          "--allow_symlinks")
    assert res.rc == 0, res.describe()
    _, st, _ = s.read_bundle(sig)
    assert st["predicate"]["serialization"]["allow_symlinks"] is True
    assert "alias.safetensors" in s.resources(sig)
    assert_verified(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    root_digest=s.subject_digest(sig))
    s.write(tmp_path / "outside.bin", b"outside")
    os.symlink(tmp_path / "outside.bin", model / "escape.bin")
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    "path.symlink-escape", path="escape.bin")
