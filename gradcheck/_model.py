"""`check_model`: a vectorised gradient check of a network built from `models` blocks.

The perturbed copies go through the blocks in stacks (`_stacks.py`); this
module prepares the check, keeps the model as it was, measures the noise of
the cost and assembles the report, and falls back to a black-box check for a
network that departs from the blocks' contract.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np

from ._across import across
from ._assemble import assemble, flat_here, when_flat
from ._bands import EPS, FAIL_LINE, INCONCLUSIVE, PASS_LINE
from ._check import check, validate_options
from ._errors import CheckInputError
from ._modes import coordinates, resolve_mode
from ._noise import OFFSETS, noise_along, unit_directions
from ._nudge import at_nearby_points
from ._progress import UNCOUNTED, progress
from ._report import ParameterResult, Report
from ._richardson import Measurement, judged, second_look_notes
from ._stacks import Network, coordinate_values, models_package, shapes_checked_once
from ._steps import Differences, refined
from ._validate import as_float64, match_gradients, prepare_parameters, scalar_cost

#: `auto` checks every coordinate of a block network up to this many parameters.
AUTO_MODEL_FULL_LIMIT = 200_000
#: The cross-entropies keep `A[L]` within `[CLIP, 1 - CLIP]` inside their
#: logarithms (docs/architecture.md, the contract between models and gradcheck).
CLIP = 1e-15
#: The default memory budget of one chunk of stacked copies.
DEFAULT_MEMORY = 32 * 2**20


@contextmanager
def _preserved(model: Any) -> Iterator[None]:
    """Hold dropout masks; afterwards restore every layer's `dW`, `db` and dropout generator."""
    m = models_package()
    saved_grads = [(d, d.dW, d.db) for d in model.layers if isinstance(d, m.Dense)]
    dropouts = [b for b in model.layers if isinstance(b, m.Dropout)]
    saved_rngs = [(b, b.rng.bit_generator.state) for b in dropouts]
    try:
        with ExitStack() as stack:
            for block in dropouts:
                stack.enter_context(block.hold_mask())
            yield
    finally:
        for d, dW, db in saved_grads:
            d.dW, d.db = dW, db
        for b, state in saved_rngs:
            b.rng.bit_generator.state = state


def _check_data(name: str, value: Any) -> np.ndarray:
    array = as_float64(name, value, "input")
    array.flags.writeable = False
    return array


