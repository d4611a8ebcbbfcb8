#!/usr/bin/env bash
# Stemma demo: what `make demo` runs. Verifies the example bundles, shows a tampered copy failing, verifies a
# signed archive as a stream, signs a copy with a fresh key, and prints a JSON report.
#
#   STEMMA=.build/release/stemma bash examples/demo.sh
#
# Each step prints the exact command it runs and the exit status it expects. The script exits 0 only if every
# step behaved as expected (a step that is *meant* to fail counts as expected when it fails). Scratch files go
# to .demo/ at the repository root (git-ignored), which the script empties first.

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

STEMMA=${STEMMA:-.build/release/stemma}
DEMO=.demo

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  B=$'\033[1m' DIM=$'\033[2m' G=$'\033[32m' R=$'\033[31m' Y=$'\033[33m' C=$'\033[36m' N=$'\033[0m'
else
  B='' DIM='' G='' R='' Y='' C='' N=''
fi

if [ ! -x "$STEMMA" ]; then
  echo "demo: $STEMMA is not an executable; build it with 'make release' (or set STEMMA=path/to/stemma)" >&2
  exit 2
fi
for tool in openssl python3; do
  command -v "$tool" >/dev/null || { echo "demo: $tool is needed" >&2; exit 2; }
done

STEPS=0
UNEXPECTED=()

# step TITLE: a numbered heading with a sentence of narration after it.
step() {
  STEPS=$((STEPS + 1))
  printf '\n%s%s%d. %s%s\n' "$B" "$C" "$STEPS" "$1" "$N"
  shift
  local line
  for line in "$@"; do printf '   %s\n' "$line"; done
}

# quote WORD: WORD as a shell would need it typed (single quotes where needed, for readability).
quote() {
  case $1 in
    '') printf "''" ;;
    *[!A-Za-z0-9_./:=@%+,-]*) if [[ $1 != *"'"* ]]; then printf "'%s'" "$1"; else printf '%q' "$1"; fi ;;
    *) printf '%s' "$1" ;;
  esac
}

# show CMD...: print a command exactly as it is run.
show() {
  local arg
  printf '%s   $' "$DIM"
  for arg in "$@"; do printf ' '; quote "$arg"; done
  printf '%s\n' "$N"
}

# expect STATUS CMD...: run CMD, indent its output, and compare its exit status with STATUS.
expect() {
  local want=$1
  shift
  show "$@"
  "$@" 2>&1 | sed 's/^/     /'
  local got=${PIPESTATUS[0]}
  judge "$want" "$got" "$*"
}

# judge WANT GOT WHAT: record and print whether an exit status was the expected one.
judge() {
  local want=$1 got=$2 what=$3 word
  case "$got" in 0) word=PASS ;; 1) word=FAIL ;; *) word=ERROR ;; esac
  if [ "$got" = "$want" ]; then
    if [ "$got" = 0 ]; then
      printf '   %s%s%s (exit %s, as expected)\n' "$G$B" "$word" "$N" "$got"
    else
      printf '   %s%s%s (exit %s, as expected: that is the point)\n' "$Y$B" "$word" "$N" "$got"
    fi
  else
    printf '   %s%s: exit %s, expected %s%s\n' "$R$B" "UNEXPECTED" "$got" "$want" "$N"
    UNEXPECTED+=("step $STEPS: exit $got, expected $want: $what")
  fi
}

# prep CMD...: a setup command; show it and stop the demo if it fails.
prep() {
  show "$@"
  "$@" || { echo "demo: setup command failed: $*" >&2; exit 2; }
}

printf '%sStemma demo%s %s(%s)%s\n' "$B" "$N" "$DIM" "$("$STEMMA" --version 2>/dev/null | head -1 || echo "$STEMMA")" "$N"
printf 'Example bundles signed with OpenSSF model_signing; trust roots in trust-roots/demo (DEMO ONLY).\n'
rm -rf "$DEMO"
mkdir -p "$DEMO"

# ---------------------------------------------------------------------------------------------------------
step "Verify a signed model folder against the organisation's trust roots" \
  "sentiment-ft was signed in key mode by acme-release-team; trust-roots/demo/signers.json lets that team" \
  "sign sentiment-* models. Every file is hashed and compared with the signed manifest."
