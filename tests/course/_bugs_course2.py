"""Planted bugs in the Course 2 implementations (Weeks 1 and 2).

Each is its correct base plus exact `(correct text, planted text)` replacements; see
`_catalogue.py` for what `caught_by` promises.
"""

from ._implementation import SHAPE, Implementation, planted

INIT: list[Implementation] = [
    planted(
        "c2w1_init",
        "he_sqrt_1_over_n",
        "He scale written sqrt(1 / n[l-1]) (Xavier) instead of sqrt(2 / n[l-1]).",
        {"init-check"},
        "initialize_parameters_he",
        "W[l]",
        ("2 / layers_dims[l - 1]", "1 / layers_dims[l - 1]"),
    ),
    planted(
        "c2w1_init",
        "he_scale_n_l",
        "He scale from n[l] instead of n[l-1]: sqrt(2 / n[l]).",
        {"init-check"},
        "initialize_parameters_he",
        "W[l]",
        ("2 / layers_dims[l - 1]", "2 / layers_dims[l]"),
    ),
    planted(
        "c2w1_init",
        "he_uniform_rand",
        "np.random.rand (uniform on [0, 1)) instead of randn: every weight positive.",
        {"init-check"},
        "initialize_parameters_he",
        "W[l]",
        (
            "np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(",
            "np.random.rand(layers_dims[l], layers_dims[l - 1]) * np.sqrt(",
        ),
    ),
    planted(
        "c2w1_init",
        "he_transposed",
        "He weights drawn transposed, (n[l-1], n[l]).",
        SHAPE | {"init-check"},
        "initialize_parameters_he",
        "W[l]",
        (
            "np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(",
            "np.random.randn(layers_dims[l - 1], layers_dims[l]) * np.sqrt(",
        ),
    ),
    planted(
        "c2w1_init",
        "he_skips_last_layer",
        "the He loop runs over range(1, L): W[L] and b[L] are never created.",
        {"init-check", "dimcheck-check"},
        "initialize_parameters_he",
        "W[L]",
        ("    for l in range(1, L + 1):\n", "    for l in range(1, L):\n"),
    ),
    planted(
        "c2w1_init",
        "zeros_b_rank1",
        "initialize_parameters_zeros makes b[l] a rank-1 (n[l],) array.",
        SHAPE | {"lint", "init-check"},
        "initialize_parameters_zeros",
        "b[l]",
        (
            "np.zeros((layers_dims[l], layers_dims[l - 1]))\n"
            '        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))',
            "np.zeros((layers_dims[l], layers_dims[l - 1]))\n"
            '        parameters["b" + str(l)] = np.zeros(layers_dims[l])',
        ),
    ),
    planted(
        "c2w1_init",
        "random_b_not_zero",
        "initialize_parameters_random draws b[l] at random (* 10) instead of zeros.",
        {"init-check"},
        "initialize_parameters_random",
        "b[l]",
        (
            '* 10\n        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))',
            '* 10\n        parameters["b" + str(l)] = np.random.randn(layers_dims[l], 1) * 10',
        ),
    ),
]

