"""Zip bundles that common readers unpack differently must fail `stemma verify` with
`integrity.ambiguous-archive` (exit 1), and `stemma scan` must call them malformed.

Issue 9's rule: a verified bundle is exactly what every loader unpacks. Each case starts from a
model signed by the real model_signing and packed by Python's `zipfile` (or Info-ZIP `zip`), then
patches bytes the way an attacker would. Every case also records what Python's `zipfile` and
Info-ZIP `unzip` (and, where it matters, GNU tar or a streaming local-header reader such as
libarchive's) extract, so the test shows the disagreement it guards. Benign zips written by
`zipfile` and by `zip`, with and without data descriptors, still verify (exit 0).
"""

import io
import pathlib
import shutil
import struct
import subprocess
import zipfile
from dataclasses import dataclass

import pytest

import support as s
from support import assert_rejected, assert_verified, stemma, stemma_verify

CODE = "integrity.ambiguous-archive"
EOCD = b"PK\x05\x06"
LOCAL = b"PK\x03\x04"
EVIL = b"tampered weights " * 100
# os.system("id") at protocol 2 (GLOBAL, BINUNICODE, TUPLE1, REDUCE), for the scan cases.
MALICIOUS_PICKLE = b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R."


@dataclass
class Signed:
    model: pathlib.Path
    sig: pathlib.Path
    zip: bytes                # the model packed by zipfile, entries under model/
    files: dict               # archive name -> signed bytes


@pytest.fixture(scope="module")
def signed(tmp_path_factory, key):
    d = tmp_path_factory.mktemp("zip-ambiguity")
    model = s.make_model(d / "model", {"config.json": b'{"hidden": 8}\n', "weights/a.bin": 5000,
                                       "weights/b.bin": 4000})
    sig = d / "model.sig"
    s.ms_sign_key(model, key, sig)
    archive = s.make_archive(model, d, "zip")
    files = {f"model/{p.relative_to(model).as_posix()}": p.read_bytes()
             for p in sorted(model.rglob("*")) if p.is_file()}
    return Signed(model, sig, archive.read_bytes(), files)


# ---------------------------------------------------------------------------------------------
# What the readers see
# ---------------------------------------------------------------------------------------------


def zipfile_view(path: pathlib.Path):
    """{name: bytes} as Python's zipfile extracts them (the last of a repeated name wins), or the
    error it raises."""
    try:
        with zipfile.ZipFile(path) as z:
            return {i.filename: z.read(i) for i in z.infolist() if not i.is_dir()}
    except Exception as e:  # BadZipFile, and whatever a hostile archive provokes
        return f"{type(e).__name__}: {e}"


def unzip_view(path: pathlib.Path, dest: pathlib.Path):
    """(exit status, {name: bytes}) as Info-ZIP unzip extracts them (overwriting repeats)."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    res = s.run(["unzip", "-o", "-qq", path, "-d", dest], timeout=30)
    assert not res.timed_out, res.describe()
    return res.rc, {p.relative_to(dest).as_posix(): p.read_bytes() for p in sorted(dest.rglob("*"))
                    if p.is_file()}


def streaming_view(blob: bytes) -> dict:
    """{name: bytes} as a streaming reader (libarchive without seeking, stream-unzip) sees the
    file: local headers front to back, sizes from the local header, stored or deflated."""
    import zlib
    out, pos = {}, 0
    while blob.startswith(LOCAL, pos):
        flags, method, _t, _d, _crc, csize, _usize, nl, el = struct.unpack_from("<HHHHIIIHH", blob, pos + 6)
        name = blob[pos + 30:pos + 30 + nl].decode("utf-8", "replace")
        start = pos + 30 + nl + el
        if method == 8:
            d = zlib.decompressobj(-15)
            data = d.decompress(blob[start:])
            csize = len(blob) - start - len(d.unused_data)
        else:
            data = blob[start:start + csize]
        if not name.endswith("/"):
            out.setdefault(name, data)
        pos = start + csize + (16 if flags & 8 else 0)
    return out


@dataclass
class Entry:
    pos: int      # central-directory record offset
    local: int    # local header offset
    name: bytes
    length: int   # bytes of the central record


def directory(blob: bytes):
    """(end record offset, directory offset, directory size, entries) of a zip without a prefix."""
    eocd = blob.rfind(EOCD)
    count, size, offset = struct.unpack_from("<HII", blob, eocd + 10)
    entries, pos = [], offset
    for _ in range(count):
        nl, el, cl = struct.unpack_from("<HHH", blob, pos + 28)
        local = struct.unpack_from("<I", blob, pos + 42)[0]
        entries.append(Entry(pos, local, blob[pos + 46:pos + 46 + nl], 46 + nl + el + cl))
        pos += 46 + nl + el + cl
    return eocd, offset, size, entries


def entry(blob: bytes, name: str) -> Entry:
    return next(e for e in directory(blob)[3] if e.name == name.encode())


def with_directory(blob: bytes, records: list) -> bytes:
    """The zip with its central directory replaced by `records` (raw central records), the end
    record's count, size and offset fixed to match."""
    eocd, offset, size, _ = directory(blob)
    body = b"".join(records)
    end = bytearray(blob[eocd:])
    struct.pack_into("<HHII", end, 8, len(records), len(records), len(body), offset)
    return blob[:offset] + body + bytes(end)


