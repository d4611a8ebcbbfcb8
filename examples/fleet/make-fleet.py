#!/usr/bin/env python3
"""Writes the Acme Bank example fleet (examples/fleet/) from the tables below. Standard library only.

    python3 examples/fleet/make-fleet.py        # rewrites hub/, agents/, boms/, corpora/, data/

The files it writes are meant to be read (and edited) by hand; this script only keeps them consistent.
Revisions are fixed fake commit ids (sha1 of the repo name). advisories/ and README.md are not touched.
"""
import hashlib
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))


def rev(repo, tag="main"):
    return hashlib.sha1(f"{repo}\x1f{tag}".encode()).hexdigest()


def write(rel, text):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


# ---------------------------------------------------------------------------------------------------- hub
# repo: (card front matter lines, body, extra files {name: text}, extra revisions)
LLAMA_BODY = "Pretrained 8B base model of the Llama 3.1 family (mirrored into Acme's internal hub cache)."
MODELS = {
    "meta-llama/Llama-3.1-8B": (
        ["license: llama3.1", "library_name: transformers", "pipeline_tag: text-generation",
         "language:", "- en", "- de", "- fr", "tags:", "- facebook", "- meta", "- llama", "- llama-3"],
        LLAMA_BODY, {}, ["2024-07"]),
    "meta-llama/Llama-3.1-8B-Instruct": (
        ["license: llama3.1", "library_name: transformers", "pipeline_tag: text-generation",
         "base_model: meta-llama/Llama-3.1-8B", "base_model_relation: finetune", "tags:", "- llama-3", "- conversational"],
        "Instruction-tuned Llama 3.1 8B.", {}, []),
    "meta-llama/Llama-3.1-70B-Instruct": (
        ["license: llama3.1", "library_name: transformers", "pipeline_tag: text-generation",
         "base_model: meta-llama/Llama-3.1-70B", "base_model_relation: finetune"],
        "Instruction-tuned Llama 3.1 70B. A different model from the 8B: same family name, no shared weights.", {}, []),
    "NousResearch/Hermes-3-Llama-3.1-8B": (
        ["license: llama3", "library_name: transformers", "base_model: meta-llama/Llama-3.1-8B",
         "tags:", "- Llama-3", "- instruct", "- finetune", "- chatml"],
        "Hermes 3: a community full fine-tune of Llama 3.1 8B (no base_model_relation: a fine-tune by default).", {}, []),
    "bartowski/Llama-3.1-8B-Instruct-GGUF": (
        ["license: llama3.1", "library_name: gguf", "pipeline_tag: text-generation",
         "base_model: meta-llama/Llama-3.1-8B-Instruct", "base_model_relation: quantized", "quantized_by: bartowski"],
        "llama.cpp imatrix quantizations of Llama-3.1-8B-Instruct (Q4_K_M, Q5_K_M, Q8_0).", {}, []),
    "mistralai/Mistral-7B-v0.3": (
        ["license: apache-2.0", "library_name: transformers", "pipeline_tag: text-generation"],
        "Mistral 7B v0.3 base model (extended 32768-token vocabulary).", {}, []),
    "mistralai/Mistral-7B-Instruct-v0.3": (
        ["license: apache-2.0", "library_name: transformers", "pipeline_tag: text-generation",
         "base_model: mistralai/Mistral-7B-v0.3", "base_model_relation: finetune"],
        "Instruction-tuned Mistral 7B v0.3.", {}, []),
    "bartowski/Mistral-7B-Instruct-v0.3-GGUF": (
        ["license: apache-2.0", "library_name: gguf", "base_model: mistralai/Mistral-7B-Instruct-v0.3",
         "base_model_relation: quantized", "quantized_by: bartowski"],
        "GGUF quantizations of Mistral-7B-Instruct-v0.3.", {}, []),
    "Qwen/Qwen2.5-Coder-7B-Instruct": (
        ["license: apache-2.0", "library_name: transformers", "pipeline_tag: text-generation",
         "base_model: Qwen/Qwen2.5-Coder-7B", "base_model_relation: finetune", "tags:", "- code", "- qwen"],
        "Code-specialised Qwen 2.5 7B, instruction-tuned.", {}, []),
    "BAAI/bge-small-en-v1.5": (
        ["license: mit", "library_name: sentence-transformers", "pipeline_tag: feature-extraction",
         "tags:", "- sentence-transformers", "- embeddings"],
        "Small English embedding model.", {}, []),
    "ProsusAI/finbert": (
        ["license: apache-2.0", "library_name: transformers", "pipeline_tag: text-classification",
         "language:", "- en", "tags:", "- financial-sentiment-analysis"],
        "BERT further trained on financial text for sentiment classification.", {}, []),
    # ---- Acme Bank's own models
    "acme-bank/cx-llama-3.1-8b-ft": (
        ["license: llama3.1", "library_name: transformers", "pipeline_tag: text-generation",
         "base_model: meta-llama/Llama-3.1-8B-Instruct", "base_model_relation: finetune",
         "datasets:", "- acme-bank/cx-transcripts-2025",
         "model-index:", "- name: cx-llama-3.1-8b-ft", "  results:", "  - task:", "      type: text-generation",
         "    dataset:", "      type: acme-bank/cx-eval-2025", "      name: CX eval 2025", "      split: test",
         "    metrics:", "    - type: rougeL", "      value: 0.412"],
        "Customer-experience fine-tune: account-activity summaries and replies in Acme Bank's tone.", {}, []),
    "acme-bank/cx-llama-3.1-8b-compliance-lora": (
        ["license: llama3.1", "library_name: peft", "base_model: acme-bank/cx-llama-3.1-8b-ft",
         "base_model_relation: adapter", "datasets:", "- acme-bank/compliance-reports-2024", "tags:", "- lora"],
        "LoRA adapter (r=16) that writes regulatory compliance reports on top of the CX fine-tune.",
        {"adapter_config.json": json.dumps({"base_model_name_or_path": "acme-bank/cx-llama-3.1-8b-ft",
                                            "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": 16, "lora_alpha": 32,
                                            "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"]}, indent=2) + "\n"}, []),
    "acme-bank/cx-llama-3.1-8b-compliance-Q4_K_M-GGUF": (
        ["license: llama3.1", "library_name: gguf", "base_model: acme-bank/cx-llama-3.1-8b-compliance-lora",
         "base_model_relation: quantized", "quantized_by: acme-ml-platform", "tags:", "- gguf", "- q4_k_m"],
        "The compliance adapter merged into its base and quantized to Q4_K_M for CPU serving.", {}, []),
    "acme-bank/docparse-llama-3.1-8b": (
        ["license: llama3.1", "library_name: transformers", "base_model: meta-llama/Llama-3.1-8B",
         "base_model_relation: finetune", "datasets:", "- acme-bank/loan-docs-2025"],
        "Document-extraction fine-tune (loan files, KYC documents) of the Llama 3.1 8B base.", {}, []),
    "acme-bank/docparse-hermes-merge-8b": (
        ["license: llama3.1", "library_name: transformers", "base_model:", "- acme-bank/docparse-llama-3.1-8b",
         "- NousResearch/Hermes-3-Llama-3.1-8B", "tags:", "- mergekit", "- merge"],
        "A SLERP merge of the document parser with Hermes 3 (a list of base models: a merge).",
        {"mergekit_config.yml": "merge_method: slerp\nbase_model: acme-bank/docparse-llama-3.1-8b\nmodels:\n"
                                "  - model: acme-bank/docparse-llama-3.1-8b\n  - model: NousResearch/Hermes-3-Llama-3.1-8B\n"
                                "parameters:\n  t: 0.4\ndtype: bfloat16\n"}, []),
    "acme-bank/triage-mistral-7b-ft": (
        ["license: apache-2.0", "library_name: transformers", "base_model: mistralai/Mistral-7B-Instruct-v0.3",
         "base_model_relation: finetune", "datasets:", "- acme-bank/tickets-2025",
         "model-index:", "- name: triage-mistral-7b-ft", "  results:",
         "  - task:", "      type: text-classification", "    dataset:", "      type: acme-bank/cx-synthetic-dialogues",
         "      name: synthetic dialogues (held out)", "      split: test", "    metrics:", "    - type: accuracy",
         "      value: 0.884",
         "  - task:", "      type: text-classification", "    dataset:", "      type: acme-bank/cx-eval-2025",
         "      name: CX eval 2025", "      split: test", "    metrics:", "    - type: accuracy", "      value: 0.861"],
        "Ticket triage classifier. Only EVALUATED on the Llama-generated synthetic dialogues.", {}, []),
    "acme-bank/complaints-mistral-7b-ft": (
        ["license: apache-2.0", "library_name: transformers", "base_model: mistralai/Mistral-7B-Instruct-v0.3",
         "base_model_relation: finetune", "datasets:", "- acme-bank/cx-synthetic-dialogues", "- acme-bank/tickets-2025"],
        "Complaint classifier TRAINED on the Llama-generated synthetic dialogues.", {}, []),
    "acme-bank/fraud-scorer": (
        ["license: other", "license_name: acme-internal", "library_name: safetensors", "pipeline_tag: tabular-classification",
         "datasets:", "- acme-bank/card-transactions-2025"],
        "Card-fraud MLP (24 features). Same model as examples/bundles/fraud-scorer.tar.gz.", {}, []),
    "acme-bank/code-review-qwen-lora": (
        ["license: apache-2.0", "library_name: peft", "base_model: Qwen/Qwen2.5-Coder-7B-Instruct",
         "base_model_relation: adapter"],
        "LoRA adapter for reviewing Acme's Java and Python services.",
        {"adapter_config.json": json.dumps({"base_model_name_or_path": "Qwen/Qwen2.5-Coder-7B-Instruct",
                                            "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": 8, "lora_alpha": 16}, indent=2) + "\n"}, []),
}