REGULARISATION: list[Implementation] = [
    planted(
        "c2w1_reg",
        "l2_cost_not_halved",
        "the L2 cost written (lambd / m) * sum(W**2), without the 1/2 that gives (lambd / m) W.",
        {"gradcheck"},
        "compute_cost_with_regularization",
        "dW[l]",
        ("        * (lambd / 2)\n", "        * lambd\n"),
    ),
    planted(
        "c2w1_reg",
        "l2_missing_from_dW2",
        "the L2 term (lambd / m) W[2] left out of dW[2].",
        {"gradcheck"},
        "backward_propagation_with_regularization",
        "dW[2]",
        (
            "dW2 = 1.0 / m * np.dot(dZ2, A1.T) + (lambd / m) * W2",
            "dW2 = 1.0 / m * np.dot(dZ2, A1.T)",
        ),
    ),
    planted(
        "c2w1_reg",
        "l2_over_2m_in_dW",
        "the L2 term of every dW[l] written lambd / (2m) W[l] instead of lambd / m W[l].",
        {"gradcheck"},
        "backward_propagation_with_regularization",
        "dW[l]",
        ("(lambd / m) * W3", "(lambd / (2 * m)) * W3"),
        ("(lambd / m) * W2", "(lambd / (2 * m)) * W2"),
        ("(lambd / m) * W1", "(lambd / (2 * m)) * W1"),
    ),
    planted(
        "c2w1_reg",
        "l2_dW3_uses_A3",
        "dW[3] built from A[3] instead of A[2]: (1, 1), which the L2 term broadcasts back to"
        " the shape of W[3], so no shape is wrong.",
        {"gradcheck"},
        "backward_propagation_with_regularization",
        "dW[3]",
        (
            "dW3 = 1.0 / m * np.dot(dZ3, A2.T) + (lambd / m) * W3",
            "dW3 = 1.0 / m * np.dot(dZ3, A3.T) + (lambd / m) * W3",
        ),
    ),
    planted(
        "c2w1_reg",
        "l2_db2_no_keepdims",
        "db[2] summed without keepdims=True in the L2 backward pass: (n[2],).",
        SHAPE | {"lint", "gradcheck"},
        "backward_propagation_with_regularization",
        "db[2]",
        (
            "db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)\n"
            "    dA1 = np.dot(W2.T, dZ2)\n    dZ1",
            "db2 = 1.0 / m * np.sum(dZ2, axis=1)\n    dA1 = np.dot(W2.T, dZ2)\n    dZ1",
        ),
    ),
    planted(
        "c2w1_reg",
        "dropout_mask_not_reapplied",
        "backward dropout never applies D[2] to dA[2] and takes relu' from Z[2]: gradients"
        " flow through the dropped units. (With relu' from the dropped A[2], as the Course"
        " writes it, the missing mask alone changes no gradient.)",
        {"gradcheck"},
        "backward_propagation_with_dropout",
        "dW[2]",
        ("    dA2 = dA2 * D2  # Step 1", "    # Step 1"),
        (
            "shut down\n    dZ2 = np.multiply(dA2, np.int64(A2 > 0))",
            "shut down\n    dZ2 = np.multiply(dA2, np.int64(Z2 > 0))",
        ),
    ),
    planted(
        "c2w1_reg",
        "dropout_backward_not_scaled",
        "backward dropout never divides dA[1] by keep_prob.",
        {"gradcheck"},
        "backward_propagation_with_dropout",
        "dW[1]",
        ("    dA1 = dA1 / keep_prob\n", ""),
    ),
    planted(
        "c2w1_reg",
        "dropout_forward_not_scaled",
        "forward dropout never divides A[2] by keep_prob (the backward pass still does).",
        {"gradcheck"},
        "forward_propagation_with_dropout",
        "dW[2]",
        ("    A2 = A2 / keep_prob\n", ""),
    ),
    planted(
        "c2w1_reg",
        "l2_cost_uses_norm",
        "the L2 cost sums the Frobenius norms ‖W[l]‖ instead of their squares.",
        {"gradcheck"},
        "compute_cost_with_regularization",
        "dW[l]",
        (
            "(np.sum(np.square(W1)) + np.sum(np.square(W2)) + np.sum(np.square(W3)))",
            "(np.linalg.norm(W1) + np.linalg.norm(W2) + np.linalg.norm(W3))",
        ),
    ),
    planted(
        "c2w1_reg_2017",
        "l2_cost_missing_1_over_m",
        "the L2 cost written (lambd / 2) * sum(W**2), without the 1/m the gradient's"
        " (lambd / m) W[l] assumes.",
        {"gradcheck"},
        "compute_cost_with_regularization",
        "dW[l]",
        (
            "L2_regularization_cost = (1.0 / m * lambd / 2) * (",
            "L2_regularization_cost = (lambd / 2) * (",
        ),
    ),
    planted(
        "c2w1_reg",
        "dropout_fresh_generator",
        "the dropout masks drawn from a fresh, unseeded np.random.default_rng() on every"
        " call: no reseeding can hold them fixed, so no gradient check can pass it (the tool"
        " must say it cannot check, never pass).",
        {"gradcheck"},
        "forward_propagation_with_dropout",
        "D[l]",
        (
            "def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):\n"
            "    np.random.seed(1)\n",
            "def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):\n"
            "    rng = np.random.default_rng()\n",
        ),
        (
            "D1 = np.random.rand(A1.shape[0], A1.shape[1])",
            "D1 = rng.random((A1.shape[0], A1.shape[1]))",
        ),
        (
            "D2 = np.random.rand(A2.shape[0], A2.shape[1])",
            "D2 = rng.random((A2.shape[0], A2.shape[1]))",
        ),
    ),
]

