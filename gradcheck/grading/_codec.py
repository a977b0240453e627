"""Plain data from the student's process to the grader, decoded without running its code.

The grader must never unpickle what the student's process sends (unpickling runs code of
the sender's choosing). Values travel as a JSON tree plus the raw bytes of the arrays:
`None`, `bool`, `int`, `float`, `str`, `list`, `tuple`, `dict` and numeric numpy arrays
(bool, integers, floats, complex). What arrives is a plain `numpy.ndarray` of the base
class, writable and owning its data, whatever subclass the student built, and Python
scalars of the built-in types: no `.shape` that lies, no `__eq__` that always agrees.
"""

from __future__ import annotations

import json
import math
import struct
from typing import Any

_HEADER = struct.Struct(">I")
_KINDS = "biufc"  # bool, signed, unsigned, float, complex: numbers only, never objects
_MAX_DEPTH = 64
_MAX_NODES = 1_000_000


class UnsupportedValue(TypeError):
    """A value that is not plain data (a class instance, a function, a generator ...)."""


def encode(value: Any) -> bytes:
    """`value` as bytes for `decode`.

    **Raises:** `UnsupportedValue` naming the first value that is not plain data.
    """
    import numpy as np

    buffers: list[bytes] = []

    def node(item: Any, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise UnsupportedValue(f"nested more than {_MAX_DEPTH} deep")
        if item is None:
            return ["none"]
        if isinstance(item, bool | np.bool_):
            return ["bool", bool(item)]
        if isinstance(item, int | np.integer):
            return ["int", str(int(item))]
        if isinstance(item, float | np.floating):
            return ["float", float(item).hex()]
        if isinstance(item, complex | np.complexfloating):
            return ["complex", complex(item).real.hex(), complex(item).imag.hex()]
        if isinstance(item, str):
            return ["str", str(item)]
        if isinstance(item, np.ndarray):
            array = np.ascontiguousarray(np.asarray(item))  # the base class, C order
            if array.dtype.kind not in _KINDS:
                raise UnsupportedValue(f"an array of dtype {array.dtype}")
            buffers.append(array.tobytes())
            return ["array", array.dtype.str, list(array.shape)]
        if isinstance(item, tuple | list):
            kind = "tuple" if isinstance(item, tuple) else "list"
            return [kind, [node(x, depth + 1) for x in item]]
        if isinstance(item, dict):
            return ["dict", [[node(k, depth + 1), node(v, depth + 1)] for k, v in item.items()]]
        raise UnsupportedValue(f"a {type(item).__module__}.{type(item).__qualname__}")

    header = json.dumps(node(value, 0)).encode()
    return _HEADER.pack(len(header)) + header + b"".join(buffers)


def decode(data: bytes) -> Any:
    """The value `encode` wrote, rebuilt from plain data only.

    **Raises:** `ValueError` for anything malformed.
    """
    import numpy as np

    (size,) = _HEADER.unpack_from(data)
    tree = json.loads(data[_HEADER.size : _HEADER.size + size])
    offset = _HEADER.size + size
    nodes = 0

    def build(item: Any) -> Any:
        nonlocal offset, nodes
        nodes += 1
        if nodes > _MAX_NODES or not isinstance(item, list) or not item:
            raise ValueError("malformed message")
        kind = item[0]
        if kind == "none":
            return None
        if kind == "bool":
            return bool(item[1])
        if kind == "int":
            return int(str(item[1]))
        if kind == "float":
            return float.fromhex(str(item[1]))
        if kind == "complex":
            return complex(float.fromhex(str(item[1])), float.fromhex(str(item[2])))
        if kind == "str":
            return str(item[1])
        if kind == "array":
            dtype = np.dtype(str(item[1]))
            shape = tuple(int(n) for n in item[2])
            if dtype.kind not in _KINDS or any(n < 0 for n in shape):
                raise ValueError("malformed array")
            length = math.prod(shape) * dtype.itemsize
            if offset + length > len(data):
                raise ValueError("truncated array")
            array = np.frombuffer(data, dtype, math.prod(shape), offset).reshape(shape)
            offset += length
            return array.copy()  # writable, owning its memory
        if kind in ("list", "tuple"):
            items = [build(x) for x in item[1]]
            return tuple(items) if kind == "tuple" else items
        if kind == "dict":
            return {build(k): build(v) for k, v in item[1]}
        raise ValueError(f"unknown kind {kind!r}")

    value = build(tree)
    if offset != len(data):
        raise ValueError("trailing bytes")
    return value