def check_model(
    model: Any,
    X: Any,
    Y: Any,
    *,
    eps: float = EPS,
    mode: str = "auto",
    seed: int = 0,
    samples: int = 20,
    n_directions: int = 4,
    pass_line: float = PASS_LINE,
    fail_line: float = FAIL_LINE,
    training: bool | None = None,
    memory: int = DEFAULT_MEMORY,
    progress_bar: bool | None = None,
    at: Mapping[str, Any] | None = None,
) -> Report:
    """Check a network built from `models` blocks: its backprop against central differences.

    **Arguments:**

    - `model`: a `models.Sequential` or `models.DeepNetwork` (every activation,
      loss, L2 and dropout).
    - `X`: the inputs `A[0]`, shape `(n[0], m)`. `Y`: the labels, `(n[L], m)`.
      Never modified.
    - `eps`, `mode`, `seed`, `samples`, `n_directions`, `pass_line`,
      `fail_line`: as in `gradcheck.check`; `auto` checks every coordinate up
      to 200,000 parameters (the vectorised path makes that cheap).
    - `training`: run dropout; by default when the network has dropout. Its
      masks are held fixed for the whole check.
    - `memory`: the bytes one chunk of stacked perturbed copies may use.
    - `progress_bar`: `None` shows a bar in a terminal only.
    - `at`: check at these parameters (the Course's dict form, every key) instead
      of the model's own, which are not touched. Without it, when the model's
      parameters hold too little evidence (whole layers on a ReLU's kink or
      inactive for every example, as zero biases make them), the check is made
      again at a nearby point (`_nudge.py`, seeded by `seed`) and a note says so.

    **Returns:** a `Report`. Coordinates whose perturbation flips a ReLU or
    leaky ReLU mask are reported in `kinks`, not counted.

    The model is left as it was: its parameters are never written, and its
    layers' `dW`, `db` and the dropout generators are restored afterwards.
    """
    validate_options(eps, pass_line, fail_line, samples)
    options = {
        "eps": eps,
        "mode": mode,
        "seed": seed,
        "samples": samples,
        "n_directions": n_directions,
        "pass_line": pass_line,
        "fail_line": fail_line,
        "training": training,
        "memory": memory,
        "progress_bar": progress_bar,
    }
    mods = models_package()
    if not (hasattr(model, "layers") and hasattr(model, "parameters")):
        raise CheckInputError(
            "check_model needs a network built from models blocks (models.Sequential or "
            f"models.DeepNetwork): got {type(model).__name__}; for other code use "
            "gradcheck.check or gradcheck.check_functions"
        )
    X_ = _check_data("X", X)
    Y_ = _check_data("Y", Y)
    params = prepare_parameters(model.parameters() if at is None else at)
    has_dropout = any(isinstance(b, mods.Dropout) and b.keep_prob < 1.0 for b in model.layers)
    training = has_dropout if training is None else bool(training)
    saturated = _beyond_the_clip(model, X_, Y_, params, training)
    m = int(X_.shape[-1])
    if 0 < saturated.size < m:
        keep = np.setdiff1d(np.arange(m), saturated)
        report = check_model(
            model,
            X_[:, keep],
            Y_[:, keep],
            eps=eps,
            mode=mode,
            seed=seed,
            samples=samples,
            n_directions=n_directions,
            pass_line=pass_line,
            fail_line=fail_line,
            training=training,
            memory=memory,
            progress_bar=progress_bar,
            at=params,
        )
        shown = ", ".join(str(int(c)) for c in saturated[:10])
        more = f" and {saturated.size - 10} more" if saturated.size > 10 else ""
        report.notes.append(
            f"checked on {keep.size} of the m = {m} examples: A[L] of example(s) {shown}{more} "
            f"is saturated beyond the loss's clip to [{CLIP:.0e}, 1 - {CLIP:.0e}] on the wrong "
            "side of Y, where the cost is flat but dZ[L] = A[L] - Y is not, so no finite "
            "difference can check them"
        )
        return report
    total = sum(a.size for a in params.values())
    concrete = resolve_mode(mode, total, AUTO_MODEL_FULL_LIMIT)
    with _preserved(model):
        try:
            AL, caches = model.forward(X_, training, params=params)
            cost0 = scalar_cost(
                model.cost(AL, Y_, weights=_weights(params, model)), "at the given parameters"
            )
            grads = model.backward(AL, Y_, caches)
        except mods.ModelInputError as error:
            raise CheckInputError(str(error)) from error
        grads = match_gradients(params, grads)
        with shapes_checked_once():
            # The checked forward pass above has just validated these shapes.
            net = Network(model, X_, Y_, params, training)
        vectorised = (
            concrete != "directional" and np.array_equal(net.AL, AL) and net.l2_as_documented()
        )
        if not vectorised:
            report = _black_box(
                model,
                X_,
                Y_,
                params,
                grads,
                training,
                concrete,
                eps,
                seed,
                samples,
                n_directions,
                pass_line,
                fail_line,
                progress_bar,
            )
            if concrete != "directional":
                report.notes.append(
                    "the network departs from the blocks' contract (its forward pass is not its "
                    "blocks in order, or its L2 term is not lambd/(2m) sum ||W[l]||^2), so it "
                    "was checked as a black box, one perturbation at a time"
                )
            return report if at is not None else _nearby(report, model, X_, Y_, params, options)
        rng = np.random.default_rng(seed)

        noise = _stacked_noise(
            model, X_, Y_, params, training, np.random.default_rng([seed, 1]), memory
        )
        plan = []
        for position, block in enumerate(net.blocks):
            if isinstance(block, mods.Dense):
                for kind in "Wb":
                    key = f"{kind}{block.index}"
                    plan.append(
                        (position, kind, key, coordinates(params[key].size, concrete, samples, rng))
                    )
        results: list[ParameterResult] = []
        extrapolated = False
        total_values = sum(p[3].size for p in plan)
        with progress(total_values, "gradcheck", progress_bar) as bar, shapes_checked_once():
            for position, kind, key, flat in plan:
                measure = partial(
                    _dense_coordinates_at,
                    net,
                    position,
                    kind,
                    flat,
                    grads[key].reshape(-1)[flat],
                    cost0,
                    noise,
                    chunk=net.chunk(position, memory),
                )
                result_of = partial(
                    assemble,
                    key,
                    params[key].shape,
                    grads[key].reshape(-1)[flat],
                    indices=flat,
                    m=int(X_.shape[-1]),
                    pass_line=pass_line,
                    fail_line=fail_line,
                    full_analytic=grads[key],
                )
                # The progress bar counts the first measurement only.
                result, second_look = judged(
                    measure(eps, bar=bar),
                    partial(measure, bar=UNCOUNTED),
                    eps,
                    result_of,
                    concrete,
                )
                extrapolated = extrapolated or second_look
                results.append(result)
    # 0 = 0 is no evidence: blocks use every parameter, so J is only flat here.
    results = [
        replace(r, verdict=INCONCLUSIVE, diagnosis=flat_here(r.key))
        if r.checked and not np.any(r.numeric) and not np.any(r.analytic)
        else r
        for r in results
    ]
    results, notes = when_flat(results)
    notes.extend(second_look_notes(results))
    notes[:0] = across({r.key: r for r in results}, int(X_.shape[-1]))
    report = Report(
        results,
        notes=notes,
        eps=eps,
        mode=concrete,
        seed=seed,
        pass_line=pass_line,
        fail_line=fail_line,
        cost_noise=noise,
    )
    return report if at is not None else _nearby(report, model, X_, Y_, params, options)


