"""Helpers for Stemma's interop and hostile-input tests.

Everything here is independent of Stemma's Swift code: keys and certificates
come from python `cryptography`, signatures from the real `model_signing`
package (CLI or API) or from a tiny independent OMS producer (`build_bundle`),
archives from the `tar`/`zstd` CLIs or Python's `tarfile`/`zipfile`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = pathlib.Path(__file__).resolve().parent
VENV_BIN = pathlib.Path(sys.executable).parent
MODEL_SIGNING = os.environ.get("MODEL_SIGNING_CLI") or str(VENV_BIN / "model_signing")

IN_TOTO = "application/vnd.in-toto+json"
BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://model_signing/signature/v1.0"
GIT_IGNORES = [".git", ".gitattributes", ".github", ".gitignore"]
SHA256_EMPTY = hashlib.sha256(b"").hexdigest()

CURVES = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1()}
CURVE_HASH = {"P-256": hashes.SHA256(), "P-384": hashes.SHA384(), "P-521": hashes.SHA512()}


def stemma_bin() -> str:
    return os.environ.get("STEMMA", "")


# --------------------------------------------------------------------------------------------
# Running processes
# --------------------------------------------------------------------------------------------


@dataclass
class Result:
    args: list
    rc: int  # negative: killed by that signal; None never happens (timeouts raise)
    stdout: str
    stderr: str
    seconds: float
    max_rss_kib: int  # 0 unless run(measure_rss=True)
    timed_out: bool = False

    @property
    def output(self) -> str:
        return self.stdout + "\n" + self.stderr

    def describe(self) -> str:
        cmd = " ".join(str(a) for a in self.args)
        out = self.stdout if len(self.stdout) < 3000 else self.stdout[:3000] + "…"
        err = self.stderr if len(self.stderr) < 3000 else self.stderr[:3000] + "…"
        rss = f", max RSS {self.max_rss_kib // 1024} MiB" if self.max_rss_kib else ""
        return (f"$ {cmd}\n-> exit {self.rc}{' (TIMED OUT)' if self.timed_out else ''} "
                f"in {self.seconds:.2f}s{rss}\n"
                f"stdout:\n{out}\nstderr:\n{err}")

    def json(self) -> Optional[dict]:
        """The JSON report on stdout, or None if stdout is not one JSON object."""
        try:
            obj = json.loads(self.stdout)
        except ValueError:
            return None
        return obj if isinstance(obj, dict) else None


# A fresh small process forks and execs the command and reports the child's peak RSS. Measuring
# from pytest directly would be wrong: on Linux a child's ru_maxrss starts at its parent's RSS at
# fork time, and pytest's own RSS grows to hundreds of MiB in this suite.
_RSS_WRAPPER = r"""
import os, signal, sys
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGKILL))
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(str(ru.ru_maxrss))
if os.WIFSIGNALED(status):
    signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(os.getpid(), os.WTERMSIG(status))
os._exit(os.waitstatus_to_exitcode(status))
"""


def run(args: Sequence, *, timeout: float = 60, cwd=None, env=None, measure_rss: bool = False) -> Result:
    """Runs a command, capturing output and exit status (negative: killed by that signal).
    With measure_rss, also the command's own peak RSS (KiB) in Result.max_rss_kib; else 0."""
    args = [os.fsdecode(a) if isinstance(a, (bytes, os.PathLike)) else str(a) for a in args]
    rss_file = None
    argv = args
    if measure_rss:
        fd, rss_file = tempfile.mkstemp(prefix="rss-")
        os.close(fd)
        argv = [sys.executable, "-S", "-c", _RSS_WRAPPER, rss_file, *args]
    try:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            start = time.monotonic()
            proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    cwd=cwd, env=env, start_new_session=True)
            timed_out = False
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
            seconds = time.monotonic() - start
            out.seek(0)
            err.seek(0)
            rss = 0
            if rss_file:
                try:
                    rss = int(pathlib.Path(rss_file).read_text() or 0)
                except (OSError, ValueError):
                    rss = 0
            res = Result(args, proc.returncode, out.read().decode("utf-8", "replace"),
                         err.read().decode("utf-8", "replace"), seconds, rss, timed_out)
    finally:
        if rss_file:
            os.unlink(rss_file)
    if os.environ.get("STEMMA_INTEROP_TRACE") and args[0] == stemma_bin():
        print("\n" + res.describe(), file=sys.stderr)  # pytest -s shows it
    return res


