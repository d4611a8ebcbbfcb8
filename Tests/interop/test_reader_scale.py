"""Every inventory reader is linear (issue 11): each reads an input of 10^5 to 10^6 items.

A quadratic reader at these sizes runs for hours (150,000 YAML items took minutes, 200,000 duplicated OMS
digests 32 s), so each test bounds the CPU time of one `stemma graph` run generously (the project's tests never
time wall clocks: CPU time of the child is what the test can trust on a shared machine) and checks that what was
read is right. `READER_SCALE_CPU_SECONDS` widens the bound for a debug build on a slow machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource

import pytest

from support import build_bundle, make_key, statement, stemma as run, stemma_bin

pytestmark = pytest.mark.skipif(not stemma_bin(), reason="set STEMMA to the built binary")

# 150 CPU-s: the million-model manifest takes ~55 CPU-s in a debug build on a quiet machine (a million nodes and
# edges, then a JSON document of them), more when pytest-xdist runs other tests on the same cores; a quadratic
# reader at these sizes would take hours, so the bound still tells linear from quadratic.
CPU_BOUND = float(os.environ.get("READER_SCALE_CPU_SECONDS", "150"))
MILLION = 1_000_000


def digest(index: int, salt: str = "") -> str:
    return hashlib.sha256(f"{salt}{index}".encode()).hexdigest()


def graph(folder):
    """The graph of `folder`, asserting that reading it stayed inside the CPU bound."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run("graph", "--inventory", folder, "--format", "json", timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert result.rc == 0, result.describe()
    assert cpu < CPU_BOUND, f"{cpu:.1f} CPU-seconds for {folder}"
    return json.loads(result.stdout)


def edges(document, relation):
    return [edge for edge in document["edges"] if edge["relation"] == relation]


def test_stemma_manifest_with_a_million_item_list(tmp_path):
    lines = ["stemma: component/v1", "kind: agent", "name: big", "version: 1.0.0", "models:"]
    lines += [f"  - pkg:huggingface/org/model-{index}" for index in range(MILLION - 100)]  # the YAML bound: 10^6 values
    (tmp_path / "stemma.yaml").write_text("\n".join(lines) + "\n")
    document = graph(tmp_path)
    assert len(edges(document, "uses-model")) == MILLION - 100  # every item: no list is cut short


def test_stemma_manifest_over_the_yaml_bound_is_not_read_and_says_so(tmp_path):
    lines = ["stemma: component/v1", "kind: agent", "name: big", "models:"]
    lines += [f"  - m{index}" for index in range(MILLION)]
    (tmp_path / "stemma.yaml").write_text("\n".join(lines) + "\n")
    result = run("impact", "model:m7", "--inventory", tmp_path, timeout=600)
    assert result.rc == 2, result.describe()
    assert "stemma.yaml" in result.stderr and "1000000" in result.stderr, result.stderr


def test_stemma_manifest_with_100k_artifacts_listed_twice(tmp_path):
    lines = ["stemma: component/v1", "kind: model", "name: m", "artifacts:"]
    lines += [f"  - sha256: {digest(index % 50_000)}" for index in range(100_000)]
    (tmp_path / "stemma.yaml").write_text("\n".join(lines) + "\n")
    document = graph(tmp_path)
    assert len(edges(document, "contains")) == 50_000


def test_model_card_with_200k_tags(tmp_path):
    folder = tmp_path / "card"
    folder.mkdir()
    tags = "".join(f"- t{index % 10}\n" for index in range(200_000))
    (folder / "README.md").write_text(
        f"---\nbase_model: meta-llama/Llama-3.1-8B\ntags:\n{tags}datasets:\n- acme/data\n---\n# card\n")
    assert (folder / "README.md").stat().st_size < 1 << 20  # a card is read up to 1 MiB
    document = graph(tmp_path)
    assert len(edges(document, "fine-tuned-from")) == 1, document["warnings"]
    assert len(edges(document, "trained-on")) == 1


def test_cyclonedx_with_200k_components_and_a_million_dependency_entries(tmp_path):
    count = 200_000
    components = [{"type": "library", "bom-ref": f"c{index}", "name": f"lib{index}", "version": "1.0",
                   "purl": f"pkg:pypi/lib{index}@1.0"} for index in range(count)]
    dependencies = [{"ref": "app", "dependsOn": [f"c{index}" for index in range(count)]}]
    # Each component depends on the next four: a million dependsOn entries in all.
    dependencies += [{"ref": f"c{index}", "dependsOn": [f"c{(index + step) % count}" for step in range(1, 5)]}
                     for index in range(count)]
    bom = {"bomFormat": "CycloneDX", "specVersion": "1.6",
           "metadata": {"component": {"type": "application", "bom-ref": "app", "name": "app", "version": "1"}},
           "components": components, "dependencies": dependencies}
    (tmp_path / "bom.cdx.json").write_text(json.dumps(bom, separators=(",", ":")))
    document = graph(tmp_path)
    assert len(edges(document, "requires-package")) >= 4 * count, len(document["edges"])


