"""Stemma signs, model_signing 1.1.1 verifies; and both agree on the root digest."""

import base64
import json
import os
import shutil

import pytest

import support as s
from support import assert_verified, stemma, stemma_verify


def stemma_sign(path, *args):
    res = stemma("sign", path, *args)
    s.assert_no_crash(res)
    assert res.rc == 0, "stemma sign should succeed\n" + res.describe()
    args = [str(a) for a in args]
    if "--signature" in args:
        out = args[args.index("--signature") + 1]
        assert os.path.isfile(out), f"stemma sign exited 0 but wrote no {out}\n" + res.describe()
    return res


def check_bundle_shape(sig, *, mode="key"):
    raw = sig.read_bytes()
    bundle = json.loads(raw)
    assert bundle["mediaType"] == s.BUNDLE_MEDIA_TYPE
    env = bundle["dsseEnvelope"]
    assert env["payloadType"] == s.IN_TOTO
    assert len(env["signatures"]) == 1
    st = json.loads(base64.b64decode(env["payload"]))
    assert st["_type"] == s.STATEMENT_TYPE
    assert st["predicateType"] == s.PREDICATE_TYPE
    assert len(st["subject"]) == 1
    # the subject digest is sha256 over the raw resource digests, in the listed order
    assert st["subject"][0]["digest"]["sha256"] == s.root_digest(st["predicate"]["resources"])
    if mode == "key":
        assert "publicKey" in bundle["verificationMaterial"]
    else:
        assert "x509CertificateChain" in bundle["verificationMaterial"]
    return bundle, st


@pytest.mark.parametrize("curve", ["P-256", "P-384", "P-521"])
def test_key_mode_each_curve(tmp_path, keys, curve):
    k = keys[curve]
    model = s.make_model(tmp_path / "model")
    sig = tmp_path / "stemma.sig"
    stemma_sign(model, "--private-key", k.private, "--signature", sig)
    bundle, _ = check_bundle_shape(sig)
    assert bundle["verificationMaterial"]["publicKey"].get("hint") == k.hint, \
        "hint must be sha256 of the PEM public key text, as model_signing checks it"
    ms = s.ms_verify_key(model, sig, k.public)
    assert ms.rc == 0, ms.describe()
    assert_verified(stemma_verify(model, "--signature", sig, "--public-key", k.public),
                    root_digest=s.subject_digest(sig))


def test_default_signature_path_inside_folder(tmp_path, key):
    model = s.make_model(tmp_path / "model")
    stemma_sign(model, "--private-key", key.private)
    sig = model / "model.sig"
    assert sig.is_file(), "stemma sign FOLDER writes FOLDER/model.sig by default"
    assert "model.sig" not in s.resources(sig)
    ms = s.ms_verify_key(model, sig, key.public)
    assert ms.rc == 0, ms.describe()
    assert_verified(stemma_verify(model, "--public-key", key.public), root_digest=s.subject_digest(sig))


def test_certificate_mode(tmp_path, pki):
    model = s.make_model(tmp_path / "model")
    sig = tmp_path / "stemma.sig"
    stemma_sign(model, "--private-key", pki.leaf.key_path, "--signing-certificate", pki.leaf.cert_path,
                "--certificate-chain", pki.intermediate.cert_path, "--signature", sig)
    check_bundle_shape(sig, mode="certificate")
    ms = s.ms_verify_cert(model, sig, [pki.root.cert_path])
    assert ms.rc == 0, ms.describe()
    assert_verified(stemma_verify(model, "--signature", sig, "--certificate-chain", pki.root.cert_path),
                    root_digest=s.subject_digest(sig))


def test_single_file_model(tmp_path, key):
    model = s.write(tmp_path / "model.gguf", os.urandom(4321))
    stemma_sign(model, "--private-key", key.private)
    sig = tmp_path / "model.gguf.sig"
    assert sig.is_file(), "stemma sign FILE writes FILE.sig by default"
    ms = s.ms_verify_key(model, sig, key.public)
    assert ms.rc == 0, ms.describe()
    assert_verified(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    root_digest=s.subject_digest(sig))
    # same root digest as model_signing's own signature of the file
    ms_sig = tmp_path / "ms.sig"
    s.ms_sign_key(model, key, ms_sig)
    assert s.subject_digest(sig) == s.subject_digest(ms_sig)


@pytest.mark.parametrize("layout", ["default", "tricky"])
def test_same_root_digest_as_model_signing(tmp_path, key, layout):
    model = s.make_model(tmp_path / "model") if layout == "default" else s.make_tricky_model(tmp_path / "model")
    ours, theirs = tmp_path / "stemma.sig", tmp_path / "ms.sig"
    stemma_sign(model, "--private-key", key.private, "--signature", ours)
    s.ms_sign_key(model, key, theirs)
    assert s.resources(ours) == s.resources(theirs)
    assert s.subject_digest(ours) == s.subject_digest(theirs), (
        "root digest differs: resource order must be model_signing's path-component order\n"
        f"stemma order: {[r['name'] for r in s.read_bundle(ours)[1]['predicate']['resources']]}")
    ms = s.ms_verify_key(model, ours, key.public)
    assert ms.rc == 0, ms.describe()


