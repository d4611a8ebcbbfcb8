#!/usr/bin/env python3
"""Builds Sources/StemmaScan/Pickle/PickleResolutionTable.swift: where names resolve when a pickle imports them.

`pickle`'s `find_class(module, name)` imports `module` and walks `name` attribute by attribute, so
`numpy.ma.core` + `np.load` is `numpy.load`, `torch.utils.model_zoo.load_url` is
`torch.hub.load_state_dict_from_url` and `xml.dom.minidom` + `io.open` is `io.open`. Stemma judges a global
by what it resolves to (docs/cli.md, rule 5); this script derives the re-exports and aliases from the real
packages' sources, read with `ast` and never imported:

- the standard library of the running Python (3.11), numpy, setuptools and joblib as installed in the running
  environment (versions pinned below; the script refuses others), and
- torch, keras and scikit-learn from their wheels (`pip download --no-deps` into --wheels; read as zip
  archives, so the platform of the wheel does not matter and nothing is installed).

Every module-level `import a.b as c`, `from x import y as z` (relative ones resolved), `from x import *`
(expanded through `x`'s `__all__` or public names), `name = other` and inherited methods of module-level
classes is a binding `module.name -> target`. The table keeps the bindings that matter to the denylist
(PickleDenylist.swift, parsed from the Swift source): those whose resolution reaches a denylisted path, or
a module or class under which a denylisted path lies. It also lists `definitions`: where each denylist
entry itself resolves to (`numpy.load` is defined as `numpy.lib._npyio_impl.load`), so the definition is
judged the same as its public name.

usage: resolution_table.py --wheels DIR [--check] [--parts stdlib,numpy,...] [--output FILE]
  --check compares what the parts derive with the committed table (exit 1 on any difference): every line
  the parts need must be there, and every committed line whose module belongs to the parts must be a binding
  their sources make.
"""

import argparse
import ast
import importlib.metadata
import importlib.util
import os
import pathlib
import re
import sys
import sysconfig
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
DENYLIST = ROOT / "Sources" / "StemmaScan" / "Pickle" / "PickleDenylist.swift"
OUTPUT = ROOT / "Sources" / "StemmaScan" / "Pickle" / "PickleResolutionTable.swift"

PYTHON = (3, 11)
INSTALLED = {"numpy": "2.4.6", "setuptools": "65.5.0", "joblib": "1.6.0"}
WHEELS = {
    "torch": "torch-2.5.1-cp311-none-macosx_11_0_arm64.whl",
    "keras": "keras-3.6.0-py3-none-any.whl",
    "sklearn": "scikit_learn-1.5.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
}
# Top-level modules each installed distribution brings.
INSTALLED_TOPS = {"numpy": ["numpy"], "setuptools": ["setuptools", "pkg_resources", "_distutils_hack"],
                  "joblib": ["joblib"]}
ALL_PARTS = ["stdlib", "numpy", "setuptools", "joblib", "torch", "keras", "sklearn"]
# Import-time side effects are irrelevant (nothing is imported), but these trees are tests and demos.
SKIP_DIRS = {"test", "tests", "testing_data", "__pycache__", "site-packages", "idle_test", "lib2to3/tests"}
MAX_STEPS = 8
# The single-component modules whose attribute walks Swift already flags by component (moduleCarriers).
CARRIERS = {"os", "_os", "sys", "_sys", "subprocess", "builtins", "posix", "nt"}


# ------------------------------------------------------------------------------------------- sources


def stdlib_sources():
    base = pathlib.Path(sysconfig.get_paths()["stdlib"])
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(base)
        if any(part in SKIP_DIRS or part.endswith("-packages") for part in rel.parts[:-1]):
            continue
        yield module_name(rel.as_posix()), path.read_bytes()


def installed_sources(dist):
    version = importlib.metadata.version(dist)
    if version != INSTALLED[dist]:
        raise SystemExit(f"{dist} {version} is installed; the table is pinned to {INSTALLED[dist]}")
    for top in INSTALLED_TOPS[dist]:
        spec = importlib.util.find_spec(top)  # finds, does not import
        if spec is None:
            raise SystemExit(f"{top} ({dist}) is not installed")
        if spec.submodule_search_locations:
            base = pathlib.Path(list(spec.submodule_search_locations)[0])
            for path in sorted(base.rglob("*.py")):
                rel = path.relative_to(base.parent)
                if any(part in SKIP_DIRS for part in rel.parts[:-1]):
                    continue
                yield module_name(rel.as_posix()), path.read_bytes()
        else:
            yield top, pathlib.Path(spec.origin).read_bytes()


