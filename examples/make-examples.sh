#!/usr/bin/env bash
# Regenerates everything under examples/ and trust-roots/demo/ that is made of keys, certificates,
# model files and signatures:
#
#   examples/bundles/sentiment-ft/          a small fine-tuned text classifier, signed in KEY mode,
#                                           signature model.sig inside the folder
#   examples/bundles/fraud-scorer.tar.gz    a small tabular fraud model, signed in CERTIFICATE mode,
#   examples/bundles/fraud-scorer.sig       then packed as an archive (the unpacked folder is removed)
#   examples/keys/                          the demo PRIVATE keys, the intermediate CA and leaf certificates
#   trust-roots/demo/keys/, certs/          the demo public key and root CA certificate that verify them
#
# The signatures are made by the real OpenSSF `model_signing` (1.1.x, from PyPI) and checked with it before
# the script ends, so the examples prove interoperability and do not depend on Stemma.
#
# By default it makes NEW keys and a NEW certificate hierarchy every run (so every signature changes, and
# trust-roots/demo changes with them). With --keep-keys it re-signs with the keys and certificates already in
# examples/keys/ and trust-roots/demo/ (the trust roots stay as they are). The model files themselves are
# generated deterministically: the same bytes every run.
#
# Usage (from anywhere):  bash examples/make-examples.sh [--keep-keys]
# Needs: openssl, python3, tar, gzip, and model_signing (default: .venv/bin/model_signing, made by `make venv`;
# override with MODEL_SIGNING=/path/to/model_signing).
#
# Everything here is DEMO ONLY: the private keys are public, so nothing they sign proves anything.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

MODEL_SIGNING=${MODEL_SIGNING:-$ROOT/.venv/bin/model_signing}
KEEP_KEYS=0
for arg in "$@"; do
  case "$arg" in
    --keep-keys) KEEP_KEYS=1 ;;
    -h|--help) sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make-examples.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

if [ ! -x "$MODEL_SIGNING" ]; then
  echo "make-examples.sh: $MODEL_SIGNING not found; run 'make venv' first (or set MODEL_SIGNING)" >&2
  exit 2
fi
command -v openssl >/dev/null || { echo "make-examples.sh: openssl not found" >&2; exit 2; }

BUNDLES=examples/bundles
KEYS=examples/keys
TRUST=trust-roots/demo
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

say() { printf '==> %s\n' "$*"; }
run() { printf '    $'; printf ' %q' "$@"; printf '\n'; "$@"; }

mkdir -p "$BUNDLES" "$KEYS" "$TRUST/keys" "$TRUST/certs"

# ---------------------------------------------------------------------------------------------------------
# 1. Keys and certificates
# ---------------------------------------------------------------------------------------------------------
RELEASE_KEY=$KEYS/acme-release.key.pem            # P-256, key mode (signer acme-release-team)
RELEASE_PUB=$TRUST/keys/acme-release.pub.pem
ROOT_KEY=$KEYS/acme-root-ca.key.pem                # P-384, demo root CA (trust anchor)
ROOT_CERT=$TRUST/certs/acme-root-ca.pem
INTER_KEY=$KEYS/acme-intermediate-ca.key.pem       # P-384, demo intermediate CA (travels in the signature)
INTER_CERT=$KEYS/acme-intermediate-ca.pem
LEAF_KEY=$KEYS/fraud-scorer-signer.key.pem         # P-256, the certificate-mode signing key
LEAF_CERT=$KEYS/fraud-scorer-signer.pem

if [ "$KEEP_KEYS" = 1 ]; then
  for f in "$RELEASE_KEY" "$RELEASE_PUB" "$ROOT_CERT" "$INTER_CERT" "$LEAF_KEY" "$LEAF_CERT"; do
    [ -f "$f" ] || { echo "make-examples.sh: --keep-keys but $f is missing" >&2; exit 2; }
  done
  say "keeping the existing demo keys and certificates"