def write(tmp_path: pathlib.Path, name: str, blob: bytes) -> pathlib.Path:
    path = tmp_path / name
    path.write_bytes(blob)
    return path


def verify(path, signed_: Signed, key):
    return stemma_verify(path, "--signature", signed_.sig, "--public-key", key.public, timeout=30)


def assert_ambiguous(res, kind: str, member: str = None) -> None:
    """Exit 1, an integrity.ambiguous-archive finding naming `kind` (and `member`)."""
    assert_rejected(res, CODE)
    found = [f for f in res.json()["findings"] if f.get("code") == CODE and f"({kind})" in f.get("message", "")]
    assert found, f"expected a {CODE} finding for {kind}\n" + res.describe()
    assert all(f.get("severity") == "error" for f in found), res.describe()
    if member is not None:
        assert any(member in f.get("message", "") for f in found), res.describe()


# ---------------------------------------------------------------------------------------------
# The two attacks of issue 9
# ---------------------------------------------------------------------------------------------


def test_central_directory_swaps_two_names(signed, tmp_path, key):
    blob = bytearray(signed.zip)
    a, b = entry(signed.zip, "model/weights/a.bin"), entry(signed.zip, "model/weights/b.bin")
    blob[a.pos + 46:a.pos + 46 + len(a.name)] = b.name
    blob[b.pos + 46:b.pos + 46 + len(b.name)] = a.name
    path = write(tmp_path, "swapped.zip", bytes(blob))

    rc, unzipped = unzip_view(path, tmp_path / "unzip")
    assert unzipped["model/weights/a.bin"] == signed.files["model/weights/b.bin"], "unzip swaps the shards"
    assert "File name in directory" in zipfile_view(path), "zipfile refuses the mismatch"
    assert streaming_view(bytes(blob))["model/weights/a.bin"] == signed.files["model/weights/a.bin"]

    assert_ambiguous(verify(path, signed, key), "local-header", "model/weights/a.bin")


def test_signed_tar_with_a_zip_appended(signed, tmp_path, key):
    evil = tmp_path / "evil" / "model"
    shutil.copytree(signed.model, evil)
    (evil / "weights/a.bin").write_bytes(EVIL)
    tar = s.make_archive(evil, tmp_path, "tar")
    path = write(tmp_path, "bundle.zip", tar.read_bytes() + signed.zip)

    out = tmp_path / "tar-x"
    out.mkdir()
    s.run(["tar", "-xf", path, "-C", out], timeout=30)
    assert (out / "model/weights/a.bin").read_bytes() == EVIL, "GNU tar unpacks the tar in front"
    assert zipfile_view(path)["model/weights/a.bin"] == signed.files["model/weights/a.bin"]
    assert unzip_view(path, tmp_path / "unzip")[1]["model/weights/a.bin"] == signed.files["model/weights/a.bin"]

    assert_ambiguous(verify(path, signed, key), "unaccounted-bytes")