expect 0 "$STEMMA" verify examples/bundles/sentiment-ft --trust-roots trust-roots/demo

# ---------------------------------------------------------------------------------------------------------
step "Tamper with one byte of the weights, and verify again" \
  "A copy of the same bundle with one bit flipped in model.safetensors. The signature is intact, the file is" \
  "not: verification must fail and name the file."
prep cp -R examples/bundles/sentiment-ft "$DEMO/sentiment-ft-tampered"
prep python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[-1] ^= 0x01; open(p, "wb").write(b)' \
  "$DEMO/sentiment-ft-tampered/model.safetensors"
expect 1 "$STEMMA" verify "$DEMO/sentiment-ft-tampered" --trust-roots trust-roots/demo

# ---------------------------------------------------------------------------------------------------------
step "Verify a signed archive without unpacking it (certificate chain)" \
  "fraud-scorer was signed in certificate mode by CN=fraud-scorer-signer,O=Acme Bank, whose certificate chains" \
  "to the demo Acme root CA; the folder was then packed as a tar.gz. Stemma reads the archive as a stream."
expect 0 "$STEMMA" verify examples/bundles/fraud-scorer.tar.gz --signature examples/bundles/fraud-scorer.sig \
  --trust-roots trust-roots/demo

# ---------------------------------------------------------------------------------------------------------
step "Sign a model with a fresh key, and verify it with the public key" \
  "A throwaway ECDSA P-256 key signs a copy of sentiment-ft; the signature is OMS v1.0, the same format" \
  "model_signing writes."
prep cp -R examples/bundles/sentiment-ft "$DEMO/sentiment-copy"
prep rm "$DEMO/sentiment-copy/model.sig"
prep openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$DEMO/k.pem"
prep openssl pkey -in "$DEMO/k.pem" -pubout -out "$DEMO/k.pub.pem"
expect 0 "$STEMMA" sign "$DEMO/sentiment-copy" --private-key "$DEMO/k.pem"
expect 0 "$STEMMA" verify "$DEMO/sentiment-copy" --public-key "$DEMO/k.pub.pem"
MODEL_SIGNING=${MODEL_SIGNING:-.venv/bin/model_signing}
if [ -x "$MODEL_SIGNING" ]; then
  printf '   And the OpenSSF reference tool accepts what Stemma signed:\n'
  expect 0 "$MODEL_SIGNING" verify key "$DEMO/sentiment-copy" --signature "$DEMO/sentiment-copy/model.sig" \
    --public_key "$DEMO/k.pub.pem"
else
  printf '   %s(model_signing not found at %s; run make venv to cross-check with it)%s\n' "$DIM" "$MODEL_SIGNING" "$N"
fi

# ---------------------------------------------------------------------------------------------------------
step "A valid signature is not enough: a signed pickle that runs code when loaded" \
  "A copy of sentiment-ft gains a pytorch_model.bin that is a pickle calling os.system (payload: echo" \
  "stemma-test; written byte by byte, never loaded), and the release key signs it all. The signature" \
  "verifies; the scan that verify runs fails the bundle and names the global, the opcode and its offset."
prep cp -R examples/bundles/sentiment-ft "$DEMO/sentiment-poisoned"
prep rm "$DEMO/sentiment-poisoned/model.sig"
prep python3 -c 'import sys; open(sys.argv[1], "wb").write(b"cposix\nsystem\n(S\x27echo stemma-test\x27\ntR.")' \
  "$DEMO/sentiment-poisoned/pytorch_model.bin"
expect 0 "$STEMMA" sign "$DEMO/sentiment-poisoned" --private-key "$DEMO/k.pem"
expect 1 "$STEMMA" verify "$DEMO/sentiment-poisoned" --public-key "$DEMO/k.pub.pem"
printf '   stemma scan gives the whole evidence (every file, every archive member, by content):\n'
expect 1 "$STEMMA" scan "$DEMO/sentiment-poisoned"
printf '   And every example bundle (folders and the tar.gz) scans clean:\n'
expect 0 "$STEMMA" scan examples/bundles

# ---------------------------------------------------------------------------------------------------------
step "The same verification as step 1, as a JSON report for CI" \
  "One JSON object (schemas/verify-report.schema.json); the first lines of it:"
