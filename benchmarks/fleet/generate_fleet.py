#!/usr/bin/env python3
"""Deterministic generator of a synthetic AI fleet for `stemma impact` benchmarks.

Writes, under OUT:

  hub/models--ORG--NAME/snapshots/<rev>/README.md   model card, YAML front matter (base_model,
                                                    base_model_relation, datasets, license, model-index)
  hub/models--ORG--NAME/snapshots/<rev>/config.json (adapter_config.json for LoRA adapters)
  hub/models--ORG--NAME/refs/main                   the current revision
  hub/datasets--ORG--NAME/snapshots/<rev>/README.md dataset card (license, source_datasets, ...)
  hub/datasets--ORG--NAME/refs/main
  boms/agent-NNNNN.cdx.json                         one CycloneDX 1.6 BOM per agent
  expected-query.txt                                a popular base model, the benchmark's query
  check-queries.txt                                 more queries, to compare answers (not timed)
  fleet-stats.json                                  counts, depth histogram, fan-in of the bases

Structure (shared reference "graph-and-inputs.md", section 5): 18 base families with Zipf popularity; each
family has a base and a vendor instruct model, the rest of the models attach by preferential attachment
(power-law fan-in) as fine-tunes, LoRA adapters, quantizations and merges (a merge lists several base models),
lineage depth up to --max-depth. Each agent uses 1-3 models, 2-10 tools, 0-3 sub-agents, 0-2 retrieval
datasets and 30-140 PyPI packages from a shared pool (with the langchain / torch versions the saved OSV
advisories match). Only the standard library is used; the same --seed gives the same bytes.

    python3 generate_fleet.py OUT --preset realistic     # 1,000 agents, 5,000 models
    python3 generate_fleet.py OUT --preset stress        # 5,000 agents, 50,000 models, ~155k files
    python3 generate_fleet.py OUT --agents 50 --models 300 --datasets 40
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import sys

PRESETS = {
    "tiny": dict(agents=20, models=120, datasets=20),
    "realistic": dict(agents=1000, models=5000, datasets=500),
    "stress": dict(agents=5000, models=50000, datasets=500),
}

# (org, base, instruct, license, architecture, model_type). Order = popularity rank (Zipf).
FAMILIES = [
    ("meta-llama", "Llama-3.1-8B", "Llama-3.1-8B-Instruct", "llama3.1", "LlamaForCausalLM", "llama"),
    ("mistralai", "Mistral-7B-v0.3", "Mistral-7B-Instruct-v0.3", "apache-2.0", "MistralForCausalLM", "mistral"),
    ("Qwen", "Qwen2.5-7B", "Qwen2.5-7B-Instruct", "apache-2.0", "Qwen2ForCausalLM", "qwen2"),
    ("meta-llama", "Llama-3.2-3B", "Llama-3.2-3B-Instruct", "llama3.2", "LlamaForCausalLM", "llama"),
    ("google", "gemma-2-9b", "gemma-2-9b-it", "gemma", "Gemma2ForCausalLM", "gemma2"),
    ("microsoft", "Phi-3.5-mini-instruct", "Phi-3.5-mini-instruct-ft", "mit", "Phi3ForCausalLM", "phi3"),
    ("meta-llama", "Llama-3.1-70B", "Llama-3.1-70B-Instruct", "llama3.1", "LlamaForCausalLM", "llama"),
    ("Qwen", "Qwen2.5-Coder-7B", "Qwen2.5-Coder-7B-Instruct", "apache-2.0", "Qwen2ForCausalLM", "qwen2"),
    ("mistralai", "Mixtral-8x7B-v0.1", "Mixtral-8x7B-Instruct-v0.1", "apache-2.0", "MixtralForCausalLM", "mixtral"),
    ("google", "gemma-2-2b", "gemma-2-2b-it", "gemma", "Gemma2ForCausalLM", "gemma2"),
    ("BAAI", "bge-base-en-v1.5", "bge-small-en-v1.5", "mit", "BertModel", "bert"),
    ("sentence-transformers", "all-MiniLM-L6-v2", "all-MiniLM-L12-v2", "apache-2.0", "BertModel", "bert"),
    ("deepseek-ai", "DeepSeek-V2-Lite", "DeepSeek-V2-Lite-Chat", "other", "DeepseekV2ForCausalLM", "deepseek_v2"),
    ("01-ai", "Yi-1.5-9B", "Yi-1.5-9B-Chat", "apache-2.0", "LlamaForCausalLM", "llama"),
    ("ibm-granite", "granite-3.0-8b-base", "granite-3.0-8b-instruct", "apache-2.0", "GraniteForCausalLM", "granite"),
    ("allenai", "OLMo-2-1124-7B", "OLMo-2-1124-7B-Instruct", "apache-2.0", "Olmo2ForCausalLM", "olmo2"),
    ("tiiuae", "falcon-7b", "falcon-7b-instruct", "apache-2.0", "FalconForCausalLM", "falcon"),
    ("HuggingFaceTB", "SmolLM2-1.7B", "SmolLM2-1.7B-Instruct", "apache-2.0", "LlamaForCausalLM", "llama"),
]

WORDS = ("support chat med law fin code math tutor story sql rag summ triage guard judge agent tool json "
         "legal claims kyc fraud risk ops hr voice doc table invoice retail travel bio chem edu news "
         "reason plan critic router intent ner sentiment translate ja de fr es pt ko ar hi").split()

ORG_WORDS = ("acme globex initech umbrella hooli wayne stark cyberdyne tyrell soylent vandelay pied "
             "wonka oscorp aperture massive black mesa nakatomi dunder virtucon gringotts monarch "
             "bluth krusty duff prestige gekko oceanic dharma").split()

# Real PyPI packages an AI agent pulls in, with versions (the first few exercise the saved OSV files:
# PYSEC-2023-18 langchain < 0.0.132, PYSEC-2022-43015 torch < 1.13.1, MAL-2024-9933 3web).
SPECIAL_VERSIONS = {
    "langchain": ["0.0.130", "0.0.131", "0.0.132", "0.0.99", "0.1.20", "0.2.16", "0.3.7"],
    "torch": ["2.5.1+cu121", "2.5.1", "2.4.1", "2.1.0", "1.13.1", "1.13.0", "1.12.1"],
}
REAL_PACKAGES = """langchain-core langchain-community langchain-openai langchain-anthropic langgraph
langsmith llama-index llama-index-core crewai mcp openai anthropic tiktoken transformers tokenizers
safetensors huggingface-hub accelerate peft trl bitsandbytes sentence-transformers datasets
numpy scipy pandas scikit-learn pyarrow requests httpx httpcore h11 anyio sniffio idna certifi
urllib3 charset-normalizer pydantic pydantic-core typing_extensions annotated-types PyYAML
jsonschema jsonschema-specifications referencing rpds-py attrs tenacity packaging filelock fsspec
tqdm regex sympy networkx Jinja2 MarkupSafe aiohttp aiosignal frozenlist multidict yarl
async-timeout SQLAlchemy greenlet orjson dataclasses-json marshmallow mypy-extensions
typing-inspect protobuf grpcio googleapis-common-protos opentelemetry-api opentelemetry-sdk
fastapi starlette uvicorn click rich Pygments markdown-it-py mdurl python-dotenv distro jiter
nvidia-cublas-cu12 nvidia-cudnn-cu12 nvidia-nccl-cu12 triton chromadb faiss-cpu pgvector
psycopg2-binary redis boto3 botocore s3transfer jmespath python-dateutil six pytz tzdata
cryptography cffi pycparser PyJWT websockets zope.interface ruamel.yaml ruamel.yaml.clib
Werkzeug Flask itsdangerous blinker cachetools google-auth rsa pyasn1 pyasn1-modules
onnxruntime coloredlogs humanfriendly flatbuffers mpmath nest-asyncio posthog monotonic backoff
3web""".split()

TOOLS = ("github filesystem postgres slack jira confluence gdrive gmail calendar web-search fetch browser "
         "playwright sqlite snowflake bigquery salesforce zendesk servicenow pagerduty datadog sentry "
         "stripe twilio sendgrid s3 kubernetes terraform docker notion linear figma hubspot okta vault "
         "crm-lookup ledger-api kyc-check sanctions-screen doc-ocr pdf-render email-draft").split()

ACCOUNTS = ["aws-prod-cx", "aws-prod-internal", "aws-prod-data", "aws-staging", "gcp-sandbox", "gcp-prod-ml",
            "azure-prod-eu", "azure-dev", "onprem-dc1", "onprem-dc2"]
STAGES = ["production", "production", "testing", "development"]


def rev(*parts):
    """A 40-hex revision, like a git commit id, derived from the parts."""
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()


def zipf_weights(n, s=1.1):
    return [1.0 / (i + 1) ** s for i in range(n)]


class Model:
    __slots__ = ("org", "name", "family", "depth", "parents", "relation", "datasets", "evals", "revs",
                 "children", "kind", "license")

    def __init__(self, org, name, family, depth, parents, relation, kind, license):
        self.org, self.name, self.family, self.depth = org, name, family, depth
        self.parents, self.relation, self.kind, self.license = parents, relation, kind, license
        self.datasets, self.evals, self.revs, self.children = [], [], [], 0

    @property
    def repo(self):
        return f"{self.org}/{self.name}"


def yaml_scalar(value):
    text = str(value)
    if text == "" or any(c in text for c in ":#{}[],&*!|>'\"%@`") or text.strip() != text or \
            text.lower() in ("yes", "no", "true", "false", "null", "on", "off", "~"):
        return json.dumps(text)
    try:
        float(text)
        return json.dumps(text)
    except ValueError:
        return text


def yaml_list(key, items, indent=""):
    if not items:
        return ""
    return f"{indent}{key}:\n" + "".join(f"{indent}- {yaml_scalar(i)}\n" for i in items)


class Fleet:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.models = []
        self.datasets = []
        self.files = 0
        self.bytes = 0

    # ------------------------------------------------------------------------------------------- output
    def write(self, path, text):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = text.encode()
        with open(path, "wb") as f:
            f.write(data)
        self.files += 1
        self.bytes += len(data)

    # ------------------------------------------------------------------------------------------- datasets
    def make_datasets(self):
        rng, n = self.rng, self.args.datasets
        real = ["HuggingFaceH4/ultrachat_200k", "tatsu-lab/alpaca", "Open-Orca/OpenOrca", "allenai/c4",
                "HuggingFaceFW/fineweb", "google/IFEval", "cais/mmlu", "openai/gsm8k", "Rowan/hellaswag",
                "teknium/OpenHermes-2.5", "databricks/databricks-dolly-15k", "HuggingFaceH4/no_robots"]
        names = real[:n]
        while len(names) < n:
            i = len(names)
            names.append(f"{rng.choice(ORG_WORDS)}-{rng.choice(ORG_WORDS)}/{rng.choice(WORDS)}-{rng.choice(WORDS)}-{i}")
        for i, name in enumerate(names):
            src = []
            if i >= 4 and rng.random() < 0.15:
                src = sorted({names[rng.randrange(i)] for _ in range(rng.randint(1, 2))})
            self.datasets.append((name, src))
        self.dataset_weights = zipf_weights(len(self.datasets), 0.9)

    def pick_datasets(self, k):
        return sorted({d[0] for d in self.rng.choices(self.datasets, self.dataset_weights, k=k)})

    # ------------------------------------------------------------------------------------------- models
    def make_models(self):
        rng, args = self.rng, self.args
        fams = FAMILIES[:max(1, min(len(FAMILIES), args.families))]
        by_family = []
        names = set()
        self.attach, self.recent = [], []
        for f, (org, base, inst, lic, arch, mtype) in enumerate(fams):
            b = Model(org, base, f, 0, [], None, "base", lic)
            i = Model(org, inst, f, 1, [b], "finetune", "finetune", lic)
            b.children += 1
            self.models += [b, i]
            by_family.append([b, i])
            # preferential attachment: a model appears once, plus once per child (linear: power-law fan-in)
            # (the vendor's own base and instruct start with extra weight: most community work builds on them)
            self.attach.append([b] * 8 + [i] * 16)
            self.recent.append([b, i])
            names.update([b.repo, i.repo])
        fam_w = zipf_weights(len(fams), 1.0)
        orgs = [f"{rng.choice(ORG_WORDS)}-{rng.choice(WORDS)}{i}" for i in range(max(20, args.models // 40))]
        org_w = zipf_weights(len(orgs), 0.8)
        while len(self.models) < args.models:
            f = rng.choices(range(len(fams)), fam_w)[0]
            members = by_family[f]
            kind = rng.choices(["finetune", "adapter", "quantized", "merge"], [50, 20, 20, 10])[0]
            if kind == "merge" and len(members) < 4:
                kind = "finetune"
            if kind == "merge":
                parents = list({p.repo: p for p in (self.pick_parent(f) for _ in range(rng.randint(2, 3)))}.values())
                if len(parents) < 2:
                    kind = "finetune"
            if kind != "merge":
                parents = [self.pick_parent(f)]
            depth = max(p.depth for p in parents) + 1
            org = rng.choices(orgs, org_w)[0]
            fam_short = fams[f][1].split("-")[0].lower()
            suffix = {"finetune": "", "adapter": "-lora", "quantized": rng.choice(["-GGUF", "-AWQ", "-GPTQ-4bit"]),
                      "merge": "-merge"}[kind]
            name = f"{fam_short}-{rng.choice(WORDS)}-{rng.choice(WORDS)}-{len(self.models)}{suffix}"
            lic = fams[f][3] if rng.random() < 0.85 else rng.choice(["apache-2.0", "mit", "cc-by-nc-4.0", "other"])
            m = Model(org, name, f, depth, parents, kind, kind, lic)
            for p in parents:
                p.children += 1
            if kind in ("finetune", "adapter") and rng.random() < 0.6:
                m.datasets = self.pick_datasets(rng.randint(1, 3))
            if rng.random() < 0.3:
                m.evals = self.pick_datasets(rng.randint(1, 2))
            self.models.append(m)
            members.append(m)
            names.add(m.repo)
            if m.depth < args.max_depth and kind != "quantized":
                self.attach[f].append(m)
                self.recent[f].append(m)
                del self.recent[f][:-50]
        for m in self.models:
            m.revs = [rev("model", m.repo, "main")]
            if m.kind != "base" and rng.random() < self.args.multi_rev:
                m.revs.insert(0, rev("model", m.repo, "old"))

    def pick_parent(self, family):
        rng = self.rng
        if rng.random() < 0.15:  # extend a recent lineage: gives the long chains
            p = rng.choice(self.recent[family])
        else:
            p = rng.choice(self.attach[family])
        self.attach[family].append(p)  # one more child: more likely to be picked again
        return p

    def model_card(self, m, revision):
        lines = ["---"]
        lines.append(f"license: {m.license}")
        if m.license == "other":
            lines.append(f"license_name: {m.org}-license")
        lines.append("library_name: " + {"adapter": "peft", "quantized": "gguf" if "GGUF" in m.name else "transformers"}
                     .get(m.kind, "transformers"))
        lines.append("pipeline_tag: " + ("feature-extraction" if FAMILIES[m.family][5] == "bert" else "text-generation"))
        if m.parents:
            if len(m.parents) == 1:
                lines.append(f"base_model: {m.parents[0].repo}")
            else:
                lines.append(yaml_list("base_model", [p.repo for p in m.parents]).rstrip("\n"))
            rel = {"finetune": "finetune", "adapter": "adapter", "quantized": "quantized", "merge": "merge"}[m.kind]
            # The relation is optional on the Hub: leave it out for some fine-tunes and merges (default rules).
            if not (m.kind in ("finetune", "merge") and self.rng.random() < 0.4):
                lines.append(f"base_model_relation: {rel}")
        if m.datasets:
            lines.append(yaml_list("datasets", m.datasets).rstrip("\n"))
        lines.append(yaml_list("tags", sorted({m.kind, FAMILIES[m.family][5]})).rstrip("\n"))
        if m.kind == "quantized" and self.rng.random() < 0.5:
            lines.append(f"quantized_by: {m.org}")
        if m.evals:
            lines.append("model-index:")
            lines.append(f"- name: {m.name}")
            lines.append("  results:")
            for i, d in enumerate(m.evals):
                lines += ["  - task:", "      type: text-generation", "    dataset:", f"      type: {d}",
                          f"      name: {d.split('/')[-1]}", "      split: test", "    metrics:",
                          "    - type: accuracy", f"      value: {50 + int(rev(d)[:4], 16) % 4000 / 100:.2f}"]
        lines.append("---")
        lines.append("")
        lines.append(f"# {m.name}")
        lines.append("")
        what = {"base": "A pretrained base model.", "finetune": "A fine-tune of " + m.parents[0].repo + "." if m.parents else "",
                "adapter": "A LoRA adapter for " + (m.parents[0].repo if m.parents else "") + ".",
                "quantized": "A quantized re-upload of " + (m.parents[0].repo if m.parents else "") + ".",
                "merge": "A merge of " + ", ".join(p.repo for p in m.parents) + "."}[m.kind]
        lines.append(f"{what} Revision {revision[:7]}. Synthetic card generated by Stemma's fleet generator.")
        return "\n".join(lines) + "\n"

    def model_config(self, m):
        fam = FAMILIES[m.family]
        if m.kind == "adapter":
            return "adapter_config.json", json.dumps({
                "base_model_name_or_path": m.parents[0].repo, "peft_type": "LORA", "task_type": "CAUSAL_LM",
                "r": 16, "lora_alpha": 32, "lora_dropout": 0.05,
                "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"]}, indent=2) + "\n"
        cfg = {"architectures": [fam[4]], "model_type": fam[5], "hidden_size": 4096, "num_hidden_layers": 32,
               "num_attention_heads": 32, "vocab_size": 128256, "torch_dtype": "bfloat16",
               "transformers_version": "4.44.2"}
        if m.kind == "quantized":
            cfg["quantization_config"] = {"quant_method": "gguf" if "GGUF" in m.name else "awq", "bits": 4}
        return "config.json", json.dumps(cfg, indent=2) + "\n"

    def write_hub(self, out):
        hub = os.path.join(out, "hub")
        for m in self.models:
            base = os.path.join(hub, f"models--{m.org}--{m.name}")
            for r in m.revs:
                snap = os.path.join(base, "snapshots", r)
                self.write(os.path.join(snap, "README.md"), self.model_card(m, r))
                name, text = self.model_config(m)
                self.write(os.path.join(snap, name), text)
            self.write(os.path.join(base, "refs", "main"), m.revs[-1])
        self.dataset_revs = {}
        for name, src in self.datasets:
            org, short = name.split("/", 1)
            r = rev("dataset", name)
            self.dataset_revs[name] = r
            base = os.path.join(hub, f"datasets--{org}--{short}")
            card = ["---", f"pretty_name: {yaml_scalar(short)}", f"license: {self.rng.choice(['cc-by-4.0', 'apache-2.0', 'mit', 'odc-by', 'other'])}",
                    "language:", "- en", "task_categories:", "- text-generation"]
            if src:
                card.append(yaml_list("source_datasets", src).rstrip("\n"))
            card += ["size_categories:", "- 10K<n<100K", "---", "", f"# {short}", "", "Synthetic dataset card.", ""]
            self.write(os.path.join(base, "snapshots", r, "README.md"), "\n".join(card))
            self.write(os.path.join(base, "refs", "main"), r)

    # ------------------------------------------------------------------------------------------- packages
    def make_packages(self):
        rng = self.rng
        names = list(REAL_PACKAGES)
        target = max(300, int(self.args.agents * 0.8))
        i = 0
        while len(names) < target:
            w1, w2 = rng.choice(WORDS), rng.choice(WORDS)
            style = i % 4
            names.append([f"{w1}-{w2}-{i}", f"{w1}_{w2}_{i}", f"{w1.capitalize()}{w2.capitalize()}{i}", f"{w1}.{w2}{i}"][style])
            i += 1
        self.packages = []
        for n in ["langchain", "torch"] + names:
            if n in SPECIAL_VERSIONS:
                versions = SPECIAL_VERSIONS[n]
            elif n == "3web":
                versions = ["1.0.0"]
            else:
                major = rng.randint(0, 4)
                versions = sorted({f"{major}.{rng.randint(0, 30)}.{rng.randint(0, 12)}" for _ in range(rng.randint(1, 5))})
            self.packages.append((n, versions))
        self.package_weights = zipf_weights(len(self.packages), 0.7)
        # what each package needs: a few names further down the popularity list (so nothing needs langchain or
        # torch, the packages the saved advisories hit: agents depend on them directly)
        self.package_deps = {}
        for i, (pname, _) in enumerate(self.packages):
            later = range(i + 1, len(self.packages))
            k = min(len(later), rng.choice([0, 0, 1, 2, 3, 4]))
            self.package_deps[pname] = sorted({self.packages[j][0] for j in rng.sample(later, k)})
        self.package_weights[self.packages.index(("3web", ["1.0.0"]))] = 0.002  # a rare malicious one

    # ------------------------------------------------------------------------------------------- agents
    def write_boms(self, out):
        rng, args = self.rng, self.args
        n = args.agents
        versions = [f"{1 + i % 3}.{(i * 7) % 10}.{(i * 3) % 7}" for i in range(n)]
        # Agents use instruct models, fine-tunes, adapters and quantizations more than raw bases.
        usable = [m for m in self.models if m.kind != "base"] or self.models
        model_w = [1.0 + (m.children ** 0.5 if m.kind == "finetune" and m.depth == 1 else 0) for m in usable]
        tool_names = [f"mcp-{t}" for t in TOOLS] + [f"{rng.choice(ORG_WORDS)}-{t}-mcp" for t in TOOLS]
        tool_w = zipf_weights(len(tool_names), 0.8)
        owners = [f"team-{w}" for w in WORDS[:40]]
        corpora = [d for d, _ in self.datasets]
        stats = {"sub_agent_edges": 0, "unversioned_model_refs": 0, "package_refs": 0}
        for a in range(n):
            name = f"agent-{a:05d}"
            comps, deps_agent, deps = [], [], []
            props = []
            if rng.random() > 0.08:
                props.append({"name": "stemma:owner", "value": rng.choice(owners)})
            props.append({"name": "stemma:stage", "value": rng.choice(STAGES)})
            props.append({"name": "stemma:account", "value": rng.choice(ACCOUNTS)})
            meta = {"type": "application", "bom-ref": "agent", "name": name, "version": versions[a],
                    "description": f"Synthetic agent {a}", "properties": props}
            # models
            for k, m in enumerate({m.repo: m for m in rng.choices(usable, model_w, k=rng.randint(1, 3))}.values()):
                ref = f"model-{k}"
                c = {"type": "machine-learning-model", "bom-ref": ref, "group": m.org, "name": m.name}
                if rng.random() < 0.8:
                    r = rng.choice(m.revs)
                    c["version"] = r
                    c["purl"] = f"pkg:huggingface/{m.repo}@{r}"
                else:
                    c["purl"] = f"pkg:huggingface/{m.repo}"
                    stats["unversioned_model_refs"] += 1
                comps.append(c)
                deps_agent.append(ref)
                if m.parents and len(m.parents) == 1 and rng.random() < 0.1:
                    # a BOM that also records the model's base (the same fact the card states)
                    p = m.parents[0]
                    pref = f"model-{k}-base"
                    comps.append({"type": "machine-learning-model", "bom-ref": pref, "group": p.org, "name": p.name,
                                  "purl": f"pkg:huggingface/{p.repo}"})
                    deps.append({"ref": ref, "dependsOn": [pref]})
                    deps.append({"ref": pref, "dependsOn": []})
                else:
                    deps.append({"ref": ref, "dependsOn": []})
            # retrieval datasets
            for k, d in enumerate(sorted(set(rng.sample(corpora, min(len(corpora), rng.choice([0, 0, 1, 1, 2, 3])))))):
                ref = f"data-{k}"
                org, short = d.split("/", 1)
                c = {"type": "data", "bom-ref": ref, "group": org, "name": short,
                     "purl": f"pkg:huggingface/datasets/{d}", "data": [{"type": "dataset", "name": short}]}
                comps.append(c)
                deps_agent.append(ref)
                deps.append({"ref": ref, "dependsOn": []})
            # sub-agents: about one agent in six orchestrates 1-3 others of the same team (nearby numbers)
            if n > 1 and rng.random() < 0.16:
                near = [i for i in range(max(0, a - 25), min(n, a + 26)) if i != a]
                for k, s in enumerate(sorted(set(rng.sample(near, min(len(near), rng.randint(1, 3)))))):
                    ref = f"subagent-{k}"
                    comps.append({"type": "application", "bom-ref": ref, "name": f"agent-{s:05d}", "version": versions[s],
                                  "description": "sub-agent"})
                    deps_agent.append(ref)
                    deps.append({"ref": ref, "dependsOn": []})
                    stats["sub_agent_edges"] += 1
            # tools: CycloneDX services (MCP servers), sometimes an application named tool:NAME
            services = []
            for k, t in enumerate(sorted(set(rng.choices(tool_names, tool_w, k=rng.randint(2, 10))))):
                ref = f"tool-{k}"
                if rng.random() < 0.15:
                    comps.append({"type": "application", "bom-ref": ref, "name": f"tool:{t}"})
                else:
                    svc = {"bom-ref": ref, "name": t}
                    if rng.random() < 0.5:
                        svc["endpoints"] = [f"https://{t}.internal.example/mcp"]
                    services.append(svc)
                deps_agent.append(ref)
                deps.append({"ref": ref, "dependsOn": []})
            # packages: a framework stack plus a Zipf draw from the pool; a few direct, the rest transitive
            chosen = {}
            for idx in rng.choices(range(len(self.packages)), self.package_weights, k=rng.randint(30, 140) * 2):
                pname, pvers = self.packages[idx]
                if pname not in chosen:
                    chosen[pname] = rng.choice(pvers)
            items = list(chosen.items())[:rng.randint(30, 140)]
            pkg_refs = []
            for k, (pname, pver) in enumerate(items):
                ref = f"pkg-{k}"
                comps.append({"type": "library", "bom-ref": ref, "name": pname, "version": pver,
                              "purl": f"pkg:pypi/{pname}@{pver}"})
                pkg_refs.append(ref)
            stats["package_refs"] += len(pkg_refs)
            # package -> package edges from one global table (a package version needs the same names in every
            # BOM); the agent depends on the packages nothing else in the BOM needs
            ref_of = {pname: f"pkg-{k}" for k, (pname, _) in enumerate(items)}
            needed = set()
            for pname, _ in items:
                kids = [ref_of[d] for d in self.package_deps[pname] if d in ref_of]
                needed.update(kids)
                deps.append({"ref": ref_of[pname], "dependsOn": kids})
            deps_agent += [r for r in pkg_refs if r not in needed]
            bom = {
                "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
                "bomFormat": "CycloneDX", "specVersion": "1.6",
                "serialNumber": "urn:uuid:" + self.uuid("bom", a), "version": 1,
                "metadata": {"timestamp": "2026-01-15T12:00:00Z", "component": meta},
                "components": comps,
                "dependencies": [{"ref": "agent", "dependsOn": deps_agent}] + deps,
            }
            if services:
                bom["services"] = services
            self.write(os.path.join(out, "boms", f"{name}.cdx.json"), json.dumps(bom, indent=1) + "\n")
        return stats

    def uuid(self, *parts):
        h = rev(*parts)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", help="folder to create (replaced if it exists and --force is given)")
    ap.add_argument("--preset", choices=sorted(PRESETS))
    ap.add_argument("--agents", type=int)
    ap.add_argument("--models", type=int)
    ap.add_argument("--datasets", type=int)
    ap.add_argument("--families", type=int, default=18, help="base model families (max %d)" % len(FAMILIES))
    ap.add_argument("--max-depth", type=int, default=6, help="longest lineage, base = 0")
    ap.add_argument("--multi-rev", type=float, default=0.01, help="share of models with a second snapshot")
    ap.add_argument("--seed", type=int, default=20260115)
    ap.add_argument("--force", action="store_true", help="replace OUT if it exists")
    args = ap.parse_args()
    sizes = dict(PRESETS[args.preset]) if args.preset else dict(PRESETS["tiny"])
    for k in ("agents", "models", "datasets"):
        if getattr(args, k) is not None:
            sizes[k] = getattr(args, k)
        setattr(args, k, sizes[k])
    if args.models < 2 * args.families:
        args.families = max(1, args.models // 2)
    if os.path.exists(args.out):
        if not args.force:
            sys.exit(f"generate_fleet: {args.out} exists (use --force to replace it)")
        shutil.rmtree(args.out)
    os.makedirs(args.out)

    fleet = Fleet(args)
    fleet.make_datasets()
    fleet.make_models()
    fleet.make_packages()
    fleet.write_hub(args.out)
    stats = fleet.write_boms(args.out)
    query = "pkg:huggingface/meta-llama/Llama-3.1-8B"
    fleet.write(os.path.join(args.out, "expected-query.txt"), query + "\n")
    # More queries for an untimed cross-check: one revision deep in the Llama lineage, a vulnerable PyPI version,
    # every version of torch, and a dataset that many models train on and others only evaluate on.
    deep = sorted((m for m in fleet.models if m.family == 0 and m.depth >= 2), key=lambda m: (-m.children, m.repo)) \
        or fleet.models
    checks = [f"pkg:huggingface/{deep[0].repo}@{deep[0].revs[-1]}", "pkg:pypi/langchain@0.0.130", "pkg:pypi/torch",
              f"pkg:huggingface/datasets/{fleet.datasets[0][0]}"]
    fleet.write(os.path.join(args.out, "check-queries.txt"), "\n".join(checks) + "\n")

    depth_hist, kinds = {}, {}
    for m in fleet.models:
        depth_hist[m.depth] = depth_hist.get(m.depth, 0) + 1
        kinds[m.kind] = kinds.get(m.kind, 0) + 1
    fanin = sorted(((m.children, m.repo) for m in fleet.models), reverse=True)[:10]
    summary = {
        "seed": args.seed, "agents": args.agents, "models": len(fleet.models), "datasets": len(fleet.datasets),
        "model_snapshots": sum(len(m.revs) for m in fleet.models), "families": args.families,
        "max_depth": args.max_depth, "depth_histogram": dict(sorted(depth_hist.items())), "model_kinds": kinds,
        "top_fan_in": [{"model": r, "children": c} for c, r in fanin],
        "package_names": len(fleet.packages), "package_versions": sum(len(v) for _, v in fleet.packages),
        **stats, "files": fleet.files + 1, "check_queries": checks, "bytes": fleet.bytes, "query": query,
    }
    fleet.write(os.path.join(args.out, "fleet-stats.json"), json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