# ---------------------------------------------------------------------------------------------
# End records
# ---------------------------------------------------------------------------------------------


def evil_zip(signed_: Signed, comment: bytes = b"") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in signed_.files.items():
            z.writestr(name, EVIL if name.endswith("a.bin") else data)
        z.writestr("model/evil.pkl", MALICIOUS_PICKLE)
        z.comment = comment
    return buf.getvalue()


def test_second_zip_inside_the_archive_comment(signed, tmp_path, key):
    """An evil zip whose comment holds the signed zip: zipfile and unzip take the last end
    record (the signed zip); a streaming reader unpacks the evil one in front."""
    blob = evil_zip(signed, comment=signed.zip)
    path = write(tmp_path, "comment.zip", blob)

    assert zipfile_view(path)["model/weights/a.bin"] == signed.files["model/weights/a.bin"]
    assert unzip_view(path, tmp_path / "unzip")[1]["model/weights/a.bin"] == signed.files["model/weights/a.bin"]
    assert streaming_view(blob)["model/weights/a.bin"] == EVIL

    res = verify(path, signed, key)
    assert_ambiguous(res, "end-record")
    assert_ambiguous(res, "unaccounted-bytes")


def test_scan_reads_both_views(signed, tmp_path):
    """`stemma scan` scans the other end record's archive too: the malicious pickle hidden in the
    zip in front is found, though zipfile's view holds only the signed files."""
    path = write(tmp_path, "comment.zip", evil_zip(signed, comment=signed.zip))
    assert "model/evil.pkl" not in zipfile_view(path)
    res = stemma("scan", path, "--format", "json", timeout=30)
    s.assert_no_crash(res)
    assert res.rc == 1, res.describe()
    report = res.json()
    (entry_,) = report["files"]
    assert entry_["verdict"] == "dangerous", res.describe()
    assert any(f.get("member") == ["model/evil.pkl"] and f.get("verdict") == "dangerous"
               for f in entry_["findings"]), res.describe()
    assert any(f.get("code") == "scan.container-anomaly" and f.get("verdict") == "malformed"
               for f in entry_["findings"]), res.describe()


def test_bytes_after_the_end_record(signed, tmp_path, key):
    path = write(tmp_path, "trailing.zip", signed.zip + b"trailing bytes no reader accounts for")
    assert zipfile_view(path)["model/weights/a.bin"] == signed.files["model/weights/a.bin"]
    assert unzip_view(path, tmp_path / "unzip")[1]["model/weights/a.bin"] == signed.files["model/weights/a.bin"]
    assert_ambiguous(verify(path, signed, key), "trailing-bytes")


def test_end_record_count_disagrees_with_the_directory(signed, tmp_path, key):
    blob = bytearray(signed.zip)
    eocd, _, _, entries = directory(signed.zip)
    struct.pack_into("<HH", blob, eocd + 8, len(entries) - 1, len(entries) - 1)
    path = write(tmp_path, "count.zip", bytes(blob))
    assert len(zipfile_view(path)) == len(signed.files), "zipfile reads the directory by its size"
    rc, _ = unzip_view(path, tmp_path / "unzip")
    assert rc != 0, "unzip goes by the count and stops with an error"
    assert_ambiguous(verify(path, signed, key), "directory")


def zip64_end(blob: bytes, locator_offset=None) -> bytes:
    """The zip with a zip64 end record and locator inserted before its end record (values equal
    to the end record's). `locator_offset` overrides where the locator says the record is."""
    eocd, offset, size, entries = directory(blob)
    record = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(entries), len(entries), size, offset)
    locator = struct.pack("<IIQI", 0x07064B50, 0, eocd if locator_offset is None else locator_offset, 1)
    return blob[:eocd] + record + locator + blob[eocd:]


