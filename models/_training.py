"""Training: `fit` returns the cost history; `predict` and `accuracy`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._activations import Sigmoid, Softmax
from ._batches import batch_indices, checked_batch_size
from ._errors import ModelInputError, shape_str
from ._optimizers import Optimizer, get_optimizer
from ._progress import progress as progress_bar

if TYPE_CHECKING:
    from ._network import Sequential


def fit(
    network: Sequential,
    X: np.ndarray,
    Y: np.ndarray,
    *,
    epochs: int = 1000,
    learning_rate: float | None = None,
    optimizer: str | Optimizer = "gd",
    batch_size: int | None = None,
    seed: int | np.random.Generator = 0,
    progress: bool | None = None,
    print_every: int | None = None,
) -> list[float]:
    """Train `network` in place and return its cost after every epoch.

    **Arguments:**

    - `network`: a `Sequential` or `DeepNetwork`.
    - `X`: data, shape `(n[0], m)`, floats.
    - `Y`: labels, shape `(n[L], m)`.
    - `epochs`: passes over the data (one gradient step each without mini-batches).
    - `learning_rate`: `α`; the optimiser's default when omitted.
    - `optimizer`: `"gd"`, `"momentum"`, `"rmsprop"`, `"adam"` or an `Optimizer`.
    - `batch_size`: mini-batch size; the whole set when omitted.
    - `seed`: an `int` or `numpy.random.Generator` for the mini-batch shuffles.
    - `progress`: `None` draws a bar on stderr only in a terminal, `False` never, `True` always.
    - `print_every`: print `epoch i: cost J` every that many epochs (and the last).

    **Returns:**

    The cost `J` (a float) after each epoch: the example-weighted mean of the
    mini-batch costs, each taken before its own update step. `X` and `Y` are
    not modified.
    """
    X = _checked_X(network, X)
    if X.ndim != 2:
        # Stacks (*K, n[0], m) are for forward and cost (gradcheck's variants), not data.
        raise ModelInputError(
            f"X has shape {shape_str(X.shape)}: fit trains on one data set of shape "
            f"(n[0], m) = ({X.shape[-2]}, {X.shape[-1]}); stacked X (*K, n[0], m) is only "
            f"for forward and cost"
        )
    Y = network._check_Y(Y, X.shape[-1], "X")
    if int(epochs) < 0:
        raise ModelInputError(f"epochs must be >= 0: got {epochs}")
    opt = get_optimizer(optimizer, learning_rate)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    m = X.shape[-1]
    size = None if batch_size is None else checked_batch_size(batch_size)
    if size is not None and size >= m:
        size = None  # one batch of the whole set, unshuffled
    if size is not None:
        # Examples as rows: a mini-batch is then a gather of whole rows, about 30x
        # faster than gathering columns of X. Free when X is Fortran-ordered (X.T is
        # then C-ordered); otherwise one copy per call, no more than a shuffled copy
        # of X per epoch would cost.
        examples = np.ascontiguousarray(X.T)
    history: list[float] = []
    with progress_bar(int(epochs), description="training", enabled=progress) as bar:
        for epoch in range(int(epochs)):
            total = 0.0
            for batch in [None] if size is None else batch_indices(m, size, rng):
                if batch is None:
                    Xb, Yb = X, Y
                else:
                    # (b, n[0]) gathered, seen as (n[0], b): F-ordered, which BLAS takes as is.
                    Xb, Yb = examples.take(batch, axis=0).T, Y.take(batch, axis=1)
                AL, caches = network._forward(Xb, True, None)
                total += float(network._cost(AL, Yb)) * Xb.shape[-1]
                grads = network._backward(AL, Yb, caches)
                params = {}
                for d in network.dense:
                    params[f"W{d.index}"], params[f"b{d.index}"] = d.W, d.b
                new = opt.step(params, grads)
                for d in network.dense:
                    d.W, d.b = new[f"W{d.index}"], new[f"b{d.index}"]
            J = total / m
            if not np.isfinite(J):
                raise ModelInputError(
                    f"the cost became {J} at epoch {epoch}: the training diverged; "
                    f"lower the learning rate (now {opt.learning_rate})"
                )
            history.append(J)
            bar.set_postfix(f"J = {J:.4g}")
            if print_every and (epoch % print_every == 0 or epoch == epochs - 1):
                bar.clear()
                print(f"epoch {epoch}: cost {J:.6f}", flush=True)
            bar.update()
    return history


def _checked_X(network: Sequential, X: np.ndarray) -> np.ndarray:
    from ._validate import check_X

    return check_X(X, network.dense[0].n_in, f"W[1]: {shape_str(network.dense[0].W.shape)}")


def predict(network: Sequential, X: np.ndarray) -> np.ndarray:
    """Predicted labels, in the shape of `Y`.

    **Arguments:**

    - `network`: a trained network.
    - `X`: data, shape `(n[0], m)`.

    **Returns:**

    Shape `(n[L], m)`: after a sigmoid output, `1.0` where `A[L] > 0.5` else `0.0`;
    after softmax, one-hot columns of the largest `A[L]`; otherwise `A[L]` itself.
    """
    AL, _ = network.forward(X)
    last = network.layers[-1]
    if isinstance(last, Sigmoid):
        return (AL > 0.5).astype(np.float64)
    if isinstance(last, Softmax):
        return np.eye(AL.shape[-2])[:, AL.argmax(axis=-2)]
    return AL


def accuracy(network: Sequential, X: np.ndarray, Y: np.ndarray) -> float:
    """The fraction of examples (columns) whose predicted labels all equal `Y`'s.

    **Arguments:**

    - `network`: a network with a sigmoid or softmax output.
    - `X`: data, shape `(n[0], m)`.
    - `Y`: labels, shape `(n[L], m)`.

    **Returns:**

    A float in `[0, 1]`.
    """
    if not isinstance(network.layers[-1], Sigmoid | Softmax):
        raise ModelInputError(
            "accuracy needs a classifier (sigmoid or softmax output); "
            "for regression compare network.predict(X) with Y, e.g. by the cost"
        )
    P = predict(network, X)
    Y = network._check_Y(Y, X.shape[-1], "X")
    return float(np.mean(np.all(P == Y, axis=-2)))
