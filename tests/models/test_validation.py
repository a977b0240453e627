"""Every bad input of the issue gets an error in course notation that says what to do."""

from __future__ import annotations

import numpy as np
import pytest

from models import (
    BinaryCrossEntropy,
    DeepNetwork,
    Dense,
    Dropout,
    ModelInputError,
    ModelTypeError,
    get_activation,
)

X7 = np.linspace(-1, 1, 14).reshape(2, 7)
Y7 = np.array([[0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0]])


@pytest.fixture
def net():
    return DeepNetwork([2, 3, 1], hidden="tanh", seed=0)


def test_wrong_n0_in_X_names_n0_and_where_it_comes_from(net):
    with pytest.raises(
        ModelInputError,
        match=r"X has shape \(3, 7\): expected \(n\[0\], m\) = \(2, 7\) "
        r"\(n\[0\] = 2 from W\[1\]: \(3, 2\)\)",
    ):
        net.forward(np.zeros((3, 7)))


def test_examples_as_rows_suggest_the_transpose(net):
    with pytest.raises(
        ModelInputError,
        match=r"X has shape \(7, 2\): expected \(n\[0\], m\) = \(2, 7\).*Did you mean X\.T\?",
    ):
        net.fit(X7.T, Y7, epochs=1, progress=False)


def test_rank_1_X_says_how_to_reshape(net):
    with pytest.raises(
        ModelInputError,
        match=r"X has shape \(7,\): expected \(n\[0\], m\) with n\[0\] = 2.*X\.reshape\(2, -1\)",
    ):
        net.forward(np.zeros(7))


def test_rank_1_Y_gives_the_issue_message(net):
    with pytest.raises(
        ModelInputError,
        match=r"^Y has shape \(7,\): expected \(n\[L\], m\) = \(1, 7\); use Y\.reshape\(1, -1\)$",
    ):
        net.fit(X7, Y7.ravel(), epochs=1, progress=False)


def test_Y_of_the_wrong_width_binds_m_to_X(net):
    with pytest.raises(
        ModelInputError,
        match=r"Y has shape \(1, 5\): expected \(n\[L\], m\) = \(1, 7\) "
        r"\(n\[L\] = 1 from the output layer, m = 7 from X\); "
        r"Y needs one column per example of X",
    ):
        net.fit(X7, Y7[:, :5], epochs=1, progress=False)


def test_transposed_Y_suggests_Y_T(net):
    with pytest.raises(ModelInputError, match=r"Y has shape \(7, 1\).*use Y\.T"):
        net.fit(X7, Y7.T, epochs=1, progress=False)


def test_labels_outside_0_1_for_binary_cross_entropy(net):
    bad = Y7.copy()
    bad[0, 2] = 2.0
    with pytest.raises(
        ModelInputError,
        match=r"Y must hold labels in \{0, 1\} for binary cross-entropy: "
        r"found 1 other value\(s\), e\.g\. 2\.0; map the classes to 0 and 1",
    ):
        net.fit(X7, bad, epochs=1, progress=False)
    AL, caches = net.forward(X7)
    with pytest.raises(ModelInputError, match=r"labels in \{0, 1\}"):
        net.cost(AL, bad)
    with pytest.raises(ModelInputError, match=r"labels in \{0, 1\}"):
        net.backward(AL, bad, caches)


def test_non_one_hot_labels_for_categorical_cross_entropy():
    net = DeepNetwork([2, 3, 3], output="softmax")
    with pytest.raises(ModelInputError, match=r"Y must be one-hot.*np\.eye\(n_L\)\[:, y\]"):
        net.fit(X7, np.ones((3, 7)), epochs=1, progress=False)


