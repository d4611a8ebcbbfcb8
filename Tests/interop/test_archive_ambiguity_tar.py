"""Tar bundles that GNU tar and Python's tarfile would unpack differently must not verify.

Each hostile case is built with GNU tar or Python's tarfile where they can write it, with byte patches where
no tool does; the model is signed by the real model_signing. For each case the test also records what GNU tar
and Python's tarfile list or extract, so it shows the disagreement it guards against, and asserts that Stemma
exits 1 with the named finding (integrity.ambiguous-archive unless said otherwise) within 30 s.

Benign tars written by GNU tar (gnu and pax formats, long and non-ASCII names) and by tarfile, plain and
compressed, must still verify.
"""

import gzip
import io
import lzma
import os
import pathlib
import shutil
import subprocess
import tarfile
import zipfile

import pytest

import support as s
from support import assert_rejected, assert_verified, stemma_verify

AMBIGUOUS = "integrity.ambiguous-archive"
TIMEOUT = 30
EVIL = b"evil bytes, not the signed ones\n"


@pytest.fixture(scope="module")
def signed(tmp_path_factory, key):
    d = tmp_path_factory.mktemp("tar-ambiguity")
    model = s.make_model(d / "model")
    sig = d / "model.sig"
    res = s.ms_sign_key(model, key, sig)
    assert res.rc == 0, res.describe()
    return model, sig


def verify(archive, sig, key):
    return stemma_verify(archive, "--signature", sig, "--public-key", key.public, timeout=TIMEOUT)


# ---------------------------------------------------------------------------------------------
# What the other readers see
# ---------------------------------------------------------------------------------------------


def gnu_extract(archive: pathlib.Path, dest: pathlib.Path, *options) -> tuple:
    """Extracts with GNU tar; returns (exit status, {relative path: bytes of regular files})."""
    dest.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["tar", *options, "-xf", str(archive), "-C", str(dest)], capture_output=True)
    return done.returncode, files_in(dest)


def gnu_names(archive: pathlib.Path, *options) -> list:
    done = subprocess.run(["tar", *options, "-tf", str(archive)], capture_output=True)
    return done.stdout.decode("utf-8", "replace").splitlines()


def python_extract(archive: pathlib.Path, dest: pathlib.Path, **options) -> dict:
    """Extracts with Python's tarfile (as model loaders and scripts do); returns {relative path: bytes}."""
    dest.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(archive, **options) as t:
            t.extractall(dest)
    except (tarfile.TarError, OSError):
        pass  # what was extracted before the error is what a loader would find
    return files_in(dest)


def python_names(archive: pathlib.Path, **options) -> list:
    try:
        with tarfile.open(archive, **options) as t:
            return [m.name for m in t.getmembers()]
    except tarfile.TarError as e:
        return [f"error: {e}"]


def files_in(root: pathlib.Path) -> dict:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


# ---------------------------------------------------------------------------------------------
# Byte-level tar writing, for what no tool writes
# ---------------------------------------------------------------------------------------------

GNU_MAGIC = b"ustar  \x00"
USTAR_MAGIC = b"ustar\x0000"


def header(name: bytes, size: int, typeflag: bytes = b"0", *, linkname: bytes = b"", magic: bytes = GNU_MAGIC,
           prefix_area: bytes = b"") -> bytes:
    h = bytearray(512)
    h[0:len(name[:100])] = name[:100]
    h[100:108] = b"%07o\x00" % 0o644
    h[108:116] = b"%07o\x00" % 0
    h[116:124] = b"%07o\x00" % 0
    h[124:136] = b"%011o\x00" % size
    h[136:148] = b"%011o\x00" % 1700000000
    h[156:157] = typeflag
    h[157:157 + len(linkname[:100])] = linkname[:100]
    h[257:265] = magic
    h[345:345 + len(prefix_area)] = prefix_area
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\x00 " % sum(h)
    return bytes(h)


def padded(data: bytes) -> bytes:
    return data + bytes(-len(data) % 512)


def member(name: bytes, data: bytes, typeflag: bytes = b"0", **kw) -> bytes:
    return header(name, len(data), typeflag, **kw) + padded(data)


