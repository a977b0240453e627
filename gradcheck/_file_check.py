"""`check_file(path)`: every check of a Course student file or notebook, from Python.

What the `gradcheck FILE` command runs: the file is loaded without running its script
or its notebook's data, test and training cells, its assignment recognised from its
functions (`dimcheck._recognise`), and each check of `_assignments` run in turn. The
Course 1 network (`L_model_forward` ... or the two-layer `forward_propagation` ...) is
checked here, on a seeded problem in the shapes the student's initialiser returns,
with one-hot labels when the output is a softmax.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._assignments import Options, assignment_checks
from ._check import check_functions
from ._errors import CheckInputError
from ._report import Report
from ._student import Student, find_functions, load_module, seeded_problem

Outcome = Any  # a Report, a StepReport, or the CheckInputError that stopped a check


@dataclass
class FileReport:
    """What `check_file` found: one outcome per check, in the order they ran.

    - `title`: the file and the problem; `assignments`: the assignment ids recognised.
    - `sections`: `(title, outcome)` pairs; an outcome is a `Report` (gradients), a
      `StepReport` (update steps, initialisers, the student's own gradient check) or
      the `CheckInputError` that stopped that check.
    - `passed`: every check ran and passed.
    """

    title: str
    assignments: list[str] = field(default_factory=list)
    sections: list[tuple[str, Outcome]] = field(default_factory=list)

    @property
    def recognised(self) -> str:
        """`"recognised c1w2_logreg (Course 1 Week 2, logistic regression ...)"`."""
        from dimcheck._course_functions import ASSIGNMENTS

        return "recognised " + "; ".join(f"{a} ({ASSIGNMENTS[a]})" for a in self.assignments)

    @property
    def passed(self) -> bool:
        return all(not isinstance(o, CheckInputError) and bool(o.passed) for _, o in self.sections)

    @property
    def errors(self) -> list[CheckInputError]:
        return [o for _, o in self.sections if isinstance(o, CheckInputError)]

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        lines = [f"checked {self.title}", self.recognised]
        for index, (section, outcome) in enumerate(self.sections):
            if section:
                lines.append(("" if index == 0 else "\n") + f"-- {section}")
            lines.append(
                f"error: {outcome}" if isinstance(outcome, CheckInputError) else str(outcome)
            )
        return "\n".join(lines)


def _softmax_labels(
    student: Student, parameters: dict[str, Any], X: np.ndarray, Y: np.ndarray, seed: int
) -> tuple[np.ndarray, str | None]:
    """One-hot `Y` when the student's output is a softmax (every column of `A[L]` sums to 1).

    A softmax over `n[L] = 1` unit is refused: its output is always 1 and every gradient 0.
    """
    try:
        AL = np.asarray(student.forward(X, {k: v.copy() for k, v in parameters.items()})[0])
    except Exception:
        return Y, None  # the check itself reports the error, with its place
    if AL.ndim != 2 or AL.shape != Y.shape:
        return Y, None
    if AL.shape[0] == 1 and np.all(AL == 1.0):
        raise CheckInputError(
            "the output A[L] is 1 for every example: a softmax over n[L] = 1 unit. A softmax"
            " needs n[L] >= 2 classes (--layers 5,4,3,3, with one-hot Y); for binary labels"
            " use a sigmoid output unit"
        )
    if AL.shape[0] > 1 and np.allclose(AL.sum(axis=0), 1.0, rtol=0, atol=1e-9):
        rng = np.random.default_rng([seed, 2])
        one_hot = np.eye(AL.shape[0])[:, rng.integers(0, AL.shape[0], AL.shape[1])]
        return one_hot, "softmax output recognised (each column of A[L] sums to 1): Y is one-hot"
    return Y, None


def _network_check(options: Options, student: Student, dims: list[int]) -> Callable[[], Report]:
    def run() -> Report:
        parameters, X, Y, from_init = seeded_problem(student, dims, options.m, options.seed)
        Y, softmax_note = _softmax_labels(student, parameters, X, Y, options.seed)
        extra: dict[str, Any] = {"eps": options.eps} if options.eps is not None else {}
        report = check_functions(
            forward=student.forward,
            cost=student.cost,
            backward=student.backward,
            parameters=parameters,
            X=X,
            Y=Y,
            mode=options.mode,
            seed=options.seed,
            progress_bar=options.progress_bar,
            **extra,
        )
        shapes = "the shapes the initializer returned" if from_init else "the standard shapes"
        report.notes.append(
            f"parameters drawn with seed {options.seed} in {shapes}, scale 1/sqrt(n[l-1]),"
            " nonzero biases"
        )
        if softmax_note:
            report.notes.append(softmax_note)
        return report

    return run


def check_file(
    path: str,
    *,
    layer_dims: list[int] | None = None,
    m: int = 7,
    seed: int = 0,
    eps: float | None = None,
    mode: str = "auto",
    lambd: float | None = None,
    keep_prob: float | None = None,
    forward: str | None = None,
    backward: str | None = None,
    cost: str | None = None,
    timeout: float | None = None,
    progress_bar: bool | None = False,
) -> FileReport:
    """Check every recognised Course assignment in a `.py` file or notebook.

    **Arguments:**

    - `path`: the student's file.
    - `layer_dims`, `m`, `seed`: the problem (Course 1 networks; Course 2's 3-layer
      networks are always `[4, 5, 3, 1]`).
    - `eps`, `mode`: passed on to the gradient checks.
    - `lambd`, `keep_prob`: for the L2 and dropout functions (defaults 0.7 and 0.5).
    - `forward`, `backward`, `cost`: the file's names for renamed functions.
    - `timeout`: seconds the file may take to import.

    **Returns:** a `FileReport`. **Raises:** `CheckInputError` when the file cannot be
    loaded or nothing in it is recognised (the message lists the names looked for).
    """
    from dimcheck._instrument import not_recognised
    from dimcheck._recognise import recognise, role_aliases

    module = load_module(path, timeout)
    try:
        aliases = role_aliases(module, {"forward": forward, "backward": backward, "cost": cost})
    except ValueError as error:
        raise CheckInputError(str(error)) from error
    recognised = recognise(module, aliases)
    if not recognised:
        raise CheckInputError(not_recognised(module, path))
    options = Options(
        layer_dims=layer_dims,
        m=m,
        seed=seed,
        eps=eps,
        mode=mode,
        lambd=lambd,
        keep_prob=keep_prob,
        progress_bar=progress_bar,
    )
    functions = recognised.functions
    network = None
    network_title = ""
    missing: CheckInputError | None = None
    try:
        student = find_functions(module, path, functions)
    except CheckInputError as error:
        if {"c1w4_deep", "c1w3_planar"} & set(recognised.assignments):
            missing = CheckInputError(
                f"{error}. If yours have other names, say which is which:"
                " --forward NAME --backward NAME --cost NAME"
            )
    else:
        dims = layer_dims or ([5, 4, 3, 1] if student.style == "deep" else [5, 4, 1])
        network = _network_check(options, student, dims)
        names = (
            "L_model_forward / L_model_backward"
            if student.style == "deep"
            else "forward_propagation / backward_propagation"
        )
        network_title = f"{names}, layer_dims {dims}, "
    checks = assignment_checks(functions, recognised.assignments, options, network)
    if not checks and missing is None:
        raise CheckInputError(
            f"{path}: recognised {', '.join(recognised.assignments)}, but not the functions"
            " a check needs (a forward pass, its cost and its backward pass, or an update step)"
        )
    report = FileReport(f"{path}: {network_title}m = {m}, seed {seed}", recognised.assignments)
    if missing is not None:
        report.sections.append(("backprop of the network", missing))
    for check in checks:
        try:
            report.sections.append((check.title, check.run()))
        except CheckInputError as error:
            report.sections.append((check.title, error))
    return report