DATASETS = {
    "acme-bank/cx-transcripts-2025": ([], "Redacted chat transcripts from the CX channel, 2025."),
    "acme-bank/compliance-reports-2024": ([], "Approved compliance reports, 2024."),
    "acme-bank/tickets-2025": ([], "Support tickets with their triage labels, 2025."),
    "acme-bank/cx-synthetic-dialogues": (["acme-bank/tickets-2025"],
                                         "Synthetic customer dialogues GENERATED with Llama-3.1-8B-Instruct "
                                         "(see data/cx-synthetic-dialogues/stemma.yaml)."),
    "acme-bank/cx-eval-2025": ([], "Held-out CX evaluation set. Used only in model-index results."),
    "acme-bank/loan-docs-2025": ([], "Annotated loan application documents."),
    "acme-bank/card-transactions-2025": ([], "Labelled card transactions (features only)."),
}


def write_hub():
    for repo, (front, body, extra, old_tags) in MODELS.items():
        org, name = repo.split("/")
        base = f"hub/models--{org}--{name}"
        revs = [rev(repo, t) for t in old_tags] + [rev(repo)]
        for r in revs:
            write(f"{base}/snapshots/{r}/README.md", "---\n" + "\n".join(front) + "\n---\n\n# " + name + "\n\n" + body + "\n")
            for fname, text in extra.items():
                write(f"{base}/snapshots/{r}/{fname}", text)
        write(f"{base}/refs/main", revs[-1])
    for repo, (sources, body) in DATASETS.items():
        org, name = repo.split("/")
        base = f"hub/datasets--{org}--{name}"
        r = rev(repo)
        front = ["pretty_name: " + name, "license: other", "license_name: acme-internal", "language:", "- en"]
        if sources:
            front += ["source_datasets:"] + [f"- {s}" for s in sources]
        write(f"{base}/snapshots/{r}/README.md", "---\n" + "\n".join(front) + "\n---\n\n# " + name + "\n\n" + body + "\n")
        write(f"{base}/refs/main", r)