def long_name(name: bytes, kind: bytes = b"L") -> bytes:
    return member(b"././@LongLink", name + b"\x00", kind)


def pax(records: dict, typeflag: bytes = b"x") -> bytes:
    body = b""
    for k, v in records.items():
        line = b" " + k + b"=" + v + b"\n"
        n = len(line) + 1
        while len(str(n).encode()) + len(line) != n:
            n += 1
        body += str(n).encode() + line
    return member(b"PaxHeaders/x", body, typeflag, magic=USTAR_MAGIC)


def model_members(model: pathlib.Path, skip=()) -> bytes:
    """Every file of the model as a plain GNU member under model/."""
    out = b""
    for p in sorted(model.rglob("*")):
        rel = p.relative_to(model).as_posix()
        if p.is_file() and rel not in skip:
            out += member(f"model/{rel}".encode(), p.read_bytes())
    return out


END = bytes(1024)


# ---------------------------------------------------------------------------------------------
# Name conflicts
# ---------------------------------------------------------------------------------------------


def test_gnu_long_name_conflicting_with_pax_path(signed, tmp_path, key):
    """A GNU long name, then a pax `path`, on one member: GNU tar uses the pax path, Python's tarfile the
    long name (its header came first and is applied last)."""
    model, sig = signed
    weights = (model / "weights/model.safetensors").read_bytes()
    archive = tmp_path / "conflict.tar"
    archive.write_bytes(
        model_members(model, skip={"weights/model.safetensors"})
        + long_name(b"model/weights/model.safetensors")
        + pax({b"path": b"model/weights/other.safetensors"})
        + member(b"model/weights/model.safetensors", weights)
        + END)
    _, gnu = gnu_extract(archive, tmp_path / "gnu")
    py = python_extract(archive, tmp_path / "py")
    assert "model/weights/other.safetensors" in gnu and "model/weights/model.safetensors" not in gnu
    assert "model/weights/model.safetensors" in py and "model/weights/other.safetensors" not in py
    assert_rejected(verify(archive, sig, key), AMBIGUOUS, path="other.safetensors")


def test_gnu_long_link_conflicting_with_pax_linkpath(signed, tmp_path, key):
    model, sig = signed
    archive = tmp_path / "link-conflict.tar"
    archive.write_bytes(
        model_members(model)
        + long_name(b"weights/model.safetensors", b"K")
        + pax({b"linkpath": b"../../../etc/passwd"})
        + header(b"model/alias.bin", 0, b"2")
        + END)
    gnu = gnu_names(archive, "-v")
    py = {m.name: m.linkname for m in tarfile.open(archive)}
    assert any("-> ../../../etc/passwd" in line for line in gnu), gnu
    assert py["model/alias.bin"] == "weights/model.safetensors"
    assert_rejected(verify(archive, sig, key), AMBIGUOUS, path="alias.bin")


@pytest.mark.parametrize("writer", ["gnu-tar", "tarfile"])
def test_global_pax_header_renames(signed, tmp_path, key, writer):
    """A global pax header that sets `path`: GNU tar and Python apply it to later members (every member lands
    on one name), bsdtar does not."""
    model, sig = signed
    archive = tmp_path / "global.tar"
    target = "model/weights/model.safetensors"
    if writer == "gnu-tar":
        subprocess.run(["tar", "--format=pax", f"--pax-option=path={target}", "-cf", str(archive),
                        "-C", str(model.parent), model.name], check=True)
    else:
        with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT, pax_headers={"path": target}) as t:
            t.add(model, arcname="model")
    names = gnu_names(archive)
    assert names and set(names) == {target}, names
    _, gnu = gnu_extract(archive, tmp_path / "gnu")
    assert list(gnu) == [target] and gnu[target] != (model / "weights/model.safetensors").read_bytes()
    assert_rejected(verify(archive, sig, key), AMBIGUOUS)


def test_global_pax_header_without_names_still_verifies(signed, tmp_path, key):
    """`git archive` writes a global header holding only a comment: that changes nothing for any reader."""
    model, sig = signed
    archive = tmp_path / "comment.tar"
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT, pax_headers={"comment": "0123abcd"}) as t:
        t.add(model, arcname="model")
    assert_verified(verify(archive, sig, key), root_digest=s.subject_digest(sig))


