"""One step of a student's update and initialisation functions, against the reference.

`update_parameters` / `update_parameters_with_gd`, `update_parameters_with_momentum`
and `update_parameters_with_adam` are run once on seeded parameters, gradients and
moments and compared with `models.GradientDescent`, `models.Momentum` and
`models.Adam` set to the same state (the Course's conventions: `v = β v + (1 - β) dW`,
bias correction with `t`, `sqrt(s_corrected) + ε`). `initialize_velocity`,
`initialize_adam`, `random_mini_batches` and the initialisers are checked for what
they must return. Every finding names the function, the parameter in course notation
and the likely cause.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._names import course_name
from ._origin import origin

# The student's arithmetic runs in another order than the reference's: a few units
# in the last place of float64 per operation, far below any real mistake (a missing
# bias correction changes a step by 10% or more, `sqrt(s + eps)` by up to 98%).
RTOL, ATOL = 1e-9, 1e-13


@dataclass
class StepCheck:
    """The verdict on one function: `problems` empty when it is right."""

    function: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        if self.passed:
            extra = f" ({'; '.join(self.notes)})" if self.notes else ""
            return f"  ok     {self.function}{extra}"
        return "\n".join(f"  WRONG  {self.function}: {p}" for p in self.problems)


@dataclass
class StepReport:
    """The checks of a file's update steps and initialisers."""

    checks: list[StepCheck] = field(default_factory=list)
    what: str = "update steps and initialisers"

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        wrong = sum(not c.passed for c in self.checks)
        head = (
            f"{self.what}: PASSED, all {len(self.checks)} ok"
            if self.passed
            else f"{self.what}: FAILED, {wrong} of {len(self.checks)} wrong"
        )
        return "\n".join([head, *(str(c) for c in self.checks)])

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "checks": [
                {"function": c.function, "passed": c.passed, "problems": c.problems}
                for c in self.checks
            ],
        }


def _call(function: Callable[..., Any], name: str, *args: Any, **options: Any) -> Any:
    """Call the student's function with the options its signature takes."""
    try:
        accepted = inspect.signature(function).parameters
        if not any(p.kind == p.VAR_KEYWORD for p in accepted.values()):
            options = {k: v for k, v in options.items() if k in accepted}
    except (TypeError, ValueError):
        pass
    try:
        # A wrong step may take the square root of a negative number: the comparison
        # reports it, numpy's warning would only add noise.
        with np.errstate(all="ignore"):
            return function(*args, **options)
    except Exception as error:
        raise _Raised(f"raised {type(error).__name__}: {error}{origin(error)}") from error


class _Raised(Exception):
    pass


def _close(a: Any, b: Any) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def _first_wrong(
    got: Mapping[str, Any], want: Mapping[str, np.ndarray], name: Callable[[str], str]
) -> str | None:
    """The first key whose value differs (missing, another shape, other numbers)."""
    for key, value in want.items():
        if key not in got:
            return f"{name(key)} is missing from what it returned"
        if np.shape(got[key]) != value.shape:
            return f"{name(key)} has shape {np.shape(got[key])}: it must keep {value.shape}"
    for key, value in want.items():
        if not _close(got[key], value):
            return key
    return None


def _problem(
    layer_dims: list[int], seed: int, scale: float = 0.1, lower: bool = False
) -> tuple[dict[str, Any], ...]:
    """Parameters and gradients of `layer_dims` (keys `w1`, `dw1` when `lower`)."""
    rng = np.random.default_rng(seed)
    parameters, grads = {}, {}
    weight = "w" if lower else "W"
    for layer in range(1, len(layer_dims)):
        shapes = {weight: (layer_dims[layer], layer_dims[layer - 1]), "b": (layer_dims[layer], 1)}
        for letter, shape in shapes.items():
            parameters[f"{letter}{layer}"] = rng.standard_normal(shape)
            grads[f"d{letter}{layer}"] = scale * rng.standard_normal(shape)
    return parameters, grads


