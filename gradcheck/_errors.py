"""The exceptions and the warning gradcheck raises, each for one kind of trouble."""

from __future__ import annotations


class GradientError(AssertionError):
    """A gradient that backprop computed does not match the numerical gradient.

    Raised by `Report.raise_for_failure()`; its message is the report's table.
    An `AssertionError`, so a failed check reads as a failed assertion in a test.
    """


class CheckInputError(ValueError):
    """Input that cannot be checked (NaN, a non-scalar cost, a cost that raised ...).

    The message names the variable in course notation and says how to fix it.
    """


class GradientShapeError(CheckInputError):
    """A gradient that is missing or whose shape differs from its parameter's.

    Raised before any numerics: a shape mismatch is a bug to fix first.
    """


class PrecisionWarning(UserWarning):
    """Input that gradcheck had to convert (float32 to float64) to check reliably."""


class NondeterministicCostError(CheckInputError):
    """A cost that gives two values at the same parameters (dropout without a fixed mask ...).

    Raised before any verdict: such a cost has no gradient to check.
    """


class InputShapeError(CheckInputError):
    """`X`, `Y` or a parameter whose shape breaks the course's dimension rules.

    Raised by `check_functions` before any of the checked code runs, naming the
    array in course notation, the rule, and the fix.
    """
