"""Loading a Course-style student file and building a seeded problem to check it on."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from dimcheck._vocabulary import parse_key

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


def load_module(path: str, timeout: float | None = None) -> ModuleType:
    """Import the Python file or notebook at `path` under a private name.

    A notebook's data-loading, test and training cells are not run (only its imports,
    definitions and constants); a file that exits or hangs while imported is an error.

    **Raises:** `CheckInputError` when the file is missing, raises, exits or runs out of
    time on import.
    """
    from dimcheck._student_file import IMPORT_TIMEOUT, StudentFileError, load_student_file

    try:
        loaded = load_student_file(path, timeout=IMPORT_TIMEOUT if timeout is None else timeout)
    except StudentFileError as error:
        raise CheckInputError(str(error)) from error
    return loaded.module


def _arity(function: Callable[..., Any]) -> int:
    try:
        return len(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return 2


def find_functions(
    module: ModuleType, path: str, functions: Mapping[str, Callable[..., Any]] | None = None
) -> Student:
    """The Course functions of a loaded student file, deep style first.

    **Arguments:**

    - `module`, `path`: the loaded file.
    - `functions`: Course name -> the student's function, when recognised already
      (renamed functions included); by default the module's Course-named functions.

    **Raises:** `CheckInputError` naming the functions that are missing.
    """
    if functions is None:
        functions = {
            name: getattr(module, name)
            for name in (*DEEP, *TWO_LAYER)
            if callable(getattr(module, name, None))
        }
    have = set(functions)
    if all(name in have for name in DEEP[1:]):
        return Student(
            "deep",
            functions["L_model_forward"],
            functions["compute_cost"],
            functions["L_model_backward"],
            functions.get("initialize_parameters_deep"),
        )
    if (
        all(name in have for name in TWO_LAYER[1:])
        and _arity(functions["backward_propagation"]) >= 4
    ):
        compute_cost = functions["compute_cost"]
        backward_propagation = functions["backward_propagation"]
        forward_propagation = functions["forward_propagation"]
        two_layer_init = functions.get("initialize_parameters")
        three = _arity(compute_cost) >= 3
        holder: dict[str, Any] = {}

        def forward(X: np.ndarray, parameters: dict[str, Any]) -> Any:
            holder["parameters"] = parameters
            AL, cache = forward_propagation(X, parameters)
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
            assert two_layer_init is not None
            return dict(two_layer_init(*layer_dims))

        found = two_layer_init is not None
        return Student("two-layer", forward, cost, backward, initialize if found else None)
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
        letter, layer = parse_key(key) or ("", 0)
        if letter == "W" and 1 <= layer < len(layer_dims):
            parameters[key] = rng.standard_normal(shape) / np.sqrt(layer_dims[layer - 1])
        else:
            parameters[key] = 0.1 * rng.standard_normal(shape)
    return parameters, X, Y, from_initializer
