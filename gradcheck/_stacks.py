"""Perturbed copies of a network of blocks, pushed through its blocks in stacks.

Perturbing one entry of `W[l]` (or `b[l]`) changes one row of `Z[l]` and
nothing upstream of layer `l`. So every perturbed copy starts from the
unperturbed `Z[l]` with that row changed, and a stack of `K` copies goes
through the rest of the network at once (the blocks accept stacked arrays).
When only elementwise blocks separate layer `l` from layer `l+1`, the change
reaching `Z[l+1]` is the rank-one `W[l+1][:, i] (A[l][i] - A0[l][i])`, which
skips a matrix product per copy, and examples the change leaves untouched
are skipped. Past a ReLU-like layer that no copy's change moves across its
kink, the change reaches the layer after exactly linearly, so the wide stack
of that layer is never built (`Network.linear_after`). `K` is chunked so that
the stacks stay within a memory budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from itertools import pairwise
from typing import Any

import numpy as np

import dimcheck

from ._validate import scalar_cost

#: Arrays of one stack alive at once while it goes through the blocks.
_LIVE_ARRAYS = 4
#: Arrays of one row per copy, `(2K, m)`, alive at once before the stack is built:
#: the perturbed row, its activation, the change, the kink tests and their temporaries.
_ROW_ARRAYS = 8


def models_package() -> Any:
    """The `models` package, imported on first use: importing gradcheck does not import it."""
    import models

    return models


def _elementwise(block: Any) -> bool:
    # Each output entry depends on its own input entry alone: the block says so.
    return bool(getattr(block, "elementwise", False))


def forward_block(
    block: Any, A: np.ndarray, params: dict[str, np.ndarray], training: bool
) -> np.ndarray:
    """The output of one block for a (possibly stacked) input `A`, `Dense` ones with `params`."""
    m = models_package()
    if isinstance(block, m.Dense):
        return block.forward(A, params[f"W{block.index}"], params[f"b{block.index}"])[0]
    if isinstance(block, m.Dropout):
        return block.forward(A, training)[0]
    return block.forward(A)[0]


#: The size of the block `reuse_freed_memory` frees: glibc (Linux) raises its
#: thresholds to it, up to its own maximum of 32 MiB.
_HEAP_BLOCK = 16 * 2**20


@cache
def reuse_freed_memory() -> None:
    """Let the C allocator keep freed stacks for reuse, once per process.

    The stacks make many short-lived arrays of a few hundred KiB to a few MiB.
    glibc serves such sizes by mapping fresh pages from the kernel and returns
    them on free, so every one costs a page fault per 4 KiB when first written
    (on virtual machines about 2 ms per MiB, far more than the arithmetic on
    it). glibc raises its mapping and trimming thresholds when a program frees
    a mapped block larger than them (its documented dynamic threshold), after
    which such arrays come from its heap and are reused: so free one 16 MiB
    block, never written, which costs nothing. The process may then keep up to
    32 MiB of freed memory for reuse, as any program freeing such an array
    does; other allocators are unaffected.
    """
    block = np.empty(_HEAP_BLOCK // 8)
    del block


@contextmanager
def shapes_checked_once() -> Iterator[None]:
    """Turn dimcheck off for the perturbed stacks, in this thread only.

    The perturbed copies have exactly the shapes of the unperturbed pass, which
    ran with dimcheck on; re-checking them per chunk would cost more than the
    arithmetic on small networks. `dimcheck.disabled()` changes nothing outside
    the block nor in other threads, unlike the process-wide `disable()`.
    """
    with dimcheck.disabled():
        yield


def crossed_kinks(block: Any, stack: np.ndarray, reference: np.ndarray) -> np.ndarray | None:
    """Which copies of `stack` `(2K, ...)` moved an input of `block` across one of its kinks,
    against the unperturbed input `reference`; `None` for a block without kinks."""
    kinks = getattr(block, "kinks", ())
    if not kinks:
        return None
    flipped = np.zeros(stack.shape[0], dtype=bool)
    for kink in kinks:
        changed = np.not_equal(stack > kink, reference > kink)
        flipped |= changed.reshape(stack.shape[0], -1).any(axis=1)
    return flipped


class Network:
    """The unperturbed pass through the blocks, kept for the perturbed ones."""

    def __init__(
        self,
        model: Any,
        X: np.ndarray,
        Y: np.ndarray,
        params: dict[str, np.ndarray],
        training: bool,
        memory: int = 8 * 2**20,
    ) -> None:
        self.model, self.Y, self.params, self.training = model, Y, params, training
        self.memory = int(memory)
        self.blocks: list[Any] = list(model.layers)
        self.inputs: list[np.ndarray] = []
        A = X
        for block in self.blocks:
            self.inputs.append(A)
            A = forward_block(block, A, params, training)
        self.AL = A
        m = models_package()
        self.weights = [params[f"W{b.index}"] for b in self.blocks if isinstance(b, m.Dense)]
        self.lambd = float(getattr(model, "lambd", 0.0))
        self._masks: dict[int, np.ndarray] = {}
        self._buffer = np.empty(0)
        self._independent: dict[int, bool] = {}
        self._linear: dict[int, tuple[int, np.ndarray] | None] = {}
        self._gains: dict[int, np.ndarray] = {}
        self._reach: dict[int, np.ndarray] = {}
        self._decomposes: bool | None = None
        self.cost0 = self._loss0 = 0.0
        self.m = X.shape[-1]

    def output(self, position: int) -> np.ndarray:
        return self.inputs[position + 1] if position + 1 < len(self.blocks) else self.AL

    def costs(self, AL: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.cost(AL, self.Y, weights=self.weights), dtype=np.float64)

    def buffer(self, shape: tuple[int, ...]) -> np.ndarray:
        """A reused array of `shape`: fresh large arrays per chunk cost page faults."""
        size = int(np.prod(shape))
        if self._buffer.size < size:
            self._buffer = np.empty(size)
        return self._buffer[:size].reshape(shape)

    def scaled_mask(self, position: int) -> np.ndarray:
        """The factor a dropout block multiplies by, `D / keep_prob` `(n[l], m)`, or ones."""
        if position not in self._masks:
            reference = self.inputs[position]
            block = self.blocks[position]
            self._masks[position] = forward_block(
                block, np.ones_like(reference), self.params, self.training
            )
        return self._masks[position]

    def l2_as_documented(self) -> bool:
        """Whether the L2 term of the cost is `lambd / (2 m) sum ||W[l]||^2`."""
        if not self.lambd:
            return True
        with_weights = float(self.costs(self.AL))
        without = float(
            np.asarray(self.model.cost(self.AL, self.Y, weights=[0 * W for W in self.weights]))
        )
        expected = self.lambd / (2 * self.m) * sum(float(np.sum(W**2)) for W in self.weights)
        return abs((with_weights - without) - expected) <= 1e-12 * max(1.0, abs(with_weights))

    def chunk(self, position: int, memory: int) -> int:
        """How many coordinates of the `Dense` block at `position` one chunk may hold.

        Each coordinate is two copies; a copy carries `_ROW_ARRAYS` rows of `m`
        values and at most `_LIVE_ARRAYS` arrays as wide as the widest layer its
        route builds, by `m` examples:
        past the next `Dense` block when the change reaches it linearly
        (`linear_after`; the copies that cannot take that route go through the
        wider one in pieces of their own, `through_next`), else from the next
        `Dense` block on, or from `position` on.
        """
        following = self._next_dense(position)
        if following is None:
            start = position + 1
        else:
            linear = self.linear_after(following)
            start = following if linear is None else linear[0]
        return self._copies(start, memory) // 2

    def _next_dense(self, position: int) -> int | None:
        # The next block after `position` past elementwise ones, if it is a Dense block.
        following = position + 1
        while following < len(self.blocks) and _elementwise(self.blocks[following]):
            following += 1
        if following < len(self.blocks) and isinstance(
            self.blocks[following], models_package().Dense
        ):
            return following
        return None

    def _copies(self, start: int, memory: int) -> int:
        # How many copies built from the output of block `start` on fit in `memory`.
        widest = max([self.output(i).shape[-2] for i in range(start, len(self.blocks))] + [1])
        return max(2, int(memory) // ((_LIVE_ARRAYS * widest + _ROW_ARRAYS) * self.m * 8))

    def column_independent(self, start: int) -> bool:
        """Whether every block from `start` on treats each example (column) on its own."""
        if start not in self._independent:
            m = models_package()
            self._independent[start] = all(
                getattr(block, "columnwise", False)
                or (isinstance(block, m.Dropout) and not self.training)
                for block in self.blocks[start:]
            )
        return self._independent[start]

    def changed_columns(self, change: np.ndarray, start: int) -> np.ndarray | None:
        """The examples a stack of changes touches, when skipping the others pays.

        A ReLU unit that is off for an example stays off under a small change,
        so about half the columns of `change` are exactly zero; when every
        later block works column by column, those examples keep their
        unperturbed outputs and need no work.
        """
        touched = np.flatnonzero(change.any(axis=0))
        if touched.size > 0.75 * change.shape[-1] or not self.column_independent(start):
            return None
        return touched

    def finish_columns(
        self, A: np.ndarray, start: int, columns: np.ndarray, flipped: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Finish a stack restricted to `columns`, then put back the unchanged examples."""
        for later in range(start, len(self.blocks)):
            block = self.blocks[later]
            flips = crossed_kinks(block, A, self.inputs[later][:, columns])
            if flips is not None:
                flipped |= flips
            A = forward_block(block, A, self.params, self.training)
        return self.costs_of_columns(A, columns), flipped

    def costs_of_columns(self, AL: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """`J` of copies whose `A[L]` differs from the unperturbed one in `columns` only.

        The losses of `models` are sums over examples divided by `m`: when the
        network's cost is its loss plus the documented L2 term (its `cost` is
        `Sequential`'s own), `J = J0 + (sum of the changed examples' losses -
        their unperturbed losses) / m`, and the other examples need no work.
        Otherwise the unchanged examples are put back and the model's cost asked.

        **Arguments:**

        - `AL`: `A[L]` of each copy on `columns`, shape `(2K, n[L], c)`.
        - `columns`: the examples, shape `(c,)`.

        **Returns:** shape `(2K,)`.
        """
        if not self._per_example():
            full = np.broadcast_to(self.AL, (AL.shape[0], *self.AL.shape)).copy()
            full[:, :, columns] = AL
            return self.costs(full)
        if columns.size == 0:  # no example changed: every copy costs J0
            return np.full(AL.shape[0], self.cost0)
        Y = self.Y[:, columns]
        loss = self.model.loss
        # Each loss is a mean over the c columns it is given: c times it is their sum.
        changed = np.asarray(loss.cost(AL, Y), dtype=np.float64)
        unchanged = float(loss.cost(self.AL[:, columns], Y))
        return self.cost0 + (changed - unchanged) * (columns.size / self.m)

    def _per_example(self) -> bool:
        if self._decomposes is None:
            m = models_package()
            self._decomposes = (
                isinstance(self.model, m.Sequential)
                and type(self.model).cost is m.Sequential.cost
                and type(self.model)._cost is m.Sequential._cost
                and getattr(self.model.loss, "per_example", False) is True
            )
            self.cost0 = float(self.costs(self.AL))
            self._loss0 = float(self.model.loss.cost(self.AL, self.Y))
        return self._decomposes

    def linear_after(self, following: int) -> tuple[int, np.ndarray] | None:
        """The next `Dense` after `following` and the slopes in between, if they are linear.

        When `Dense` block `following` is followed by one ReLU, leaky ReLU or
        identity (and possibly a held dropout) and then another `Dense` block
        that is narrower, a change that moves no input across a kink passes
        through exactly linearly: `A = A0 + D * (Z - Z0)` with `D` the slope on
        each input's side times the dropout scale. Then the next `Z` changes by
        `(W @ (D * w)) * change`, far less work than the full stack.

        **Returns:** `(position of the next Dense, D (n[l+1], m))`, or `None`.
        """
        if following not in self._linear:
            self._linear[following] = self._find_linear(following)
        return self._linear[following]

    def _find_linear(self, following: int) -> tuple[int, np.ndarray] | None:
        m = models_package()
        between = following + 1
        if between >= len(self.blocks):
            return None
        activation = self.blocks[between]
        # The block says whether it is linear between its kinks (a subclass that
        # computes something else loses the claim unless it restates it).
        if not (
            getattr(activation, "piecewise_linear", False)
            and getattr(activation, "elementwise", False)
        ):
            return None
        Z0 = self.inputs[between]
        D = activation.derivative(Z0)
        after = between + 1
        if after < len(self.blocks) and type(self.blocks[after]) is m.Dropout:
            D = D * self.scaled_mask(after)
            after += 1
        if after >= len(self.blocks) or not isinstance(self.blocks[after], m.Dense):
            return None
        W_after = self.params[f"W{self.blocks[after].index}"]
        if W_after.shape[0] >= W_after.shape[1]:
            return None
        return after, D

    def stays_on_its_side(self, following: int, rows: np.ndarray, change: np.ndarray) -> np.ndarray:
        """Which copies provably move no input of the activation after `following` across a kink.

        Copy `k` adds `w[r] change[k, c]` to `Z0[r, c]` (`w` the column of the
        next weights for its unit); no input changes side when every such
        addition is at most half the distance `|Z0[r, c] - kink|`. The half
        leaves room for the rounding of the sum, so the test is conservative:
        copies it does not clear take the exact path, which detects flips.

        **Returns:** a boolean mask of shape `(2K,)`.
        """
        activation = self.blocks[following + 1]
        kinks = getattr(activation, "kinks", ())
        if not kinks:
            return np.ones(rows.size, dtype=bool)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            reach = self._reach_of(following)
            bound = (np.abs(change) * reach[rows]).max(axis=1)
        # NaN (an overflow) compares False: such copies take the exact path.
        return np.asarray(bound <= 0.5)

    def _reach_of(self, following: int) -> np.ndarray:
        """`max_r |W[r, u]| / |Z0[r, c] - kink|` for every unit `u` and example `c`, `(n, m)`.

        A per-network table, computed once: how far a unit change of `A[l][u]`
        goes toward the nearest kink of each input of the next activation.
        """
        if following not in self._reach:
            kinks = getattr(self.blocks[following + 1], "kinks", ())
            Z0 = self.inputs[following + 1]
            distance = np.min([np.abs(Z0 - kink) for kink in kinks], axis=0)
            # An input sitting on a kink gets a huge, finite reciprocal: any
            # nonzero change then fails the test, and a zero change (0 * huge)
            # passes it, as it should.
            inverse = np.minimum(1.0 / distance, 1e300)
            W_next = np.abs(self.params[f"W{self.blocks[following].index}"])
            self._reach[following] = np.stack(
                [(W_next[:, [u]] * inverse).max(axis=0) for u in range(W_next.shape[1])]
            )
        return self._reach[following]

    def _gains_of(self, following: int, linear: tuple[int, np.ndarray]) -> np.ndarray:
        """`G[u] = W_after @ (D * W_next[:, u])` for every unit `u`, `(n, n_after, m)`, once.

        How `Z` of the `Dense` block past the linear stretch moves per unit
        change of `A[l][u]`, example by example (see `linear_after`).
        """
        if following not in self._gains:
            after, D = linear
            W_next = self.params[f"W{self.blocks[following].index}"]
            W_after = self.params[f"W{self.blocks[after].index}"]
            self._gains[following] = W_after @ (W_next.T[:, :, None] * D[None, :, :])
        return self._gains[following]

    def through_next(
        self, following: int, rows: np.ndarray, change: np.ndarray, flipped: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Costs and kink flags of copies whose `A` entering `Dense` `following` changed in one row.

        **Arguments:**

        - `following`: the position of that `Dense` block.
        - `rows`: the changed row of each copy, shape `(2K,)`.
        - `change`: `A[l][i] - A0[l][i]` per copy, shape `(2K, m)`.
        - `flipped`: kinks already crossed before, shape `(2K,)` (updated).

        **Returns:** `(costs, flipped)`, both of shape `(2K,)`.
        """
        linear = self.linear_after(following)
        if linear is None:
            return self._rank_one(following, rows, change, flipped)
        safe = self.stays_on_its_side(following, rows, change)
        costs = np.empty(rows.size)
        if safe.any():
            costs[safe], flipped[safe] = self._linear_route(
                following, linear, rows[safe], change[safe], flipped[safe]
            )
        rest = np.flatnonzero(~safe)
        # The chunk was sized for the narrow route: the rest goes in pieces sized for this one.
        piece = self._copies(following, self.memory)
        for first in range(0, rest.size, piece):
            some = rest[first : first + piece]
            costs[some], flipped[some] = self._rank_one(
                following, rows[some], change[some], flipped[some]
            )
        return costs, flipped

    def _linear_route(
        self,
        following: int,
        linear: tuple[int, np.ndarray],
        rows: np.ndarray,
        change: np.ndarray,
        flipped: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        after = linear[0]
        G = self._gains_of(following, linear)
        W_after = self.params[f"W{self.blocks[after].index}"]
        start = after + 1
        columns = self.changed_columns(change, start)
        if columns is not None:
            change, G = change[:, columns], G[:, :, columns]
        A = self.buffer((rows.size, W_after.shape[0], change.shape[-1]))
        np.multiply(G[rows], change[:, None, :], out=A)
        Z_after = self.output(after)
        A += Z_after if columns is None else Z_after[:, columns]
        if columns is not None:
            return self.finish_columns(A, start, columns, flipped)
        return self.finish(A, start, flipped)

    def _rank_one(
        self, following: int, rows: np.ndarray, change: np.ndarray, flipped: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        # The change reaches Z[l+1] as the rank-one W[l+1][:, i] (A[l][i] - A0[l][i]).
        W_next = self.params[f"W{self.blocks[following].index}"]
        start = following + 1
        columns = self.changed_columns(change, start)
        if columns is not None:
            change = change[:, columns]
        A = self.buffer((rows.size, W_next.shape[0], change.shape[-1]))
        np.multiply(W_next.T[rows][:, :, None], change[:, None, :], out=A)
        Z_next = self.output(following)
        A += Z_next if columns is None else Z_next[:, columns]
        if columns is not None:
            return self.finish_columns(A, start, columns, flipped)
        return self.finish(A, start, flipped)

    def finish(
        self, A: np.ndarray, start: int, flipped: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Run a stack `A` entering block `start` through the rest: `(costs, flipped)`."""
        for later in range(start, len(self.blocks)):
            block = self.blocks[later]
            flips = crossed_kinks(block, A, self.inputs[later])
            if flips is not None:
                flipped |= flips
            A = forward_block(block, A, self.params, self.training)
        return self.stack_costs(A), flipped

    def stack_costs(self, AL: np.ndarray) -> np.ndarray:
        """`J` of each copy of a stack `A[L]` `(2K, n[L], m)`, without the L2 change.

        As `costs_of_columns` on every example, when the cost is the loss plus
        the documented L2 term: `J0` plus the change of the loss, with `Y`
        checked once (not per chunk) and the L2 term not summed again.
        """
        if not self._per_example():
            return self.costs(AL)
        changed = np.asarray(self.model.loss.cost(AL, self.Y), dtype=np.float64)
        return self.cost0 + (changed - self._loss0)

    def propagate(
        self, position: int, Z_rows: np.ndarray, rows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The costs of copies whose output of block `position` differs in one row each.

        **Arguments:**

        - `position`: the index of the perturbed `Dense` block in `layers`.
        - `Z_rows`: the perturbed rows of its output `Z[l]`, shape `(2K, m)`.
        - `rows`: which row each copy perturbs, shape `(2K,)`.

        **Returns:** `(costs, flipped)`: `(2K,)` costs without the L2 change and
        `(2K,)` whether a kink was crossed.
        """
        m = models_package()
        copies = np.arange(Z_rows.shape[0])
        flipped = np.zeros(Z_rows.shape[0], dtype=bool)
        following = position + 1
        while following < len(self.blocks) and _elementwise(self.blocks[following]):
            following += 1
        if following < len(self.blocks) and isinstance(self.blocks[following], m.Dense):
            # Elementwise blocks change only the perturbed row.
            row = Z_rows
            for between in range(position + 1, following):
                block = self.blocks[between]
                if isinstance(block, m.Dropout):
                    row = row * self.scaled_mask(between)[rows, :]
                    continue
                flips = crossed_kinks(block, row, self.inputs[between][rows, :])
                if flips is not None:
                    flipped |= flips
                row = block.forward(row[:, None, :])[0][:, 0, :]
            change = row - self.inputs[following][rows, :]
            return self.through_next(following, rows, change, flipped)
        A = np.broadcast_to(self.output(position), (rows.size, *self.output(position).shape))
        A = A.copy()
        A[copies, rows, :] = Z_rows
        return self.finish(A, position + 1, flipped)


def _pieces(flat: np.ndarray, row_length: int, chunk: int) -> list[tuple[int, int]]:
    """Chunks of at most `chunk` coordinates that keep each row of `W[l]` together.

    Copies of one row perturb the same unit, so they leave the same examples
    untouched (see `changed_columns`); a chunk spanning two rows skips fewer.
    Long rows are split evenly, short ones grouped.
    """
    rows = flat // row_length
    bounds = [0, *(np.flatnonzero(np.diff(rows)) + 1).tolist(), flat.size]
    pieces: list[tuple[int, int]] = []
    for start, stop in pairwise(bounds):
        count = -(-(stop - start) // chunk)
        edges = [start + (stop - start) * i // count for i in range(count + 1)]
        for a, b in pairwise(edges):
            if pieces and pieces[-1][1] == a and b - pieces[-1][0] <= chunk:
                pieces[-1] = (pieces[-1][0], int(b))
            else:
                pieces.append((int(a), int(b)))
    return pieces


def coordinate_values(
    net: Network,
    position: int,
    kind: str,
    flat: np.ndarray,
    eps: float,
    cost0: float,
    chunk: int,
    bar: Any,
) -> tuple[np.ndarray, ...]:
    """Central, forward and backward differences of the coordinates `flat` of one parameter.

    **Arguments:**

    - `net`: the unperturbed pass.
    - `position`: the index in `layers` of the `Dense` block holding the parameter.
    - `kind`: `"W"` or `"b"`.
    - `flat`: flat indices of the coordinates, shape `(k,)`.
    - `eps`: the step; `cost0`: `J` at the unperturbed parameters.
    - `chunk`: at most this many coordinates per stack; `bar`: the progress bar.

    **Returns:** `(central, forward, backward, kinked, scale)`: four arrays of
    shape `(k,)` (the last boolean: a kink was crossed) and the largest `|J|` seen.
    """
    block = net.blocks[position]
    array = net.params[f"{kind}{block.index}"]
    A_prev = net.inputs[position]
    Z0 = net.output(position)
    central, forward, backward = np.empty(flat.size), np.empty(flat.size), np.empty(flat.size)
    kinked = np.zeros(flat.size, dtype=bool)
    scale = abs(cost0)
    for start, stop in _pieces(flat, array.shape[-1], chunk):
        part = flat[start:stop]
        k = part.size
        rows, cols = np.unravel_index(part, array.shape)
        values = array.reshape(-1)[part]
        # The steps actually representable, (x + eps) - x: see _finite.py.
        h_up = (values + eps) - values
        h_down = values - (values - eps)
        steps = np.concatenate([h_up, -h_down])
        both_rows = np.concatenate([rows, rows])
        # Z0 + step * A[l-1][j] for W[l][i, j], Z0 + step for b[l][i], written in place.
        Z_rows = np.empty((2 * k, Z0.shape[-1]))
        if kind == "W":
            source = A_prev[cols, :]
            np.multiply(h_up[:, None], source, out=Z_rows[:k])
            np.multiply(-h_down[:, None], source, out=Z_rows[k:])
        else:
            Z_rows[:] = steps[:, None]
        Z_rows += Z0[both_rows, :]
        costs, flipped = net.propagate(position, Z_rows, both_rows)
        if kind == "W" and net.lambd:
            # The L2 term lambd / (2 m) ||W||^2 changes by lambd / (2 m) ((w + h)^2 - w^2),
            # written h (2 w + h) to avoid the cancellation of two squares.
            both = np.concatenate([values, values])
            costs = costs + net.lambd / (2 * net.m) * steps * (2 * both + steps)
        if not np.all(np.isfinite(costs)):
            bad = int(np.flatnonzero(~np.isfinite(costs))[0]) % k
            where = tuple(int(i) for i in np.unravel_index(int(part[bad]), array.shape))
            scalar_cost(float("nan"), f"at {kind}[{block.index}]{list(where)} +- eps")
        cost_up, cost_down = costs[:k], costs[k:]
        central[start : start + k] = (cost_up - cost_down) / (h_up + h_down)
        forward[start : start + k] = (cost_up - cost0) / h_up
        backward[start : start + k] = (cost0 - cost_down) / h_down
        kinked[start : start + k] = flipped[:k] | flipped[k:]
        scale = max(scale, float(np.max(np.abs(costs))))
        bar.update(k)
    return central, forward, backward, kinked, np.array(scale)