@pytest.mark.parametrize("change", ["modify", "add", "remove", "modify-empty"])
def test_model_signing_refuses_tampered(tmp_path, key, change):
    model = s.make_tricky_model(tmp_path / "model")
    sig = tmp_path / "stemma.sig"
    stemma_sign(model, "--private-key", key.private, "--signature", sig)
    ok = s.ms_verify_key(model, sig, key.public)
    assert ok.rc == 0, ok.describe()
    if change == "modify":
        s.flip_byte(model / "a/b", 10)
    elif change == "add":
        s.write(model / "a/new.bin", b"new")
    elif change == "remove":
        (model / "caf\u00e9.txt").unlink()
    else:
        (model / "weights/empty.bin").write_bytes(b"x")
    ms = s.ms_verify_key(model, sig, key.public)
    assert ms.rc != 0, "model_signing must refuse the changed model\n" + ms.describe()
    res = stemma_verify(model, "--signature", sig, "--public-key", key.public)
    s.assert_refused(res, expect=(1,))


def test_model_signing_refuses_other_key(tmp_path, keys, key):
    model = s.make_model(tmp_path / "model")
    sig = tmp_path / "stemma.sig"
    stemma_sign(model, "--private-key", key.private, "--signature", sig)
    ms = s.ms_verify_key(model, sig, keys["other"].public)
    assert ms.rc != 0, ms.describe()


def test_model_signing_refuses_cert_from_other_root(tmp_path, pki):
    model = s.make_model(tmp_path / "model")
    sig = tmp_path / "stemma.sig"
    stemma_sign(model, "--private-key", pki.leaf.key_path, "--signing-certificate", pki.leaf.cert_path,
                "--certificate-chain", pki.intermediate.cert_path, "--signature", sig)
    ms = s.ms_verify_cert(model, sig, [pki.unrelated_root.cert_path])
    assert ms.rc != 0, ms.describe()


@pytest.mark.parametrize("size", [1000, 4096])
def test_shards_round_trip(tmp_path, key, size):
    model = s.make_model(tmp_path / "model", {
        "weights/model.safetensors": 9000, "weights/odd.bin": 2345, "exact.bin": 1000, "small.json": b"{}",
        "n/\u00fc.bin": 3000,
    })
    sig = tmp_path / "stemma.sig"
    stemma_sign(model, "--private-key", key.private, "--signature", sig, "--shard-size", str(size))
    _, st = check_bundle_shape(sig)
    ser = st["predicate"]["serialization"]
    assert ser["method"] == "shards"
    assert int(ser["shard_size"]) == size
    report = assert_verified(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                             root_digest=s.subject_digest(sig))
    assert report.get("method") == "shards"
    # the same manifest and root digest as model_signing's API for this shard size
    ms_sig = tmp_path / "ms.sig"
    s.api_sign(model, ms_sig, key, shard_size=size)
    assert s.resources(sig) == s.resources(ms_sig)
    assert s.subject_digest(sig) == s.subject_digest(ms_sig)
    # and model_signing's API verifies Stemma's shard signature
    s.api_verify_shards(model, sig, key, size)
    # a flipped byte is caught
    s.flip_byte(model / "weights/model.safetensors", 8999)
    s.assert_refused(stemma_verify(model, "--signature", sig, "--public-key", key.public), expect=(1,),
                     names=["weights/model.safetensors"], codes_any=["integrity.digest-mismatch"])


def test_ignore_paths_are_recorded_and_honoured(tmp_path, key):
    model = s.make_model(tmp_path / "model")
    s.write(model / "cache/tmp.bin", b"scratch")
    sig = tmp_path / "stemma.sig"
    stemma_sign(model, "--private-key", key.private, "--signature", sig, "--ignore-paths", "cache")
    assert not any(n.startswith("cache") for n in s.resources(sig))
    s.write(model / "cache/tmp.bin", b"changed scratch")
    ms = s.ms_verify_key(model, sig, key.public)
    assert ms.rc == 0, ms.describe()
    assert_verified(stemma_verify(model, "--signature", sig, "--public-key", key.public),
                    root_digest=s.subject_digest(sig))


def test_sign_refuses_symlink_without_flag(tmp_path, key):
    model = s.make_model(tmp_path / "model")
    os.symlink("config.json", model / "link.json")
    res = stemma("sign", model, "--private-key", key.private, "--signature", tmp_path / "x.sig")
    s.assert_no_crash(res)
    assert res.rc == 2, "stemma sign must refuse a symlink without --allow-symlinks\n" + res.describe()
    assert "link.json" in res.output, res.describe()
    assert not (tmp_path / "x.sig").exists()


@pytest.mark.parametrize("curve", ["secp256k1", "ed25519"])
def test_sign_refuses_non_oms_keys(tmp_path, curve):
    priv = tmp_path / "k.pem"
    if curve == "ed25519":
        s.run(["openssl", "genpkey", "-algorithm", "ED25519", "-out", priv])
    else:
        s.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", f"ec_paramgen_curve:{curve}", "-out", priv])
    assert priv.is_file()
    model = s.make_model(tmp_path / "model")
    res = stemma("sign", model, "--private-key", priv, "--signature", tmp_path / "x.sig")
    s.assert_no_crash(res)
    assert res.rc == 2, res.describe()
    assert "k.pem" in res.output, res.describe()
