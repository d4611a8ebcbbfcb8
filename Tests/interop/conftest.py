"""Fixtures for the interop suite. Missing tools fail the run loudly: nothing is skipped."""

import os
import pathlib
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import support  # noqa: E402


def _fail(msg: str):
    raise pytest.UsageError("Stemma interop suite cannot run: " + msg)


def pytest_configure(config):
    stemma = os.environ.get("STEMMA")
    if not stemma:
        _fail("set STEMMA to the absolute path of the built stemma binary "
              "(e.g. STEMMA=$(swift build --show-bin-path)/stemma)")
    if not os.path.isabs(stemma):
        _fail(f"STEMMA must be an absolute path, got {stemma!r}")
    if not (os.path.isfile(stemma) and os.access(stemma, os.X_OK)):
        _fail(f"STEMMA={stemma} is not an executable file")
    try:
        import model_signing  # noqa: F401
        import model_signing.signing  # noqa: F401
        import OpenSSL  # noqa: F401  (model_signing 1.1.1 needs it but does not declare it)
    except Exception as e:  # pragma: no cover - environment problem
        _fail(f"cannot import model_signing in {sys.executable}: {e!r} (run `make venv`)")
    try:
        out = subprocess.run([support.MODEL_SIGNING, "--help"], capture_output=True, timeout=60)
    except Exception as e:
        _fail(f"cannot run {support.MODEL_SIGNING}: {e!r}")
    if out.returncode != 0:
        _fail(f"{support.MODEL_SIGNING} --help exited {out.returncode}: {out.stderr.decode(errors='replace')}")


@pytest.fixture(scope="session")
def keys(tmp_path_factory):
    """One key pair per OMS curve, plus a second P-256 key ('other')."""
    d = tmp_path_factory.mktemp("keys")
    ks = {c: support.make_key_openssl(d, f"key-{c}", c) for c in support.CURVES}
    ks["other"] = support.make_key(d, "other", "P-256")
    return ks


@pytest.fixture(scope="session")
def key(keys):
    return keys["P-256"]


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return support.make_pki(tmp_path_factory.mktemp("pki"))
