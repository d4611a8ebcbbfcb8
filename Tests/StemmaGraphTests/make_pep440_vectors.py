#!/usr/bin/env python3
"""Prints VersionVectorsTests.swift: PEP 440 vectors whose expected answers come from `packaging`.

Regenerate with:
    python3 make_pep440_vectors.py > VersionVectorsTests.swift && swift format --in-place VersionVectorsTests.swift

The expected comparison of every pair and the normalised form of every string are computed here by
`packaging.version.Version` (the ordering osv.dev uses for PyPI ranges), never written by hand.
"""

import itertools
import random

import packaging
from packaging.version import InvalidVersion, Version

# The table in graph-and-inputs.md section 3.2, and the orderings the brief names.
REFERENCE_PAIRS = [
    ("0.0.101rc0", "0.0.101"),
    ("0.0.99", "0.0.100"),
    ("2.6.0.dev20241112", "2.6.0"),
    ("1!0.1", "9.9"),
    ("2.5.1+cu121", "2.6.0"),
    ("2.6.0+cpu", "2.6.0"),
    ("0.0.132rc1", "0.0.132"),
    ("1.0.1.post2", "1.0.1"),
    ("1.0.1.post2", "1.0.2"),
    ("1.0.dev0", "1.0a1.dev0"),
    ("1.0a1.dev0", "1.0a1"),
    ("1.0a1", "1.0b1"),
    ("1.0b1", "1.0rc1"),
    ("1.0rc1", "1.0"),
    ("1.0", "1.0+local"),
    ("1.0+local", "1.0.post1.dev0"),
    ("1.0.post1.dev0", "1.0.post1"),
]

# Different spellings of one version: packaging must call each pair equal.
EQUAL_SPELLINGS = [
    ("1.0", "1.0.0"),
    ("1", "1.0.0.0"),
    ("1.0rc", "1.0rc0"),
    ("1.0c1", "1.0rc1"),
    ("1.0pre1", "1.0rc1"),
    ("1.0preview1", "1.0rc1"),
    ("1.0alpha1", "1.0a1"),
    ("1.0beta2", "1.0b2"),
    ("1.0-rc.1", "1.0rc1"),
    ("1.0_a_1", "1.0a1"),
    ("1.0.post", "1.0.post0"),
    ("1.0-1", "1.0.post1"),
    ("1.0rev1", "1.0.post1"),
    ("1.0r1", "1.0.post1"),
    ("1.0-post-1", "1.0.post1"),
    ("1.0.dev", "1.0.dev0"),
    ("1.0-dev-1", "1.0.dev1"),
    ("v1.0", "1.0"),
    ("V1.0RC1", "1.0rc1"),
    (" 1.0 ", "1.0"),
    ("\t2.0\n", "2.0"),
    ("0!1.0", "1.0"),
    ("01.02", "1.2"),
    ("1.0+ABC", "1.0+abc"),
    ("1.0+abc-1", "1.0+abc.1"),
    ("1.0+abc_1", "1.0+abc.1"),
    ("1.0+01", "1.0+1"),
    ("1.0.POST1", "1.0.post1"),
    ("1.0a.", "1.0a0"),
]

# Strings that are not versions under PEP 440, plus valid oddities; the expected answer comes from packaging.
PARSE_ONLY = [
    "", " ", "1.", ".1", "1..2", "1.0-", "1.0+", "1.0+abc.", "1.0+.abc", "1.0++1", "a1.0", "1.0.x",
    "2004d", "1.0-beta-2", "0.9.8-final", "1.0.0.0.0.0.0.1", "1.0a1b2", "1.0.dev1.post1", "1.0.post1.a1",
    "1!", "!1.0", "1!2!3", "1.0_", "1.0rc1.", "1.0-1-1", "1.0 1", "vv1.0", "1.0ab", "1.0dev1dev2",
    "1.0+abc def", "1.0 +abc", "1,0", "1.0\u00e9", "\u0661.0", "1.0post.", "1.0post.dev",
    "1.0a.post1", "1.0a-dev", "1.0-r", "1.0.rev-3", "1.0+ubuntu-1.a", "1.0+1_2_3", "v1!2.0", "1.0.dev-",
    "20241112", "1.0.0-rc.1+build.5", "1.0+local+more", "\u20091.0", "1.0\x1c",
]

# Real versions from ML packages and the saved advisories, plus constructed edge cases.
REAL = [
    "0.0.1", "0.0.10", "0.0.100", "0.0.101", "0.0.101rc0", "0.0.102rc0", "0.0.99", "0.0.99rc0", "0.0.131",
    "0.0.132", "0.0.132rc1", "0.1.0", "0.2.17", "1.0.0", "1.0.1", "1.0.1.post2", "1.1.0.post2", "1.3.0.post2",
    "1.9.1", "1.10.0", "1.12.1", "1.13.0", "1.13.1", "2.0.0", "2.5.1", "2.5.1+cu121", "2.5.1+cpu",
    "2.5.1+cu118", "2.6.0", "2.6.0+cpu", "2.6.0rc1", "2.6.0.dev20241112", "2.6.0.dev20241201", "2.7.0a0",
    "4.46.0", "4.46.0.dev0", "4.47.0rc1", "1!0.1", "9.9", "2024.1", "2024.10.1", "0.4.0b3", "0.4.0",
    "3.0.0rc2", "3.0.0rc10", "1.0+ubuntu.1", "1.0+ubuntu.2", "1.0+ubuntu.10", "1.0+ubuntu", "1.0+1",
    "1.0+a.1", "1.0+a.b", "1.0+1.a", "1.0+abc.5", "1.0+abc.5.1", "1.0a1.post1", "1.0a1.post1.dev1",
    "1.0rc1.dev3", "1.0.post1.dev0", "1.0.post2", "1.0.post10", "1.0.dev456", "1.0.dev10", "1.1.dev1",
    "1.0b2.post345.dev456", "1.0b2-346", "1.0c1.dev456", "1.0.0.0.1", "1.0.0.1", "2!1.0", "1!1.0.dev1",
    "10.0", "9.99999", "99999999999999999999999.1", "99999999999999999999998.9", "1.0.dev99999999999999999999",
]


