"""Plots of a training run: the cost history and a two-feature decision boundary.

matplotlib is an optional extra (`pip install "dimgrad[plot]"`): it is imported
inside the functions, so importing `models` never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from ._errors import ModelInputError, shape_str

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError(
            'plotting needs matplotlib: pip install "dimgrad[plot]" (or pip install matplotlib)'
        ) from e
    return plt


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    # Constrained layout keeps the legend and colorbar, drawn outside the axes, in the figure.
    fig, new_ax = _pyplot().subplots(figsize=figsize, layout="constrained")
    return fig, new_ax


def plot_cost_history(
    history: Iterable[float],
    *,
    every: int = 1,
    target: float | None = None,
    log: bool = False,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The cost `J` of a training run against the iteration.

    **Arguments:**

    - `history`: the costs in order, e.g. the list `net.fit(X, Y)` returns, or
      the costs a hand-written loop appended; one number per recorded iteration.
    - `every`: how many iterations lie between two recorded costs (`1` when
      every iteration was recorded), so that the x axis counts iterations.
    - `target`: draw this cost as a dashed line, e.g. the `0.05` a training
      loop stops at.
    - `log`: a logarithmic cost axis, for costs that fall over many decades.
    - `title`: the axes title; by default the first and last cost.
    - `ax`: draw into these matplotlib axes instead of a new figure.

    **Returns:** the matplotlib `Figure` (save it with `fig.savefig("cost.png")`).
    """
    costs = np.array([float(c) for c in history], dtype=np.float64)
    if costs.size == 0:
        raise ModelInputError(
            "the cost history is empty: pass the list of costs a training run returned, "
            "e.g. history = net.fit(X, Y)"
        )
    if int(every) != every or every < 1:
        raise ModelInputError(f"every must be a whole number of iterations >= 1: got {every!r}")
    if log and np.any(costs[np.isfinite(costs)] <= 0):
        raise ModelInputError(
            "log=True needs positive costs: this history has a cost <= 0; use log=False"
        )
    fig, axes = _axes(ax, (6.0, 4.0))
    iterations = np.arange(costs.size) * int(every)
    axes.plot(iterations, costs, color="tab:blue", linewidth=1.5, label="cost J")
    if target is not None:
        axes.axhline(float(target), color="tab:red", linestyle="--", linewidth=1, label="target")
        axes.legend(loc="upper right")
    if log:
        axes.set_yscale("log")
    axes.set_xlabel("iteration")
    axes.set_ylabel("cost J")
    axes.set_title(title if title is not None else f"cost {costs[0]:.4g} → {costs[-1]:.4g}")
    axes.grid(True, alpha=0.3)
    return fig


def plot_decision_boundary(
    model: Any,
    X: np.ndarray,
    Y: np.ndarray,
    *,
    resolution: int = 200,
    margin: float = 0.5,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The decision boundary of a two-feature binary classifier, over its data.

    The plane around the examples is shaded by the predicted probability
    `A[L]`, the line `A[L] = 0.5` is drawn, and each example is a point: `o`
    for class 0 and `x` for class 1, as in the course notes.

    **Arguments:**

    - `model`: a `models` network (anything with `forward(X) -> (AL, caches)`),
      or a function taking `A[0]` of shape `(2, k)` and returning `A[L]` of
      shape `(1, k)`, e.g. `lambda X: L_model_forward(X, parameters)[0]`.
    - `X`: the examples, shape `(n[0], m)` with `n[0] = 2`.
    - `Y`: their labels, shape `(1, m)`, zeros and ones.
    - `resolution`: grid points along each axis.
    - `margin`: how far the plot extends beyond the examples, in data units.
    - `title`: the axes title; by default the training accuracy.
    - `ax`: draw into these matplotlib axes instead of a new figure.

    **Returns:** the matplotlib `Figure`.
    """
    X = np.asarray(X)
    Y = np.asarray(Y)
    if X.ndim != 2 or X.shape[0] != 2:
        raise ModelInputError(
            f"X has shape {shape_str(X.shape)}: expected (n[0], m) with n[0] = 2 features "
            "(one example per column); a decision boundary is drawn in the plane of two features"
            + ("; use X.T" if X.ndim == 2 and X.shape[1] == 2 else "")
        )
    m = X.shape[1]
    if Y.shape != (1, m):
        hint = "; use Y.reshape(1, -1)" if Y.size == m else ""
        raise ModelInputError(f"Y has shape {shape_str(Y.shape)}: expected (1, m) = (1, {m}){hint}")
    labels = np.unique(Y)
    if not np.all(np.isin(labels, (0, 1))):
        raise ModelInputError(
            f"Y holds {labels[:5].tolist()}: a binary classifier's labels are 0 and 1"
        )
    if int(resolution) != resolution or resolution < 2:
        raise ModelInputError(f"resolution must be a whole number >= 2: got {resolution!r}")
    predict = _probability(model)
    X = X.astype(np.float64)
    x1 = np.linspace(X[0].min() - margin, X[0].max() + margin, int(resolution))
    x2 = np.linspace(X[1].min() - margin, X[1].max() + margin, int(resolution))
    grid1, grid2 = np.meshgrid(x1, x2)
    grid = np.stack([grid1.ravel(), grid2.ravel()])
    probability = predict(grid).reshape(grid1.shape)
    accuracy = float(np.mean((predict(X) > 0.5) == (Y > 0.5)))

    fig, axes = _axes(ax, (6.0, 5.0))
    shading = axes.contourf(
        grid1, grid2, probability, levels=np.linspace(0.0, 1.0, 11), cmap="RdBu_r", alpha=0.6
    )
    axes.contour(grid1, grid2, probability, levels=[0.5], colors="black", linewidths=1.5)
    fig.colorbar(shading, ax=axes, label="A[L] (probability of class 1)")
    zero, one = Y[0] == 0, Y[0] == 1
    axes.scatter(X[0, zero], X[1, zero], marker="o", c="tab:blue", edgecolors="k", label="y = 0")
    axes.scatter(X[0, one], X[1, one], marker="x", c="purple", label="y = 1")
    axes.set_xlabel("x1")
    axes.set_ylabel("x2")
    # Below the axes, so that it never hides an example.
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
    axes.set_title(title if title is not None else f"decision boundary, accuracy {accuracy:.0%}")
    return fig


def _probability(model: Any) -> Callable[[np.ndarray], np.ndarray]:
    """`A[L]` as a flat array of `k` probabilities for `A[0]` of shape `(2, k)`."""
    if hasattr(model, "forward"):

        def run(A0: np.ndarray) -> Any:
            return model.forward(A0)[0]

    elif callable(model):
        run = model
    else:
        raise TypeError(
            f"model is a {type(model).__name__}: pass a models network or a function "
            "A[0] (2, k) -> A[L] (1, k)"
        )

    def probability(A0: np.ndarray) -> np.ndarray:
        AL = run(A0)
        if isinstance(AL, tuple):
            # Course-style forward functions return (AL, caches).
            AL = AL[0]
        AL = np.asarray(AL, dtype=np.float64)
        if AL.shape != (1, A0.shape[1]):
            raise ModelInputError(
                f"the model returned A[L] of shape {shape_str(AL.shape)} for A[0] of shape "
                f"{shape_str(A0.shape)}: expected (n[L], m) = (1, {A0.shape[1]}); "
                "a decision boundary needs one output unit (a sigmoid probability)"
            )
        return AL.ravel()

    return probability