show "$STEMMA" verify examples/bundles/sentiment-ft --trust-roots trust-roots/demo --format json
printf '%s     > %s%s\n' "$DIM" "$DEMO/report.json" "$N"
"$STEMMA" verify examples/bundles/sentiment-ft --trust-roots trust-roots/demo --format json > "$DEMO/report.json"
status=$?
show python3 -m json.tool "$DEMO/report.json"
if python3 -m json.tool "$DEMO/report.json" > "$DEMO/report.pretty.json" 2> "$DEMO/report.err"; then
  head -n 24 "$DEMO/report.pretty.json" | sed 's/^/     /'
  lines=$(wc -l < "$DEMO/report.pretty.json")
  [ "$lines" -le 24 ] || printf '     %s… (%s lines in all)%s\n' "$DIM" "$lines" "$N"
  verdict=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("verdict"))' "$DEMO/report.json")
  if [ "$verdict" != verified ]; then
    printf '   %sUNEXPECTED: verdict %s, expected verified%s\n' "$R$B" "$verdict" "$N"
    UNEXPECTED+=("step $STEPS: JSON verdict $verdict, expected verified")
  fi
else
  sed 's/^/     /' "$DEMO/report.err"
  printf '   %sUNEXPECTED: the report is not valid JSON%s\n' "$R$B" "$N"
  UNEXPECTED+=("step $STEPS: the --format json output is not valid JSON")
fi
judge 0 "$status" "$STEMMA verify examples/bundles/sentiment-ft --trust-roots trust-roots/demo --format json"

# ---------------------------------------------------------------------------------------------------------
step "A base model turns out to be compromised: which of Acme Bank's 43 agents does it reach?" \
  "Reads examples/fleet (hub cache cards, stemma.yaml manifests, CycloneDX BOMs, a lockfile, an MCP config)"
expect 0 "$STEMMA" impact pkg:huggingface/meta-llama/Llama-3.1-8B --inventory examples/fleet

step "And which agents run a LangChain release with a known code-execution advisory (OSV)?" \
  "PYSEC-2023-18: langchain before 0.0.132"
expect 0 "$STEMMA" impact --advisories examples/fleet/advisories --inventory examples/fleet

# ---------------------------------------------------------------------------------------------------------
step "A signed AI-BOM of the whole fleet, for auditors and Dependency-Track" \
  "CycloneDX 1.6 ML-BOM with the LangChain advisory, wrapped in a signed in-toto statement, then verified"
expect 0 "$STEMMA" bom --inventory examples/fleet --advisories examples/fleet/advisories \
  --timestamp 2026-11-27T00:00:00Z --output "$DEMO/fleet.cdx.json"
expect 0 "$STEMMA" attest "$DEMO/fleet.cdx.json" --private-key "$DEMO/k.pem" --output "$DEMO/fleet.intoto.json"
expect 0 "$STEMMA" verify-attestation "$DEMO/fleet.intoto.json" --public-key "$DEMO/k.pub.pem" \
  --subject "$DEMO/fleet.cdx.json"
printf '   And one changed byte in the BOM is caught:\n'
prep sed -i 's/"bomFormat"/"bomFormat" /' "$DEMO/fleet.cdx.json"
expect 1 "$STEMMA" verify-attestation "$DEMO/fleet.intoto.json" --public-key "$DEMO/k.pub.pem" \
  --subject "$DEMO/fleet.cdx.json"

step "The AI-BOM of one model bundle, every file's digest recomputed (evidence: verified)" \
  "SPDX 3.0.1 with the AI profile this time; the model card supplies lineage and training data"
expect 0 "$STEMMA" bom examples/bundles/sentiment-ft --format spdx --timestamp 2026-11-27T00:00:00Z \
  --output "$DEMO/sentiment-ft.spdx.json"
files=$(grep -c '"software_File"' "$DEMO/sentiment-ft.spdx.json" || true)
printf '     %s software_File elements, each with the sha256 Stemma recomputed (verifiedUsing)\n' "$files"

# ---------------------------------------------------------------------------------------------------------
step "Agent posture: what each agent can do, against the seed's agent_posture_policy" \
  "Claude Code, Codex, Gemini CLI, Copilot, A2A, ADK and CrewAI agents; exit 1 because findings reach --fail-on high"
