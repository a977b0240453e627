"""The course's dimension rules for whole dicts: parameters, gradients, caches.

Every entry of `../shared/NOTATION.md`'s table is checked, never a sample, and every
violation is reported in course notation with where its symbols got their values.
"""

import typing
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from ._notation import format_expected, rule_note, shape_hint
from ._report import ShapeReport, Violation

Convention = Literal["standard", "transposed"]


def convention_note(convention: str) -> str:
    """The sentence that says which weight convention a message assumes."""
    if convention == "transposed":
        return (
            " (Transposed convention: W[l] is stored as (n[l-1], n[l]) and used as"
            " Z = W.T @ A + b.)"
        )
    return (
        " (Standard convention: W[l] is (n[l], n[l-1]) and Z = W @ A + b; pass"
        ' convention="transposed" if your weights are stored as (n[l-1], n[l]).)'
    )


def check_convention(convention: str) -> Convention:
    """Validate a `convention` argument."""
    if convention not in ("standard", "transposed"):
        raise ValueError(
            f'convention must be "standard" (W[l] is (n[l], n[l-1])) or "transposed"'
            f" (W[l] is (n[l-1], n[l])): got {convention!r}."
        )
    return typing.cast(Convention, convention)


def check_layer_dims(layer_dims: Any) -> list[int]:
    """Validate `layer_dims = [n[0], n[1], ..., n[L]]` and return it as a list of ints."""
    try:
        dims = [int(n) for n in layer_dims]
        exact = all(int(n) == n for n in layer_dims)
    except (TypeError, ValueError) as e:
        raise ValueError(
            f"layer_dims must be a list of layer sizes [n[0], n[1], ..., n[L]]: got {layer_dims!r}."
        ) from e
    if len(dims) < 2 or not exact or min(dims) < 1:
        raise ValueError(
            "layer_dims must list at least two positive sizes [n[0], n[1], ..., n[L]]:"
            f" got {layer_dims!r}."
        )
    return dims


def weight_symbols(layer: int, convention: str) -> list[str]:
    """`W[l]`'s shape in symbols: `[n[l], n[l-1]]`, or swapped for the transposed convention."""
    rows, cols = f"n[{layer}]", f"n[{layer - 1}]"
    return [cols, rows] if convention == "transposed" else [rows, cols]


def weight_shape(layer_dims: Sequence[int], layer: int, convention: str) -> tuple[int, int]:
    """`W[l]`'s shape from `layer_dims` in the given convention."""
    rows, cols = layer_dims[layer], layer_dims[layer - 1]
    return (cols, rows) if convention == "transposed" else (rows, cols)


class Checker:
    """Collects violations while rules are applied one entry at a time."""

    def __init__(self, what: str, convention: str) -> None:
        self.what = what
        self.convention = convention
        self.checked = 0
        self.violations: list[Violation] = []

    def expect(
        self,
        key: str,
        name: str,
        value: Any,
        symbols: list[str],
        values: list[int | None],
        origin: str = "",
        note: str = "",
        prefix: str = "",
    ) -> bool:
        """Check one entry's shape; record a violation and return `False` if it is wrong.

        **Arguments:**

        - `key`: the entry as the code names it (`"W2"`); used in fix hints.
        - `name`: the entry in course notation (`"W[2]"`).
        - `value`: the entry (an array, or anything else, which is a violation).
        - `symbols`/`values`: the expected shape, e.g. `["n[2]", "1"]`, `[3, 1]`.
        - `origin`: where the values came from (`"n[2] = 3 from layer_dims"`).
        - `note`: a sentence appended to a violation (the weight convention).
        - `prefix`: the function the check runs for (`"linear_forward: "`).
        """
        self.checked += 1
        want = format_expected(symbols, values)
        shape = getattr(value, "shape", None)
        if not isinstance(shape, tuple):
            got = "it is missing" if value is None else f"got {type(value).__name__}"
            message = f"{prefix}{name} must be an array {want}: {got}."
            self.violations.append(Violation(key, name, want, None, message))
            return False
        if len(shape) == len(values) and all(
            v is None or v == s for v, s in zip(values, shape, strict=True)
        ):
            return True
        message = f"{prefix}{name} must be {want}: got {shape}"
        if origin:
            message += f" ({origin})"
        hint = shape_hint(key, shape, values) or rule_note(name, self.convention)
        message += "." + hint + note
        self.violations.append(Violation(key, name, want, shape, message))
        return False

    def missing(self, key: str, name: str, want: str, prefix: str = "") -> None:
        self.checked += 1
        message = f"{prefix}{name} is missing: expected an array {want} under the key {key!r}."
        self.violations.append(Violation(key, name, want, None, message))

    def report(self) -> ShapeReport:
        return ShapeReport(self.what, self.checked, tuple(self.violations), self.convention)