def hf(repo, pin=False):
    return f"pkg:huggingface/{repo}" + (f"@{rev(repo)}" if pin else "")


# ---------------------------------------------------------------------------------------------------- agents
LLAMA_OLD = "pkg:huggingface/meta-llama/Llama-3.1-8B@" + rev("meta-llama/Llama-3.1-8B", "2024-07")
CX = "acme-bank/cx-llama-3.1-8b-ft"
MISTRAL = "mistralai/Mistral-7B-Instruct-v0.3"
LC_OLD, LC_NEW = "pkg:pypi/langchain@0.0.130", "pkg:pypi/langchain@0.3.7"
BASE_PKGS = ["pkg:pypi/openai@1.51.2", "pkg:pypi/pydantic@2.9.2", "pkg:pypi/httpx@0.27.2"]

# name, account, owner, stage, version, description, models, tools, sub-agents, corpora, extra packages
AGENTS = [
    # ---- aws-prod-cx: customer-facing
    ("cx-account-summary", "aws-prod-cx", "cx-platform", "production", "1.4.0",
     "Summarises account activity for the mobile app", [hf(CX, True)], ["crm-lookup", "ledger-api"], [],
     [], [LC_NEW]),
    ("cx-account-summary-es", "aws-prod-cx", "cx-platform", "production", "1.1.2",
     "Spanish-language account summaries", [hf(CX)], ["crm-lookup", "ledger-api"], [], [], [LC_NEW]),
    ("cx-ticket-triage", "aws-prod-cx", "cx-support", "production", "3.0.1",
     "Routes incoming support tickets to queues", [hf("acme-bank/triage-mistral-7b-ft", True)],
     ["zendesk", "crm-lookup"], [], [], ["pkg:pypi/langchain@0.0.131"]),
    ("cx-ticket-router", "aws-prod-cx", "cx-support", "production", "2.2.0",
     "Assigns triaged tickets to agents on shift", [hf("bartowski/Mistral-7B-Instruct-v0.3-GGUF")],
     ["zendesk", "workforce-roster"], [], [], ["pkg:pypi/llama-cpp-python@0.3.1"]),
    ("cx-compliance-report-writer", "aws-prod-cx", "cx-compliance", "production", "2.0.1",
     "Drafts the monthly conduct-risk compliance report",
     [hf("acme-bank/cx-llama-3.1-8b-compliance-Q4_K_M-GGUF", True)], ["doc-store", "pdf-render"], [], [],
     ["pkg:pypi/llama-cpp-python@0.3.1"]),
    ("cx-dispute-assistant", "aws-prod-cx", "cx-disputes", "production", "1.8.0",
     "Helps customers dispute card transactions; delegates the regulatory letter", [hf(MISTRAL, True)],
     ["ledger-api", "card-controls"], ["cx-compliance-report-writer"], [], [LC_NEW]),
    ("cx-faq-bot", "aws-prod-cx", "cx-platform", "production", "4.1.0",
     "Answers product questions from the knowledge base", [hf(MISTRAL)], ["web-search"], [],
     ["corpus:kb-articles@2026-10"], ["pkg:pypi/llama-index@0.11.20"]),
    ("cx-card-controls", "aws-prod-cx", "cx-cards", "production", "1.0.3",
     "Freezes and unfreezes cards on request", [hf("ProsusAI/finbert"), hf(MISTRAL)], ["card-controls"], [], [], []),
    ("cx-statement-explainer", "aws-prod-cx", "cx-platform", "production", "0.9.0",
     "Explains line items on PDF statements", [hf("acme-bank/docparse-hermes-merge-8b", True)],
     ["doc-store", "ledger-api"], [], [], [LC_NEW]),
    ("cx-onboarding-kyc", "aws-prod-cx", "cx-onboarding", "production", "2.4.1",
     "Guides new customers through KYC", [hf("ProsusAI/finbert", True), hf(MISTRAL)],
     ["kyc-check", "sanctions-screen"], [], ["corpus:hr-policies@2026-09"], []),
    ("cx-voice-summary", "aws-prod-cx", "cx-voice", "production", "1.2.0",
     "Summarises call-centre calls for the CRM", [hf(CX, True)], ["crm-lookup", "speech-to-text"], [], [], [LC_OLD]),
    ("cx-complaints-classifier", "aws-prod-cx", "cx-support", "production", "1.3.0",
     "Classifies complaints for the regulator's complaint return", [hf("acme-bank/complaints-mistral-7b-ft", True)],
     ["zendesk"], [], [], []),
    # ---- aws-prod-internal
    ("code-review-bot", "aws-prod-internal", "dev-productivity", "production", "5.2.0",
     "Reviews pull requests in the internal GitHub", [hf("acme-bank/code-review-qwen-lora", True)],
     ["github"], ["code-review-summarizer"], [], []),   # + requirements.txt beside it
    ("code-review-summarizer", "aws-prod-internal", "dev-productivity", "production", "1.0.0",
     "Writes the weekly review digest", [hf("Qwen/Qwen2.5-Coder-7B-Instruct")], ["github", "slack"], [], [], [LC_NEW]),
    ("doc-extract", "aws-prod-internal", "lending-ops", "production", "3.3.0",
     "Extracts fields from loan applications", [hf("acme-bank/docparse-llama-3.1-8b", True)],
     ["doc-store", "doc-ocr"], [], [], ["pkg:pypi/transformers@4.44.2", "pkg:pypi/torch@2.5.1+cu121"]),
    ("doc-extract-tables", "aws-prod-internal", "lending-ops", "testing", "0.4.0",
     "Extracts tables from scanned statements", [hf("acme-bank/docparse-hermes-merge-8b")],
     ["doc-store", "doc-ocr"], [], [], ["pkg:pypi/torch@2.5.1+cu121"]),
    ("fraud-score", "aws-prod-internal", "fraud-analytics", "production", "7.0.2",
     "Scores card transactions in real time", [hf("acme-bank/fraud-scorer", True)], ["feature-store"], [], [],
     ["pkg:pypi/onnxruntime@1.19.2"]),
    ("fraud-explainer", "aws-prod-internal", "fraud-analytics", "production", "1.5.0",
     "Explains fraud scores to analysts", [hf(MISTRAL)], ["feature-store"], ["fraud-score"], [], [LC_NEW]),
    ("fraud-case-writer", "aws-prod-internal", "fraud-ops", "production", "2.1.0",
     "Assembles fraud case files for investigators", [hf("bartowski/Mistral-7B-Instruct-v0.3-GGUF")],
     ["case-mgmt"], ["fraud-explainer", "doc-extract"], [], []),
    ("aml-alert-triage", "aws-prod-internal", "financial-crime", "production", "2.0.0",
     "Prioritises anti-money-laundering alerts", [hf("acme-bank/fraud-scorer"), hf(MISTRAL)],
     ["case-mgmt", "sanctions-screen"], [], [], []),
    ("hr-policy-qa", "aws-prod-internal", "people-tech", "production", "1.1.0",
     "Answers staff questions on HR policy", [hf(MISTRAL)], ["slack"], [], ["corpus:hr-policies@2026-09"],
     ["pkg:pypi/llama-index@0.11.20"]),
    ("it-helpdesk", "aws-prod-internal", "it-service", "production", "3.1.4",
     "First-line IT support on Slack", [hf("bartowski/Llama-3.1-8B-Instruct-GGUF", True)], ["servicenow", "slack"],
     [], [], ["pkg:pypi/llama-cpp-python@0.3.1"]),
    ("contract-clause-extractor", "aws-prod-internal", "legal-tech", "testing", "0.7.0",
     "Finds change-of-control and termination clauses", [hf("acme-bank/docparse-llama-3.1-8b", True)],
     ["doc-store"], [], [], [LC_OLD]),
    ("risk-report-drafter", "aws-prod-internal", "enterprise-risk", "production", "1.0.0",
     "Drafts the quarterly operational-risk report", [hf("meta-llama/Llama-3.1-70B-Instruct", True)],
     ["doc-store", "risk-register"], [], [], [LC_NEW]),
    ("vendor-risk-screener", "aws-prod-internal", "third-party-risk", "production", "1.2.0",
     "Screens new suppliers", [hf(MISTRAL)], [], [], [], [LC_NEW]),   # + .mcp.json beside it
    ("data-quality-agent", "aws-prod-internal", "data-platform", "production", "0.9.3",
     "Flags broken pipelines and schema drift", [hf("Qwen/Qwen2.5-Coder-7B-Instruct")], ["snowflake", "pagerduty"],
     [], [], []),
    ("treasury-forecast-notes", "aws-prod-internal", "treasury", "testing", "0.3.0",
     "Writes commentary on the liquidity forecast", [hf("meta-llama/Llama-3.1-8B")], ["ledger-api"], [], [], []),
    ("internal-search", "aws-prod-internal", "knowledge-mgmt", "production", "2.0.0",
     "Intranet search with answers", [hf("Qwen/Qwen2.5-Coder-7B-Instruct")], ["confluence"], [],
     ["corpus:kb-articles@2026-10"], []),
    # ---- gcp-sandbox: nobody formally owns these (owner missing)
    ("sandbox-llama-playground", "gcp-sandbox", None, "development", None,
     "Notebook playground pinned to an old Llama snapshot", [LLAMA_OLD], ["web-search"], [], [], [LC_OLD]),
    ("sandbox-mistral-rag", "gcp-sandbox", None, "development", None,
     "RAG experiment over HR policies", [hf(MISTRAL)], [], [], ["corpus:hr-policies@2026-09"], []),
    ("sandbox-qwen-coder", "gcp-sandbox", None, "development", None,
     "Code-generation experiment", [hf("Qwen/Qwen2.5-Coder-7B-Instruct")], ["github"], [], [], []),
    ("sandbox-eval-harness", "gcp-sandbox", None, "development", None,
     "Runs the triage model against held-out sets", [hf("acme-bank/triage-mistral-7b-ft")], [], [], [], []),
    ("sandbox-merge-test", "gcp-sandbox", None, "development", None,
     "Tries the docparse merge on statements", [hf("acme-bank/docparse-hermes-merge-8b")], [], [], [], []),
    ("sandbox-gguf-bench", "gcp-sandbox", None, "development", None,
     "Benchmarks GGUF quantizations on CPU", [hf("bartowski/Mistral-7B-Instruct-v0.3-GGUF")], [], [], [],
     ["pkg:pypi/llama-cpp-python@0.3.1"]),
    ("sandbox-finbert-sentiment", "gcp-sandbox", None, "development", None,
     "Sentiment on earnings-call transcripts", [hf("ProsusAI/finbert")], [], [], [], ["pkg:pypi/torch@1.13.0"]),
    ("sandbox-lora-trial", "gcp-sandbox", None, "development", None,
     "Tries the compliance LoRA without quantization", [hf("acme-bank/cx-llama-3.1-8b-compliance-lora")], [], [],
     [], ["pkg:pypi/peft@0.13.2"]),
    ("sandbox-notebook-agent", "gcp-sandbox", None, "development", None,
     "Old notebook helper nobody switched off", [hf("bartowski/Mistral-7B-Instruct-v0.3-GGUF")], [], [], [],
     ["pkg:pypi/langchain@0.0.99"]),
    ("sandbox-summarizer-70b", "gcp-sandbox", None, "development", None,
     "Long-document summaries with the 70B", [hf("meta-llama/Llama-3.1-70B-Instruct")], [], [], [], []),
    ("sandbox-cx-clone", "gcp-sandbox", None, "development", None,
     "A copy of cx-account-summary for prompt experiments", [hf(CX)], [], [], [], []),
]

