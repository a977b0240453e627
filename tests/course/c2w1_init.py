# %% [markdown]
# # Initialization
#
# A 3-layer network, LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID, trained
# with zeros, large random (`* 10`) and He initialisation.

# %%
"""Course 2 Week 1: initialisation (zeros, large random, He) of a provided 3-layer network."""
# ruff: noqa: E741, RUF059  (the Course's names: layer index `l`, the unpacked 12-entry cache)

import numpy as np

# %%
# The provided helpers (init_utils): the 3-layer network the initialisers are tried on.


def sigmoid(x):
    s = 1 / (1 + np.exp(-x))
    return s


def relu(x):
    s = np.maximum(0, x)
    return s


def forward_propagation(X, parameters):
    W1 = parameters["W1"]
    b1 = parameters["b1"]
    W2 = parameters["W2"]
    b2 = parameters["b2"]
    W3 = parameters["W3"]
    b3 = parameters["b3"]
    z1 = np.dot(W1, X) + b1
    a1 = relu(z1)
    z2 = np.dot(W2, a1) + b2
    a2 = relu(z2)
    z3 = np.dot(W3, a2) + b3
    a3 = sigmoid(z3)
    cache = (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3)
    return a3, cache


def backward_propagation(X, Y, cache):
    m = X.shape[1]
    (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3) = cache
    dz3 = 1.0 / m * (a3 - Y)
    dW3 = np.dot(dz3, a2.T)
    db3 = np.sum(dz3, axis=1, keepdims=True)
    da2 = np.dot(W3.T, dz3)
    dz2 = np.multiply(da2, np.int64(a2 > 0))
    dW2 = np.dot(dz2, a1.T)
    db2 = np.sum(dz2, axis=1, keepdims=True)
    da1 = np.dot(W2.T, dz2)
    dz1 = np.multiply(da1, np.int64(a1 > 0))
    dW1 = np.dot(dz1, X.T)
    db1 = np.sum(dz1, axis=1, keepdims=True)
    gradients = {
        "dz3": dz3,
        "dW3": dW3,
        "db3": db3,
        "da2": da2,
        "dz2": dz2,
        "dW2": dW2,
        "db2": db2,
        "da1": da1,
        "dz1": dz1,
        "dW1": dW1,
        "db1": db1,
    }
    return gradients


def compute_loss(a3, Y):
    m = Y.shape[1]
    logprobs = np.multiply(-np.log(a3), Y) + np.multiply(-np.log(1 - a3), 1 - Y)
    loss = 1.0 / m * np.nansum(logprobs)
    return loss


def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for k in range(L):
        parameters["W" + str(k + 1)] = (
            parameters["W" + str(k + 1)] - learning_rate * grads["dW" + str(k + 1)]
        )
        parameters["b" + str(k + 1)] = (
            parameters["b" + str(k + 1)] - learning_rate * grads["db" + str(k + 1)]
        )
    return parameters


def predict(X, y, parameters):
    a3, caches = forward_propagation(X, parameters)
    p = (a3 > 0.5).astype(int)
    print("Accuracy: " + str(np.mean(p[0, :] == y[0, :])))
    return p


# %%
if __name__ == "__main__":
    data = np.load("datasets/circles.npz")
    train_X, train_Y, test_X, test_Y = (
        data["train_X"],
        data["train_Y"],
        data["test_X"],
        data["test_Y"],
    )


# %%
def model(X, Y, learning_rate=0.01, num_iterations=15000, print_cost=True, initialization="he"):
    costs = []
    layers_dims = [X.shape[0], 10, 5, 1]
    if initialization == "zeros":
        parameters = initialize_parameters_zeros(layers_dims)
    elif initialization == "random":
        parameters = initialize_parameters_random(layers_dims)
    elif initialization == "he":
        parameters = initialize_parameters_he(layers_dims)
    for i in range(num_iterations):
        a3, cache = forward_propagation(X, parameters)
        cost = compute_loss(a3, Y)
        grads = backward_propagation(X, Y, cache)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and i % 1000 == 0:
            print(f"Cost after iteration {i}: {cost}")
            costs.append(cost)
    return parameters


# %%
# GRADED FUNCTION: initialize_parameters_zeros


def initialize_parameters_zeros(layers_dims):
    parameters = {}
    L = len(layers_dims)  # number of layers in the network
    for l in range(1, L):
        parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


# %%
# GRADED FUNCTION: initialize_parameters_random


def initialize_parameters_random(layers_dims):
    np.random.seed(3)  # This seed makes sure your "random" numbers will be the as ours
    parameters = {}
    L = len(layers_dims)  # integer representing the number of layers
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * 10
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


# %%
# GRADED FUNCTION: initialize_parameters_he


def initialize_parameters_he(layers_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layers_dims) - 1  # integer representing the number of layers
    for l in range(1, L + 1):
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(
            2 / layers_dims[l - 1]
        )
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


# %%
if __name__ == "__main__":
    from public_tests import initialize_parameters_he_test, initialize_parameters_zeros_test

    initialize_parameters_zeros_test(initialize_parameters_zeros)
    initialize_parameters_he_test(initialize_parameters_he)


# %%
if __name__ == "__main__":
    parameters = model(train_X, train_Y, initialization="he")
    print("On the train set:")
    predictions_train = predict(train_X, train_Y, parameters)
    print("On the test set:")
    predictions_test = predict(test_X, test_Y, parameters)
