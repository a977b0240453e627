"""Run an instrumented student module on a generated problem of its assignment.

`exercise(recognised, ...)` calls the assignment's functions in the order the Course's
notebook does (initialise, forward, cost, backward, update; the optimisers' moments;
mini-batches), on `X (n[0], m)`, binary `Y (n[L], m)` and parameters drawn from an
explicit seed, so that the wrappers `instrument` put around them check every shape
on the way. The first wrong shape raises `ShapeError`; an exception from the
student's code raises `StudentRaised`, with where it happened.
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ._errors import ShapeError
from ._recognise import Recognised
from ._vocabulary import course_name, gradient_key, make_key, parse_key

#: `layer_dims` of Course 2's 3-layer networks: `vector_to_dictionary` of the
#: gradient-checking assignment hard-codes these shapes.
THREE_LAYER = [4, 5, 3, 1]


class StudentRaised(Exception):
    """The student's function raised on a problem whose shapes are right."""


def _place(error: BaseException) -> str:
    here = Path(__file__).resolve().parent
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if not Path(f.filename).resolve().is_relative_to(here)
        and not Path(f.filename).resolve().is_relative_to(Path(np.__file__).resolve().parent)
        and not f.filename.startswith("<")
    ]
    if not frames:
        return ""
    frame = frames[-1]
    name = Path(frame.filename).name
    where = f"{name} line {frame.lineno}" if name.endswith(",") else f"{name}, line {frame.lineno}"
    code = f": {frame.line.strip()}" if frame.line else ""
    return f"\n  raised at {where}, in {frame.name}{code}"


class _Runner:
    def __init__(self, recognised: Recognised) -> None:
        self.functions = recognised.functions
        self.ran: list[str] = []

    def has(self, *names: str) -> bool:
        return all(name in self.functions for name in names)

    def __call__(self, name: str, *args: Any, **options: Any) -> Any:
        function = self.functions[name]
        accepted = _accepted(function)
        options = {k: v for k, v in options.items() if accepted is None or k in accepted}
        try:
            # Shapes are the question here: numpy's warnings about values (the square
            # root of a negative s in a wrong Adam step) are not.
            with np.errstate(all="ignore"):
                result = function(*args, **options)
        except ShapeError:
            raise
        except Exception as error:
            raise StudentRaised(
                f"{name} raised {type(error).__name__}: {error}{_place(error)}"
            ) from error
        if name not in self.ran:
            self.ran.append(name)
        return result


def _accepted(function: Callable[..., Any]) -> set[str] | None:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind == p.VAR_KEYWORD for p in parameters):
        return None
    return {p.name for p in parameters}