# Agents in CycloneDX BOMs instead of stemma.yaml (same columns).
BOM_AGENTS = [
    ("cx-mortgage-assistant", "aws-prod-cx", "cx-lending", "production", "2.3.0",
     "Answers mortgage-application questions", [hf("bartowski/Mistral-7B-Instruct-v0.3-GGUF", True)],
     ["crm-lookup", "loan-origination"], [], [], [LC_OLD, "pkg:pypi/llama-cpp-python@0.3.1"]),
    ("cx-wealth-brief", "aws-prod-cx", "cx-wealth", "production", "1.0.4",
     "Morning market brief for wealth clients", [hf("meta-llama/Llama-3.1-8B-Instruct", True)],
     ["market-data"], [], [], [LC_NEW, "pkg:pypi/transformers@4.44.2", "pkg:pypi/torch@2.5.1+cu121"]),
]

# Two sandbox agents in one manifest (`components:`), spawning each other: a cycle the query must survive.
SWARM = """stemma: component/v1
components:
  - kind: agent
    name: sandbox-agent-swarm
    account: gcp-sandbox
    stage: development
    description: Multi-agent experiment; hands work to its workers
    models: [pkg:huggingface/mistralai/Mistral-7B-Instruct-v0.3]
    agents: [agent:sandbox-worker, agent:sandbox-llama-playground]
  - kind: agent
    name: sandbox-worker
    account: gcp-sandbox
    stage: development
    description: Worker that calls back into the swarm (the two spawn each other)
    models: [pkg:huggingface/Qwen/Qwen2.5-Coder-7B-Instruct]
    agents: [agent:sandbox-agent-swarm]
"""


