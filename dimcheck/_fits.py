"""Yes-or-no versions of the dict rules, for instrumented calls where nothing is wrong.

`check_parameters`, `check_gradients` and `check_caches` (`_rules`) build a report,
with the text of each violation ready; an instrumented training step asks them a dozen
times, and almost always nothing is wrong. Each function here answers `True` only
when its rule, with the same arguments, would find no violation; `False` means "not
sure", and the caller then runs the rule itself, which finds and words the mistake.
So a message can never differ from the rule's own, and these need only be right
about `True`. They build no text and no report: each entry's shape is compared with
the expected one, from a table made once per `layer_dims` and convention.

An entry is compared as `getattr(value, "shape", None) == want`, the rule's own test
when every size is known: what equals a tuple of ints is a tuple (numpy's shapes, and
torch's `Size`, a tuple subclass); a list, `None` or a number never is.
"""

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from ._vocabulary import make_key, parse_key

# key -> the shape it must have.
_Table = tuple[tuple[str, tuple[int, int]], ...]


@functools.cache
def layer_keys(letter: str, layers: int) -> tuple[str, ...]:
    """`("W", 3)` -> `("W1", "W2", "W3")`: the Course's keys of layers `1..L`."""
    return tuple(make_key(letter, layer) for layer in range(1, layers + 1))


@functools.lru_cache(maxsize=64)
def _table(dims: tuple[int, ...], convention: str, prefix: str) -> _Table:
    """`W[l]` and `b[l]` (`prefix` `""`), or `dW[l]` and `db[l]` (`"d"`), with their shapes."""
    transposed = convention == "transposed"
    rows: list[tuple[str, tuple[int, int]]] = []
    for layer in range(1, len(dims)):
        n_l, n_prev = dims[layer], dims[layer - 1]
        rows.append((make_key(prefix + "W", layer), (n_prev, n_l) if transposed else (n_l, n_prev)))
        rows.append((make_key(prefix + "b", layer), (n_l, 1)))
    return tuple(rows)


def _all_fit(entries: Mapping[str, Any], table: _Table) -> bool:
    """Whether every key of `table` is in `entries` with its shape."""
    get = entries.get
    for key, want in table:  # noqa: SIM110 (a loop: `all` over a generator is slower here)
        if getattr(get(key), "shape", None) != want:
            return False
    return True


def dims_from_parameters(parameters: Mapping[str, Any], convention: str) -> list[int] | None:
    """`layer_dims_from_parameters`, the same answer (`[n[0], ..., n[L]]` or `None`)."""
    dims: list[int] = []
    transposed = convention == "transposed"
    for key in _WEIGHT_KEYS:
        if key not in parameters:
            return dims or None
        shape = getattr(parameters[key], "shape", None)
        if not isinstance(shape, tuple) or len(shape) != 2:
            return None
        rows, cols = (shape[1], shape[0]) if transposed else shape
        if not dims:
            dims.append(cols)
        elif dims[-1] != cols:
            return None
        dims.append(rows)
    from ._rules import layer_dims_from_parameters  # a network deeper than the keys here

    return layer_dims_from_parameters(parameters, convention)


_WEIGHT_KEYS = layer_keys("W", 64)


def parameters_fit(parameters: Mapping[str, Any], dims: Sequence[int], convention: str) -> bool:
    """Whether `check_parameters(parameters, dims, convention=...)` would find nothing."""
    table = _table(tuple(dims), convention, "")
    if not _all_fit(parameters, table):
        return False
    if len(parameters) == len(table):
        return True  # exactly W[1..L] and b[1..L]: no key of a layer beyond L
    layers = len(dims) - 1
    for key in parameters:
        parsed = parse_key(key) if isinstance(key, str) else None
        if parsed is not None and parsed[0] in ("W", "b") and not 1 <= parsed[1] <= layers:
            return False
    return True


def gradients_fit(
    grads: Mapping[str, Any],
    parameters: Mapping[str, Any],
    convention: str,
    m: int | None,
    *,
    activations: bool = True,
) -> bool:
    """Whether `check_gradients(grads, parameters, convention=..., m=m)` would find nothing.

    With `activations=False`, the same for `grads` without its `dA` entries.
    """
    dims = dims_from_parameters(parameters, convention)
    if dims is None:
        return False  # parameters that do not chain up: the rule's own case
    return gradients_fit_dims(grads, dims, convention, m, activations=activations)


def gradients_fit_dims(
    grads: Mapping[str, Any],
    dims: Sequence[int],
    convention: str,
    m: int | None,
    *,
    activations: bool = True,
) -> bool:
    """`gradients_fit` for parameters whose `W[1..L]` are known to chain up as `dims`
    (`[n[0], ..., n[L]]`, as the rule reads them off the weights)."""
    if not _all_fit(grads, _table(tuple(dims), convention, "d")):
        return False
    if not activations:
        return True
    get = grads.get
    for key, rows in _dA_rows(tuple(dims)):
        value = get(key, _ABSENT)
        if value is _ABSENT:
            continue  # each dA[l] present is checked; none is required
        shape = getattr(value, "shape", None)
        if m is None:
            if not isinstance(shape, tuple) or len(shape) != 2:
                return False
            m = shape[1]
        if shape != (rows, m):
            return False
    return True


