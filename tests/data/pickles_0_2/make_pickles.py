"""Write the fitted estimators of ``tests/data/pickles_0_2/`` (run once).

These pickles were made by rumelhart 0.2.0 at commit 942696e, before the
engines moved into ``rumelhart._engines``: they reference the engine classes
by their old module paths (``rumelhart._numpy_engine.NumpyMLP``,
``rumelhart._optim.Momentum``, ``rumelhart._torch_engine.TorchMLP``).
``tests/test_persistence.py`` checks that they still load and predict as
they did. Rerunning this script with a later version writes the new paths:
keep the committed files.

Run from the repository root: ``python tests/data/pickles_0_2/make_pickles.py``.
"""

import os
import pickle
import warnings

import numpy as np
from sklearn.datasets import make_blobs

import rumelhart

HERE = os.path.dirname(os.path.abspath(__file__))

#: name -> (estimator class, parameters, task)
CASES = {
    "RumelhartClassifier": (
        rumelhart.RumelhartClassifier,
        dict(loss="squared_error", dead_zone=0.1, batch_size=16),
        "classifier",
    ),
    "RumelhartRegressor": (rumelhart.RumelhartRegressor, {}, "regressor"),
    "RumelhartAutoencoder": (rumelhart.RumelhartAutoencoder, {}, "autoencoder"),
    "TorchMLPClassifier": (
        "TorchMLPClassifier",
        dict(optimizer="sgd", lr=0.05, batch_size=16, device="cpu"),
        "classifier",
    ),
    "TorchMLPRegressor": (
        "TorchMLPRegressor",
        dict(lr=0.01, dtype="float64", device="cpu"),
        "regressor",
    ),
    "TorchAutoencoder": (
        "TorchAutoencoder",
        dict(lr=0.01, device="cpu"),
        "autoencoder",
    ),
}


def data(task):
    X, labels = make_blobs(n_samples=40, centers=3, n_features=4, random_state=1)
    if task == "classifier":
        return X, labels
    if task == "regressor":
        return X, np.c_[X @ [1.0, 2, 3, 4], X[:, 0]]
    return X, None


def outputs(est, X, task):
    """What a restored estimator must reproduce."""
    out = {"transform": est.transform(X)}
    if task == "autoencoder":
        out["inverse_transform"] = est.inverse_transform(out["transform"])
    else:
        out["predict"] = est.predict(X)
    if task == "classifier":
        out["predict_proba"] = est.predict_proba(X)
    return out


def main():
    for name, (cls, params, task) in CASES.items():
        if isinstance(cls, str):
            cls = getattr(rumelhart, cls)
        X, y = data(task)
        hidden = (3,) if task == "autoencoder" else (6,)
        est = cls(hidden_layer_sizes=hidden, max_iter=10, random_state=0, **params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X) if y is None else est.fit(X, y)
        saved = {"estimator": est, "X": X, "y": y, "outputs": outputs(est, X, task)}
        with open(os.path.join(HERE, f"{name}.pkl"), "wb") as f:
            pickle.dump(saved, f, protocol=4)


if __name__ == "__main__":
    main()
