"""What consecutive calls of instrumented functions share, and one call's checks.

`Network` holds what the rules know about the network being trained (`layer_dims`,
which layer a weight matrix is, the `A[l]` the last layer returned); `Call` is one
call of an instrumented function, with the helpers every rule uses to fail in
course notation. Dicts are read through `canonical`, so that lowercase keys (`w1`,
`dw1`) and the 2017 template's `dA` keys (`grads["dA" + str(l + 1)]` holding
`dA[l]`) are checked as what they are.
"""

import contextvars
import functools
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from ._decorator import check_items
from ._errors import ShapeError
from ._fits import dims_from_parameters, parameters_fit
from ._match import check_slot
from ._rules import (
    Checker,
    Convention,
    check_convention,
    check_layer_dims,
    check_parameters,
    convention_note,
)
from ._spec import Slot
from ._vocabulary import make_key, parse_key, squeeze_hint


def is_mapping(value: Any) -> bool:
    """`isinstance(value, Mapping)`, a dict decided without the ABC machinery."""
    return type(value) is dict or isinstance(value, Mapping)


def canonical(values: Any) -> Any:
    """A Course dict with its keys as the rules name them: `w1` -> `W1`, `dw1` -> `dW1`.

    Lowercase keys are a naming choice, not a shape mistake; anything that is not a
    dict comes back unchanged, and so does a dict whose keys are already canonical.
    """
    if not is_mapping(values):
        return values
    if values.keys() <= _CANONICAL:
        return values  # the common case, decided by one set operation in C
    renamed: dict[str, Any] = {}
    changed = False
    for key, value in values.items():
        new = _canonical_key(key) if type(key) is str else key
        changed = changed or new != key
        if new in renamed:  # both "W1" and "w1": leave the dict as the student wrote it
            return values
        renamed[new] = value
    return renamed if changed else values


# The keys of a Course dict are a handful, met on every call: each is read once.
@functools.lru_cache(maxsize=1024)
def _canonical_key(key: str) -> str:
    parsed = parse_key(key)
    new = make_key(*parsed) if parsed else key
    if new == key and len(_CANONICAL) < 4096:
        _CANONICAL.add(key)
    return new


# Keys met that `canonical` leaves as they are (bounded: keys come from user code).
_CANONICAL: set[Any] = set()


def _weight_layer(key: str) -> int | None:
    """`"W2"` -> 2; `None` for any other key (`"w2"` included: `canonical` renames it)."""
    parsed = parse_key(key, lowercase=False)
    layer = parsed[1] if parsed is not None and parsed[0] == "W" else None
    if len(_WEIGHT_LAYERS) > 4096:
        _WEIGHT_LAYERS.clear()  # keys come from user code: keep the memo bounded
    return layer


# key -> `_weight_layer(key)`, for the keys met so far.
_WEIGHT_LAYERS: dict[str, int | None] = {}


def course_dA_keys(grads: Mapping[str, Any], layers: int) -> Mapping[str, Any]:
    """`grads` with its `dA` keys numbered the current template's way.

    The 2017 template (`dnn_app_utils_v2`) stores `dA[l]` under `"dA" + str(l + 1)`:
    keys `dA1 .. dAL` and no `dA0`. Read consistently that way (no `dA0`, a `dA{L}`),
    the keys are renumbered so that each `dA[l]` is held to `(n[l], m)`; a dict that
    mixes both numberings is left as it is, and its wrong entry named.
    """
    if "dA0" in grads or f"dA{layers}" not in grads:
        return grads
    shifted: dict[str, Any] = {}
    for key, value in grads.items():
        parsed = parse_key(key, lowercase=False)
        if parsed is not None and parsed[0] == "dA":
            shifted[make_key("dA", parsed[1] - 1)] = value
        else:
            shifted[key] = value
    return shifted