def stemma(*args, timeout: float = 60, cwd=None, measure_rss: bool = False) -> Result:
    return run([stemma_bin(), *args], timeout=timeout, cwd=cwd, measure_rss=measure_rss)


def stemma_verify(path, *args, timeout: float = 60, cwd=None, measure_rss: bool = False) -> Result:
    """`stemma verify PATH ARGS --format json`."""
    return stemma("verify", path, *args, "--format", "json", timeout=timeout, cwd=cwd, measure_rss=measure_rss)


def model_signing(*args, cwd=None, timeout: float = 120) -> Result:
    """The real model_signing CLI. cwd defaults to a temp dir so a stray default
    `model.sig` never lands in the repository."""
    if cwd is None:
        cwd = tempfile.gettempdir()
    return run([MODEL_SIGNING, *args], timeout=timeout, cwd=cwd)


def assert_no_crash(res: Result) -> None:
    assert not res.timed_out, "command timed out\n" + res.describe()
    assert 0 <= res.rc < 128, "command crashed (signal or exit >= 128)\n" + res.describe()
    assert "Fatal error" not in res.stderr, "Swift runtime trap\n" + res.describe()


def codes(res: Result) -> list:
    report = res.json()
    if not report:
        return []
    return [f.get("code") for f in report.get("findings", []) if isinstance(f, dict)]


def error_codes(res: Result) -> list:
    report = res.json()
    if not report:
        return []
    return [f.get("code") for f in report.get("findings", [])
            if isinstance(f, dict) and f.get("severity", "error") == "error"]


def assert_verified(res: Result, *, root_digest: Optional[str] = None) -> dict:
    assert_no_crash(res)
    assert res.rc == 0, "stemma should verify\n" + res.describe()
    report = res.json()
    assert report is not None, "--format json must print one JSON object\n" + res.describe()
    assert report.get("verdict") == "verified", res.describe()
    assert not [c for c in error_codes(res)], res.describe()
    if root_digest is not None:
        assert report.get("rootDigest") == root_digest, (
            f"rootDigest should equal the signature's subject digest {root_digest}\n" + res.describe())
    return report


def assert_rejected(res: Result, code: str, *, rc: int = 1, path: Optional[str] = None,
                    any_of: Iterable[str] = ()) -> dict:
    """Exit `rc`, and the JSON findings contain `code` (or one of `any_of`), and, when
    `path` is given, a finding with that code names it."""
    assert_no_crash(res)
    wanted = {code, *any_of}
    assert res.rc == rc, f"expected exit {rc} with {sorted(wanted)}\n" + res.describe()
    report = res.json()
    assert report is not None, "--format json must print one JSON object\n" + res.describe()
    assert report.get("verdict") != "verified", res.describe()
    found = [f for f in report.get("findings", []) if f.get("code") in wanted]
    assert found, f"expected a finding {sorted(wanted)}\n" + res.describe()
    if path is not None:
        assert any(path in (f.get("path") or "") or path in (f.get("message") or "")
                   for f in found), f"a {sorted(wanted)} finding should name {path!r}\n" + res.describe()
    return report


def assert_refused(res: Result, *, expect: Iterable[int] = (1, 2), names: Iterable[str] = (),
                   codes_any: Iterable[str] = ()) -> None:
    """Hostile input: exit in `expect` (never 0, never a crash); output names each of `names`;
    if `codes_any` is given and a JSON report was printed, one of them is among the findings."""
    assert_no_crash(res)
    expect = set(expect)
    assert res.rc != 0, "hostile input must never verify\n" + res.describe()
    assert res.rc in expect, f"expected exit in {sorted(expect)}\n" + res.describe()
    for n in names:
        assert n in res.output, f"stdout/stderr should name {n!r}\n" + res.describe()
    codes_any = set(codes_any)
    if codes_any and res.rc == 1:
        assert codes_any & set(codes(res)), f"expected a finding in {sorted(codes_any)}\n" + res.describe()


# --------------------------------------------------------------------------------------------
# Keys and certificates
# --------------------------------------------------------------------------------------------