def _explain_update(
    key: str, old: np.ndarray, got: np.ndarray, want: np.ndarray, step: np.ndarray
) -> str:
    """Name `key` and the likely cause of a wrong updated value."""
    name = course_name(key)
    got = np.asarray(got, dtype=float)
    if _close(got, old):
        return (
            f"{name} was not updated (it comes back unchanged): does the loop over the"
            " layers cover all L of them (for l in range(L), L = len(parameters) // 2) and"
            f" update b[l] as well as W[l]?"
        )
    if _close(got, old + step):
        return (
            f"{name} moved up the gradient (gradient ascent): the update is"
            f" {name} = {name} - learning_rate * (its step), with a minus."
        )
    return f"{name} is not the expected {name} - learning_rate * (its step)."


def check_gradient_descent(
    function: Callable[..., Any],
    name: str,
    layer_dims: list[int],
    seed: int = 0,
    lower: bool = False,
) -> StepCheck:
    """One step of `update_parameters(parameters, grads, learning_rate)` against
    `models.GradientDescent`."""
    import models

    result = StepCheck(name)
    parameters, grads = _problem(layer_dims, seed, lower=lower)
    rate = 0.1
    want = models.GradientDescent(rate).step(parameters, grads)
    try:
        out = _call(function, name, copy.deepcopy(parameters), copy.deepcopy(grads), rate)
    except _Raised as error:
        result.problems.append(str(error))
        return result
    if isinstance(out, tuple):
        out = out[0]
    if not isinstance(out, Mapping):
        result.problems.append(f"must return the parameters dict: got {type(out).__name__}")
        return result
    key = _first_wrong(out, want, course_name)
    if key is not None and key in want:
        step = rate * grads["d" + key]
        result.problems.append(_explain_update(key, parameters[key], out[key], want[key], step))
    elif key is not None:
        result.problems.append(key)
    return result


def _moments_of(values: Mapping[str, Any]) -> dict[str, np.ndarray]:
    return {key[1:]: np.asarray(value, dtype=float) for key, value in values.items()}


def _moment_label(moment: str) -> Callable[[str], str]:
    """Names an entry of a moment: `v[dW1]`."""
    return lambda key: f"{moment}[{key}]"


def check_momentum(
    function: Callable[..., Any],
    name: str,
    layer_dims: list[int],
    seed: int = 0,
    lower: bool = False,
) -> StepCheck:
    """One step of `update_parameters_with_momentum(parameters, grads, v, beta, learning_rate)`
    against `models.Momentum` started from the same `v`."""
    import models

    result = StepCheck(name)
    parameters, grads = _problem(layer_dims, seed, lower=lower)
    _, v0 = _problem(layer_dims, seed + 1, lower=lower)
    beta, rate = 0.9, 0.1
    reference = models.Momentum(rate, beta)
    reference.v = _moments_of(v0)
    want = reference.step(parameters, grads)
    try:
        out = _call(
            function,
            name,
            copy.deepcopy(parameters),
            copy.deepcopy(grads),
            copy.deepcopy(v0),
            beta,
            rate,
        )
    except _Raised as error:
        result.problems.append(str(error))
        return result
    if not (isinstance(out, tuple) and len(out) >= 2):
        result.problems.append(f"must return (parameters, v): got {type(out).__name__}")
        return result
    new_parameters, v = out[0], out[1]
    v_want = {"d" + k: value for k, value in reference.v.items()}
    key = _first_wrong(v, v_want, lambda k: f"v[{k}]")
    if key is not None:
        if key in v_want:
            grad = grads[key]
            if _close(v[key], beta * v0[key] + grad):
                cause = "the (1 - beta) factor is missing: v = beta * v + (1 - beta) * dW"
            elif _close(v[key], v0[key]):
                cause = "v was not updated"
            else:
                cause = "expected v = beta * v + (1 - beta) * dW"
            result.problems.append(f"v[{key}] is wrong: {cause}.")
        else:
            result.problems.append(key)
        return result
    key = _first_wrong(new_parameters, want, course_name)
    if key is not None and key in want:
        step = rate * reference.v[key]
        message = _explain_update(key, parameters[key], new_parameters[key], want[key], step)
        if _close(new_parameters[key], parameters[key] - rate * grads["d" + key]):
            message = (
                f"{course_name(key)} was updated with the gradient, not the velocity:"
                f" {course_name(key)} = {course_name(key)} - learning_rate * v[d{key}]."
            )
        result.problems.append(message)
    elif key is not None:
        result.problems.append(key)
    return result


