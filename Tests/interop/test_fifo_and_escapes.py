"""Every open is safe, and output cannot be forged (issue 9).

A named pipe (FIFO) wherever Stemma reads a file must be refused at once with a message that names the path
and says what it is: a blocking `open` of a FIFO waits for a writer forever, and no test here ever opens the
write end, so a regression shows as a timeout. Every command runs under a 30 s limit.

File names, agent names and other input strings holding a newline, ANSI escapes or bidi overrides must reach a
terminal escaped (docs/cli.md, "Text output"): no raw ESC or input newline in text output, while
`--format json` keeps the exact value.
"""

import json
import os
import pathlib
import shutil

import pytest

import support as s

TIMEOUT = 30
FIFO_WORDS = "is a named pipe (FIFO)"

# A name that would paint a green VERIFIED line above the real verdict, and one that reverses what follows it.
FORGED = "x\n\x1b[32mVERIFIED\x1b[0m evil.bin"
FORGED_SHOWN = "x\\n\\x1b[32mVERIFIED\\x1b[0m evil.bin"
BIDI = "\u202egpj.exe"
BIDI_SHOWN = "\\u{202e}gpj.exe"
PICKLE_CALLING_SYSTEM = b"cos\nsystem\n(S'echo pwned'\ntR."


def run(*args) -> s.Result:
    res = s.stemma(*args, timeout=TIMEOUT)
    assert not res.timed_out, "stemma blocked (a FIFO opened without O_NONBLOCK?)\n" + res.describe()
    s.assert_no_crash(res)
    return res


def assert_fifo_refused(res: s.Result, fifo: pathlib.Path) -> None:
    """Exit 2 with `stemma: error: 'PATH' is a named pipe (FIFO)…` on stderr."""
    assert res.rc == 2, res.describe()
    assert str(fifo) in res.stderr, res.describe()
    assert FIFO_WORDS in res.stderr, res.describe()


@pytest.fixture(scope="module")
def signed(tmp_path_factory, key):
    """A small model signed by model_signing, the key that signed it, and a spare FIFO outside it."""
    root = tmp_path_factory.mktemp("fifo")
    model = s.make_model(root / "model")
    sig = root / "model.sig"
    s.ms_sign_key(model, key, sig)
    fifo = root / "pipe"
    os.mkfifo(fifo)
    return root, model, sig, fifo


def test_verified_baseline(signed, key):
    _, model, sig, _ = signed
    s.assert_verified(s.stemma_verify(model, "--signature", sig, "--public-key", key.public, timeout=TIMEOUT))


def test_default_model_sig_that_is_a_fifo(signed, key, tmp_path):
    _, model, _, _ = signed
    copy = tmp_path / "model"
    shutil.copytree(model, copy)
    os.mkfifo(copy / "model.sig")
    assert_fifo_refused(run("verify", copy, "--public-key", key.public), copy / "model.sig")


def test_signature_option_that_is_a_fifo(signed, key):
    _, model, _, fifo = signed
    assert_fifo_refused(run("verify", model, "--signature", fifo, "--public-key", key.public), fifo)


def test_public_key_that_is_a_fifo(signed):
    _, model, sig, fifo = signed
    assert_fifo_refused(run("verify", model, "--signature", sig, "--public-key", fifo), fifo)


def test_certificate_chain_that_is_a_fifo(signed):
    _, model, sig, fifo = signed
    assert_fifo_refused(run("verify", model, "--signature", sig, "--certificate-chain", fifo), fifo)


def test_trust_roots_whose_files_are_fifos(signed, tmp_path):
    _, model, sig, _ = signed
    # signers.json itself a FIFO.
    roots = tmp_path / "roots"
    roots.mkdir()
    os.mkfifo(roots / "signers.json")
    assert_fifo_refused(run("verify", model, "--signature", sig, "--trust-roots", roots), roots / "signers.json")
    # signers.json naming a key file that is a FIFO.
    named = tmp_path / "named"
    (named / "keys").mkdir(parents=True)
    os.mkfifo(named / "keys" / "release.pub.pem")
    policy = {"schemaVersion": 1, "signers": [
        {"name": "release", "publicKeys": ["keys/release.pub.pem"], "models": ["*"]}]}
    (named / "signers.json").write_text(json.dumps(policy))
    res = run("verify", model, "--signature", sig, "--trust-roots", named)
    assert res.rc == 2 and FIFO_WORDS in res.stderr and "release.pub.pem" in res.stderr, res.describe()