_ABSENT = object()


@functools.lru_cache(maxsize=64)
def _dA_rows(dims: tuple[int, ...]) -> tuple[tuple[str, int], ...]:
    """`("dA0", n[0]), ..., ("dA{L}", n[L])`: each activation gradient's key and rows."""
    return tuple((make_key("dA", layer), size) for layer, size in enumerate(dims))


def caches_fit(
    caches: Any, dims: Sequence[int] | None, m: int | None, convention: str
) -> Sequence[int] | None:
    """Whether `check_caches(caches, dims, m, convention=...)` would find nothing, for the
    deep form (a list of `((A_prev, W, b), Z)`); the dict form is left to the rule.

    **Returns:** the `layer_dims` the caches fit (`dims`, or read off the caches as the
    rule does when `dims` is `None`), or `None` when not sure.
    """
    if type(caches) not in (list, tuple) or not caches:
        return None
    if dims is None:
        dims = _dims_from_caches(caches)
        if dims is None:
            return None
    elif len(dims) - 1 != len(caches):
        return None
    transposed = convention == "transposed"
    n_prev = dims[0]
    for index, cache in enumerate(caches):
        if type(cache) not in (list, tuple) or len(cache) != 2:
            return None
        linear, z = cache
        if type(linear) not in (list, tuple) or len(linear) != 3:
            return None
        a_prev, weights, bias = linear
        try:
            a_shape, w_shape, b_shape, z_shape = a_prev.shape, weights.shape, bias.shape, z.shape
        except AttributeError:  # not an array: the rule's to word
            return None
        n_l = dims[index + 1]
        if m is None:
            # The rule's `m`: off A[l-1] when its rows are n[l-1], else off Z[l].
            if type(a_shape) is not tuple or type(z_shape) is not tuple or len(z_shape) != 2:
                return None
            m = a_shape[1] if len(a_shape) == 2 and a_shape[0] == n_prev else z_shape[1]
        if a_shape != (n_prev, m) or z_shape != (n_l, m) or b_shape != (n_l, 1):
            return None
        if w_shape != ((n_prev, n_l) if transposed else (n_l, n_prev)):
            return None
        n_prev = n_l
    return dims


def _dims_from_caches(caches: Sequence[Any]) -> list[int] | None:
    """`[n[0], ..., n[L]]` as the rule reads it off the caches: `A[0]`'s rows, `Z[l]`'s."""
    dims: list[int] = []
    for cache in caches:
        if type(cache) not in (list, tuple) or len(cache) != 2:
            return None
        linear, z = cache
        if not dims:
            if type(linear) not in (list, tuple) or len(linear) != 3:
                return None
            first = getattr(linear[0], "shape", None)
            if not isinstance(first, tuple) or len(first) != 2:
                return None
            dims.append(first[0])
        shape = getattr(z, "shape", None)
        if not isinstance(shape, tuple) or not shape:
            return None
        dims.append(shape[0])
    return dims


def cache_dict_fits(caches: Mapping[str, Any], dims: Sequence[int] | None, m: int | None) -> bool:
    """Whether `check_caches(caches, dims, m)` would find nothing, for the two-layer form
    (a dict `{"Z1", "A1", "Z2", "A2", ...}`)."""
    layers = set()
    for key in caches:
        parsed = _parsed(key) if type(key) is str else None
        if parsed is not None and parsed[0] in ("Z", "A") and parsed[1] != 0:
            layers.add(parsed[1])
    get = caches.get
    for layer in sorted(layers):
        z_key, a_key = _ZA_KEYS[layer] if layer < len(_ZA_KEYS) else _za_keys(layer)
        z_shape = getattr(get(z_key), "shape", None)
        a_shape = getattr(get(a_key), "shape", None)
        if type(z_shape) is not tuple or len(z_shape) != 2 or type(a_shape) is not tuple:
            return False
        if m is None:
            m = z_shape[1]
        # The rule's n[l]: from layer_dims, or else Z[l]'s rows.
        size = dims[layer] if dims is not None and layer < len(dims) else z_shape[0]
        if z_shape != (size, m) or a_shape != (size, m):
            return False
    return True


@functools.lru_cache(maxsize=1024)
def _parsed(key: str) -> tuple[str, int] | None:
    return parse_key(key)


def _za_keys(layer: int) -> tuple[str, str]:
    return make_key("Z", layer), make_key("A", layer)


_ZA_KEYS = tuple(_za_keys(layer) for layer in range(16))