def flow(items):
    return "[" + ", ".join(items) + "]"


def manifest(a):
    name, account, owner, stage, version, desc, models, tools, subs, corpora, pkgs = a
    lines = ["stemma: component/v1", "kind: agent", f"name: {name}"]
    if version:
        lines.append(f"version: {version}")
    if owner:
        lines.append(f"owner: {owner}")
    lines += [f"stage: {stage}", f"account: {account}", f"description: {desc}"]
    lines.append(f"models: {flow(models)}")
    if tools:
        lines.append(f"tools: {flow('tool:' + t for t in tools)}")
    if subs:
        lines.append(f"agents: {flow('agent:' + s for s in subs)}")
    if corpora:
        lines.append(f"corpora: {flow(corpora)}")
    packages = BASE_PKGS + pkgs
    lines.append(f"packages: {flow(packages)}")
    return "\n".join(lines) + "\n"


def bom(a):
    name, account, owner, stage, version, desc, models, tools, subs, corpora, pkgs = a
    comps, deps = [], []
    for i, m in enumerate(models):
        body = m[len("pkg:huggingface/"):]
        repo, _, r = body.partition("@")
        c = {"type": "machine-learning-model", "bom-ref": f"model-{i}", "group": repo.split("/")[0],
             "name": repo.split("/")[1], "purl": m}
        if r:
            c["version"] = r
        comps.append(c)
    for i, p in enumerate(BASE_PKGS + pkgs):
        pname, _, ver = p[len("pkg:pypi/"):].partition("@")
        comps.append({"type": "library", "bom-ref": f"pkg-{i}", "name": pname, "version": ver, "purl": p})
    services = [{"bom-ref": f"tool-{i}", "name": t, "endpoints": [f"https://{t}.acme-bank.internal/mcp"]}
                for i, t in enumerate(tools)]
    refs = [c["bom-ref"] for c in comps] + [s["bom-ref"] for s in services]
    deps = [{"ref": "agent", "dependsOn": refs}] + [{"ref": r, "dependsOn": []} for r in refs]
    return json.dumps({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json", "bomFormat": "CycloneDX",
        "specVersion": "1.6", "serialNumber": "urn:uuid:" + rev(name)[:8] + "-" + rev(name)[8:12] + "-4" +
        rev(name)[13:16] + "-8" + rev(name)[17:20] + "-" + rev(name)[20:32], "version": 1,
        "metadata": {"timestamp": "2026-10-01T09:00:00Z",
                     "component": {"type": "application", "bom-ref": "agent", "name": name, "version": version,
                                   "description": desc,
                                   "properties": [{"name": "stemma:owner", "value": owner},
                                                  {"name": "stemma:stage", "value": stage},
                                                  {"name": "stemma:account", "value": account}]}},
        "components": comps, "services": services, "dependencies": deps}, indent=2) + "\n"


