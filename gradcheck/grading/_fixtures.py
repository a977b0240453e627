"""The plugin's fixtures: `student`, `gradcheck`, `shapecheck` and `rng`."""

from __future__ import annotations

import types
import zlib
from collections.abc import Mapping
from typing import Any, NoReturn

import pytest

from ._options import Settings
from ._student_module import SubmissionImportError, imported_student, sandboxed_student
from ._summary import GRADIENT, SHAPES

SETTINGS = pytest.StashKey[Settings]()


@pytest.fixture(scope="session")
def student(request: pytest.FixtureRequest) -> Any:
    """The student's module named by `--dimgrad-student` (or the ini key `dimgrad_student`;
    by default the module of `--dimcheck-modules` when it names just one).

    When grading (or with `--dimgrad-sandbox=on`) a stand-in whose calls run in a separate,
    limited process and return plain data; otherwise the module itself, imported once for
    the session. When it cannot be imported, every test that uses it fails with an
    explanation of why (and 0 points when grading) instead of the whole test file failing
    to load.
    """
    __tracebackhide__ = True
    settings = request.config.stash[SETTINGS]
    name = settings.student
    if not name:
        pytest.fail(
            "the `student` fixture needs the module's name: --dimgrad-student=MODULE or the "
            "ini key dimgrad_student",
            pytrace=False,
        )
    if settings.sandbox:
        return sandboxed_student(request.config, settings, request.addfinalizer)
    return imported_student(name)


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> Any:
    """A `numpy.random.Generator` seeded from `--dimgrad-seed` and the test's id.

    Each test gets its own stream, the same in every run with the same seed, whatever the
    order or the process (pytest-xdist) the tests run in.
    """
    import numpy as np

    seed = request.config.stash[SETTINGS].seed
    return np.random.default_rng([seed, zlib.crc32(request.node.nodeid.encode())])


