#!/usr/bin/env python3
"""Timing harness behind benchmarks/impact-bench.sh (standard library only).

For each fleet: BENCH_RUNS rounds, each running `stemma impact` and then the networkx script once
(round-robin, so a noisy moment hurts both), wall time from this process, peak RSS from GNU time (%M).
Checks that both name the same affected agents, prints a Markdown report on stdout and writes the raw
numbers to --json.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
LAST_CPU = [None]  # user + sys seconds of the last run (GNU time)


def log(msg):
    print(f"[impact-bench] {msg}", file=sys.stderr, flush=True)


def run(cmd):
    """-> (wall seconds, peak RSS KiB or None, exit code, stdout, stderr). CPU seconds go to LAST_CPU."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = [GNU_TIME, "-f", "%M %U %S", "-o", tf.name] + cmd if GNU_TIME else cmd
        t0 = time.perf_counter()
        p = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
        rss = None
        LAST_CPU[0] = None
        if GNU_TIME:
            for line in tf.read().splitlines():
                f = line.split()
                if len(f) == 3 and f[0].isdigit():
                    rss, LAST_CPU[0] = int(f[0]), float(f[1]) + float(f[2])
    return wall, rss, p.returncode, p.stdout, p.stderr.decode(errors="replace")


def agents_of(output, tool):
    """The set of affected agent refs in a tool's JSON output (None if it is not JSON)."""
    try:
        doc = json.loads(output)
    except ValueError:
        return None
    refs = set()
    for a in doc.get("affected", []):
        if isinstance(a, str):
            refs.add(a)
        elif isinstance(a, dict) and a.get("kind", "agent") == "agent" and "ref" in a:
            refs.add(a["ref"])
    return refs


def compare(label, stemma_set, python_set):
    """-> (ok, text)."""
    if stemma_set == python_set:
        return True, f"{label}: same {len(stemma_set)} affected agents"
    only_s, only_p = sorted(stemma_set - python_set), sorted(python_set - stemma_set)
    lines = [f"**MISMATCH** {label}: stemma {len(stemma_set)} agents, python {len(python_set)}; "
             f"{len(only_s)} only in stemma, {len(only_p)} only in python"]
    for name, items in (("only in stemma", only_s), ("only in python", only_p)):
        if items:
            lines.append(f"  {name} (first 10): " + ", ".join(items[:10]))
    return False, "\n".join(lines)


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "ram": mem, "kernel": platform.release(),
            "python": platform.python_version()}