def test_requirements_with_250k_lines(tmp_path):
    # Past the old 200,000-package bound (which dropped the rest without a word); 250,000 hashed lines are 24 MB,
    # and 250,000 package nodes keep a debug build inside the CPU bound.
    lines = [f"package-{index}==1.{index % 7} --hash=sha256:{digest(index)}" for index in range(250_000)]
    (tmp_path / "requirements.txt").write_text("\n".join(lines) + "\n")
    (tmp_path / "stemma.yaml").write_text("stemma: component/v1\nkind: agent\nname: a\n")
    document = graph(tmp_path)
    packages = [node for node in document["nodes"] if node["kind"] == "package"]
    assert len(packages) == 250_000, len(packages)  # every line: no lockfile is cut short


def toml_packages(header, count, extra=""):
    return "".join(f'{header}\nname = "pkg-{index}"\nversion = "1.{index % 9}"\n{extra}\n'
                   for index in range(count))


@pytest.mark.parametrize("name,text", [
    ("pylock.toml", 'lock-version = "1.0"\ncreated-by = "test"\n' + toml_packages("[[packages]]", 200_000)),
    ("uv.lock", 'version = 1\nrequires-python = ">=3.10"\n'
     + toml_packages("[[package]]", 200_000, 'source = { registry = "https://pypi.org/simple" }')),
    ("poetry.lock", toml_packages("[[package]]", 200_000, 'python-versions = "*"\noptional = false')
     + '[metadata]\nlock-version = "2.0"\npython-versions = "^3.10"\ncontent-hash = "x"\n'),
])
def test_lockfile_with_200k_packages(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    (tmp_path / "stemma.yaml").write_text("stemma: component/v1\nkind: agent\nname: a\n")
    document = graph(tmp_path)
    packages = [node for node in document["nodes"] if node["kind"] == "package"]
    assert len(packages) >= 200_000, (len(packages), document["warnings"][:3])


def test_a2a_card_with_a_million_skills(tmp_path):
    skills = [{"id": f"s{index}", "name": f"skill {index}"} for index in range(MILLION)]  # 3 JSON values each
    card = {"name": "agent", "url": "https://agent.example", "version": "1.0", "protocolVersion": "0.3.0",
            "skills": skills}
    (tmp_path / "agent-card.json").write_text(json.dumps(card, separators=(",", ":")))
    document = graph(tmp_path)
    assert [node["kind"] for node in document["nodes"]].count("agent") == 1, document["warnings"][:3]


def test_mcp_config_with_200k_servers(tmp_path):
    servers = {f"srv{index}": {"command": "uvx", "args": [f"mcp-server-{index}==1.0"]} for index in range(200_000)}
    (tmp_path / "mcp.json").write_text(json.dumps({"mcpServers": servers}, separators=(",", ":")))
    (tmp_path / "stemma.yaml").write_text("stemma: component/v1\nkind: agent\nname: a\n")
    document = graph(tmp_path)
    assert len(edges(document, "uses-tool")) >= 1, document["warnings"][:3]


def test_croissant_with_200k_file_objects_listed_twice(tmp_path):
    files = [{"@type": "cr:FileObject", "@id": f"f{index}", "name": f"f{index}",
              "sha256": digest(index % 200_000)} for index in range(400_000)]
    document = {"@context": {"@vocab": "https://schema.org/", "cr": "http://mlcommons.org/croissant/"},
                "@type": "sc:Dataset", "name": "big", "conformsTo": "http://mlcommons.org/croissant/1.0",
                "distribution": files}
    (tmp_path / "croissant.json").write_text(json.dumps(document, separators=(",", ":")))
    result = graph(tmp_path)
    assert len(edges(result, "contains")) == 200_000


def test_oms_signature_with_200k_digests_listed_twice(tmp_path):
    resources = [{"name": f"p{index}", "algorithm": "sha256", "digest": digest(index % 200_000)}
                 for index in range(400_000)]
    key = make_key(tmp_path)
    payload = json.dumps(statement(resources, name="big-model", root="0" * 64), separators=(",", ":"))
    bundle = build_bundle(payload, key)
    (tmp_path / "model.sig").write_text(json.dumps(bundle, separators=(",", ":")))
    document = graph(tmp_path)
    assert len(edges(document, "contains")) == 200_000, document["warnings"][:3]


def big_bom(count, *, metadata_last=False):
    components = [{"type": "library", "bom-ref": f"pkg:pypi/library-number-{index}@1.0.{index % 97}",
                   "name": f"library-number-{index}", "version": f"1.0.{index % 97}",
                   "purl": f"pkg:pypi/library-number-{index}@1.0.{index % 97}",
                   "description": "a library that the application depends on, with a longer description",
                   "hashes": [{"alg": "SHA-256", "content": digest(index)}]} for index in range(count)]
    metadata = {"component": {"type": "application", "bom-ref": "app", "name": "app", "version": "1"}}
    bom = {"bomFormat": "CycloneDX", "specVersion": "1.6"}
    if not metadata_last:
        bom["metadata"] = metadata
    bom["components"] = components
    bom["dependencies"] = [{"ref": "app", "dependsOn": [component["bom-ref"] for component in components]}]
    if metadata_last:
        bom["metadata"] = metadata
    return bom


def test_a_57_megabyte_cyclonedx_bom_is_read_without_a_tree_several_times_its_size(tmp_path):
    """Issue 11: a 57 MB BOM took 490 MB of memory. Now components are read one at a time."""
    path = tmp_path / "bom.cdx.json"
    path.write_text(json.dumps(big_bom(170_000), separators=(",", ":")))
    size = path.stat().st_size
    assert 50 << 20 < size < 64 << 20, size
    result = run("impact", "pkg:pypi/library-number-7", "--inventory", tmp_path, "--format", "json",
                 timeout=600, measure_rss=True)
    assert result.rc == 0, result.describe()
    assert "library-number-7" in result.stdout
    # 170,000 components make a graph of their own (about 6x the file in a debug build, close to what a whole
    # tree costs), so memory is judged below on a BOM whose bulk is in the components' text instead.
    document = graph(tmp_path)
    assert len(edges(document, "requires-package")) == 170_000
    assert len(edges(document, "contains")) == 170_000


def test_cyclonedx_with_metadata_after_components_reads_the_same(tmp_path):
    first, last = tmp_path / "first", tmp_path / "last"
    for folder, metadata_last in ((first, False), (last, True)):
        folder.mkdir()
        (folder / "bom.cdx.json").write_text(json.dumps(big_bom(1000, metadata_last=metadata_last)))
    one, other = graph(first), graph(last)
    assert len(one["edges"]) == 2000
    assert one["nodes"] == [dict(node, sources=[str(first / "bom.cdx.json")] * len(node["sources"]))
                            for node in other["nodes"]] or \
        [node["ref"] for node in one["nodes"]] == [node["ref"] for node in other["nodes"]]
    assert [(e["from"], e["to"], e["relation"]) for e in one["edges"]] == \
        [(e["from"], e["to"], e["relation"]) for e in other["edges"]]


def test_progress_is_shown_on_a_terminal_for_a_long_walk_and_never_on_a_pipe(tmp_path):
    """Files read, recognised and warnings on stderr, only on a TTY, only after a second."""
    import shutil
    import subprocess
    import time

    script = shutil.which("script")
    assert script, "util-linux script(1) gives the command a terminal"
    (tmp_path / "bom.cdx.json").write_text(json.dumps(big_bom(170_000), separators=(",", ":")))
    log = tmp_path / "tty.log"
    command = f"{stemma_bin()} impact pkg:pypi/library-number-7 --inventory {tmp_path} --format json > /dev/null"
    started = time.monotonic()
    subprocess.run([script, "-qec", command, str(log)], check=True, stdout=subprocess.DEVNULL, timeout=600)
    elapsed = time.monotonic() - started
    shown = log.read_text(errors="replace")
    if elapsed > 3:  # a walk longer than a second must have shown the line (a fast machine may finish first)
        assert "reading the inventory: " in shown and "files read" in shown and "recognised" in shown, shown[:500]
    piped = run("impact", "pkg:pypi/library-number-7", "--inventory", tmp_path, "--format", "json", timeout=600)
    assert piped.rc == 0 and "reading the inventory" not in piped.stderr, piped.describe()


def test_a_bom_of_many_small_values_is_not_held_as_a_tree(tmp_path):
    """Issue 11: the document's tree must never be held whole. 20,000 components with 100 small properties each
    (2 million JSON objects, ~60 MB): the reader before issue 11 held them all as one tree, measured at 9.4x the
    file (release build, 622 MB); reading one component at a time, 4.2x in a debug build (278 MB)."""
    bom = big_bom(20_000)
    for component in bom["components"]:
        component["description"] = "d"
        component["properties"] = [{"name": f"p{index}", "value": "v"} for index in range(100)]
    path = tmp_path / "bom.cdx.json"
    path.write_text(json.dumps(bom, separators=(",", ":")))
    size = path.stat().st_size
    assert 50 << 20 < size < 64 << 20, size
    result = run("impact", "pkg:pypi/library-number-7", "--inventory", tmp_path, "--format", "json",
                 timeout=600, measure_rss=True)
    assert result.rc == 0, result.describe()
    assert "library-number-7" in result.stdout
    assert result.max_rss_kib * 1024 < 6 * size, (result.max_rss_kib, size)