class GradientCheck:
    """The `gradcheck` fixture: a gradient check that fails the test with the report's table.

    Call it as one of:

    - `gradcheck(student, parameters, X, Y, reference=solution)`: the recommended form for
      graded work. The student's backward is checked against central differences of the
      instructor's reference forward and cost (`solution`: a module with `L_model_forward`
      or `forward_propagation` and `compute_cost`, or a pair `(forward, cost)`), and the
      student's forward and cost against the reference's values.
    - `gradcheck(module, parameters, X, Y)`: a Course-style module with `L_model_forward`,
      `compute_cost` and `L_model_backward`, or the two-layer `forward_propagation`,
      `compute_cost` and `backward_propagation` (`gradcheck.check_functions`): the
      student's backward against the student's own forward and cost.
    - `gradcheck(network, X, Y)`: a `models` network (`gradcheck.check_model`).
    - `gradcheck(forward=..., cost=..., backward=..., parameters=..., X=..., Y=...)`.
    - `gradcheck(cost, parameters, gradients)`: a cost of a dict of parameters
      (`gradcheck.check`).

    **Arguments:** as the checks above, plus their options (`eps`, `mode`, `seed`, ...);
    the defaults come from `--dimgrad-eps`, `--dimgrad-mode` and `--dimgrad-seed`.

    **Returns:** the `gradcheck.Report` when every gradient is right; otherwise fails the
    test with the report (which gradient, where, the likely cause).
    """

    def __init__(self, node: pytest.Item, settings: Settings) -> None:
        self._node = node
        self._settings = settings

    def __repr__(self) -> str:
        return f"<gradcheck fixture of {self._node.nodeid}>"

    def __call__(self, target: Any = None, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        import gradcheck as api

        from ._reference import ReferenceMismatch

        kwargs.setdefault("seed", self._settings.seed)
        if self._settings.eps is not None:
            kwargs.setdefault("eps", self._settings.eps)
        if self._settings.mode is not None:
            kwargs.setdefault("mode", self._settings.mode)
        try:
            report = self._run(api, target, args, kwargs)
        except ReferenceMismatch as error:
            self._fail(f"Wrong result: {error}", [str(error).split(".")[0]])
        except Exception as error:
            if not _is_a(error, "CheckInputError"):
                raise
            from ._explain import shape_error_in, shape_text

            shape = shape_error_in(error)
            if _is_a(error, "GradientShapeError") or shape is not None:
                # A shape bug is reported as one: the numerical check never started.
                message = shape_text(shape) if shape is not None else str(error)
                self._node.stash[SHAPES] = [message.splitlines()[0]]
                self._fail(f"Shape error in your code: {message}", [])
            # Not a wrong gradient (a forward that raised, NaN ...): no summary line for it.
            self._fail(f"The gradient check could not run on your code: {error}", [])
        if not report.passed:
            lines = []
            for key in report.failed:
                result = report.results[key]
                name = "d" + result.name
                why = result.diagnosis or f"relative difference {result.difference:.2e}"
                lines.append(why if why.startswith(name) else f"{name} {result.verdict}: {why}")
            names = ", ".join("d" + report.results[key].name for key in report.failed)
            self._fail(f"Wrong gradient: {names}\n{report}", lines)
        return report

    def _run(self, api: Any, target: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        reference = kwargs.pop("reference", None)
        if reference is not None:
            from ._reference import check_against_reference

            kwargs.update(zip(("parameters", "X", "Y"), args, strict=False))
            functions = (
                _course_functions(target, kwargs)
                if target is not None
                else {key: kwargs.pop(key) for key in ("forward", "cost", "backward")}
            )
            parameters, X, Y = (kwargs.pop(key) for key in ("parameters", "X", "Y"))
            return check_against_reference(
                functions, reference, parameters, X, Y, api.check, **kwargs
            )
        if target is None:
            return api.check_functions(**kwargs)
        if all(hasattr(target, name) for name in ("forward", "backward", "parameters")):
            return api.check_model(target, *args, **kwargs)
        if isinstance(target, types.ModuleType) or hasattr(target, "L_model_forward"):
            kwargs.update(zip(("parameters", "X", "Y"), args, strict=False))
            return api.check_functions(**_course_functions(target, kwargs), **kwargs)
        if callable(target):
            return api.check(target, *args, **kwargs)
        raise TypeError(
            "gradcheck(...) takes a models network, a Course-style module, a cost function, "
            f"or forward=, cost=, backward= keywords: got {type(target).__name__}"
        )

    def _fail(self, message: str, lines: list[str]) -> NoReturn:
        __tracebackhide__ = True
        self._node.stash[GRADIENT] = (message, lines)
        pytest.fail(message, pytrace=False)


def _is_a(error: BaseException, name: str) -> bool:
    """Whether `error` is gradcheck's error class `name`, by name: a test session that
    re-imports gradcheck's modules (pytester's in-process runs) makes two classes of one."""
    return any(
        cls.__name__ == name and cls.__module__.startswith("gradcheck")
        for cls in type(error).__mro__
    )


def _course_functions(module: Any, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """forward/cost/backward of a deep (`L_model_*`) or a two-layer Course module.

    A module with neither raises the AttributeError of a missing `L_model_forward`, which
    the grade blames on the submission (see `_explain`), not on the tests.
    """
    if not hasattr(module, "forward_propagation"):
        return {
            "forward": module.L_model_forward,
            "cost": module.compute_cost,
            "backward": module.L_model_backward,
        }
    # The two-layer API: backward_propagation(parameters, cache, X, Y). check_functions
    # runs backward once, at the parameters given, so they and X can be bound here.
    parameters, X = kwargs.get("parameters"), kwargs.get("X")
    return {
        "forward": module.forward_propagation,
        "cost": module.compute_cost,
        "backward": lambda AL, Y, cache: module.backward_propagation(parameters, cache, X, Y),
    }


@pytest.fixture
def gradcheck(request: pytest.FixtureRequest) -> GradientCheck:
    """A gradient check that fails the test with the report's table; see `GradientCheck`."""
    return GradientCheck(request.node, request.config.stash[SETTINGS])


def _real(value: Any) -> Any:
    """`value` with every array as a plain `numpy.ndarray`: a subclass's `.shape` may lie,
    the array's own memory layout does not."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return np.asarray(value)  # the base class, viewing the same memory
    if isinstance(value, Mapping):
        return {key: _real(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        items = [_real(item) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    return value


class ShapeCheck:
    """The `shapecheck` fixture: the course's shape rules, failing the test on a violation.

    - `shapecheck.parameters(parameters, layer_dims)`: `W[l]` is `(n[l], n[l-1])` and `b[l]`
      is `(n[l], 1)` for every layer `l = 1..L`.
    - `shapecheck.gradients(grads, parameters)`: every `dW[l]`, `db[l]` has the shape of
      its parameter.
    - `shapecheck.caches(caches, layer_dims=None, m=None)`: one cache per layer, each
      `((A[l-1], W[l], b[l]), Z[l])` with `A[l-1]` `(n[l-1], m)` and `Z[l]` `(n[l], m)`.

    Keyword options (`convention="transposed"` for weights stored `(n[l-1], n[l])`) go to
    `dimcheck.check_parameters`, `check_gradients` and `check_caches`. Arrays are read as
    plain `numpy.ndarray`s: a subclass that reports a false `.shape` is checked by its real
    one.

    **Returns:** dimcheck's `ShapeReport` when every shape is right; otherwise fails the
    test with every violation, each naming the variable in course notation with the
    expected and the actual shape.
    """

    def __init__(self, node: pytest.Item) -> None:
        self._node = node

    def __repr__(self) -> str:
        return f"<shapecheck fixture of {self._node.nodeid}>"

    def parameters(self, parameters: Mapping[str, Any], layer_dims: Any, **options: Any) -> Any:
        __tracebackhide__ = True
        import dimcheck

        return self._run(dimcheck.check_parameters, parameters, layer_dims, **options)

    def gradients(
        self, grads: Mapping[str, Any], parameters: Mapping[str, Any], **options: Any
    ) -> Any:
        __tracebackhide__ = True
        import dimcheck

        return self._run(dimcheck.check_gradients, grads, parameters, **options)

    def caches(
        self, caches: Any, layer_dims: Any = None, m: int | None = None, **options: Any
    ) -> Any:
        __tracebackhide__ = True
        import dimcheck

        return self._run(dimcheck.check_caches, caches, layer_dims, m, **options)

    def _run(self, check: Any, *args: Any, **options: Any) -> Any:
        __tracebackhide__ = True
        from ._explain import shape_error_in, shape_text

        try:
            result = check(*(_real(arg) for arg in args), **options)
        except Exception as error:
            shape = shape_error_in(error)
            if shape is None:
                raise
            violations = [shape_text(shape)]
        else:
            violations = [str(v) for v in getattr(result, "violations", ())]
            if not violations:
                return result
        firsts = [v.strip().splitlines()[0] for v in violations if v.strip()]
        self._node.stash[SHAPES] = [*(self._node.stash.get(SHAPES, None) or ()), *firsts]
        pytest.fail("Shape error: " + "\n".join(violations), pytrace=False)


@pytest.fixture
def shapecheck(request: pytest.FixtureRequest) -> ShapeCheck:
    """Shape checks of parameters, gradients and caches; see `ShapeCheck`."""
    return ShapeCheck(request.node)


__all__ = ["GradientCheck", "ShapeCheck", "SubmissionImportError"]
