# %% [markdown]
# # Logistic Regression with a Neural Network mindset
#
# `w` is a column (n_x, 1), `b` a Python float; `propagate` returns the gradients
# `{"dw", "db"}` and the cost.

# %%
"""Course 1 Week 2: logistic regression as a one-neuron network, cat versus non-cat."""
# ruff: noqa: RUF059  (the Course's template unpacks names it does not use)

import copy

import numpy as np

# %%
if __name__ == "__main__":
    train = np.load("datasets/train_catvnoncat.npz")
    test = np.load("datasets/test_catvnoncat.npz")
    train_set_x = train["x"].reshape(train["x"].shape[0], -1).T / 255.0
    test_set_x = test["x"].reshape(test["x"].shape[0], -1).T / 255.0
    train_set_y = train["y"].reshape(1, -1)
    test_set_y = test["y"].reshape(1, -1)


# %%
# GRADED FUNCTION: sigmoid


def sigmoid(z):
    s = 1 / (1 + np.exp(-z))
    return s


# %%
# GRADED FUNCTION: initialize_with_zeros


def initialize_with_zeros(dim):
    w = np.zeros((dim, 1))
    b = 0.0
    return w, b


# %%
# GRADED FUNCTION: propagate


def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    dw = 1 / m * np.dot(X, (A - Y).T)
    db = 1 / m * np.sum(A - Y)
    cost = np.squeeze(np.array(cost))
    grads = {"dw": dw, "db": db}
    return grads, cost


# %%
# GRADED FUNCTION: optimize


def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    w = copy.deepcopy(w)
    b = copy.deepcopy(b)
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        dw = grads["dw"]
        db = grads["db"]
        w = w - learning_rate * dw
        b = b - learning_rate * db
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print(f"Cost after iteration {i}: {cost:f}")
    params = {"w": w, "b": b}
    grads = {"dw": dw, "db": db}
    return params, grads, costs


# %%
# GRADED FUNCTION: predict


def predict(w, b, X):
    m = X.shape[1]
    Y_prediction = np.zeros((1, m))
    w = w.reshape(X.shape[0], 1)
    A = sigmoid(np.dot(w.T, X) + b)
    for i in range(A.shape[1]):
        if A[0, i] > 0.5:
            Y_prediction[0, i] = 1
        else:
            Y_prediction[0, i] = 0
    return Y_prediction


# %%
if __name__ == "__main__":
    from public_tests import optimize_test, propagate_test

    propagate_test(propagate)
    optimize_test(optimize)


# %%
# GRADED FUNCTION: model


def model(
    X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False
):
    w, b = initialize_with_zeros(X_train.shape[0])
    params, grads, costs = optimize(
        w, b, X_train, Y_train, num_iterations, learning_rate, print_cost
    )
    w = params["w"]
    b = params["b"]
    Y_prediction_test = predict(w, b, X_test)
    Y_prediction_train = predict(w, b, X_train)
    d = {
        "costs": costs,
        "Y_prediction_test": Y_prediction_test,
        "Y_prediction_train": Y_prediction_train,
        "w": w,
        "b": b,
        "learning_rate": learning_rate,
        "num_iterations": num_iterations,
    }
    return d


# %%
if __name__ == "__main__":
    logistic_regression_model = model(
        train_set_x, train_set_y, test_set_x, test_set_y, num_iterations=2000, print_cost=True
    )