def test_gnu_header_with_prefix_bytes(signed, tmp_path, key):
    """Bytes where a ustar prefix would sit in a GNU header: Python's tarfile prepends them to the name, GNU
    tar treats them as access times and ignores them."""
    model, sig = signed
    weights = (model / "weights/model.safetensors").read_bytes()
    archive = tmp_path / "prefix.tar"
    archive.write_bytes(
        model_members(model, skip={"weights/model.safetensors"})
        + member(b"model/weights/model.safetensors", weights, prefix_area=b"elsewhere")
        + END)
    assert "model/weights/model.safetensors" in gnu_names(archive)
    assert "elsewhere/model/weights/model.safetensors" in python_names(archive)
    assert_rejected(verify(archive, sig, key), AMBIGUOUS, path="model.safetensors")


# ---------------------------------------------------------------------------------------------
# Data after the end, bad headers
# ---------------------------------------------------------------------------------------------


def test_second_tar_appended(signed, tmp_path, key):
    """`cat a.tar b.tar`: GNU tar and tarfile read only the first unless told to ignore zeros; then they
    extract the second's evil weights over the first's."""
    model, sig = signed
    first = s.make_archive(model, tmp_path, "tar")
    evil = tmp_path / "evil"
    shutil.copytree(model, evil / "model")
    (evil / "model/weights/model.safetensors").write_bytes(EVIL)
    second = tmp_path / "second.tar"
    subprocess.run(["tar", "-cf", str(second), "-C", str(evil), "model"], check=True)
    archive = tmp_path / "both.tar"
    archive.write_bytes(first.read_bytes() + second.read_bytes())
    _, plain = gnu_extract(archive, tmp_path / "plain")
    _, ignoring = gnu_extract(archive, tmp_path / "ignoring", "--ignore-zeros")
    py = python_extract(archive, tmp_path / "py", ignore_zeros=True)
    assert plain["model/weights/model.safetensors"] != EVIL
    assert ignoring["model/weights/model.safetensors"] == EVIL
    assert py["model/weights/model.safetensors"] == EVIL
    assert_rejected(verify(archive, sig, key), AMBIGUOUS)


def test_zip_appended_to_tar(signed, tmp_path, key):
    """A signed tar with a zip behind it: tar readers see the model, zip readers the zip."""
    model, sig = signed
    archive = s.make_archive(model, tmp_path, "tar")
    payload = io.BytesIO()
    with zipfile.ZipFile(payload, "w") as z:
        z.writestr("model/weights/model.safetensors", EVIL)
    archive.write_bytes(archive.read_bytes() + payload.getvalue())
    with zipfile.ZipFile(archive) as z:
        assert z.read("model/weights/model.safetensors") == EVIL
    assert "model/weights/model.safetensors" in gnu_names(archive)
    assert_rejected(verify(archive, sig, key), AMBIGUOUS)


def test_one_zero_block_then_members(signed, tmp_path, key):
    """A single zero block, then more members: every reader stops at the zero block unless told to ignore
    zeros, then GNU tar and tarfile read on."""
    model, sig = signed
    archive = tmp_path / "lone-zero.tar"
    archive.write_bytes(model_members(model) + bytes(512)
                        + member(b"model/weights/model.safetensors", EVIL) + END)
    assert gnu_names(archive).count("model/weights/model.safetensors") == 1
    assert python_names(archive, ignore_zeros=True).count("model/weights/model.safetensors") == 2
    assert_rejected(verify(archive, sig, key), AMBIGUOUS)


def test_bad_checksum_in_the_middle(signed, tmp_path, key):
    """GNU tar skips a header with a bad checksum and reads on; Python's tarfile stops there in silence."""
    model, sig = signed
    good = model_members(model)
    broken = bytearray(member(b"model/extra.bin", b"x" * 10))
    broken[0] ^= 0x01  # the name changes, the checksum does not
    archive = tmp_path / "checksum.tar"
    archive.write_bytes(bytes(good[:512 * 3]) + bytes(broken) + good[512 * 3:] + END)
    gnu_list = gnu_names(archive)
    py_list = python_names(archive)
    assert len(py_list) < len(gnu_list), (gnu_list, py_list)
    assert_rejected(verify(archive, sig, key), AMBIGUOUS)


