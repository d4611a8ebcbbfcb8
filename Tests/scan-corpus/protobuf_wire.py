"""A minimal protobuf wire-format encoder for the hand-written TensorFlow SavedModel samples."""

import struct


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(number: int, value: int) -> bytes:
    return varint(number << 3 | 0) + varint(value)


def field_bytes(number: int, value) -> bytes:
    if isinstance(value, str):
        value = value.encode()
    return varint(number << 3 | 2) + varint(len(value)) + value


def field_fixed32(number: int, value: float) -> bytes:
    return varint(number << 3 | 5) + struct.pack("<f", value)


# tensorflow/core/framework/{node_def,graph_def,attr_value}.proto and protobuf/{meta_graph,saved_model}.proto


def attr_entry(key: str, attr_value: bytes) -> bytes:
    """NodeDef.attr map entry: key=1, value=2 (AttrValue)."""
    return field_bytes(5, field_bytes(1, key) + field_bytes(2, attr_value))


def attr_string(s: str) -> bytes:
    return field_bytes(2, s)  # AttrValue.s


def attr_type(dtype: int) -> bytes:
    return field_varint(6, dtype)  # AttrValue.type


def node(name: str, op: str, inputs=(), attrs=b"") -> bytes:
    """NodeDef: name=1, op=2, input=3, attr=5."""
    body = field_bytes(1, name) + field_bytes(2, op)
    for i in inputs:
        body += field_bytes(3, i)
    return body + attrs


def saved_model(nodes, tags=("serve",)) -> bytes:
    """SavedModel(saved_model_schema_version=1, meta_graphs=2) -> MetaGraphDef(meta_info_def=1, graph_def=2)
    -> GraphDef(node=1, versions=4)."""
    graph = b"".join(field_bytes(1, n) for n in nodes) + field_bytes(4, field_varint(1, 1286))
    meta_info = b"".join(field_bytes(4, t) for t in tags) + field_bytes(5, "2.15.0")  # tags=4, tensorflow_version=5
    meta_graph = field_bytes(1, meta_info) + field_bytes(2, graph)
    return field_varint(1, 1) + field_bytes(2, meta_graph)