def test_model_archive_that_is_a_fifo(signed, key, tmp_path):
    fifo = tmp_path / "model.tar"
    os.mkfifo(fifo)
    assert_fifo_refused(run("verify", fifo, "--signature", signed[2], "--public-key", key.public), fifo)


def test_fifo_inside_the_model_is_a_finding(signed, key, tmp_path):
    _, model, sig, _ = signed
    copy = tmp_path / "model"
    shutil.copytree(model, copy)
    os.mkfifo(copy / "weights" / "pipe.bin")
    res = s.stemma_verify(copy, "--signature", sig, "--public-key", key.public, timeout=TIMEOUT)
    assert not res.timed_out, res.describe()
    s.assert_rejected(res, "path.not-regular-file", path="weights/pipe.bin")


def test_sign_with_a_private_key_that_is_a_fifo(signed, tmp_path):
    _, model, _, fifo = signed
    assert_fifo_refused(run("sign", model, "--private-key", fifo, "--signature", tmp_path / "out.sig"), fifo)


def test_scan_input_that_is_a_fifo(signed):
    assert_fifo_refused(run("scan", signed[3]), signed[3])


def test_attest_inputs_that_are_fifos(signed, key, tmp_path):
    import attest_support as at
    fifo = signed[3]
    assert_fifo_refused(run("attest", fifo, "--private-key", key.private), fifo)
    assert_fifo_refused(run("attest", at.MLBOM, "--private-key", fifo), fifo)
    assert_fifo_refused(run("attest", at.MLBOM, "--private-key", key.private, "--subject", fifo), fifo)


def test_verify_attestation_envelope_and_subject_that_are_fifos(signed, key, tmp_path):
    import attest_support as at
    fifo = signed[3]
    artifact = s.write(tmp_path / "artifact.bin", b"payload\n")
    envelope = tmp_path / "bom.dsse.json"
    made = run("attest", at.MLBOM, "--private-key", key.private, "--subject", artifact, "--output", envelope)
    assert made.rc == 0, made.describe()
    ok = run("verify-attestation", envelope, "--public-key", key.public, "--subject", artifact)
    assert ok.rc == 0, ok.describe()
    assert_fifo_refused(run("verify-attestation", fifo, "--public-key", key.public), fifo)
    assert_fifo_refused(run("verify-attestation", envelope, "--public-key", key.public, "--subject", fifo), fifo)


def test_impact_inventory_and_advisories_that_are_fifos(signed, tmp_path):
    fifo = signed[3]
    # An inventory path that cannot be read stops the job, naming it: no answer comes from an unread input.
    res = run("impact", "pkg:pypi/x", "--inventory", fifo, "--format", "json")
    assert res.rc == 2 and str(fifo) in res.stderr and FIFO_WORDS in res.stderr, res.describe()
    assert res.stdout == "", res.describe()
    # A FIFO listed inside an inventory folder is never opened (the run ends, without a hang); with nothing else
    # in the folder, nothing was recognised, which is exit 2 too.
    inventory = tmp_path / "inventory"
    inventory.mkdir()
    os.mkfifo(inventory / "requirements.txt")
    res = run("impact", "pkg:pypi/x", "--inventory", inventory)
    assert res.rc == 2 and "was recognised" in res.stderr, res.describe()
    (inventory / "agent").mkdir()
    (inventory / "agent" / "stemma.yaml").write_text("stemma: component/v1\nkind: agent\nname: a\n")
    assert run("impact", "pkg:pypi/x", "--inventory", inventory).rc == 0
    # Advisories that cannot be read stop the job.
    res = run("impact", "--advisories", fifo, "--inventory", inventory)
    assert res.rc == 2 and str(fifo) in res.stderr and FIFO_WORDS in res.stderr, res.describe()


# --------------------------------------------------------------------------------------------
# Output cannot be forged
# --------------------------------------------------------------------------------------------


