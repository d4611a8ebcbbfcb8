#!/usr/bin/env python3
"""Timing half of benchmarks/scan-bench.sh: `stemma scan` against picklescan, modelscan and fickling.

scan-bench.sh prepares the venv and the inputs (make_bench_inputs.py) and runs this file, which times every
command round-robin (one untimed warm-up, then --runs timed runs; minimum wall and CPU time, maximum RSS) and
prints Markdown: one table per case with each tool's verdict and its time relative to stemma, then stemma's
pickle-VM throughput on the opcode-dense input and the reference's §5 goals. Standard library only.

Wall time is perf_counter around spawn and wait; CPU time is the user+sys of the child from wait4 (which
includes the children it reaped); peak RSS comes from GNU time's %M (the command runs under
`/usr/bin/time -f %M`), when /usr/bin/time exists.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"
VERDICT_RANK = ("safe", "suspicious", "malformed", "dangerous")

# fickling's CLI reads one raw pickle; zips and folders go through its Python API in one process.
FICKLING_ZIP = r"""
import sys
from fickling.loader import scan_zip_archive
res = scan_zip_archive(sys.argv[1], graceful=True)
worst = max((r.severity for r in res.values()), default=None)
print("FICKLING_VERDICT", worst.name if worst is not None else "no pickle member", f"({len(res)} member scanned)")
"""
FICKLING_DIR = r"""
import os, sys
from fickling.loader import scan_file
worst = None
for name in sorted(os.listdir(sys.argv[1])):
    r = scan_file(os.path.join(sys.argv[1], name), graceful=True)
    worst = r.severity if worst is None or r.severity > worst else worst
print("FICKLING_VERDICT", worst.name if worst is not None else "empty")
"""

# §5 targets for Stemma (shared/reference/unsafe-formats.md).
GOAL_ZIP_S = 0.050
GOAL_DIR_S = 0.100
GOAL_OPCODES_PER_S = 10e6
GOAL_INLINE_S = 0.200
GOAL_INLINE_RSS_MIB = 32.0


class Sample:
    def __init__(self, wall, cpu, rss_kib, rc, out):
        self.wall, self.cpu, self.rss_kib, self.rc, self.out = wall, cpu, rss_kib, rc, out


def run_once(argv, cwd):
    rss_file = None
    if os.access(GNU_TIME, os.X_OK):
        fd, rss_file = tempfile.mkstemp(prefix="scan-bench-rss-")
        os.close(fd)
        argv = [GNU_TIME, "-f", "%M", "-o", rss_file, *argv]
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    rss = None
    if rss_file:
        try:
            rss = int(pathlib.Path(rss_file).read_text().strip().splitlines()[-1])
        except (OSError, ValueError, IndexError):
            rss = None
        os.unlink(rss_file)
    return Sample(wall, ru.ru_utime + ru.ru_stime, rss, proc.returncode, text)


def verdict(tool, s):
    """A short verdict from a tool's exit status and output."""
    if tool == "stemma":
        try:
            summary = json.loads(s.out[s.out.index("{"):])["summary"]
            worst = [v for v in VERDICT_RANK if summary.get(v)]
            return f"{worst[-1] if worst else 'empty'} (rc {s.rc})"
        except (ValueError, KeyError, TypeError):
            return f"no JSON (rc {s.rc})"
    if tool == "picklescan":
        if s.rc == 1:
            return "dangerous (rc 1)"
        if s.rc == 0:
            sus = [ln for ln in s.out.splitlines() if ln.startswith("Suspicious globals:")]
            n = sus[-1].split(":")[1].strip() if sus else "0"
            return "clean" if n == "0" else f"clean, {n} suspicious globals"
        return f"error (rc {s.rc})"
    if tool == "modelscan":
        return {0: "clean", 1: "issues (rc 1)", 2: "error (rc 2)", 3: "nothing scanned (rc 3)"}.get(s.rc, f"rc {s.rc}")
    if tool == "fickling":
        for ln in s.out.splitlines():
            if ln.startswith("FICKLING_VERDICT"):
                return ln.split(" ", 1)[1]
        return {0: "LIKELY_SAFE (rc 0)", 1: "unsafe (rc 1)", 2: "parse error (rc 2)"}.get(s.rc, f"rc {s.rc}")
    return f"rc {s.rc}"


def commands(case, path, stemma, venv, has_stemma):
    bin_ = venv / "bin"
    cmds = []
    if has_stemma:
        cmds.append(("stemma", [stemma, "scan", str(path), "--format", "json"]))
    cmds.append(("picklescan", [str(bin_ / "picklescan"), "-p", str(path)]))
    cmds.append(("modelscan", [str(bin_ / "modelscan"), "-p", str(path)]))
    if case == "zip":
        cmds.append(("fickling", [str(bin_ / "python"), "-c", FICKLING_ZIP, str(path)]))
        cmds.append(("sha256sum (baseline)", ["sha256sum", str(path)]))
    elif case == "dir":
        cmds.append(("fickling", [str(bin_ / "python"), "-c", FICKLING_DIR, str(path)]))
    else:
        cmds.append(("fickling", [str(bin_ / "fickling"), "--check-safety", str(path)]))
    return cmds


