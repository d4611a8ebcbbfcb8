#!/usr/bin/env bash
# Stemma verify benchmark: times `stemma verify` against `model_signing verify key` (PyPI 1.1.1),
# `sha256sum` and `openssl dgst -sha256` on the same data, and checks the project's speed goals.
# See benchmarks/README.md.
#
# Environment:
#   BENCH_RUNS=5              timed runs per command (after one untimed warm-up)
#   BENCH_DATASETS=dir8,single which data sets to time
#   STEMMA=path               the stemma binary (default: .build/release/stemma, built if missing)
#   BENCH_IDLE_WAIT=3         seconds to wait before each run for the rest of the machine to go idle
#   BENCH_STARTUP_RUNS=20     runs of `stemma --version` and of the tiny verify
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
DATA=$BENCH_DIR/data
VENV=$BENCH_DIR/.venv
RUNS=${BENCH_RUNS:-5}
DATASETS=${BENCH_DATASETS:-dir8,single}
IDLE_WAIT=${BENCH_IDLE_WAIT:-3}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-20}
DEFAULT_STEMMA=$ROOT/.build/release/stemma
STEMMA=${STEMMA:-$DEFAULT_STEMMA}

log() { echo "[bench] $*" >&2; }
die() { echo "verify-bench: error: $*" >&2; exit 2; }

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer (got '$RUNS')"
[[ $STARTUP_RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_STARTUP_RUNS must be a positive integer"
[[ $IDLE_WAIT =~ ^[0-9]+([.][0-9]+)?$ ]] || die "BENCH_IDLE_WAIT must be a number of seconds"
IFS=, read -r -a DS_LIST <<<"$DATASETS"
[ ${#DS_LIST[@]} -gt 0 ] || die "BENCH_DATASETS is empty"
for ds in "${DS_LIST[@]}"; do
  case $ds in dir8 | single) ;; *) die "unknown data set '$ds' in BENCH_DATASETS (use dir8,single)" ;; esac
done
for tool in openssl sha256sum xargs python3; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

# GNU time measures the peak RSS.
. "$BENCH_DIR/gnu-time.sh"

# ------------------------------------------------------------------------------------------------ venv
venv_ok() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - <<'EOF' 2>/dev/null
import importlib.metadata as md, OpenSSL, model_signing  # noqa: F401
assert md.version("model-signing") == "1.1.1"
EOF
}
if ! venv_ok; then
  log "creating $VENV with model-signing==1.1.1 and pyopenssl"
  python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install -y python3-venv)"
  "$VENV/bin/pip" install -q --upgrade pip
  # model_signing 1.1.1 imports OpenSSL.crypto but does not declare pyOpenSSL.
  "$VENV/bin/pip" install -q 'model-signing==1.1.1' pyopenssl
  venv_ok || die "model_signing 1.1.1 is not importable from $VENV"
fi
MS=$VENV/bin/model_signing

# ------------------------------------------------------------------------------------------------ stemma
if [ ! -x "$STEMMA" ] && [ "$STEMMA" = "$DEFAULT_STEMMA" ]; then
  log "no $STEMMA; building it with make release"
  (cd "$ROOT" && make release) >&2 || log "swift build failed; timing the other commands only"
fi
if [ -x "$STEMMA" ]; then
  STEMMA=$(cd "$(dirname "$STEMMA")" && pwd)/$(basename "$STEMMA")
else
  log "warning: no stemma executable at $STEMMA"
fi

# ------------------------------------------------------------------------------------------------ data
PART=$((256 << 20)) # 256 MiB
mkdir -p "$DATA"

size_is() { [ -f "$1" ] && [ "$(stat -c %s "$1")" = "$2" ]; }

# random_file PATH BYTES: random bytes in 256 MiB pieces (openssl rand takes an int count).
random_file() {
  local path=$1 left=$2 n
  rm -f "$path.tmp"
  while [ "$left" -gt 0 ]; do
    n=$((left < PART ? left : PART))
    openssl rand "$n" >>"$path.tmp"
    left=$((left - n))
  done
  mv "$path.tmp" "$path"
}

