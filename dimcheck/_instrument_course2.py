"""The rules of `instrument` beyond the L-layer network: Course 1 Week 2, Course 2.

Logistic regression (`w (n_x, 1)`, a scalar `b`), Course 2's 3-layer functions with
their tuple caches (`(Z1, A1, W1, b1, ...)`, 12 entries, or 14 with the dropout
masks `D[l]`), and the optimisation assignment's moments `v`, `s` (keyed like the
gradients, `"dW1"`, `"db1"`, and of the same shapes). Each rule has the signature
`rule(call, run) -> result` of `_instrument`'s rules.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ._fits import gradients_fit, parameters_fit
from ._instrument_state import Call, canonical
from ._rules import Checker, check_gradients, check_parameters

Run = Callable[[], Any]


def _shape(value: Any) -> tuple[int, ...] | None:
    shape = getattr(value, "shape", None)
    return shape if isinstance(shape, tuple) else None


def _pair(call: Call, out: Any, count: int, what: str) -> tuple[Any, ...]:
    if isinstance(out, tuple | list) and len(out) >= count:
        return tuple(out)
    call.fail(f"{call.name}: must return {what}: got {type(out).__name__}.")


# ------------------------------------------------------------- Course 2's tuple caches


def split_tuple_cache(cache: Any) -> dict[str, Any] | None:
    """Course 2's tuple cache as a dict `{"Z1", "A1", "W1", "b1", "D1", ...}`, or `None`.

    `4 L` entries are `(Z[l], A[l], W[l], b[l])` per layer; `5 L - 1` entries add the
    dropout mask after each hidden `Z[l]`: `(Z[l], D[l], A[l], W[l], b[l])`.
    """
    if not isinstance(cache, tuple | list) or len(cache) < 4:
        return None
    count = len(cache)
    if count % 4 == 0:
        layers = count // 4
        layout: list[tuple[str, ...]] = [("Z", "A", "W", "b")] * layers
    elif (count + 1) % 5 == 0:
        layers = (count + 1) // 5
        layout = [("Z", "D", "A", "W", "b")] * (layers - 1) + [("Z", "A", "W", "b")]
    else:
        return None
    entries: dict[str, Any] = {}
    position = 0
    for layer, names in enumerate(layout, start=1):
        for name in names:
            entries[f"{name}{layer}"] = cache[position]
            position += 1
    if not all(_shape(entries[f"W{layer}"]) is not None for layer in range(1, layers + 1)):
        return None
    return entries


def _activations_fit(entries: Mapping[str, Any], dims: Sequence[int], m: int) -> bool:
    """Whether `_check_activations` would find nothing (no text made to find out)."""
    for layer in range(1, len(dims)):
        want = (dims[layer], m)
        for letter in ("Z", "D", "A"):
            value = entries.get(f"{letter}{layer}", _ABSENT)
            if value is not _ABSENT and getattr(value, "shape", None) != want:
                return False
    return True


_ABSENT = object()


def _check_activations(call: Call, entries: Mapping[str, Any], dims: Sequence[int], m: int) -> None:
    if m is not None and _activations_fit(entries, dims, m):
        return
    checker = Checker("the cache", call.net.convention)
    for layer in range(1, len(dims)):
        origin = f"n[{layer}] = {dims[layer]} from the W[1..L] of the parameters, m = {m} from X"
        for letter in ("Z", "D", "A"):
            key = f"{letter}{layer}"
            if key in entries:
                checker.expect(
                    key,
                    f"{letter}[{layer}]",
                    entries[key],
                    [f"n[{layer}]", "m"],
                    [dims[layer], m],
                    origin,
                )
    call.report(checker.report(), "the cache")


def check_tuple_cache(call: Call, cache: Any, dims: Sequence[int], m: int) -> None:
    """Check a forward pass's tuple cache; a cache of another structure is not judged."""
    entries = split_tuple_cache(cache)
    if entries is None or f"W{len(dims) - 1}" not in entries or f"W{len(dims)}" in entries:
        return
    weights = {k: v for k, v in entries.items() if k[:1] in ("W", "b")}
    if not parameters_fit(weights, dims, call.net.convention):
        call.report(check_parameters(weights, dims, convention=call.net.convention), "the cache")
    _check_activations(call, entries, dims, m)