def dims_origin(layer_dims: Sequence[int], layers: Sequence[int], source: str) -> str:
    """`"n[2] = 3, n[1] = 4 from layer_dims"` for the layers a rule uses."""
    parts = [f"n[{i}] = {layer_dims[i]}" for i in layers]
    return ", ".join(parts) + f" from {source}"


def check_parameters(
    parameters: Mapping[str, Any],
    layer_dims: Sequence[int],
    *,
    convention: Convention = "standard",
) -> ShapeReport:
    """Check every `W[l]` and `b[l]` of a Course parameters dict against `layer_dims`.

    **Arguments:**

    - `parameters`: `{"W1": (n[1], n[0]), "b1": (n[1], 1), ..., "WL", "bL"}`.
    - `layer_dims`: `[n[0], n[1], ..., n[L]]`.
    - `convention`: `"standard"`, `W[l]` is `(n[l], n[l-1])`; or `"transposed"`, `W[l]`
      stored as `(n[l-1], n[l])` and used as `W.T @ A`.

    **Returns:** a `ShapeReport` listing every missing or wrongly shaped entry (and any
    `W`/`b` entry for a layer beyond `L`); `bool(report)` is `True` when all are right.
    """
    check_convention(convention)
    dims = check_layer_dims(layer_dims)
    if not isinstance(parameters, Mapping):
        raise TypeError(
            'parameters must be a dict {"W1": ..., "b1": ..., ...}: '
            f"got {type(parameters).__name__}."
        )
    checker = Checker("parameters", convention)
    note = convention_note(convention)
    last = len(dims) - 1
    for layer in range(1, last + 1):
        origin = dims_origin(dims, (layer, layer - 1), "layer_dims")
        w_symbols = weight_symbols(layer, convention)
        w_values: list[int | None] = list(weight_shape(dims, layer, convention))
        b_symbols = [f"n[{layer}]", "1"]
        b_values: list[int | None] = [dims[layer], 1]
        for key, symbols, values, extra in (
            (f"W{layer}", w_symbols, w_values, note),
            (f"b{layer}", b_symbols, b_values, ""),
        ):
            name = f"{key[0]}[{layer}]"
            if key not in parameters:
                checker.missing(key, name, format_expected(symbols, values))
            else:
                checker.expect(key, name, parameters[key], symbols, values, origin, extra)
    for key in parameters:
        if key[:1] in ("W", "b") and key[1:].isdigit() and not 1 <= int(key[1:]) <= last:
            checker.checked += 1
            message = (
                f"{key[0]}[{key[1:]}] is not a layer of this network: layer_dims has"
                f" L = {last} layers, numbered 1 to {last}."
            )
            checker.violations.append(Violation(key, f"{key[0]}[{key[1:]}]", "-", None, message))
    return checker.report()


def layer_dims_from_parameters(
    parameters: Mapping[str, Any], convention: str = "standard"
) -> list[int] | None:
    """`[n[0], ..., n[L]]` read off `W1..WL`, or `None` if they do not chain up."""
    dims: list[int] = []
    layer = 1
    while f"W{layer}" in parameters:
        shape = getattr(parameters[f"W{layer}"], "shape", None)
        if not isinstance(shape, tuple) or len(shape) != 2:
            return None
        rows, cols = (shape[1], shape[0]) if convention == "transposed" else shape
        if not dims:
            dims.append(cols)
        elif dims[-1] != cols:
            return None
        dims.append(rows)
        layer += 1
    return dims or None