def test_pax_size_that_only_python_reads(signed, tmp_path, key):
    """A pax size of `+1024`: Python's int() reads it and skips the body, GNU tar refuses the record, keeps the
    header size 0 and finds a member replacing the weights in that body."""
    model, sig = signed
    hidden = member(b"model/weights/model.safetensors", EVIL)
    archive = tmp_path / "plus-size.tar"
    archive.write_bytes(model_members(model) + pax({b"size": b"+%d" % len(hidden)})
                        + header(b"model/notes.txt", 0) + hidden + END)
    assert gnu_names(archive).count("model/weights/model.safetensors") == 2
    assert python_names(archive).count("model/weights/model.safetensors") == 1
    assert_rejected(verify(archive, sig, key), AMBIGUOUS, path="notes.txt")


def test_pax_size_disagreeing_with_header_size(signed, tmp_path, key):
    """Pax-aware readers take the pax size 0 and find the member hidden in the body; a reader that ignores pax
    records takes the header size and does not. No writer produces this."""
    model, sig = signed
    hidden = member(b"model/weights/model.safetensors", EVIL)
    archive = tmp_path / "size.tar"
    archive.write_bytes(model_members(model) + pax({b"size": b"0"}) + member(b"model/notes.txt", hidden) + END)
    assert gnu_names(archive).count("model/weights/model.safetensors") == 2
    assert python_names(archive).count("model/weights/model.safetensors") == 2
    assert_rejected(verify(archive, sig, key), AMBIGUOUS, path="notes.txt")


def test_volume_label_member(signed, tmp_path, key):
    """`tar --label=NAME` writes a 'V' member: GNU tar does not extract it, Python's tarfile extracts it as
    an empty regular file named NAME."""
    model, sig = signed
    archive = tmp_path / "label.tar"
    subprocess.run(["tar", "--label=model/weights/model.safetensors", "-cf", str(archive), "-C", str(model.parent),
                    model.name], check=True)
    types = [(m.name, m.type) for m in tarfile.open(archive)]
    assert ("model/weights/model.safetensors", b"V") in types
    assert_rejected(verify(archive, sig, key), AMBIGUOUS, path="model.safetensors")


# ---------------------------------------------------------------------------------------------
# Links, devices, duplicates
# ---------------------------------------------------------------------------------------------


def body_hiding_a_member(model, archive, typeflag, name):
    """The model, then a `typeflag` member whose body is a whole member replacing the signed weights."""
    hidden = member(b"model/weights/model.safetensors", EVIL)
    with tarfile.open(archive, "w", format=tarfile.GNU_FORMAT) as t:
        t.add(model, arcname="model")
        info = tarfile.TarInfo(name)
        info.type = typeflag
        info.linkname = "model/config.json"
        info.size = len(hidden)
        t.addfile(info, io.BytesIO(hidden))
    return archive


def test_symlink_with_body(signed, tmp_path, key):
    """GNU tar skips the body of a symbolic link; Python's tarfile (and bsdtar) read it as the next member,
    so the member hidden there replaces the weights for them only."""
    model, sig = signed
    archive = body_hiding_a_member(model, tmp_path / "link-body.tar", tarfile.SYMTYPE, "model/alias.bin")
    assert gnu_names(archive).count("model/weights/model.safetensors") == 1
    assert python_names(archive).count("model/weights/model.safetensors") == 2
    assert_rejected(verify(archive, sig, key), AMBIGUOUS, path="alias.bin")


def test_hard_link_with_body(signed, tmp_path, key):
    """A hard link with a body: GNU tar and Python's tarfile read the body as a further member that replaces
    the weights; refused."""
    model, sig = signed
    archive = body_hiding_a_member(model, tmp_path / "hard-body.tar", tarfile.LNKTYPE, "model/alias.bin")
    assert gnu_names(archive).count("model/weights/model.safetensors") == 2
    py = python_extract(archive, tmp_path / "py")
    assert py["model/weights/model.safetensors"] == EVIL
    assert_rejected(verify(archive, sig, key), AMBIGUOUS, path="alias.bin")