@dataclass
class KeyPair:
    curve: str
    key: ec.EllipticCurvePrivateKey
    private: pathlib.Path
    public: pathlib.Path

    @property
    def public_pem(self) -> bytes:
        return self.key.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)

    @property
    def hint(self) -> str:
        return hashlib.sha256(self.public_pem).hexdigest()


def make_key(directory: pathlib.Path, name: str = "key", curve: str = "P-256") -> KeyPair:
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(CURVES[curve])
    priv = directory / f"{name}.pem"
    pub = directory / f"{name}.pub.pem"
    priv.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    pub.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo))
    return KeyPair(curve, key, priv, pub)


def make_key_openssl(directory: pathlib.Path, name: str, curve: str) -> KeyPair:
    """Same as make_key but with the openssl CLI, as a user would."""
    priv = directory / f"{name}.pem"
    pub = directory / f"{name}.pub.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", f"ec_paramgen_curve:{curve}",
                    "-out", str(priv)], check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", str(priv), "-pubout", "-out", str(pub)], check=True,
                   capture_output=True)
    key = serialization.load_pem_private_key(priv.read_bytes(), None)
    return KeyPair(curve, key, priv, pub)


@dataclass
class Cert:
    name: str
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    key_path: pathlib.Path
    cert_path: pathlib.Path


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Stemma interop tests"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _key_usage(**on) -> x509.KeyUsage:
    flags = dict(digital_signature=False, content_commitment=False, key_encipherment=False,
                 data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                 encipher_only=False, decipher_only=False)
    flags.update(on)
    return x509.KeyUsage(**flags)


def make_cert(directory: pathlib.Path, name: str, *, issuer: Optional[Cert], ca: bool,
              key_usage: Optional[x509.KeyUsage], eku: Optional[list] = None,
              not_before: Optional[dt.datetime] = None, not_after: Optional[dt.datetime] = None,
              curve: str = "P-256") -> Cert:
    now = dt.datetime.now(dt.timezone.utc)
    not_before = not_before or now - dt.timedelta(days=1)
    not_after = not_after or now + dt.timedelta(days=365)
    key = ec.generate_private_key(CURVES[curve])
    subject = _name(name)
    builder = (x509.CertificateBuilder()
               .subject_name(subject)
               .issuer_name(issuer.cert.subject if issuer else subject)
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_before)
               .not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
    if key_usage is not None:
        builder = builder.add_extension(key_usage, critical=True)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    signer = issuer.key if issuer else key
    cert = builder.sign(signer, hashes.SHA256())
    directory.mkdir(parents=True, exist_ok=True)
    key_path = directory / f"{name}.key"
    cert_path = directory / f"{name}.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Cert(name, key, cert, key_path, cert_path)


@dataclass
class PKI:
    root: Cert
    intermediate: Cert
    leaf: Cert                 # KeyUsage digitalSignature, valid now
    leaf_no_usage: Cert        # KeyUsage keyAgreement only, no codeSigning EKU
    leaf_expired: Cert         # notAfter in the past
    unrelated_root: Cert
    unrelated_leaf: Cert       # issued by unrelated_root
    directory: pathlib.Path


def make_pki(directory: pathlib.Path) -> PKI:
    now = dt.datetime.now(dt.timezone.utc)
    ca_usage = _key_usage(key_cert_sign=True, crl_sign=True)
    root = make_cert(directory, "root", issuer=None, ca=True, key_usage=ca_usage,
                     not_before=now - dt.timedelta(days=3 * 365), not_after=now + dt.timedelta(days=3650))
    inter = make_cert(directory, "intermediate", issuer=root, ca=True, key_usage=ca_usage,
                      not_before=now - dt.timedelta(days=2 * 365), not_after=now + dt.timedelta(days=1825))
    leaf = make_cert(directory, "leaf", issuer=inter, ca=False, key_usage=_key_usage(digital_signature=True))
    no_usage = make_cert(directory, "leaf-no-usage", issuer=inter, ca=False,
                         key_usage=_key_usage(key_agreement=True))
    expired = make_cert(directory, "leaf-expired", issuer=inter, ca=False,
                        key_usage=_key_usage(digital_signature=True),
                        not_before=now - dt.timedelta(days=400), not_after=now - dt.timedelta(days=200))
    other_root = make_cert(directory, "unrelated-root", issuer=None, ca=True, key_usage=ca_usage,
                           not_before=now - dt.timedelta(days=365), not_after=now + dt.timedelta(days=3650))
    other_leaf = make_cert(directory, "unrelated-leaf", issuer=other_root, ca=False,
                           key_usage=_key_usage(digital_signature=True))
    return PKI(root, inter, leaf, no_usage, expired, other_root, other_leaf, directory)


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