else
  say "making new demo keys (ECDSA; the curves model_signing allows)"
  umask 077
  run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$RELEASE_KEY"
  run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$ROOT_KEY"
  run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$INTER_KEY"
  run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$LEAF_KEY"
  umask 022
  # Demo keys are meant to be read: make them world-readable like the rest of the checkout.
  chmod 644 "$RELEASE_KEY" "$ROOT_KEY" "$INTER_KEY" "$LEAF_KEY"
  run openssl pkey -in "$RELEASE_KEY" -pubout -out "$RELEASE_PUB"

  cat > "$WORK/ca.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[root_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[inter_ext]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
  serial() { echo "0x$(openssl rand -hex 16)"; }

  say "making a demo certificate hierarchy: root CA (20 y) -> intermediate CA (15 y) -> leaf (10 y)"
  run openssl req -x509 -new -config "$WORK/ca.cnf" -extensions root_ext -key "$ROOT_KEY" -sha384 \
    -days 7300 -set_serial "$(serial)" \
    -subj "/O=Acme Bank/OU=ML Platform/CN=Acme ML Platform Root CA (DEMO ONLY)" -out "$ROOT_CERT"
  run openssl req -new -config "$WORK/ca.cnf" -key "$INTER_KEY" \
    -subj "/O=Acme Bank/OU=ML Platform/CN=Acme ML Signing CA 1 (DEMO ONLY)" -out "$WORK/inter.csr"
  run openssl x509 -req -in "$WORK/inter.csr" -CA "$ROOT_CERT" -CAkey "$ROOT_KEY" -sha384 \
    -days 5475 -set_serial "$(serial)" -extfile "$WORK/ca.cnf" -extensions inter_ext -out "$INTER_CERT"
  run openssl req -new -config "$WORK/ca.cnf" -key "$LEAF_KEY" \
    -subj "/O=Acme Bank/CN=fraud-scorer-signer" -out "$WORK/leaf.csr"
  run openssl x509 -req -in "$WORK/leaf.csr" -CA "$INTER_CERT" -CAkey "$INTER_KEY" -sha384 \
    -days 3650 -set_serial "$(serial)" -extfile "$WORK/ca.cnf" -extensions leaf_ext -out "$LEAF_CERT"
  run openssl verify -CAfile "$ROOT_CERT" -untrusted "$INTER_CERT" "$LEAF_CERT"
fi
printf '    leaf subject (RFC 2253): %s\n' "$(openssl x509 -in "$LEAF_CERT" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')"

# ---------------------------------------------------------------------------------------------------------
# 2. Model files (deterministic: fixed seeds, fixed text)
# ---------------------------------------------------------------------------------------------------------
say "writing the model files"
rm -rf "$BUNDLES/sentiment-ft" "$BUNDLES/fraud-scorer" "$BUNDLES/fraud-scorer.tar.gz" "$BUNDLES/fraud-scorer.sig"
python3 - "$BUNDLES" <<'PYEOF'
import json, os, random, struct, sys

out = sys.argv[1]

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)

def write_json(path, obj):
    write(path, json.dumps(obj, indent=2, ensure_ascii=False) + "\n")

def safetensors(path, tensors, seed, metadata):
    """A valid safetensors file: u64 LE header length, JSON header (padded with spaces to 8 bytes), data.

    tensors: list of (name, shape, scale); values are F32 from a seeded Gaussian, so the bytes are stable."""
    rng = random.Random(seed)
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, shape, scale in tensors:
        n = 1
        for d in shape:
            n *= d
        blob = struct.pack("<%df" % n, *(rng.gauss(0.0, scale) for _ in range(n)))
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))

