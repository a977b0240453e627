"""Many perturbed copies of one parameter through the user's own forward at once, when proven.

A black-box check costs two calls of the user's forward per value: 105,000 calls for
the 52,353 parameters of a `[784, 64, 32, 1]` network, each of them mostly Python
overhead and the product `W[1] @ X`. Course-style code written with `@`, `np.dot`,
element-wise activations and `+ b` computes the same thing, copy by copy, when each
parameter carries a leading axis of `K` perturbed copies (`W[l]` as
`(K, n[l], n[l-1])`, `b[l]` as `(K, n[l], 1)`): `Z[l]` and `A[l]` come out
`(K, n[l], m)` and `A[L]` as `(K, n[L], m)`, one slice per copy. Code that does not
(`np.sum(..., axis=0)` in a softmax, a Python loop over the `m` examples, `W.T`,
in-place writes of a whole row) computes something else, or raises.

So a stack is never trusted on faith. The first chunk of every parameter and kind of
perturbation (coordinates, directions) is evaluated both ways, stacked and one copy at a
time at three of its points; the stacked values are used only if they agree to
roundoff (`same_cost`, the line of the determinism check), and that parameter falls
back to one call per copy for the whole check otherwise. A stacked attempt that raises
or returns anything but `(K, ...)` is a fallback too, never an error: the one-at-a-time
call then raises the user's error with its usual message. A stacked attempt that warns
(an overflow in `exp`, a log of 0) leaves that chunk to the one-at-a-time calls, which
warn, or raise under `-W error`, exactly as they would without stacks.

Two array types carry the stack through the user's code:

- `Stack`, an `ndarray` whose leading axis is the copies. `np.dot` of a stack is a
  stacked product (`np.matmul`), as `np.dot(W, A)` means for each copy; every other
  operation is numpy's own.
- `Coordinates`, `K` copies of a parameter that each differ from it in one entry. Its
  product with a plain `A[l-1]` costs one product `W[l] @ A[l-1]` and a rank-one
  correction per copy instead of `K` products; anything else it is asked materialises
  the copies as a `Stack`. For `W[1]` of a `[784, 64, 32, 1]` network that is most of
  the work of the whole check.

The cost is called per copy (`cost(A[L][k], Y)`): the Course's `compute_cost` sums every
entry and squeezes, which is not stack-safe, and a call per copy is cheap next to a forward.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

from ._determinism import same_cost

#: The private switch: `False` evaluates every perturbed copy with its own call of the
#: user's cost, as before stacking existed (the tests compare the two paths' verdicts).
ENABLED = True

#: The most copies in one stacked call, and the bytes the copies of one parameter may
#: take when they have to be materialised. Sixteen copies amortise the Python overhead of
#: a call; more make the stacked `Z[l]` outgrow the cache (measured on `[784, 64, 32, 1]`,
#: m = 32: a full check took 4 s with 16 copies per call, 6 s with 32, 8 s with 128), and
#: a bounded stack keeps the memory of a check bounded.
MOST_COPIES = 16
STACK_BYTES = 32 * 2**20

#: How many points of the first chunk are evaluated one at a time to prove a stack.
PROOF_POINTS = 3

#: Chunks of fewer copies go one call per copy: a stacked call and its proof would cost
#: about as many calls (a bias of a few units, the tail of a chunked parameter).
FEWEST_COPIES = 6

#: `stacked(parameters, count) -> (count,) costs`: the user's cost with one entry of
#: `parameters` replaced by a stack of `count` copies.
StackedCost = Callable[[dict[str, Any], int], np.ndarray]


def _plain(value: Any) -> Any:
    if isinstance(value, Coordinates):
        return np.asarray(value.full())
    return np.asarray(value) if isinstance(value, Stack) else value


#: The reductions a `Stack` computes copy by copy: their `axis` counts the copy's axes.
_REDUCTIONS = frozenset({np.sum, np.mean, np.max, np.min, np.amax, np.amin, np.prod})


def _per_copy(axis: Any, ndim: int) -> Any:
    """The stack's axes for a copy's `axis`: `None` is every axis but the copies'."""
    if axis is None:
        return tuple(range(1, ndim))
    if isinstance(axis, tuple):
        return tuple(_per_copy(a, ndim) for a in axis)
    axis = int(axis)
    return axis + 1 if axis >= 0 else axis