def test_zip64_records_that_agree_verify(signed, tmp_path, key):
    path = write(tmp_path, "zip64.zip", zip64_end(signed.zip))
    assert zipfile_view(path) == signed.files
    assert_verified(verify(path, signed, key), root_digest=s.subject_digest(signed.sig))


def test_zip64_locator_points_elsewhere(signed, tmp_path, key):
    """CPython reads the zip64 record right before the locator; miniz follows the locator."""
    path = write(tmp_path, "zip64-locator.zip", zip64_end(signed.zip, locator_offset=0))
    assert zipfile_view(path) == signed.files
    assert_ambiguous(verify(path, signed, key), "zip64")


# ---------------------------------------------------------------------------------------------
# Local headers against the central directory
# ---------------------------------------------------------------------------------------------


def test_local_crc_disagrees(signed, tmp_path, key):
    blob = bytearray(signed.zip)
    a = entry(signed.zip, "model/weights/a.bin")
    struct.pack_into("<I", blob, a.local + 14, struct.unpack_from("<I", blob, a.local + 14)[0] ^ 1)
    path = write(tmp_path, "local-crc.zip", bytes(blob))
    assert zipfile_view(path)["model/weights/a.bin"] == signed.files["model/weights/a.bin"]
    rc, _ = unzip_view(path, tmp_path / "unzip")
    assert rc != 0, "unzip checks the local header's CRC and reports an error"
    assert_ambiguous(verify(path, signed, key), "local-header", "model/weights/a.bin")


def test_local_sizes_disagree(signed, tmp_path, key):
    blob = bytearray(signed.zip)
    a = entry(signed.zip, "model/weights/a.bin")
    struct.pack_into("<I", blob, a.local + 22, 1)  # uncompressed size in the local header
    path = write(tmp_path, "local-size.zip", bytes(blob))
    assert zipfile_view(path)["model/weights/a.bin"] == signed.files["model/weights/a.bin"]
    assert_ambiguous(verify(path, signed, key), "local-header", "model/weights/a.bin")


def test_crc_wrong_in_both_records(signed, tmp_path, key):
    """The bytes are the signed ones, so every digest matches; but zipfile refuses the member and
    unzip reports an error: a loader fails or not depending on which one it uses."""
    blob = bytearray(signed.zip)
    a = entry(signed.zip, "model/weights/a.bin")
    crc = struct.unpack_from("<I", blob, a.pos + 16)[0] ^ 1
    struct.pack_into("<I", blob, a.pos + 16, crc)
    struct.pack_into("<I", blob, a.local + 14, crc)
    path = write(tmp_path, "crc.zip", bytes(blob))
    assert "Bad CRC-32" in zipfile_view(path)
    rc, unzipped = unzip_view(path, tmp_path / "unzip")
    assert rc != 0 and unzipped["model/weights/a.bin"] == signed.files["model/weights/a.bin"]
    res = verify(path, signed, key)
    assert_ambiguous(res, "member-data", "model/weights/a.bin")
    assert "integrity.digest-mismatch" not in s.codes(res), res.describe()


# ---------------------------------------------------------------------------------------------
# Members: layout and names
# ---------------------------------------------------------------------------------------------


def test_repeated_name(signed, tmp_path, key):
    path = write(tmp_path, "dup.zip", signed.zip)
    with zipfile.ZipFile(path, "a") as z, pytest.warns(UserWarning, match="Duplicate name"):
        z.writestr("model/weights/a.bin", EVIL)
    assert zipfile_view(path)["model/weights/a.bin"] == EVIL, "zipfile takes the last"
    assert unzip_view(path, tmp_path / "unzip")[1]["model/weights/a.bin"] == EVIL, "unzip -o overwrites"
    assert_ambiguous(verify(path, signed, key), "duplicate-name", "model/weights/a.bin")


