"""`Sequential` and `DeepNetwork`: forward, cost, backward and the Course's dict form."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

import numpy as np

from ._activations import Activation, Identity, Softmax, get_activation
from ._dense import Dense
from ._dropout import Dropout
from ._errors import ModelInputError, shape_str
from ._init import Initializer, initialize_parameters
from ._losses import DEFAULT_LOSS, Loss, MeanSquaredError, get_loss
from ._optimizers import Optimizer
from ._validate import check_X, check_Y

Block = Dense | Activation | Dropout

_NAMED = re.compile(r"^(d?)(W|b)([1-9][0-9]*)$")


class Sequential:
    """A network: blocks applied in order, a loss and optional L2 regularisation.

    **Arguments:**

    - `blocks`: `Dense`, activation and `Dropout` blocks in order. The `Dense`
      blocks are layers `1..L`; consecutive ones must agree
      (`n_in` of layer `l` = `n_out` of layer `l-1`).
    - `loss`: a `Loss` or its name; by default binary cross-entropy after a
      sigmoid output, categorical cross-entropy after softmax, else mean squared error.
    - `lambd`: the L2 strength `λ`: the cost gains `λ/(2m) sum ||W[l]||_F^2`
      and `dW[l]` gains `(λ/m) W[l]`.
    - `fused`: use `dZ[L] = A[L] - Y` when the output activation and loss pair
      up (sigmoid + binary cross-entropy, softmax + categorical cross-entropy).

    Parameters are named attributes: `net.W1`, `net.b1` (and after `backward`,
    `net.dW1`, `net.db1`) are the arrays of layer 1, also reachable as
    `net.dense[0].W`. The Course's dict form goes through `parameters()`,
    `set_parameters()` and `gradients()`.
    """

    def __init__(
        self,
        blocks: Sequence[Block],
        *,
        loss: str | Loss | type[Loss] | None = None,
        lambd: float = 0.0,
        fused: bool = True,
    ) -> None:
        self.layers: list[Block] = list(blocks)
        self.dense: list[Dense] = [b for b in self.layers if isinstance(b, Dense)]
        if not self.dense:
            raise ModelInputError("a network needs at least one Dense layer")
        for i, layer in enumerate(self.dense, start=1):
            layer.index = i
            if i > 1 and layer.n_in != self.dense[i - 2].n_out:
                raise ModelInputError(
                    f"layer {i} takes n[{i - 1}] = {layer.n_in} inputs but layer {i - 1} "
                    f"has n[{i - 1}] = {self.dense[i - 2].n_out} units; "
                    f"use Dense({self.dense[i - 2].n_out}, {layer.n_out})"
                )
        for block in self.layers:
            if not isinstance(block, Dense | Activation | Dropout):
                raise ModelInputError(
                    f"{block!r} is not a block: use Dense, an activation or Dropout"
                )
        last = self.layers[-1]
        if isinstance(last, Softmax) and self.dense[-1].n_out == 1:
            # Softmax over one unit is 1 whatever Z[L] is: the cost is constant and
            # nothing can be learned, with no error to say why.
            raise ModelInputError(
                f"a softmax output needs n[{self.L}] >= 2 units (one per class): got "
                f"n[{self.L}] = 1, where softmax is always 1; for two classes use one "
                f"sigmoid unit (output='sigmoid'), or n[{self.L}] = 2 with one-hot labels"
            )
        if loss is None:
            name = last.name if isinstance(last, Activation) else "identity"
            loss = DEFAULT_LOSS.get(name, MeanSquaredError)()
        self.loss: Loss = get_loss(loss)
        if float(lambd) < 0:
            raise ModelInputError(f"lambd (the L2 strength λ) must be >= 0: got {lambd}")
        self.lambd = float(lambd)
        fusable = self.loss.fused_activation
        self.fused = (
            fused
            and isinstance(last, Activation)
            and fusable is not None
            and fusable is not Identity
            and type(last) is fusable
        )

    # -- sizes ---------------------------------------------------------------

    @property
    def L(self) -> int:
        """`L`, the number of `Dense` layers."""
        return len(self.dense)

    @property
    def layer_dims(self) -> list[int]:
        """`[n[0], n[1], ..., n[L]]`."""
        return [self.dense[0].n_in] + [d.n_out for d in self.dense]

    # -- forward, cost, backward ---------------------------------------------

    def forward(
        self,
        X: np.ndarray,
        training: bool = False,
        params: Mapping[str, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, list[Any]]:
        """Run every block: `A[L]` and the caches for `backward`.

        **Arguments:**

        - `X`: `A[0]`, shape `(n[0], m)` (or stacked `(*K, n[0], m)`), floats.
        - `training`: `True` applies dropout.
        - `params`: optional Course-style `{"W1", "b1", ...}` to use instead of
          the layers' own, each possibly stacked (`W[l]`: `(*K, n[l], n[l-1])`,
          `b[l]`: `(*K, n[l], 1)`); missing keys fall back to the layers'. The
          layers are not touched.

        **Returns:**

        `(AL, caches)`: `A[L]` of shape `(*K, n[L], m)` and one cache per block.
        """
        check_X(X, self.dense[0].n_in, f"W[1]: {shape_str(self.dense[0].W.shape)}")
        if params:
            unknown = sorted(set(params) - {f"{p}{d.index}" for d in self.dense for p in "Wb"})
            if unknown:
                raise ModelInputError(
                    f"params has keys {unknown} that name no layer: the network has "
                    f"W1, b1, ..., W{self.L}, b{self.L} (L = {self.L})"
                )
        return self._forward(X, training, params)

    def _forward(
        self,
        X: np.ndarray,
        training: bool,
        params: Mapping[str, np.ndarray] | None,
    ) -> tuple[np.ndarray, list[Any]]:
        A = X
        cache: Any
        caches: list[Any] = []
        for block in self.layers:
            if isinstance(block, Dense):
                if params:
                    W = params.get(f"W{block.index}")
                    b = params.get(f"b{block.index}")
                    A, cache = block.forward(A, W, b)
                else:
                    A, cache = block.forward(A)
            elif isinstance(block, Dropout):
                A, cache = block.forward(A, training)
            else:
                A, cache = block.forward(A)
            caches.append(cache)
        return A, caches

    def cost(
        self,
        AL: np.ndarray,
        Y: np.ndarray,
        weights: Sequence[np.ndarray] | None = None,
    ) -> float | np.ndarray:
        """The cost `J`, with the L2 term when `lambd > 0`.

        **Arguments:**

        - `AL`: `A[L]`, shape `(n[L], m)` or stacked `(*K, n[L], m)`.
        - `Y`: labels, shape `(n[L], m)`.
        - `weights`: the `W[1], ..., W[L]` to use in the L2 term (possibly
          stacked); the layers' own by default.

        **Returns:**

        A Python float, or a `(*K,)` array for stacked input.
        """
        Y = self._check_Y(Y, AL.shape[-1], "A[L]")
        if weights is not None and len(weights) != self.L:
            raise ModelInputError(
                f"weights must list W[1], ..., W[{self.L}] ({self.L} arrays): got {len(weights)}"
            )
        return self._cost(AL, Y, weights)

    def _check_Y(self, Y: np.ndarray, m: int, source: str) -> np.ndarray:
        Y = check_Y(Y, self.dense[-1].n_out, m, source)
        self.loss.check_labels(Y)
        return Y

    def _cost(
        self, AL: np.ndarray, Y: np.ndarray, weights: Sequence[np.ndarray] | None = None
    ) -> float | np.ndarray:
        J = self.loss.cost(AL, Y)
        if self.lambd:
            Ws = [d.W for d in self.dense] if weights is None else list(weights)
            # ||W||_F^2 without a temporary of W's size (W may be a stack of K variants).
            squares = sum(np.einsum("...ij,...ij->...", W, W) for W in Ws)
            J = J + self.lambd / (2 * AL.shape[-1]) * squares
            if np.ndim(J) == 0:
                J = float(J)
        return J

    def backward(
        self, AL: np.ndarray, Y: np.ndarray, caches: list[Any], *, dA0: bool = False
    ) -> dict[str, np.ndarray]:
        """Backpropagation from `A[L]` to every `dW[l]`, `db[l]` (and `dA[l]`).

        **Arguments:**

        - `AL`: `A[L]` from `forward`, shape `(*K, n[L], m)`.
        - `Y`: labels, shape `(n[L], m)`.
        - `caches`: the caches from the same `forward` call.
        - `dA0`: also compute `dA[0] = W[1].T @ dZ[1]`, the gradient with
          respect to `X`. Training never uses it and it costs a third of layer
          1's backward work, so it is left out unless asked for.

        **Returns:**

        The Course's dict: `{"dW1": (n[1], n[0]), "db1": (n[1], 1), "dA1": (n[1], m), ...}`
        (stacked shapes for stacked input), with `"dA0"` `(n[0], m)` when `dA0=True`.
        `dW[l]` includes `(λ/m) W[l]`. The layers' `dW`, `db` are set too.
        """
        Y = self._check_Y(Y, AL.shape[-1], "A[L]")
        if len(caches) != len(self.layers):
            raise ModelInputError(
                f"caches has {len(caches)} entries but the network has {len(self.layers)} "
                f"blocks; pass the caches returned by the same forward call"
            )
        return self._backward(AL, Y, caches, dA0)

    def _backward(
        self, AL: np.ndarray, Y: np.ndarray, caches: list[Any], dA0: bool = False
    ) -> dict[str, np.ndarray]:
        grads: dict[str, np.ndarray] = {}
        m = AL.shape[-1]
        last = len(self.layers)
        if self.fused:
            dA = self.loss.fused_dZ(AL, Y)
            last -= 1
        else:
            dA = self.loss.gradient(AL, Y)
        # Blocks before layer 1 hold no parameters: backprop stops at layer 1.
        first = self.layers.index(self.dense[0])
        for position in range(last - 1, first - 1, -1):
            block, cache = self.layers[position], caches[position]
            if isinstance(block, Dense):
                l = block.index  # noqa: E741 (the Course's layer index)
                if position == first and not dA0:
                    dW, db = block.parameter_gradients(dA, cache)
                else:
                    dA, dW, db = block.backward(dA, cache)
                    grads[f"dA{l - 1}"] = dA
                if self.lambd:
                    decay = (self.lambd / m) * cache.W
                    # Summed into `decay`, a fresh array of ours, when it can hold the
                    # sum: dW may be an array a Dense subclass keeps.
                    same = decay.shape == dW.shape
                    dW = np.add(decay, dW, out=decay) if same else dW + decay
                    block.dW = dW
                grads[f"dW{l}"] = dW
                grads[f"db{l}"] = db
            else:
                dA = block.backward(dA, cache)
        return grads

    # -- the Course's dict form and named attributes ---------------------------

    def parameters(self) -> dict[str, np.ndarray]:
        """Copies of the parameters: `{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`."""
        params: dict[str, np.ndarray] = {}
        for d in self.dense:
            params[f"W{d.index}"] = d.W.copy()
            params[f"b{d.index}"] = d.b.copy()
        return params

    def set_parameters(self, params: Mapping[str, np.ndarray]) -> None:
        """Replace every `W[l]`, `b[l]` from the Course's dict form (shapes checked).

        **Arguments:**

        - `params`: `{"W1": (n[1], n[0]), "b1": (n[1], 1), ..., "bL": (n[L], 1)}`;
          every key must be present. The arrays are used as they are (the
          network never modifies arrays in place, so the caller's stay intact).
        """
        expected = {f"{p}{d.index}" for d in self.dense for p in "Wb"}
        missing = sorted(expected - set(params))
        extra = sorted(set(params) - expected)
        if missing or extra:
            raise ModelInputError(
                f"parameters for layer_dims {self.layer_dims} need exactly the keys "
                f"W1, b1, ..., W{self.L}, b{self.L}: missing {missing}, unexpected {extra}"
            )
        checked = []
        for d in self.dense:
            probe = Dense(d.n_in, d.n_out, index=d.index)
            probe.set_W(params[f"W{d.index}"])
            probe.set_b(params[f"b{d.index}"])
            checked.append((d, probe))
        for d, probe in checked:
            d.W, d.b = probe.W, probe.b

    def gradients(self) -> dict[str, np.ndarray]:
        """The last `backward`'s gradients: `{"dW1": (n[1], n[0]), "db1": (n[1], 1), ...}`."""
        grads: dict[str, np.ndarray] = {}
        for d in self.dense:
            if d.dW is None or d.db is None:
                raise ModelInputError(
                    f"no gradients yet for layer {d.index}: run backward(AL, Y, caches) first"
                )
            grads[f"dW{d.index}"] = d.dW
            grads[f"db{d.index}"] = d.db
        return grads

    def __getattr__(self, name: str) -> Any:
        match = _NAMED.match(name)
        if match is None or "dense" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        d, kind, index = match.groups()
        layer = self._layer(int(index), name)
        value = getattr(layer, d + kind)
        if value is None:
            raise AttributeError(f"{name} is not set yet: run backward(AL, Y, caches) first")
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        match = _NAMED.match(name)
        if match is None or "dense" not in self.__dict__:
            object.__setattr__(self, name, value)
            return
        d, kind, index = match.groups()
        if d:
            raise AttributeError(f"{name} is computed by backward and cannot be set")
        layer = self._layer(int(index), name)
        if kind == "W":
            layer.set_W(value)
        else:
            layer.set_b(value)

    def _layer(self, index: int, name: str) -> Dense:
        if not 1 <= index <= self.L:
            raise AttributeError(f"{name}: the network has layers 1..{self.L} (L = {self.L})")
        return self.dense[index - 1]

    @contextmanager
    def hold_dropout_masks(self) -> Iterator[Sequential]:
        """Within the block, every `Dropout` reuses its first mask (see `Dropout.hold_mask`)."""
        with ExitStack() as stack:
            for block in self.layers:
                if isinstance(block, Dropout):
                    stack.enter_context(block.hold_mask())
            yield self

    # -- training ------------------------------------------------------------

    def fit(
        self,
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
        """Train in place and return the cost after every epoch; see `models.fit`.

        **Arguments:**

        - `X`: data `(n[0], m)`; `Y`: labels `(n[L], m)`.
        - `epochs`, `learning_rate`, `optimizer` (`"gd"`, `"momentum"`, `"rmsprop"`,
          `"adam"` or an `Optimizer`), `batch_size`, `seed` (mini-batch shuffles),
          `progress` (`None`: a bar only in a terminal), `print_every`.

        **Returns:**

        The cost history, one float per epoch.
        """
        from ._training import fit

        return fit(
            self,
            X,
            Y,
            epochs=epochs,
            learning_rate=learning_rate,
            optimizer=optimizer,
            batch_size=batch_size,
            seed=seed,
            progress=progress,
            print_every=print_every,
        )

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted labels of `X` `(n[0], m)`, shape `(n[L], m)` like `Y`; see `models.predict`."""
        from ._training import predict

        return predict(self, X)

    def accuracy(self, X: np.ndarray, Y: np.ndarray) -> float:
        """Fraction of examples predicted right, `X` `(n[0], m)` and `Y` `(n[L], m)`;
        see `models.accuracy`."""
        from ._training import accuracy

        return accuracy(self, X, Y)

    # -- display -------------------------------------------------------------

    def __repr__(self) -> str:
        inner = ", ".join(repr(b) for b in self.layers)
        return f"{type(self).__name__}([{inner}], loss={self.loss!r}, lambd={self.lambd})"

    def __str__(self) -> str:
        lines = [f"{type(self).__name__}: layer_dims = {self.layer_dims}, L = {self.L}"]
        for block in self.layers:
            if isinstance(block, Dense):
                l = block.index  # noqa: E741 (the Course's layer index)
                lines.append(
                    f"  layer {l}: W[{l}] {shape_str(block.W.shape)}, b[{l}] "
                    f"{shape_str(block.b.shape)}"
                )
            else:
                lines.append(f"    {block!r}")
        lines.append(f"  loss: {self.loss!r}, lambd = {self.lambd}, fused = {self.fused}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(str(self))}</pre>"


class DeepNetwork(Sequential):
    """The Course's L-layer network: `[Dense, g] * (L-1)` then `[Dense, g_out]`.

    **Arguments:**

    - `layer_dims`: `[n[0], n[1], ..., n[L]]`, at least two entries.
    - `hidden`: the hidden activation's name or instance (`"relu"`, `"tanh"`, ...).
    - `output`: the output activation (`"sigmoid"`, `"softmax"`, `"identity"`).
    - `loss`: as in `Sequential` (the default follows `output`).
    - `init`: `"he"`, `"xavier"`, `"random"` (`* 0.01`), `"zeros"` or a function;
      by default He for ReLU-like hidden layers and Xavier otherwise.
    - `seed`: an `int` or `numpy.random.Generator` for the initial weights and
      the dropout masks.
    - `lambd`: the L2 strength `λ`.
    - `keep_prob`: dropout after every hidden activation when `< 1`.
    """

    def __init__(
        self,
        layer_dims: Sequence[int],
        hidden: str | Activation | type[Activation] = "relu",
        output: str | Activation | type[Activation] = "sigmoid",
        *,
        loss: str | Loss | type[Loss] | None = None,
        init: str | Initializer | None = None,
        seed: int | np.random.Generator = 0,
        lambd: float = 0.0,
        keep_prob: float = 1.0,
        fused: bool = True,
    ) -> None:
        dims = list(layer_dims)
        if len(dims) < 2 or any(int(n) != n or n < 1 for n in dims):
            raise ModelInputError(
                f"layer_dims must be [n[0], n[1], ..., n[L]] with at least two positive "
                f"integers: got {dims}"
            )
        dims = [int(n) for n in dims]
        if not 0.0 < float(keep_prob) <= 1.0:
            Dropout(keep_prob)  # raises the message about keep_prob
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        hidden_act = get_activation(hidden, role="hidden")
        output_act = get_activation(output, role="output")
        if init is None:
            init = "he" if hidden_act.kinks else "xavier"
        params = initialize_parameters(dims, init, seed=rng)
        blocks: list[Block] = []
        L = len(dims) - 1
        for l in range(1, L + 1):  # noqa: E741 (the Course's layer index)
            blocks.append(Dense(dims[l - 1], dims[l], W=params[f"W{l}"], b=params[f"b{l}"]))
            if l < L:
                # Activations hold no state, so the layers can share one instance.
                blocks.append(hidden_act)
                if keep_prob < 1.0:
                    blocks.append(Dropout(keep_prob, seed=rng.spawn(1)[0]))
            else:
                blocks.append(output_act)
        super().__init__(blocks, loss=loss, lambd=lambd, fused=fused)
