"""Validation, incremental learning, callbacks, diagnostics, LR finder, plots."""

import types

import numpy as np
import pytest
import sklearn
from scipy import sparse
from sklearn.base import clone
from sklearn.datasets import load_digits, make_blobs, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from rumelhart import RumelhartClassifier, find_learning_rate
from rumelhart._engines.numpy import NumpyMLP
from rumelhart.callbacks import (
    ActivationRecorder,
    Callback,
    EarlyStopping,
    GradientRecorder,
    LossRecorder,
    ParamScheduler,
    ProgressBar,
    StopTraining,
    WeightRecorder,
)
from rumelhart.exceptions import TrainingInterruptedWarning

from .conftest import CLASSIFIERS, ESTIMATORS, fast

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_early_stopping_restores_the_best_epoch(cls):
    X, y = make_classification(
        n_samples=400, n_features=20, n_informative=5, flip_y=0.3, random_state=0
    )
    if not hasattr(cls, "predict_proba"):
        y = X[:, 0] + np.random.default_rng(0).normal(scale=2, size=len(X))
    est = fast(
        cls,
        early_stopping=True,
        validation_fraction=0.25,
        n_iter_no_change=15,
        tol=0,
        max_iter=300,
        random_state=1,
        scoring=None,  # the estimator's score: re-scored below as the oracle
    )
    if cls.__name__.startswith("Rumelhart"):
        eps = 2.0 if hasattr(cls, "predict_proba") else 0.2
        est.set_params(eps=eps, hidden_layer_sizes=(200,))
    else:
        est.set_params(lr=0.05, hidden_layer_sizes=(200,))
    est.fit(X, y)
    scores = est.validation_scores_
    assert est.best_validation_score_ == max(scores)
    best = int(np.argmax(scores))
    assert best < len(scores) - 1  # training went on past the best epoch...
    # ...and the weights are back at the best one: re-score the same split.
    stratify = y if hasattr(est, "classes_") else None
    _, X_val, _, y_val = train_test_split(
        X, y, test_size=0.25, random_state=1, stratify=stratify
    )
    assert est.score(X_val, y_val) == pytest.approx(est.best_validation_score_)
    assert est.best_loss_ == min(est.loss_curve_)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_partial_fit_over_chunks_reaches_fit_accuracy(cls):
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    params = dict(hidden_layer_sizes=(64,), batch_size=64, random_state=0)
    if cls.__name__.startswith("Torch"):
        params.update(lr=0.01, device="cpu")
    else:
        params.update(eps=0.1)
    full = cls(max_iter=20, tol=0, **params).fit(X_train, y_train)
    incremental = cls(**params)
    for _ in range(20):
        for chunk in np.array_split(np.arange(len(X_train)), 5):
            incremental.partial_fit(
                X_train[chunk], y_train[chunk], classes=np.arange(10)
            )
    assert incremental.n_iter_ == 100
    assert incremental.score(X_test, y_test) >= full.score(X_test, y_test) - 0.02


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_class_weight(cls):
    X, y = make_classification(
        n_samples=200, weights=[0.9], n_features=5, random_state=0
    )
    # 30 full-batch updates: past the first swings of the momentum, which
    # on the first layer's auto range still over-predict the minority class
    # unweighted at 15 updates (0.165, against 0.135 weighted).
    params = dict(batch_size=None, max_iter=30, tol=0)
    balanced = fast(cls, class_weight="balanced", **params).fit(X, y)
    explicit = fast(cls, **params).fit(
        X, y, sample_weight=compute_sample_weight("balanced", y)
    )
    np.testing.assert_allclose(balanced.loss_curve_, explicit.loss_curve_, rtol=1e-6)
    as_dict = fast(cls, class_weight={0: 1.0, 1: 9.0}, **params).fit(X, y)
    assert as_dict.predict(X).mean() > fast(cls, **params).fit(X, y).predict(X).mean()
    with pytest.raises(ValueError, match="partial_fit"):
        fast(cls, class_weight="balanced").partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="not in y"):
        fast(cls, class_weight={0: 1.0, 7: 2.0}).fit(X, y)


