"""A tiny pickle opcode assembler for the scan corpus.

Every hostile pickle in the corpus is written opcode by opcode with these helpers, never by pickling a live
object that does something: nothing here imports, loads or unpickles anything. Each helper returns the bytes of
one opcode (with its argument); a pickle is the concatenation of helpers, ended by STOP.

The opcode letters and encodings are those of CPython's Lib/pickletools.py.
"""

import struct

# The harmless payload every hostile pickle would run.
CMD = "echo stemma-test"

MARK = b"("
STOP = b"."
POP = b"0"
POP_MARK = b"1"
DUP = b"2"
NONE = b"N"
NEWTRUE = b"\x88"
NEWFALSE = b"\x89"
TUPLE = b"t"
TUPLE1 = b"\x85"
TUPLE2 = b"\x86"
TUPLE3 = b"\x87"
EMPTY_TUPLE = b")"
EMPTY_LIST = b"]"
EMPTY_DICT = b"}"
LIST = b"l"
DICT = b"d"
APPEND = b"a"
APPENDS = b"e"
SETITEM = b"s"
SETITEMS = b"u"
REDUCE = b"R"
BUILD = b"b"
OBJ = b"o"
NEWOBJ = b"\x81"
NEWOBJ_EX = b"\x92"
STACK_GLOBAL = b"\x93"
MEMOIZE = b"\x94"
BINPERSID = b"Q"


def proto(n: int) -> bytes:
    return b"\x80" + bytes([n])


def frame(n: int) -> bytes:
    return b"\x95" + struct.pack("<Q", n)


def global_(module: str, name: str) -> bytes:
    """GLOBAL 'module name' (protocol 0+)."""
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def inst(module: str, name: str) -> bytes:
    """INST: pops the objects after the last MARK and calls module.name with them (protocol 0)."""
    return b"i" + module.encode() + b"\n" + name.encode() + b"\n"


def string0(s: str) -> bytes:
    """STRING with a quoted repr argument (protocol 0)."""
    return b"S" + repr(s).encode("ascii") + b"\n"


def unicode0(s: str) -> bytes:
    """UNICODE, raw-unicode-escape, newline terminated (protocol 0)."""
    return b"V" + s.encode("raw-unicode-escape") + b"\n"


def short_binstring(b: bytes) -> bytes:
    return b"U" + bytes([len(b)]) + b


def binstring(b: bytes) -> bytes:
    return b"T" + struct.pack("<i", len(b)) + b


def binunicode(s: str) -> bytes:
    b = s.encode("utf-8", "surrogatepass")
    return b"X" + struct.pack("<I", len(b)) + b


def short_binunicode(s: str) -> bytes:
    b = s.encode("utf-8")
    assert len(b) < 256
    return b"\x8c" + bytes([len(b)]) + b


def short_binbytes(b: bytes) -> bytes:
    assert len(b) < 256
    return b"C" + bytes([len(b)]) + b


def binbytes(b: bytes) -> bytes:
    return b"B" + struct.pack("<I", len(b)) + b


def binbytes8(b: bytes) -> bytes:
    return b"\x8e" + struct.pack("<Q", len(b)) + b


def bytearray8(b: bytes) -> bytes:
    return b"\x96" + struct.pack("<Q", len(b)) + b


def binint1(n: int) -> bytes:
    return b"K" + bytes([n])


def binint(n: int) -> bytes:
    return b"J" + struct.pack("<i", n)


def int0(n: int) -> bytes:
    return b"I" + str(n).encode() + b"\n"


def long1(n: int) -> bytes:
    """LONG1: a little-endian two's-complement integer of up to 255 bytes."""
    size = (n.bit_length() + 8) // 8
    return b"\x8a" + bytes([size]) + n.to_bytes(size, "little", signed=True)


def binput(i: int) -> bytes:
    return b"q" + bytes([i])


def long_binput(i: int) -> bytes:
    return b"r" + struct.pack("<I", i)


def put0(i: int) -> bytes:
    return b"p" + str(i).encode() + b"\n"


def binget(i: int) -> bytes:
    return b"h" + bytes([i])


def long_binget(i: int) -> bytes:
    return b"j" + struct.pack("<I", i)


def get0(i: int) -> bytes:
    return b"g" + str(i).encode() + b"\n"


def ext1(code: int) -> bytes:
    return b"\x82" + bytes([code])


def text(s: str, protocol: int) -> bytes:
    """A str constant in the encoding a pickler of that protocol would use."""
    if protocol == 0:
        return unicode0(s)
    if protocol < 4:
        return binunicode(s)
    return short_binunicode(s) if len(s.encode()) < 256 else binunicode(s)


def data(b: bytes, protocol: int) -> bytes:
    """A bytes constant (protocol 3+: BINBYTES family)."""
    assert protocol >= 3
    return short_binbytes(b) if len(b) < 256 else binbytes(b)


def import_(module: str, name: str, protocol: int) -> bytes:
    """The import a pickler of that protocol would write: GLOBAL below 4, STACK_GLOBAL from 4 on."""
    if protocol < 4:
        return global_(module, name)
    return short_binunicode(module) + MEMOIZE + short_binunicode(name) + MEMOIZE + STACK_GLOBAL + MEMOIZE


def tuple_of(items: list, protocol: int) -> bytes:
    """A tuple of already-encoded items (TUPLE1..3 from protocol 2, MARK...TUPLE otherwise)."""
    if protocol >= 2 and len(items) == 0:
        return EMPTY_TUPLE
    if protocol >= 2 and len(items) <= 3:
        return b"".join(items) + (TUPLE1, TUPLE2, TUPLE3)[len(items) - 1]
    return MARK + b"".join(items) + TUPLE


def call(module: str, name: str, args: list, protocol: int) -> bytes:
    """module.name(*args) with REDUCE; args are already-encoded items."""
    return import_(module, name, protocol) + tuple_of(args, protocol) + REDUCE


def wrap(body: bytes, protocol: int) -> bytes:
    """A complete pickle: PROTO (protocol 2+), a FRAME (4+), the body and STOP."""
    if protocol < 2:
        return body + STOP
    if protocol < 4:
        return proto(protocol) + body + STOP
    inner = body + STOP
    return proto(protocol) + frame(len(inner)) + inner
