"""Strict broadcasting: `(n, 1) - (n,)` stops instead of silently becoming `(n, n)`."""

import inspect
import types
from pathlib import Path

import numpy as np
import pytest
from jaxtyping import Float

import dimcheck
from dimcheck import ShapeError

OFFSET = 2.0


@dimcheck.shapes(strict_broadcasting=True)
def residual(
    AL: Float[np.ndarray, "n m"], Y: Float[np.ndarray, "..."], *, scale: float = 1.0
) -> Float[np.ndarray, "..."]:
    """AL - Y, scaled."""
    return scale * (AL - Y) + OFFSET


def test_a_rank1_operand_that_grows_both_shapes_raises_naming_operation_and_shapes() -> None:
    line = inspect.getsourcelines(residual)[1] + 5  # the `return` line, after the decorator
    with pytest.raises(ShapeError) as info:
        residual(np.ones((3, 1)), np.ones(3))
    assert str(info.value) == (
        f"residual (line {line}): `AL - Y` broadcasts (3, 1) - (3,) to (3, 3), larger than"
        " both operands: numpy pairs every row of one with every column of the other."
        " Y is a rank-1 array: make it a column with Y.reshape(3, 1), or keep the axis when"
        " reducing (np.sum(..., axis=1, keepdims=True))."
    )


def test_intended_broadcasts_and_scalars_pass() -> None:
    out = residual(np.ones((3, 4)), np.ones((3, 1)), scale=2.0)  # the bias broadcast
    np.testing.assert_array_equal(out, np.full((3, 4), OFFSET))
    assert residual(np.ones((3, 4)), np.ones((3, 4))).shape == (3, 4)
    assert residual(np.ones((1, 1)), np.array(2.0)).shape == (1, 1)
    with pytest.raises(ShapeError, match=r"^residual: Y must be an array \(\.\.\.\): got float\.$"):
        residual(np.ones((1, 1)), 2.0)  # type: ignore[arg-type]


def test_an_outer_product_by_broadcasting_is_flagged_with_the_explicit_alternative() -> None:
    with pytest.raises(ShapeError, match=r"broadcasts \(3, 1\) - \(1, 4\) to \(3, 4\).*np\.outer"):
        residual(np.ones((3, 1)), np.ones((1, 4)))


def test_the_rewritten_function_keeps_name_docstring_signature_defaults() -> None:
    assert residual.__name__ == "residual"
    assert residual.__doc__ == "AL - Y, scaled."
    assert list(inspect.signature(residual).parameters) == ["AL", "Y", "scale"]
    np.testing.assert_array_equal(
        residual(np.zeros((2, 2)), np.zeros((2, 2))), np.full((2, 2), 2.0)
    )


def make_cost() -> object:
    clip = 1e-12

    def compute_cost(AL, Y):  # type: ignore[no-untyped-def]
        """A cost with a closure variable and a rank-1 slip inside."""
        m = Y.shape[1]
        Y = Y.ravel()
        return float(-np.sum(Y * np.log(AL.T + clip)) / m)

    return compute_cost


def test_instrumented_functions_check_only_inside_the_context_manager() -> None:
    module = types.ModuleType("student")
    module.compute_cost = make_cost()  # type: ignore[attr-defined]
    original = module.compute_cost  # type: ignore[attr-defined]
    dimcheck.instrument(module)
    AL, Y = np.full((1, 4), 0.5), np.ones((1, 4))
    assert isinstance(module.compute_cost(AL, Y), float)  # type: ignore[attr-defined]
    with (
        dimcheck.strict_broadcasting(),
        pytest.raises(
            ShapeError, match=r"`Y \* np\.log\(AL\.T \+ clip\)` broadcasts \(4,\) \* \(4, 1\)"
        ),
    ):
        module.compute_cost(AL, Y)  # type: ignore[attr-defined]
    dimcheck.uninstrument(module)
    assert module.compute_cost is original  # type: ignore[attr-defined]


def test_instrument_with_strict_broadcasting_checks_always() -> None:
    module = types.ModuleType("student")
    module.compute_cost = make_cost()  # type: ignore[attr-defined]
    dimcheck.instrument(module, strict_broadcasting=True)
    with pytest.raises(ShapeError, match=r"broadcasts \(4,\) \* \(4, 1\) to \(4, 4\)"):
        module.compute_cost(np.full((1, 4), 0.5), np.ones((1, 4)))  # type: ignore[attr-defined]