def test_sample_weight_routed_through_pipeline_and_grid_search():
    X, y = make_classification(n_samples=150, n_features=5, random_state=0)
    weights = np.random.default_rng(0).integers(0, 4, size=len(y)).astype(float)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = RumelhartClassifier(max_iter=30, random_state=0)
        clf.set_fit_request(sample_weight=True).set_score_request(sample_weight=True)
        pipe = make_pipeline(StandardScaler().set_fit_request(sample_weight=True), clf)
        grid = GridSearchCV(pipe, {"rumelhartclassifier__eps": [0.5]}, cv=3)
        grid.fit(X, y, sample_weight=weights)
        direct = clone(pipe).fit(X, y, sample_weight=weights)
        unweighted = clone(pipe).fit(X, y)
    routed = grid.best_estimator_[-1].coefs_[0]
    np.testing.assert_allclose(routed, direct[-1].coefs_[0])
    assert not np.allclose(routed, unweighted[-1].coefs_[0])


def _with_dev_set():
    X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    X = X * 10 + 3  # the scaler matters
    return X[:150], y[:150], X[150:], y[150:]


def test_validation_rows_routed_through_pipeline_and_grid_search():
    X, y, X_val, y_val = _with_dev_set()
    clf = fast(RumelhartClassifier, max_iter=20, early_stopping=True, scoring="f1")
    scaler = StandardScaler().fit(X)
    # The pattern without routing: fit the preprocessing, transform X_val
    # yourself, pass it to the final step.
    by_hand = clone(clf).fit(
        scaler.transform(X), y, X_val=scaler.transform(X_val), y_val=y_val
    )
    with sklearn.config_context(enable_metadata_routing=True):
        routed = clone(clf).set_fit_request(X_val=True, y_val=True)
        # transform_input: the pipeline passes X_val through the fitted scaler.
        pipe = Pipeline(
            [("scale", StandardScaler()), ("clf", routed)], transform_input=["X_val"]
        )
        pipe.fit(X, y, X_val=X_val, y_val=y_val)
        grid = GridSearchCV(pipe, {"clf__eps": [0.5]}, cv=3)
        grid.fit(X, y, X_val=X_val, y_val=y_val)
    assert pipe[-1].validation_scores_ == by_hand.validation_scores_
    np.testing.assert_allclose(pipe[-1].coefs_[0], by_hand.coefs_[0])
    # The refitted best pipeline trained on all of X, validated on X_val.
    assert grid.best_estimator_[-1].validation_scores_ == by_hand.validation_scores_
    # fit_params of the step, without routing, reach the final step as well.
    plain = Pipeline([("scale", StandardScaler()), ("clf", clone(clf))])
    plain.fit(X, y, clf__X_val=scaler.transform(X_val), clf__y_val=y_val)
    assert plain[-1].validation_scores_ == by_hand.validation_scores_


def test_validation_rows_need_a_request_under_routing():
    X, y, X_val, y_val = _with_dev_set()
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(StandardScaler(), fast(RumelhartClassifier, max_iter=5))
        with pytest.raises(ValueError, match="X_val"):
            pipe.fit(X, y, X_val=X_val, y_val=y_val)


