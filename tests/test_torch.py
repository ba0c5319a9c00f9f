"""Torch estimators: parity with the NumPy network, devices, custom modules."""

import pickle
import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import load_wine, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

torch = pytest.importorskip("torch")

from rumelhart import (  # noqa: E402
    RumelhartClassifier,
    TorchMLPClassifier,
    TorchMLPRegressor,
)
from rumelhart._engines.numpy import NumpyMLP  # noqa: E402


def _module_with_weights(coefs, intercepts):
    layers = []
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        linear = torch.nn.Linear(*W.shape).double()
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T))
            linear.bias.copy_(torch.from_numpy(b))
        layers.append(linear)
        if i < len(coefs) - 1:
            layers.append(torch.nn.Sigmoid())
    return torch.nn.Sequential(*layers)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_same_trajectory_as_rumelhart_classifier(n_classes):
    X, y = make_classification(
        n_samples=80,
        n_features=5,
        n_informative=3,
        n_classes=n_classes,
        random_state=0,
    )
    params = dict(max_iter=50, tol=0, batch_size=None, random_state=7)
    numpy_clf = RumelhartClassifier(
        hidden_layer_sizes=(6,),
        loss="squared_error",
        eps=0.3,
        alpha=0.9,
        init_range=0.3,  # NumpyMLP's default: the torch module starts there too
        weight_decay=0.0,  # as torch's SGD below
        **params,
    ).fit(X, y)
    n_out = 1 if n_classes == 2 else n_classes
    initial = NumpyMLP(
        (5, 6, n_out),
        output_activation="logistic",
        loss="squared_error",
        lr=0.3,
        momentum=0.9,
        seed=7,
    )
    torch_clf = TorchMLPClassifier(
        module=_module_with_weights(initial.coefs, initial.intercepts),
        loss="squared_error",
        optimizer="sgd",
        lr=0.3,
        momentum=0.9,
        weight_decay=0.0,  # as the NumPy network's
        device="cpu",
        dtype="float64",
        **params,
    ).fit(X, y)
    np.testing.assert_allclose(torch_clf.loss_curve_, numpy_clf.loss_curve_, rtol=1e-9)
    trained = [m for m in torch_clf.module_ if isinstance(m, torch.nn.Linear)]
    for layer, W, b in zip(trained, numpy_clf.coefs_, numpy_clf.intercepts_):
        np.testing.assert_allclose(layer.weight.detach().numpy().T, W, atol=1e-5)
        np.testing.assert_allclose(layer.bias.detach().numpy(), b, atol=1e-5)
    np.testing.assert_allclose(
        torch_clf.predict_proba(X), numpy_clf.predict_proba(X), atol=1e-6
    )


@pytest.mark.parametrize(
    "activation",
    [
        *("relu", "sigmoid", "tanh", "identity"),
        *("gelu", "silu", "leaky_relu", "elu", "softplus"),
    ],
)
@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamw"])
def test_activations_and_optimizers_train(activation, optimizer):
    X, y = make_classification(n_samples=200, n_features=6, random_state=0)
    clf = TorchMLPClassifier(
        hidden_layer_sizes=(16,),
        activation=activation,
        optimizer=optimizer,
        lr=0.05 if optimizer == "sgd" else 0.01,
        max_iter=60,
        device="cpu",
        random_state=0,
    ).fit(X, y)
    assert clf.score(X, y) > 0.85


@pytest.mark.parametrize("schedule", ["constant", "onecycle", "cosine"])
def test_lr_schedules(schedule):
    X, y = make_classification(n_samples=200, n_features=6, random_state=0)
    clf = TorchMLPClassifier(
        lr_schedule=schedule,
        lr=0.01,
        max_iter=30,
        tol=0,
        device="cpu",
        random_state=0,
        batch_size=50,
    )
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        clf.fit(X, y)
    assert clf.score(X, y) > 0.85
    # The schedule belongs to one fit: the optimizer's rate is restored after.
    assert clf._engine.scheduler is None


class Quadratic(torch.nn.Module):
    def __init__(self, n_features, n_outputs):
        super().__init__()
        self.linear = torch.nn.Linear(2 * n_features, n_outputs)

    def forward(self, x):
        return self.linear(torch.cat([x, x * x], dim=1))


def test_custom_module_class_and_instance():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = (X**2).sum(axis=1) > 1.5  # a circle: not linear in X, linear in X**2
    clf = TorchMLPClassifier(
        module=Quadratic, lr=0.05, max_iter=200, device="cpu", random_state=0
    ).fit(X, y)
    assert clf.score(X, y) > 0.95
    assert not hasattr(clf, "coefs_")
    instance = Quadratic(2, 1)
    before = [p.detach().clone() for p in instance.parameters()]
    TorchMLPClassifier(module=instance, max_iter=5, device="cpu").fit(X, y)
    for p, q in zip(instance.parameters(), before):
        assert torch.equal(p, q)  # the user's module is never trained in place
    reg = TorchMLPRegressor(module=Quadratic(2, 1), max_iter=3, device="cpu")
    with pytest.raises(ValueError, match="raw outputs"):
        reg.fit(X, np.c_[X, X])  # 4 targets, but the module has 1 output
    bad = TorchMLPClassifier(module=lambda n_in, n_out: "not a module", device="cpu")
    with pytest.raises(TypeError, match=r"nn\.Module"):
        bad.fit(X, y)


