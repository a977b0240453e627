"""`instrument(module)`: the course's layer rules around an unmodified student module.

The Course-named functions of the module are replaced by wrappers that check their
arguments before the call and their results after it, and link consecutive calls
through a network state: `layer_dims` (given, or learned from `initialize_parameters_deep`
or the parameters `L_model_forward` receives), which layer a weight matrix belongs to
(by identity with the parameters seen), and the `A[l]` the previous layer returned.

Cheap enough to leave on (`benchmarks/bench_dimcheck.py`): a wrapper has the function's
own parameters, so Python binds the call; the function itself runs, its rewritten copy
only for strict broadcasting; and a call where nothing is wrong builds no text. Each
rule asks first the straight-line checks of its items (`_fast.compile_fits`) and the
yes-or-no dict rules (`_fits`); only when one is not sure are the items checked the
general way, which words the mistake exactly as before.
"""

import functools
import inspect
import types
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from . import _instrument_course2 as course2
from ._course_functions import BY_NAME, NAMES
from ._decorator import check_items
from ._fast import compile_fits
from ._fits import (
    cache_dict_fits,
    caches_fit,
    gradients_fit,
    gradients_fit_dims,
    parameters_fit,
)
from ._instrument_state import _CURRENT as _CURRENT
from ._instrument_state import Call, Network, canonical, course_dA_keys, is_mapping, network
from ._notation import course_var
from ._rules import (
    Convention,
    check_caches,
    check_convention,
    check_gradients,
    check_layer_dims,
    check_parameters,
)
from ._spec import Slot, rule_slot
from ._switch import _ON, STRICT, SUSPENDED, mode

#: Every function name `instrument` looks for (see `_course_functions.FUNCTIONS`).
COURSE_FUNCTIONS = NAMES

__all__ = ["COURSE_FUNCTIONS", "Network", "instrument", "network", "uninstrument"]

_ORIGINALS = "__dimcheck_originals__"


_A_PREV, _W_N, _W_T, _B, _Z = (
    rule_slot("n_prev m"),
    rule_slot("n_l n_prev"),
    rule_slot("n_prev n_l"),
    rule_slot("n_l 1"),
    rule_slot("n_l m"),
)
_AL = rule_slot("n_L m")
_X = rule_slot("n_0 m")

# The containers the Course's functions return and cache in.
_PAIR = (tuple, list)


# A compiled check (`compile_fits`): `fits(seed, *values)` -> the sizes bound, or `None`.
Fits = Callable[..., dict[str, int] | None]


class _LayerFits(NamedTuple):
    """The per-layer rules' checks as straight-line code (`compile_fits`), for one weight
    convention. Each gives the sizes its values bind, or `None`; the results are checked
    with the sizes the arguments bound. The order of the values is the order of the
    rules' items, so that a fit is exactly what `Call.items` finds; when one does not
    fit, the rule's items are checked the usual way, which words the mistake."""

    linear: Fits  # A[l-1], W[l], b[l]
    linear_Z: Fits  # then the returned Z[l]
    linear_A_Z: Fits  # then the returned A[l] and the Z[l] in its cache
    backward: Fits  # A[l-1], W[l], b[l] of the cache, dZ[l]
    activation_backward: Fits  # A[l-1], W[l], b[l], Z[l] of the cache, dA[l]
    grads: Fits  # then the returned dA[l-1], dW[l], db[l]


def _compiled(*slots: Slot) -> Fits:
    fits = compile_fits(slots)
    if fits is None:
        raise AssertionError("a rule slot is always simple enough to compile")
    return fits


def _layer_fits(weight: Slot) -> _LayerFits:
    return _LayerFits(
        _compiled(_A_PREV, weight, _B),
        _compiled(_Z),
        _compiled(_Z, _Z),
        _compiled(_A_PREV, weight, _B, _Z),
        _compiled(_A_PREV, weight, _B, _Z, _Z),
        _compiled(_A_PREV, weight, _B),
    )


_FITS = {"standard": _layer_fits(_W_N), "transposed": _layer_fits(_W_T)}
_X_FITS, _X_AL_FITS, _AL_Y_FITS = _compiled(_X), _compiled(_X, _AL), _compiled(_AL, _AL)