def _tiny_problem():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.5, -1.0]])
    y = np.array([0, 1, 0, 1])
    return X, y


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_recorders_match_a_hand_computation():
    """2-2-1 sigmoid network, squared error: every number worked out by hand."""
    X, y = _tiny_problem()
    recorders = [
        LossRecorder(),
        ActivationRecorder(every_n=1),
        GradientRecorder(every_n=1),
        WeightRecorder(every_n=1),
    ]
    clf = RumelhartClassifier(
        hidden_layer_sizes=(2,),
        loss="squared_error",
        eps=0.5,
        alpha=0.0,
        init_range=0.3,  # NumpyMLP's default: the draw below is the same
        weight_decay=0.0,
        batch_size=None,
        max_iter=1,
        random_state=3,
        callbacks=recorders,
    ).fit(X, y)
    # The weights before training: the same seed gives the same draw.
    init = NumpyMLP(
        (2, 2, 1),
        output_activation="logistic",
        loss="squared_error",
        lr=0.5,
        momentum=0.0,
        seed=3,
    )
    (W1, W2), (b1, b2) = init.coefs, init.intercepts
    h = _sigmoid(X @ W1 + b1)
    o = _sigmoid(h @ W2 + b2)
    d = y[:, None].astype(float)
    loss = 0.5 * ((o - d) ** 2).sum() / len(X)
    delta_o = (o - d) * o * (1 - o) / len(X)
    grad_W2 = h.T @ delta_o
    grad_W1 = X.T @ ((delta_o @ W2.T) * h * (1 - h))

    history = clf.history_
    assert set(history) == {"epochs", "loss", "activations", "gradients", "weights"}
    assert history["loss"] == [
        {"step": 1, "epoch": 1, "loss": pytest.approx(loss), "lr": 0.5}
    ]
    before = {r["layer"]: r for r in history["activations"] if r["step"] == 0}
    assert before["hidden_1"]["mean"] == pytest.approx(h.mean())
    assert before["hidden_1"]["std"] == pytest.approx(h.std())
    assert before["output"]["mean"] == pytest.approx(o.mean())
    assert before["hidden_1"]["dead"] == 0.0
    grads = {r["layer"]: r for r in history["gradients"] if r["step"] == 0}
    assert grads["hidden_1"]["norm"] == pytest.approx(np.linalg.norm(grad_W1))
    assert grads["output"]["abs_max"] == pytest.approx(np.abs(grad_W2).max())
    assert grads["output"]["mean"] == pytest.approx(grad_W2.mean())
    weights = {r["layer"]: r for r in history["weights"] if r["step"] == 1}
    W1_after = W1 - 0.5 * grad_W1  # alpha = 0: one plain gradient step
    assert weights["hidden_1"]["norm"] == pytest.approx(np.linalg.norm(W1_after))
    assert [r["step"] for r in history["weights"]] == [0, 0, 1, 1]


def test_recorders_agree_across_backends():
    torch = pytest.importorskip("torch")
    from rumelhart import TorchMLPClassifier

    X, y = _tiny_problem()
    init = NumpyMLP(
        (2, 3, 1),
        output_activation="logistic",
        loss="squared_error",
        lr=0.5,
        momentum=0.9,
        seed=0,
    )
    module = torch.nn.Sequential(
        torch.nn.Linear(2, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 1)
    ).double()
    with torch.no_grad():
        for linear, W, b in zip(module[::2], init.coefs, init.intercepts):
            linear.weight.copy_(torch.from_numpy(W.T))
            linear.bias.copy_(torch.from_numpy(b))

    def recorders():
        return [ActivationRecorder(every_n=2), GradientRecorder(every_n=2)]

    common = dict(loss="squared_error", max_iter=6, tol=0, random_state=0)
    numpy_clf = RumelhartClassifier(
        hidden_layer_sizes=(3,),
        eps=0.5,
        alpha=0.9,
        init_range=0.3,
        weight_decay=0.0,
        batch_size=None,
        callbacks=recorders(),
        **common,
    ).fit(X, y)
    torch_clf = TorchMLPClassifier(
        module=module,
        optimizer="sgd",
        lr=0.5,
        momentum=0.9,
        weight_decay=0.0,  # as the NumPy network's
        dtype="float64",
        device="cpu",
        batch_size=None,
        callbacks=recorders(),
        **common,
    ).fit(X, y)
    for kind in ("activations", "gradients"):
        ours, theirs = numpy_clf.history_[kind], torch_clf.history_[kind]
        assert [(r["step"], r["layer"]) for r in ours] == [
            (r["step"], r["layer"]) for r in theirs
        ]
        for a, b in zip(ours, theirs):
            for key in a:
                if key not in ("step", "epoch", "layer"):
                    assert a[key] == pytest.approx(b[key], rel=1e-7, abs=1e-12)


def test_torch_recorders_read_back_once_per_epoch(monkeypatch):
    """No host sync per batch: values stay on the device until the epoch ends."""
    torch = pytest.importorskip("torch")
    from rumelhart import TorchMLPClassifier
    from rumelhart._engines.torch import TorchMLP

    X, y = make_classification(n_samples=320, n_features=6, random_state=0)
    inside_epoch = [False]
    syncs = {"inside": 0, "outside": 0}

    def counting(method):
        original = getattr(torch.Tensor, method)

        def wrapper(self, *args, **kwargs):
            syncs["inside" if inside_epoch[0] else "outside"] += 1
            return original(self, *args, **kwargs)

        monkeypatch.setattr(torch.Tensor, method, wrapper)

    for method in ("cpu", "item", "tolist", "numpy", "__float__", "__bool__"):
        counting(method)
    run_epoch = TorchMLP.run_epoch

    def watched_run_epoch(self, *args, **kwargs):
        inside_epoch[0] = True
        try:
            return run_epoch(self, *args, **kwargs)
        finally:
            inside_epoch[0] = False

    monkeypatch.setattr(TorchMLP, "run_epoch", watched_run_epoch)
    epochs = 4
    # SGD: Adam reads its CPU step counter with .item(), by design of torch.
    TorchMLPClassifier(
        optimizer="sgd",
        batch_size=32,
        max_iter=epochs,
        tol=0,
        device="cpu",
        callbacks=[
            GradientRecorder(every_n=1),
            ActivationRecorder(every_n=1),
            LossRecorder(),
        ],
    ).fit(X, y)
    # 10 batches per epoch, each recorded by 3 recorders: the only read-back
    # inside an epoch is its loss, once; the records are copied after it.
    assert syncs["inside"] == epochs
    assert syncs["outside"] > 3 * 10 * epochs