def test_grid_search_with_two_jobs():
    X, y = load_wine(return_X_y=True)
    pipe = make_pipeline(
        StandardScaler(), TorchMLPClassifier(max_iter=50, device="cpu", random_state=0)
    )
    grid = GridSearchCV(
        pipe, {"torchmlpclassifier__lr": [1e-3, 1e-2]}, cv=3, n_jobs=2
    ).fit(X, y)
    assert grid.best_score_ > 0.9


def test_device_auto_is_cpu_without_accelerators():
    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    X, y = make_classification(n_samples=50, random_state=0)
    clf = TorchMLPClassifier(max_iter=2).fit(X, y)
    assert clf.device_ == "cpu"
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        TorchMLPClassifier(device="cuda", max_iter=2).fit(X, y)


def test_import_rumelhart_does_not_import_torch():
    code = "import sys, rumelhart; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_torch_names_the_extra():
    code = (
        "import sys, importlib.abc\n"
        "class NoTorch(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] == 'torch':\n"
        "            raise ImportError('No module named ' + repr(name))\n"
        "sys.meta_path.insert(0, NoTorch())\n"
        "import rumelhart\n"
        "try:\n"
        "    rumelhart.TorchMLPClassifier\n"
        "except ImportError as e:\n"
        "    assert 'rumelhart[torch]' in str(e), e\n"
        "else:\n"
        "    raise SystemExit('no ImportError')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.gpu
def test_cuda_fit_predict_and_pickle_to_cpu():
    X, y = make_classification(n_samples=500, n_features=10, random_state=0)
    clf = TorchMLPClassifier(device="cuda", max_iter=20, random_state=0).fit(X, y)
    assert clf.device_.startswith("cuda")
    assert clf.score(X, y) > 0.9
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(
        restored.predict_proba(X), clf.predict_proba(X), rtol=1e-5
    )
    # Every tensor in the pickle is a CPU tensor: it loads without a GPU.
    state = clf._engine.__getstate__()
    assert next(state["module"].parameters()).device.type == "cpu"


@pytest.mark.gpu
def test_cuda_matches_cpu():
    X, y = make_classification(n_samples=300, n_features=8, random_state=0)
    params = dict(max_iter=10, tol=0, random_state=0, dtype="float64", batch_size=None)
    cpu = TorchMLPClassifier(device="cpu", **params).fit(X, y)
    gpu = TorchMLPClassifier(device="cuda", **params).fit(X, y)
    np.testing.assert_allclose(gpu.loss_curve_, cpu.loss_curve_, rtol=1e-6)


def test_model_trained_on_gpu_loads_on_cpu_only_machine(monkeypatch):
    """Simulate a pickle written on a CUDA machine, loaded where there is none."""
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    clf = TorchMLPClassifier(max_iter=3, device="cpu", random_state=0).fit(X, y)
    state = clf._engine.__getstate__()
    state["device"] = "cuda:0"  # as written by a GPU fit
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    engine = type(clf._engine).__new__(type(clf._engine))
    engine.__setstate__(state)
    assert engine.device.type == "cpu"
    np.testing.assert_allclose(engine.predict(X), clf._engine.predict(X))


class _FirstLearningRate:
    """A callback recording the engine's learning rate as training starts
    (a class-level log: fit trains with copies of its callbacks)."""

    seen: list = []

    @classmethod
    def make(cls):
        from rumelhart.callbacks import Callback

        class Recorder(Callback):
            def on_fit_begin(self, context):
                cls.seen.append(context.engine.lr)

        return Recorder()


@pytest.mark.parametrize("cls", [TorchMLPClassifier, TorchMLPRegressor])
def test_lr_auto_is_fast_in_fit_and_adams_usual_in_partial_fit(cls):
    X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    _FirstLearningRate.seen = []
    est = cls(max_iter=2, device="cpu", random_state=0)
    assert est.lr == "auto"
    est.set_params(callbacks=[_FirstLearningRate.make()]).fit(X, y)
    kwargs = {"classes": [0, 1]} if cls is TorchMLPClassifier else {}
    clone_ = cls(device="cpu", random_state=0, callbacks=[_FirstLearningRate.make()])
    clone_.partial_fit(X, y, **kwargs)
    cls(lr=0.05, max_iter=1, device="cpu", callbacks=[_FirstLearningRate.make()]).fit(
        X, y
    )
    assert _FirstLearningRate.seen == pytest.approx([1e-2, 1e-3, 0.05])
    with pytest.raises(ValueError, match="lr"):
        cls(lr="fast").fit(X, y)
