"""`instrument(module)`: the course's layer rules around an unmodified student module.

The Course-named functions of the module are replaced by wrappers that check their
arguments before the call and their results after it, and link consecutive calls
through a network state: `layer_dims` (given, or learned from `initialize_parameters_deep`
or the parameters `L_model_forward` receives), which layer a weight matrix belongs to
(by identity with the parameters seen), and the `A[l]` the previous layer returned.
"""

import contextvars
import functools
import inspect
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from ._decorator import check_items
from ._errors import ShapeError
from ._notation import course_var
from ._rules import (
    Convention,
    check_caches,
    check_convention,
    check_gradients,
    check_layer_dims,
    check_parameters,
    convention_note,
    layer_dims_from_parameters,
)
from ._spec import Slot, rule_slot
from ._switch import _ON

#: The functions `instrument` wraps: the deep network's, then the two-layer network's.
COURSE_FUNCTIONS = (
    "initialize_parameters_deep",
    "linear_forward",
    "linear_activation_forward",
    "L_model_forward",
    "compute_cost",
    "linear_backward",
    "linear_activation_backward",
    "L_model_backward",
    "update_parameters",
    "initialize_parameters",
    "forward_propagation",
    "backward_propagation",
)

_ORIGINALS = "__dimcheck_originals__"


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
        # The A[l] the last forward layer returned, and l.
        self._last: tuple[Any, int] | None = None

    def __repr__(self) -> str:
        return (
            f"Network(layer_dims={self.layer_dims}, convention={self.convention!r}, "
            f"source={self.source!r})"
        )

    def learn(self, layer_dims: list[int], source: str) -> None:
        if not self.fixed:
            self.layer_dims, self.source = layer_dims, source

    def remember(self, parameters: Mapping[str, Any]) -> None:
        self._weights = {}
        for key, value in parameters.items():
            if key[:1] == "W" and key[1:].isdigit():
                self._weights[id(value)] = (value, int(key[1:]))

    def layer_of(self, W: Any, A_prev: Any = None) -> int | None:
        known = self._weights.get(id(W))
        if known is not None and known[0] is W:
            return known[1]
        if A_prev is not None and self._last is not None and self._last[0] is A_prev:
            return self._last[1] + 1
        return None

    def forward_output(self, A: Any, layer: int | None) -> None:
        self._last = (A, layer) if layer is not None else None

    def seed(self, layer: int | None, AL: Any = None) -> tuple[dict[str, int], dict[str, str]]:
        """Sizes known before a call: `n_l`, `n_prev` from `layer_dims` for layer `l`.

        With `AL` given (the cost and `L_model_backward`), `n_L` is seeded only when `AL`
        is the `A[L]` the last forward layer returned: a cost tested on its own, with
        arrays of another network, is then checked by the generic rule alone.
        """
        dims = self.layer_dims
        if dims is None:
            return {}, {}
        if AL is not None:
            last = self._last
            if last is not None and last[0] is AL and last[1] == len(dims) - 1:
                return {"n_L": dims[-1]}, {"n_L": self.source}
            return {}, {}
        if layer is None or not 1 <= layer < len(dims):
            return {}, {}
        seed = {"n_l": dims[layer], "n_prev": dims[layer - 1]}
        return seed, dict.fromkeys(seed, self.source)


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


class _Call:
    """One call of an instrumented function: its name, network and positional arguments."""

    def __init__(self, name: str, net: Network, args: list[Any]) -> None:
        self.name = name
        self.net = net
        self.args = args

    def fail(self, message: str) -> NoReturn:
        raise ShapeError(message)

    def items(self, items: list[tuple[str, Slot, Any]], layer: int | None, AL: Any = None) -> None:
        seed, sources = self.net.seed(layer, AL)
        message = check_items(self.name, items, layer, seed, sources, self.net.convention)
        if message is not None:
            # A weight is wrong: say which convention the expected shape assumed.
            body = message.split(": ", 1)[1].removeprefix("returned ")
            if body.startswith(("W[", "dW[")):
                message += convention_note(self.net.convention)
            self.fail(message)

    def report(self, report: Any, what: str) -> None:
        if not report.ok:
            more = len(report.violations) - 1
            tail = f" ({more} more wrong in {what})" if more else ""
            self.fail(f"{self.name}: {what}: {report.violations[0].message}{tail}")

    def parameters(self, parameters: Any, what: str) -> list[int] | None:
        """Check a parameters dict against the network (learning `layer_dims` if unknown)."""
        if not isinstance(parameters, Mapping):
            self.fail(
                f'{self.name}: {what} must be a dict {{"W1": ..., "b1": ..., ...}}: '
                f"got {type(parameters).__name__}."
            )
        net = self.net
        dims = net.layer_dims if net.fixed else None
        if dims is None:
            dims = layer_dims_from_parameters(parameters, net.convention)
            if dims is None:
                self._unchained(parameters, what)
                return None
            source = f"the W[1..L] of {what}"
        else:
            source = net.source
        self.report(check_parameters(parameters, dims, convention=net.convention), what)
        net.learn(dims, source)
        net.remember(parameters)
        return dims

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


