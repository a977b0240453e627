"""`check_model` along random directions: every parameter's directions in one stacked pass.

A direction of `W[l]` is a random rank-one unit matrix `u v^T` (see `Request`):
it moves `Z[l]` by exactly `h u (v^T A[l-1])` (a direction `u` of `b[l]`: by
`h u`) and changes nothing before layer `l`. So the two copies of every
direction of every parameter go through the network in one stack: the copies
of layer `l`'s directions join it at `Z[l]`, those of earlier layers arrive
there already moved. One pass measures every direction of every parameter; the
blocks see their kinks, so a direction whose copies crossed one is measured
again with smaller steps (`_steps.refined`), as coordinates are.

A parameter whose directions are not ok is localised by its coordinates,
through the coordinate path of `_stacks.py` (`Localise`), as `gradcheck.check`
does. The noise of `J` is measured along rank-one directions of all the
parameters at once (`joint_costs`), the points of a direction in one stacked
pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, NamedTuple

import numpy as np

from ._check import ESCALATION_SAMPLE, _either
from ._modes import coordinates
from ._noise import DIRECTIONS, OFFSETS, noise_along
from ._report import ParameterResult
from ._richardson import Measurement, judged
from ._stacks import Network, crossed_kinks, forward_block, models_package
from ._steps import Differences, refined
from ._validate import scalar_cost

#: On a direction that is not ok, parameters up to this size are localised by
#: every coordinate (the stacked coordinate path makes that cheap), larger
#: ones by a sample of `ESCALATION_SAMPLE`.
LOCALISE_FULL_LIMIT = 200_000


class Request(NamedTuple):
    """One parameter's `k` unit directions, each a rank-one `U = u v^T` (`|u| = |v| = 1`).

    A rank-one direction has a component on every entry of `W[l]` (a bug in
    any of them shows), and moves `Z[l]` by `u (v^T A[l-1])`: a vector-matrix
    product instead of a matrix product per direction. A bias `b[l]` is
    `(n[l], 1)`, already rank one: its `v` is `[1]`.
    """

    position: int  # of the Dense block in `layers`
    kind: str  # "W" or "b"
    key: str
    left: np.ndarray  # u, shape (k, n[l])
    right: np.ndarray  # v, shape (k, n[l-1]) for W, (k, 1) for b

    def subset(self, which: np.ndarray) -> Request:
        return self._replace(left=self.left[which], right=self.right[which])

    def along(self, array: np.ndarray) -> np.ndarray:
        """`<U_k, array>` for each direction, shape `(k,)`, for `array` of the parameter's shape."""
        return np.einsum("kn,nj,kj->k", self.left, array, self.right)

    def moved_Z(self, net: Network, h: float, out: np.ndarray) -> None:
        """How `Z[l]` moves under a step `h` along each direction, written into `out`
        `(k, n[l], m)`."""
        if self.kind == "W":
            moved = h * (self.right @ net.inputs[self.position])
        else:
            moved = h * np.broadcast_to(self.right, (self.right.shape[0], out.shape[-1]))
        np.multiply(self.left[:, :, None], moved[:, None, :], out=out)


#: Localises a parameter by coordinates: `(key, flat indices, how) -> (result, second look)`.
Localise = Callable[[str, np.ndarray, str], tuple[ParameterResult, bool]]


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    return rows / np.sqrt(np.sum(rows * rows, axis=-1, keepdims=True))