def test_hard_link_without_body(signed, tmp_path, key):
    model, sig = signed
    archive = s.tar_from_members(tmp_path / "hard.tar", [*s.tar_members_of(model),
                                                         ("model/copy.json", ("hardlink", "model/config.json"))])
    assert_rejected(verify(archive, sig, key), "path.not-regular-file", path="copy.json")


def test_fifo_written_by_gnu_tar(signed, tmp_path, key):
    model, sig = signed
    folder = tmp_path / "withfifo"
    shutil.copytree(model, folder / "model")
    os.mkfifo(folder / "model/weights/pipe")
    archive = tmp_path / "fifo.tar"
    subprocess.run(["tar", "-cf", str(archive), "-C", str(folder), "model"], check=True)
    assert ("model/weights/pipe", tarfile.FIFOTYPE) in [(m.name, m.type) for m in tarfile.open(archive)]
    assert_rejected(verify(archive, sig, key), "path.not-regular-file", path="weights/pipe")


def test_same_name_twice_appended_by_gnu_tar(signed, tmp_path, key):
    model, sig = signed
    archive = s.make_archive(model, tmp_path, "tar")
    other = tmp_path / "other"
    shutil.copytree(model, other / "model")
    (other / "model/config.json").write_bytes(b'{"evil": true}\n')
    subprocess.run(["tar", "-rf", str(archive), "-C", str(other), "model/config.json"], check=True)
    _, gnu = gnu_extract(archive, tmp_path / "gnu")
    py = python_extract(archive, tmp_path / "py")
    assert gnu["model/config.json"] == py["model/config.json"] == b'{"evil": true}\n'
    assert_rejected(verify(archive, sig, key), AMBIGUOUS, path="config.json")


def test_same_file_under_two_spellings(signed, tmp_path, key):
    """`model/config.json` and `./model//config.json` are one file to every extractor: the last one wins."""
    model, sig = signed
    archive = tmp_path / "spellings.tar"
    archive.write_bytes(model_members(model) + member(b"./model//config.json", b'{"evil": true}\n') + END)
    _, gnu = gnu_extract(archive, tmp_path / "gnu")
    assert gnu["model/config.json"] == b'{"evil": true}\n'
    assert_rejected(verify(archive, sig, key), AMBIGUOUS, path="config.json")


def test_ignored_git_symlink_redirects_later_member(signed, tmp_path, key):
    """`model/.git` is a link to `weights`, then `model/.git/model.safetensors` is written through it: both
    are ignored paths, and GNU tar and tarfile overwrite the signed weights with them."""
    model, sig = signed
    members = [*s.tar_members_of(model), ("model/.git", ("symlink", "weights")),
               ("model/.git/model.safetensors", EVIL)]
    archive = s.tar_from_members(tmp_path / "git-link.tar", members)
    _, gnu = gnu_extract(archive, tmp_path / "gnu")
    py = python_extract(archive, tmp_path / "py")
    assert gnu["model/weights/model.safetensors"] == EVIL
    assert py["model/weights/model.safetensors"] == EVIL
    res = verify(archive, sig, key)
    assert_rejected(res, "path.unsafe-archive-entry", path=".git")


def test_ignored_git_symlink_pointing_out(signed, tmp_path, key):
    model, sig = signed
    members = [*s.tar_members_of(model), ("model/.git/hooks", ("symlink", "../weights"))]
    archive = s.tar_from_members(tmp_path / "git-out.tar", members)
    assert_rejected(verify(archive, sig, key), "path.unsafe-archive-entry", path=".git/hooks")


def test_ignored_git_members_still_verify(signed, tmp_path, key):
    """Plain files under .git stay ignored, as model_signing ignores them."""
    model, sig = signed
    members = [*s.tar_members_of(model), ("model/.git", None), ("model/.git/HEAD", b"ref: refs/heads/main\n")]
    archive = s.tar_from_members(tmp_path / "git.tar", members)
    assert_verified(verify(archive, sig, key), root_digest=s.subject_digest(sig))


