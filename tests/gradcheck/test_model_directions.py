"""`check_model`'s stacked directional mode and its faster full mode: same verdicts as the
one-perturbation-at-a-time reference, the same numbers where they are comparable."""

import numpy as np
import pytest

import gradcheck
import models
from gradcheck import _model_directions, _stacks
from gradcheck._stacks import Network

from .test_model import DoubledDense, NoMeanDense, WrongReLU, data, network, with_biases


def reference(monkeypatch, net, X, Y, **options):
    """The same check through the black box (`gradcheck.check` on the network's cost, one
    perturbation per call), the path directional mode took before it was stacked."""
    with monkeypatch.context() as patch:
        patch.setattr(Network, "l2_as_documented", lambda self: False)
        report = gradcheck.check_model(net, X, Y, progress_bar=False, **options)
    assert any("checked as a black box" in note for note in report.notes)
    return report


def verdicts(report):
    return {key: result.verdict for key, result in report.results.items()}


def course_network(dims, hidden, output, m, seed, lambd=0.0, keep_prob=1.0):
    """A `DeepNetwork` with the Course's initialiser (`randn * 0.01`, zero biases)."""
    net = models.DeepNetwork(
        dims, hidden=hidden, output=output, lambd=lambd, keep_prob=keep_prob, seed=seed
    )
    rng = np.random.default_rng(seed)
    params = {
        key: (0.01 * rng.standard_normal(value.shape) if key.startswith("W") else 0 * value)
        for key, value in net.parameters().items()
    }
    net.set_parameters(params)
    X, Y = data(dims, m, output, seed)
    return net, X, Y


CORRECT = [
    ("relu", "sigmoid", [5, 4, 3, 1], 7, 0.0, 1.0),
    ("leaky_relu", "softmax", [6, 5, 4, 3], 9, 0.0, 1.0),
    ("tanh", "sigmoid", [4, 6, 1], 1, 0.3, 1.0),  # m = 1 and L2
    ("relu", "softmax", [8, 6, 5, 4], 12, 0.2, 0.7),  # L2 and held dropout
    ("sigmoid", "identity", [3, 5, 2], 4, 0.0, 1.0),
]


@pytest.mark.parametrize("mode", ["directional", "full", "auto"])
@pytest.mark.parametrize(("hidden", "output", "dims", "m", "lambd", "keep_prob"), CORRECT)
def test_correct_networks_get_the_references_verdicts(
    monkeypatch, mode, hidden, output, dims, m, lambd, keep_prob
):
    net = with_biases(
        models.DeepNetwork(
            dims, hidden=hidden, output=output, lambd=lambd, keep_prob=keep_prob, seed=3
        )
    )
    X, Y = data(dims, m, output, seed=3)
    fast = gradcheck.check_model(net, X, Y, mode=mode, progress_bar=False)
    assert fast.passed, str(fast)
    assert verdicts(fast) == verdicts(reference(monkeypatch, net, X, Y, mode=mode))
    assert fast.notes == []  # the stacked path, not the black box


@pytest.mark.parametrize("mode", ["directional", "full"])
@pytest.mark.parametrize(("hidden", "output"), [("relu", "sigmoid"), ("tanh", "softmax")])
@pytest.mark.parametrize("m", [1, 5])
def test_the_courses_initialiser_gets_the_references_verdicts(monkeypatch, mode, hidden, output, m):
    # randn * 0.01 and zero biases put many Z[l] on or near a ReLU's kink.
    dims = [4, 5, 3, 3 if output == "softmax" else 1]
    net, X, Y = course_network(dims, hidden, output, m, seed=m)
    fast = gradcheck.check_model(net, X, Y, mode=mode, progress_bar=False)
    assert all(r.verdict in ("ok", "inconclusive") for r in fast.results.values()), str(fast)
    assert fast.passed == reference(monkeypatch, net, X, Y, mode=mode).passed


@pytest.mark.parametrize("mode", ["directional", "full"])
@pytest.mark.parametrize(
    ("second", "activation", "blamed"),
    [
        (DoubledDense, None, {"W2"}),
        (NoMeanDense, None, {"b2"}),
        (models.Dense, WrongReLU(), {"W1", "b1"}),
    ],
)
def test_planted_bugs_are_blamed_on_the_same_parameters_as_the_reference(
    monkeypatch, mode, second, activation, blamed
):
    net, X, Y = network(second, activation)
    fast = gradcheck.check_model(net, X, Y, mode=mode, progress_bar=False)
    assert set(fast.failed) == blamed
    assert verdicts(fast) == verdicts(reference(monkeypatch, net, X, Y, mode=mode))


