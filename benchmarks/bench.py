#!/usr/bin/env python3
"""Timing half of benchmarks/verify-bench.sh (see benchmarks/README.md).

verify-bench.sh prepares everything (venv, data, keys, signatures, page cache) and then runs this file,
which times the commands round-robin and prints the Markdown results. Standard library only.

Each command is started with posix_spawn and reaped with wait4, which gives its wall time (perf_counter
around spawn and wait) and its user+sys CPU seconds; the CPU of `xargs -P2 openssl ...` includes the
children it waited for. Peak RSS comes from GNU time's %M ("Maximum resident set size" in `time -v`):
the command runs under `/usr/bin/time -f %M`. It cannot come from our own wait4: a child spawned from this
Python process inherits Python's RSS high-water mark (~20 MiB) in its ru_maxrss, across exec.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

GOAL_MS_OVER_STEMMA_DIR8 = 1.5
GOAL_OPENSSL2_OVER_STEMMA_DIR8 = 0.85
GOAL_MS_OVER_STEMMA_SINGLE = 1.2
GOAL_STARTUP_MS = 20.0
GOAL_RSS_MIB = 100.0  # "tens of MiB"

IDLE_THRESHOLD_CORES = 0.25  # the rest of the machine counts as idle below this
IDLE_WINDOW_S = 0.5


# --------------------------------------------------------------------------------------------- running


class Result:
    def __init__(self, wall, cpu, rss_kib, code, stdout, stderr, idle):
        self.wall = wall
        self.cpu = cpu
        self.rss_kib = rss_kib
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        self.idle = idle


GNU_TIME = "/usr/bin/time"


def run(argv, idle=True, rss=False):
    """Run argv once; return a Result. stdout/stderr go to temporary files (read back afterwards).

    With rss=True (and GNU time installed) the command runs under `time -f %M`, for its peak RSS."""
    rss_file = None
    if rss and os.access(GNU_TIME, os.X_OK):
        fd, rss_file = tempfile.mkstemp(prefix="bench-rss-")
        os.close(fd)
        argv = [GNU_TIME, "-f", "%M", "-o", rss_file, *argv]
    try:
        r = _run(argv, idle)
        if rss_file:
            with open(rss_file) as f:
                lines = f.read().split()
            r.rss_kib = int(lines[-1]) if lines and lines[-1].isdigit() else None
        else:
            r.rss_kib = None
        return r
    finally:
        if rss_file:
            os.unlink(rss_file)


def _run(argv, idle):
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        devnull = os.open(os.devnull, os.O_RDONLY)
        try:
            actions = [
                (os.POSIX_SPAWN_DUP2, devnull, 0),
                (os.POSIX_SPAWN_DUP2, out.fileno(), 1),
                (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
            ]
            t0 = time.perf_counter()
            try:
                pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
            except OSError as e:
                return Result(0.0, 0.0, 0, 127, b"", f"cannot start {argv[0]}: {e}".encode(), idle)
            _, status, ru = os.wait4(pid, 0)
            t1 = time.perf_counter()
        finally:
            os.close(devnull)
        out.seek(0)
        err.seek(0)
        return Result(
            t1 - t0,
            ru.ru_utime + ru.ru_stime,
            ru.ru_maxrss,
            os.waitstatus_to_exitcode(status),
            out.read(),
            err.read(),
            idle,
        )


def busy_cores(window):
    """How many cores the machine kept busy during the next `window` seconds (from /proc/stat)."""

    def sample():
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        total = sum(fields[:8])  # guest time is already part of user
        return idle, total

    i0, t0 = sample()
    time.sleep(window)
    i1, t1 = sample()
    if t1 <= t0:
        return 0.0
    return (1.0 - (i1 - i0) / (t1 - t0)) * (os.cpu_count() or 1)


def wait_for_idle(max_wait):
    """Wait (at most max_wait s) until the rest of the machine is quiet. True if it was."""
    if max_wait <= 0:
        return True
    deadline = time.monotonic() + max_wait
    while True:
        if busy_cores(IDLE_WINDOW_S) < IDLE_THRESHOLD_CORES:
            return True
        if time.monotonic() >= deadline:
            return False


def warm(files):
    buf = bytearray(8 << 20)
    for path in files:
        with open(path, "rb", buffering=0) as f:
            while f.readinto(buf):
                pass


# --------------------------------------------------------------------------------------------- helpers


def first_line(blob):
    text = blob.decode("utf-8", "replace").strip()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return "(no output)"
    # model_signing and Swift put the useful line last; keep it short.
    return lines[-1][:300]


def fmt(x, digits=2):
    return "–" if x is None else f"{x:.{digits}f}"


def mib(kib):
    return kib / 1024.0


class Command:
    def __init__(self, key, label, argv, is_stemma=False, note=""):
        self.key = key
        self.label = label
        self.argv = argv
        self.is_stemma = is_stemma
        self.note = note
        self.results = []
        self.failed = None  # first failure message

    def ok_results(self):
        return [r for r in self.results if r.code == 0]

    def median_wall(self):
        ok = self.ok_results()
        return statistics.median(r.wall for r in ok) if ok and not self.failed else None

    def min_wall(self):
        ok = self.ok_results()
        return min(r.wall for r in ok) if ok and not self.failed else None

    def median_cpu(self):
        ok = self.ok_results()
        return statistics.median(r.cpu for r in ok) if ok and not self.failed else None

    def max_rss_mib(self):
        rss = [r.rss_kib for r in self.ok_results() if r.rss_kib is not None]
        return mib(max(rss)) if rss else None


# --------------------------------------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--datasets", required=True)
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--stemma", default="")
    ap.add_argument("--model-signing", required=True)
    ap.add_argument("--idle-wait", type=float, default=3.0)
    ap.add_argument("--startup-runs", type=int, default=20)
    ap.add_argument("--json-out", default="")
    args = ap.parse_args()

    data = args.data
    pub = os.path.join(data, "pub.pem")
    stemma = args.stemma if args.stemma and os.access(args.stemma, os.X_OK) else None
    ms = args.model_signing
    datasets = [d for d in args.datasets.split(",") if d]
    notes = []
    failures = []
    not_idle = 0
    timed = 0

    def timed_run(cmd):
        nonlocal not_idle, timed
        idle = wait_for_idle(args.idle_wait)
        r = run(cmd.argv, idle, rss=True)
        timed += 1
        if not idle:
            not_idle += 1
        return r

    def record(cmd, r, dataset):
        cmd.results.append(r)
        if r.code != 0 and not cmd.failed:
            if cmd.is_stemma:
                msg = (
                    f"**stemma FAILED verification** on `{dataset}` (exit {r.code}): {first_line(r.stderr or r.stdout)}"
                    " — its timings are not valid and are not reported."
                )
            else:
                msg = f"**{cmd.label} FAILED** on `{dataset}` (exit {r.code}): {first_line(r.stderr or r.stdout)}"
            cmd.failed = msg
            failures.append(msg)
            print(msg, file=sys.stderr, flush=True)

    all_rows = []  # (dataset, bytes, Command)
    by_key = {}

    for ds in datasets:
        folder = os.path.join(data, ds)
        sig = os.path.join(data, ds + ".sig")
        files = sorted(os.path.join(folder, f) for f in os.listdir(folder))
        nbytes = sum(os.path.getsize(f) for f in files)
        listfile = os.path.join(data, ds + ".files0")
        with open(listfile, "wb") as f:
            f.write(b"".join(p.encode() + b"\0" for p in files))

        cmds = []
        if stemma:
            cmds.append(
                Command(
                    "stemma",
                    "`stemma verify`",
                    [stemma, "verify", folder, "--signature", sig, "--public-key", pub],
                    is_stemma=True,
                )
            )
        cmds.append(
            Command(
                "model_signing",
                "`model_signing verify key`",
                [ms, "verify", "key", folder, "--signature", sig, "--public_key", pub],
            )
        )
        cmds.append(Command("sha256sum", "`sha256sum` files", ["sha256sum", *files]))
        if len(files) >= 2:
            half = (len(files) + 1) // 2
            cmds.append(
                Command(
                    "openssl2",
                    "`openssl dgst -sha256`, 2 in parallel (xargs -P2)",
                    ["xargs", "-0", "-a", listfile, "-P2", f"-n{half}", "openssl", "dgst", "-sha256"],
                )
            )
        else:
            cmds.append(
                Command(
                    "openssl1",
                    "`openssl dgst -sha256`, 1 process †",
                    ["openssl", "dgst", "-sha256", *files],
                    note="one file cannot be split between two openssl processes",
                )
            )

        print(f"[bench] {ds}: warming page cache, one untimed warm-up of each command, then {args.runs} rounds",
              file=sys.stderr, flush=True)
        warm(files)

        # Warm-up round (untimed). For stemma it runs with --format json to check that it hashed every byte.
        for cmd in cmds:
            if cmd.is_stemma:
                r = run(cmd.argv + ["--format", "json"])
                if r.code != 0:
                    record(cmd, r, ds)
                    continue
                try:
                    report = json.loads(r.stdout)
                    hashed = report.get("counts", {}).get("bytesHashed")
                    verdict = report.get("verdict")
                    if verdict != "verified" or hashed != nbytes:
                        msg = (f"stemma on `{ds}`: exit 0 but JSON report says verdict={verdict!r}, "
                               f"bytesHashed={hashed!r} (expected 'verified', {nbytes})")
                        notes.append(msg)
                        print("[bench] warning: " + msg, file=sys.stderr, flush=True)
                except (ValueError, AttributeError):
                    msg = f"stemma on `{ds}`: `--format json` output is not JSON; bytes hashed not checked"
                    notes.append(msg)
                    print("[bench] warning: " + msg, file=sys.stderr, flush=True)
            else:
                r = run(cmd.argv)
                if r.code != 0:
                    record(cmd, r, ds)

        for i in range(args.runs):
            for cmd in cmds:
                if cmd.failed:
                    continue
                r = timed_run(cmd)
                record(cmd, r, ds)
            print(f"[bench] {ds}: round {i + 1}/{args.runs} done", file=sys.stderr, flush=True)

        for cmd in cmds:
            all_rows.append((ds, nbytes, cmd))
            by_key[(ds, cmd.key)] = cmd
            if cmd.note:
                notes.append(f"† `{ds}`: {cmd.note}, so this row is a single `openssl dgst`.")

    # ---- start-up
    startup = {}
    tiny = os.path.join(data, "tiny")
    tiny_sig = os.path.join(data, "tiny.sig")
    print("[bench] start-up timings", file=sys.stderr, flush=True)
    if stemma:
        probe = run([stemma, "--version"])
        flag = "--version" if probe.code == 0 else "--help"
        startup_cmds = [
            ("version", f"`stemma {flag}`", [stemma, flag], args.startup_runs, True),
            ("tiny", "`stemma verify` tiny model (1 file, 3 B)",
             [stemma, "verify", tiny, "--signature", tiny_sig, "--public-key", pub], args.startup_runs, True),
        ]
    else:
        startup_cmds = []
    startup_cmds.append(
        ("ms_tiny", "`model_signing verify key` tiny model",
         [ms, "verify", "key", tiny, "--signature", tiny_sig, "--public_key", pub], max(3, min(args.runs, 5)), False)
    )
    for key, label, argv, n, is_stemma in startup_cmds:
        run(argv)  # warm-up
        wait_for_idle(args.idle_wait)
        walls = []
        fail = None
        for _ in range(n):
            r = run(argv)
            if r.code != 0:
                fail = r
                break
            walls.append(r.wall)
        if fail is not None:
            who = "stemma FAILED" if is_stemma else f"{label} FAILED"
            msg = f"**{who}** ({label}, exit {fail.code}): {first_line(fail.stderr or fail.stdout)}"
            if is_stemma and key == "tiny":
                msg = f"**stemma FAILED verification** of the tiny model (exit {fail.code}): " \
                      f"{first_line(fail.stderr or fail.stdout)} — not reported."
            failures.append(msg)
            print(msg, file=sys.stderr, flush=True)
            startup[key] = (label, None, n)
        else:
            startup[key] = (label, statistics.median(walls) * 1000.0, n)

    # ---- report
    out = []
    p = out.append
    if not stemma:
        failures.insert(0, f"**stemma not available** (no executable at `{args.stemma or '(unset)'}`); "
                           "only the reference commands were timed.")
    p("## Results")
    p("")
    for line in failures:
        p(f"> {line}")
        p(">")
    if failures:
        out.pop()
        p("")
    p(f"{args.runs} timed runs per command, interleaved round-robin after one untimed warm-up; data in page cache. "
      "GB/s = bytes / median wall seconds / 1e9. min s = fastest run. CPU s = median user+sys seconds (children included). "
      "Peak RSS = largest \"Maximum resident set size\" (GNU time) over the runs.")
    p("")
    p("| dataset | command | median s | GB/s | min s | CPU s | peak RSS MiB |")
    p("|---|---|---:|---:|---:|---:|---:|")
    for ds, nbytes, cmd in all_rows:
        med = cmd.median_wall()
        if cmd.failed:
            label = cmd.label + " — FAILED, not valid"
            p(f"| {ds} | {label} | – | – | – | – | – |")
            continue
        gbs = nbytes / med / 1e9 if med else None
        p(f"| {ds} | {cmd.label} | {fmt(med, 3)} | {fmt(gbs)} | {fmt(cmd.min_wall(), 3)} | {fmt(cmd.median_cpu())} | {fmt(cmd.max_rss_mib(), 0)} |")
    p("")
    p("| start-up | runs | median ms |")
    p("|---|---:|---:|")
    for key, (label, ms_val, n) in startup.items():
        p(f"| {label} | {n} | {'FAILED' if ms_val is None else fmt(ms_val, 1)} |")
    p("")

    # ---- goals
    def ratio(num_key, den_key, ds):
        a, b = by_key.get((ds, num_key)), by_key.get((ds, den_key))
        if not a or not b:
            return None
        ta, tb = a.median_wall(), b.median_wall()
        return ta / tb if ta and tb else None

    def verdict(value, goal, higher_is_better=True):
        if value is None:
            return "n/a"
        ok = value >= goal if higher_is_better else value < goal
        return "**met**" if ok else "**NOT met**"

    p("## Goals")
    p("")
    p("| goal | measured | target | status |")
    p("|---|---:|---:|---|")
    if "dir8" in datasets:
        v = ratio("model_signing", "stemma", "dir8")
        p(f"| dir8: model_signing time / stemma time | {fmt(v)} | ≥ {GOAL_MS_OVER_STEMMA_DIR8} | "
          f"{verdict(v, GOAL_MS_OVER_STEMMA_DIR8)} |")
        v = ratio("openssl2", "stemma", "dir8")
        p(f"| dir8: two-openssl time / stemma time | {fmt(v)} | ≥ {GOAL_OPENSSL2_OVER_STEMMA_DIR8} | "
          f"{verdict(v, GOAL_OPENSSL2_OVER_STEMMA_DIR8)} |")
    if "single" in datasets:
        v = ratio("model_signing", "stemma", "single")
        p(f"| single: model_signing time / stemma time | {fmt(v)} | ≥ {GOAL_MS_OVER_STEMMA_SINGLE} | "
          f"{verdict(v, GOAL_MS_OVER_STEMMA_SINGLE)} |")
    if "version" in startup:
        label, v, _ = startup["version"]
        p(f"| start-up, {label} (ms) | {fmt(v, 1)} | < {GOAL_STARTUP_MS:g} | "
          f"{verdict(v, GOAL_STARTUP_MS, higher_is_better=False)} |")
    if "tiny" in startup:
        label, v, _ = startup["tiny"]
        p(f"| start-up, verify of a tiny model (ms) | {fmt(v, 1)} | < {GOAL_STARTUP_MS:g} | "
          f"{verdict(v, GOAL_STARTUP_MS, higher_is_better=False)} |")
    rss = [c.max_rss_mib() for (_, _, c) in all_rows if c.is_stemma and not c.failed and c.ok_results()]
    v = max(rss) if rss else None
    p(f"| stemma peak RSS, hashing (MiB) | {fmt(v, 0)} | tens of MiB (< {GOAL_RSS_MIB:g}) | "
      f"{verdict(v, GOAL_RSS_MIB, higher_is_better=False)} |")
    p("")
    # CPU-seconds ratio: steadier than wall time when the machine is shared.
    cpu_lines = []
    for ds in datasets:
        a, b = by_key.get((ds, "model_signing")), by_key.get((ds, "stemma"))
        if a and b and a.median_cpu() and b.median_cpu():
            cpu_lines.append(f"{ds} {a.median_cpu() / b.median_cpu():.2f}")
    if cpu_lines:
        p("CPU-seconds ratio model_signing / stemma (less sensitive to a busy machine): " + ", ".join(cpu_lines) + ".")
        p("")

    if not os.access(GNU_TIME, os.X_OK):
        notes.append(f"{GNU_TIME} is missing (apt-get install -y time), so peak RSS was not measured.")
    if timed and not_idle:
        notes.append(f"{not_idle} of {timed} timed runs started while the rest of the machine used "
                     f"≥ {IDLE_THRESHOLD_CORES} core after waiting {args.idle_wait:g} s; wall times may be inflated "
                     "(compare CPU s).")
    if notes:
        p("## Notes")
        p("")
        for line in notes:
            p(f"* {line}")
        p("")
    print("\n".join(out), flush=True)

    if args.json_out:
        raw = {
            "runs": args.runs,
            "datasets": {},
            "startup_ms": {k: v[1] for k, v in startup.items()},
            "failures": failures,
            "notes": notes,
        }
        for ds, nbytes, cmd in all_rows:
            raw["datasets"].setdefault(ds, {"bytes": nbytes, "commands": {}})["commands"][cmd.key] = {
                "argv": cmd.argv,
                "wall": [r.wall for r in cmd.results],
                "cpu": [r.cpu for r in cmd.results],
                "rss_kib": [r.rss_kib for r in cmd.results],
                "exit": [r.code for r in cmd.results],
                "idle": [r.idle for r in cmd.results],
                "failed": cmd.failed,
            }
        with open(args.json_out, "w") as f:
            json.dump(raw, f, indent=1)

    stemma_ok = stemma is not None and not any(c.failed for (_, _, c) in all_rows if c.is_stemma) \
        and all(startup.get(k, ("", 0, 0))[1] is not None for k in ("version", "tiny"))
    return 0 if stemma_ok else 1


if __name__ == "__main__":
    sys.exit(main())