def _weight_slot(convention: str) -> Slot:
    return rule_slot("n_prev n_l" if convention == "transposed" else "n_l n_prev")


_A_PREV, _W_N, _W_T, _B, _Z = (
    rule_slot("n_prev m"),
    rule_slot("n_l n_prev"),
    rule_slot("n_prev n_l"),
    rule_slot("n_l 1"),
    rule_slot("n_l m"),
)
_AL = rule_slot("n_L m")


def _names(layer: int | None) -> dict[str, str]:
    return {
        n: course_var(n, layer)
        for n in ("A_prev", "W", "b", "Z", "A", "dA_prev", "dW", "db", "dZ", "dA")
    }


def _linear_inputs(call: _Call, A_prev: Any, W: Any, b: Any) -> tuple[int | None, list[Any]]:
    layer = call.net.layer_of(W, A_prev)
    names = _names(layer)
    weight = _W_T if call.net.convention == "transposed" else _W_N
    items = [(names["A_prev"], _A_PREV, A_prev), (names["W"], weight, W), (names["b"], _B, b)]
    call.items(items, layer)
    return layer, items


def _split_linear_cache(call: _Call, cache: Any, what: str) -> tuple[Any, Any, Any]:
    if not (isinstance(cache, tuple | list) and len(cache) == 3):
        call.fail(
            f"{call.name}: {what} must be the course's linear cache (A_prev, W, b):"
            f" got {type(cache).__name__}"
            + (f" of length {len(cache)}." if isinstance(cache, tuple | list) else ".")
        )
    return cache[0], cache[1], cache[2]


def _split_activation_cache(call: _Call, cache: Any) -> tuple[Any, Any]:
    if not (isinstance(cache, tuple | list) and len(cache) == 2):
        call.fail(
            f"{call.name}: cache must be the course's (linear_cache, activation_cache):"
            f" got {type(cache).__name__}."
        )
    return cache[0], cache[1]


def _returned(call: _Call, out: Any, count: int, what: str) -> tuple[Any, ...]:
    if not (isinstance(out, tuple | list) and len(out) == count):
        call.fail(f"{call.name}: must return {what}: got {type(out).__name__}.")
    return tuple(out)


# ------------------------------------------------------------------------- the rules


def _initialize_deep(call: _Call, run: Callable[[], Any]) -> Any:
    out = run()
    try:
        dims = check_layer_dims(call.args[0])
    except ValueError:
        return out  # not a network the rules can speak about; the student's own business
    _initialized(call, out, dims, "the layer_dims given to " + call.name)
    return out


def _initialize_two_layer(call: _Call, run: Callable[[], Any]) -> Any:
    out = run()
    try:
        dims = check_layer_dims(call.args[:3])
    except ValueError:
        return out
    _initialized(call, out, dims, "n_x, n_h, n_y given to " + call.name)
    return out


def _initialized(call: _Call, out: Any, dims: list[int], source: str) -> None:
    net = call.net
    if not isinstance(out, Mapping):
        call.fail(f'{call.name}: must return a dict {{"W1": ..., "b1": ...}}: got {type(out)}.')
    expected = net.layer_dims if net.fixed and net.layer_dims is not None else dims
    report = check_parameters(out, expected, convention=net.convention)
    if not report.ok:
        first = report.violations[0].message.replace(" from layer_dims", " from " + source)
        more = len(report.violations) - 1
        tail = f" ({more} more wrong in the returned parameters)" if more else ""
        call.fail(f"{call.name}: returned parameters: {first}{tail}")
    net.learn(dims, source)
    net.remember(out)


def _linear_forward(call: _Call, run: Callable[[], Any]) -> Any:
    A_prev, W, b = call.args[:3]
    layer, items = _linear_inputs(call, A_prev, W, b)
    out = run()
    Z, _ = _returned(call, out, 2, "(Z, cache)")
    call.items([*items, ("returned " + _names(layer)["Z"], _Z, Z)], layer)
    return out


