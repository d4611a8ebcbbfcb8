#!/usr/bin/env python3
"""Run picklescan, modelscan and fickling over the `stemma scan` corpus and compare with expected.json.

    python benchmarks/scan/anchor_corpus.py CORPUS_DIR [--venv benchmarks/.venv-scan] [--json OUT]

A sanity check of the corpus against the anchors' documented behaviour (shared reference §1, §3): each file
is given to each tool's CLI on its own (fickling's CLI is pickle-only, so zips go through its
`fickling.loader.scan_zip_archive` API, as in the reference). A tool "flags" a file when:
  picklescan  exits 1 (a dangerous import; its "suspicious" tier exits 0 and counts as not flagged);
  modelscan   exits 1 (issues found; 2 = error, 3 = nothing it supports);
  fickling    exits 1 / any member above LIKELY_SAFE (2 = parse error, counted separately).
Nothing here loads a pickle: the tools only parse.
"""

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

FICKLING_ZIP = r"""
import sys
from fickling.loader import scan_zip_archive
res = scan_zip_archive(sys.argv[1], graceful=True)
bad = [k for k, r in res.items() if not r.is_safe or r.errors]
print("members:", {k: r.severity.name for k, r in res.items()})
sys.exit(1 if bad else 0)
"""


def run(argv, cwd):
    try:
        p = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=300)
        return p.returncode, (p.stdout + p.stderr).decode(errors="replace")
    except subprocess.TimeoutExpired:
        return -1, "timeout"


def classify(tool, rc):
    if tool == "picklescan":
        return {0: "clean", 1: "FLAG", 2: "error"}.get(rc, f"rc{rc}")
    if tool == "modelscan":
        return {0: "clean", 1: "FLAG", 2: "error", 3: "unsupported"}.get(rc, f"rc{rc}")
    return {0: "clean", 1: "FLAG", 2: "error"}.get(rc, f"rc{rc}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=pathlib.Path)
    ap.add_argument("--venv", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parents[1] / ".venv-scan")
    ap.add_argument("--json", type=pathlib.Path)
    args = ap.parse_args()
    expected = json.loads((args.corpus / "expected.json").read_text())
    bin_ = args.venv / "bin"
    rows = []
    with tempfile.TemporaryDirectory() as cwd:  # fickling --check-safety writes safety_results.json in cwd
        for rel, exp in sorted(expected.items()):
            path = str((args.corpus / rel).resolve())
            is_zip = open(path, "rb").read(4) == b"PK\x03\x04"
            out = {"file": rel, "expected": exp["verdict"]}
            rc, _ = run([str(bin_ / "picklescan"), "-p", path], cwd)
            out["picklescan"] = classify("picklescan", rc)
            rc, _ = run([str(bin_ / "modelscan"), "-p", path], cwd)
            out["modelscan"] = classify("modelscan", rc)
            if is_zip:
                rc, _ = run([str(bin_ / "python"), "-c", FICKLING_ZIP, path], cwd)
            else:
                rc, _ = run([str(bin_ / "fickling"), "--check-safety", path], cwd)
            out["fickling"] = classify("fickling", rc)
            rows.append(out)
            print(f"{rel:60s} {exp['verdict']:10s} {out['picklescan']:11s} {out['modelscan']:11s} {out['fickling']}",
                  file=sys.stderr)
    tools = ("picklescan", "modelscan", "fickling")
    print("| file | expected | " + " | ".join(tools) + " |")
    print("|---|---|" + "---|" * len(tools))
    for r in rows:
        print(f"| {r['file']} | {r['expected']} | " + " | ".join(r[t] for t in tools) + " |")
    print()
    hostile = [r for r in rows if r["expected"] != "safe"]
    dangerous = [r for r in rows if r["expected"] == "dangerous"]
    benign = [r for r in rows if r["expected"] == "safe"]
    print("| tool | flags dangerous | flags any non-safe | flags benign (false positives) | errors on benign |")
    print("|---|---|---|---|---|")
    for t in tools:
        print(f"| {t} | {sum(r[t] == 'FLAG' for r in dangerous)} / {len(dangerous)} "
              f"| {sum(r[t] == 'FLAG' for r in hostile)} / {len(hostile)} "
              f"| {sum(r[t] == 'FLAG' for r in benign)} / {len(benign)} "
              f"| {sum(r[t] not in ('FLAG', 'clean') for r in benign)} / {len(benign)} |")
    missed_all = [r["file"] for r in dangerous if all(r[t] != "FLAG" for t in tools)]
    print(f"\nDangerous files flagged by none of the three ({len(missed_all)}):")
    for f in missed_all:
        print(f"* {f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