@pytest.mark.parametrize("bad_value", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_X_is_located(net, bad_value):
    X = X7.copy()
    X[1, 4] = bad_value
    with pytest.raises(
        ModelInputError,
        match=r"X contains NaN or inf: 1 of 14 entries .* "
        r"the first at index \(1, 4\); remove or impute",
    ):
        net.forward(X)


def test_nan_in_Y_is_rejected(net):
    Y = Y7.copy()
    Y[0, 0] = np.nan
    with pytest.raises(
        ModelInputError, match=r"Y contains NaN or inf: 1 of 7 entries \(1 NaN, 0 inf\)"
    ):
        net.fit(X7, Y, epochs=1, progress=False)


def test_finite_values_whose_sum_overflows_are_accepted(net):
    X = np.full((2, 7), 1e308)
    AL, _ = net.forward(X)
    assert AL.shape == (1, 7)


@pytest.mark.parametrize("role", ["hidden", "output"])
def test_unknown_activation_lists_the_choices(role):
    with pytest.raises(
        ModelInputError,
        match=rf"unknown activation 'relu6' for {role}: "
        r"expected one of 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'identity'",
    ):
        DeepNetwork([2, 3, 1], **{role: "relu6"})


def test_activation_names_are_forgiving_about_case_and_dashes():
    assert get_activation("Leaky-ReLU").name == "leaky_relu"
    assert get_activation("TANH").name == "tanh"


def test_integer_X_asks_for_floats(net):
    with pytest.raises(
        ModelTypeError,
        match=r"X has dtype int64: expected floating-point numbers; use X\.astype\(np\.float64\)",
    ):
        net.forward(np.arange(14).reshape(2, 7))


def test_integer_labels_are_accepted_without_touching_the_caller_array(net):
    Y = Y7.astype(np.int64)
    Y_copy = Y.copy()
    history = net.fit(X7, Y, epochs=2, progress=False)
    assert len(history) == 2
    assert Y.dtype == np.int64
    np.testing.assert_array_equal(Y, Y_copy)


def test_integer_weights_are_rejected():
    with pytest.raises(
        ModelTypeError, match=r"W\[l\] has dtype int64: expected floating-point numbers"
    ):
        Dense(2, 3, W=np.ones((3, 2), dtype=np.int64))


def test_X_that_is_not_an_array(net):
    with pytest.raises(
        ModelInputError, match=r"X must be a numpy array.*got list; use np\.asarray"
    ):
        net.forward([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layer_dims": [2]}, r"layer_dims must be \[n\[0\], n\[1\], \.\.\., n\[L\]\]"),
        ({"layer_dims": [2, 0, 1]}, r"at least two positive integers: got \[2, 0, 1\]"),
        ({"layer_dims": [2, 1], "keep_prob": 0.0}, r"keep_prob must be in \(0, 1\]: got 0\.0"),
        ({"layer_dims": [2, 1], "lambd": -1.0}, r"lambd \(the L2 strength λ\) must be >= 0"),
        ({"layer_dims": [2, 1], "init": "ones"}, r"unknown initialiser 'ones'"),
        ({"layer_dims": [2, 1], "loss": "hinge"}, r"unknown loss 'hinge'"),
    ],
)
def test_bad_network_settings(kwargs, message):
    with pytest.raises(ModelInputError, match=message):
        DeepNetwork(**kwargs)


def test_bad_training_settings(net):
    with pytest.raises(ModelInputError, match=r"unknown optimiser 'sgd2'"):
        net.fit(X7, Y7, optimizer="sgd2", progress=False)
    with pytest.raises(ModelInputError, match=r"learning_rate \(α\) must be > 0: got -0\.1"):
        net.fit(X7, Y7, learning_rate=-0.1, progress=False)


def test_a_diverging_run_says_to_lower_the_learning_rate():
    net = DeepNetwork([2, 3, 1], output="identity", loss="mse", seed=0)
    X = np.linspace(-50, 50, 14).reshape(2, 7)
    with (
        pytest.raises(
            ModelInputError,
            match=r"the training diverged; lower the learning rate \(now 10000\.0\)",
        ),
        np.errstate(all="ignore"),
    ):
        net.fit(X, np.ones((1, 7)) * 100, learning_rate=1e4, epochs=200, progress=False)


def test_held_mask_of_the_wrong_shape():
    drop = Dropout(0.5, seed=0)
    with (
        drop.hold_mask(np.ones((2, 3), dtype=bool)),
        pytest.raises(
            ModelInputError,
            match=r"held dropout mask has shape \(2, 3\) but A has \(n\[l\], m\) = \(2, 4\)",
        ),
    ):
        drop.forward(np.ones((2, 4)), training=True)


def test_losses_do_not_modify_their_inputs():
    AL = np.array([[0.0, 0.5, 1.0]])
    Y = np.array([[0.0, 1.0, 1.0]])
    AL0, Y0 = AL.copy(), Y.copy()
    BinaryCrossEntropy().cost(AL, Y)
    BinaryCrossEntropy().gradient(AL, Y)
    np.testing.assert_array_equal(AL, AL0)
    np.testing.assert_array_equal(Y, Y0)


def test_params_and_weights_that_do_not_fit_the_network(net):
    with pytest.raises(ModelInputError, match=r"params has keys \['W3'\] that name no layer"):
        net.forward(X7, params={"W3": np.ones((1, 3))})
    AL, _ = net.forward(X7)
    with pytest.raises(
        ModelInputError, match=r"weights must list W\[1\], \.\.\., W\[2\] \(2 arrays\): got 1"
    ):
        net.cost(AL, Y7, weights=[net.W1])
    with pytest.raises(ModelInputError, match=r"caches has 1 entries but the network has 4 blocks"):
        net.backward(AL, Y7, [None])


def test_a_network_with_no_examples_says_m_is_zero(net):
    with pytest.raises(ModelInputError, match=r"X has shape \(2, 0\): no examples \(m = 0\)"):
        net.fit(np.zeros((2, 0)), np.zeros((1, 0)), epochs=1, progress=False)


def test_fit_refuses_a_stacked_X_and_says_stacks_are_for_forward(net):
    with pytest.raises(
        ModelInputError,
        match=r"X has shape \(4, 2, 7\): fit trains on one data set of shape "
        r"\(n\[0\], m\) = \(2, 7\)",
    ):
        net.fit(np.zeros((4, 2, 7)), Y7, epochs=1, progress=False)


def test_class_indices_for_a_softmax_output_suggest_one_hot_labels():
    net = DeepNetwork([2, 3, 3], output="softmax")
    y = np.array([[0, 1, 2, 0, 1, 2, 0]])
    with pytest.raises(
        ModelInputError,
        match=r"Y has shape \(1, 7\): expected \(n\[L\], m\) = \(3, 7\).*"
        r"for 3 classes Y must be one-hot.*np\.eye\(3\)\[:, y\.ravel\(\)\.astype\(int\)\]",
    ):
        net.fit(X7, y, epochs=1, progress=False)
    # The suggested fix works as written.
    history = net.fit(X7, np.eye(3)[:, y.ravel().astype(int)], epochs=1, progress=False)
    assert len(history) == 1


def test_a_one_unit_softmax_output_is_refused_with_the_sigmoid_alternative():
    with pytest.raises(
        ModelInputError,
        match=r"a softmax output needs n\[2\] >= 2 units \(one per class\): got n\[2\] = 1.*"
        r"output='sigmoid'",
    ):
        DeepNetwork([2, 3, 1], output="softmax")


def test_a_dense_layer_fed_the_wrong_number_of_rows_names_A_prev_not_W():
    layer = Dense(2, 3)
    with pytest.raises(
        ModelInputError,
        match=r"^A\[l-1\] has shape \(3, 7\): expected \(n\[l-1\], m\) = \(2, 7\) "
        r"\(n\[l-1\] = 2 from W\[l\]: \(3, 2\)\); .*Dense\(3, 3\)$",
    ):
        layer.forward(np.zeros((3, 7)))
    # Inside a network the layer number is filled in.
    net = DeepNetwork([2, 3, 1], seed=0)
    with pytest.raises(ModelInputError, match=r"^A\[1\] has shape \(4, 7\).*from W\[2\]: \(1, 3\)"):
        net.dense[1].forward(np.zeros((4, 7)))


@pytest.mark.parametrize("n_in", [2.5, 0, True])
def test_dense_sizes_must_be_positive_integers(n_in):
    with pytest.raises(ModelInputError, match=r"n\[l-1\] and n\[l\] must be positive integers"):
        Dense(n_in, 3)
    assert Dense(np.int64(2), 3.0).n_in == 2


@pytest.mark.parametrize("bad_value", [np.nan, np.inf])
def test_non_finite_parameters_are_refused_where_they_are_set(net, bad_value):
    W = np.ones((3, 2))
    W[2, 1] = bad_value
    with pytest.raises(
        ModelInputError,
        match=r"W\[1\] contains NaN or inf: 1 of 6 entries .* the first at index \(2, 1\); "
        r"re-initialise the layer or lower the learning rate",
    ):
        net.W1 = W
    params = net.parameters()
    b = params["b2"].copy()
    b[0, 0] = bad_value
    with pytest.raises(ModelInputError, match=r"b\[2\] contains NaN or inf"):
        net.set_parameters({**params, "b2": b})
    assert np.all(np.isfinite(net.W1)) and np.all(np.isfinite(net.b2))


def test_a_learning_rate_that_an_optimiser_instance_would_ignore_is_refused(net):
    from models import Adam

    with pytest.raises(
        ModelInputError,
        match=r"learning_rate=0\.1 was given with the optimiser Adam\(learning_rate=0\.001\).*"
        r"Adam\(learning_rate=0\.1\)",
    ):
        net.fit(X7, Y7, epochs=1, optimizer=Adam(), learning_rate=0.1, progress=False)
    # The same rate twice is not a conflict.
    assert len(net.fit(X7, Y7, epochs=1, optimizer=Adam(0.1), learning_rate=0.1)) == 1


def test_float32_data_is_accepted_and_computed_in_float64(net):
    AL, _ = net.forward(X7.astype(np.float32))
    assert AL.dtype == np.float64
    history = net.fit(X7.astype(np.float32), Y7.astype(np.float32), epochs=2, progress=False)
    assert all(isinstance(J, float) for J in history)


def test_activation_and_loss_classes_are_taken_for_default_instances():
    from models import MeanSquaredError, Softmax, Tanh

    net = DeepNetwork([2, 3, 3], hidden=Tanh, output=Softmax, seed=0)
    assert [type(b) for b in net.layers][1::2] == [Tanh, Softmax]
    assert isinstance(
        DeepNetwork([2, 1], output="identity", loss=MeanSquaredError).loss, MeanSquaredError
    )
    with pytest.raises(ModelInputError, match=r"unknown activation <class 'int'> for hidden"):
        DeepNetwork([2, 3, 1], hidden=int)


def test_class_names_as_labels_ask_for_a_mapping(net):
    Y = np.array([["cat", "dog", "cat", "dog", "dog", "cat", "dog"]])
    with pytest.raises(
        ModelTypeError,
        match=r"Y has dtype <U3: expected numeric labels; map the classes to numbers, "
        r"e\.g\. Y = \(Y == positive_class\)\.astype\(float\)",
    ):
        net.fit(X7, Y, epochs=1, progress=False)
    assert net.fit(X7, (Y == "dog").astype(float), epochs=1, progress=False)