def _linear_activation_forward(call: _Call, run: Callable[[], Any]) -> Any:
    A_prev, W, b = call.args[:3]
    layer, items = _linear_inputs(call, A_prev, W, b)
    out = run()
    A, cache = _returned(call, out, 2, "(A, cache)")
    names = _names(layer)
    items = [*items, ("returned " + names["A"], _Z, A)]
    linear_cache, Z = _split_activation_cache(call, cache)
    _split_linear_cache(call, linear_cache, "cache[0]")
    items.append((names["Z"] + " in the returned cache", _Z, Z))
    call.items(items, layer)
    call.net.forward_output(A, layer)
    return out


def _model_forward(call: _Call, run: Callable[[], Any]) -> Any:
    X, parameters = call.args[:2]
    dims = call.parameters(parameters, "parameters")
    items = [("X = A[0]", rule_slot("n_0 m"), X)]
    seed = {"n_0": dims[0]} if dims else {}
    _check(call, items, seed, "the W[1] of parameters")
    call.net.forward_output(X, 0)
    out = run()
    AL, caches = _returned(call, out, 2, "(AL, caches)")
    m = X.shape[1] if getattr(X, "shape", None) is not None and len(X.shape) == 2 else None
    if dims:
        items.append(("returned AL = A[L]", rule_slot("n_L m"), AL))
        _check(call, items, {"n_0": dims[0], "n_L": dims[-1]}, call.net.source)
        if isinstance(caches, Mapping):
            call.fail(f"{call.name}: caches must be a list of L caches: got a dict.")
        call.report(check_caches(caches, dims, m, convention=call.net.convention), "caches")
    return out


def _check(
    call: _Call, items: list[tuple[str, Slot, Any]], seed: dict[str, int], source: str
) -> None:
    message = check_items(call.name, items, None, seed, dict.fromkeys(seed, source))
    if message is not None:
        call.fail(message)


def _cost(call: _Call, run: Callable[[], Any]) -> Any:
    AL, Y = call.args[:2]
    call.items([("AL = A[L]", _AL, AL), ("Y", _AL, Y)], None, AL=AL)
    out = run()
    shape = getattr(out, "shape", None)
    if isinstance(out, int | float) or shape == ():
        return out
    if isinstance(shape, tuple):
        hint = (
            " Squeeze it: cost = np.squeeze(cost), or float(cost)."
            if all(s == 1 for s in shape)
            else " Sum or average over the examples (the last axis) to one number."
        )
        call.fail(
            f"{call.name}: the cost J must be a scalar (a float or a 0-d array):"
            f" got an array of shape {shape}.{hint}"
        )
    call.fail(f"{call.name}: the cost J must be a scalar: got {type(out).__name__}.")
    return out


def _backward_items(
    call: _Call, layer: int | None, A_prev: Any, W: Any, b: Any
) -> list[tuple[str, Slot, Any]]:
    names = _names(layer)
    weight = _W_T if call.net.convention == "transposed" else _W_N
    return [
        (names["A_prev"] + " in the cache", _A_PREV, A_prev),
        (names["W"] + " in the cache", weight, W),
        (names["b"] + " in the cache", _B, b),
    ]


def _gradient_items(call: _Call, layer: int | None, out: Any) -> list[tuple[str, Slot, Any]]:
    dA_prev, dW, db = _returned(call, out, 3, "(dA_prev, dW, db)")
    names = _names(layer)
    weight = _W_T if call.net.convention == "transposed" else _W_N
    return [
        ("returned " + names["dA_prev"], _A_PREV, dA_prev),
        ("returned " + names["dW"], weight, dW),
        ("returned " + names["db"], _B, db),
    ]


def _linear_backward(call: _Call, run: Callable[[], Any]) -> Any:
    dZ, cache = call.args[:2]
    A_prev, W, b = _split_linear_cache(call, cache, "cache")
    layer = call.net.layer_of(W)
    items = _backward_items(call, layer, A_prev, W, b)
    items.append((_names(layer)["dZ"], _Z, dZ))
    call.items(items, layer)
    out = run()
    call.items(items + _gradient_items(call, layer, out), layer)
    return out