def wheel_sources(wheels, part):
    path = pathlib.Path(wheels) / WHEELS[part]
    if not path.is_file():
        raise SystemExit(f"missing {path}: pip download --no-deps the pinned wheel into {wheels}")
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            if not name.endswith(".py") or not name.startswith(part + "/"):
                continue
            if any(part_ in SKIP_DIRS for part_ in name.split("/")[:-1]):
                continue
            yield module_name(name), archive.read(name)


def module_name(rel):
    parts = rel[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


# ------------------------------------------------------------------------------------------- bindings


class Module:
    def __init__(self, name, is_package):
        self.name = name
        self.is_package = is_package
        self.bindings = {}  # attribute -> dotted target
        self.stars = []  # modules star-imported, in order
        self.defined = set()  # names defined here (def, class, assignment)
        self.classes = {}  # class name -> (base targets, method names)
        self.all = None  # __all__ when a literal list/tuple of strings


def parse_module(name, source, is_package):
    module = Module(name, is_package)
    try:
        tree = ast.parse(source, feature_version=PYTHON)
    except (SyntaxError, ValueError):
        return module
    package = name if is_package else name.rpartition(".")[0]
    for node in top_level(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    module.bindings[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    module.bindings[head] = head
        elif isinstance(node, ast.ImportFrom):
            base = absolute(package, node.module, node.level)
            if base is None:
                continue
            for alias in node.names:
                if alias.name == "*":
                    module.stars.append(base)
                else:
                    module.bindings[alias.asname or alias.name] = base + "." + alias.name
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            module.defined.add(node.name)
            module.bindings.pop(node.name, None)
        elif isinstance(node, ast.ClassDef):
            module.defined.add(node.name)
            module.bindings.pop(node.name, None)
            bases = [dotted(base) for base in node.bases]
            methods = {item.name for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
            for item in node.body:
                if isinstance(item, ast.Assign):
                    methods.update(target.id for target in item.targets if isinstance(target, ast.Name))
            module.classes[node.name] = ([base for base in bases if base], methods)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target = node.targets[0].id
            if target == "__all__":
                module.all = string_list(node.value)
                continue
            value = dotted(node.value)
            if value:
                module.bindings[target] = "@" + value  # relative to this module's namespace, resolved later
            else:
                module.defined.add(target)
                module.bindings.pop(target, None)
    return module


def top_level(body):
    """Module-level statements, including those inside if/try/with blocks (not functions or classes)."""
    for node in body:
        if isinstance(node, (ast.If, ast.Try, ast.With)) or type(node).__name__ == "TryStar":
            yield from top_level(node.body)
            yield from top_level(getattr(node, "orelse", []))
            yield from top_level(getattr(node, "finalbody", []))
            for handler in getattr(node, "handlers", []):
                yield from top_level(handler.body)
        else:
            yield node


def absolute(package, module, level):
    if level == 0:
        return module
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    if module:
        base += module.split(".")
    return ".".join(base) or None


def dotted(node):
    names = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    names.append(node.id)
    return ".".join(reversed(names))


def string_list(node):
    if isinstance(node, (ast.List, ast.Tuple)) and all(
        isinstance(item, ast.Constant) and isinstance(item.value, str) for item in node.elts
    ):
        return [item.value for item in node.elts]
    return None


def load_modules(parts, wheels):
    modules = {}
    for part in parts:
        if part == "stdlib":
            sources = stdlib_sources()
        elif part in INSTALLED:
            sources = installed_sources(part)
        else:
            sources = wheel_sources(wheels, part)
        for name, source in sources:
            if not name or name in modules:
                continue
            modules[name] = (source, part)
    # Package or not: a module with submodules, or one read from an __init__ file.
    names = set(modules)
    parsed = {}
    for name, (source, part) in modules.items():
        is_package = is_init(name, names)
        parsed[name] = parse_module(name, source, is_package)
        parsed[name].part = part
    return parsed


def is_init(name, names):
    prefix = name + "."
    return any(other.startswith(prefix) for other in names)


def flatten(modules):
    """Every binding as `module.attr -> target`, with stars expanded and module-relative values resolved."""
    star_cache = {}

    def exported(name, seen):
        if name in star_cache:
            return star_cache[name]
        module = modules.get(name)
        if module is None or name in seen:
            return {}
        seen = seen | {name}
        names = {}
        for star in module.stars:
            names.update(exported(star, seen))
        for attr, target in module.bindings.items():
            names[attr] = target_of(module, target)
        for attr in module.defined | set(module.classes):
            names.pop(attr, None)
        if module.all is not None:
            public = set(module.all)
            result = {attr: target for attr, target in names.items() if attr in public}
            for attr in public - set(result):
                result[attr] = name + "." + attr  # defined here (or a submodule)
        else:
            result = {attr: target for attr, target in names.items() if not attr.startswith("_")}
            for attr in module.defined | set(module.classes):
                if not attr.startswith("_"):
                    result[attr] = name + "." + attr
        star_cache[name] = result
        return result

    def target_of(module, target):
        if not target.startswith("@"):
            return target
        head, _, rest = target[1:].partition(".")
        if head in module.bindings and not module.bindings[head].startswith("@"):
            base = module.bindings[head]
        elif head in module.defined or head in module.classes:
            base = module.name + "." + head
        elif head in BUILTIN_NAMES:
            base = "builtins." + head
        else:
            return None
        return base + ("." + rest if rest else "")

    flat = {}
    for name in sorted(modules):
        module = modules[name]
        for star in module.stars:
            for attr, target in exported(star, frozenset()).items():
                if attr not in module.defined and attr not in module.classes and target:
                    flat[name + "." + attr] = target
        for attr, target in module.bindings.items():
            resolved = target_of(module, target)
            if resolved:
                flat[name + "." + attr] = resolved
    # Inherited methods: `module.Class.method` defined on a base class.
    for name in sorted(modules):
        for cls, (bases, methods) in modules[name].classes.items():
            for base in bases:
                base_path = resolve_path(flat, qualify(modules[name], base, flat))
                for method in inherited(modules, flat, base_path, set()):
                    key = f"{name}.{cls}.{method[0]}"
                    if method[0] not in methods and key not in flat:
                        flat[key] = method[1]
    return {key: value for key, value in flat.items() if key != value}


BUILTIN_NAMES = set(dir(__builtins__)) if not isinstance(__builtins__, dict) else set(__builtins__)


def qualify(module, base, flat):
    head, _, rest = base.partition(".")
    if head in module.bindings and not module.bindings[head].startswith("@"):
        root = module.bindings[head]
    elif head in module.classes or head in module.defined:
        root = module.name + "." + head
    else:
        root = head
    return root + ("." + rest if rest else "")


def inherited(modules, flat, class_path, seen):
    """(method, defining path) for every method a class at `class_path` defines or inherits."""
    if class_path in seen or len(seen) > 16:
        return []
    seen.add(class_path)
    module_name_, _, cls = class_path.rpartition(".")
    module = modules.get(module_name_)
    if module is None or cls not in module.classes:
        return []
    bases, methods = module.classes[cls]
    found = [(method, f"{class_path}.{method}") for method in sorted(methods)]
    for base in bases:
        base_path = resolve_path(flat, qualify(module, base, flat))
        names = {method for method, _ in found}
        found += [item for item in inherited(modules, flat, base_path, seen) if item[0] not in names]
    return found


# ------------------------------------------------------------------------------------------- resolution


def steps(table, path):
    """The same walk as PickleResolution.swift: rewrite the longest prefix found in the table, at most
    MAX_STEPS times; yields every path on the way (the first is `path`)."""
    seen = {path}
    yield path
    for _ in range(MAX_STEPS):
        parts = path.split(".")
        for cut in range(len(parts), 0, -1):
            target = table.get(".".join(parts[:cut]))
            if target is not None:
                path = ".".join([target] + parts[cut:])
                break
        else:
            return
        if path in seen:
            return
        seen.add(path)
        yield path


def resolve_path(table, path):
    last = path
    for last in steps(table, path):
        pass
    return last


def denylist():
    text = DENYLIST.read_text()
    entries = {}
    for field in ("modules", "callables", "payloadLoaders"):
        match = re.search(r"static let " + field + r": Set<String> = \[(.*?)\n    \]", text, re.S)
        if not match:
            raise SystemExit(f"cannot find {field} in {DENYLIST}")
        entries[field] = set(re.findall(r'"([^"]+)"', re.sub(r"//[^\n]*", "", match.group(1))))
    return entries["modules"] | entries["callables"] | entries["payloadLoaders"]


def prefixes(path):
    parts = path.split(".")
    return [".".join(parts[:cut]) for cut in range(1, len(parts) + 1)]


def derive(parts, wheels):
    modules = load_modules(parts, wheels)
    full = flatten(modules)
    denied = denylist()
    definitions = set()
    for entry in sorted(denied):
        for path in steps(full, entry):
            if path not in denied:
                definitions.add(path)
    dangerous = denied | definitions
    under = {prefix for entry in dangerous for prefix in prefixes(entry)[:-1]}

    def is_dangerous(path):
        return any(prefix in dangerous for prefix in prefixes(path))

    aliases = {}
    for key, target in full.items():
        if is_dangerous(key):
            continue  # judged dangerous without the table
        last = key.rpartition(".")[2]
        if last in CARRIERS and target == last:
            continue  # `x.os`: the component rule flags it already
        walk = list(steps(full, key))[1:]
        if any(is_dangerous(path) for path in walk) or (walk and walk[-1] in under):
            aliases[key] = target
    # Keep the intermediate steps the Swift walk needs to reach the same end.
    needed = dict(aliases)
    for key in list(aliases):
        for path in list(steps(full, key))[1:]:
            parts_ = path.split(".")
            for cut in range(len(parts_), 0, -1):
                prefix = ".".join(parts_[:cut])
                if prefix in full:
                    needed.setdefault(prefix, full[prefix])
                    break
    # And the steps from each denylist entry to its definition.
    for entry in denied:
        path = entry
        for path in list(steps(full, entry))[1:]:
            pass
        for step in steps(full, entry):
            parts_ = step.split(".")
            for cut in range(len(parts_), 0, -1):
                prefix = ".".join(parts_[:cut])
                if prefix in full:
                    needed.setdefault(prefix, full[prefix])
                    break
    tops = {name.split(".")[0]: module.part for name, module in modules.items()}
    return needed, definitions, tops, full


# ------------------------------------------------------------------------------------------- output


def render(aliases, definitions):
    lines = [
        "// Generated by Tests/scan-corpus/resolution_table.py from the sources of Python "
        f"{PYTHON[0]}.{PYTHON[1]}'s standard library,",
        "// " + ", ".join(f"{dist} {version}" for dist, version in sorted(INSTALLED.items()))
        + ", " + ", ".join(WHEELS[part].split("-")[0] + " " + WHEELS[part].split("-")[1] for part in sorted(WHEELS))
        + ".",
        "// Do not edit: re-run the script (Tests/interop/test_pickle_resolution_table.py checks it).",
        "",
        "/// Re-exports and aliases of the packages pickles import from, as `path target` lines, and where each",
        "/// denylist entry is defined (see PickleResolution).",
        "enum PickleResolutionTable {",
        "    /// `module.attribute target` for every binding that leads to or toward a denylisted path.",
        '    static let aliases = """',
    ]
    lines += [f"        {key} {aliases[key]}" for key in sorted(aliases)]
    lines += ['        """', "", "    /// The definitions denylist entries resolve to.", '    static let definitions = """']
    lines += [f"        {path}" for path in sorted(definitions)]
    lines += ['        """', "}", ""]
    return "\n".join(lines)


def parse_committed(text):
    aliases, definitions = {}, set()
    section = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("static let aliases"):
            section = "aliases"
        elif stripped.startswith("static let definitions"):
            section = "definitions"
        elif stripped == '"""':
            section = None
        elif section == "aliases":
            key, target = stripped.split(" ")
            aliases[key] = target
        elif section == "definitions":
            definitions.add(stripped)
    return aliases, definitions


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wheels", default=os.environ.get("STEMMA_TABLE_WHEELS"))
    parser.add_argument("--parts", default=",".join(ALL_PARTS))
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args()
    if sys.version_info[:2] != PYTHON:
        raise SystemExit(f"run with Python {PYTHON[0]}.{PYTHON[1]}: the table is of its standard library")
    parts = args.parts.split(",")
    if any(part in WHEELS for part in parts) and not args.wheels:
        raise SystemExit("--wheels DIR is needed for " + ", ".join(p for p in parts if p in WHEELS))
    aliases, definitions, tops, full = derive(parts, args.wheels)
    if not args.check:
        pathlib.Path(args.output).write_text(render(aliases, definitions))
        print(f"{len(aliases)} aliases, {len(definitions)} definitions -> {args.output}")
        return 0
    committed_aliases, committed_definitions = parse_committed(pathlib.Path(args.output).read_text())

    def ours(path):
        return tops.get(path.split(".")[0]) in parts

    want = {key: value for key, value in committed_aliases.items() if ours(key)}
    problems = [f"missing: {k} {v}" for k, v in sorted(aliases.items()) if want.get(k) != v and ours(k)]
    # A committed line may also be a step another part's aliases walk through: it must still be a binding
    # these sources make.
    problems += [f"stale: {k} {v}" for k, v in sorted(want.items()) if full.get(k) != v]
    want_definitions = {path for path in committed_definitions if ours(path)}
    got_definitions = {path for path in definitions if ours(path)}
    problems += [f"missing definition: {p}" for p in sorted(got_definitions - want_definitions)]
    problems += [f"stale definition: {p}" for p in sorted(want_definitions - got_definitions)]
    if problems:
        print("\n".join(problems[:200]))
        print(f"{len(problems)} difference(s) between the committed table and {', '.join(parts)}")
        return 1
    print(f"the committed table matches {', '.join(parts)} ({len(want)} aliases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
