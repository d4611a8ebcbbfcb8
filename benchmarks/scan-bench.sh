#!/usr/bin/env bash
# Stemma scan benchmark: times `stemma scan` against picklescan 1.0.5, modelscan 0.8.8 and fickling 0.1.12
# (PyPI) on the four cases of shared/reference/unsafe-formats.md §5: a 500 MiB PyTorch zip, 1,000 small
# pickles, a 12 MB / 1.8 M-opcode pickle and a 200 MB pickle of inline byte payloads. Prints a Markdown table
# per case (min wall, min CPU, max RSS, each tool's verdict, time relative to stemma), stemma's opcodes/s and
# the §5 goals.
#
# Environment:
#   BENCH_RUNS=5                   timed runs per command (after one untimed warm-up)
#   BENCH_CASES=zip,dir,dense,inline   which cases to time
#   STEMMA=path                    the stemma binary (default: .build/release/stemma, built if missing)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
DATA=$BENCH_DIR/data/scan
VENV=$BENCH_DIR/.venv-scan
REQS=$BENCH_DIR/scan/requirements.txt
RUNS=${BENCH_RUNS:-5}
CASES=${BENCH_CASES:-zip,dir,dense,inline}
DEFAULT_STEMMA=$ROOT/.build/release/stemma
STEMMA=${STEMMA:-$DEFAULT_STEMMA}

log() { echo "[scan-bench] $*" >&2; }
die() { echo "scan-bench: error: $*" >&2; exit 2; }

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer (got '$RUNS')"
IFS=, read -r -a CASE_LIST <<<"$CASES"
[ ${#CASE_LIST[@]} -gt 0 ] || die "BENCH_CASES is empty"
for c in "${CASE_LIST[@]}"; do
  case $c in zip | dir | dense | inline) ;; *) die "unknown case '$c' in BENCH_CASES (use zip,dir,dense,inline)" ;; esac
done
for tool in python3 sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

# GNU time measures the peak RSS.
. "$BENCH_DIR/gnu-time.sh"

# ------------------------------------------------------------------------------------------------ venv
venv_ok() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - <<'PY' 2>/dev/null
import importlib.metadata as md
import fickling.loader, picklescan.scanner, modelscan  # noqa: F401
assert (md.version("picklescan"), md.version("modelscan"), md.version("fickling")) == ("1.0.5", "0.8.8", "0.1.12")
PY
}
if ! venv_ok; then
  log "creating $VENV with $(grep -v '^#' "$REQS" | tr '\n' ' ')"
  python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install -y python3-venv)"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -r "$REQS" || die "pip install -r $REQS failed"
  venv_ok || die "picklescan/modelscan/fickling are not importable from $VENV"
fi

# ------------------------------------------------------------------------------------------------ stemma
if [ ! -x "$STEMMA" ] && [ "$STEMMA" = "$DEFAULT_STEMMA" ]; then
  log "no $STEMMA; building it with make release"
  (cd "$ROOT" && make release) >&2 || log "swift build failed; timing the other tools only"
fi
STEMMA_ARG=""
if [ -x "$STEMMA" ]; then
  STEMMA=$(cd "$(dirname "$STEMMA")" && pwd)/$(basename "$STEMMA")
  # An unknown subcommand with --help prints the top-level help and exits 0: look for the scan usage line.
  scan_help=$("$STEMMA" scan --help 2>&1 || true)
  if grep -q 'USAGE: stemma scan' <<<"$scan_help"; then
    STEMMA_ARG=$STEMMA
  else
    log "NOTE: $STEMMA has no 'scan' subcommand yet (stemma scan --help failed): timing the other tools only"
  fi
else
  log "warning: no stemma executable at $STEMMA; timing the other tools only"
fi

# ------------------------------------------------------------------------------------------------ data
mkdir -p "$DATA"
python3 "$BENCH_DIR/scan/make_bench_inputs.py" "$DATA" >/dev/null || die "make_bench_inputs.py failed"
log "warming the page cache"
cat "$DATA/big_benign.pt" "$DATA/dense.pkl" "$DATA/inline.pkl" "$DATA"/small/* >/dev/null

# ------------------------------------------------------------------------------------------------ machine
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
mem=$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
if [ -n "$STEMMA_ARG" ]; then
  stemma_version=$("$STEMMA" --version 2>&1 | head -n1) || stemma_version="(--version failed)"
else
  stemma_version="(not timed)"
fi
versions=$("$VENV/bin/python" -c 'import importlib.metadata as m
print(", ".join(f"{p} {m.version(p)}" for p in ("picklescan", "modelscan", "fickling")))')

echo "# Stemma scan benchmark"
echo
echo "* date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "* machine: $(nproc) cores ($cpu_model), $mem RAM, kernel $(uname -r)"
echo "* anchors: $versions ($("$VENV/bin/python" --version 2>&1)); fickling's CLI for single pickles,"
echo "  its API (scan_zip_archive; scan_file in one process) for the zip and the folder"
echo "* stemma: \`$STEMMA\` — $stemma_version"
echo "* runs: $RUNS timed after one warm-up; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

"$VENV/bin/python" "$BENCH_DIR/scan/run_bench.py" \
  --data "$DATA" \
  --venv "$VENV" \
  --stemma "$STEMMA_ARG" \
  --runs "$RUNS" \
  --cases "$CASES" \
  --json-out "$DATA/last-run.json"
log "raw timings: $DATA/last-run.json"
