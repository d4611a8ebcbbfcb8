"""The committed resolution table (Sources/StemmaScan/Pickle/PickleResolutionTable.swift) against the sources.

Tests/scan-corpus/resolution_table.py re-derives the re-exports and aliases of the standard library, numpy,
setuptools and joblib from this environment's installed packages (read with `ast`, never imported) and compares
them with the committed table. The torch, keras and scikit-learn lines come from their wheels, which this test
does not download; the script's full run (with --wheels) rebuilds them. A mismatch of versions fails: the
script refuses any other version than the pinned ones (Tests/interop/requirements.txt).
"""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "Tests" / "scan-corpus" / "resolution_table.py"
TABLE = ROOT / "Sources" / "StemmaScan" / "Pickle" / "PickleResolutionTable.swift"
PARTS = "stdlib,numpy,setuptools,joblib"


def check(table):
    return subprocess.run([sys.executable, str(SCRIPT), "--parts", PARTS, "--check", "--output", str(table)],
                          capture_output=True, text=True, timeout=600)


def test_committed_table_matches_the_installed_sources():
    result = check(TABLE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_fails_on_a_missing_and_on_an_invented_line(tmp_path):
    text = TABLE.read_text()
    line = "        numpy.ma.core.np numpy\n"
    assert line in text  # the numpy.ma route to numpy.load (issue 10) comes from numpy's own sources
    missing = tmp_path / "missing.swift"
    missing.write_text(text.replace(line, ""))
    result = check(missing)
    assert result.returncode == 1 and "missing: numpy.ma.core.np numpy" in result.stdout, result.stdout
    invented = tmp_path / "invented.swift"
    invented.write_text(text.replace(line, line + "        numpy.ma.core.evil os.system\n"))
    result = check(invented)
    assert result.returncode == 1 and "stale: numpy.ma.core.evil os.system" in result.stdout, result.stdout
