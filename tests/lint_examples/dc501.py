"""DC501: global statements in forward/backward functions."""


def L_model_forward(X, parameters):
    global caches  # DC501
    return X


def backward_propagation(parameters, cache, X, Y):
    global grads, learning_rate  # DC501
    return cache


def propagate_step():
    global state  # DC501
    return state


# Look-alikes that must stay silent.
counter = 0


def train():
    global counter
    counter += 1


class Net:
    def forward(self, X):
        return X