# ---------------- sentiment-ft: a head-only fine-tune of a tiny BERT for binary sentiment ----------------
m = os.path.join(out, "sentiment-ft")
special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
words = """the a an and or but not no nor so very too quite really just only also even still yet
is was are were be been being am do does did done have has had having will would can could should may might
must i you he she it we they me him her us them my your his its our their this that these those there here
what which who whom whose when where why how all any both each few more most other some such own same than
film movie story plot acting actor actors actress cast director script scene scenes ending character
characters performance performances dialogue soundtrack music visuals effects pacing sequel original
good great best better excellent amazing wonderful brilliant superb fantastic delightful charming moving
funny hilarious clever smart beautiful stunning gripping touching heartfelt enjoyable entertaining fun
fresh solid strong memorable masterpiece perfect love loved loves like liked enjoy enjoyed recommend
bad worse worst awful terrible horrible boring dull bland flat weak poor mediocre predictable tedious
messy confusing pointless forgettable disappointing disappointment waste wasted hate hated mess slow
long short overlong clumsy cheap lazy stupid silly annoying painful unwatchable ok okay fine decent
average watch watched watching see seen saw time times minutes hour hours year years one two three
first last end beginning middle part whole thing things way lot bit kind sort make made makes feel feels
felt think thought find found never ever always again well much many little less nothing something
everything anything""".split()
suffixes = ["##s", "##ed", "##ing", "##ly", "##er", "##est", "##ness", "##ful", "##less", "##able"]
punct = [".", ",", "!", "?", "'", "-", "(", ")", ":", ";", "\""]
vocab = special + punct + words + suffixes
assert len(vocab) == len(set(vocab)), "duplicate vocabulary entry"
hidden = 128