# ---------------------------------------------------------------------------------------------
# Compressed streams
# ---------------------------------------------------------------------------------------------


def test_gzip_members_concatenated_verify(signed, tmp_path, key):
    """One tar split across two gzip members: gzip -d, GNU tar and Python read the concatenation."""
    model, sig = signed
    raw = s.make_archive(model, tmp_path, "tar").read_bytes()
    archive = tmp_path / "two-members.tar.gz"
    archive.write_bytes(gzip.compress(raw[:4096]) + gzip.compress(raw[4096:]))
    assert python_names(archive, mode="r:gz") == python_names(tmp_path / "model.tar")
    assert_verified(verify(archive, sig, key), root_digest=s.subject_digest(sig))


def test_gzip_trailing_garbage(signed, tmp_path, key):
    """gzip -d ignores it with a warning (exit 2), Python's gzip refuses it, libarchive stops silently."""
    model, sig = signed
    archive = s.make_archive(model, tmp_path, "tar.gz")
    archive.write_bytes(archive.read_bytes() + b"garbage after the gzip stream")
    assert subprocess.run(["gzip", "-t", str(archive)], capture_output=True).returncode != 0
    assert_rejected(verify(archive, sig, key), AMBIGUOUS)


def test_gzip_zero_padding_verifies(signed, tmp_path, key):
    """Zeros after the gzip stream (tape blocking): gzip -d, Python and libarchive all ignore them."""
    model, sig = signed
    archive = s.make_archive(model, tmp_path, "tar.gz")
    archive.write_bytes(archive.read_bytes() + bytes(4000))
    assert subprocess.run(["gzip", "-t", str(archive)], capture_output=True).returncode == 0
    assert "model/weights/model.safetensors" in python_names(archive, mode="r:gz")
    assert_verified(verify(archive, sig, key), root_digest=s.subject_digest(sig))


def test_bzip2_trailing_garbage(signed, tmp_path, key):
    """bzip2 -d ignores it with a warning; libarchive stops before it in silence."""
    model, sig = signed
    archive = tmp_path / "g.tar.bz2"
    subprocess.run(["tar", "-cjf", str(archive), "-C", str(model.parent), model.name], check=True)
    archive.write_bytes(archive.read_bytes() + b"not bzip2 data")
    done = subprocess.run(["bzip2", "-t", str(archive)], capture_output=True)
    assert b"trailing garbage" in done.stderr
    assert_rejected(verify(archive, sig, key), AMBIGUOUS)


def test_compressed_tars_concatenated(signed, tmp_path, key):
    """Two gzip'd tars concatenated: one stream holding two archives, the second after the end blocks."""
    model, sig = signed
    first = s.make_archive(model, tmp_path, "tar.gz").read_bytes()
    second = gzip.compress(member(b"model/weights/model.safetensors", EVIL) + END)
    archive = tmp_path / "two.tar.gz"
    archive.write_bytes(first + second)
    assert python_names(archive, mode="r:gz", ignore_zeros=True).count("model/weights/model.safetensors") == 2
    assert_rejected(verify(archive, sig, key), AMBIGUOUS)


def test_xz_trailing_garbage(signed, tmp_path, key):
    model, sig = signed
    archive = tmp_path / "g.tar.xz"
    archive.write_bytes(lzma.compress(s.make_archive(model, tmp_path, "tar").read_bytes()) + b"junk")
    res = verify(archive, sig, key)
    s.assert_refused(res, expect=(1, 2), names=["g.tar.xz"])


# ---------------------------------------------------------------------------------------------
# Benign archives still verify
# ---------------------------------------------------------------------------------------------

LONG = "a-folder-with-a-rather-long-name-" * 2 + "/" + "and-a-file-name-that-is-longer-still-" * 2 + ".bin"


@pytest.fixture(scope="module")
def long_named(tmp_path_factory, key):
    d = tmp_path_factory.mktemp("long-names")
    model = s.make_model(d / "model", {
        "config.json": b"{}\n", LONG: 3000, "\u30e2\u30c7\u30eb/\u91cd\u307f.bin": 1500,
        "caf\u00e9/na\u00efve-" + "\u00e9" * 30 + ".bin": 700, "weights/model.safetensors": 9000,
    })
    sig = d / "model.sig"
    assert s.ms_sign_key(model, key, sig).rc == 0
    assert len(f"model/{LONG}".encode()) > 100
    return model, sig