def _nearby(
    report: Report,
    model: Any,
    X: np.ndarray,
    Y: np.ndarray,
    params: dict[str, np.ndarray],
    options: dict[str, Any],
) -> Report:
    """`report`, or the check at a nearby point when it held too little evidence (`_nudge.py`)."""

    def check_at(point: dict[str, np.ndarray], where: str) -> Report:
        return check_model(model, X, Y, **options, at=point)

    return at_nearby_points(report, params, check_at, int(options["seed"]))


def _dense_coordinates_at(
    net: Network,
    position: int,
    kind: str,
    flat: np.ndarray,
    analytic: np.ndarray,
    cost0: float,
    noise: float,
    step: float,
    *,
    chunk: int,
    bar: Any,
) -> Measurement:
    """Central differences of coordinates `flat` of a `Dense` block's `W` or `b` through the
    stacked fast path, each at the largest step from `step` down whose copies flip no ReLU
    mask (the blocks know their kinks), which flipped one at every step, and their roundoff."""
    bars = [bar]

    def measure(which: np.ndarray, h: float) -> Differences:
        c, f, b, kinked, scale = coordinate_values(
            net, position, kind, flat[which], h, cost0, chunk, bars[-1]
        )
        bars.append(UNCOUNTED)  # the bar counts the first measurement only
        return c, f, b, kinked, float(scale)

    return refined(measure, analytic, step, noise)