def assert_no_raw_controls(text: str, *forbidden: str) -> None:
    assert "\x1b" not in text, "raw ESC reached the output:\n" + text
    assert "\u202e" not in text, "raw RIGHT-TO-LEFT OVERRIDE reached the output:\n" + text
    for word in forbidden:
        assert word not in text, f"{word!r} should not be printed raw:\n" + text


def test_verify_text_escapes_hostile_names_and_json_keeps_them(signed, key, tmp_path):
    _, model, sig, _ = signed
    copy = tmp_path / "model"
    shutil.copytree(model, copy)
    (copy / FORGED).write_bytes(b"not signed\n")
    (copy / BIDI).write_bytes(b"not signed either\n")
    text = run("verify", copy, "--signature", sig, "--public-key", key.public)
    assert text.rc == 1, text.describe()
    assert_no_raw_controls(text.stdout + text.stderr, FORGED, BIDI)
    assert FORGED_SHOWN in text.stdout and BIDI_SHOWN in text.stdout, text.describe()
    # Only the real verdict line starts with the verdict word.
    verdicts = [line for line in text.stdout.splitlines() if "VERIFIED" in line.split(" ")[0:2]]
    assert len(verdicts) == 1 and verdicts[0].startswith("NOT VERIFIED"), text.describe()
    report = s.stemma_verify(copy, "--signature", sig, "--public-key", key.public, timeout=TIMEOUT).json()
    paths = {f.get("path") for f in report["findings"]}
    assert FORGED in paths and BIDI in paths, report


def test_scan_text_escapes_hostile_names_and_json_keeps_them(tmp_path):
    folder = tmp_path / "scan"
    folder.mkdir()
    name = "x\n\x1b[32mSAFE\x1b[0m.pkl"
    (folder / name).write_bytes(PICKLE_CALLING_SYSTEM)
    text = run("scan", folder)
    assert text.rc == 1, text.describe()
    assert_no_raw_controls(text.stdout + text.stderr, name)
    assert "x\\n\\x1b[32mSAFE\\x1b[0m.pkl" in text.stdout, text.describe()
    assert not any(line.startswith("SAFE") for line in text.stdout.splitlines()), text.describe()
    report = json.loads(run("scan", folder, "--format", "json").stdout)
    assert report["files"][0]["path"] == str(folder / name), report


def test_impact_text_escapes_an_agent_name_and_json_keeps_it(tmp_path):
    inventory = tmp_path / "agents" / "evil"
    inventory.mkdir(parents=True)
    (inventory / "stemma.yaml").write_text(
        'stemma: component/v1\nkind: agent\nname: "bot\\n\\e[32mnothing affected\\e[0m\\u202e"\n'
        "version: 1.0.0\nowner: \"team\\e[2J\"\nmodels: [pkg:huggingface/acme/base-model]\n")
    text = run("impact", "pkg:huggingface/acme/base-model", "--inventory", tmp_path / "agents")
    assert text.rc == 0, text.describe()
    assert_no_raw_controls(text.stdout + text.stderr)
    assert "agent:bot\\n\\x1b[32mnothing affected\\x1b[0m\\u{202e}@1.0.0" in text.stdout, text.describe()
    assert "owner=team\\x1b[2J" in text.stdout, text.describe()
    report = json.loads(run("impact", "pkg:huggingface/acme/base-model", "--inventory", tmp_path / "agents",
                            "--format", "json").stdout)
    names = [a["name"] for a in report["affected"] if a["kind"] == "agent"]
    assert names == ["bot\n\x1b[32mnothing affected\x1b[0m\u202e"], report
    assert report["affected"][0]["properties"]["owner"] == "team\x1b[2J", report
    dot = run("graph", "--inventory", tmp_path / "agents", "--format", "dot")
    assert dot.rc == 0, dot.describe()
    assert_no_raw_controls(dot.stdout + dot.stderr)


def test_error_messages_on_stderr_are_escaped(signed, key, tmp_path):
    _, model, _, _ = signed
    missing = tmp_path / "no\n\x1b[32mVERIFIED\x1b[0m.sig"
    res = run("verify", model, "--signature", missing, "--public-key", key.public)
    assert res.rc == 2, res.describe()
    assert_no_raw_controls(res.stderr)
    assert "no\\n\\x1b[32mVERIFIED\\x1b[0m.sig" in res.stderr, res.describe()