def count_files(path):
    n = size = 0
    for folder, _, files in os.walk(path):
        for f in files:
            n += 1
            size += os.path.getsize(os.path.join(folder, f))
    return n, size


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fleet", action="append", required=True, help="NAME=PATH")
    ap.add_argument("--stemma", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--check-fleet", help="fleet on which to compare extra queries (check-queries.txt), untimed")
    ap.add_argument("--json", help="write raw numbers here")
    args = ap.parse_args()

    script = os.path.join(HERE, "impact_networkx.py")
    have_stemma = os.access(args.stemma, os.X_OK)
    if not have_stemma:
        log(f"warning: no stemma executable at {args.stemma}; timing Python only")
    results, notes, all_ok = [], [], have_stemma
    if not have_stemma:
        notes.append(f"**stemma missing**: no executable at `{args.stemma}`; only Python was timed.")

    for spec in args.fleet:
        name, path = spec.split("=", 1)
        query = open(os.path.join(path, "expected-query.txt")).read().split()[0]
        files, size = count_files(path)
        stats = json.load(open(os.path.join(path, "fleet-stats.json")))
        cmds = {"stemma": [args.stemma, "impact", query, "--inventory", os.path.join(path, "hub"),
                           "--inventory", os.path.join(path, "boms"), "--format", "json"],
                "python": [args.python, script, path, query]}
        tools = ["stemma", "python"] if have_stemma else ["python"]
        if have_stemma:  # one untimed warm-up: a failing stemma should not cost N python runs first
            wall, rss, code, out, err = run(cmds["stemma"])
            if code != 0 or agents_of(out, "stemma") is None:
                notes.append(f"**stemma FAILED** on {name} (exit {code}): {err.strip()[:400] or out[:400]!r}")
                log(f"stemma failed on {name} (exit {code}): {err.strip()[:400]}")
                tools, all_ok = ["python"], False
        times = {t: [] for t in tools}
        cpu = {t: [] for t in tools}
        rss = {t: [] for t in tools}
        outputs = {}
        for r in range(args.runs):
            for t in tools:
                log(f"{name}: run {r + 1}/{args.runs} {t}")
                wall, peak, code, out, err = run(cmds[t])
                if code != 0:
                    notes.append(f"**{t} FAILED** on {name} run {r + 1} (exit {code}): {err.strip()[-400:]}")
                    all_ok = False
                    continue
                times[t].append(wall)
                if LAST_CPU[0] is not None:
                    cpu[t].append(LAST_CPU[0])
                if peak:
                    rss[t].append(peak)
                outputs.setdefault(t, out)
        sets = {t: agents_of(o, t) for t, o in outputs.items()}
        match = None
        if "stemma" in sets and "python" in sets and sets["stemma"] is not None and sets["python"] is not None:
            ok, text = compare(f"{name} `{query}`", sets["stemma"], sets["python"])
            match = ok
            all_ok &= ok
            notes.append(text)
            log(text)
        row = {"fleet": name, "path": path, "files": files, "bytes": size, "agents": stats.get("agents"),
               "models": stats.get("models"), "query": query, "match": match}
        for t in tools:
            if times[t]:
                row[t] = {"median_s": statistics.median(times[t]), "min_s": min(times[t]), "runs_s": times[t],
                          "median_cpu_s": statistics.median(cpu[t]) if cpu[t] else None,
                          "peak_rss_kib": max(rss[t]) if rss[t] else None,
                          "affected": len(sets.get(t) or [])}
        results.append(row)

    checks = []
    if args.check_fleet and have_stemma and all(r.get("stemma") for r in results):
        path = args.check_fleet
        qfile = os.path.join(path, "check-queries.txt")
        for q in (open(qfile).read().split() if os.path.exists(qfile) else []):
            s = run([args.stemma, "impact", q, "--inventory", os.path.join(path, "hub"),
                     "--inventory", os.path.join(path, "boms"), "--format", "json"])
            p = run([args.python, script, path, q])
            ss, ps = agents_of(s[3], "stemma"), agents_of(p[3], "python")
            if s[2] != 0 or ss is None or ps is None:
                text, ok = f"**stemma FAILED** on check query `{q}` (exit {s[2]}): {s[4].strip()[:300]}", False
            else:
                ok, text = compare(f"check `{q}`", ss, ps)
            all_ok &= ok
            checks.append(text)
            log(text)

    # ---------------------------------------------------------------------------------------- report
    m = machine()
    print("## `stemma impact` vs a networkx script\n")
    print(f"Machine: {m['cores']} cores, {m['cpu']}, {m['ram']} RAM, Linux {m['kernel']}, Python {m['python']}. "
          f"{args.runs} timed runs per command, page cache warm.\n")
    print("| fleet | files | MB | agents | models | command | median s | fastest s | CPU s (user+sys) | peak RSS MiB | affected agents |")
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        for t in ("stemma", "python"):
            if t in r:
                x = r[t]
                mib = f"{x['peak_rss_kib'] / 1024:.0f}" if x["peak_rss_kib"] else "n/a"
                label = "`stemma impact`" if t == "stemma" else "`impact_networkx.py`"
                cpu_s = f"{x['median_cpu_s']:.2f}" if x["median_cpu_s"] is not None else "n/a"
                print(f"| {r['fleet']} | {r['files']:,} | {r['bytes'] / 1e6:.0f} | {r['agents']:,} | {r['models']:,} | "
                      f"{label} | {x['median_s']:.2f} | {x['min_s']:.2f} | {cpu_s} | {mib} | {x['affected']:,} |")
    print()
    print("| fleet | python / stemma (median wall) | goal | python / stemma (CPU s) | stemma peak RSS | goal | same answer |")
    print("| --- | ---: | --- | ---: | ---: | --- | --- |")
    for r in results:
        if "stemma" in r and "python" in r:
            ratio = r["python"]["median_s"] / r["stemma"]["median_s"]
            rss_kib = r["stemma"]["peak_rss_kib"]
            goal = "≥ 5× (stress)" if r["fleet"] == "stress" else "—"
            met = "" if r["fleet"] != "stress" else (" ✅" if ratio >= 5 else " ❌")
            mem = f"{rss_kib / 1024:.0f} MiB" if rss_kib else "n/a"
            mem_ok = "" if not rss_kib else (" ✅" if rss_kib < 1024 * 1024 else " ❌")
            pc, sc = r["python"]["median_cpu_s"], r["stemma"]["median_cpu_s"]
            cpu_ratio = f"{pc / sc:.1f}×" if pc and sc else "n/a"
            print(f"| {r['fleet']} | {ratio:.1f}×{met} | {goal} | {cpu_ratio} | {mem}{mem_ok} | < 1 GiB | "
                  f"{'yes' if r['match'] else 'NO' if r['match'] is False else 'n/a'} |")
        else:
            goal = "≥ 5× (stress)" if r["fleet"] == "stress" else "—"
            print(f"| {r['fleet']} | n/a | {goal} | n/a | n/a | < 1 GiB | n/a |")
    print()
    for n in notes + checks:
        print(f"* {n}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": m, "runs": args.runs, "results": results, "notes": notes, "checks": checks}, f, indent=2)
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