@functools.cache
def _names(layer: int | None) -> dict[str, str]:
    """Course names of a layer's variables (`W` -> `W[2]`), made once per layer; read-only."""
    return {
        n: course_var(n, layer)
        for n in ("A_prev", "W", "b", "Z", "A", "dA_prev", "dW", "db", "dZ", "dA")
    }


def _linear_items(
    call: Call, layer: int | None, A_prev: Any, W: Any, b: Any
) -> list[tuple[str, Slot, Any]]:
    names = _names(layer)
    weight = _W_T if call.net.convention == "transposed" else _W_N
    return [(names["A_prev"], _A_PREV, A_prev), (names["W"], weight, W), (names["b"], _B, b)]


def _split_linear_cache(call: Call, cache: Any, what: str) -> tuple[Any, Any, Any]:
    if not (isinstance(cache, tuple | list) and len(cache) == 3):
        call.fail(
            f"{call.name}: {what} must be the course's linear cache (A_prev, W, b):"
            f" got {type(cache).__name__}"
            + (f" of length {len(cache)}." if isinstance(cache, tuple | list) else ".")
        )
    return cache[0], cache[1], cache[2]


def _split_activation_cache(call: Call, cache: Any) -> tuple[Any, Any]:
    if not (isinstance(cache, tuple | list) and len(cache) == 2):
        call.fail(
            f"{call.name}: cache must be the course's (linear_cache, activation_cache):"
            f" got {type(cache).__name__}."
        )
    return cache[0], cache[1]


def _returned(call: Call, out: Any, count: int, what: str) -> tuple[Any, ...]:
    if not (isinstance(out, tuple | list) and len(out) == count):
        call.fail(f"{call.name}: must return {what}: got {type(out).__name__}.")
    return tuple(out)


# ------------------------------------------------------------------------- the rules


def _initialize_deep(call: Call, run: Callable[[], Any]) -> Any:
    out = run()
    try:
        dims = check_layer_dims(call.args[0])
    except ValueError:
        return out  # not a network the rules can speak about; the student's own business
    _initialized(call, out, dims, "the layer_dims given to " + call.name)
    return out


def _initialize_two_layer(call: Call, run: Callable[[], Any]) -> Any:
    out = run()
    try:
        dims = check_layer_dims(call.args[:3])
    except ValueError:
        return out
    _initialized(call, out, dims, "n_x, n_h, n_y given to " + call.name)
    return out


def _initialized(call: Call, out: Any, dims: list[int], source: str) -> None:
    net = call.net
    if not is_mapping(out):
        call.fail(f'{call.name}: must return a dict {{"W1": ..., "b1": ...}}: got {type(out)}.')
    out = canonical(out)
    expected = net.layer_dims if net.fixed and net.layer_dims is not None else dims
    report = None
    if not parameters_fit(out, expected, net.convention):
        report = check_parameters(out, expected, convention=net.convention)
    if report is not None and not report.ok:
        first = report.violations[0].message.replace(" from layer_dims", " from " + source)
        more = len(report.violations) - 1
        tail = f" ({more} more wrong in the returned parameters)" if more else ""
        call.fail(f"{call.name}: returned parameters: {first}{tail}")
    net.learn(dims, source)
    net.remember(out)


def _linear_inputs(call: Call) -> tuple[int | None, _LayerFits, dict[str, int] | None]:
    """`(layer, fits, sizes)` of a call taking `(A_prev, W, b)`: the layer, the yes-or-no
    checks of its convention and the sizes they bound (`None` after a failure is said)."""
    A_prev, W, b = call.args[:3]
    net = call.net
    layer = net.layer_of(W, A_prev)
    fits = _FITS[net.convention]
    sizes = fits.linear(net.sizes(layer), A_prev, W, b)
    if sizes is None:
        call.items(_linear_items(call, layer, A_prev, W, b), layer)  # says what is wrong
    return layer, fits, sizes


def _linear_forward(call: Call, run: Callable[[], Any]) -> Any:
    layer, fits, sizes = _linear_inputs(call)
    out = run()
    if (
        sizes is not None
        and type(out) in _PAIR
        and len(out) == 2
        and fits.linear_Z(sizes, out[0]) is not None
    ):
        return out
    items = _linear_items(call, layer, *call.args[:3])
    Z, _ = _returned(call, out, 2, "(Z, cache)")
    call.items([*items, ("returned " + _names(layer)["Z"], _Z, Z)], layer)
    return out


