"""The course's dimension rules for whole dicts: parameters, gradients, caches.

Every entry of the table in `docs/notation.md` is checked, never a sample, and every
violation is reported in course notation with where its symbols got their values.
"""

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from ._report import ShapeReport, Violation
from ._vocabulary import Convention as Convention
from ._vocabulary import check_convention as check_convention
from ._vocabulary import convention_note as convention_note
from ._vocabulary import (
    course_name,
    format_expected,
    layers_of,
    make_key,
    n,
    parse_key,
    rule_note,
    shape_hint,
    symbols_of,
)
from ._vocabulary import dims_origin as dims_origin
from ._vocabulary import weight_shape as weight_shape
from ._vocabulary import weight_symbols as weight_symbols


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


def _text(text: str | Callable[[], str]) -> str:
    return text() if callable(text) else text


def _size_from(layer: int, key: str) -> str:
    """`"n[2] from Z[2]"`."""
    return f"{n(layer)} from {course_name(key)}"


def _with_m(origin: Callable[[], str], m: int | None, m_key: str) -> str:
    """`"n[1] = 3 from W[1..L]; m = 5 from dA[0]"` (`m_key`: the entry `m` came from, or
    `""` when it was given)."""
    if m is None:
        return origin()
    return origin() + (f"; m = {m} from {course_name(m_key)}" if m_key else "; m given")


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
        name: str | Callable[[], str],
        value: Any,
        symbols: Sequence[str] | Callable[[], Sequence[str]],
        values: Sequence[int | None],
        origin: str | Callable[[], str] = "",
        note: str = "",
        prefix: str | Callable[[], str] = "",
    ) -> bool:
        """Check one entry's shape; record a violation and return `False` if it is wrong.

        The text (`name`, `symbols`, `origin`) may be given as functions that make it: they
        are called only for a violation, so a right entry costs no string work.

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
        shape = getattr(value, "shape", None)
        if (
            isinstance(shape, tuple)
            and len(shape) == len(values)
            and all(v is None or v == s for v, s in zip(values, shape, strict=True))
        ):
            return True
        name, origin, prefix = _text(name), _text(origin), _text(prefix)
        want = format_expected(symbols() if callable(symbols) else symbols, values)
        if not isinstance(shape, tuple):
            got = "it is missing" if value is None else f"got {type(value).__name__}"
            message = f"{prefix}{name} must be an array {want}: {got}."
            self.violations.append(Violation(key, name, want, None, message))
            return False
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
        origin = partial(dims_origin, dims, (layer, layer - 1), "layer_dims")
        w_values: list[int | None] = list(weight_shape(dims, layer, convention))
        b_values: list[int | None] = [dims[layer], 1]
        for letter, values, extra in (("W", w_values, note), ("b", b_values, "")):
            key = make_key(letter, layer)
            symbols = partial(symbols_of, letter, layer, convention)
            if key not in parameters:
                checker.missing(key, course_name(key), format_expected(symbols(), values))
            else:
                name = partial(course_name, key)
                checker.expect(key, name, parameters[key], symbols, values, origin, extra)
    for key in parameters:
        parsed = parse_key(key) if isinstance(key, str) else None
        if parsed is not None and parsed[0] in ("W", "b") and not 1 <= parsed[1] <= last:
            checker.checked += 1
            message = (
                f"{course_name(key)} is not a layer of this network: layer_dims has"
                f" L = {last} layers, numbered 1 to {last}."
            )
            checker.violations.append(Violation(key, course_name(key), "-", None, message))
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
        layers = layers_of(parameters, "W")
    else:
        dims_known = True
        layers = list(range(1, len(dims)))
    note = convention_note(convention)
    m_key = ""  # the entry m was read from; "" while it is the m given (or unknown)
    for layer in sorted(layers):
        if dims_known and dims is not None:
            w_values: list[int | None] = list(weight_shape(dims, layer, convention))
            b_values: list[int | None] = [dims[layer], 1]
            origin: Callable[[], str] = partial(dims_origin, dims, (layer, layer - 1), source)
        else:
            w_shape = getattr(parameters[make_key("W", layer)], "shape", (None, None))
            w_values = list(w_shape)
            b_values = [w_shape[1] if convention == "transposed" else w_shape[0], 1]
            origin = partial("the shape of {}".format, course_name(make_key("W", layer)))
        for letter, values, extra in (("dW", w_values, note), ("db", b_values, "")):
            key = make_key(letter, layer)
            symbols = partial(symbols_of, letter, layer, convention)
            if key not in grads:
                checker.missing(key, course_name(key), format_expected(symbols(), values))
            else:
                name = partial(course_name, key)
                checker.expect(key, name, grads[key], symbols, values, origin, extra)
    if dims is not None:
        for layer in range(len(dims)):
            key = make_key("dA", layer)
            if key not in grads:
                continue
            shape = getattr(grads[key], "shape", None)
            if m is None and isinstance(shape, tuple) and len(shape) == 2:
                m, m_key = shape[1], key
            checker.expect(
                key,
                partial(course_name, key),
                grads[key],
                partial(symbols_of, "dA", layer),
                [dims[layer], m],
                partial(_with_m, partial(dims_origin, dims, (layer,), source), m, m_key),
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
            m = _examples(a_prev, dims[layer - 1], z)
        origin = partial(dims_origin, dims, (layer, layer - 1), source)
        prefix = partial("caches[{}]: ".format, index)
        for code_name, letter, at, value, values, note in (
            ("A_prev", "A", layer - 1, a_prev, [dims[layer - 1], m], ""),
            ("W", "W", layer, weights, list(weight_shape(dims, layer, convention)), None),
            ("b", "b", layer, bias, [dims[layer], 1], ""),
            ("Z", "Z", layer, z, [dims[layer], m], ""),
        ):
            checker.expect(
                code_name,
                partial(course_name, make_key(letter, at)),
                value,
                partial(symbols_of, letter, at, convention),
                values,
                origin,
                convention_note(convention) if note is None else note,
                prefix=prefix,
            )
    return checker.report()


def _examples(a_prev: Any, rows: int, z: Any) -> int | None:
    """`m`, read off `A[l-1]` `(n[l-1], m)`; off `Z[l]` when `A[l-1]`'s rows are not `n[l-1]`
    (an `X` given as `(m, n[0])` must not set `m` to `n[0]`)."""
    for array, needs_rows in ((a_prev, True), (z, False)):
        shape = getattr(array, "shape", None)
        if isinstance(shape, tuple) and len(shape) == 2 and (shape[0] == rows or not needs_rows):
            return int(shape[1])
    return None


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
    # A[0] is X, not a cache entry of a layer.
    layers = sorted({*layers_of(caches, "Z"), *layers_of(caches, "A")} - {0})
    dims = check_layer_dims(layer_dims) if layer_dims is not None else None
    for layer in layers:
        for letter in ("Z", "A"):
            key = make_key(letter, layer)
            value = caches.get(key)
            shape = getattr(value, "shape", None)
            if m is None and isinstance(shape, tuple) and len(shape) == 2:
                m = shape[1]
            if dims is not None and layer < len(dims):
                size: int | None = dims[layer]
                origin = partial(dims_origin, dims, (layer,), "layer_dims")
            else:
                z_key = make_key("Z", layer)
                z_shape = getattr(caches.get(z_key), "shape", None)
                size = z_shape[0] if isinstance(z_shape, tuple) and z_shape else None
                origin = partial(_size_from, layer, z_key)
            symbols = partial(symbols_of, letter, layer)
            if value is None:
                checker.missing(key, course_name(key), format_expected(symbols(), [None, None]))
            else:
                checker.expect(key, partial(course_name, key), value, symbols, [size, m], origin)
    return checker.report()