def check_gradients(
    grads: Mapping[str, Any],
    parameters: Mapping[str, Any],
    *,
    convention: Convention = "standard",
    m: int | None = None,
) -> ShapeReport:
    """Check a Course gradients dict against the parameters it belongs to.

    **Arguments:**

    - `grads`: `{"dW1", "db1", ..., "dWL", "dbL"}` and optionally `{"dA0", ..., "dA(L-1)"}`.
    - `parameters`: `{"W1", "b1", ...}`, which gives `L` and `n[0], ..., n[L]`.
    - `convention`: the weight convention (see `check_parameters`).
    - `m`: the number of examples, when known; otherwise taken from the first `dA`.

    **Returns:** a `ShapeReport`: `dW[l]` must be `W[l]`'s shape `(n[l], n[l-1])`, `db[l]`
    must be `(n[l], 1)`, each `dA[l]` present must be `(n[l], m)`.
    """
    check_convention(convention)
    checker = Checker("gradients", convention)
    dims = layer_dims_from_parameters(parameters, convention)
    source = "W[1..L]" if dims else ""
    if dims is None:
        # Parameters that do not chain up: each dW still has to match its own W.
        dims_known = False
        layers = [int(k[1:]) for k in parameters if k[:1] == "W" and k[1:].isdigit()]
    else:
        dims_known = True
        layers = list(range(1, len(dims)))
    note = convention_note(convention)
    m_source = "m given" if m is not None else ""
    for layer in sorted(layers):
        w_symbols = weight_symbols(layer, convention)
        if dims_known and dims is not None:
            w_values: list[int | None] = list(weight_shape(dims, layer, convention))
            b_values: list[int | None] = [dims[layer], 1]
            origin = dims_origin(dims, (layer, layer - 1), source)
        else:
            w_shape = getattr(parameters[f"W{layer}"], "shape", (None, None))
            w_values = list(w_shape)
            b_values = [w_shape[1] if convention == "transposed" else w_shape[0], 1]
            origin = f"the shape of W[{layer}]"
        for key, symbols, values, extra in (
            (f"dW{layer}", w_symbols, w_values, note),
            (f"db{layer}", [f"n[{layer}]", "1"], b_values, ""),
        ):
            name = f"{key[:2]}[{layer}]"
            if key not in grads:
                checker.missing(key, name, format_expected(symbols, values))
            else:
                checker.expect(key, name, grads[key], symbols, values, origin, extra)
    if dims is not None:
        for layer in range(len(dims)):
            key = f"dA{layer}"
            if key not in grads:
                continue
            shape = getattr(grads[key], "shape", None)
            if m is None and isinstance(shape, tuple) and len(shape) == 2:
                m, m_source = shape[1], f"m = {shape[1]} from dA[{layer}]"
            origin = dims_origin(dims, (layer,), source) + (f"; {m_source}" if m_source else "")
            checker.expect(
                key, f"dA[{layer}]", grads[key], [f"n[{layer}]", "m"], [dims[layer], m], origin
            )
    return checker.report()