def _linear_activation_forward(call: Call, run: Callable[[], Any]) -> Any:
    layer, fits, sizes = _linear_inputs(call)
    out = run()
    if sizes is not None and type(out) in _PAIR and len(out) == 2:
        A, cache = out
        if (
            type(cache) in _PAIR
            and len(cache) == 2
            and type(cache[0]) in _PAIR
            and len(cache[0]) == 3
            and fits.linear_A_Z(sizes, A, cache[1]) is not None
        ):
            call.net.forward_output(A, layer)
            return out
    items = _linear_items(call, layer, *call.args[:3])
    A, cache = _returned(call, out, 2, "(A, cache)")
    names = _names(layer)
    items = [*items, ("returned " + names["A"], _Z, A)]
    linear_cache, Z = _split_activation_cache(call, cache)
    _split_linear_cache(call, linear_cache, "cache[0]")
    items.append((names["Z"] + " in the returned cache", _Z, Z))
    call.items(items, layer)
    call.net.forward_output(A, layer)
    return out


def _model_forward(call: Call, run: Callable[[], Any]) -> Any:
    X, parameters = call.args[:2]
    dims = call.parameters(parameters, "parameters")
    net = call.net
    seed = {"n_0": dims[0]} if dims else {}
    if _X_FITS(seed, X) is None:
        _check(call, [("X = A[0]", _X, X)], seed, "the W[1] of parameters")
    net.forward_output(X, 0)
    out = run()
    AL, caches = _returned(call, out, 2, "(AL, caches)")
    m = X.shape[1] if getattr(X, "shape", None) is not None and len(X.shape) == 2 else None
    if dims:
        seed = {"n_0": dims[0], "n_L": dims[-1]}
        if _X_AL_FITS(seed, X, AL) is None:
            items = [("X = A[0]", _X, X), ("returned AL = A[L]", _AL, AL)]
            _check(call, items, seed, net.source)
        if is_mapping(caches):
            call.fail(f"{call.name}: caches must be a list of L caches: got a dict.")
        if caches_fit(caches, dims, m, net.convention) is None:
            call.report(check_caches(caches, dims, m, convention=net.convention), "caches")
    return out


def _check(
    call: Call, items: list[tuple[str, Slot, Any]], seed: dict[str, int], source: str
) -> None:
    message = check_items(call.name, items, None, seed, dict.fromkeys(seed, source))
    if message is not None:
        call.fail(message)


def _cost(call: Call, run: Callable[[], Any]) -> Any:
    AL, Y = call.args[:2]
    if _AL_Y_FITS(call.net.sizes(None, AL), AL, Y) is None:
        call.items([("AL = A[L]", _AL, AL), ("Y", _AL, Y)], None, AL=AL)  # says what is wrong
    out = run()
    call.scalar(out, "the cost J", "cost")
    return out


def _backward_items(
    call: Call, layer: int | None, A_prev: Any, W: Any, b: Any
) -> list[tuple[str, Slot, Any]]:
    names = _names(layer)
    weight = _W_T if call.net.convention == "transposed" else _W_N
    return [
        (names["A_prev"] + " in the cache", _A_PREV, A_prev),
        (names["W"] + " in the cache", weight, W),
        (names["b"] + " in the cache", _B, b),
    ]


def _gradient_items(call: Call, layer: int | None, out: Any) -> list[tuple[str, Slot, Any]]:
    dA_prev, dW, db = _returned(call, out, 3, "(dA_prev, dW, db)")
    names = _names(layer)
    weight = _W_T if call.net.convention == "transposed" else _W_N
    return [
        ("returned " + names["dA_prev"], _A_PREV, dA_prev),
        ("returned " + names["dW"], weight, dW),
        ("returned " + names["db"], _B, db),
    ]