def backward_tuple_cache(call: Call, run: Run) -> Any:
    """`backward_propagation*(X, Y, cache, ...)` of Course 2: the cache, then the gradients."""
    X, Y, cache = call.args[:3]
    entries = split_tuple_cache(cache)
    if entries is None:
        return run()
    weights = {k: v for k, v in entries.items() if k[:1] in ("W", "b")}
    dims = call.parameters(weights, "the W[l], b[l] in the cache")
    m = None
    if dims:
        call.expect("X = A[0]", X, ["n[0]", "m"], [dims[0], None], f"n[0] = {dims[0]} from W[1]")
        m = X.shape[1]
        call.expect("Y", Y, [f"n[{len(dims) - 1}]", "m"], [dims[-1], m], f"m = {m} from X")
        _check_activations(call, entries, dims, m)
    out = run()
    if not isinstance(out, Mapping):
        call.fail(f'{call.name}: must return a dict {{"dW1": ..., "db1": ...}}: got {type(out)}.')
    grads = canonical(out)
    if not gradients_fit(grads, weights, call.net.convention, m):
        report = check_gradients(grads, weights, convention=call.net.convention, m=m)
        call.report(report, "the gradients")
    return out


# ------------------------------------------------------------------ the rules


def _init_logreg(call: Call, run: Run) -> Any:
    dim = call.args[0]
    out = run()
    if not isinstance(dim, int) or dim < 1:
        return out
    w, b = _pair(call, out, 2, "(w, b)")[:2]
    call.expect("w", w, ["dim", "1"], [dim, 1], f"dim = {dim} given")
    call.scalar(b, "the bias b", "b")
    return out


def _logreg_inputs(call: Call) -> tuple[int, int] | None:
    w, b, X, Y = call.args[:4]
    shape = _shape(X)
    if shape is None or len(shape) != 2:
        call.fail(f"{call.name}: X must be a 2-d array (n_x, m), one example per column.")
    n_x, m = shape
    call.expect("w", w, ["n_x", "1"], [n_x, 1], f"n_x = {n_x} from X")
    call.scalar(b, "the bias b", "b")
    call.expect("Y", Y, ["1", "m"], [1, m], f"m = {m} from X")
    return n_x, m


def _propagate(call: Call, run: Run) -> Any:
    sizes = _logreg_inputs(call)
    out = run()
    grads, cost = _pair(call, out, 2, '(grads {"dw", "db"}, cost)')[:2]
    if sizes is not None and isinstance(grads, Mapping):
        n_x, _ = sizes
        call.expect("dw", grads.get("dw"), ["n_x", "1"], [n_x, 1], f"n_x = {n_x} from X")
        call.scalar(grads.get("db"), 'grads["db"], the gradient db', "db")
    call.scalar(cost, "the cost J", "cost")
    return out


def _optimize(call: Call, run: Run) -> Any:
    sizes = _logreg_inputs(call)
    out = run()
    params = _pair(call, out, 3, "(params, grads, costs)")[0]
    if sizes is not None and isinstance(params, Mapping):
        n_x, _ = sizes
        call.expect("w", params.get("w"), ["n_x", "1"], [n_x, 1], f"n_x = {n_x} from X")
        call.scalar(params.get("b"), 'params["b"], the bias b', "b")
    return out


def _cost_l2(call: Call, run: Run) -> Any:
    AL, Y, parameters = call.args[:3]
    shape = _shape(AL)
    if shape is not None and len(shape) == 2:
        call.expect("Y", Y, ["n[L]", "m"], list(shape), f"n[L], m = {shape} from A[L]")
    call.parameters(parameters, "parameters")
    out = run()
    call.scalar(out, "the cost J", "cost")
    return out