def test_callbacks_cost_nothing_when_unused():
    from rumelhart._training import Hooks

    assert Hooks([]).batch_hook(None) is None
    assert Hooks([EarlyStopping()]).batch_hook(None) is None  # epoch-level only
    assert Hooks([LossRecorder()]).batch_hook(None) is not None


def test_fit_never_changes_the_callbacks_it_was_given():
    X, y = _tiny_problem()
    recorder = LossRecorder()
    clf = RumelhartClassifier(max_iter=3, callbacks=[recorder]).fit(X, y)
    assert not hasattr(recorder, "records_")
    assert clf.callbacks_[0] is not recorder
    assert len(clf.history_["loss"]) == 3
    clf2 = RumelhartClassifier(max_iter=3, warm_start=True, callbacks=[recorder])
    clf2.fit(X, y).fit(X, y)
    assert len(clf2.history_["loss"]) == 6  # warm start keeps recording
    with pytest.raises(TypeError, match="Callback"):
        RumelhartClassifier(callbacks=[lambda: None]).fit(X, y)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_early_stopping_callback_and_stop_training(cls):
    X, y = make_blobs(n_samples=100, centers=2, random_state=0)
    stopper = EarlyStopping(monitor="loss", patience=2, min_delta=1e9)
    est = fast(cls, max_iter=50, callbacks=[stopper]).fit(X, y)
    # No epoch improves by min_delta after the first: 2 more, then stop. The
    # best epoch is the lowest loss all the same (what restore_best restores).
    assert est.n_iter_ == 3
    record = est.history_["early_stopping"][0]
    assert record["best_epoch"] == int(np.argmin(est.loss_curve_)) + 1
    assert record["stopped_epoch"] == 3

    class StopAtStep(Callback):
        def on_batch_end(self, context):
            if context.step == 7:
                raise StopTraining

    est = fast(cls, batch_size=10, max_iter=50, callbacks=[StopAtStep()]).fit(X, y)
    assert est.n_steps_ == 7
    assert est.n_iter_ == 0 or est.n_iter_ == len(est.loss_curve_)


class _Steps:
    """The part of a training context that EarlyStopping reads, stepped by hand."""

    def __init__(self):
        self.epoch, self.step, self.logs, self.stop_reason = 0, 0, {}, None
        self.engine = types.SimpleNamespace(lr=1.0, snapshot=lambda: None)


def _stopped_epoch(values, **params):
    """The epoch at which EarlyStopping(monitor="loss", **params) stops on
    the loss sequence ``values`` (None: never)."""
    return _run_stopper(EarlyStopping(monitor="loss", **params), values)


def _run_stopper(stopper, values):
    """The epoch at which ``stopper`` ends a run whose epochs (one weight
    update each) log the losses ``values`` (None: never)."""
    context = _Steps()
    stopper.on_fit_begin(context)
    for epoch, value in enumerate(values, start=1):
        context.epoch, context.step, context.logs = epoch, epoch, {"loss": value}
        if stopper.on_epoch_end(context):
            return epoch
    return None