class Network:
    """What the rules know about the network being trained, shared by consecutive calls.

    - `layer_dims`: `[n[0], ..., n[L]]`, or `None` until learned.
    - `source`: where `layer_dims` came from, quoted in messages.
    - `fixed`: `True` when given by `network(layer_dims)` or `instrument(layer_dims=...)`;
      parameters of any other shape are then an error. Otherwise the next
      `initialize_parameters_deep` or `L_model_forward` may replace it.
    - `convention`: `"standard"` or `"transposed"` weights.
    """

    def __init__(
        self, layer_dims: Sequence[int] | None, convention: str, source: str = "layer_dims"
    ) -> None:
        self.convention: Convention = check_convention(convention)
        self.layer_dims = check_layer_dims(layer_dims) if layer_dims is not None else None
        self.fixed = layer_dims is not None
        self.source = source
        # id(W) -> (W, l): which layer a weight matrix is, from the parameters seen.
        self._weights: dict[int, tuple[Any, int]] = {}
        self._snapshot: list[tuple[Any, Any]] | None = None  # remembered, not read yet
        # layer -> (the layer_dims they are of, the sizes `sizes(layer)` gives).
        self._sizes: dict[int, tuple[list[int], dict[str, int]]] = {}
        # The A[l] the last forward layer returned, and l.
        self._last: tuple[Any, int] | None = None

    def __repr__(self) -> str:
        return (
            f"Network(layer_dims={self.layer_dims}, convention={self.convention!r}, "
            f"source={self.source!r})"
        )

    def learn(self, layer_dims: list[int], source: str) -> None:
        if not self.fixed and (layer_dims != self.layer_dims or source != self.source):
            self.layer_dims, self.source = layer_dims, source

    def remember(self, parameters: Mapping[str, Any]) -> None:
        """Remember which layer each `W[l]` of `parameters` is, as they are now.

        A snapshot of the entries (the dict may be changed in place later), read into
        the table `layer_of` uses only when asked: a training step remembers the
        parameters three times and asks after the first only.
        """
        self._snapshot = list(parameters.items())

    def _weight_table(self) -> dict[int, tuple[Any, int]]:
        snapshot = self._snapshot
        if snapshot is None:
            return self._weights
        weights: dict[int, tuple[Any, int]] = {}
        layers = _WEIGHT_LAYERS
        for key, value in snapshot:
            layer = layers.get(key) if type(key) is str else None
            if layer is None and type(key) is str and key not in layers:
                layer = layers[key] = _weight_layer(key)
            if layer is not None:
                weights[id(value)] = (value, layer)
        self._weights, self._snapshot = weights, None
        return weights

    def layer_of(self, W: Any, A_prev: Any = None) -> int | None:
        weights = self._weights if self._snapshot is None else self._weight_table()
        known = weights.get(id(W))
        if known is not None and known[0] is W:
            return known[1]
        if A_prev is not None and self._last is not None and self._last[0] is A_prev:
            return self._last[1] + 1
        return None

    def forward_output(self, A: Any, layer: int | None) -> None:
        self._last = (A, layer) if layer is not None else None

    def seed(self, layer: int | None, AL: Any = None) -> tuple[dict[str, int], dict[str, str]]:
        """Sizes known before a call, and where each came from (for messages).

        `n_l`, `n_prev` from `layer_dims` for layer `l`. With `AL` given (the cost and
        `L_model_backward`), `n_L` is seeded only when `AL` is the `A[L]` the last forward
        layer returned: a cost tested on its own, with arrays of another network, is then
        checked by the generic rule alone.
        """
        seed = dict(self.sizes(layer, AL))
        return seed, dict.fromkeys(seed, self.source)

    def sizes(self, layer: int | None, AL: Any = None) -> dict[str, int]:
        """The sizes of `seed`, without their sources: read-only, shared between calls."""
        dims = self.layer_dims
        if dims is None:
            return _NONE
        if AL is not None:
            last = self._last
            if last is not None and last[0] is AL and last[1] == len(dims) - 1:
                return {"n_L": dims[-1]}
            return _NONE
        if layer is None or not 1 <= layer < len(dims):
            return _NONE
        known = self._sizes.get(layer)
        if known is None or known[0] is not dims:
            # Made once per layer and `layer_dims`: a training step asks four times each.
            known = self._sizes[layer] = (dims, {"n_l": dims[layer], "n_prev": dims[layer - 1]})
        return known[1]