@pytest.mark.parametrize("fmt", ["gnu", "pax", "ustar-tarfile", "gnu-tarfile", "pax-tarfile"])
@pytest.mark.parametrize("compression", ["", "gz", "xz", "zst", "bz2"])
def test_benign_tars_verify(long_named, tmp_path, key, fmt, compression):
    model, sig = long_named
    plain = tmp_path / "model.tar"
    if fmt in ("gnu", "pax"):
        subprocess.run(["tar", f"--format={fmt}", "-cf", str(plain), "-C", str(model.parent), model.name], check=True)
    else:
        if fmt == "ustar-tarfile":
            # ustar holds at most 255 bytes of name: the long name fits in prefix + name
            tar_format = tarfile.USTAR_FORMAT
        else:
            tar_format = tarfile.GNU_FORMAT if fmt == "gnu-tarfile" else tarfile.PAX_FORMAT
        with tarfile.open(plain, "w", format=tar_format) as t:
            t.add(model, arcname="model")
    archive = plain
    if compression:
        tool = {"gz": "gzip", "xz": "xz", "zst": "zstd", "bz2": "bzip2"}[compression]
        subprocess.run([tool, "-q", "-k", str(plain)], check=True)
        archive = tmp_path / f"model.tar.{compression}"
        assert archive.exists()
    assert len(gnu_names(archive)) >= 6
    assert_verified(verify(archive, sig, key), root_digest=s.subject_digest(sig))


# ---------------------------------------------------------------------------------------------
# stemma scan reads the same tar headers (issue 10, rule 2: reader disagreement is never safe)
# ---------------------------------------------------------------------------------------------

# The pickle a legacy (pre-1.6) `torch.save` tar holds in its `pickle` member, here calling os.system: what
# `pickle.dumps` of a class whose __reduce__ returns (os.system, ("echo stemma-test",)) writes. Never loaded.
EVIL_PICKLE = b"cposix\nsystem\n(S'echo stemma-test'\ntR."


def scan(path):
    res = s.stemma("scan", path, "--format", "json", timeout=TIMEOUT)
    s.assert_no_crash(res)
    (entry,) = res.json()["files"]
    return res, entry


def test_scan_calls_a_conflicting_long_name_malformed(signed, tmp_path):
    model, _ = signed
    archive = tmp_path / "conflict.tar"
    archive.write_bytes(
        model_members(model, skip={"weights/model.safetensors"})
        + long_name(b"model/weights/model.safetensors")
        + pax({b"path": b"model/weights/other.safetensors"})
        + member(b"model/weights/model.safetensors", (model / "weights/model.safetensors").read_bytes())
        + END)
    res, entry = scan(archive)
    assert res.rc == 1 and entry["verdict"] in ("malformed", "dangerous"), res.describe()
    assert any(f["code"] == "scan.container-anomaly" for f in entry["findings"]), res.describe()


def test_scan_sees_the_pickle_a_hard_link_body_hides(tmp_path):
    """A legacy torch tar whose `pickle` member is benign for libarchive, while a hard link's body holds a second
    `pickle` member that GNU tar and Python's tarfile extract over it: the scan calls the file at least malformed
    (the strict tar reader refuses a body on a hard link), never safe."""
    hidden = member(b"pickle", EVIL_PICKLE)
    archive = tmp_path / "legacy-torch.tar"
    with tarfile.open(archive, "w", format=tarfile.GNU_FORMAT) as t:
        for name, data in [("sys_info", b"\x80\x02}q\x00."), ("pickle", b"\x80\x02}q\x00.")]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        info = tarfile.TarInfo("storages")
        info.type = tarfile.LNKTYPE
        info.linkname = "pickle"
        info.size = len(hidden)
        t.addfile(info, io.BytesIO(hidden))
    py = python_extract(archive, tmp_path / "py")
    assert py["pickle"] == EVIL_PICKLE  # what a loader using tarfile would unpickle
    res, entry = scan(archive)
    assert res.rc == 1 and entry["verdict"] in ("malformed", "dangerous"), res.describe()
    assert any(f["code"] == "scan.container-anomaly" for f in entry["findings"]), res.describe()