def test_patience_grows_with_the_epoch_of_the_best():
    # Falls until epoch 40, then flat: patience 10 stops 10 epochs later;
    # with patience_growth=0.5 the wait is 0.5 * 40 = 20 epochs.
    values = [1.0 - 0.01 * min(epoch, 40) for epoch in range(1, 200)]
    assert _stopped_epoch(values, patience=10) == 50
    assert _stopped_epoch(values, patience=10, patience_growth=0.5) == 60
    # An early best keeps the fixed patience: 0.5 * 4 < 10.
    early = [1.0 - 0.01 * min(epoch, 4) for epoch in range(1, 200)]
    assert _stopped_epoch(early, patience=10, patience_growth=0.5) == 14
    # The wait grows from the last improvement of more than min_delta: a
    # creep of 1e-5 an epoch after epoch 40 (new bests, none by 1e-4) does
    # not extend it.
    creep = [v - 1e-5 * epoch for epoch, v in enumerate(values, start=1)]
    assert _stopped_epoch(creep, patience=10, min_delta=1e-4) == 50
    grown = _stopped_epoch(creep, patience=10, min_delta=1e-4, patience_growth=0.5)
    assert grown == 60


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_keyboard_interrupt_keeps_weights_so_far(cls):
    X, y = make_blobs(n_samples=100, centers=2, random_state=0)

    class CtrlC(Callback):
        def on_epoch_begin(self, context):
            if context.epoch == 4:
                raise KeyboardInterrupt

    est = fast(cls, max_iter=50, tol=0, callbacks=[CtrlC()])
    with pytest.warns(TrainingInterruptedWarning, match="interrupted"):
        est.fit(X, y)
    assert est.n_iter_ == 3 == len(est.loss_curve_)
    assert est.predict(X).shape == (100,)


def test_param_scheduler_sets_momentum_and_lr():
    X, y = _tiny_problem()
    scheduler = ParamScheduler(
        lr=lambda t: 0.1 * t, momentum=lambda t: 0.5 if t <= 2 else 0.9
    )
    clf = RumelhartClassifier(max_iter=4, tol=0, callbacks=[scheduler]).fit(X, y)
    assert clf.history_["schedule"] == [
        {"t": 1, "lr": 0.1, "momentum": 0.5},
        {"t": 2, "lr": 0.2, "momentum": 0.5},
        {"t": 3, "lr": pytest.approx(0.3), "momentum": 0.9},
        {"t": 4, "lr": 0.4, "momentum": 0.9},
    ]
    assert clf._engine.optimizer.momentum == 0.9
    per_batch = ParamScheduler(lr=lambda t: 1.0 / t, on="batch")
    clf = RumelhartClassifier(
        batch_size=2, max_iter=2, tol=0, callbacks=[per_batch, LossRecorder()]
    ).fit(X, y)
    assert [r["lr"] for r in clf.history_["loss"]] == [1.0, 0.5, 1 / 3, 0.25]


def test_linear_decay_holds_then_steps_down_to_a_share_of_the_start():
    from rumelhart.schedules import LinearDecay

    # 10 epochs, 30 %: floor(3) steps down, each of 0.4 / 4, the last at 0.1.
    lr = LinearDecay(0.4, total=10, share=0.3)
    expected = [0.4] * 7 + [0.3, 0.2, 0.1] + [0.1]
    assert [lr(t) for t in range(1, 12)] == pytest.approx(expected)
    assert [LinearDecay(0.4, 10, share=0.0)(t) for t in (1, 10)] == [0.4, 0.4]
    assert LinearDecay(0.4, 10) == LinearDecay(0.4, 10, 0.25)
    assert repr(lr) == "LinearDecay(initial=0.4, total=10, share=0.3)"
    with pytest.raises(ValueError, match="share must be in"):
        LinearDecay(0.4, 10, share=1.5)
    with pytest.raises(ValueError, match="total"):
        LinearDecay(0.4, 0)


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_epoch_schedule_continues_across_partial_fit_calls(backend):
    """partial_fit trains one epoch per call; an epoch schedule counts the
    calls, which is how to anneal over a stream of chunks."""
    X, y = _tiny_problem()
    seen = []
    scheduler = ParamScheduler(lr=lambda epoch: seen.append(epoch) or 0.1 / epoch)
    if backend == "torch":
        pytest.importorskip("torch")
        from rumelhart import TorchMLPClassifier

        est = TorchMLPClassifier(optimizer="sgd", device="cpu", callbacks=[scheduler])
    else:
        est = RumelhartClassifier(callbacks=[scheduler])
    for _ in range(3):
        est.partial_fit(X, y, classes=[0, 1])
    assert seen == [1, 2, 3]
    lr = "lr" if backend == "torch" else "eps"
    assert est._engine.lr == pytest.approx(0.1 / 3)
    assert est.get_params()[lr] != pytest.approx(0.1 / 3)  # the parameter stays