def _linear_backward(call: Call, run: Callable[[], Any]) -> Any:
    dZ, cache = call.args[:2]
    if type(cache) in _PAIR and len(cache) == 3:
        A_prev, W, b = cache
    else:
        A_prev, W, b = _split_linear_cache(call, cache, "cache")
    net = call.net
    layer = net.layer_of(W)
    fits = _FITS[net.convention]
    sizes = fits.backward(net.sizes(layer), A_prev, W, b, dZ)
    if sizes is None:
        call.items(_linear_backward_items(call, layer, A_prev, W, b, dZ), layer)
    out = run()
    if sizes is not None and type(out) in _PAIR and len(out) == 3 and fits.grads(sizes, *out):
        return out
    items = _linear_backward_items(call, layer, A_prev, W, b, dZ)
    call.items(items + _gradient_items(call, layer, out), layer)
    return out


def _linear_backward_items(
    call: Call, layer: int | None, A_prev: Any, W: Any, b: Any, dZ: Any
) -> list[tuple[str, Slot, Any]]:
    items = _backward_items(call, layer, A_prev, W, b)
    items.append((_names(layer)["dZ"], _Z, dZ))
    return items


def _linear_activation_backward(call: Call, run: Callable[[], Any]) -> Any:
    dA, cache = call.args[:2]
    if type(cache) in _PAIR and len(cache) == 2 and type(cache[0]) in _PAIR and len(cache[0]) == 3:
        (A_prev, W, b), Z = cache
    else:
        linear_cache, Z = _split_activation_cache(call, cache)
        A_prev, W, b = _split_linear_cache(call, linear_cache, "cache[0]")
    net = call.net
    layer = net.layer_of(W)
    fits = _FITS[net.convention]
    sizes = fits.activation_backward(net.sizes(layer), A_prev, W, b, Z, dA)
    if sizes is None:
        call.items(_activation_backward_items(call, layer, A_prev, W, b, Z, dA), layer)
    out = run()
    if sizes is not None and type(out) in _PAIR and len(out) == 3 and fits.grads(sizes, *out):
        return out
    items = _activation_backward_items(call, layer, A_prev, W, b, Z, dA)
    call.items(items + _gradient_items(call, layer, out), layer)
    return out


def _activation_backward_items(
    call: Call, layer: int | None, A_prev: Any, W: Any, b: Any, Z: Any, dA: Any
) -> list[tuple[str, Slot, Any]]:
    names = _names(layer)
    items = _backward_items(call, layer, A_prev, W, b)
    items += [(names["Z"] + " in the cache", _Z, Z), (names["dA"], _Z, dA)]
    return items


def _model_backward(call: Call, run: Callable[[], Any]) -> Any:
    AL, Y, caches = call.args[:3]
    net = call.net
    if _AL_Y_FITS(net.sizes(None, AL), AL, Y) is None:
        call.items([("AL = A[L]", _AL, AL), ("Y", _AL, Y)], None, AL=AL)  # says what is wrong
    dims = net.layer_dims if net.fixed else None
    fitting = caches_fit(caches, dims, None, net.convention)
    if fitting is None:
        call.report(check_caches(caches, dims, convention=net.convention), "caches")
    out = run()
    if not is_mapping(out):
        call.fail(f'{call.name}: must return a dict {{"dW1": ..., "db1": ...}}: got {type(out)}.')
    m = AL.shape[-1] if getattr(AL, "shape", None) else None
    grads = course_dA_keys(canonical(out), len(caches))
    # The caches' W[1..L] fit `fitting`: the rule would read the same sizes off them.
    if fitting is not None and gradients_fit_dims(grads, fitting, net.convention, m):
        return out
    parameters: dict[str, Any] = {}
    for index, cache in enumerate(caches):
        (_, W, b), _ = cache
        parameters[f"W{index + 1}"], parameters[f"b{index + 1}"] = W, b
    if not gradients_fit(grads, parameters, net.convention, m):
        report = check_gradients(grads, parameters, convention=net.convention, m=m)
        call.report(report, "returned grads")
    return out