def check_caches(
    caches: Any,
    layer_dims: Sequence[int] | None = None,
    m: int | None = None,
    *,
    convention: Convention = "standard",
) -> ShapeReport:
    """Check the caches of a forward pass, in either of the Course's two forms.

    **Arguments:**

    - `caches`: the deep form, a list of `L` caches `((A[l-1], W[l], b[l]), Z[l])` as
      `L_model_forward` returns them; or the two-layer form, a dict
      `{"Z1", "A1", "Z2", "A2", ...}` as `forward_propagation` returns it.
    - `layer_dims`: `[n[0], ..., n[L]]`; when `None`, read off the caches (`n[0]` from
      `A[0]`, `n[l]` from `Z[l]`), which still finds every inconsistent entry.
    - `convention`: the weight convention (see `check_parameters`).
    - `m`: the number of examples, when known; otherwise taken from `A[0]` (or `Z[1]`).

    **Returns:** a `ShapeReport`: `A[l-1]` `(n[l-1], m)`, `W[l]` `(n[l], n[l-1])`,
    `b[l]` `(n[l], 1)`, `Z[l]` and `A[l]` `(n[l], m)`.
    """
    check_convention(convention)
    checker = Checker("caches", convention)
    if isinstance(caches, Mapping):
        return _check_cache_dict(checker, caches, layer_dims, m)
    if not isinstance(caches, list | tuple):
        raise TypeError(
            "caches must be the list of ((A_prev, W, b), Z) caches of L_model_forward, or the"
            f" dict {{'Z1', 'A1', ...}} of forward_propagation: got {type(caches).__name__}."
        )
    entries = [_split_cache(cache) for cache in caches]
    source = "layer_dims"
    if layer_dims is not None:
        dims = check_layer_dims(layer_dims)
        if len(dims) - 1 != len(caches):
            checker.checked += 1
            message = (
                f"caches must hold one cache per layer, L = {len(dims) - 1}: got {len(caches)}."
            )
            checker.violations.append(
                Violation("caches", "caches", f"L = {len(dims) - 1}", None, message)
            )
            return checker.report()
    else:
        source = "the caches"
        dims = _dims_from_caches(entries) or []
    for index, entry in enumerate(entries):
        layer = index + 1
        if entry is None:
            checker.checked += 1
            message = (
                f"caches[{index}] must be the course's ((A[{layer - 1}], W[{layer}],"
                f" b[{layer}]), Z[{layer}]): got {type(caches[index]).__name__}"
                " of another structure."
            )
            checker.violations.append(
                Violation(f"caches[{index}]", f"cache {layer}", "-", None, message)
            )
            continue
        if not dims:
            continue
        a_prev, weights, bias, z = entry
        if m is None:
            shape = getattr(a_prev, "shape", None)
            if isinstance(shape, tuple) and len(shape) == 2:
                m = shape[1]
        origin = dims_origin(dims, (layer, layer - 1), source)
        prefix = f"caches[{index}]: "
        checker.expect(
            "A_prev",
            f"A[{layer - 1}]",
            a_prev,
            [f"n[{layer - 1}]", "m"],
            [dims[layer - 1], m],
            origin,
            prefix=prefix,
        )
        checker.expect(
            "W",
            f"W[{layer}]",
            weights,
            weight_symbols(layer, convention),
            list(weight_shape(dims, layer, convention)),
            origin,
            convention_note(convention),
            prefix=prefix,
        )
        checker.expect(
            "b", f"b[{layer}]", bias, [f"n[{layer}]", "1"], [dims[layer], 1], origin, prefix=prefix
        )
        checker.expect(
            "Z", f"Z[{layer}]", z, [f"n[{layer}]", "m"], [dims[layer], m], origin, prefix=prefix
        )
    return checker.report()


def _split_cache(cache: Any) -> tuple[Any, Any, Any, Any] | None:
    """`((A_prev, W, b), Z)` -> `(A_prev, W, b, Z)`, or `None` for another structure."""
    if isinstance(cache, tuple | list) and len(cache) == 2:
        linear, z = cache
        if isinstance(linear, tuple | list) and len(linear) == 3:
            return linear[0], linear[1], linear[2], z
    return None


def _dims_from_caches(entries: list[tuple[Any, Any, Any, Any] | None]) -> list[int] | None:
    if not entries or entries[0] is None:
        return None
    first = getattr(entries[0][0], "shape", None)
    if not isinstance(first, tuple) or len(first) != 2:
        return None
    dims = [first[0]]
    for entry in entries:
        shape = getattr(entry[3], "shape", None) if entry is not None else None
        if not isinstance(shape, tuple) or not shape:
            return None
        dims.append(shape[0])
    return dims


def _check_cache_dict(
    checker: Checker, caches: Mapping[str, Any], layer_dims: Sequence[int] | None, m: int | None
) -> ShapeReport:
    layers = sorted(
        {int(k[1:]) for k in caches if k[:1] in ("Z", "A") and k[1:].isdigit() and k[1:] != "0"}
    )
    dims = check_layer_dims(layer_dims) if layer_dims is not None else None
    for layer in layers:
        for key in (f"Z{layer}", f"A{layer}"):
            value = caches.get(key)
            shape = getattr(value, "shape", None)
            if m is None and isinstance(shape, tuple) and len(shape) == 2:
                m = shape[1]
            if dims is not None and layer < len(dims):
                n: int | None = dims[layer]
                origin = dims_origin(dims, (layer,), "layer_dims")
            else:
                z_shape = getattr(caches.get(f"Z{layer}"), "shape", None)
                n = z_shape[0] if isinstance(z_shape, tuple) and z_shape else None
                origin = f"n[{layer}] from Z[{layer}]"
            if value is None:
                checker.missing(key, f"{key[0]}[{layer}]", f"(n[{layer}], m)")
            else:
                checker.expect(
                    key, f"{key[0]}[{layer}]", value, [f"n[{layer}]", "m"], [n, m], origin
                )
    return checker.report()