GRADIENT_CHECKING: list[Implementation] = [
    planted(
        "c2w1_gradcheck_1d",
        "dtheta_is_theta",
        "dJ/dtheta of J = theta * x returned as theta instead of x.",
        {"gradcheck"},
        "backward_propagation",
        "dtheta",
        ("dtheta = x", "dtheta = theta"),
    ),
    planted(
        "c2w1_gradcheck_1d",
        "gradapprox_one_epsilon",
        "the student's check divides J(theta+eps) - J(theta-eps) by eps, not 2 eps: its"
        " difference is 1/3 for a correct gradient (caught when the student's own"
        " gradient_check is compared with gradcheck's).",
        {"gradcheck"},
        "gradient_check",
        "dtheta",
        (
            "gradapprox = (J_plus - J_minus) / (2 * epsilon)",
            "gradapprox = (J_plus - J_minus) / epsilon",
        ),
    ),
    planted(
        "c2w1_gradcheck_nd",
        "course_provided_bugs",
        "the provided backward pass left as the Course hands it out: dW[2] twice too large,"
        " db[1] with 4/m.",
        {"gradcheck"},
        "backward_propagation_n",
        "dW[2]",
        (
            "dW2 = 1.0 / m * np.dot(dZ2, A1.T)",
            "dW2 = 1.0 / m * np.dot(dZ2, A1.T) * 2",
        ),
        (
            "db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)",
            "db1 = 4.0 / m * np.sum(dZ1, axis=1, keepdims=True)",
        ),
    ),
    planted(
        "c2w1_gradcheck_nd",
        "relu_derivative_missing",
        "dZ[2] = dA[2]: the relu derivative left out.",
        {"gradcheck"},
        "backward_propagation_n",
        "dW[2]",
        ("dZ2 = np.multiply(dA2, np.int64(A2 > 0))", "dZ2 = dA2"),
    ),
    planted(
        "c2w1_gradcheck_nd",
        "db3_no_keepdims",
        "db[3] summed without keepdims=True: (1,); gradients_to_vector flattens it, so the"
        " student's own gradient_check_n still passes.",
        SHAPE | {"lint", "gradcheck"},
        "backward_propagation_n",
        "db[3]",
        (
            "db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)",
            "db3 = 1.0 / m * np.sum(dZ3, axis=1)",
        ),
    ),
    planted(
        "c2w1_gradcheck_nd",
        "difference_of_norms",
        "the student's check uses |‖g‖ - ‖g̃‖| instead of ‖g - g̃‖: a wrong gradient of the"
        " right length passes (caught when the student's own gradient_check_n is compared"
        " with gradcheck's).",
        {"gradcheck"},
        "gradient_check_n",
        "dW[l]",
        (
            "numerator = np.linalg.norm(grad - gradapprox)",
            "numerator = abs(np.linalg.norm(grad) - np.linalg.norm(gradapprox))",
        ),
    ),
    planted(
        "c2w1_gradcheck_nd",
        "theta_minus_plus",
        "the student's check adds epsilon to theta_minus too: gradapprox is 0 and every"
        " difference 1 (caught when the student's own gradient_check_n is compared with"
        " gradcheck's).",
        {"gradcheck"},
        "gradient_check_n",
        "dW[l]",
        (
            "theta_minus[i] = theta_minus[i] - epsilon",
            "theta_minus[i] = theta_minus[i] + epsilon",
        ),
    ),
]