def test_a_course_name_with_another_signature_is_left_alone() -> None:
    module = types.ModuleType("student")
    module.compute_cost = lambda AL: float(AL.sum())  # type: ignore[attr-defined]
    with pytest.warns(UserWarning, match="no Course function"):
        assert dimcheck.instrument(module) == []


def test_the_context_manager_is_off_outside_and_nests() -> None:
    from dimcheck._broadcast import rewrite

    def subtract(a, b):  # type: ignore[no-untyped-def]
        return a - b

    checked = rewrite(subtract, always=False)
    column, row = np.ones((3, 1)), np.ones(3)
    assert checked(column, row).shape == (3, 3)  # off: numpy's behaviour
    with dimcheck.strict_broadcasting():
        with dimcheck.strict_broadcasting():
            pass
        with pytest.raises(ShapeError, match=r"`a - b` broadcasts \(3, 1\) - \(3,\) to \(3, 3\)"):
            checked(column, row)
    assert checked(column, row).shape == (3, 3)


def test_every_decorated_function_is_checked_inside_the_context_manager() -> None:
    @dimcheck.shapes
    def cost(AL: Float[np.ndarray, "1 m"], Y: Float[np.ndarray, " m"]) -> float:
        return float(np.sum(AL.T - Y))  # (m, 1) - (m,): an (m, m) that sums silently

    AL, Y = np.ones((1, 4)), np.zeros(4)
    assert cost(AL, Y) == 16.0  # outside the block: numpy's behaviour, unchecked
    with (
        dimcheck.strict_broadcasting(),
        pytest.raises(
            ShapeError,
            match=r"^test_every_decorated.*cost \(line \d+\): `AL\.T - Y` broadcasts"
            r" \(4, 1\) - \(4,\) to \(4, 4\), larger than both operands.*Y\.reshape\(4, 1\)",
        ),
    ):
        cost(AL, Y)
    assert cost(AL, Y) == 16.0  # and off again after it

    namespace: dict[str, object] = {}
    exec("def f(a, b):\n    return a - b\n", namespace)
    plain = dimcheck.shapes(namespace["f"])  # type: ignore[arg-type]
    with dimcheck.strict_broadcasting():  # no source to rewrite: runs as written
        assert plain(np.ones((3, 1)), np.ones(3)).shape == (3, 3)


def test_a_function_without_source_cannot_be_made_strict() -> None:
    namespace: dict[str, object] = {}
    exec("def f(a, b):\n    return a - b\n", namespace)
    with pytest.raises(ValueError, match="needs the source of f"):
        dimcheck.shapes(strict_broadcasting=True)(namespace["f"])  # type: ignore[arg-type]


class Base:
    def combine(self, x: np.ndarray) -> np.ndarray:
        return x


class Child(Base):
    """A method using zero-argument super(): its `__class__` cell is empty at decoration."""

    @dimcheck.shapes(strict_broadcasting=True)
    def combine(
        self, x: Float[np.ndarray, "n 1"], y: Float[np.ndarray, " n"]
    ) -> Float[np.ndarray, "n n"]:
        return super().combine(x) - y


def test_methods_using_super_can_be_made_strict() -> None:
    with pytest.raises(
        ShapeError, match=r"`super\(\)\.combine\(x\) - y` broadcasts \(3, 1\) - \(3,\)"
    ):
        Child().combine(np.ones((3, 1)), np.ones(3))


def test_closure_cells_are_shared_not_copied() -> None:
    from dimcheck._broadcast import rewrite

    scale = 1.0

    def scaled(a):  # type: ignore[no-untyped-def]
        return a * scale

    checked = rewrite(scaled, always=True)
    scale = 3.0  # read by `checked` through the shared cell
    assert checked(np.ones(2)).tolist() == [3.0, 3.0]


def test_a_source_file_edited_after_import_is_not_used(tmp_path: Path) -> None:
    import importlib.util
    import linecache

    from dimcheck._broadcast import rewrite

    path = tmp_path / "edited.py"
    path.write_text("def f(a, b):\n    return a - b\n")
    spec = importlib.util.spec_from_file_location("edited", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path.write_text("def f(a, b):\n    c = a + b\n    return c\n")
    linecache.checkcache(str(path))
    with pytest.raises(ValueError, match="no longer matches its code"):
        rewrite(module.f, always=True)
