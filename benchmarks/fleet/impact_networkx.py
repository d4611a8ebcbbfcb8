#!/usr/bin/env python3
"""Which agents are affected by a component? The script a user would write without Stemma.

    python impact_networkx.py FLEET QUERY [--paths]

Reads every Hugging Face card (hub-cache layout), CycloneDX BOM (*.cdx.json) and stemma.yaml manifest under
FLEET, builds a networkx DiGraph (edges point from the dependent to the dependency), and answers: which agents
reach QUERY over any relation except evaluated-on. QUERY is a purl with or without version
(pkg:huggingface/ORG/NAME, pkg:pypi/langchain@0.0.130), KIND:NAME[@VERSION], or sha256:HEX; a ref without a
version flags every version. Prints {"query", "flagged", "affected": [sorted agent refs]} (and "paths").
Needs PyYAML and networkx.
"""
import json, os, re, sys
from urllib.parse import unquote

import networkx as nx
import yaml

# libyaml's loader, as a user who cares about speed writes it (issue 11); the pure-Python one only without libyaml.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

HF_RELATIONS = {"finetune": "fine-tuned-from", "adapter": "adapter-of", "quantized": "quantized-from", "merge": "merged-from"}
KINDS = ("model", "dataset", "corpus", "package", "tool", "agent")


def split_version(text):
    at = text.rfind("@")
    return (text, None) if at <= 0 else (text[:at], text[at + 1:] or None)


def make_ref(kind, name, version=None, eco=None):
    """The canonical text of a node, as Stemma prints it."""
    if eco == "pypi":
        name = re.sub(r"[-_.]+", "-", name.lower())
    v = f"@{version}" if version else ""
    if eco == "huggingface":
        return f"pkg:huggingface/{'datasets/' if kind == 'dataset' else ''}{name}{v}"
    return f"pkg:{eco}/{name}{v}" if eco else f"{kind}:{name}{v}"


def parse_ref(text):
    """-> (kind, ref) for a purl, KIND:NAME[@VERSION] or sha256:HEX."""
    text = str(text).strip()
    if text.startswith("sha256:"):
        return "artifact", text.lower()
    if text.startswith("pkg:"):
        body = text[4:].split("#")[0].split("?")[0]
        eco, _, path = body.partition("/")
        name, version = split_version(path)
        eco, name, version = eco.lower(), unquote(name), version and unquote(version)
        if eco == "huggingface":
            kind = "dataset" if name.startswith("datasets/") else "model"
            return kind, make_ref(kind, name[9:] if kind == "dataset" else name, version, eco)
        return "package", make_ref("package", name, version, eco)
    kind, _, rest = text.partition(":")
    if kind in KINDS and rest:
        return kind, make_ref(kind, *split_version(rest))
    raise ValueError(f"not a reference: {text!r}")