def _update(call: Call, run: Callable[[], Any]) -> Any:
    parameters, grads = call.args[:2]
    dims = call.parameters(parameters, "parameters")
    parameters = canonical(parameters)
    if not is_mapping(grads):
        call.fail(
            f'{call.name}: grads must be a dict {{"dW1": ..., "db1": ...}}: got {type(grads)}.'
        )
    grads = canonical(grads)
    convention = call.net.convention
    # `parameters` fit `dims` (or `call.parameters` raised): its W[1..L] chain up as `dims`.
    fit = (
        gradients_fit_dims(grads, dims, convention, None, activations=False)
        if dims is not None
        else gradients_fit(grads, parameters, convention, None, activations=False)
    )
    if not fit:
        grad_report = check_gradients(
            {k: v for k, v in grads.items() if not k.startswith("dA")},
            parameters,
            convention=convention,
        )
        call.report(grad_report, "grads")
    out = run()
    if dims is not None:
        if not is_mapping(out):
            call.fail(f"{call.name}: must return the parameters dict: got {type(out)}.")
        updated = canonical(out)
        if not parameters_fit(updated, dims, convention):
            report = check_parameters(updated, dims, convention=convention)
            call.report(report, "returned parameters")
        call.net.remember(updated)
    return out


def _forward(call: Call, run: Callable[[], Any]) -> Any:
    """`forward_propagation(X, parameters)`: Week 3's dict cache or Course 2's tuple cache.

    The 1-D toy of gradient checking, `forward_propagation(x, theta)`, is given a
    number, not a parameters dict: it is not a network, and is run unchecked.
    """
    X, parameters = call.args[:2]
    if not is_mapping(parameters):
        return run()
    dims = call.parameters(parameters, "parameters")
    items = [("X = A[0]", _X, X)]
    seed = {"n_0": dims[0]} if dims else {}
    if _X_FITS(seed, X) is None:
        _check(call, items, seed, "the W[1] of parameters")
    out = run()
    AL, cache = _returned(call, out, 2, f"(A{len(dims) - 1 if dims else 'L'}, cache)")
    if dims:
        seed = {"n_0": dims[0], "n_L": dims[-1]}
        if _X_AL_FITS(seed, X, AL) is None:
            items.append((f"returned A{len(dims) - 1} = A[L]", _AL, AL))
            _check(call, items, seed, call.net.source)
        m = X.shape[1]
        if is_mapping(cache):
            if not cache_dict_fits(cache, dims, m):
                report = check_caches(cache, dims, m, convention=call.net.convention)
                call.report(report, "the cache")
        else:
            course2.check_tuple_cache(call, cache, dims, m)
    return out


def _backward(call: Call, run: Callable[[], Any]) -> Any:
    """`backward_propagation`: Week 3's `(parameters, cache, X, Y)`, Course 2's `(X, Y, cache)`.

    Anything else (the 1-D toy `backward_propagation(x, theta)`) is run unchecked.
    """
    args = call.args
    if len(args) >= 4 and isinstance(args[0], Mapping):
        return _backward_two_layer(call, run)
    if len(args) >= 3 and isinstance(args[2], tuple | list):
        return course2.backward_tuple_cache(call, run)
    return run()


def _backward_two_layer(call: Call, run: Callable[[], Any]) -> Any:
    parameters, cache, X, Y = call.args[:4]
    dims = call.parameters(parameters, "parameters")
    parameters = canonical(parameters)
    m = None
    if dims:
        seed = {"n_0": dims[0], "n_L": dims[-1]}
        if _X_AL_FITS(seed, X, Y) is None:  # X = A[0], then Y as A[L]
            items = [("X = A[0]", _X, X), ("Y", _AL, Y)]
            _check(call, items, seed, call.net.source)
        m = X.shape[1]
        if not (is_mapping(cache) and cache_dict_fits(cache, dims, m)):
            call.report(check_caches(cache, dims, m, convention=call.net.convention), "cache")
    out = run()
    if not is_mapping(out):
        call.fail(f'{call.name}: must return a dict {{"dW1": ..., "db1": ...}}: got {type(out)}.')
    grads = canonical(out)
    if not gradients_fit(grads, parameters, call.net.convention, m):
        report = check_gradients(grads, parameters, convention=call.net.convention, m=m)
        call.report(report, "grads")
    return out


# The rule of each `rule` key of the table in `_course_functions`.
_RULES: dict[str, Callable[[Call, Callable[[], Any]], Any]] = {
    "init_deep": _initialize_deep,
    "linear_forward": _linear_forward,
    "linear_activation_forward": _linear_activation_forward,
    "model_forward": _model_forward,
    "cost": _cost,
    "linear_backward": _linear_backward,
    "linear_activation_backward": _linear_activation_backward,
    "model_backward": _model_backward,
    "update": _update,
    "init_two_layer": _initialize_two_layer,
    "forward": _forward,
    "backward": _backward,
    **course2.RULES,
}