@pytest.mark.parametrize("fmt", ["gnu", "pax"])
def test_scan_of_a_benign_tar_has_no_anomaly(long_named, tmp_path, fmt):
    model, _ = long_named
    archive = tmp_path / f"benign-{fmt}.tar"
    s.run(["tar", f"--format={fmt}", "-cf", archive, "-C", model.parent, model.name], timeout=TIMEOUT)
    res, entry = scan(archive)
    assert not any(f["code"] == "scan.container-anomaly" for f in entry["findings"]), res.describe()


# ---------------------------------------------------------------------------------------------
# Sparse maps GNU tar reads differently (found by a red-team pass)
# ---------------------------------------------------------------------------------------------


def pax_sparse(name: bytes, realsize: int, ranges: list, stored: bytes) -> bytes:
    """A pax 1.0 sparse member: the map (count, then offset/length pairs, one a line) in the first data block(s)."""
    table = b"%d\n" % len(ranges) + b"".join(b"%d\n%d\n" % r for r in ranges)
    return (pax({b"GNU.sparse.major": b"1", b"GNU.sparse.minor": b"0", b"GNU.sparse.name": name,
                 b"GNU.sparse.realsize": b"%d" % realsize})
            + member(b"GNUSparseFile.0/" + name, padded(table) + stored, magic=USTAR_MAGIC))


@pytest.fixture(scope="module")
def signed_pickle(tmp_path_factory, key):
    d = tmp_path_factory.mktemp("sparse")
    model = d / "m"
    model.mkdir()
    # What Python's tarfile and libarchive unpack from the archive below: a harmless pickle of a bytes object.
    evil = b'cposix\nsystem\n(S"echo stemma-test"\ntR.'
    gnu_body = evil + b" " * (511 - len(evil)) + b"."
    swallow = b"B" + (505 + 511).to_bytes(4, "little") + bytes(505)
    stored = b"\x80\x02" + swallow + gnu_body
    (model / "model.pkl").write_bytes(stored)
    sig = d / "m.sig"
    assert s.ms_sign_key(model, key, sig).rc == 0
    return model, sig, stored, evil


def test_sparse_region_not_filling_whole_blocks(signed_pickle, tmp_path, key):
    """GNU tar reads each sparse region from a fresh 512-byte block; tarfile and libarchive back to back. With a
    2-byte first region GNU tar unpacks a pickle calling posix.system, the others the signed harmless one."""
    model, sig, stored, evil = signed_pickle
    archive = tmp_path / "sparse-unaligned.tar"
    archive.write_bytes(pax_sparse(b"model.pkl", len(stored), [(0, 2), (2, len(stored) - 2)], stored) + END)
    assert python_extract(archive, tmp_path / "py")["model.pkl"] == stored
    _, gnu = gnu_extract(archive, tmp_path / "gnu")
    assert gnu["model.pkl"] != stored and evil in gnu["model.pkl"]
    assert_rejected(verify(archive, sig, key), AMBIGUOUS, path="model.pkl")


def test_sparse_member_ending_in_a_hole_without_closing_entry(tmp_path, key):
    """A sparse map whose last region ends before the real size, with no (realsize, 0) entry: GNU tar writes
    the short file, tarfile and libarchive extend it to the real size."""
    model = tmp_path / "m"
    model.mkdir()
    data = b"sixteen bytes!!\n"
    (model / "s.bin").write_bytes(data + bytes(4096 - len(data)))
    sig = tmp_path / "m.sig"
    assert s.ms_sign_key(model, key, sig).rc == 0
    archive = tmp_path / "hole-end.tar"
    archive.write_bytes(pax_sparse(b"s.bin", 4096, [(0, len(data))], data) + END)
    assert len(python_extract(archive, tmp_path / "py")["s.bin"]) == 4096
    _, gnu = gnu_extract(archive, tmp_path / "gnu")
    assert len(gnu["s.bin"]) == len(data)
    assert_rejected(verify(archive, sig, key), AMBIGUOUS, path="s.bin")