# No size known (never filled: `sizes` hands out its dicts read-only).
_NONE: dict[str, int] = {}

_CURRENT: contextvars.ContextVar[Network | None] = contextvars.ContextVar(
    "dimcheck_network", default=None
)


@contextmanager
def network(
    layer_dims: Sequence[int] | None = None, *, convention: Convention = "standard"
) -> Iterator[Network]:
    """Declare the network that instrumented functions called inside belong to.

    ```python
    with dimcheck.network([12288, 20, 7, 5, 1]):
        parameters = student.L_layer_model(X, Y, layers_dims)
    ```

    **Arguments:**

    - `layer_dims`: `[n[0], n[1], ..., n[L]]`; every parameter, cache and gradient met
      inside must fit it. `None`: learned from the first call that shows it.
    - `convention`: `"standard"` (`W[l]` is `(n[l], n[l-1])`) or `"transposed"` (`W[l]`
      stored as `(n[l-1], n[l])` and used as `W.T @ A`).

    **Returns:** (as the `with` target) the `Network` state, for inspection.
    """
    state = Network(layer_dims, convention)
    token = _CURRENT.set(state)
    try:
        yield state
    finally:
        _CURRENT.reset(token)


def _bind(items: list[tuple[str, Slot, Any]], memo: dict[str, int]) -> bool:
    """Whether `items` fit their slots, binding their names into `memo`; no text.

    The instrument rules' slots (`rule_slot`) have no symbolic axes (`n+1`), so nothing is
    left to judge afterwards; a slot that has them is left to `check_items`.
    """
    stacks: dict[str, tuple[int, ...]] = {}
    deferred: list[Any] = []
    for _, slot, value in items:
        arrays = slot.arrays
        if len(arrays) == 1 and type(value) is arrays[0].array_type:
            # What `check_slot` does for one array annotation and an array, one call less.
            if arrays[0].fast(value, memo, stacks, deferred) or deferred:
                return False
        elif check_slot(slot, value, memo, stacks, deferred) or deferred:
            return False
    return True