def _linear_activation_backward(call: _Call, run: Callable[[], Any]) -> Any:
    dA, cache = call.args[:2]
    linear_cache, Z = _split_activation_cache(call, cache)
    A_prev, W, b = _split_linear_cache(call, linear_cache, "cache[0]")
    layer = call.net.layer_of(W)
    names = _names(layer)
    items = _backward_items(call, layer, A_prev, W, b)
    items += [(names["Z"] + " in the cache", _Z, Z), (names["dA"], _Z, dA)]
    call.items(items, layer)
    out = run()
    call.items(items + _gradient_items(call, layer, out), layer)
    return out


def _model_backward(call: _Call, run: Callable[[], Any]) -> Any:
    AL, Y, caches = call.args[:3]
    call.items([("AL = A[L]", _AL, AL), ("Y", _AL, Y)], None, AL=AL)
    net = call.net
    report = check_caches(caches, net.layer_dims if net.fixed else None, convention=net.convention)
    call.report(report, "caches")
    out = run()
    if not isinstance(out, Mapping):
        call.fail(f'{call.name}: must return a dict {{"dW1": ..., "db1": ...}}: got {type(out)}.')
    parameters: dict[str, Any] = {}
    for index, cache in enumerate(caches):
        (_, W, b), _ = cache
        parameters[f"W{index + 1}"], parameters[f"b{index + 1}"] = W, b
    m = AL.shape[-1] if getattr(AL, "shape", None) else None
    report = check_gradients(out, parameters, convention=net.convention, m=m)
    call.report(report, "returned grads")
    return out


def _update(call: _Call, run: Callable[[], Any]) -> Any:
    parameters, grads = call.args[:2]
    dims = call.parameters(parameters, "parameters")
    if not isinstance(grads, Mapping):
        call.fail(
            f'{call.name}: grads must be a dict {{"dW1": ..., "db1": ...}}: got {type(grads)}.'
        )
    grad_report = check_gradients(
        {k: v for k, v in grads.items() if not k.startswith("dA")},
        parameters,
        convention=call.net.convention,
    )
    call.report(grad_report, "grads")
    out = run()
    if dims is not None:
        if not isinstance(out, Mapping):
            call.fail(f"{call.name}: must return the parameters dict: got {type(out)}.")
        report = check_parameters(out, dims, convention=call.net.convention)
        call.report(report, "returned parameters")
        call.net.remember(out)
    return out


def _forward_two_layer(call: _Call, run: Callable[[], Any]) -> Any:
    X, parameters = call.args[:2]
    dims = call.parameters(parameters, "parameters")
    items = [("X = A[0]", rule_slot("n_0 m"), X)]
    seed = {"n_0": dims[0]} if dims else {}
    _check(call, items, seed, "the W[1] of parameters")
    out = run()
    A2, cache = _returned(call, out, 2, "(A2, cache)")
    if dims:
        items.append(("returned A2 = A[L]", rule_slot("n_L m"), A2))
        _check(call, items, {"n_0": dims[0], "n_L": dims[-1]}, call.net.source)
        m = X.shape[1]
        call.report(check_caches(cache, dims, m, convention=call.net.convention), "the cache")
    return out


def _backward_two_layer(call: _Call, run: Callable[[], Any]) -> Any:
    parameters, cache, X, Y = call.args[:4]
    dims = call.parameters(parameters, "parameters")
    m = None
    if dims:
        items = [("X = A[0]", rule_slot("n_0 m"), X), ("Y", rule_slot("n_L m"), Y)]
        _check(call, items, {"n_0": dims[0], "n_L": dims[-1]}, call.net.source)
        m = X.shape[1]
        call.report(check_caches(cache, dims, m, convention=call.net.convention), "cache")
    out = run()
    if not isinstance(out, Mapping):
        call.fail(f'{call.name}: must return a dict {{"dW1": ..., "db1": ...}}: got {type(out)}.')
    call.report(check_gradients(out, parameters, convention=call.net.convention, m=m), "grads")
    return out


# How many leading arguments each rule reads; a function with fewer is not the Course's.
_ARITY = {
    "initialize_parameters_deep": 1,
    "linear_forward": 3,
    "linear_activation_forward": 3,
    "L_model_forward": 2,
    "compute_cost": 2,
    "linear_backward": 2,
    "linear_activation_backward": 2,
    "L_model_backward": 3,
    "update_parameters": 2,
    "initialize_parameters": 3,
    "forward_propagation": 2,
    "backward_propagation": 4,
}