def directional_values(
    net: Network, requests: Sequence[Request], h: float, cost0: float
) -> list[Differences]:
    """Central, forward and backward differences along the directions of several parameters.

    **Arguments:**

    - `net`: the unperturbed pass.
    - `requests`: the parameters and their unit directions (see `Request`).
    - `h`: the step; `cost0`: `J` at the unperturbed parameters.

    **Returns:** for each request, `(central, forward, backward, crossed, scale)`:
    arrays of shape `(k,)` (`crossed`: a copy moved an input across a kink) and
    the largest `|J|` seen.
    """
    joining: dict[int, list[int]] = {}
    for number, request in enumerate(requests):
        joining.setdefault(request.position, []).append(number)
    stack: np.ndarray | None = None
    flipped = np.zeros(0, dtype=bool)
    order: list[int] = []  # request numbers in the order their copies joined
    for position, block in enumerate(net.blocks):
        if position not in joining:
            if stack is not None:
                flips = crossed_kinks(block, stack, net.inputs[position])
                if flips is not None:
                    flipped |= flips
                stack = forward_block(block, stack, net.params, net.training)
            continue
        # One fresh array for the copies already moved and those joining here:
        # large fresh arrays cost page faults, so the products are written into it.
        Z0 = net.output(position)
        joined = sum(2 * requests[number].left.shape[0] for number in joining[position])
        before = 0 if stack is None else stack.shape[0]
        out = np.empty((before + joined, *Z0.shape))
        if stack is not None:
            index = block.index
            np.matmul(net.params[f"W{index}"], stack, out=out[:before])
            out[:before] += net.params[f"b{index}"]
        start = before
        for number in joining[position]:
            request = requests[number]
            k = request.left.shape[0]
            up, down = out[start : start + k], out[start + k : start + 2 * k]
            request.moved_Z(net, h, out=up)
            np.negative(up, out=down)
            up += Z0
            down += Z0
            start += 2 * k
            order.append(number)
        stack = out
        flipped = np.concatenate([flipped, np.zeros(joined, dtype=bool)])
    assert stack is not None  # every request joins at its block
    costs = net.stack_costs(stack).reshape(-1)
    results: list[Differences | None] = [None] * len(requests)
    start = 0
    for number in order:
        request = requests[number]
        k = request.left.shape[0]
        up, down = costs[start : start + k], costs[start + k : start + 2 * k]
        crossed = flipped[start : start + k] | flipped[start + k : start + 2 * k]
        start += 2 * k
        if request.kind == "W" and net.lambd:
            # ||W + s h U||^2 - ||W||^2 = 2 s h <W, U> + h^2 (|U| = 1), without cancellation.
            along = request.along(net.params[request.key])
            l2 = net.lambd / (2 * net.m)
            up = up + l2 * (2 * h * along + h * h)
            down = down + l2 * (-2 * h * along + h * h)
        if not (np.all(np.isfinite(up)) and np.all(np.isfinite(down))):
            block = net.blocks[request.position]
            where = f"along a random direction of {request.kind}[{block.index}]"
            scalar_cost(float("nan"), where)
        scale = max(abs(cost0), float(np.max(np.abs(up))), float(np.max(np.abs(down))))
        results[number] = (
            (up - down) / (2.0 * h),
            (up - cost0) / h,
            (cost0 - down) / h,
            crossed,
            scale,
        )
    return [r for r in results if r is not None]


def directional_results(
    net: Network,
    requests: Sequence[Request],
    grads: dict[str, np.ndarray],
    cost0: float,
    noise: float,
    eps: float,
    result_of: Callable[..., ParameterResult],
    localise: Localise,
    rng: np.random.Generator,
) -> tuple[list[ParameterResult], bool]:
    """Every parameter's result from its directions, localised by coordinates when not ok.

    **Arguments:**

    - `net`, `cost0`, `noise`, `eps`: the unperturbed pass, `J` there, its
      measured noise, and the first step.
    - `requests`: every parameter's directions (see `Request`).
    - `grads`: the analytic gradients by parameter key.
    - `result_of`: `assemble` with the key-independent options bound.
    - `localise`: measures coordinates of one parameter (see `Localise`).
    - `rng`: draws the coordinates of a sampled localisation.

    **Returns:** `(results, extrapolated)`: one result per request, and whether
    any took a second look.
    """
    first = directional_values(net, requests, eps, cost0)
    results = []
    extrapolated = False
    for request, measured in zip(requests, first, strict=True):
        key = request.key
        grad = grads[key]
        analytic = request.along(grad)

        def measure(
            which: np.ndarray,
            h: float,
            request: Request = request,
            measured: Differences = measured,
        ) -> Differences:
            if h == eps and which.size == request.left.shape[0]:
                return measured  # the batched pass measured these already
            return directional_values(net, [request.subset(which)], h, cost0)[0]

        def along(step: float, measure: Any = measure, analytic: Any = analytic) -> Measurement:
            return refined(measure, analytic, step, noise)

        of_values = partial(result_of, key, grad.shape, analytic, indices=None)
        directional, second_look = judged(along(eps), along, eps, of_values, "directional")
        extrapolated = extrapolated or second_look
        if directional.verdict == "ok":
            results.append(directional)
            continue
        how = "full" if grad.size <= LOCALISE_FULL_LIMIT else "sample"
        flat = coordinates(grad.size, how, ESCALATION_SAMPLE, rng)
        located, second_look = localise(key, flat, f"directional, then {how}")
        extrapolated = extrapolated or second_look
        results.append(_either(directional, located, complete=flat.size == grad.size))
    return results, extrapolated


def plan_directions(
    net: Network, params: dict[str, np.ndarray], count: int, rng: np.random.Generator
) -> list[Request]:
    """`count` seeded rank-one unit directions of every parameter, in the order of `params`."""
    mods = models_package()
    requests = []
    for position, block in enumerate(net.blocks):
        if isinstance(block, mods.Dense):
            for kind in "Wb":
                key = f"{kind}{block.index}"
                n, n_prev = params[key].shape
                left = _unit_rows(rng.standard_normal((count, n)))
                right = _unit_rows(rng.standard_normal((count, n_prev)))
                requests.append(Request(position, kind, key, left, right))
    order = list(params)
    return sorted(requests, key=lambda request: order.index(request.key))