write(os.path.join(m, "tokenizer", "vocab.txt"), "\n".join(vocab) + "\n")
write_json(os.path.join(m, "tokenizer", "tokenizer.json"), {
    "version": "1.0",
    "truncation": {"direction": "Right", "max_length": 128, "strategy": "LongestFirst", "stride": 0},
    "padding": None,
    "added_tokens": [
        {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True} for i, t in enumerate(special)],
    "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                   "strip_accents": None, "lowercase": True},
    "pre_tokenizer": {"type": "BertPreTokenizer"},
    "post_processor": {
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                   {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                 {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                 {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
        "special_tokens": {t: {"id": t, "ids": [special.index(t)], "tokens": [t]} for t in ("[CLS]", "[SEP]")},
    },
    "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
    "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
              "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(vocab)}},
})
write_json(os.path.join(m, "config.json"), {
    "_name_or_path": "prajjwal1/bert-tiny",
    "architectures": ["BertForSequenceClassification"],
    "model_type": "bert",
    "attention_probs_dropout_prob": 0.1,
    "classifier_dropout": None,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "hidden_size": hidden,
    "initializer_range": 0.02,
    "intermediate_size": 512,
    "layer_norm_eps": 1e-12,
    "max_position_embeddings": 512,
    "num_attention_heads": 2,
    "num_hidden_layers": 2,
    "pad_token_id": 0,
    "type_vocab_size": 2,
    "vocab_size": len(vocab),
    "id2label": {"0": "NEGATIVE", "1": "POSITIVE"},
    "label2id": {"NEGATIVE": 0, "POSITIVE": 1},
    "problem_type": "single_label_classification",
    "torch_dtype": "float32",
    "transformers_version": "4.46.3",
})
write_json(os.path.join(m, "generation_config.json"), {
    "_from_model_config": True,
    "pad_token_id": 0,
    "transformers_version": "4.46.3",
})
safetensors(os.path.join(m, "model.safetensors"), [
    ("bert.pooler.dense.bias", [hidden], 0.02),
    ("bert.pooler.dense.weight", [hidden, hidden], 0.02),
    ("classifier.bias", [2], 0.02),
    ("classifier.weight", [2, hidden], 0.02),
], seed=20250101, metadata={"format": "pt"})
write(os.path.join(m, "README.md"), """---
base_model: prajjwal1/bert-tiny
datasets:
  - stanfordnlp/sst2
license: apache-2.0
language:
  - en
library_name: transformers
pipeline_tag: text-classification
tags:
  - sentiment-analysis
  - stemma-example
model-index:
  - name: sentiment-ft
    results: []
---

# sentiment-ft (Stemma example bundle)

A binary sentiment classifier (NEGATIVE / POSITIVE) made by fine-tuning the classification head of
[prajjwal1/bert-tiny](https://huggingface.co/prajjwal1/bert-tiny) on
[SST-2](https://huggingface.co/datasets/stanfordnlp/sst2). The encoder stays frozen and is loaded from the
base model; this bundle holds the pooler and the classifier head, with the tokenizer.

**This is an example for Stemma, not a usable model.** The weights are seeded random numbers shaped like
the real head (`examples/make-examples.sh` writes them); the bundle exists so that `stemma verify` has
something real-looking to check.

## Files

| file | what |
| --- | --- |
| `config.json` | transformers config (`BertForSequenceClassification`, 2 labels) |
| `generation_config.json` | generation defaults saved by transformers |
| `model.safetensors` | pooler and classifier weights, F32 |
| `tokenizer/tokenizer.json`, `tokenizer/vocab.txt` | the uncased WordPiece tokenizer (a cut-down vocabulary) |
| `model.sig` | the OpenSSF Model Signing (OMS v1.0) signature over all of the above |

## Signature

Signed by **acme-release-team** (ECDSA P-256 key) with `model_signing sign key`. Verify it with:

    stemma verify examples/bundles/sentiment-ft --trust-roots trust-roots/demo
    model_signing verify key examples/bundles/sentiment-ft \\
        --signature examples/bundles/sentiment-ft/model.sig \\
        --public_key trust-roots/demo/keys/acme-release.pub.pem

## Training

| | |
| --- | --- |
| epochs | 3 |
| learning rate | 2e-5, linear decay |
| batch size | 32 |
| max sequence length | 128 |
| validation accuracy (SST-2 dev) | reported as 0.83 by the training job |
""")

# ---------------- fraud-scorer: a small MLP over card-transaction features ----------------
m = os.path.join(out, "fraud-scorer")
features = ["amount_log", "amount_zscore_customer", "hour_sin", "hour_cos", "is_weekend",
            "merchant_risk_score", "merchant_category_rare", "card_present", "is_foreign",
            "distance_from_home_km_log", "txn_count_1h", "txn_count_24h", "amount_sum_24h_log",
            "days_since_last_txn", "new_device", "new_merchant_for_customer", "ip_country_mismatch",
            "declines_7d", "chargebacks_365d", "account_age_days_log", "credit_utilisation",
            "velocity_score", "email_domain_risk", "billing_shipping_mismatch"]
hidden_units = 32
write_json(os.path.join(m, "config.json"), {
    "model_type": "mlp-binary-classifier",
    "framework": "pytorch",
    "input_features": features,
    "layers": [
        {"name": "fc1", "in": len(features), "out": hidden_units, "activation": "relu"},
        {"name": "fc2", "in": hidden_units, "out": 1, "activation": "sigmoid"},
    ],
    "decision_threshold": 0.87,
    "feature_normalisation": "feature_stats.json",
    "training_data": "acme-bank/card-transactions-2024q4",
    "version": "2.3.0",
})
rng = random.Random(4242)
write_json(os.path.join(m, "feature_stats.json"), {
    "mean": {f: round(rng.uniform(-1.0, 3.0), 6) for f in features},
    "std": {f: round(rng.uniform(0.2, 2.5), 6) for f in features},
})
safetensors(os.path.join(m, "model.safetensors"), [
    ("fc1.bias", [hidden_units], 0.1),
    ("fc1.weight", [hidden_units, len(features)], 0.2),
    ("fc2.bias", [1], 0.1),
    ("fc2.weight", [1, hidden_units], 0.2),
], seed=7, metadata={"format": "pt"})
write(os.path.join(m, "README.md"), """---
license: other
license_name: acme-bank-internal
datasets:
  - acme-bank/card-transactions-2024q4
library_name: pytorch
pipeline_tag: tabular-classification
tags:
  - fraud-detection
  - stemma-example
---

# fraud-scorer 2.3.0 (Stemma example bundle)

Scores a card transaction for fraud from 24 engineered features (`config.json` lists them in input order;
`feature_stats.json` holds the normalisation means and standard deviations). A two-layer MLP:
24 -> 32 (ReLU) -> 1 (sigmoid); transactions scoring at or above the decision threshold 0.87 go to
manual review.

**This is an example for Stemma, not a usable model.** The weights are seeded random numbers and the
training data set named above does not exist; `examples/make-examples.sh` writes all of it.

## Signature

Signed in certificate mode by the leaf certificate `CN=fraud-scorer-signer,O=Acme Bank`, issued by the
demo *Acme ML Signing CA 1*, under the demo *Acme ML Platform Root CA*. The signature
(`fraud-scorer.sig`) sits beside the archive `fraud-scorer.tar.gz`. Verify the archive, without unpacking
it, with:

    stemma verify examples/bundles/fraud-scorer.tar.gz --signature examples/bundles/fraud-scorer.sig \\
        --trust-roots trust-roots/demo
""")
PYEOF

# ---------------------------------------------------------------------------------------------------------
# 3. Sign with model_signing
# ---------------------------------------------------------------------------------------------------------
say "signing sentiment-ft in key mode (signature inside the folder)"
run "$MODEL_SIGNING" sign key "$BUNDLES/sentiment-ft" \
  --private_key "$RELEASE_KEY" --signature "$BUNDLES/sentiment-ft/model.sig"

say "signing fraud-scorer in certificate mode (signature beside it)"
run "$MODEL_SIGNING" sign certificate "$BUNDLES/fraud-scorer" \
  --private_key "$LEAF_KEY" --signing_certificate "$LEAF_CERT" --certificate_chain "$INTER_CERT" \
  --signature "$BUNDLES/fraud-scorer.sig"

say "checking both signatures with model_signing itself"
run "$MODEL_SIGNING" verify key "$BUNDLES/sentiment-ft" \
  --signature "$BUNDLES/sentiment-ft/model.sig" --public_key "$RELEASE_PUB"
run "$MODEL_SIGNING" verify certificate "$BUNDLES/fraud-scorer" \
  --signature "$BUNDLES/fraud-scorer.sig" --certificate_chain "$ROOT_CERT"

# ---------------------------------------------------------------------------------------------------------
# 4. Pack fraud-scorer as a reproducible tar.gz with one top-level folder, and remove the folder
# ---------------------------------------------------------------------------------------------------------
say "packing fraud-scorer as fraud-scorer.tar.gz"
printf '    $ tar -C %s --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1735689600 -cf - fraud-scorer | gzip -9n > %s\n' \
  "$BUNDLES" "$BUNDLES/fraud-scorer.tar.gz"
tar -C "$BUNDLES" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1735689600 \
  --mode='u+rwX,go+rX,go-w' -cf - fraud-scorer | gzip -9n > "$BUNDLES/fraud-scorer.tar.gz"
rm -rf "$BUNDLES/fraud-scorer"

say "checking that the archive still verifies with model_signing (unpacked into a temporary folder)"
mkdir "$WORK/unpacked"
tar -C "$WORK/unpacked" -xzf "$BUNDLES/fraud-scorer.tar.gz"
[ "$(ls "$WORK/unpacked")" = fraud-scorer ] || { echo "archive must hold exactly fraud-scorer/" >&2; exit 1; }
run "$MODEL_SIGNING" verify certificate "$WORK/unpacked/fraud-scorer" \
  --signature "$BUNDLES/fraud-scorer.sig" --certificate_chain "$ROOT_CERT"

say "done; sizes:"
du -sh examples "$TRUST" | sed 's/^/    /'