def test_verbose_prints_one_line_per_epoch(capsys):
    X, y = _tiny_problem()
    RumelhartClassifier(max_iter=3, tol=0, verbose=1).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("epoch=1, loss=")
    assert "time=" in lines[0]
    assert lines[-1] == "Training stopped after epoch 3: max_iter."


def test_verbose_prints_the_score_of_the_given_validation_rows(capsys):
    X, y, X_val, y_val = _with_dev_set()
    clf = fast(RumelhartClassifier, max_iter=3, verbose=1, scoring="f1")
    clf.fit(X / 10, y, X_val=X_val / 10, y_val=y_val)
    lines = capsys.readouterr().out.strip().splitlines()
    for line, score, loss in zip(lines, clf.validation_scores_, clf.validation_loss_):
        assert f"val_f1={score:.6g}, val_loss={loss:.6g}" in line


def test_verbose_names_the_score_and_leaves_out_minus_the_loss(capsys):
    """With scoring="loss" the score is -val_loss: printed once, as the
    loss; with scoring=None, the estimator's own score as val_score."""
    X, y, X_val, y_val = _with_dev_set()
    for scoring, shown in [("loss", None), (None, "val_score")]:
        clf = fast(RumelhartClassifier, max_iter=2, verbose=1, scoring=scoring)
        clf.fit(X / 10, y, X_val=X_val / 10, y_val=y_val)
        lines = capsys.readouterr().out.strip().splitlines()[:2]
        for line, score, loss in zip(
            lines, clf.validation_scores_, clf.validation_loss_
        ):
            assert line.count("val_") == (1 if shown is None else 2)
            assert f"val_loss={loss:.6g}" in line
            assert "validation_" not in line
            if shown is None:
                assert "val_score" not in line and "val_-loss" not in line
            else:
                assert f"{shown}={score:.6g}, val_loss=" in line


def test_progress_bar(capsys):
    pytest.importorskip("tqdm")
    X, y = _tiny_problem()
    # tqdm takes defaults from TQDM_* variables when it is imported (some CI
    # setups set TQDM_DISABLE=1; TQDM_NCOLS=8 hides the count): the values
    # that this test relies on are passed, as a caller may.
    bar = ProgressBar(disable=False, ncols=80)
    RumelhartClassifier(max_iter=5, tol=0, callbacks=[bar]).fit(X, y)
    assert "5/5" in capsys.readouterr().err


def test_progress_bar_names_the_validation_score(capsys):
    pytest.importorskip("tqdm")
    X, y, X_val, y_val = _with_dev_set()
    bar = ProgressBar(disable=False, ncols=200)
    clf = fast(RumelhartClassifier, max_iter=2, scoring="f1", callbacks=[bar])
    clf.fit(X / 10, y, X_val=X_val / 10, y_val=y_val)
    err = capsys.readouterr().err
    assert f"val_f1={clf.validation_scores_[-1]:.4g}" in err
    assert f"val_loss={clf.validation_loss_[-1]:.4g}" in err


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_lr_finder_suggestion_trains_and_leaves_estimator_alone(cls):
    X, y = make_blobs(n_samples=200, centers=3, random_state=0)
    X = StandardScaler().fit_transform(X)
    if not hasattr(cls, "predict_proba"):
        y = X @ [1.0, -2.0] + 0.1 * np.sin(3 * X[:, 0])
    est = fast(cls, batch_size=20)
    params = est.get_params()
    result = find_learning_rate(est, X, y, start_lr=1e-5, end_lr=100, num_steps=60)
    assert est.get_params() == params
    assert not hasattr(est, "n_iter_")
    assert 1e-5 <= result.suggestion <= 100
    assert len(result.lrs) == len(result.losses) <= 60
    assert np.all(np.diff(result.lrs) > 0)
    name = result.param_name
    tuned = clone(est).set_params(**{name: result.suggestion}, max_iter=50).fit(X, y)
    assert tuned.score(X, y) > 0.9