def check_adam(
    function: Callable[..., Any],
    name: str,
    layer_dims: list[int],
    seed: int = 0,
    lower: bool = False,
) -> StepCheck:
    """One step of `update_parameters_with_adam(parameters, grads, v, s, t, ...)` against
    `models.Adam` at the same `v`, `s` and `t`, with small gradients (where
    `sqrt(s + eps)` and `sqrt(s) + eps` differ most)."""
    import models

    result = StepCheck(name)
    parameters, grads = _problem(layer_dims, seed, scale=1e-4, lower=lower)
    _, v0 = _problem(layer_dims, seed + 1, scale=1e-4, lower=lower)
    s0 = {
        k: value**2
        for k, value in _problem(layer_dims, seed + 2, scale=1e-4, lower=lower)[1].items()
    }
    t, rate, beta1, beta2, eps = 2, 0.01, 0.9, 0.999, 1e-8
    reference = models.Adam(rate, beta1, beta2, eps)
    reference.v, reference.s, reference.t = _moments_of(v0), _moments_of(s0), t - 1
    want = reference.step(parameters, grads)
    try:
        out = _call(
            function,
            name,
            copy.deepcopy(parameters),
            copy.deepcopy(grads),
            copy.deepcopy(v0),
            copy.deepcopy(s0),
            t,
            learning_rate=rate,
            beta1=beta1,
            beta2=beta2,
            epsilon=eps,
        )
    except _Raised as error:
        result.problems.append(str(error))
        return result
    if not (isinstance(out, tuple) and len(out) >= 3):
        result.problems.append(f"must return (parameters, v, s): got {type(out).__name__}")
        return result
    new_parameters, v, s = out[:3]
    for moment, got, want_moment in (("v", v, reference.v), ("s", s, reference.s)):
        wanted = {"d" + k: value for k, value in want_moment.items()}
        key = _first_wrong(got, wanted, _moment_label(moment))
        if key is None:
            continue
        if key in wanted:
            square = "np.square(dW)" if moment == "s" else "dW"
            result.problems.append(
                f"{moment}[{key}] is wrong: expected {moment} = beta{1 if moment == 'v' else 2}"
                f" * {moment} + (1 - beta{1 if moment == 'v' else 2}) * {square}."
            )
        else:
            result.problems.append(key)
        return result
    key = _first_wrong(new_parameters, want, course_name)
    if key is None:
        return result
    if key not in want:
        result.problems.append(key)
        return result
    vc = reference.v[key] / (1 - beta1**t)
    sc = reference.s[key] / (1 - beta2**t)
    got = np.asarray(new_parameters[key], dtype=float)
    old = parameters[key]
    causes = {
        "sqrt(s_corrected + epsilon) instead of sqrt(s_corrected) + epsilon": old
        - rate * vc / np.sqrt(sc + eps),
        "no bias correction (v / (1 - beta1^t), s / (1 - beta2^t) are missing)": old
        - rate * reference.v[key] / (np.sqrt(reference.s[key]) + eps),
        "the bias correction of v is missing": old - rate * reference.v[key] / (np.sqrt(sc) + eps),
        "the bias correction of s is missing": old - rate * vc / (np.sqrt(reference.s[key]) + eps),
    }
    for cause, value in causes.items():
        if _close(got, value):
            result.problems.append(f"{course_name(key)} is wrong: {cause}.")
            return result
    step = rate * vc / (np.sqrt(sc) + eps)
    result.problems.append(_explain_update(key, old, got, want[key], step))
    return result