def test_local_header_outside_the_directory(signed, tmp_path, key):
    """A member written and then dropped from the central directory: zipfile and unzip never see
    it, a streaming reader unpacks it."""
    buf = io.BytesIO(signed.zip)
    with zipfile.ZipFile(buf, "a") as z:
        z.writestr("model/weights/hidden.py", b"import os; os.system('id')\n")
    blob = buf.getvalue()
    records = [blob[e.pos:e.pos + e.length] for e in directory(blob)[3] if e.name != b"model/weights/hidden.py"]
    blob = with_directory(blob, records)
    path = write(tmp_path, "hidden.zip", blob)
    assert zipfile_view(path) == signed.files
    assert "model/weights/hidden.py" not in unzip_view(path, tmp_path / "unzip")[1]
    assert "model/weights/hidden.py" in streaming_view(blob)
    assert_ambiguous(verify(path, signed, key), "unreferenced-local-header")


def test_two_entries_share_one_member(signed, tmp_path, key):
    """Two central entries point at one local header: the bytes of a.bin are unpacked under two names."""
    blob = signed.zip
    a = entry(blob, "model/weights/a.bin")
    copy = bytearray(blob[a.pos:a.pos + a.length])
    copy[46:46 + len(a.name)] = b"model/weights/c.bin"
    records = [blob[e.pos:e.pos + e.length] for e in directory(blob)[3]] + [bytes(copy)]
    path = write(tmp_path, "overlap.zip", with_directory(blob, records))
    # Debian's unzip extracts the others, then stops at the overlap (its zip-bomb check); zipfile
    # refuses c.bin for the name in its local header; miniz and libarchive's seeking reader do not check.
    rc, unzipped = unzip_view(path, tmp_path / "unzip")
    assert rc != 0 and "model/weights/c.bin" not in unzipped and "model/weights/a.bin" in unzipped
    assert "File name in directory" in zipfile_view(path)
    assert_ambiguous(verify(path, signed, key), "overlap", "model/weights/c.bin")


def test_members_listed_out_of_order(signed, tmp_path, key):
    """Same files for zipfile and unzip, but in another order than a streaming reader meets them:
    with a repeated name, the order decides which copy wins."""
    blob = signed.zip
    entries = directory(blob)[3]
    records = [blob[e.pos:e.pos + e.length] for e in entries]
    records[-1], records[-2] = records[-2], records[-1]
    path = write(tmp_path, "order.zip", with_directory(blob, records))
    assert zipfile_view(path) == signed.files
    with zipfile.ZipFile(path) as z:
        assert [i.filename for i in z.infolist()][-2:] == ["model/weights/b.bin", "model/weights/a.bin"]
    assert list(streaming_view(blob))[-2:] == ["model/weights/a.bin", "model/weights/b.bin"]
    assert_ambiguous(verify(path, signed, key), "order")


def test_name_not_marked_utf8(tmp_path, key):
    """Info-ZIP zip stores a UTF-8 name without the UTF-8 flag: Python's zipfile decodes it as
    CP437, unzip as UTF-8: two different file names."""
    model = s.make_model(tmp_path / "model", {"caf\u00e9.txt": b"caf\xc3\xa9\n", "weights.bin": 3000})
    sig = tmp_path / "model.sig"
    s.ms_sign_key(model, key, sig)
    path = tmp_path / "infozip.zip"
    s.run(["env", "LC_ALL=C.UTF-8", "zip", "-qr", path, "model"], cwd=tmp_path, timeout=30)
    assert "model/caf\u251c\u2310.txt" in zipfile_view(path), "zipfile: CP437"
    assert "model/caf\u00e9.txt" in unzip_view(path, tmp_path / "unzip")[1], "unzip: UTF-8"
    res = stemma_verify(path, "--signature", sig, "--public-key", key.public, timeout=30)
    assert_ambiguous(res, "name", "caf\u00e9.txt")