expect 1 "$STEMMA" posture --inventory examples/posture/fleet --policy examples/posture/policies --fail-on high \
  -o "$DEMO/posture.txt"
printf '   The fleet ranked (riskiest first, with why):\n'
sed -n '3,10p' "$DEMO/posture.txt" | sed 's/^/     /'
printf '   One agent'"'"'s grants, each traced to its file and line:\n'
awk '/^== compliance-report-agent /{on=1} on && /^$/{exit} on' "$DEMO/posture.txt" | head -40 | sed 's/^/     /'

# ---------------------------------------------------------------------------------------------------------
step "Runtime posture: what an agent actually did, from its OpenTelemetry trace, against the seed policy" \
  "OTLP/JSON as the SDK exports it; a run is judged for tool calls, sub-agents, approvals and the span tree"
expect 0 "$STEMMA" posture --inventory examples/posture/fleet --policy examples/posture/policies/seed.yaml \
  --traces examples/posture/traces/compliance-report.otlp.json -o "$DEMO/posture-run.txt"
awk '/^-- run /{on=1} on' "$DEMO/posture-run.txt" | head -12 | sed 's/^/     /'

step "A run that spikes against the agent's own baseline (its last 30 runs, from --history)" \
  "Flagged when x > 10 x max(mean, 1): 24 tool calls against a mean of 2; the new run is appended to the history"
prep cp examples/posture/traces/runs.jsonl "$DEMO/runs.jsonl"
expect 0 "$STEMMA" posture --inventory examples/posture/fleet --policy examples/posture/policies/seed.yaml \
  --traces examples/posture/traces/spike.otlp.jsonl --history "$DEMO/runs.jsonl" -o "$DEMO/posture-spike.txt"
grep 'AP-EXEC-4' "$DEMO/posture-spike.txt" | sed 's/^/     /'
printf '     history: %s runs\n' "$(wc -l < "$DEMO/runs.jsonl" | tr -d ' ')"

step "Agent A checks agent B before calling it: B's signed card and B's signed posture, against A's policy" \
  "B signs its A2A card and attests its evaluated posture (keys in examples/posture/partner/keys: DEMO ONLY);" \
  "A refuses: B's attested posture grants a shell and a write without approval (exit 1 names each requirement)"
PARTNER=examples/posture/partner
prep mkdir -p "$DEMO/partner/billing/.well-known"
prep cp "$PARTNER/billing/stemma.yaml" "$DEMO/partner/billing/stemma.yaml"
prep "$STEMMA" sign-card "$PARTNER/agent-card.unsigned.json" --private-key "$PARTNER/keys/card.pem" \
  --kid billing-card-2026 --jku https://partner.example/.well-known/jwks.json \
  --output "$DEMO/partner/billing/.well-known/agent-card.json"
expect 0 "$STEMMA" verify-card "$DEMO/partner/billing/.well-known/agent-card.json" \
  --jwks "$PARTNER/keys/billing.jwks.json"
prep "$STEMMA" posture attest --agent billing --inventory "$DEMO/partner" --policy "$PARTNER/policy.yaml" \
  --jwks "$PARTNER/keys/billing.jwks.json" --private-key "$PARTNER/keys/posture.pem" \
  --output "$DEMO/billing-posture.intoto.json"
expect 1 "$STEMMA" verify-attestation "$DEMO/billing-posture.intoto.json" \
  --public-key "$PARTNER/keys/posture.pub.pem" --subject "$DEMO/partner/billing/.well-known/agent-card.json" \
  --require examples/posture/caller-policy.yaml

# ---------------------------------------------------------------------------------------------------------
printf '\n'
if [ ${#UNEXPECTED[@]} -eq 0 ]; then
  printf '%s%sDemo complete: every step behaved as expected.%s\n' "$G" "$B" "$N"
  exit 0
fi
printf '%s%sDemo failed: %d outcome(s) not as expected:%s\n' "$R" "$B" "${#UNEXPECTED[@]}" "$N"
for u in "${UNEXPECTED[@]}"; do printf '  - %s\n' "$u"; done
exit 1