def test_lr_finder_in_a_pipeline_and_errors():
    X, y = make_blobs(n_samples=100, centers=2, random_state=0)
    pipe = make_pipeline(StandardScaler(), RumelhartClassifier(random_state=0))
    result = find_learning_rate(pipe, X, y, num_steps=30)
    assert result.param_name == "eps"
    with pytest.raises(ValueError, match="start_lr"):
        find_learning_rate(pipe, X, y, start_lr=1.0, end_lr=0.1)
    with pytest.raises(TypeError, match="rumelhart estimator"):
        find_learning_rate(StandardScaler(), X, y)


def test_lr_finder_takes_the_array_likes_fit_takes():
    X, y = make_blobs(n_samples=100, centers=2, random_state=0)
    est = RumelhartClassifier(random_state=0)
    expected = find_learning_rate(est, X, y, num_steps=30).losses
    for X_like in (X.tolist(), sparse.csr_matrix(X)):
        result = find_learning_rate(est, X_like, list(y), num_steps=30)
        np.testing.assert_allclose(result.losses, expected, rtol=1e-12)


def test_plots_render_to_png(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from rumelhart.plotting import (
        DiagnosticsDisplay,
        LossCurveDisplay,
        plot_decision_boundary,
    )

    X, y = make_blobs(n_samples=120, centers=2, random_state=42)
    clf = RumelhartClassifier(
        hidden_layer_sizes=(5,),
        batch_size=20,
        max_iter=15,
        early_stopping=True,
        random_state=0,
        scoring=None,  # a score axis beside the loss
        callbacks=[
            ActivationRecorder(every_n=2),
            GradientRecorder(every_n=2),
            WeightRecorder(every_n=2),
        ],
    ).fit(X, y)
    displays = [
        LossCurveDisplay.from_estimator(clf),
        DiagnosticsDisplay.from_estimator(clf, "activations", "saturated"),
        DiagnosticsDisplay.from_estimator(clf, "gradients", "norm"),
        DiagnosticsDisplay.from_estimator(clf, "weights", "std"),
        find_learning_rate(clf, X, y, num_steps=20).plot(),
        plot_decision_boundary(clf, X, y, response_method="predict_proba"),
    ]
    for i, display in enumerate(displays):
        path = tmp_path / f"plot{i}.png"
        display.figure_.savefig(path)
        assert path.read_bytes()[:4] == b"\x89PNG"
    assert displays[0].validation_line_ is not None
    assert len(displays[1].lines_) == 2  # hidden_1 and output
    with pytest.raises(ValueError, match="recorded no"):
        DiagnosticsDisplay.from_estimator(
            RumelhartClassifier(max_iter=2).fit(X, y), "gradients"
        )
    matplotlib.pyplot.close("all")


def test_convergence_warning_only_when_max_iter_is_hit():
    X, y = _tiny_problem()
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        RumelhartClassifier(max_iter=2, tol=0).fit(X, y)


def test_diagnostics_example_writes_its_figures(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    pytest.importorskip("matplotlib")
    script = Path(__file__).parents[1] / "examples" / "plot_diagnostics.py"
    env = {**os.environ, "RUMELHART_FIGURES": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in tmp_path.glob("*.png"))
    assert "diagnostics_numpy_recorders.png" in written
    assert "diagnostics_numpy_probability_map.png" in written
    if "torch validation accuracy" in done.stdout:
        assert "diagnostics_torch_recorders.png" in written
        accuracy = float(done.stdout.split("torch validation accuracy:")[1].split()[0])
        assert accuracy > 0.95


@pytest.mark.parametrize(
    ("growth", "expected"),
    # 40 epochs of gains, then a plateau: a fixed patience of 5 stops at 45;
    # a patience of a quarter (a half) of the 40 epochs that led to the last
    # gain waits 10 (20) flat epochs.
    [(0.0, 45), (0.25, 50), (0.5, 60)],
)
def test_early_stopping_patience_grows_with_the_epochs_run(growth, expected):
    losses = [100.0 - epoch for epoch in range(1, 41)] + [60.0] * 100
    stopper = EarlyStopping(patience=5, patience_growth=growth)
    assert _run_stopper(stopper, losses) == expected
    assert stopper.best_epoch_ == 40


@pytest.mark.parametrize("growth", [-0.1, float("inf"), float("nan")])
def test_early_stopping_refuses_a_patience_growth_that_is_no_share(growth):
    with pytest.raises(ValueError, match=r"patience_growth must be a finite number"):
        _stopped_epoch([1.0], patience_growth=growth)