OPTIMISATION: list[Implementation] = [
    planted(
        "c2w2_optim_v1",
        "adam_sqrt_s_plus_eps",
        "Adam divides by sqrt(s_corrected + epsilon) instead of sqrt(s_corrected) + epsilon:"
        " for small gradients the step is far too small.",
        {"update-check"},
        "update_parameters_with_adam",
        "W[l]",
        (
            '(np.sqrt(s_corrected["dW" + str(l + 1)]) + epsilon)',
            'np.sqrt(s_corrected["dW" + str(l + 1)] + epsilon)',
        ),
        (
            '(np.sqrt(s_corrected["db" + str(l + 1)]) + epsilon)',
            'np.sqrt(s_corrected["db" + str(l + 1)] + epsilon)',
        ),
    ),
    planted(
        "c2w2_optim_v1",
        "adam_no_bias_correction",
        "Adam without bias correction: v_corrected = v and s_corrected = s.",
        {"update-check"},
        "update_parameters_with_adam",
        "W[l]",
        ('v["dW" + str(l + 1)] / (1 - beta1**t)', 'v["dW" + str(l + 1)]'),
        ('v["db" + str(l + 1)] / (1 - beta1**t)', 'v["db" + str(l + 1)]'),
        ('s["dW" + str(l + 1)] / (1 - beta2**t)', 's["dW" + str(l + 1)]'),
        ('s["db" + str(l + 1)] / (1 - beta2**t)', 's["db" + str(l + 1)]'),
    ),
    planted(
        "c2w2_optim_v1",
        "momentum_missing_1_minus_beta",
        "the velocity v = beta v + dW, without the (1 - beta) factor.",
        {"update-check"},
        "update_parameters_with_momentum",
        "v[dWl]",
        ('(1 - beta) * grads["dW" + str(l + 1)]', 'grads["dW" + str(l + 1)]'),
        ('(1 - beta) * grads["db" + str(l + 1)]', 'grads["db" + str(l + 1)]'),
    ),
    planted(
        "c2w2_optim_v1",
        "gd_only_layer_1",
        "update_parameters_with_gd loops over range(1): only W[1] and b[1] are updated.",
        {"update-check"},
        "update_parameters_with_gd",
        "W[2]",
        (
            '    for l in range(L):\n        parameters["W" + str(l + 1)] = (',
            '    for l in range(1):\n        parameters["W" + str(l + 1)] = (',
        ),
    ),
    planted(
        "c2w2_optim_v1",
        "mini_batches_Y_own_permutation",
        "random_mini_batches shuffles Y with a second permutation: X and Y out of step.",
        {"update-check"},
        "random_mini_batches",
        "mini_batch_Y",
        (
            "shuffled_Y = Y[:, permutation].reshape((1, m))",
            "shuffled_Y = Y[:, list(np.random.permutation(m))].reshape((1, m))",
        ),
    ),
    planted(
        "c2w2_optim_v1",
        "velocity_db_shaped_like_W",
        "initialize_velocity gives v[db] the shape of W[l] (copied line): the momentum step"
        " then broadcasts b[l] to (n[l], n[l-1]).",
        {"update-check", "instrument"},
        "initialize_velocity",
        "v[dbl]",
        (
            'v["db" + str(l + 1)] = np.zeros(\n            (parameters["b" + str(l + 1)].shape[0]',
            'v["db" + str(l + 1)] = np.zeros(\n            (parameters["W" + str(l + 1)].shape[0]',
        ),
        (
            'parameters["b" + str(l + 1)].shape[1])\n        )\n    return v',
            'parameters["W" + str(l + 1)].shape[1])\n        )\n    return v',
        ),
    ),
    planted(
        "c2w2_optim_v2",
        "adam_sqrt_s_plus_eps",
        "Adam divides by sqrt(s_corrected + epsilon) instead of sqrt(s_corrected) + epsilon.",
        {"update-check"},
        "update_parameters_with_adam",
        "W[l]",
        (
            '(np.sqrt(s_corrected["dW" + str(l)]) + epsilon)',
            'np.sqrt(s_corrected["dW" + str(l)] + epsilon)',
        ),
        (
            '(np.sqrt(s_corrected["db" + str(l)]) + epsilon)',
            'np.sqrt(s_corrected["db" + str(l)] + epsilon)',
        ),
    ),
    planted(
        "c2w2_optim_v2",
        "adam_v_corrected_with_beta2",
        "the first moment bias-corrected with beta2 instead of beta1.",
        {"update-check"},
        "update_parameters_with_adam",
        "W[l]",
        (
            'v["dW" + str(l)] / (1 - np.power(beta1, t))',
            'v["dW" + str(l)] / (1 - np.power(beta2, t))',
        ),
        (
            'v["db" + str(l)] / (1 - np.power(beta1, t))',
            'v["db" + str(l)] / (1 - np.power(beta2, t))',
        ),
    ),
    planted(
        "c2w2_optim_v2",
        "momentum_steps_with_grads",
        "momentum computes the velocity but steps W[l] with dW[l] itself.",
        {"update-check"},
        "update_parameters_with_momentum",
        "W[l]",
        (
            'parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]',
            'parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]',
        ),
    ),
    planted(
        "c2w2_optim_v2",
        "gd_skips_last_layer",
        "update_parameters_with_gd loops over range(1, L): W[L] and b[L] never updated.",
        {"update-check"},
        "update_parameters_with_gd",
        "W[L]",
        (
            '    for l in range(1, L + 1):\n        parameters["W" + str(l)] = parameters["W"',
            '    for l in range(1, L):\n        parameters["W" + str(l)] = parameters["W"',
        ),
    ),
    planted(
        "c2w2_optim_v2",
        "mini_batches_tail_dropped",
        "random_mini_batches forgets the last, smaller mini-batch: m % mini_batch_size"
        " examples are never used.",
        {"update-check"},
        "random_mini_batches",
        "mini_batch_X",
        (
            "    if m % mini_batch_size != 0:\n"
            "        mini_batch_X = shuffled_X[:, num_complete_minibatches * inc :]\n"
            "        mini_batch_Y = shuffled_Y[:, num_complete_minibatches * inc :]\n"
            "        mini_batch = (mini_batch_X, mini_batch_Y)\n"
            "        mini_batches.append(mini_batch)\n",
            "",
        ),
    ),
    planted(
        "c2w2_optim_v1",
        "adam_s_not_squared",
        "Adam's second moment averages dW instead of dW**2 (square roots of negatives: NaN).",
        {"update-check"},
        "update_parameters_with_adam",
        "s[dWl]",
        (
            '(1 - beta2) * np.square(\n            grads["dW" + str(l + 1)]\n        )',
            '(1 - beta2) * grads["dW" + str(l + 1)]',
        ),
        (
            '(1 - beta2) * np.square(\n            grads["db" + str(l + 1)]\n        )',
            '(1 - beta2) * grads["db" + str(l + 1)]',
        ),
    ),
    planted(
        "c2w2_optim_v2",
        "adam_s_is_v",
        "initialize_adam binds v and s to one dict (v = s = {}): the first and second"
        " moments overwrite each other.",
        {"update-check"},
        "initialize_adam",
        "s[dWl]",
        ("    v = {}\n    s = {}\n", "    v = s = {}\n"),
    ),
]