# ------------------------------------------------------------------- instrument / undo


def instrument(
    module: types.ModuleType,
    layer_dims: Sequence[int] | None = None,
    *,
    convention: Convention = "standard",
    strict_broadcasting: bool = False,
    aliases: Mapping[str, str] | None = None,
) -> list[str]:
    """Shape-check the Course functions of an unmodified student module.

    Replaces, in `module`, each Course function it defines (`COURSE_FUNCTIONS`: Course 1
    Weeks 2-4 in the 2017 and current templates, Course 2 Weeks 1-2, see
    `docs/recognised.md`) by a wrapper applying the course's rules to its arguments and
    results; the first wrong shape raises `ShapeError` naming the variable in course
    notation (`W[2]`, `db[1]`). A function counts when it has the Course's name and
    number of parameters; what it is given and returns then decides which rule applies
    (`forward_propagation(X, parameters)` with a dict cache or Course 2's 12-entry
    tuple, the 1-D toy `forward_propagation(x, theta)` run unchecked). Lowercase keys
    (`w1`, `dw1`) and the 2017 template's `dA` keys are read as what they are. Wrappers
    keep the name, docstring and `inspect.signature`; the functions inside the module
    call each other through the wrappers, so consecutive calls are linked (`W[l]`
    against the `A[l-1]` the previous layer returned). Instrumenting twice is the same
    as once.

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
    - `aliases`: functions with other names, `{"my_forward": "L_model_forward"}`: each
      is checked by the rule of the Course function it stands for.

    **Returns:** the names of the functions wrapped. When there is none, a `UserWarning`
    says so and lists the names looked for.
    """
    check_convention(convention)
    default = Network(layer_dims, convention)
    uninstrument(module)
    roles = {name: name for name in COURSE_FUNCTIONS}
    for own, course in (aliases or {}).items():
        if course not in BY_NAME:
            raise ValueError(
                f"aliases: {course!r} is not a Course function; expected one of "
                + ", ".join(COURSE_FUNCTIONS)
            )
        if not isinstance(getattr(module, own, None), types.FunctionType):
            raise ValueError(f"aliases: {own!r} is not a function of {_module_name(module)}")
        roles[own] = course
    originals: dict[str, Any] = {}
    for name, course in roles.items():
        if not BY_NAME[course].rule:
            continue
        function = getattr(module, name, None)
        if not isinstance(function, types.FunctionType) or not fits(function, course):
            continue
        originals[name] = function
        setattr(module, name, _wrap(name, course, function, default, strict_broadcasting))
    setattr(module, _ORIGINALS, originals)
    if not originals:
        warnings.warn(not_recognised(module), UserWarning, stacklevel=2)
    return list(originals)


def not_recognised(module: Any, name: str | None = None) -> str:
    """The message for a module where no Course function was found: the names looked for.

    `name` says what the module is (a file's path) when its own name means nothing.
    """
    return (
        f"dimcheck: no Course function recognised in {name or _module_name(module)}, so nothing is"
        f" checked. Looked for functions named {', '.join(COURSE_FUNCTIONS)} that take the"
        " Course's arguments. If yours have other names, say which is which:"
        ' instrument(module, aliases={"my_forward": "L_model_forward"})'
        " (dimcheck check/gradcheck: --forward NAME --backward NAME --cost NAME)."
    )


def _module_name(module: Any) -> str:
    return f"module {getattr(module, '__name__', type(module).__name__)!r}"


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


