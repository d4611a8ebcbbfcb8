#!/usr/bin/env bash
# Stemma impact benchmark: times `stemma impact QUERY --inventory FLEET/hub --inventory FLEET/boms` against
# the networkx script a user would otherwise write (benchmarks/fleet/impact_networkx.py) on two synthetic
# fleets, checks both give the same affected agents, and checks the goals (≥ 5× faster at stress size,
# stemma < 1 GiB). See benchmarks/README.md.
#
# Environment:
#   BENCH_RUNS=3            timed runs per command and fleet
#   BENCH_FLEETS=realistic,stress   which fleets to time
#   STEMMA=path             the stemma binary (default: .build/release/stemma, built with make release if missing)
#   BENCH_CHECK=1           also compare the answers to check-queries.txt on the realistic fleet (untimed)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
DATA=$BENCH_DIR/data
VENV=$BENCH_DIR/.venv
RUNS=${BENCH_RUNS:-3}
FLEETS=${BENCH_FLEETS:-realistic,stress}
CHECK=${BENCH_CHECK:-1}
DEFAULT_STEMMA=$ROOT/.build/release/stemma
STEMMA=${STEMMA:-$DEFAULT_STEMMA}
GEN=$BENCH_DIR/fleet/generate_fleet.py

log() { echo "[impact-bench] $*" >&2; }
die() { echo "impact-bench: error: $*" >&2; exit 2; }

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer (got '$RUNS')"
IFS=, read -r -a FLEET_LIST <<<"$FLEETS"
[ ${#FLEET_LIST[@]} -gt 0 ] || die "BENCH_FLEETS is empty"
for f in "${FLEET_LIST[@]}"; do
  case $f in realistic | stress | tiny) ;; *) die "unknown fleet '$f' in BENCH_FLEETS (use realistic,stress)" ;; esac
done
command -v python3 >/dev/null || die "python3 is not installed"

# GNU time measures the peak RSS.
. "$BENCH_DIR/gnu-time.sh"

# ------------------------------------------------------------------------------------------------ venv
# The same venv as verify-bench.sh; the networkx script needs PyYAML and networkx in it.
if ! { [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import yaml, networkx' 2>/dev/null; }; then
  log "installing pyyaml and networkx into $VENV"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install -y python3-venv)"
  "$VENV/bin/pip" install -q pyyaml networkx || die "pip install pyyaml networkx failed"
fi
PY=$VENV/bin/python

# ------------------------------------------------------------------------------------------------ stemma
if [ ! -x "$STEMMA" ] && [ "$STEMMA" = "$DEFAULT_STEMMA" ]; then
  log "no $STEMMA; building it with make release"
  (cd "$ROOT" && make release) >&2 || log "swift build failed; timing the Python script only"
fi
if [ -x "$STEMMA" ]; then
  STEMMA=$(cd "$(dirname "$STEMMA")" && pwd)/$(basename "$STEMMA")
  if ! "$STEMMA" impact --help >/dev/null 2>&1; then
    log "warning: $STEMMA has no working 'impact' command (stemma impact --help failed)"
  fi
else
  log "warning: no stemma executable at $STEMMA; timing the Python script only"
fi

# ------------------------------------------------------------------------------------------------ data
# Each fleet is generated once and reused while it is newer than the generator.
mkdir -p "$DATA"
ARGS=()
for f in "${FLEET_LIST[@]}"; do
  dir=$DATA/fleet-$f
  if [ ! -f "$dir/fleet-stats.json" ] || [ ! -f "$dir/check-queries.txt" ] || [ "$GEN" -nt "$dir/fleet-stats.json" ]; then
    log "generating the $f fleet in $dir (takes a while for stress)"
    python3 "$GEN" "$dir" --preset "$f" --force >/dev/null || die "generate_fleet.py failed"
  fi
  log "warming the page cache: reading every file of $dir once"
  find "$dir" -type f -print0 | xargs -0 cat >/dev/null
  ARGS+=(--fleet "$f=$dir")
done
if [ "$CHECK" = 1 ]; then
  case ",$FLEETS," in
    *,realistic,*) ARGS+=(--check-fleet "$DATA/fleet-realistic") ;;
    *) ARGS+=(--check-fleet "$DATA/fleet-${FLEET_LIST[0]}") ;;
  esac
fi

# ------------------------------------------------------------------------------------------------ timing
set +e
python3 "$BENCH_DIR/fleet/run_bench.py" --stemma "$STEMMA" --python "$PY" --runs "$RUNS" \
  --json "$DATA/impact-last-run.json" "${ARGS[@]}"
status=$?
set -e
exit $status