CASES = {
    "zip": "500 MiB PyTorch zip (100 tensors, 100 x 5 MiB stored)",
    "dir": "folder of 1,000 protocol-4 pickles (~530 B)",
    "dense": "12 MB / 1.8 M-opcode benign pickle",
    "inline": "200 MB pickle of 50 inline 4 MiB bytes objects",
}


def fmt_rss(kib):
    return "—" if kib is None else f"{kib / 1024:.0f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=pathlib.Path, required=True)
    ap.add_argument("--venv", type=pathlib.Path, required=True)
    ap.add_argument("--stemma", default="")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cases", default="zip,dir,dense,inline")
    ap.add_argument("--json-out", type=pathlib.Path)
    args = ap.parse_args()
    info = json.loads((args.data / "inputs.json").read_text())
    has_stemma = bool(args.stemma)
    cases = [c for c in args.cases.split(",") if c]
    results = {}
    with tempfile.TemporaryDirectory() as cwd:  # fickling --check-safety writes safety_results.json in cwd
        plan = [(case, tool, argv) for case in cases
                for tool, argv in commands(case, args.data / info[case]["path"], args.stemma, args.venv, has_stemma)]
        for case, tool, argv in plan:  # warm-up (page cache, .pyc files)
            print(f"[scan-bench] warm-up {case}: {tool}", file=sys.stderr)
            run_once(argv, cwd)
        for r in range(args.runs):
            print(f"[scan-bench] run {r + 1}/{args.runs}", file=sys.stderr)
            for case, tool, argv in plan:
                results.setdefault((case, tool), []).append(run_once(argv, cwd))

    out_json = {}
    goals = []
    for case in cases:
        title = CASES[case]
        print(f"## {case}: {title}\n")
        print("| tool | min wall (s) | min CPU (s) | max RSS (MiB) | verdict | wall / stemma |")
        print("|---|---|---|---|---|---|")
        base = min(s.wall for s in results[(case, "stemma")]) if has_stemma else None
        for (c, tool), samples in results.items():
            if c != case:
                continue
            wall = min(s.wall for s in samples)
            cpu = min(s.cpu for s in samples)
            rss = max((s.rss_kib for s in samples if s.rss_kib is not None), default=None)
            ratio = f"{wall / base:.1f}x" if base else "—"
            v = verdict(tool.split(" ")[0], samples[-1])
            print(f"| {tool} | {wall:.3f} | {cpu:.3f} | {fmt_rss(rss)} | {v} | {ratio} |")
            out_json[f"{case}/{tool}"] = {"wall_s": [s.wall for s in samples], "cpu_s": [s.cpu for s in samples],
                                          "max_rss_kib": rss, "verdict": v, "rc": samples[-1].rc}
        print()
        if not has_stemma:
            continue
        st = results[(case, "stemma")]
        if verdict("stemma", st[-1]).startswith("no JSON"):
            goals.append((f"{case}: stemma scan output", "a JSON report", "none", False))
            continue
        wall = min(s.wall for s in st)
        rss = max((s.rss_kib for s in st if s.rss_kib is not None), default=None)
        if case == "zip":
            goals.append(("500 MiB torch zip", f"≤ {GOAL_ZIP_S * 1000:.0f} ms", f"{wall * 1000:.0f} ms",
                          wall <= GOAL_ZIP_S))
        elif case == "dir":
            goals.append(("1,000 small pickles", f"≤ {GOAL_DIR_S * 1000:.0f} ms", f"{wall * 1000:.0f} ms",
                          wall <= GOAL_DIR_S))
        elif case == "dense":
            ops = info["dense"]["opcodes"]
            rate = ops / wall
            print(f"stemma pickle VM: {ops:,} opcodes in {wall:.3f} s = **{rate / 1e6:.1f} M opcodes/s** "
                  "(wall time including process start-up)\n")
            goals.append(("pickle VM throughput", f"≥ {GOAL_OPCODES_PER_S / 1e6:.0f} M opcodes/s",
                          f"{rate / 1e6:.1f} M/s", rate >= GOAL_OPCODES_PER_S))
        elif case == "inline":
            goals.append(("200 MB inline pickle, time", f"≤ {GOAL_INLINE_S * 1000:.0f} ms", f"{wall * 1000:.0f} ms",
                          wall <= GOAL_INLINE_S))
            if rss is not None:
                goals.append(("200 MB inline pickle, RSS", f"≤ {GOAL_INLINE_RSS_MIB:.0f} MiB",
                              f"{rss / 1024:.0f} MiB", rss / 1024 <= GOAL_INLINE_RSS_MIB))
    if has_stemma and goals:
        print("## Goals (shared/reference/unsafe-formats.md §5)\n")
        print("| goal | target | stemma | met |")
        print("|---|---|---|---|")
        for name, target, got, ok in goals:
            print(f"| {name} | {target} | {got} | {'yes' if ok else '**no**'} |")
        print()
    elif not has_stemma:
        print("_stemma column skipped: the binary has no `scan` subcommand yet._\n")
    if args.json_out:
        args.json_out.write_text(json.dumps({"inputs": info, "results": out_json}, indent=1))


if __name__ == "__main__":
    main()