def check_zero_moments(
    function: Callable[..., Any], name: str, layer_dims: list[int], count: int, lower: bool = False
) -> StepCheck:
    """`initialize_velocity(parameters) -> v` or `initialize_adam(parameters) -> (v, s)`:
    zeros of each parameter's shape under the keys `"dW1"`, `"db1"`, ..."""
    result = StepCheck(name)
    parameters, _ = _problem(layer_dims, 0, lower=lower)
    try:
        out = _call(function, name, copy.deepcopy(parameters))
    except _Raised as error:
        result.problems.append(str(error))
        return result
    moments = [out] if count == 1 else list(out)[:count] if isinstance(out, tuple) else []
    if len(moments) != count:
        result.problems.append(f"must return {'v' if count == 1 else '(v, s)'}")
        return result
    if count == 2 and (
        moments[0] is moments[1]
        or any(
            isinstance(moments[0], Mapping)
            and isinstance(moments[1], Mapping)
            and moments[0].get(k) is moments[1].get(k) is not None
            for k in moments[0]
        )
    ):
        result.problems.append(
            "v and s are one and the same dict (v = s = {}): s[dW1] overwrites v[dW1] and the"
            " moments mix. Make two dicts: v = {} and s = {}, each with its own np.zeros."
        )
        return result
    for moment, values in zip("vs", moments, strict=False):
        for key, value in parameters.items():
            got = values.get("d" + key) if isinstance(values, Mapping) else None
            if got is None:
                result.problems.append(f"{moment}[d{key}] is missing: the keys are 'dW1', 'db1'.")
            elif np.shape(got) != value.shape or np.any(np.asarray(got) != 0):
                result.problems.append(
                    f"{moment}[d{key}] must be zeros of {course_name(key)}'s shape {value.shape}:"
                    f" got shape {np.shape(got)}: use np.zeros(parameters['{key}'].shape)."
                )
            if result.problems:
                return result
    return result


def check_mini_batches(function: Callable[..., Any], name: str, seed: int = 0) -> StepCheck:
    """`random_mini_batches(X, Y, mini_batch_size, seed)`: a partition of the examples,
    each `Y` column with its own `X` column, full batches then the remainder."""
    result = StepCheck(name)
    m, size = 148, 64
    X = np.vstack([np.arange(m, dtype=float), np.random.default_rng(seed).standard_normal((2, m))])
    Y = np.arange(m, dtype=float).reshape(1, m)
    try:
        batches = _call(function, name, X.copy(), Y.copy(), size, seed=seed)
    except _Raised as error:
        result.problems.append(str(error))
        return result
    sizes = [np.shape(b[1])[-1] if len(np.shape(b[1])) else 0 for b in batches]
    want = [size, size, m - 2 * size]
    if sizes != want:
        result.problems.append(
            f"with m = {m} and mini_batch_size = {size} the mini-batches (mini_batch_X,"
            f" mini_batch_Y) must hold {want} examples: got {sizes}. The last one holds the"
            " remainder, m - mini_batch_size * floor(m / mini_batch_size) examples, from"
            " shuffled_X[:, num_complete_minibatches * mini_batch_size:]."
        )
        return result
    seen: list[float] = []
    for index, (X_b, Y_b) in enumerate(batches):
        if not np.array_equal(np.asarray(X_b)[0], np.asarray(Y_b).reshape(-1)):
            result.problems.append(
                f"mini_batch_Y of batch {index} does not belong to its mini_batch_X: X and Y"
                " were shuffled out of step. Draw one permutation and use it for both:"
                " X[:, permutation], Y[:, permutation]."
            )
            return result
        seen.extend(np.asarray(X_b)[0])
    if sorted(seen) != list(range(m)):
        result.problems.append(
            "the mini-batches do not hold every example exactly once: use one permutation"
            " of range(m) and slice it without overlap."
        )
    elif seen == list(range(m)):
        result.problems.append("the examples are not shuffled: permute the columns first.")
    return result