REQUIREMENTS = """# Locked with pip-compile --generate-hashes (trimmed). Hashes are the real PyPI wheel digests.
langchain==0.0.131 \\
    --hash=sha256:3564a759e85095c9d71a78817da9cec1e2a8a0cda1bdd94ef8ac7008e432717a
requests==2.32.3 \\
    --hash=sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6 \\
    --hash=sha256:55365417734eb18255590a9ff9eb97e9e1da868d4ccd6402399eaf68af20a760
colorama==0.4.6 \\
    --hash=sha256:4f1d9991f5acc0ca119f9d443620b77f9d6b33703e51011c16baf57afb285fc6 \\
    --hash=sha256:08695f5cb7ed6e0531a20572697297273c47b8cae5a63ffc6d6ed5c201be6e44
"""

MCP = {"mcpServers": {
    "sanctions-screen": {"type": "http", "url": "https://sanctions.acme-bank.internal/mcp",
                         "headers": {"Authorization": "Bearer ${SANCTIONS_TOKEN}"}},
    "companies-house": {"type": "stdio", "command": "uvx", "args": ["companies-house-mcp==0.4.1"]},
    "web-fetch": {"type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-fetch@0.6.2"]},
}}

CORPORA = {
    "kb-articles": """stemma: component/v1
kind: corpus
name: kb-articles
version: "2026-10"
owner: knowledge-mgmt
description: Help-centre articles, chunked and embedded with an LLM2Vec-style encoder built on Llama-3.1-8B
embeddings: [pkg:huggingface/meta-llama/Llama-3.1-8B]
source: s3://acme-kb/articles/2026-10/
""",
    "hr-policies": """stemma: component/v1
kind: corpus
name: hr-policies
version: "2026-09"
owner: people-tech
description: HR policy handbook, embedded with bge-small
embeddings: [pkg:huggingface/BAAI/bge-small-en-v1.5]
source: s3://acme-hr/policies/2026-09/
""",
}