# dataset_ok DIR NAME... : DIR holds exactly the named files, each of the wanted size.
dataset_ok() {
  local dir=$1 size=$2
  shift 2
  [ -d "$dir" ] || return 1
  [ "$(find "$dir" -mindepth 1 | wc -l)" = "$#" ] || return 1
  local f
  for f in "$@"; do size_is "$dir/$f" "$size" || return 1; done
}

DIR8_NAMES=()
for i in 1 2 3 4 5 6 7 8; do DIR8_NAMES+=("model-0000$i-of-00008.bin"); done
for ds in "${DS_LIST[@]}"; do
  case $ds in
    dir8)
      if ! dataset_ok "$DATA/dir8" "$PART" "${DIR8_NAMES[@]}"; then
        log "generating dir8: 8 x 256 MiB of random bytes"
        rm -rf "$DATA/dir8"
        mkdir -p "$DATA/dir8"
        for f in "${DIR8_NAMES[@]}"; do random_file "$DATA/dir8/$f" "$PART"; done
      fi
      ;;
    single)
      if ! dataset_ok "$DATA/single" $((8 * PART)) model.bin; then
        log "generating single: one 2 GiB file of random bytes"
        rm -rf "$DATA/single"
        mkdir -p "$DATA/single"
        random_file "$DATA/single/model.bin" $((8 * PART))
      fi
      ;;
  esac
done
if ! dataset_ok "$DATA/tiny" 3 weights.bin; then
  rm -rf "$DATA/tiny"
  mkdir -p "$DATA/tiny"
  printf 'abc' >"$DATA/tiny/weights.bin"
fi

# EC P-256 key pair (PKCS#8 private key, SPKI public key).
if [ ! -s "$DATA/key.pem" ] || [ ! -s "$DATA/pub.pem" ]; then
  log "generating an EC P-256 key pair"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$DATA/key.pem" 2>/dev/null
  openssl pkey -in "$DATA/key.pem" -pubout -out "$DATA/pub.pem"
  rm -f "$DATA"/*.sig
fi

# Sign each folder once with model_signing; the signature lives outside the model folder.
for ds in "${DS_LIST[@]}" tiny; do
  sig=$DATA/$ds.sig
  if [ -s "$sig" ] && [ "$sig" -nt "$DATA/key.pem" ] && [ -z "$(find "$DATA/$ds" -newer "$sig" -print -quit)" ]; then
    continue
  fi
  log "signing $ds with model_signing sign key"
  rm -f "$sig"
  "$MS" sign key "$DATA/$ds" --signature "$sig" --private_key "$DATA/key.pem" >/dev/null 2>"$DATA/$ds.sign.log" ||
    die "model_signing sign key failed for $ds (see $DATA/$ds.sign.log)"
done

# ------------------------------------------------------------------------------------------------ page cache
log "warming the page cache"
for ds in "${DS_LIST[@]}" tiny; do cat "$DATA/$ds"/* >/dev/null; done

# ------------------------------------------------------------------------------------------------ machine
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
grep -qw sha_ni /proc/cpuinfo && shani="yes" || shani="no"
mem=$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
if [ -x "$STEMMA" ]; then
  stemma_version=$("$STEMMA" --version 2>&1 | head -n1) || stemma_version="(--version failed)"
else
  stemma_version="(not available)"
fi
ms_version=$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("model-signing"))')

echo "# Stemma verify benchmark"
echo
echo "* date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "* machine: $(nproc) cores ($cpu_model, SHA-NI: $shani), $mem RAM, kernel $(uname -r)"
echo "* $(openssl version)"
echo "* $(sha256sum --version | head -n1)"
echo "* model_signing $ms_version ($("$VENV/bin/python" --version 2>&1))"
echo "* stemma: \`$STEMMA\` — $stemma_version"
echo "* load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

rc=0
"$VENV/bin/python" "$BENCH_DIR/bench.py" \
  --data "$DATA" \
  --datasets "$DATASETS" \
  --runs "$RUNS" \
  --stemma "$STEMMA" \
  --model-signing "$MS" \
  --idle-wait "$IDLE_WAIT" \
  --startup-runs "$STARTUP_RUNS" \
  --json-out "$DATA/last-run.json" || rc=$?
log "raw timings: $DATA/last-run.json"
exit $rc