def write(path: pathlib.Path, data: bytes) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def make_model(root: pathlib.Path, files: Optional[dict] = None) -> pathlib.Path:
    """A model folder. `files` maps relative names to bytes or to a size (random bytes)."""
    if files is None:
        files = {
            "config.json": b'{"architectures": ["Tiny"], "hidden": 8}\n',
            "weights/model.safetensors": 5000,
            "weights/sub/extra.bin": 2500,
            "tokenizer/tokenizer.json": 1200,
            "README.md": b"# tiny test model\n",
        }
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = os.urandom(content) if isinstance(content, int) else content
        write(root / name, data)
    return root


TRICKY_FILES = {
    # names that sort differently by path components vs plain code-point order (no two differ only in case:
    # a file "B" beside a folder "b" is integrity.ambiguous-name)
    "a-b": 700, "a.b": 701, "a/b": 702, "a/c/d.bin": 1703, "a0": 703, "C": 704, "b/c": 705,
    # dotfiles at several depths, nested git-like names (only root git paths are ignored)
    ".hidden": 64, "sub/.dotfile": 65, "sub/deeper/.gitignore": b"*.tmp\n",
    # empty file
    "weights/empty.bin": b"",
    # non-ASCII (UTF-8) names
    "caf\u00e9.txt": b"caf\xc3\xa9\n", "\u30e2\u30c7\u30eb/\u91cd\u307f.bin": 1500,
    "sp ace/with space.bin": 300,
    "weights/model.safetensors": 4096,
}


def make_tricky_model(root: pathlib.Path) -> pathlib.Path:
    return make_model(root, TRICKY_FILES)


def flip_byte(path: pathlib.Path, offset: int = 0) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


# --------------------------------------------------------------------------------------------
# Signing with model_signing (CLI and API)
# --------------------------------------------------------------------------------------------


def ms_sign_key(model: pathlib.Path, key: KeyPair, sig: pathlib.Path) -> Result:
    res = model_signing("sign", "key", model, "--private_key", key.private, "--signature", sig)
    assert res.rc == 0, "model_signing sign key failed\n" + res.describe()
    return res


def ms_sign_cert(model: pathlib.Path, leaf: Cert, chain: Sequence[pathlib.Path], sig: pathlib.Path,
                 check: bool = True) -> Result:
    args = ["sign", "certificate", model, "--private_key", leaf.key_path,
            "--signing_certificate", leaf.cert_path]
    for c in chain:
        args += ["--certificate_chain", c]
    res = model_signing(*args, "--signature", sig)
    if check:
        assert res.rc == 0, "model_signing sign certificate failed\n" + res.describe()
    return res


def ms_verify_key(model, sig, pub, *extra) -> Result:
    return model_signing("verify", "key", model, "--signature", sig, "--public_key", pub, *extra)


def ms_verify_cert(model, sig, chain: Sequence[pathlib.Path], *extra) -> Result:
    args = ["verify", "certificate", model, "--signature", sig]
    for c in chain:
        args += ["--certificate_chain", c]
    return model_signing(*args, *extra)


def api_sign(model: pathlib.Path, sig: pathlib.Path, key: KeyPair, *, shard_size: Optional[int] = None,
             hashing_algorithm: str = "sha256") -> None:
    """Signs with the model_signing Python API (the only way to get shards or BLAKE3)."""
    import model_signing as ms
    hcfg = ms.hashing.Config()
    if shard_size is not None:
        hcfg = hcfg.use_shard_serialization(shard_size=shard_size, hashing_algorithm=hashing_algorithm)
    else:
        hcfg = hcfg.use_file_serialization(hashing_algorithm=hashing_algorithm)
    ms.signing.Config().use_elliptic_key_signer(private_key=key.private).set_hashing_config(hcfg).sign(model, sig)