class Call:
    """One call of an instrumented function: its name, network and positional arguments."""

    __slots__ = ("args", "name", "net")

    def __init__(self, name: str, net: Network, args: Sequence[Any]) -> None:
        self.name = name
        self.net = net
        self.args = args

    def fail(self, message: str) -> NoReturn:
        raise ShapeError(message)

    def items(self, items: list[tuple[str, Slot, Any]], layer: int | None, AL: Any = None) -> None:
        """Check `items` in order, their dimension names shared, seeded from the network."""
        net = self.net
        if _bind(items, dict(net.sizes(layer, AL))):
            return
        # Something is wrong: the message comes from checking them again, with sources.
        seed, sources = net.seed(layer, AL)
        message = check_items(self.name, items, layer, seed, sources, net.convention)
        if message is not None:
            # A weight is wrong: say which convention the expected shape assumed.
            body = message.split(": ", 1)[1].removeprefix("returned ")
            if body.startswith(("W[", "dW[")):
                message += convention_note(net.convention)
            self.fail(message)

    def report(self, report: Any, what: str) -> None:
        if not report.ok:
            more = len(report.violations) - 1
            tail = f" ({more} more wrong in {what})" if more else ""
            self.fail(f"{self.name}: {what}: {report.violations[0].message}{tail}")

    def parameters(self, parameters: Any, what: str) -> list[int] | None:
        """Check a parameters dict against the network (learning `layer_dims` if unknown)."""
        if not is_mapping(parameters):
            self.fail(
                f'{self.name}: {what} must be a dict {{"W1": ..., "b1": ..., ...}}: '
                f"got {type(parameters).__name__}."
            )
        parameters = canonical(parameters)
        net = self.net
        dims = net.layer_dims if net.fixed else None
        known = net.layer_dims
        if dims is None and known is not None and parameters_fit(parameters, known, net.convention):
            # They fit the sizes learned before, so their W[1..L] chain up as those: the
            # sizes read off them would be the same.
            net.learn(known, f"the W[1..L] of {what}")
            net.remember(parameters)
            return known
        if dims is None:
            dims = dims_from_parameters(parameters, net.convention)
            if dims is None:
                self._unchained(parameters, what)
                return None
            source = f"the W[1..L] of {what}"
        else:
            source = net.source
        if not parameters_fit(parameters, dims, net.convention):
            self.report(check_parameters(parameters, dims, convention=net.convention), what)
        net.learn(dims, source)
        net.remember(parameters)
        return dims

    def expect(
        self,
        name: str,
        value: Any,
        symbols: list[str],
        values: list[int | None],
        origin: str = "",
    ) -> None:
        """Fail unless `value` has the shape `values` (`symbols` in course notation)."""
        shape = getattr(value, "shape", None)
        if (
            type(shape) is tuple
            and len(shape) == len(values)
            and all(v is None or v == s for v, s in zip(values, shape, strict=True))
        ):
            return  # `Checker.expect`'s own test, without making a checker
        checker = Checker(name, self.net.convention)
        if not checker.expect(name, name, value, symbols, values, origin):
            self.fail(f"{self.name}: {checker.violations[0].message}")

    def scalar(self, value: Any, what: str, var: str) -> None:
        """Fail unless `value` is a number (a float or a 0-d array).

        `what` names it in the message (`"the cost J"`), `var` in the fix (`cost`).
        """
        if type(value) is float:
            return  # the common answer, before any other test
        shape = getattr(value, "shape", None)
        if isinstance(value, int | float) or shape == ():
            return
        if isinstance(shape, tuple):
            hint = (
                squeeze_hint(var, shape)
                if all(s == 1 for s in shape)
                else " Sum or average over the examples (the last axis) to one number."
            )
            self.fail(
                f"{self.name}: {what} must be a scalar (a float or a 0-d array):"
                f" got an array of shape {shape}.{hint}"
            )
        self.fail(f"{self.name}: {what} must be a scalar: got {type(value).__name__}.")

    def _unchained(self, parameters: Mapping[str, Any], what: str) -> None:
        """Name the first `W[l]` that does not fit the `W[l-1]` before it."""
        convention = self.net.convention
        rows_axis = 1 if convention == "transposed" else 0
        previous: int | None = None
        layer = 1
        while f"W{layer}" in parameters:
            shape = getattr(parameters[f"W{layer}"], "shape", None)
            if not isinstance(shape, tuple) or len(shape) != 2:
                self.fail(
                    f"{self.name}: {what}: W[{layer}] must be a 2-d array"
                    f" (n[{layer}], n[{layer - 1}]): got {shape if shape else type(shape)}."
                )
                return
            if previous is not None and shape[1 - rows_axis] != previous:
                symbols = ["n[{l}]", "n[{p}]"] if rows_axis == 0 else ["n[{p}]", "n[{l}]"]
                symbols = [s.format(l=layer, p=layer - 1) for s in symbols]
                expected = f"({symbols[0]}, {symbols[1]}) = " + (
                    "(n[{l}], {p})" if rows_axis == 0 else "({p}, n[{l}])"
                ).format(l=layer, p=previous)
                self.fail(
                    f"{self.name}: {what}: W[{layer}] must be {expected}: got {shape}"
                    f" (n[{layer - 1}] = {previous} from W[{layer - 1}])."
                    + convention_note(convention)
                )
            previous = shape[rows_axis]
            layer += 1