class Stack(np.ndarray):
    """An array whose leading axis holds `K` copies: `(K, n[l], m)`, `(K, n[l], n[l-1])`.

    Behaves as an `ndarray` of each copy where the Course's code needs it to: `np.dot` is
    the stacked product (numpy's own `np.dot` of a 3-d array sums over the wrong axes),
    and reductions (`np.sum`, `np.mean`, `np.max`, ... and their methods) count their
    `axis` in the copy's axes, `axis=None` reducing each copy to one number. Anything
    else is numpy's own; whether that computes each copy is what the proof finds out.
    """

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if func is np.dot and len(args) == 2 and not kwargs:
            a, b = args
            if np.ndim(a) >= 2 and np.ndim(b) >= 2:
                return np.asarray(np.matmul(_plain(a), _plain(b))).view(Stack)
        if func in _REDUCTIONS and args and args[0] is self:
            return self._reduced(func, *args[1:], **kwargs)
        return super().__array_function__(func, types, args, kwargs)

    def _reduced(self, func: Any, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
        result = func(self.view(np.ndarray), _per_copy(axis, self.ndim), *args, **kwargs)
        return np.asarray(result).view(Stack)

    def sum(self, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
        return self._reduced(np.sum, axis, *args, **kwargs)

    def mean(self, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
        return self._reduced(np.mean, axis, *args, **kwargs)

    def max(self, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
        return self._reduced(np.max, axis, *args, **kwargs)

    def min(self, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
        return self._reduced(np.min, axis, *args, **kwargs)


class Coordinates(NDArrayOperatorsMixin):
    """`K` copies of a parameter, copy `k` with its entry `flat[k]` set to `values[k]`.

    **Arguments:**

    - `base`: the parameter, e.g. `W[1]` of shape `(n[1], n[0])`, C-contiguous.
    - `flat`: the flat index changed in each copy, shape `(K,)`.
    - `values`: the new value of that entry in each copy, shape `(K,)`.
    - `products`: `(A, base @ A)` pairs already computed, shared by the chunks of one
      parameter (the base does not change between them), and added to.

    Its shape is `(K, *base.shape)`. The product with a plain `(n[l-1], m)` array is
    computed as `W @ A` once plus `(values[k] - W.flat[flat[k]]) * A[j]` on row `i` of
    copy `k`; every other use materialises the copies (a `Stack`, read-only).
    """

    def __init__(
        self,
        base: np.ndarray,
        flat: np.ndarray,
        values: np.ndarray,
        products: list[tuple[np.ndarray, np.ndarray]] | None = None,
    ) -> None:
        self.base = base
        self.products = [] if products is None else products
        self.flat = np.asarray(flat, dtype=np.intp)
        self.values = np.asarray(values, dtype=np.float64)
        self.shape = (self.flat.size, *base.shape)
        self.ndim = len(self.shape)
        self.dtype = base.dtype
        self.size = int(np.prod(self.shape))
        self._full: Stack | None = None

    def __repr__(self) -> str:
        return f"Coordinates(shape={self.shape})"

    def full(self) -> Stack:
        """The copies, materialised once: `(K, *base.shape)`."""
        if self._full is None:
            copies = np.repeat(self.base[np.newaxis], self.flat.size, axis=0)
            copies.reshape(self.flat.size, -1)[np.arange(self.flat.size), self.flat] = self.values
            copies.flags.writeable = False
            self._full = copies.view(Stack)
        return self._full

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.full(), dtype=dtype)

    def __len__(self) -> int:
        return self.flat.size

    def __getitem__(self, index: Any) -> Any:
        return self.full()[index]

    def __getattr__(self, name: str) -> Any:
        # `W.T`, `W.reshape(...)`, ...: what the materialised copies say. Never a dunder:
        # numpy probes those, and the answer must not materialise anything.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.full(), name)

    def _times(self, A: Any) -> Stack | None:
        """`copies @ A` for a plain float `(n[l-1], m)` array `A`, or `None` if it is not one."""
        if type(A) is not np.ndarray or A.ndim != 2 or self.base.ndim != 2:
            return None
        if A.shape[0] != self.base.shape[1] or A.dtype != np.float64:
            return None
        product = self._product(A)
        copies = np.repeat(product[np.newaxis], self.flat.size, axis=0)
        rows, columns = np.divmod(self.flat, self.base.shape[1])
        change = self.values - self.base.reshape(-1)[self.flat]
        copies[np.arange(self.flat.size), rows, :] += change[:, np.newaxis] * A[columns, :]
        return copies.view(Stack)

    def _product(self, A: np.ndarray) -> np.ndarray:
        # `W[l] @ A[l-1]` is the same for every chunk of `W[l]`'s copies: computed once.
        for known, product in self.products:
            if known.shape == A.shape and np.array_equal(known, A):
                return product
        product = np.matmul(self.base, A)
        self.products[:] = [(A.copy(), product)]
        return product

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if ufunc is np.matmul and method == "__call__" and len(inputs) == 2 and not kwargs:
            fast = self._times(inputs[1]) if inputs[0] is self else None
            if fast is not None:
                return fast
        inputs = tuple(x.full() if isinstance(x, Coordinates) else x for x in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(_plain(x) for x in kwargs["out"])
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if func in (np.dot, np.matmul) and len(args) == 2 and not kwargs and args[0] is self:
            fast = self._times(args[1])
            if fast is not None:
                return fast

        def materialised(value: Any) -> Any:
            if isinstance(value, Coordinates):
                return value.full()
            if isinstance(value, list | tuple):
                return type(value)(materialised(v) for v in value)
            return value

        return func(*materialised(args), **{k: materialised(v) for k, v in kwargs.items()})


def copies_per_call(size: int) -> int:
    """How many copies of a parameter of `size` entries go in one stacked call."""
    return int(max(1, min(MOST_COPIES, STACK_BYTES // max(8 * size, 1))))


class Stacker:
    """Evaluates the cost at many perturbed copies of one parameter, stacked once proven.

    **Arguments:**

    - `stacked`: the user's cost of stacked parameters (`StackedCost`).

    `trusted[(key, kind)]` records what the proof found for a parameter and a kind of
    perturbation (`"coordinates"`, `"directions"`): `True` stacked, `False` one at a time.
    """

    def __init__(self, stacked: StackedCost) -> None:
        self.stacked = stacked
        self.trusted: dict[tuple[str, str], bool] = {}
        self.stacked_calls = 0
        self.failed = False

    def costs(
        self,
        key: str,
        kind: str,
        count: int,
        size: int,
        stack_of: Callable[[int, int], Any],
        one_at: Callable[[int], float],
    ) -> np.ndarray:
        """`J` at `count` perturbed points of parameter `key`.

        **Arguments:**

        - `key`, `kind`: the parameter and the kind of perturbation (what a proof covers).
        - `count`: the number of points.
        - `size`: the parameter's number of entries (sizes the chunks).
        - `stack_of(start, stop)`: the parameters with `key` replaced by the copies of
          points `start..stop-1`, `(stop - start, *shape)`.
        - `one_at(k)`: `J` at point `k` by one call of the user's cost (raises the user's
          errors with their messages).

        **Returns:** the costs, shape `(count,)`.
        """
        out = np.empty(count)
        per_call = copies_per_call(size)
        for start in range(0, count, per_call):
            stop = min(count, start + per_call)
            trusted = self.trusted.get((key, kind))
            values = None
            self.failed = False
            if trusted is not False and stop - start >= FEWEST_COPIES:
                values = self._attempt(stack_of(start, stop), stop - start)
            if values is not None and trusted is None:
                picks = np.unique(np.linspace(start, stop - 1, PROOF_POINTS).astype(int))
                separate = {int(k): one_at(int(k)) for k in picks}
                agree = all(same_cost(v, float(values[k - start])) for k, v in separate.items())
                self.trusted[(key, kind)] = agree
                if not agree:
                    values = None
            elif self.failed:
                # The code raised on a stack: it is not stack-safe, for this parameter.
                self.trusted[(key, kind)] = False
            if values is None:
                for k in range(start, stop):
                    out[k] = one_at(k)
            else:
                out[start:stop] = values
        return out

    def _attempt(self, parameters: dict[str, Any], count: int) -> np.ndarray | None:
        # The user's code on a stack: anything unexpected means "not stack-safe".
        self.stacked_calls += 1
        with warnings.catch_warnings():
            # A warning (an overflow in exp, a log of 0) goes to the one-at-a-time calls,
            # which show it (or raise it, under -W error) as they always did.
            warnings.simplefilter("error")
            try:
                values = np.asarray(self.stacked(parameters, count), dtype=np.float64)
            except Warning:
                return None
            except Exception:
                self.failed = True
                return None
        if values.shape != (count,):
            self.failed = True
            return None
        return values if np.all(np.isfinite(values)) else None