def api_verify_shards(model: pathlib.Path, sig: pathlib.Path, key: KeyPair, shard_size: int) -> None:
    """Raises if model_signing's API does not verify a shard signature."""
    import model_signing as ms
    hcfg = ms.hashing.Config().use_shard_serialization(shard_size=shard_size)
    (ms.verifying.Config().use_elliptic_key_verifier(public_key=key.public)
     .set_hashing_config(hcfg).verify(model, sig))


# --------------------------------------------------------------------------------------------
# Reading and building OMS bundles (independent producer, reference §3.9)
# --------------------------------------------------------------------------------------------


def read_bundle(sig: pathlib.Path) -> tuple:
    """(bundle dict, statement dict, raw payload bytes)."""
    bundle = json.loads(sig.read_bytes())
    payload = base64.b64decode(bundle["dsseEnvelope"]["payload"])
    return bundle, json.loads(payload), payload


def subject_digest(sig: pathlib.Path) -> str:
    _, statement, _ = read_bundle(sig)
    return statement["subject"][0]["digest"]["sha256"]


def resources(sig: pathlib.Path) -> dict:
    _, statement, _ = read_bundle(sig)
    return {r["name"]: (r["algorithm"], r["digest"]) for r in statement["predicate"]["resources"]}


def pae(payload: bytes, payload_type: str = IN_TOTO) -> bytes:
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def component_key(name: str):
    """model_signing's order: by path components (PurePosixPath), then shard offsets numerically."""
    parts = name.split(":")
    if len(parts) >= 3 and parts[-1].isdigit() and parts[-2].isdigit():
        return (tuple(pathlib.PurePosixPath(":".join(parts[:-2])).parts), int(parts[-2]), int(parts[-1]))
    return (tuple(pathlib.PurePosixPath(name).parts), 0, 0)


def root_digest(res_list: Sequence[dict]) -> str:
    h = hashlib.sha256()
    for r in res_list:
        h.update(bytes.fromhex(r["digest"]))
    return h.hexdigest()


def file_resources(model: pathlib.Path) -> list:
    """Resources as model_signing would list them (files mode, sha256, git paths ignored)."""
    out = []
    if model.is_file():
        return [{"name": ".", "algorithm": "sha256", "digest": hashlib.sha256(model.read_bytes()).hexdigest()}]
    for p in model.rglob("*"):
        rel = p.relative_to(model).as_posix()
        if rel.split("/")[0] in GIT_IGNORES or not p.is_file():
            continue
        out.append({"name": rel, "algorithm": "sha256", "digest": hashlib.sha256(p.read_bytes()).hexdigest()})
    out.sort(key=lambda r: component_key(r["name"]))
    return out


def statement(res_list: Sequence[dict], *, root: Optional[str] = None, name: str = "model",
              method: str = "files", hash_type: str = "sha256", shard_size: Optional[int] = None,
              statement_type: str = STATEMENT_TYPE, predicate_type: str = PREDICATE_TYPE) -> dict:
    serialization_ = {"method": method, "hash_type": hash_type, "allow_symlinks": False,
                      "ignore_paths": list(GIT_IGNORES)}
    if shard_size is not None:
        serialization_["shard_size"] = float(shard_size)
    return {
        "_type": statement_type,
        "subject": [{"name": name, "digest": {"sha256": root if root is not None else root_digest(res_list)}}],
        "predicateType": predicate_type,
        "predicate": {"serialization": serialization_, "resources": list(res_list)},
    }


def build_bundle(payload, key: KeyPair, *, payload_type: str = IN_TOTO, pae_type: Optional[str] = None,
                 media_type: str = BUNDLE_MEDIA_TYPE) -> dict:
    """A key-mode OMS bundle whose ECDSA signature is valid over PAE(pae_type, payload)."""
    if isinstance(payload, dict):
        payload = json.dumps(payload, indent=2).encode()
    elif isinstance(payload, str):
        payload = payload.encode()
    sig = key.key.sign(pae(payload, pae_type or payload_type), ec.ECDSA(CURVE_HASH[key.curve]))
    return {
        "mediaType": media_type,
        "verificationMaterial": {"publicKey": {"hint": key.hint}, "tlogEntries": []},
        "dsseEnvelope": {
            "payload": base64.b64encode(payload).decode(),
            "payloadType": payload_type,
            "signatures": [{"sig": base64.b64encode(sig).decode(), "keyid": ""}],
        },
    }