def _stacked_noise(
    model: Any,
    X: np.ndarray,
    Y: np.ndarray,
    params: dict[str, np.ndarray],
    training: bool,
    rng: np.random.Generator,
    memory: int,
) -> float:
    """The noise of `J` as in `_finite.cost_noise`, the seven points in stacked forward passes.

    As many points share a pass as stacked copies of every parameter fit in
    half of `memory`; on the large networks that is one point at a time.
    """
    mods = models_package()
    units = unit_directions({key: a.shape for key, a in params.items()}, rng)
    total = sum(a.size for a in params.values())
    group = max(1, min(len(OFFSETS), int(memory) // (2 * 8 * total)))
    largest = 0.0
    for direction in units:

        def values_at(step: float, direction: dict[str, np.ndarray] = direction) -> np.ndarray:
            parts = []
            for first in range(0, len(OFFSETS), group):
                offsets = np.array(OFFSETS[first : first + group], dtype=np.float64)
                stacked = {
                    key: params[key] + (offsets * step).reshape(-1, 1, 1) * direction[key]
                    for key in params
                }
                try:
                    AL, _ = model.forward(X, training, params=stacked)
                    costs = model.cost(AL, Y, weights=_weights(stacked, model))
                except mods.ModelInputError as error:
                    raise CheckInputError(str(error)) from error
                parts.append(np.asarray(costs, dtype=np.float64).reshape(-1))
            values = np.concatenate(parts)
            if not np.all(np.isfinite(values)):
                scalar_cost(float("nan"), "while measuring the noise of the cost")
            return values

        largest = max(largest, noise_along(values_at, jumps=False))
    return largest


def _beyond_the_clip(
    model: Any, X: np.ndarray, Y: np.ndarray, params: dict[str, np.ndarray], training: bool
) -> np.ndarray:
    """The examples whose `A[L]` the cross-entropy clips on the wrong side of `Y`.

    The losses clip `A[L]` to `[CLIP, 1 - CLIP]` inside the logarithms. Beyond
    the clip the cost is flat in `A[L]`, while backprop's `dZ[L] = A[L] - Y`
    is about 1 there when `A[L]` sits at the wrong end (`A[L] = 1`, `Y = 0`):
    correct code would be called wrong. On the right end `A[L] - Y` is below
    `1e-15` and the clip changes nothing a check can see.

    **Returns:** the indices of those examples (columns), shape `(s,)`.
    """
    mods = models_package()
    none = np.empty(0, dtype=np.int64)
    losses = (mods.BinaryCrossEntropy, mods.CategoricalCrossEntropy)
    if not isinstance(getattr(model, "loss", None), losses):
        return none
    with _preserved(model):
        try:
            AL, _ = model.forward(X, training, params=params)
        except mods.ModelInputError as error:
            raise CheckInputError(str(error)) from error
    if np.shape(AL) != Y.shape:
        return none  # the checked pass that follows says what is wrong with Y
    clipped = (AL < CLIP) | (AL > 1.0 - CLIP)
    # 1e-12 separates the wrong end (|A[L] - Y| near 1) from the right one (< 1e-15).
    wrong_end = clipped & (np.abs(AL - Y) > 1e-12)
    return np.flatnonzero(wrong_end.any(axis=0))


def _weights(params: dict[str, np.ndarray], model: Any) -> Sequence[np.ndarray]:
    count = sum(1 for key in params if key.startswith("W"))
    return [params[f"W{layer}"] for layer in range(1, count + 1)]


def _black_box(
    model: Any,
    X: np.ndarray,
    Y: np.ndarray,
    params: dict[str, np.ndarray],
    grads: dict[str, np.ndarray],
    training: bool,
    mode: str,
    eps: float,
    seed: int,
    samples: int,
    n_directions: int,
    pass_line: float,
    fail_line: float,
    progress_bar: bool | None,
) -> Report:
    def cost(p: dict[str, np.ndarray]) -> Any:
        AL, _ = model.forward(X, training, params=p)
        return model.cost(AL, Y, weights=_weights(p, model))

    return check(
        cost,
        params,
        grads,
        eps=eps,
        mode=mode,
        seed=seed,
        samples=samples,
        n_directions=n_directions,
        pass_line=pass_line,
        fail_line=fail_line,
        m=int(X.shape[-1]),
        progress_bar=progress_bar,
    )
