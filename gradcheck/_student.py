"""Loading a Course-style student file and building a seeded problem to check it on."""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from ._errors import CheckInputError
from ._origin import origin

DEEP = ("initialize_parameters_deep", "L_model_forward", "compute_cost", "L_model_backward")
TWO_LAYER = ("initialize_parameters", "forward_propagation", "compute_cost", "backward_propagation")


@dataclass
class Student:
    """The Course functions found in a student file, adapted to `check_functions`.

    - `style`: `"deep"` (`L_model_forward` ...) or `"two-layer"` (`forward_propagation` ...).
    - `forward(X, parameters) -> (AL, caches)`, `cost(AL, Y) -> J`,
      `backward(AL, Y, caches) -> grads`.
    - `initialize(layer_dims) -> parameters`, or `None` when the file has none.
    """

    style: str
    forward: Callable[..., Any]
    cost: Callable[..., Any]
    backward: Callable[..., Any]
    initialize: Callable[[list[int]], dict[str, Any]] | None


def load_module(path: str) -> ModuleType:
    """Import the Python file at `path` under a private name.

    **Raises:** `CheckInputError` when the file is missing or raises on import.
    """
    file = Path(path)
    if not file.is_file():
        raise CheckInputError(f"no such file: {path}")
    name = f"_gradcheck_student_{abs(hash(file.resolve()))}"
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise CheckInputError(f"{path} is not a Python file gradcheck can import")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    # Course files import their helpers (dnn_utils, testCases) from their own folder.
    folder = str(file.resolve().parent)
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        del sys.modules[name]
        raise CheckInputError(
            f"importing {path} raised {type(error).__name__}: {error}" + origin(error)
        ) from error
    finally:
        if folder in sys.path:
            sys.path.remove(folder)
    return module


def _arity(function: Callable[..., Any]) -> int:
    try:
        return len(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return 2


def find_functions(module: ModuleType, path: str) -> Student:
    """The Course functions of a loaded student file, deep style first.

    **Raises:** `CheckInputError` naming the functions that are missing.
    """
    have = {name for name in dir(module) if callable(getattr(module, name, None))}
    if all(name in have for name in DEEP[1:]):
        init = getattr(module, DEEP[0], None)
        return Student(
            "deep",
            module.L_model_forward,
            module.compute_cost,
            module.L_model_backward,
            init if callable(init) else None,
        )
    if all(name in have for name in TWO_LAYER[1:]):
        compute_cost = module.compute_cost
        backward_propagation = module.backward_propagation
        three = _arity(compute_cost) >= 3
        holder: dict[str, Any] = {}

        def forward(X: np.ndarray, parameters: dict[str, Any]) -> Any:
            holder["parameters"] = parameters
            AL, cache = module.forward_propagation(X, parameters)
            return AL, (X, parameters, cache)

        def cost(AL: np.ndarray, Y: np.ndarray) -> Any:
            # Older versions take the parameters too, unused by the cost itself.
            return compute_cost(AL, Y, holder.get("parameters")) if three else compute_cost(AL, Y)

        def backward(AL: np.ndarray, Y: np.ndarray, caches: Any) -> Any:
            X, parameters, cache = caches
            return backward_propagation(parameters, cache, X, Y)

        def initialize(layer_dims: list[int]) -> dict[str, Any]:
            if len(layer_dims) != 3:
                raise CheckInputError(
                    "the two-layer functions need --layers n[0],n[1],n[2] (three sizes): "
                    f"got {len(layer_dims)}"
                )
            return dict(module.initialize_parameters(*layer_dims))

        init_found = callable(getattr(module, TWO_LAYER[0], None))
        return Student("two-layer", forward, cost, backward, initialize if init_found else None)
    missing_deep = [n for n in DEEP[1:] if n not in have]
    missing_two = [n for n in TWO_LAYER[1:] if n not in have]
    raise CheckInputError(
        f"{path} has neither the deep Course functions ({', '.join(DEEP[1:])}; missing "
        f"{', '.join(missing_deep)}) nor the two-layer ones ({', '.join(TWO_LAYER[1:])}; "
        f"missing {', '.join(missing_two)})"
    )


def seeded_problem(
    student: Student, layer_dims: list[int], m: int, seed: int
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, bool]:
    """Parameters, `X (n[0], m)` and binary `Y (n[L], m)`, all drawn from `seed`.

    The student's initialiser, when there is one, fixes the parameters' keys
    and shapes (so a transposed convention is kept); their values are redrawn
    at the scale `1/sqrt(n[l-1])` with nonzero biases, because the Course's
    `0.01` scale makes deep gradients tiny and zero biases hide `db` bugs.

    **Returns:** `(parameters, X, Y, from_initializer)`.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((layer_dims[0], m))
    Y = (rng.random((layer_dims[-1], m)) > 0.5).astype(np.float64)
    shapes: dict[str, tuple[int, ...]] = {}
    from_initializer = student.initialize is not None
    if student.initialize is not None:
        try:
            initial = student.initialize(list(layer_dims))
        except CheckInputError:
            raise
        except Exception as error:
            raise CheckInputError(
                f"the initializer raised {type(error).__name__} for layer_dims "
                f"{list(layer_dims)}: {error}" + origin(error)
            ) from error
        shapes = {str(k): tuple(np.shape(v)) for k, v in dict(initial).items()}
    else:
        for l in range(1, len(layer_dims)):  # noqa: E741 (the Course's layer index)
            shapes[f"W{l}"] = (layer_dims[l], layer_dims[l - 1])
            shapes[f"b{l}"] = (layer_dims[l], 1)
    parameters = {}
    for key, shape in shapes.items():
        layer = int(key[1:]) if key[1:].isdigit() else 0
        if key.startswith("W") and 1 <= layer < len(layer_dims):
            parameters[key] = rng.standard_normal(shape) / np.sqrt(layer_dims[layer - 1])
        else:
            parameters[key] = 0.1 * rng.standard_normal(shape)
    return parameters, X, Y, from_initializer