def constructed():
    """A grid over the parts PEP 440 allows, so every part meets every other."""
    out = []
    for release, pre, post, dev, local in itertools.product(
        ["1.0", "1.0.0", "1.1"],
        ["", "a1", "b2", "rc1", "rc"],
        ["", ".post1", ".post0"],
        ["", ".dev0", ".dev2"],
        ["", "+l", "+7"],
    ):
        out.append(release + pre + post + dev + local)
    return out


def fuzzed(rng, count):
    """Strings glued from PEP 440 tokens, most of them invalid: they probe the parser's corners."""
    tokens = ["1", "0", "01", "2024", ".", ".", "-", "_", "a", "alpha", "b", "beta", "c", "rc", "pre", "preview",
              "post", "rev", "r", "dev", "+", "abc", "!", "v", " ", "X"]
    out = []
    while len(out) < count:
        text = rng.choice(["1", "1.0", "v1", "2!3"]) + "".join(rng.choice(tokens) for _ in range(rng.randint(1, 6)))
        if text not in out:
            out.append(text)
    return out


def swift_string(text):
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if 0x20 <= ord(c) < 0x7F else "\\u{%x}" % ord(c) for c in escaped)
    return '"' + escaped + '"'


def cmp(a, b):
    va, vb = Version(a), Version(b)
    return -1 if va < vb else (1 if va > vb else 0)


def main():
    rng = random.Random(440)
    pool = sorted(set(REAL + rng.sample(constructed(), 60)), key=lambda s: (Version(s), s))
    pairs = []
    seen = set()

    def add(a, b):
        if (a, b) not in seen:
            seen.add((a, b))
            pairs.append((a, b, cmp(a, b)))

    for a, b in REFERENCE_PAIRS + EQUAL_SPELLINGS:
        add(a, b)
    for a, b in zip(pool, pool[1:]):  # neighbours in packaging order: the closest calls
        add(b, a)
    for _ in range(160):
        a, b = rng.sample(pool, 2)
        add(a, b)

    parses = []
    fuzz = fuzzed(rng, 200)
    for text in dict.fromkeys(PARSE_ONLY + [s for pair in EQUAL_SPELLINGS for s in pair] + pool + fuzz):
        try:
            parses.append((text, str(Version(text))))
        except InvalidVersion:
            parses.append((text, None))

    print("// Generated by make_pep440_vectors.py with packaging %s; do not edit by hand." % packaging.__version__)
    print("import StemmaGraph")
    print("import Testing")
    print()
    print("/// A pair of versions and how `packaging.version.Version` orders them: -1, 0 or 1.")
    print("struct PEP440Pair: Sendable, CustomTestStringConvertible {")
    print("    let lhs: String")
    print("    let rhs: String")
    print("    let order: Int")
    print("    init(_ lhs: String, _ rhs: String, _ order: Int) {")
    print("        self.lhs = lhs")
    print("        self.rhs = rhs")
    print("        self.order = order")
    print("    }")
    print('    var testDescription: String { "\\(lhs) vs \\(rhs)" }')
    print("}")
    print()
    print("/// A string and its normalised form per `packaging`, or nil when `packaging` refuses it.")
    print("struct PEP440Parse: Sendable, CustomTestStringConvertible {")
    print("    let text: String")
    print("    let normalised: String?")
    print("    init(_ text: String, _ normalised: String?) {")
    print("        self.text = text")
    print("        self.normalised = normalised")
    print("    }")
    print("    var testDescription: String { text.debugDescription }")
    print("}")
    print()
    print("@Suite struct VersionVectorsTests {")
    print("    static let pairs: [PEP440Pair] = [")
    for a, b, order in pairs:
        print("        PEP440Pair(%s, %s, %d)," % (swift_string(a), swift_string(b), order))
    print("    ]")
    print()
    print("    static let parses: [PEP440Parse] = [")
    for text, normal in parses:
        print("        PEP440Parse(%s, %s)," % (swift_string(text), swift_string(normal) if normal is not None else "nil"))
    print("    ]")
    print()
    print("    @Test(arguments: pairs)")
    print("    func ordersAsPackagingDoes(_ pair: PEP440Pair) throws {")
    print("        let lhs = try #require(PEP440Version(pair.lhs))")
    print("        let rhs = try #require(PEP440Version(pair.rhs))")
    print("        #expect((lhs < rhs) == (pair.order < 0))")
    print("        #expect((lhs > rhs) == (pair.order > 0))")
    print("        #expect((lhs == rhs) == (pair.order == 0))")
    print("        if pair.order == 0 { #expect(lhs.hashValue == rhs.hashValue) }")
    print("    }")
    print()
    print("    @Test(arguments: parses)")
    print("    func parsesAsPackagingDoes(_ vector: PEP440Parse) {")
    print("        #expect(PEP440Version(vector.text)?.description == vector.normalised)")
    print("    }")
    print()
    print("    @Test func coversEnoughPairs() {")
    print("        #expect(Self.pairs.count >= 200)")
    print("    }")
    print("}")


if __name__ == "__main__":
    main()