def write_bundle(path: pathlib.Path, bundle: dict) -> pathlib.Path:
    path.write_text(json.dumps(bundle, separators=(",", ":")))
    return path


def build_cert_bundle(payload: dict, leaf: Cert, chain: Sequence[Cert]) -> dict:
    """A certificate-mode bundle (leaf first), signed by the leaf key."""
    payload_bytes = json.dumps(payload, indent=2).encode()
    sig = leaf.key.sign(pae(payload_bytes), ec.ECDSA(hashes.SHA256()))
    certs = [leaf.cert, *[c.cert for c in chain]]
    return {
        "mediaType": BUNDLE_MEDIA_TYPE,
        "verificationMaterial": {
            "x509CertificateChain": {"certificates": [
                {"rawBytes": base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()}
                for c in certs]},
            "tlogEntries": [],
        },
        "dsseEnvelope": {
            "payload": base64.b64encode(payload_bytes).decode(),
            "payloadType": IN_TOTO,
            "signatures": [{"sig": base64.b64encode(sig).decode(), "keyid": ""}],
        },
    }


# --------------------------------------------------------------------------------------------
# Archives
# --------------------------------------------------------------------------------------------

ARCHIVE_KINDS = ["tar", "tar.gz", "tgz", "tar.xz", "tar.zst", "zip"]


def _top_entries(model: pathlib.Path) -> list:
    return sorted(p.name for p in model.iterdir())


def make_archive(model: pathlib.Path, out_dir: pathlib.Path, kind: str, *, toplevel: bool = True,
                 exclude: Iterable[str] = ()) -> pathlib.Path:
    """Packs `model` as `kind`. toplevel=True: entries under `model.name/`; False: at the root."""
    out = out_dir / f"{model.name}{'' if toplevel else '-flat'}.{kind}"
    exclude = list(exclude)
    if kind == "zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            prefix = f"{model.name}/" if toplevel else ""
            if toplevel:
                z.writestr(zipfile.ZipInfo(prefix), b"")  # directory entry, as `zip -r` writes
            for p in sorted(model.rglob("*")):
                rel = p.relative_to(model).as_posix()
                if rel in exclude:
                    continue
                if p.is_dir():
                    z.writestr(zipfile.ZipInfo(prefix + rel + "/"), b"")
                else:
                    z.write(p, prefix + rel)
        return out
    flags = {"tar": "", "tar.gz": "--gzip", "tgz": "--gzip", "tar.xz": "--xz", "tar.zst": "--zstd"}[kind]
    args = ["tar", "--format=gnu", "-cf", str(out)]
    if flags:
        args.insert(1, flags)
    for e in exclude:
        args.append(f"--exclude={model.name}/{e}" if toplevel else f"--exclude={e}")
    if toplevel:
        args += ["-C", str(model.parent), model.name]
    else:
        args += ["-C", str(model), "--", *_top_entries(model)]
    subprocess.run(args, check=True, capture_output=True)
    return out


def tar_from_members(out: pathlib.Path, members: Sequence[tuple]) -> pathlib.Path:
    """A tar from (name, bytes | None for a dir | ('symlink', target)) tuples, names verbatim."""
    with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.mtime = int(time.time())
            if content is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                t.addfile(info)
            elif isinstance(content, tuple) and content[0] == "symlink":
                info.type = tarfile.SYMTYPE
                info.linkname = content[1]
                t.addfile(info)
            elif isinstance(content, tuple) and content[0] == "hardlink":
                info.type = tarfile.LNKTYPE
                info.linkname = content[1]
                t.addfile(info)
            else:
                import io
                info.size = len(content)
                info.mode = 0o644
                t.addfile(info, io.BytesIO(content))
    return out


def tar_members_of(model: pathlib.Path, prefix: str = "model/") -> list:
    members = [(prefix.rstrip("/"), None)] if prefix else []
    for p in sorted(model.rglob("*")):
        rel = prefix + p.relative_to(model).as_posix()
        members.append((rel, None if p.is_dir() else p.read_bytes()))
    return members
