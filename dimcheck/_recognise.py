"""Which Course assignments a student module implements, from its functions' signatures.

A name alone is not enough: `forward_propagation` is the two-layer network of Course 1
Week 3 (`(X, parameters)`, backward `(parameters, cache, X, Y)`), Course 2's 3-layer
network (backward `(X, Y, cache)`) and the 1-D toy of gradient checking
(`forward_propagation(x, theta)`, backward `(x, theta)`). `recognise` tells them apart
by the arguments the functions take; `instrument`'s rules then check what they return.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._course_functions import ASSIGNMENTS, BY_NAME


def positional(function: Any) -> list[str]:
    """The names of the positional parameters of `function` (empty if it has none)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


@dataclass
class Recognised:
    """What a module was recognised as.

    - `assignments`: assignment ids, in the order of `ASSIGNMENTS`.
    - `functions`: Course name -> the module's function playing it (aliases resolved).
    """

    assignments: list[str] = field(default_factory=list)
    functions: dict[str, Callable[..., Any]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.assignments)

    def has(self, *names: str) -> bool:
        return all(name in self.functions for name in names)


def course_functions(
    module: types.ModuleType, aliases: Mapping[str, str] | None = None
) -> dict[str, Callable[..., Any]]:
    """Course name -> the module's function, for every Course name the module defines.

    `aliases` maps the module's own names to Course names (`{"my_forward":
    "L_model_forward"}`); a function counts only if it takes the Course's arguments.
    """
    found: dict[str, Callable[..., Any]] = {}
    for name in BY_NAME:
        function = getattr(module, name, None)
        if callable(function):
            found[name] = function
    for own, course in (aliases or {}).items():
        function = getattr(module, own, None)
        if callable(function):
            found[course] = function
    return {name: f for name, f in found.items() if len(positional(f)) >= BY_NAME[name].arity}


def _toy(functions: Mapping[str, Callable[..., Any]]) -> bool:
    """The 1-D toy: `forward_propagation(x, theta)`, `backward_propagation(x, theta)`."""
    forward = positional(functions.get("forward_propagation"))
    backward = positional(functions.get("backward_propagation"))
    return (len(backward) == 2 and len(forward) <= 2) or (
        len(forward) == 2 and forward[1].lower() == "theta"
    )


def recognise(module: types.ModuleType, aliases: Mapping[str, str] | None = None) -> Recognised:
    """The Course assignments `module` implements, and the functions that play them."""
    functions = course_functions(module, aliases)
    found: set[str] = set()
    deep = {"initialize_parameters_deep", "L_model_forward", "L_model_backward"}
    if (deep | {"linear_forward", "linear_activation_forward", "linear_backward"}) & set(functions):
        found.add("c1w4_deep")
    backward = positional(functions.get("backward_propagation"))
    if ("forward_propagation" in functions or backward) and _toy(functions):
        found.add("c2w1_gradcheck_1d")
    elif len(backward) >= 4:
        found.add("c1w3_planar")
    elif len(backward) == 3:
        found.add("c2w1_reg")
    elif "initialize_parameters" in functions and "c1w4_deep" not in found:
        found.add("c1w3_planar")
    if {"propagate", "initialize_with_zeros", "optimize"} & set(functions):
        found.add("c1w2_logreg")
    if {f"initialize_parameters_{k}" for k in ("zeros", "random", "he")} & set(functions):
        found.add("c2w1_init")
        found.discard("c2w1_reg")
    if {
        "compute_cost_with_regularization",
        "backward_propagation_with_regularization",
        "forward_propagation_with_dropout",
        "backward_propagation_with_dropout",
    } & set(functions):
        found.add("c2w1_reg")
    if {"forward_propagation_n", "backward_propagation_n"} & set(functions):
        found.add("c2w1_gradcheck_nd")
    if {
        "update_parameters_with_gd",
        "random_mini_batches",
        "initialize_velocity",
        "update_parameters_with_momentum",
        "initialize_adam",
        "update_parameters_with_adam",
    } & set(functions):
        found.add("c2w2_optim")
    if "c2w2_optim" in found:
        # The optimisation assignment's 3-layer forward and backward passes are provided
        # helpers (opt_utils), with a cost that is a sum over the mini-batch, not a mean.
        if "L_model_backward" not in functions:
            found.discard("c1w4_deep")
        if not {"compute_cost_with_regularization", "forward_propagation_with_dropout"} & set(
            functions
        ):
            found.discard("c2w1_reg")
    return Recognised([a for a in ASSIGNMENTS if a in found], functions)


def role_aliases(module: types.ModuleType, roles: Mapping[str, str | None]) -> dict[str, str]:
    """`--forward NAME --backward NAME --cost NAME` as `aliases` for `instrument`.

    The backward's signature says which network it is: `(parameters, cache, X, Y)` is
    the two-layer `backward_propagation` (and the forward then `forward_propagation`),
    anything else the L-layer `L_model_backward` (and `L_model_forward`).

    **Raises:** `ValueError` naming a function the module does not define.
    """
    given = {role: name for role, name in roles.items() if name}
    for role, name in given.items():
        if not callable(getattr(module, name, None)):
            defined = sorted(
                n for n, v in vars(module).items() if isinstance(v, types.FunctionType)
            )
            raise ValueError(
                f"--{role} {name}: the file defines no function {name!r}; it defines "
                + (", ".join(defined) or "no functions")
            )
    backward = given.get("backward") or (
        "backward_propagation" if hasattr(module, "backward_propagation") else None
    )
    two_layer = backward is not None and len(positional(getattr(module, backward, None))) >= 4
    if not given.get("backward") and hasattr(module, "L_model_backward"):
        two_layer = False
    course = {
        "forward": "forward_propagation" if two_layer else "L_model_forward",
        "backward": "backward_propagation" if two_layer else "L_model_backward",
        "cost": "compute_cost",
    }
    return {name: course[role] for role, name in given.items()}