def check_initializer(
    function: Callable[..., Any], name: str, layer_dims: list[int], rule: str
) -> StepCheck:
    """An initialiser's shapes (`W[l] (n[l], n[l-1])`, `b[l] (n[l], 1)`), zero biases, and
    its scale: `"zeros"`, `"random"` (the Course's `* 10`), `"he"` (`sqrt(2 / n[l-1])`),
    or `"any"` (shapes only)."""
    result = StepCheck(name)
    dims = list(layer_dims)
    try:
        if name == "initialize_parameters":
            out = _call(function, name, dims[0], dims[1], dims[2])
        else:
            out = _call(function, name, dims)
    except _Raised as error:
        result.problems.append(str(error))
        return result
    if not isinstance(out, Mapping):
        result.problems.append(f"must return the parameters dict: got {type(out).__name__}")
        return result
    weights = [out.get(f"W{layer}", out.get(f"w{layer}")) for layer in range(1, len(dims))]
    # Weights stored (n[l-1], n[l]) throughout are a convention (Z = W.T @ A + b), not a
    # mistake, where the assignment leaves the choice open ("any").
    transposed = (
        rule == "any"
        and any(dims[l] != dims[l - 1] for l in range(1, len(dims)))  # noqa: E741
        and all(
            np.shape(W) == (dims[l - 1], dims[l])
            for l, W in enumerate(weights, start=1)  # noqa: E741
        )
    )
    if transposed:
        result.notes.append("weights stored (n[l-1], n[l]), the transposed convention")
    for layer in range(1, len(dims)):
        n_l, n_prev = dims[layer], dims[layer - 1]
        W: Any = out.get(f"W{layer}", out.get(f"w{layer}"))
        if transposed:
            W = np.transpose(W)
        b: Any = out.get(f"b{layer}")
        if np.shape(W) != (n_l, n_prev):
            hint = " Did you swap n[l] and n[l-1]?" if np.shape(W) == (n_prev, n_l) else ""
            result.problems.append(
                f"W[{layer}] must be (n[{layer}], n[{layer - 1}]) = ({n_l}, {n_prev}):"
                f" got {np.shape(W)}.{hint}"
            )
            return result
        if np.shape(b) != (n_l, 1):
            result.problems.append(
                f"b[{layer}] must be (n[{layer}], 1) = ({n_l}, 1): got {np.shape(b)}:"
                f" b{layer} = np.zeros(({n_l}, 1))."
            )
            return result
        if np.any(np.asarray(b) != 0):
            result.problems.append(f"b[{layer}] must start at zeros: np.zeros(({n_l}, 1)).")
            return result
        scale = float(np.std(W))
        message = _scale_problem(layer, scale, n_l, n_prev, rule, W)
        if message:
            result.problems.append(message)
            return result
    return result


def _scale_problem(
    layer: int, scale: float, n_l: int, n_prev: int, rule: str, W: Any
) -> str | None:
    if rule == "zeros":
        if np.any(np.asarray(W) != 0):
            return f"W[{layer}] must be zeros: np.zeros(({n_l}, {n_prev}))."
        return None
    targets = {"random": 10.0, "he": float(np.sqrt(2.0 / n_prev))}
    if rule not in targets:
        return None
    want = targets[rule]
    # The sample standard deviation of n[l] n[l-1] draws is within a few percent of
    # the scale for the sizes used here (thousands of entries in W[1]).
    if abs(scale / want - 1) < 0.15 + 3 / np.sqrt(W.size):
        return None
    formula = "10" if rule == "random" else f"sqrt(2 / n[{layer - 1}]) = {want:.3g}"
    guesses = {
        f"sqrt(1 / n[{layer - 1}])": np.sqrt(1.0 / n_prev),
        f"sqrt(2 / n[{layer}]) (n[l] instead of n[l-1])": np.sqrt(2.0 / n_l),
        f"sqrt(1 / n[{layer}])": np.sqrt(1.0 / n_l),
        f"2 / n[{layer - 1}] without the square root": 2.0 / n_prev,
    }
    guess = min(guesses, key=lambda g: abs(np.log(scale / guesses[g])))
    near = abs(np.log(scale / guesses[guess])) < 0.1
    cause = f" It looks like {guess}." if near and rule == "he" else ""
    return (
        f"W[{layer}] is drawn at the scale {scale:.3g}: {rule} initialisation needs"
        f" np.random.randn(n[{layer}], n[{layer - 1}]) * {formula}.{cause}"
    )