class Inventory:
    def __init__(self):
        self.g = nx.DiGraph()
        self.agents = set()  # agents some document declares

    def node(self, kind, ref, **props):
        self.g.add_node(ref, kind=kind, **props)
        return ref

    def edge(self, src, dst, relation):
        # one edge per pair: a propagating relation wins over evaluated-on (trained AND evaluated on a dataset)
        if not self.g.has_edge(src, dst) or self.g[src][dst]["relation"] == "evaluated-on":
            self.g.add_edge(src, dst, relation=relation)

    def ref_node(self, text):
        kind, ref = parse_ref(text)
        return self.node(kind, ref)

    # ---- Hugging Face hub cache: models--ORG--NAME/snapshots/REV/README.md
    def card(self, path, repo_dir, rev):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if not text.startswith("---"):
            return
        meta = yaml.load(text.split("---", 2)[1], Loader=LOADER) or {}
        if not isinstance(meta, dict):
            return
        prefix, _, rest = repo_dir.partition("--")
        repo = rest.replace("--", "/", 1)
        if prefix == "datasets":
            me = self.node("dataset", make_ref("dataset", repo, rev, "huggingface"))
            for src in as_list(meta.get("source_datasets")):
                if src != "original":
                    self.edge(me, self.node("dataset", make_ref("dataset", src, None, "huggingface")), "derived-from")
            return
        me = self.node("model", make_ref("model", repo, rev, "huggingface"), license=meta.get("license"))
        bases = as_list(meta.get("base_model"))
        rel = HF_RELATIONS.get(meta.get("base_model_relation"), "merged-from" if len(bases) > 1 else "fine-tuned-from")
        for b in bases:
            self.edge(me, self.node("model", make_ref("model", b, None, "huggingface")), rel)
        for d in as_list(meta.get("datasets")):
            self.edge(me, self.node("dataset", make_ref("dataset", d, None, "huggingface")), "trained-on")
        for entry in as_list(meta.get("model-index")):
            for result in as_list(entry.get("results") if isinstance(entry, dict) else None):
                d = (result.get("dataset") or {}).get("type") if isinstance(result, dict) else None
                if d:
                    self.edge(me, self.node("dataset", make_ref("dataset", d, None, "huggingface")), "evaluated-on")

    # ---- CycloneDX BOM: one agent, its components, dependencies[] over bom-refs
    def bom(self, path):
        with open(path, encoding="utf-8") as f:
            bom = json.load(f)
        refs = {}

        def component(c, service=False):
            name, version = c.get("name", ""), c.get("version")
            if c.get("purl"):
                kind, ref = parse_ref(c["purl"])
            elif service or name.startswith("tool:"):
                kind, ref = "tool", make_ref("tool", name.removeprefix("tool:"), None if service else version)
            elif c.get("type") == "application":
                kind, ref = "agent", make_ref("agent", name, version)
            elif c.get("type") == "data":
                kind, ref = "dataset", make_ref("dataset", f"{c['group']}/{name}" if c.get("group") else name, version)
            else:
                kind, ref = "package", make_ref("package", name, version)
            refs[c.get("bom-ref", ref)] = self.node(kind, ref)
            return ref

        meta = (bom.get("metadata") or {}).get("component")
        if meta:
            me = component(meta)
            self.agents.add(me)
            self.g.nodes[me]["kind"] = "agent"
            self.g.nodes[me].update({p["name"].removeprefix("stemma:"): p["value"] for p in meta.get("properties", [])})
        for c in bom.get("components", []):
            component(c)
        for s in bom.get("services", []):
            component(s, service=True)
        for d in bom.get("dependencies", []):
            src = refs.get(d.get("ref"))
            for dst in (refs.get(x) for x in d.get("dependsOn", [])):
                if src and dst:
                    self.edge(src, dst, implied(self.g.nodes[src]["kind"], self.g.nodes[dst]["kind"]))

    # ---- stemma.yaml, plus requirements.txt / .mcp.json beside an agent's manifest
    SHORTCUTS = {"models": "uses-model", "tools": "uses-tool", "agents": "spawns", "corpora": "retrieves-from",
                 "packages": "requires-package", "embeddings": "embeds-with"}

    def manifest(self, path, doc):
        agents = []
        for c in doc.get("components") or [doc]:
            kind = c.get("kind", "agent")
            me = self.ref_node(c["purl"]) if c.get("purl") else self.node(kind, make_ref(kind, c["name"], c.get("version")))
            self.g.nodes[me].update({k: c[k] for k in ("owner", "stage", "account") if k in c})
            for key, rel in self.SHORTCUTS.items():
                for r in as_list(c.get(key)):
                    self.edge(me, self.ref_node(r), rel)
            for r in as_list(c.get("datasets")):
                self.edge(me, self.ref_node(r), "trained-on" if kind == "model" else "retrieves-from")
            for d in as_list(c.get("dependsOn")):
                self.edge(me, self.ref_node(d["ref"]), d.get("relation") or "depends-on")
            if kind == "agent":
                self.agents.add(me)
                agents.append(me)
        return agents

    def attach_folder(self, folder, agent):
        req = os.path.join(folder, "requirements.txt")
        if os.path.exists(req):
            for line in open(req, encoding="utf-8"):
                m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;\\]+)", line)
                if m:
                    self.edge(agent, self.node("package", make_ref("package", m[1], m[2], "pypi")), "requires-package")
        mcp = os.path.join(folder, ".mcp.json")
        if os.path.exists(mcp):
            for name in json.load(open(mcp, encoding="utf-8")).get("mcpServers", {}):
                self.edge(agent, self.node("tool", make_ref("tool", name)), "uses-tool")

    def load(self, root):
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            parts = folder.split(os.sep)
            if len(parts) >= 3 and parts[-2] == "snapshots" and "README.md" in files:
                self.card(os.path.join(folder, "README.md"), parts[-3], parts[-1])
            for f in sorted(files):
                if f.endswith(".cdx.json"):
                    self.bom(os.path.join(folder, f))
                elif f in ("stemma.yaml", "stemma.yml"):
                    doc = yaml.load(open(os.path.join(folder, f), encoding="utf-8"), Loader=LOADER)
                    if isinstance(doc, dict) and str(doc.get("stemma", "")).startswith("component/"):
                        for agent in self.manifest(os.path.join(folder, f), doc)[:1]:
                            self.attach_folder(folder, agent)
        # name-level -> every version in the graph: "any version of X" may be running the bad one
        for n in list(self.g.nodes):
            name, version = split_version(n)
            if version and name in self.g:
                self.edge(name, n, "any-version")


def as_list(value):
    return [] if value is None else value if isinstance(value, list) else [value]


def implied(a, b):
    if a == "model" and b == "model":
        return "fine-tuned-from"
    if a == "model" and b == "dataset":
        return "trained-on"
    return {"model": "uses-model", "package": "requires-package", "tool": "uses-tool", "agent": "spawns",
            "dataset": "retrieves-from", "corpus": "retrieves-from"}.get(b, "depends-on")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    inv = Inventory()
    inv.load(args[0])
    g = inv.g
    kind, q = parse_ref(args[1])
    flagged = [n for n in g if n == q or (split_version(q)[1] is None and split_version(n)[0] == q
                                          and g.nodes[n].get("kind") == kind)]
    # reverse reachability from the flagged nodes, not over evaluated-on
    risky = nx.subgraph_view(g, filter_edge=lambda u, v: g[u][v]["relation"] != "evaluated-on")
    reverse = risky.reverse(copy=False)
    paths = {}
    for f in flagged:
        for n, p in nx.single_source_shortest_path(reverse, f).items():
            if n not in paths or len(p) < len(paths[n]):
                paths[n] = p
    affected = sorted(n for n in paths if n in inv.agents)
    out = {"query": args[1], "flagged": sorted(flagged), "affected": affected}
    if "--paths" in sys.argv:
        out["paths"] = {a: paths[a][::-1] for a in affected}
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