def test_a_direction_that_is_not_ok_is_localised_by_every_coordinate():
    net, X, Y = network(DoubledDense)
    report = gradcheck.check_model(net, X, Y, mode="directional", progress_bar=False)
    W2 = report.results["W2"]
    assert W2.how == "directional, then full"
    assert W2.checked == W2.analytic.size == 12  # every coordinate of W[2] (3, 4)
    assert "dW[2] is 2.00 x the numerical gradient" in W2.diagnosis
    assert report.results["W1"].how == "directional"  # ok ones are not localised


def test_a_direction_that_crosses_a_kink_is_measured_with_smaller_steps():
    net, X, Y = network()
    params = net.parameters()
    # Z[1][0, 0] = 2e-6: a step of eps = 1e-5 along a direction of b[1] can move it
    # across the ReLU's kink; the blocks see that, and smaller steps do not cross it.
    params["b1"][0, 0] = 2e-6 - float(params["W1"][0] @ X[:, 0])
    net.set_parameters(params)
    measured = []
    original = _model_directions.directional_values

    def recording(net, requests, h, cost0):
        measured.append(h)
        return original(net, requests, h, cost0)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_model_directions, "directional_values", recording)
        report = gradcheck.check_model(net, X, Y, mode="directional", progress_bar=False)
    assert report.passed, str(report)
    assert min(measured) < report.eps  # some direction was measured again, smaller


def problem(lambd=0.0, keep_prob=1.0, output="softmax"):
    dims = [6, 5, 4, 3 if output == "softmax" else 1]
    net = with_biases(
        models.DeepNetwork(dims, hidden="relu", output=output, lambd=lambd, keep_prob=keep_prob)
    )
    X, Y = data(dims, 8, output)
    params = net.parameters()
    training = keep_prob < 1
    return net, X, Y, params, training


def cost_at(net, X, Y, params, training):
    AL, _ = net.forward(X, training, params=params)
    return net.cost(AL, Y, weights=[params[f"W{layer}"] for layer in range(1, net.L + 1)])


@pytest.mark.parametrize(("lambd", "keep_prob"), [(0.0, 1.0), (0.4, 0.7)])
def test_the_stacked_directions_give_the_costs_of_the_moved_networks(lambd, keep_prob):
    net, X, Y, params, training = problem(lambd, keep_prob)
    with net.hold_dropout_masks():
        stacked = Network(net, X, Y, params, training)
        cost0 = float(stacked.costs(stacked.AL))
        requests = _model_directions.plan_directions(stacked, params, 3, np.random.default_rng(0))
        h = 1e-3
        measured = _model_directions.directional_values(stacked, requests, h, cost0)
        for request, (central, forward, backward, crossed, _) in zip(
            requests, measured, strict=True
        ):
            for k in range(3):
                U = np.outer(request.left[k], request.right[k])
                assert np.linalg.norm(U) == pytest.approx(1.0)
                up = dict(params, **{request.key: params[request.key] + h * U})
                down = dict(params, **{request.key: params[request.key] - h * U})
                J_up, J_down = (cost_at(net, X, Y, p, training) for p in (up, down))
                # The stacked pass moves Z[l] by h U @ A[l-1] instead of recomputing
                # (W + h U) @ A[l-1]: the costs agree up to a few roundings of J.
                tolerance = 64 * np.finfo(float).eps * abs(cost0) / h
                assert central[k] == pytest.approx((J_up - J_down) / (2 * h), abs=tolerance)
                assert forward[k] == pytest.approx((J_up - cost0) / h, abs=tolerance)
                assert backward[k] == pytest.approx((cost0 - J_down) / h, abs=tolerance)
            assert request.along(params[request.key]) == pytest.approx(
                [
                    np.sum(np.outer(u, v) * params[request.key])
                    for u, v in zip(request.left, request.right, strict=True)
                ]
            )
            assert not crossed.any()


@pytest.mark.parametrize(("lambd", "keep_prob"), [(0.0, 1.0), (0.4, 0.7)])
def test_the_noise_points_are_the_costs_of_the_moved_networks(lambd, keep_prob):
    net, X, Y, params, training = problem(lambd, keep_prob, output="sigmoid")
    with net.hold_dropout_masks():
        stacked = Network(net, X, Y, params, training)
        (direction,) = _model_directions.joint_directions(params, 1, np.random.default_rng(1))
        full = {key: np.outer(u, v) for key, (u, v) in direction.items()}
        assert sum(np.sum(D * D) for D in full.values()) == pytest.approx(1.0)
        steps = np.array([-0.01, 0.0, 0.02])
        costs = _model_directions.joint_costs(stacked, direction, steps)
        for t, J in zip(steps, costs, strict=True):
            moved = {key: params[key] + t * full[key] for key in params}
            expected = cost_at(net, X, Y, moved, training)
            assert abs(J - expected) <= 1e-12 * abs(expected)