def _forward_n(call: Call, run: Run) -> Any:
    X, Y, parameters = call.args[:3]
    dims = call.parameters(parameters, "parameters")
    m = None
    if dims:
        call.expect("X = A[0]", X, ["n[0]", "m"], [dims[0], None], f"n[0] = {dims[0]} from W[1]")
        m = X.shape[1]
        call.expect("Y", Y, ["n[L]", "m"], [dims[-1], m], f"m = {m} from X")
    out = run()
    cost, cache = _pair(call, out, 2, "(cost, cache)")[:2]
    call.scalar(cost, "the cost J", "cost")
    if dims and m is not None:
        check_tuple_cache(call, cache, dims, m)
    return out


def _mini_batches(call: Call, run: Run) -> Any:
    X, Y = call.args[:2]
    x_shape, y_shape = _shape(X), _shape(Y)
    out = run()
    if x_shape is None or y_shape is None or len(x_shape) != 2 or len(y_shape) != 2:
        return out
    n_x, n_y = x_shape[0], y_shape[0]
    if not isinstance(out, list | tuple):
        call.fail(f"{call.name}: must return a list of (mini_batch_X, mini_batch_Y): got {out!r}.")
    for index, batch in enumerate(out):
        X_b, Y_b = _pair(call, batch, 2, f"pairs (mini_batch_X, mini_batch_Y) (batch {index})")[:2]
        shape = _shape(X_b)
        k = shape[1] if shape is not None and len(shape) == 2 else None
        where = f"the number of examples in batch {index}"
        call.expect(f"mini_batch_X of batch {index}", X_b, ["n_x", "k"], [n_x, k], "n_x from X")
        call.expect(
            f"mini_batch_Y of batch {index}", Y_b, ["n_y", "k"], [n_y, k], f"k = {k}, {where}"
        )
    return out


def _moments(call: Call, value: Any, parameters: Mapping[str, Any], what: str) -> None:
    if not isinstance(value, Mapping):
        call.fail(f'{call.name}: {what} must be a dict {{"dW1": ..., "db1": ...}}: got {value!r}.')
    moments = canonical(value)
    if not gradients_fit(moments, parameters, call.net.convention, None):
        report = check_gradients(moments, parameters, convention=call.net.convention)
        call.report(report, what)


def _parameters(call: Call) -> dict[str, Any] | None:
    parameters = call.args[0]
    dims = call.parameters(parameters, "parameters")
    return dict(canonical(parameters)) if dims else None


def _init_velocity(call: Call, run: Run) -> Any:
    parameters = _parameters(call)
    out = run()
    if parameters is not None:
        _moments(call, out, parameters, "the returned v")
    return out


def _init_adam(call: Call, run: Run) -> Any:
    parameters = _parameters(call)
    out = run()
    v, s = _pair(call, out, 2, "(v, s)")[:2]
    if parameters is not None:
        _moments(call, v, parameters, "the returned v")
        _moments(call, s, parameters, "the returned s")
    return out


def _updated(call: Call, run: Run, moments: tuple[str, ...]) -> Any:
    parameters = _parameters(call)
    if parameters is not None:
        _moments(call, call.args[1], parameters, "grads")
        for index, name in enumerate(moments, start=2):
            _moments(call, call.args[index], parameters, name)
    out = run()
    what = "(parameters, " + ", ".join(moments) + ")"
    returned = _pair(call, out, 1 + len(moments), what)
    if parameters is not None:
        dims = call.parameters(returned[0], "the returned parameters")
        if dims is not None:
            for index, name in enumerate(moments, start=1):
                _moments(call, returned[index], parameters, f"the returned {name}")
    return out


def _update_momentum(call: Call, run: Run) -> Any:
    return _updated(call, run, ("v",))


def _update_adam(call: Call, run: Run) -> Any:
    return _updated(call, run, ("v", "s"))


RULES: dict[str, Callable[[Call, Run], Any]] = {
    "init_logreg": _init_logreg,
    "propagate": _propagate,
    "optimize": _optimize,
    "cost_l2": _cost_l2,
    "forward_n": _forward_n,
    "mini_batches": _mini_batches,
    "init_velocity": _init_velocity,
    "init_adam": _init_adam,
    "update_momentum": _update_momentum,
    "update_adam": _update_adam,
}