#: A direction over every parameter at once: per key, the factors `(u, v)` of its
#: rank-one part `u v^T` (`v = [1]` for a bias), all together of norm 1.
Joint = dict[str, tuple[np.ndarray, np.ndarray]]


def joint_directions(
    params: dict[str, np.ndarray], count: int, rng: np.random.Generator
) -> list[Joint]:
    """`count` seeded random unit directions over all the parameters together."""
    result: list[Joint] = []
    for _ in range(count):
        parts: Joint = {}
        for key, array in params.items():
            n, n_prev = array.shape
            u = rng.standard_normal((n,))
            v = rng.standard_normal((n_prev,)) if key.startswith("W") else np.ones(1)
            parts[key] = (u, v)
        norm = float(np.sqrt(sum(float(u @ u) * float(v @ v) for u, v in parts.values())))
        result.append({key: (u / norm, v) for key, (u, v) in parts.items()})
    return result


def joint_costs(net: Network, direction: Joint, steps: np.ndarray) -> np.ndarray:
    """`J` at the parameters moved by `t direction` for each `t` of `steps`, in one stacked pass.

    **Arguments:**

    - `net`: the unperturbed pass.
    - `direction`: a direction over every parameter (see `Joint`).
    - `steps`: the multiples `t`, shape `(K,)`.

    **Returns:** the costs, shape `(K,)`.
    """
    mods = models_package()
    t = steps.reshape(-1, 1, 1)
    A: np.ndarray | None = None  # None: still the unperturbed pass
    l2_change = np.zeros(steps.size)
    for position, block in enumerate(net.blocks):
        if isinstance(block, mods.Dense):
            W, b = net.params[f"W{block.index}"], net.params[f"b{block.index}"]
            u, v = direction[f"W{block.index}"]
            d = direction[f"b{block.index}"][0][:, None]
            Z0 = net.output(position)
            # Each product is written into one fresh array: large temporaries cost page faults.
            Z = np.empty((steps.size, *Z0.shape))
            if A is None:
                # Every copy sees the same input: Z moves by t (u v^T A + d), one product.
                move = u[:, None] * (v @ net.inputs[position])[None, :] + d
                np.multiply(t, move, out=Z)
                Z += Z0
            else:
                np.matmul(W, A, out=Z)
                Z += b
                # + t (u (v^T A) + d), the outer product added copy by copy.
                along = t[:, :, 0] * (v @ A)
                for copy in range(steps.size):
                    Z[copy] += np.outer(u, along[copy])
                    Z[copy] += steps[copy] * d
            A = Z
            # ||W + t u v^T||^2 - ||W||^2 = 2 t u^T W v + t^2 |u|^2 |v|^2.
            l2_change += steps * (2.0 * float(u @ W @ v) + steps * float(u @ u) * float(v @ v))
        elif A is not None:
            A = forward_block(block, A, net.params, net.training)
    if A is None:
        return np.full(steps.size, float(net.costs(net.AL)))
    return net.stack_costs(A).reshape(-1) + net.lambd / (2 * net.m) * l2_change


#: Outputs this close to 1 may be quantised too coarsely for the first spacing of
#: the noise points to see: at `1e-8` along a unit direction such an `A[L]` moves
#: by about `1e-8 (1 - A[L])`, below one rounding step `u` once `1 - A[L]` is
#: under `1e-8` (a hundredfold margin for the scale of the network's slopes).
#: `-log(A[L])` near 1, in both cross-entropies, then jumps by `u` at spacings
#: only a larger one reaches, so those are searched too (`noise_along`'s jumps).
SATURATED = 1e-6


def joint_noise(net: Network, rng: np.random.Generator) -> float:
    """The noise of `J` as in `_finite.cost_noise`, each direction's points in one stacked pass.

    The search for rare jumps at larger spacings is made only when an output is
    within `SATURATED` of 1, where a few rounded examples can hide from the
    first spacing; elsewhere the first spacing sees all of the noise.
    """
    offsets = np.array(OFFSETS, dtype=np.float64)
    jumps = bool(np.any(np.abs(1.0 - net.AL) < SATURATED))
    largest = 0.0
    for direction in joint_directions(net.params, DIRECTIONS, rng):

        def values_at(step: float, direction: Joint = direction) -> np.ndarray:
            values = joint_costs(net, direction, offsets * step)
            if not np.all(np.isfinite(values)):
                scalar_cost(float("nan"), "while measuring the noise of the cost")
            return values

        largest = max(largest, noise_along(values_at, jumps=jumps))
    return largest