def test_data_descriptor_disagrees(signed, tmp_path, key):
    """Info-ZIP zip writing to a pipe adds data descriptors (streaming readers take the sizes from
    them); one that disagrees with the central directory is ignored by zipfile."""
    blob = bytearray(subprocess.run(["zip", "-qr", "-", "model"], cwd=signed.model.parent, check=True,
                                    capture_output=True).stdout)
    a = entry(bytes(blob), "model/weights/a.bin")
    assert struct.unpack_from("<H", blob, a.pos + 8)[0] & 8, "zip to a pipe writes data descriptors"
    descriptor = blob.index(b"PK\x07\x08", a.local)
    struct.pack_into("<I", blob, descriptor + 4, struct.unpack_from("<I", blob, descriptor + 4)[0] ^ 1)
    path = write(tmp_path, "descriptor.zip", bytes(blob))
    assert zipfile_view(path)["model/weights/a.bin"] == signed.files["model/weights/a.bin"]
    assert_ambiguous(verify(path, signed, key), "data-descriptor", "model/weights/a.bin")


# ---------------------------------------------------------------------------------------------
# Benign zips still verify, and the scan calls an ambiguous zip malformed
# ---------------------------------------------------------------------------------------------


def python_stream_zip(model: pathlib.Path, out: pathlib.Path) -> pathlib.Path:
    """zipfile writing to a stream it cannot seek: every member has a data descriptor."""
    class Unseekable(io.RawIOBase):
        def __init__(self, f):
            self.f = f

        def writable(self):
            return True

        def write(self, b):
            return self.f.write(b)

    with open(out, "wb") as f, zipfile.ZipFile(Unseekable(f), "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(model.rglob("*")):
            if p.is_file():
                z.write(p, f"{model.name}/{p.relative_to(model).as_posix()}")
    return out


@pytest.mark.parametrize("maker", ["zipfile", "zipfile-flat", "zipfile-stream", "zip", "zip-flat", "zip-pipe"])
def test_benign_zips_verify(signed, tmp_path, key, maker):
    model = signed.model
    if maker == "zipfile":
        path = s.make_archive(model, tmp_path, "zip")
    elif maker == "zipfile-flat":
        path = s.make_archive(model, tmp_path, "zip", toplevel=False)
    elif maker == "zipfile-stream":
        path = python_stream_zip(model, tmp_path / "stream.zip")
    elif maker == "zip":
        path = tmp_path / "infozip.zip"
        s.run(["zip", "-qr", path, model.name], cwd=model.parent, timeout=30)
    elif maker == "zip-flat":
        path = tmp_path / "infozip-flat.zip"
        s.run(["zip", "-qr", path, "."], cwd=model, timeout=30)
    else:
        path = write(tmp_path, "pipe.zip", subprocess.run(["zip", "-qr", "-", model.name], cwd=model.parent,
                                                          check=True, capture_output=True).stdout)
    assert path.exists()
    assert_verified(verify(path, signed, key), root_digest=s.subject_digest(signed.sig))


def test_scan_calls_an_ambiguous_zip_malformed(signed, tmp_path):
    blob = bytearray(signed.zip)
    a, b = entry(signed.zip, "model/weights/a.bin"), entry(signed.zip, "model/weights/b.bin")
    blob[a.pos + 46:a.pos + 46 + len(a.name)] = b.name
    blob[b.pos + 46:b.pos + 46 + len(b.name)] = a.name
    path = write(tmp_path, "swapped.zip", bytes(blob))
    res = stemma("scan", path, "--format", "json", timeout=30)
    s.assert_no_crash(res)
    assert res.rc == 1, res.describe()
    (entry_,) = res.json()["files"]
    assert entry_["verdict"] == "malformed", res.describe()
    assert any(f.get("code") == "scan.container-anomaly" and f.get("member") == ["model/weights/a.bin"]
               for f in entry_["findings"]), res.describe()
    clean = stemma("scan", write(tmp_path, "clean.zip", signed.zip), "--format", "json", timeout=30)
    # The twin's random `.bin` weights are `scan.not-a-model-file` (no loader reads them), but nothing is ambiguous.
    (clean_entry,) = clean.json()["files"]
    assert clean_entry["verdict"] != "dangerous", clean.describe()
    assert not any(f["code"] == "scan.container-anomaly" for f in clean_entry["findings"]), clean.describe()