def problem(
    layer_dims: list[int], m: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """`X (n[0], m)`, binary `Y (n[L], m)` and parameters `W[l] (n[l], n[l-1])`, `b[l] (n[l], 1)`.

    Weights at the scale `1/sqrt(n[l-1])` and nonzero biases: the activations then
    stay away from saturation, where the Course's cost would take `log(0)`.
    """
    X = rng.standard_normal((layer_dims[0], m))
    Y = (rng.random((layer_dims[-1], m)) > 0.5).astype(np.float64)
    parameters: dict[str, np.ndarray] = {}
    for layer in range(1, len(layer_dims)):
        n_l, n_prev = layer_dims[layer], layer_dims[layer - 1]
        parameters[make_key("W", layer)] = rng.standard_normal((n_l, n_prev)) / np.sqrt(n_prev)
        parameters[make_key("b", layer)] = 0.1 * rng.standard_normal((n_l, 1))
    return X, Y, parameters


def _like_initialised(
    parameters: dict[str, np.ndarray], template: Any, dims: list[int], rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Parameters in the keys and shapes the student's initialiser returned (`w1` for
    lowercase keys, `(n[l-1], n[l])` for transposed weights), redrawn at the problem's scale.

    The initialiser's own values are not used: the Course's `* 0.01` and zero biases make
    every activation alike, and a check on them would miss what a check should find.
    """
    if not isinstance(template, dict) or not template:
        return parameters
    redrawn: dict[str, np.ndarray] = {}
    for key, value in template.items():
        shape = np.shape(value)
        parsed = parse_key(str(key))
        layer = parsed[1] if parsed else 0
        fan_in = dims[layer - 1] if 1 <= layer < len(dims) else 1
        scale = 1 / np.sqrt(fan_in) if parsed and parsed[0] == "W" else 0.1
        redrawn[str(key)] = scale * rng.standard_normal(shape)
    return redrawn


def _like(values: dict[str, Any], rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {gradient_key(k): 0.1 * rng.standard_normal(np.shape(v)) for k, v in values.items()}


def exercise(
    recognised: Recognised,
    *,
    layer_dims: list[int] | None = None,
    m: int = 7,
    seed: int = 0,
) -> list[str]:
    """Run every recognised assignment's functions once on a generated problem.

    **Arguments:**

    - `recognised`: what `recognise` found (the functions already instrumented).
    - `layer_dims`: the network's sizes (default `[5, 4, 3, 1]`; `[5, 4, 1]` for the
      two-layer network; Course 2's 3-layer functions always use `[4, 5, 3, 1]`).
    - `m`: the number of examples.
    - `seed`: seeds the problem.

    **Returns:** the names of the functions run. **Raises:** `ShapeError` at the first
    wrong shape, `StudentRaised` when the student's code raises.
    """
    rng = np.random.default_rng(seed)
    run = _Runner(recognised)
    for assignment in recognised.assignments:
        _EXERCISES[assignment](run, layer_dims, m, rng)
    return run.ran


def _deep(run: _Runner, dims: list[int] | None, m: int, rng: np.random.Generator) -> None:
    dims = dims or [5, 4, 3, 1]
    X, Y, parameters = problem(dims, m, rng)
    if run.has("initialize_parameters"):
        run("initialize_parameters", dims[0], dims[1], dims[-1])
    if run.has("initialize_parameters_deep"):
        initialised = run("initialize_parameters_deep", list(dims))
        parameters = _like_initialised(parameters, initialised, dims, rng)
    if not run.has("L_model_forward"):
        _layer_functions(run, X, parameters, rng)
        return
    AL, caches = run("L_model_forward", X, parameters)
    AL = np.clip(AL, 1e-6, 1 - 1e-6) if isinstance(AL, np.ndarray) else AL
    if run.has("compute_cost"):
        run("compute_cost", AL, Y)
    if run.has("L_model_backward"):
        grads = run("L_model_backward", AL, Y, caches)
        if run.has("update_parameters"):
            run("update_parameters", parameters, grads, 0.1)


def _layer_functions(
    run: _Runner, X: np.ndarray, parameters: dict[str, np.ndarray], rng: np.random.Generator
) -> None:
    """One layer through each of the step-by-step functions the file defines, so that a
    notebook being written (no `L_model_forward` yet) is checked as far as it goes."""
    W, b = parameters.get("W1"), parameters.get("b1")
    if W is None or b is None:
        return
    dZ = rng.standard_normal((W.shape[0], X.shape[1]))
    if run.has("linear_forward"):
        run("linear_forward", X, W, b)
    if run.has("linear_activation_forward"):
        run("linear_activation_forward", X, W, b, "relu")
    if run.has("linear_backward"):
        run("linear_backward", dZ, (X, W, b))
    if run.has("linear_activation_backward"):
        Z = W @ X + b
        run("linear_activation_backward", dZ, ((X, W, b), Z), "relu")


def _planar(run: _Runner, dims: list[int] | None, m: int, rng: np.random.Generator) -> None:
    dims = dims if dims and len(dims) == 3 else [5, 4, 1]
    X, Y, parameters = problem(dims, m, rng)
    if run.has("initialize_parameters"):
        initialised = run("initialize_parameters", *dims)
        parameters = _like_initialised(parameters, initialised, dims, rng)
    if not run.has("forward_propagation"):
        return
    A2, cache = run("forward_propagation", X, parameters)
    if run.has("compute_cost"):
        extra = [parameters] if len(_positional(run.functions["compute_cost"])) >= 3 else []
        run("compute_cost", A2, Y, *extra)
    if run.has("backward_propagation"):
        grads = run("backward_propagation", parameters, cache, X, Y)
        if run.has("update_parameters"):
            run("update_parameters", parameters, grads, learning_rate=1.2)


def _positional(function: Any) -> list[str]:
    from ._recognise import positional

    return positional(function)


def _logreg(run: _Runner, dims: list[int] | None, m: int, rng: np.random.Generator) -> None:
    n_x = dims[0] if dims else 4
    X = rng.standard_normal((n_x, m))
    Y = (rng.random((1, m)) > 0.5).astype(np.float64)
    if run.has("initialize_with_zeros"):
        run("initialize_with_zeros", n_x)
    w, b = 0.1 * rng.standard_normal((n_x, 1)), 0.5
    if run.has("propagate"):
        run("propagate", w, b, X, Y)
    if run.has("optimize"):
        run("optimize", w, b, X, Y, num_iterations=2, learning_rate=0.01, print_cost=False)


def _three_layer(run: _Runner, m: int, rng: np.random.Generator) -> tuple[Any, ...]:
    X, Y, parameters = problem(THREE_LAYER, m, rng)
    cache = None
    if run.has("forward_propagation"):
        A3, cache = run("forward_propagation", X, parameters)
        for cost in ("compute_cost", "compute_loss"):
            if run.has(cost):
                run(cost, A3, Y)
        if run.has("backward_propagation"):
            run("backward_propagation", X, Y, cache)
    return X, Y, parameters, cache


def _init(run: _Runner, dims: list[int] | None, m: int, rng: np.random.Generator) -> None:
    for kind in ("zeros", "random", "he"):
        if run.has(f"initialize_parameters_{kind}"):
            run(f"initialize_parameters_{kind}", list(THREE_LAYER))
    _three_layer(run, m, rng)


def _reg(run: _Runner, dims: list[int] | None, m: int, rng: np.random.Generator) -> None:
    X, Y, parameters, cache = _three_layer(run, m, rng)
    if cache is not None and run.has("compute_cost_with_regularization"):
        A3 = run.functions["forward_propagation"](X, parameters)[0]
        run("compute_cost_with_regularization", A3, Y, parameters, 0.7)
    if cache is not None and run.has("backward_propagation_with_regularization"):
        run("backward_propagation_with_regularization", X, Y, cache, 0.7)
    if run.has("forward_propagation_with_dropout"):
        _, dropped = run("forward_propagation_with_dropout", X, parameters, 0.86)
        if run.has("backward_propagation_with_dropout"):
            run("backward_propagation_with_dropout", X, Y, dropped, 0.86)


def _gradcheck_1d(run: _Runner, dims: list[int] | None, m: int, rng: np.random.Generator) -> None:
    for name in ("forward_propagation", "backward_propagation"):
        if run.has(name):
            run(name, 2.0, 4.0)
    if "gradient_check" in run.functions:
        run("gradient_check", 2.0, 4.0)


def _vector(run: _Runner, name: str, value: Any, size: int) -> None:
    shape = np.shape(value)
    if shape != (size, 1):
        raise ShapeError(
            f"{name}: the vector must be a column (N, 1) = ({size}, 1), N the number of"
            f" parameters of layer_dims {THREE_LAYER}: got {shape}."
            + (" Make it a column: theta.reshape(-1, 1)." if np.size(value) == size else "")
        )


def _gradcheck_nd(run: _Runner, dims: list[int] | None, m: int, rng: np.random.Generator) -> None:
    X, Y, parameters = problem(THREE_LAYER, m, rng)
    size = sum(v.size for v in parameters.values())
    gradients = None
    if run.has("forward_propagation_n"):
        _, cache = run("forward_propagation_n", X, Y, parameters)
        if run.has("backward_propagation_n"):
            gradients = run("backward_propagation_n", X, Y, cache)
    if "dictionary_to_vector" in run.functions:
        theta = run("dictionary_to_vector", parameters)
        theta = theta[0] if isinstance(theta, tuple) else theta
        _vector(run, "dictionary_to_vector", theta, size)
        if "vector_to_dictionary" in run.functions:
            back = run("vector_to_dictionary", theta)
            for key, value in parameters.items():
                if np.shape(back.get(key)) != value.shape:
                    name = course_name(key)
                    raise ShapeError(
                        f"vector_to_dictionary: {name} must be {value.shape}, the shape"
                        f" dictionary_to_vector read it from: got {np.shape(back.get(key))}."
                    )
    if gradients is not None and "gradients_to_vector" in run.functions:
        _vector(run, "gradients_to_vector", run("gradients_to_vector", gradients), size)


def _optim(run: _Runner, dims: list[int] | None, m: int, rng: np.random.Generator) -> None:
    dims = dims or [5, 4, 3, 1]
    _, _, parameters = problem(dims, m, rng)
    grads = _like(parameters, rng)
    if run.has("update_parameters_with_gd"):
        run("update_parameters_with_gd", parameters, grads, 0.01)
    if run.has("random_mini_batches"):
        # 148 examples: two full mini-batches of 64 and the remainder, 20.
        X = rng.standard_normal((dims[0], 148))
        Y = (rng.random((1, 148)) > 0.5).astype(np.float64)
        run("random_mini_batches", X, Y, 64, seed=0)
    if run.has("initialize_velocity"):
        v = run("initialize_velocity", parameters)
        if run.has("update_parameters_with_momentum"):
            run("update_parameters_with_momentum", parameters, grads, v, 0.9, 0.01)
    if run.has("initialize_adam"):
        v, s = run("initialize_adam", parameters)[:2]
        if run.has("update_parameters_with_adam"):
            run("update_parameters_with_adam", parameters, grads, v, s, 2, learning_rate=0.01)


_EXERCISES: dict[str, Callable[[_Runner, list[int] | None, int, np.random.Generator], None]] = {
    "c1w2_logreg": _logreg,
    "c1w3_planar": _planar,
    "c1w4_deep": _deep,
    "c2w1_init": _init,
    "c2w1_reg": _reg,
    "c2w1_gradcheck_1d": _gradcheck_1d,
    "c2w1_gradcheck_nd": _gradcheck_nd,
    "c2w2_optim": _optim,
}
