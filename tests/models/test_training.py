"""Training reaches the issue's accuracies; optimisers, batches, initialisers, I/O, progress."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import models
from models import (
    Adam,
    DeepNetwork,
    GradientDescent,
    ModelInputError,
    Momentum,
    RMSprop,
    initialize_parameters,
    load_parameters,
    progress,
    random_mini_batches,
    save_parameters,
)

# Small nets and few Adam epochs: each run takes well under a second.
DATASETS = [
    ("circles", lambda: models.circles(200, seed=0), [2, 8, 1], 300),
    ("moons", lambda: models.moons(200, seed=0), [2, 16, 1], 300),
    ("flower", lambda: models.flower(400, seed=0), [2, 20, 20, 1], 600),
    ("xor", lambda: models.xor(200, seed=0), [2, 4, 1], 300),
]


@pytest.mark.parametrize(("name", "data", "dims", "epochs"), DATASETS, ids=[d[0] for d in DATASETS])
def test_deep_network_reaches_95_percent_training_accuracy(name, data, dims, epochs):
    X, Y = data()
    net = DeepNetwork(dims, hidden="tanh", seed=0)
    before = net.accuracy(X, Y)
    history = net.fit(
        X,
        Y,
        epochs=epochs,
        optimizer="adam",
        learning_rate=0.05 if name != "flower" else 0.02,
        progress=False,
    )
    assert history[-1] < history[0] / 5
    assert net.accuracy(X, Y) >= 0.95, name
    assert before < 0.95


def test_relu_network_with_mini_batches_and_l2_learns_moons():
    X, Y = models.moons(200, seed=1)
    net = DeepNetwork([2, 16, 16, 1], hidden="relu", seed=1, lambd=0.01)
    net.fit(
        X, Y, epochs=60, optimizer="adam", learning_rate=0.01, batch_size=32, seed=2, progress=False
    )
    assert net.accuracy(X, Y) >= 0.95


def test_softmax_network_learns_three_classes():
    X0, _ = models.circles(150, seed=0)
    y = (np.arctan2(X0[1], X0[0]) // (2 * np.pi / 3)).astype(int) % 3
    Y = np.eye(3)[:, y]
    net = DeepNetwork([2, 16, 3], hidden="tanh", output="softmax", seed=0)
    net.fit(X0, Y, epochs=300, optimizer="adam", learning_rate=0.05, progress=False)
    assert net.accuracy(X0, Y) >= 0.95
    P = net.predict(X0)
    assert P.shape == (3, 150) and np.all(P.sum(axis=0) == 1)


def test_the_course_35_point_set():
    X, Y = models.course_35_points()
    assert X.shape == (2, 35) and Y.shape == (1, 35)
    assert X[0, :15].tolist() == [
        0.4,
        1.2,
        1.1,
        1.9,
        1.8,
        1.5,
        2.6,
        2.2,
        3.3,
        3.0,
        4.1,
        4.2,
        5.6,
        0.7,
        0.7,
    ]
    assert X[1, :15].tolist() == [
        4.1,
        1.5,
        4.8,
        0.7,
        2.2,
        3.8,
        1.8,
        4.8,
        1.0,
        4.3,
        1.8,
        3.1,
        6.0,
        5.9,
        7.0,
    ]
    assert Y.sum() == 20 and np.all(Y[0, :15] == 0)
    np.testing.assert_array_equal(models.course_35_points()[0], X)
    # The seed's 3-layer tanh network (n = 2, 3, 4, 1) reaches the seed's stopping cost 0.05.
    net = DeepNetwork([2, 3, 4, 1], hidden="tanh", seed=0)
    history = net.fit(X, Y, epochs=1500, optimizer="adam", learning_rate=0.05, progress=False)
    assert history[-1] < 0.05
    assert net.accuracy(X, Y) == 1.0


@pytest.mark.parametrize("name", ["circles", "moons", "flower", "xor"])
def test_toy_data_shapes_labels_and_seeds(name):
    make = getattr(models, name)
    X, Y = make(101, seed=3)
    assert X.shape == (2, 101) and Y.shape == (1, 101)
    assert X.dtype == np.float64 and set(np.unique(Y)) == {0.0, 1.0}
    np.testing.assert_array_equal(make(101, seed=3)[0], X)
    assert not np.array_equal(make(101, seed=4)[0], X)
    with pytest.raises(ModelInputError, match=r"m \(the number of examples\) must be >="):
        make(1)


@pytest.mark.parametrize(
    "optimizer",
    [GradientDescent(1.0), Momentum(1.0), RMSprop(0.05), Adam(0.05)],
    ids=repr,
)
def test_every_optimiser_decreases_the_cost(optimizer):
    X, Y = models.circles(100, seed=0)
    net = DeepNetwork([2, 8, 1], hidden="tanh", seed=0)
    history = net.fit(X, Y, epochs=150, optimizer=optimizer, progress=False)
    assert all(b <= a * 1.05 for a, b in zip(history, history[10:], strict=False))
    assert history[-1] < 0.5 * history[0]
    assert all(np.isfinite(history))


def test_optimisers_do_not_modify_the_dicts_they_are_given():
    params = {"W1": np.ones((2, 2)), "b1": np.zeros((2, 1))}
    grads = {"dW1": np.ones((2, 2)), "db1": np.ones((2, 1))}
    copies = {k: v.copy() for k, v in {**params, **grads}.items()}
    for opt in (GradientDescent(0.1), Momentum(0.1), RMSprop(0.1), Adam(0.1)):
        new = opt.step(params, grads)
        assert np.all(new["W1"] < 1.0) and np.all(new["b1"] < 0.0)
    for key, value in {**params, **grads}.items():
        np.testing.assert_array_equal(value, copies[key])


def test_optimisers_keep_their_state_and_the_arrays_they_handed_out_intact():
    # The update subtracts into the optimiser's fresh step array: the parameters of
    # the previous step must not change, and no state (v, s) may be the new array.
    params = {"W1": np.ones((2, 2)), "b1": np.zeros((2, 1))}
    grads = {"dW1": np.full((2, 2), 0.5), "db1": np.full((2, 1), 0.5)}
    for opt in (GradientDescent(0.1), Momentum(0.1), RMSprop(0.1), Adam(0.1)):
        first = opt.step(params, grads)
        held = {key: value.copy() for key, value in first.items()}
        second = opt.step(first, grads)
        for key, value in first.items():
            np.testing.assert_array_equal(value, held[key], err_msg=f"{opt!r} changed {key}")
            assert not np.shares_memory(second[key], value)
            for state in (getattr(opt, "v", {}), getattr(opt, "s", {})):
                assert key not in state or not np.shares_memory(state[key], second[key])


def test_a_custom_optimiser_whose_step_it_keeps_is_not_subtracted_into():
    class Constant(GradientDescent):
        """Always the same step, kept on the instance."""

        def _direction(self, key, grad):
            return self.steps.setdefault(key, np.full_like(grad, 0.25))

    opt = Constant(0.1)
    opt.steps = {}
    params = {"W1": np.ones((2, 2)), "b1": np.zeros((2, 1))}
    grads = {"dW1": np.ones((2, 2)), "db1": np.ones((2, 1))}
    new = opt.step(opt.step(params, grads), grads)
    np.testing.assert_array_equal(opt.steps["W1"], np.full((2, 2), 0.25))
    np.testing.assert_array_equal(new["W1"], np.full((2, 2), 0.5))


def test_gradient_descent_is_the_course_update_and_adam_its_first_step():
    params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.5]])}
    grads = {"dW1": np.array([[0.2, -0.4]]), "db1": np.array([[1.0]])}
    new = GradientDescent(0.1).step(params, grads)
    np.testing.assert_allclose(new["W1"], [[0.98, 2.04]])
    # Adam's first bias-corrected step moves every parameter by about α sign(g).
    new = Adam(0.1).step(params, grads)
    np.testing.assert_allclose(new["W1"], [[0.9, 2.1]], rtol=1e-6)


def test_gradient_descent_on_the_course_35_points_like_the_seed():
    X, Y = models.course_35_points()
    net = DeepNetwork([2, 3, 4, 1], hidden="tanh", init="random", seed=1)
    history = net.fit(X, Y, epochs=300, learning_rate=0.3, progress=False)
    assert history[-1] < history[0]


def test_mini_batches_cover_every_example_once_and_follow_the_seed():
    X = np.arange(20.0).reshape(2, 10)
    Y = X[:1] * 10
    batches = random_mini_batches(X, Y, 4, seed=0)
    assert [b[0].shape for b in batches] == [(2, 4), (2, 4), (2, 2)]
    seen = np.concatenate([b[0][0] for b in batches])
    assert sorted(seen.tolist()) == X[0].tolist()
    for Xb, Yb in batches:
        np.testing.assert_array_equal(Yb, Xb[:1] * 10)
    again = random_mini_batches(X, Y, 4, seed=0)
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(batches, again, strict=True))
    assert not np.array_equal(seen, np.arange(10.0))
    with pytest.raises(ModelInputError, match="batch_size must be a positive integer: got 0"):
        random_mini_batches(X, Y, 0)


@pytest.mark.parametrize(
    ("method", "scale"),
    [("random", 0.01), ("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(1 / 400))],
)
def test_initialisers_have_their_scales(method, scale):
    params = initialize_parameters([400, 300, 1], method, seed=0)
    assert params["W1"].shape == (300, 400) and params["b1"].shape == (300, 1)
    # 120000 draws: the sample standard deviation is within 1% of the target.
    assert params["W1"].std() == pytest.approx(scale, rel=0.01)
    assert abs(params["W1"].mean()) < scale * 0.01
    assert np.all(params["b1"] == 0)


def test_zero_initialisation_shows_the_symmetry_problem():
    X, Y = models.circles(100, seed=0)
    net = DeepNetwork([2, 4, 1], hidden="tanh", init="zeros", seed=0)
    net.fit(X, Y, epochs=50, learning_rate=0.5, progress=False)
    # Every hidden unit got the same update: the rows of W[1] stay identical.
    assert np.allclose(net.W1, net.W1[0])
    assert np.all(initialize_parameters([3, 2], "zeros")["W1"] == 0)


def test_initialisation_follows_the_seed():
    a = DeepNetwork([3, 4, 1], seed=5).parameters()
    b = DeepNetwork([3, 4, 1], seed=5).parameters()
    c = DeepNetwork([3, 4, 1], seed=6).parameters()
    np.testing.assert_array_equal(a["W1"], b["W1"])
    assert not np.array_equal(a["W1"], c["W1"])


def test_save_and_load_round_trip(tmp_path):
    X, Y = models.xor(40, seed=0)
    net = DeepNetwork([2, 4, 1], hidden="tanh", seed=0)
    net.fit(X, Y, epochs=50, optimizer="adam", learning_rate=0.05, progress=False)
    path = tmp_path / "net.npz"
    save_parameters(path, net)
    loaded = load_parameters(path)
    assert sorted(loaded) == ["W1", "W2", "b1", "b2"]
    fresh = DeepNetwork([2, 4, 1], hidden="tanh", seed=99)
    fresh.set_parameters(loaded)
    np.testing.assert_array_equal(fresh.forward(X)[0], net.forward(X)[0])
    save_parameters(tmp_path / "dict.npz", net.parameters())
    assert sorted(load_parameters(tmp_path / "dict.npz")) == ["W1", "W2", "b1", "b2"]


def test_save_refuses_names_outside_the_course_form(tmp_path):
    with pytest.raises(
        ModelInputError, match=r"parameter names must be W1, b1, W2, \.\.\.: got \['weights'\]"
    ):
        save_parameters(tmp_path / "x.npz", {"weights": np.ones(2)})
    np.savez(tmp_path / "other.npz", layer=np.ones(2))
    with pytest.raises(ModelInputError, match=r"holds \['layer'\]: expected only W1, b1, W2"):
        load_parameters(tmp_path / "other.npz")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_is_silent_when_the_stream_is_not_a_terminal():
    stream = io.StringIO()
    with progress(10, description="training", stream=stream) as bar:
        for _ in range(10):
            bar.update()
    assert stream.getvalue() == ""
    assert bar.n == 10 and not bar.enabled


def test_progress_bar_draws_in_a_terminal_and_is_quiet_when_asked():
    stream = FakeTerminal()
    with progress(4, description="training", stream=stream) as bar:
        bar.set_postfix("J = 0.1")
        bar.update(4)
    text = stream.getvalue()
    assert "training |" + "#" * 30 + "| 4/4" in text and "J = 0.1" in text and text.endswith("\n")
    bar = progress(4, stream=stream)
    bar.update()
    bar.clear()
    assert stream.getvalue().endswith("\r" + " " * len(bar.render()) + "\r")
    quiet = FakeTerminal()
    with progress(4, stream=quiet, enabled=False) as bar:
        bar.update(4)
    assert quiet.getvalue() == ""


def test_fit_draws_nothing_on_a_non_terminal_stderr(capsys):
    X, Y = models.xor(20, seed=0)
    DeepNetwork([2, 3, 1], seed=0).fit(X, Y, epochs=5)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_fit_prints_the_cost_when_asked(capsys):
    X, Y = models.xor(20, seed=0)
    DeepNetwork([2, 3, 1], seed=0).fit(X, Y, epochs=5, print_every=2, progress=False)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["epoch 0", "epoch 2", "epoch 4"]


def test_python_dash_m_models_trains_and_reports():
    result = subprocess.run(
        [sys.executable, "-m", "models", "--epochs", "300", "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    costs = [
        float(line.split("cost")[1])
        for line in result.stdout.splitlines()
        if line.startswith("epoch")
    ]
    assert len(costs) >= 3 and costs[-1] < costs[0]
    assert "training accuracy:" in result.stdout


@given(
    m=st.integers(1, 40),
    batch_size=st.integers(1, 50),
    seed=st.integers(0, 2**32 - 1),
)
def test_mini_batches_partition_the_examples_for_any_sizes(m, batch_size, seed):
    X = np.arange(2.0 * m).reshape(2, m)
    Y = X[:1] + 0.5
    X0 = X.copy()
    batches = random_mini_batches(X, Y, batch_size, seed=seed)
    sizes = [b[0].shape[1] for b in batches]
    assert sum(sizes) == m and all(s == batch_size for s in sizes[:-1])
    assert 0 < sizes[-1] <= batch_size
    columns = np.concatenate([b[0] for b in batches], axis=1)
    assert sorted(columns[0].tolist()) == X[0].tolist()
    for Xb, Yb in batches:
        np.testing.assert_array_equal(Yb, Xb[:1] + 0.5)
    np.testing.assert_array_equal(X, X0)


def test_momentum_rmsprop_and_adam_follow_their_formulas_over_two_steps():
    # Written out from the formulas, independently of the optimisers' code; two
    # steps, so that a state that is not carried over (or not decayed) shows.
    W0 = np.array([[1.0, -2.0]])
    g1, g2 = np.array([[0.5, -0.25]]), np.array([[-1.0, 2.0]])
    a, b1, b2, eps = 0.1, 0.8, 0.9, 1e-8

    def two_steps(opt):
        W1 = opt.step({"W1": W0}, {"dW1": g1})["W1"]
        return opt.step({"W1": W1}, {"dW1": g2})["W1"]

    v1 = (1 - b1) * g1
    v2 = b1 * v1 + (1 - b1) * g2
    np.testing.assert_allclose(two_steps(Momentum(a, beta=b1)), W0 - a * v1 - a * v2, rtol=1e-12)

    s1 = (1 - b2) * g1**2
    s2 = b2 * s1 + (1 - b2) * g2**2
    expected = W0 - a * g1 / (np.sqrt(s1) + eps) - a * g2 / (np.sqrt(s2) + eps)
    np.testing.assert_allclose(two_steps(RMSprop(a, beta=b2)), expected, rtol=1e-12)

    step1 = (v1 / (1 - b1)) / (np.sqrt(s1 / (1 - b2)) + eps)
    step2 = (v2 / (1 - b1**2)) / (np.sqrt(s2 / (1 - b2**2)) + eps)
    adam = two_steps(Adam(a, beta1=b1, beta2=b2))
    np.testing.assert_allclose(adam, W0 - a * step1 - a * step2, rtol=1e-12)


def test_load_refuses_pickled_arrays_in_course_notation(tmp_path):
    path = tmp_path / "pickled.npz"
    np.savez(path, W1=np.array([{"W": 1}], dtype=object))
    with pytest.raises(
        ModelInputError, match=r"holds a pickled \(object\) array: load_parameters reads only"
    ):
        load_parameters(path)
    with pytest.raises(ModelInputError, match=r"W1 has dtype object: expected a numeric array"):
        save_parameters(tmp_path / "x.npz", {"W1": np.array([{"W": 1}], dtype=object)})


def test_fit_draws_its_bar_on_stderr_when_asked(capsys):
    X, Y = models.xor(20, seed=0)
    DeepNetwork([2, 3, 1], seed=0).fit(X, Y, epochs=5, progress=True)
    err = capsys.readouterr().err
    assert "training |" + "#" * 30 + "| 5/5" in err and "J = " in err and err.endswith("\n")


@pytest.mark.parametrize("layout", ["C", "F", "strided"])
@pytest.mark.parametrize(("optimizer", "batch_size"), [("gd", 7), ("adam", 16), ("gd", None)])
def test_fit_is_the_course_loop_over_random_mini_batches(layout, optimizer, batch_size):
    # fit gathers each mini-batch from a row-major copy of X; that must change
    # nothing: the Course's loop over random_mini_batches with the same seed gives
    # the same costs and parameters, whatever the memory layout of X.
    X, Y = models.moons(50, seed=3)
    if layout == "F":
        X = np.asfortranarray(X)
    elif layout == "strided":
        X = np.repeat(X, 2, axis=1)[:, ::2]
    X0 = X.copy()
    net = DeepNetwork([2, 5, 1], hidden="relu", seed=0, lambd=0.1)
    start = net.parameters()
    history = net.fit(
        X, Y, epochs=3, optimizer=optimizer, batch_size=batch_size, seed=4, progress=False
    )

    course = DeepNetwork([2, 5, 1], hidden="relu", seed=0, lambd=0.1)
    course.set_parameters(start)
    opt = models._optimizers.get_optimizer(optimizer)
    rng = np.random.default_rng(4)
    expected = []
    for _ in range(3):
        batches = (
            [(X, Y)] if batch_size is None else random_mini_batches(X, Y, batch_size, seed=rng)
        )
        total = 0.0
        for Xb, Yb in batches:
            AL, caches = course.forward(Xb, training=True)
            total += course.cost(AL, Yb) * Xb.shape[1]
            grads = course.backward(AL, Yb, caches)
            course.set_parameters(opt.step(course.parameters(), grads))
        expected.append(total / X.shape[1])
    np.testing.assert_allclose(history, expected, rtol=1e-12)
    for key, value in course.parameters().items():
        np.testing.assert_allclose(net.parameters()[key], value, rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(X, X0)


@pytest.mark.parametrize("batch_size", [0, -3, 2.5, True])
def test_a_bad_batch_size_is_refused_before_any_work(batch_size):
    X, Y = models.xor(20, seed=0)
    net = DeepNetwork([2, 3, 1], seed=0)
    before = net.parameters()
    with pytest.raises(
        ModelInputError, match=rf"^batch_size must be a positive integer: got {batch_size}$"
    ):
        net.fit(X, Y, epochs=2, batch_size=batch_size, progress=False)
    for key, value in net.parameters().items():
        np.testing.assert_array_equal(value, before[key])
