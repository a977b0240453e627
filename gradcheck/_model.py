"""`check_model`: a vectorised gradient check of a network built from `models` blocks.

The perturbed copies go through the blocks in stacks (`_stacks.py`); this
module prepares the check, keeps the model as it was, measures the noise of
the cost and assembles the report, and falls back to a black-box check for a
network that departs from the blocks' contract.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np

from ._across import across
from ._assemble import assemble, flat_here, when_flat
from ._bands import EPS, FAIL_LINE, INCONCLUSIVE, PASS_LINE
from ._check import check, validate_options
from ._errors import CheckInputError
from ._model_directions import directional_results, joint_noise, plan_directions
from ._modes import coordinates, resolve_mode
from ._names import gradient_name
from ._nudge import at_nearby_points
from ._progress import UNCOUNTED, progress
from ._report import ParameterResult, Report
from ._richardson import Measurement, judged, second_look_notes
from ._stacks import (
    Network,
    coordinate_values,
    models_package,
    reuse_freed_memory,
    shapes_checked_once,
)
from ._steps import Differences, refined
from ._validate import as_float64, match_gradients, prepare_parameters, scalar_cost

#: `auto` checks every coordinate of a block network up to this many parameters.
AUTO_MODEL_FULL_LIMIT = 200_000
#: The cross-entropies keep `A[L]` within `[CLIP, 1 - CLIP]` inside their
#: logarithms (docs/architecture.md, the contract between models and gradcheck).
CLIP = 1e-15
#: On the wrong side of `Y = 0`, a sigmoid output this close to 1 is as good as
#: clipped for binary cross-entropy: a step of eps = 1e-5 moves `1 - A[L]` by about
#: `1e-5 (1 - A[L])`, a few rounding steps `u` of `A[L]` at `1e-10` and none below,
#: so `-log(1 - A[L])` barely moves while `dZ[L] = A[L] - Y` is about 1.
UNRESOLVED = 1e-10
#: The default memory budget of one chunk of stacked copies. A chunk goes
#: through a dozen elementwise passes; arrays that stay near the CPU's caches
#: make them faster than larger chunks with fewer Python calls: on
#: `[784, 64, 32, 1]`, m = 32, a full check takes 75 ms with 8 MiB, 97 ms
#: with 16 MiB and 109 ms with 32 MiB, with a flat optimum from 2 to 8 MiB
#: (`[784, 128, 64, 10]`, m = 64: 0.97 s, 0.95 s and 0.97 s).
DEFAULT_MEMORY = 8 * 2**20


#: The dropout masks a check of some of the examples must hold, by block (`id`):
#: the columns of the masks the whole batch drew (see `check_model`'s saturated examples).
_GIVEN_MASKS: ContextVar[dict[int, np.ndarray] | None] = ContextVar("masks", default=None)


@contextmanager
def _preserved(model: Any, drawn: dict[int, np.ndarray] | None = None) -> Iterator[None]:
    """Hold dropout masks; afterwards restore every layer's `dW`, `db` and dropout generator.

    The masks held are the given ones (`_GIVEN_MASKS`) or the first ones drawn;
    `drawn`, when given, receives the masks held, by block, at the end of the block.
    """
    m = models_package()
    saved_grads = [(d, d.dW, d.db) for d in model.layers if isinstance(d, m.Dense)]
    dropouts = [b for b in model.layers if isinstance(b, m.Dropout)]
    saved_rngs = [(b, b.rng.bit_generator.state) for b in dropouts]
    given = _GIVEN_MASKS.get() or {}
    try:
        with ExitStack() as stack:
            for block in dropouts:
                stack.enter_context(block.hold_mask(given.get(id(block))))
            yield
            if drawn is not None:
                drawn.update({id(b): b.mask for b in dropouts if b.mask is not None})
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
      `directional` uses random rank-one directions, every parameter's in one
      stacked pass, and localises a parameter that is not ok by every
      coordinate up to 200,000 entries (`_model_directions.py`).
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
    masks: dict[int, np.ndarray] = {}
    saturated = _beyond_the_clip(model, X_, Y_, params, training, masks)
    m = int(X_.shape[-1])
    if 0 < saturated.size < m:
        keep = np.setdiff1d(np.arange(m), saturated)
        # The examples kept keep their dropout masks: fresh masks for fewer examples
        # could saturate others, or leave the check without a fixed function.
        held = _GIVEN_MASKS.set({block: mask[:, keep] for block, mask in masks.items()})
        try:
            report = _check_kept(model, X_, Y_, keep, params, {**options, "training": training})
        finally:
            _GIVEN_MASKS.reset(held)
        shown = ", ".join(str(int(c)) for c in saturated[:10])
        more = f" and {saturated.size - 10} more" if saturated.size > 10 else ""
        report.notes.append(
            f"checked on {keep.size} of the m = {m} examples: A[L] of example(s) {shown}{more} "
            f"is saturated on the wrong side of Y ({_SATURATED_WHERE}), where the cost is flat "
            "but dZ[L] = A[L] - Y is not, so no finite difference can check them"
        )
        return report
    # No example can be left out: what the clip hides stays inconclusive (`_clipped`).
    clipped = 0 < saturated.size == m
    total = sum(a.size for a in params.values())
    concrete = resolve_mode(mode, total, AUTO_MODEL_FULL_LIMIT)
    reuse_freed_memory()
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
            net = Network(model, X_, Y_, params, training, memory)
        vectorised = np.array_equal(net.AL, AL) and net.l2_as_documented()
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
            report.notes.append(
                "the network departs from the blocks' contract (its forward pass is not its "
                "blocks in order, or its L2 term is not lambd/(2m) sum ||W[l]||^2), so it "
                "was checked as a black box, one perturbation at a time"
            )
            report = _clipped(report) if clipped else report
            return report if at is not None else _nearby(report, model, X_, Y_, params, options)
        rng = np.random.default_rng(seed)
        with shapes_checked_once():
            noise = joint_noise(net, np.random.default_rng([seed, 1]))
        result_of = partial(assemble, m=int(X_.shape[-1]), pass_line=pass_line, fail_line=fail_line)
        positions = {
            f"{kind}{block.index}": (position, kind)
            for position, block in enumerate(net.blocks)
            if isinstance(block, mods.Dense)
            for kind in "Wb"
        }

        def localise(
            key: str, flat: np.ndarray, how: str, bar: Any = UNCOUNTED
        ) -> tuple[ParameterResult, bool]:
            # The coordinates `flat` of one parameter through the stacked coordinate path.
            position, kind = positions[key]
            analytic = grads[key].reshape(-1)[flat]
            measure = partial(
                _dense_coordinates_at,
                net,
                position,
                kind,
                flat,
                analytic,
                cost0,
                noise,
                chunk=net.chunk(position, memory),
            )
            of_values = partial(
                result_of,
                key,
                params[key].shape,
                analytic,
                indices=flat,
                full_analytic=grads[key],
            )
            # The progress bar counts the first measurement only.
            return judged(
                measure(eps, bar=bar), partial(measure, bar=UNCOUNTED), eps, of_values, how
            )

        extrapolated = False
        if concrete == "directional":
            with progress(len(params), "gradcheck", progress_bar) as bar, shapes_checked_once():
                requests = plan_directions(net, params, n_directions, rng)
                results, extrapolated = directional_results(
                    net, requests, grads, cost0, noise, eps, result_of, localise, rng
                )
                bar.update(len(params))
        else:
            plan = [(key, coordinates(params[key].size, concrete, samples, rng)) for key in params]
            results = []
            total_values = sum(flat.size for _, flat in plan)
            with progress(total_values, "gradcheck", progress_bar) as bar, shapes_checked_once():
                for key, flat in plan:
                    result, second_look = localise(key, flat, concrete, bar)
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
    report = _clipped(report) if clipped else report
    return report if at is not None else _nearby(report, model, X_, Y_, params, options)


_SATURATED_WHERE = (
    f"beyond the loss's clip to [{CLIP:.0e}, 1 - {CLIP:.0e}], or for binary cross-entropy "
    f"within {UNRESOLVED:.0e} of 1, where float64 cannot resolve log(1 - A[L])"
)


def _clipped(report: Report) -> Report:
    """`report` when every example has an output beyond the loss's clip on the wrong side.

    No example can be left out then, and the flat cost of the clipped outputs
    spoils the differences of every gradient that flows through them: a
    gradient that does not agree is not evidence of a bug, so it is
    inconclusive, with the reason (an agreeing one stays ok).
    """
    for key, result in report.results.items():
        if result.verdict != "ok":
            report.results[key] = replace(
                result,
                verdict=INCONCLUSIVE,
                diagnosis=(
                    "not enough evidence: A[L] of every example is saturated on the wrong side "
                    f"of Y ({_SATURATED_WHERE}), where the cost is flat but dZ[L] = A[L] - Y "
                    f"is not, so no finite difference can check {gradient_name(key)}; check on "
                    "less extreme data (scaled inputs, smaller weights)"
                ),
            )
    return report


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


def _check_kept(
    model: Any,
    X: np.ndarray,
    Y: np.ndarray,
    keep: np.ndarray,
    params: dict[str, np.ndarray],
    options: dict[str, Any],
) -> Report:
    """The check on the examples `keep` only, at `params` (`options`: `check_model`'s)."""
    return check_model(model, X[:, keep], Y[:, keep], **options, at=params)


def _beyond_the_clip(
    model: Any,
    X: np.ndarray,
    Y: np.ndarray,
    params: dict[str, np.ndarray],
    training: bool,
    masks: dict[int, np.ndarray],
) -> np.ndarray:
    """The examples whose `A[L]` the cross-entropy clips on the wrong side of `Y`.

    The losses clip `A[L]` to `[CLIP, 1 - CLIP]` inside the logarithms. Beyond
    the clip the cost is flat in `A[L]`, while backprop's `dZ[L] = A[L] - Y`
    is about 1 there when `A[L]` sits at the wrong end (`A[L] = 1`, `Y = 0`):
    correct code would be called wrong. Binary cross-entropy is as flat within
    `UNRESOLVED` of 1, where `log(1 - A[L])` moves by too few rounding steps of
    `A[L]`. On the right end `A[L] - Y` is tiny and nothing a check can see.

    **Returns:** the indices of those examples (columns), shape `(s,)`; `masks`
    receives the dropout masks of the pass, by block.
    """
    mods = models_package()
    none = np.empty(0, dtype=np.int64)
    losses = (mods.BinaryCrossEntropy, mods.CategoricalCrossEntropy)
    if not isinstance(getattr(model, "loss", None), losses):
        return none
    with _preserved(model, masks):
        try:
            AL, _ = model.forward(X, training, params=params)
        except mods.ModelInputError as error:
            raise CheckInputError(str(error)) from error
    if np.shape(AL) != Y.shape:
        return none  # the checked pass that follows says what is wrong with Y
    top = 1.0 - (UNRESOLVED if isinstance(model.loss, mods.BinaryCrossEntropy) else CLIP)
    clipped = np.less(AL, CLIP) | np.greater(AL, top)
    # 0.5 separates the wrong end (|A[L] - Y| near 1) from the right one (near 0).
    wrong_end = clipped & (np.abs(AL - Y) > 0.5)
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