_RULES: dict[str, Callable[[_Call, Callable[[], Any]], Any]] = {
    "initialize_parameters_deep": _initialize_deep,
    "linear_forward": _linear_forward,
    "linear_activation_forward": _linear_activation_forward,
    "L_model_forward": _model_forward,
    "compute_cost": _cost,
    "linear_backward": _linear_backward,
    "linear_activation_backward": _linear_activation_backward,
    "L_model_backward": _model_backward,
    "update_parameters": _update,
    "initialize_parameters": _initialize_two_layer,
    "forward_propagation": _forward_two_layer,
    "backward_propagation": _backward_two_layer,
}


# ------------------------------------------------------------------- instrument / undo


def instrument(
    module: types.ModuleType,
    layer_dims: Sequence[int] | None = None,
    *,
    convention: Convention = "standard",
    strict_broadcasting: bool = False,
) -> list[str]:
    """Shape-check the Course-named functions of an unmodified student module.

    Replaces, in `module`, each of `initialize_parameters_deep`, `linear_forward`,
    `linear_activation_forward`, `L_model_forward`, `compute_cost`, `linear_backward`,
    `linear_activation_backward`, `L_model_backward`, `update_parameters`,
    `initialize_parameters`, `forward_propagation`, `backward_propagation` that it
    defines by a wrapper applying the course's rules (`../shared/NOTATION.md`) to its
    arguments and results; the first wrong shape raises `ShapeError` naming the variable
    in course notation (`W[2]`, `db[1]`). Wrappers keep the name, docstring and
    `inspect.signature`; the functions inside the module call each other through the
    wrappers, so consecutive calls are linked (`W[l]` against the `A[l-1]` the previous
    layer returned). Instrumenting twice is the same as once.

    **Arguments:**

    - `module`: the student's module (any object with those functions as attributes).
    - `layer_dims`: `[n[0], ..., n[L]]` when known; otherwise learned from
      `initialize_parameters_deep`/`initialize_parameters` or the parameters passed to
      `L_model_forward`. A `with dimcheck.network(...)` block overrides it.
    - `convention`: `"standard"` (`W[l]` is `(n[l], n[l-1])`) or `"transposed"` (`W[l]`
      stored as `(n[l-1], n[l])`, used as `W.T @ A`); messages say which is assumed.
    - `strict_broadcasting`: check the arithmetic of the functions' bodies on every call
      (see `dimcheck.strict_broadcasting`); by default only inside
      `with dimcheck.strict_broadcasting():`. Functions whose source cannot be found
      are wrapped without it.

    **Returns:** the names of the functions wrapped (a function with one of those names
    but fewer parameters than the Course's is left alone).
    """
    check_convention(convention)
    default = Network(layer_dims, convention)
    uninstrument(module)
    originals: dict[str, Any] = {}
    for name in COURSE_FUNCTIONS:
        function = getattr(module, name, None)
        if not isinstance(function, types.FunctionType) or not _fits(function, name):
            continue
        originals[name] = function
        setattr(module, name, _wrap(name, function, default, strict_broadcasting))
    setattr(module, _ORIGINALS, originals)
    return list(originals)


def uninstrument(module: types.ModuleType) -> list[str]:
    """Put back the very function objects `instrument` replaced.

    **Returns:** the names restored (empty if `module` was not instrumented).
    """
    originals: dict[str, Any] = getattr(module, _ORIGINALS, None) or {}
    for name, function in originals.items():
        setattr(module, name, function)
    if hasattr(module, _ORIGINALS):
        delattr(module, _ORIGINALS)
    return list(originals)


def _fits(function: Any, name: str) -> bool:
    parameters = inspect.signature(function).parameters.values()
    if any(p.kind == p.VAR_POSITIONAL for p in parameters):
        return True
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= _ARITY[name]


def _wrap(name: str, function: Any, default: Network, strict: bool) -> Callable[..., Any]:
    from ._broadcast import rewrite

    try:
        target = rewrite(function, always=strict)
    except ValueError:
        target = function
    rule = _RULES[name]
    signature = inspect.signature(function)
    on = _ON

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if not on[0]:
            return target(*args, **kwargs)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return target(*args, **kwargs)  # let the function itself say what is wrong
        bound.apply_defaults()
        values = list(bound.arguments.values())
        if len(values) < _ARITY[name]:
            return target(*args, **kwargs)  # called through *args with too few: not ours
        net = _CURRENT.get() or default
        return rule(_Call(name, net, values), lambda: target(*args, **kwargs))

    return checked