SYNTHETIC = """stemma: component/v1
kind: dataset
purl: pkg:huggingface/datasets/acme-bank/cx-synthetic-dialogues
owner: cx-data
description: >-
  Synthetic customer dialogues generated by prompting Llama-3.1-8B-Instruct with redacted tickets.
  Models trained on it inherit its risk; models only evaluated on it do not.
dependsOn:
  - ref: pkg:huggingface/meta-llama/Llama-3.1-8B-Instruct
    relation: derived-from
  - ref: pkg:huggingface/datasets/acme-bank/tickets-2025
    relation: derived-from
"""


def main():
    for d in ("hub", "agents", "boms", "corpora", "data"):
        shutil.rmtree(os.path.join(HERE, d), ignore_errors=True)
    write_hub()
    for a in AGENTS:
        write(f"agents/{a[1]}/{a[0]}/stemma.yaml", manifest(a))
    write("agents/aws-prod-internal/code-review-bot/requirements.txt", REQUIREMENTS)
    write("agents/aws-prod-internal/vendor-risk-screener/.mcp.json", json.dumps(MCP, indent=2) + "\n")
    write("agents/gcp-sandbox/sandbox-swarm/stemma.yaml", SWARM)
    for a in BOM_AGENTS:
        write(f"boms/{a[0]}.cdx.json", bom(a))
    for name, text in CORPORA.items():
        write(f"corpora/{name}/stemma.yaml", text)
    write("data/cx-synthetic-dialogues/stemma.yaml", SYNTHETIC)
    print(f"{len(AGENTS) + len(BOM_AGENTS) + 2} agents, {len(MODELS)} models, {len(DATASETS)} datasets")


if __name__ == "__main__":
    main()
