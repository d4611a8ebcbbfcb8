#!/usr/bin/env python3
"""Write the `stemma scan` test corpus and its expected verdicts.

    python3 Tests/scan-corpus/make_corpus.py OUTDIR [--force]

OUTDIR/<category>/<file> are the samples (hostile ones in pickle/, torch/, archive/, numpy/, keras/, tf/,
safetensors/, gguf/, onnx/; benign ones under benign/), and OUTDIR/expected.json maps each sample's path
(relative to OUTDIR) to {"verdict", "global"?, "member"?, "accept"?, "why"}:

  verdict  what `stemma scan` must report for the file (safe, suspicious, malformed, dangerous);
  global   the normalised import that a finding with that verdict must name (finding "global", or its raw
           "spelledAs");
  member   the member path of that finding inside containers;
  pickle   the index of the stacked pickle that finding is in (0-based), where it matters;
  accept   other verdicts the reference leaves room for (7z, SavedModel ops, ...); the finding checks then
           apply only when the primary verdict is given;
  why      the bypass class / reference item (shared/reference/unsafe-formats.md §4, §6).

Hostile pickles are assembled opcode by opcode (pickle_asm.py) with the harmless payload `echo stemma-test`.
Nothing is ever loaded or unpickled: the script checks every pickle it writes with pickletools only, and the
other formats with their own readers (library_checks.py).
Needs numpy, safetensors, gguf, onnx, h5py, py7zr, joblib and lz4 (Tests/interop/requirements.txt).
"""

import argparse
import pathlib
import shutil
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import benign  # noqa: E402
import containers  # noqa: E402
import formats  # noqa: E402
import gadgets  # noqa: E402
import library_checks  # noqa: E402
import pickles  # noqa: E402
import views  # noqa: E402
from corpus import Corpus  # noqa: E402

MAX_CORPUS_BYTES = 5 << 20


def make(outdir: pathlib.Path) -> Corpus:
    outdir.mkdir(parents=True, exist_ok=True)
    c = Corpus(outdir)
    pickles.build(c)
    gadgets.build(c)
    containers.build(c)
    formats.build(c)
    views.build(c)
    benign.build(c)
    c.self_check()
    problems = library_checks.check(outdir)
    if problems:
        raise SystemExit("format readers disagree with the corpus:\n  " + "\n  ".join(problems))
    c.write_expected()
    on_disk = {p.relative_to(outdir).as_posix() for p in outdir.rglob("*") if p.is_file()}
    stray = on_disk - set(c.expected) - {"expected.json"}
    missing = set(c.expected) - on_disk
    if stray or missing:
        raise SystemExit(f"corpus files and expected.json disagree: stray={sorted(stray)} missing={sorted(missing)}")
    total = sum((outdir / p).stat().st_size for p in on_disk)
    if total > MAX_CORPUS_BYTES:
        raise SystemExit(f"corpus is {total} bytes, over the {MAX_CORPUS_BYTES} budget")
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=pathlib.Path)
    ap.add_argument("--force", action="store_true", help="empty OUTDIR first if it is not empty")
    args = ap.parse_args()
    if args.outdir.exists() and any(args.outdir.iterdir()):
        if not args.force:
            raise SystemExit(f"{args.outdir} is not empty (use --force to replace it)")
        shutil.rmtree(args.outdir)
    c = make(args.outdir)
    counts = {}
    for e in c.expected.values():
        counts[e["verdict"]] = counts.get(e["verdict"], 0) + 1
    tally = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    print(f"wrote {len(c.expected)} files to {args.outdir} ({tally}); {len(c.checks)} pickles checked with pickletools")


if __name__ == "__main__":
    main()