def test_directional_mode_reads_nothing_but_its_own_copies():
    dims = [5, 4, 3, 1]
    net = with_biases(models.DeepNetwork(dims, keep_prob=0.8, lambd=0.1, seed=4))
    X, Y = data(dims, 6)
    before = {k: v.copy() for k, v in net.parameters().items()}
    rng_states = [b.rng.bit_generator.state for b in net.layers if isinstance(b, models.Dropout)]
    X0, Y0 = X.copy(), Y.copy()
    first = gradcheck.check_model(net, X, Y, mode="directional", progress_bar=False)
    again = gradcheck.check_model(net, X, Y, mode="directional", progress_bar=False)
    for key, value in net.parameters().items():
        assert value.tobytes() == before[key].tobytes()
    after = [b.rng.bit_generator.state for b in net.layers if isinstance(b, models.Dropout)]
    assert after == rng_states
    assert X.tobytes() == X0.tobytes() and Y.tobytes() == Y0.tobytes()
    for key in first.results:  # the same seed gives the same numbers
        assert np.array_equal(first.results[key].numeric, again.results[key].numeric)


def test_copies_that_cannot_take_the_linear_route_go_in_pieces_within_the_budget(monkeypatch):
    # Every copy is refused the linear route past the ReLU: all go through the wider
    # rank-one route, in pieces sized for it, with the same numbers.
    dims = [6, 10, 4, 1]
    net = with_biases(models.DeepNetwork(dims, hidden="relu", seed=1))
    X, Y = data(dims, 7)
    plain = gradcheck.check_model(net, X, Y, mode="full", progress_bar=False)
    pieces = []
    rank_one = Network._rank_one

    def counting(self, following, rows, change, flipped):
        if following == 2:  # W[1]'s copies, refused the route past Z[2]
            pieces.append(rows.size)
        return rank_one(self, following, rows, change, flipped)

    with monkeypatch.context() as patch:
        patch.setattr(
            Network,
            "stays_on_its_side",
            lambda self, following, rows, change: np.zeros(rows.size, dtype=bool),
        )
        patch.setattr(Network, "_rank_one", counting)
        small = gradcheck.check_model(net, X, Y, mode="full", memory=2**14, progress_bar=False)
    assert len(pieces) > 1
    # The rank-one route builds stacks as wide as Z[2], n[2] = 4, by m = 7, four at a time.
    assert max(pieces) <= 2**14 // (4 * 4 * 7 * 8)
    for key in plain.results:
        np.testing.assert_allclose(
            plain.results[key].numeric, small.results[key].numeric, rtol=0, atol=1e-9
        )


def test_the_allocator_is_set_up_once_per_process():
    _stacks.reuse_freed_memory()
    assert _stacks.reuse_freed_memory.cache_info().currsize == 1


@pytest.mark.parametrize(
    ("output", "loss", "lambd"),
    [
        ("sigmoid", None, 0.0),
        ("softmax", None, 0.3),
        ("identity", None, 0.0),
        ("sigmoid", "mse", 0.2),
    ],
)
@pytest.mark.parametrize("columns", [[], [2], [0, 3, 4]])
def test_costs_of_changed_examples_equal_the_models_cost_of_the_whole_output(
    output, loss, lambd, columns
):
    dims = [4, 5, 3 if output == "softmax" else 2]
    net = with_biases(models.DeepNetwork(dims, output=output, loss=loss, lambd=lambd, seed=2))
    X, Y = data(dims, 6, output, seed=2)
    stacked = Network(net, X, Y, net.parameters(), False)
    columns = np.array(columns, dtype=int)
    rng = np.random.default_rng(0)
    AL = np.stack([stacked.AL, stacked.AL])
    # Two copies whose outputs moved a little on `columns` only.
    AL[:, :, columns] *= 1 + 1e-3 * rng.standard_normal((2, AL.shape[1], columns.size))
    expected = net.cost(AL, Y, weights=stacked.weights)
    got = stacked.costs_of_columns(AL[:, :, columns], columns)
    # J0 plus the change of the changed examples' losses: a few roundings of J apart.
    np.testing.assert_allclose(got, expected, rtol=0, atol=64 * np.finfo(float).eps * 2)