def fits(function: Any, course: str) -> bool:
    """Whether `function` takes at least the arguments the rule of `course` reads."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    if any(p.kind == p.VAR_POSITIONAL for p in parameters):
        return True
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= BY_NAME[course].arity


def _wrap(
    name: str, course: str, function: Any, default: Network, strict: bool
) -> Callable[..., Any]:
    from ._broadcast import rewrite

    try:
        rewritten = rewrite(function, always=strict)
    except ValueError:
        rewritten = function
    entry = BY_NAME[course]
    rule = _RULES[entry.rule]
    arity = entry.arity
    signature = inspect.signature(function)
    by_position = _defaults_by_position(signature)
    on = _ON

    current_network = _CURRENT.get

    def general(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        current = mode() if on[0] else SUSPENDED
        # The rewritten copy only when its arithmetic is to be checked: its every `+` is
        # a call, which the plain function does not pay.
        target = rewritten if strict or current & STRICT else function
        if current & SUSPENDED:
            return target(*args, **kwargs)
        values = _bound(by_position, args, kwargs)
        if values is None:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError:
                return target(*args, **kwargs)  # let the function itself say what is wrong
            bound.apply_defaults()
            values = list(bound.arguments.values())
        if len(values) < arity:
            return target(*args, **kwargs)  # called through *args with too few: not ours
        net = current_network() or default
        return rule(Call(name, net, values), lambda: target(*args, **kwargs))

    if by_position is not None and not strict:
        # Python binds the arguments itself: a wrapper with the function's own parameters.
        namespace = {
            "_dimcheck_on": on,
            "_dimcheck_mode": mode,
            "_dimcheck_general": general,
            "_dimcheck_rule": rule,
            "_dimcheck_call": Call,
            "_dimcheck_name": name,
            "_dimcheck_network": current_network,
            "_dimcheck_default": default,
            "_dimcheck_function": function,
        }
        parameters = []
        for index, (parameter, value) in enumerate(
            zip(by_position.names, by_position.defaults, strict=True)
        ):
            if value is _NO_DEFAULT:
                parameters.append(parameter)
            else:
                namespace[f"_dimcheck_default_{index}"] = value
                parameters.append(f"{parameter}=_dimcheck_default_{index}")
        values = "".join(f"{parameter}, " for parameter in by_position.names)
        # Named as the function, so that a call Python cannot bind reads as it would.
        own = function.__name__ if function.__name__.isidentifier() else "checked"
        source = f"""def {own}({", ".join(parameters)}):
    # Inside `disabled()` or `strict_broadcasting()` (`mode()` not 0): the general path.
    if not _dimcheck_on[0] or _dimcheck_mode():
        return _dimcheck_general(({values}), {{}})
    return _dimcheck_rule(
        _dimcheck_call(_dimcheck_name, _dimcheck_network() or _dimcheck_default, ({values})),
        lambda: _dimcheck_function({values}),
    )
"""
        exec(compile(source, f"<dimcheck instrument {name}>", "exec"), namespace)
        checked: Callable[..., Any] = functools.wraps(function)(namespace[own])
        return checked

    @functools.wraps(function)
    def general_checked(*args: Any, **kwargs: Any) -> Any:
        return general(args, kwargs)

    return general_checked


class _Positional(NamedTuple):
    """A signature of positional-or-keyword parameters only, for binding without `bind`."""

    required: int  # how many have no default
    names: tuple[str, ...]
    defaults: tuple[Any, ...]  # each one's default (`_NO_DEFAULT` for required ones)


_NO_DEFAULT = object()


def _defaults_by_position(signature: inspect.Signature) -> _Positional | None:
    """The signature as `_Positional`, or `None` when it has `*args`, `**kwargs`,
    keyword-only or positional-only parameters (those calls go through `bind`)."""
    parameters = list(signature.parameters.values())
    if any(p.kind is not p.POSITIONAL_OR_KEYWORD for p in parameters):
        return None
    required = sum(p.default is p.empty for p in parameters)
    defaults = tuple(_NO_DEFAULT if p.default is p.empty else p.default for p in parameters)
    if _NO_DEFAULT in defaults[required:]:
        return None  # not valid Python; leave it to `bind`
    return _Positional(required, tuple(p.name for p in parameters), defaults)


def _bound(
    signature: _Positional | None, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> list[Any] | None:
    """The values `signature.bind(*args, **kwargs).apply_defaults()` gives, in order, or
    `None` when the call is not a plain one (or would not bind): `bind` then decides."""
    if signature is None:
        return None
    count = len(args)
    names = signature.names
    if count > len(names):
        return None
    if not kwargs:
        if count < signature.required:
            return None
        return list(args) if count == len(names) else [*args, *signature.defaults[count:]]
    values = list(args)
    used = 0
    for name, default in zip(names[count:], signature.defaults[count:], strict=True):
        if name in kwargs:
            values.append(kwargs[name])
            used += 1
        elif default is _NO_DEFAULT:
            return None
        else:
            values.append(default)
    return values if used == len(kwargs) else None
