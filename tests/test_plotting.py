"""Displays: loss curves, decision boundaries, Hinton diagrams, LR finder warning."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rumelhart import RumelhartClassifier
from rumelhart.callbacks import GradientRecorder
from rumelhart.lr_finder import LRFinderResult

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from rumelhart.plotting import (  # noqa: E402
    DiagnosticsDisplay,
    HintonDisplay,
    LossCurveDisplay,
    plot_decision_boundary,
    plot_hinton_units,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _blobs(centers=2, n_samples=90):
    return make_blobs(
        n_samples=n_samples, centers=centers, cluster_std=0.6, random_state=0
    )


def _classifier(**params):
    defaults = {"hidden_layer_sizes": (6,), "max_iter": 60, "random_state": 0}
    return RumelhartClassifier(**{**defaults, **params})


# Imports --------------------------------------------------------------------


def test_importing_the_package_and_plotting_imports_no_matplotlib():
    # matplotlib is an optional extra: it is imported when something is drawn.
    code = (
        "import sys, rumelhart\n"
        "assert 'rumelhart.plotting' not in sys.modules\n"
        "from rumelhart.plotting import *\n"
        "import rumelhart.plotting as p\n"
        "assert all(callable(getattr(p, name)) for name in p.__all__)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# Loss curves and diagnostics ------------------------------------------------


def test_loss_curve_labels_and_one_legend_for_both_axes():
    X, y = _blobs()
    clf = _classifier(early_stopping=True, scoring=None).fit(X, y)
    display = LossCurveDisplay.from_estimator(clf)
    assert display.ax_.get_xlabel() == "epoch"
    assert display.ax_.get_ylabel() == "loss"
    assert display.score_ax_.get_ylabel() == "validation score"
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["training loss", "validation loss", "validation score"]
    np.testing.assert_allclose(
        display.validation_loss_line_.get_ydata(), clf.validation_loss_
    )


def test_loss_curve_leaves_out_the_negated_loss_it_already_draws():
    X, y = _blobs()
    clf = _classifier(early_stopping=True, scoring="loss").fit(X, y)
    display = LossCurveDisplay.from_estimator(clf)
    assert display.score_ax_ is None and display.validation_line_ is None
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["training loss", "validation loss"]
    np.testing.assert_allclose(
        display.validation_loss_line_.get_ydata(), clf.validation_loss_
    )


def test_loss_curve_draws_a_classifiers_calibrated_loss_by_default():
    X, y = _blobs()
    clf = _classifier(early_stopping=True).fit(X, y)  # scoring="auto"
    display = LossCurveDisplay.from_estimator(clf)
    assert display.score_ax_.get_ylabel() == "validation -calibrated loss"
    np.testing.assert_allclose(
        display.validation_line_.get_ydata(), clf.validation_scores_
    )


def test_loss_curve_names_the_scoring_it_was_stopped_on():
    X, y = _blobs()
    clf = _classifier(early_stopping=True, scoring="f1_macro").fit(X, y)
    display = LossCurveDisplay.from_estimator(clf)
    assert display.score_ax_.get_ylabel() == "validation f1_macro"
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["training loss", "validation loss", "validation f1_macro"]
    np.testing.assert_allclose(
        display.validation_line_.get_ydata(), clf.validation_scores_
    )
    by_loss = _classifier(early_stopping=True, scoring="loss").fit(X, y)
    del by_loss.validation_loss_  # a score axis only when no loss line shows it
    label = LossCurveDisplay.from_estimator(by_loss).score_ax_.get_ylabel()
    assert label == "validation -loss"


def test_loss_curve_with_a_score_and_no_validation_loss():
    X, y = _blobs()
    clf = _classifier(early_stopping=True).fit(X, y)
    display = LossCurveDisplay(clf.loss_curve_, clf.validation_scores_).plot()
    assert display.ax_.get_ylabel() == "training loss"
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["training loss", "validation score"]
    assert display.validation_loss_line_ is None


def test_loss_curve_without_validation_has_no_second_axis():
    X, y = _blobs()
    display = LossCurveDisplay.from_estimator(_classifier().fit(X, y))
    assert display.score_ax_ is None
    assert display.validation_line_ is None
    assert display.ax_.get_legend() is None


def test_loss_curve_draws_validation_loss_when_the_estimator_has_it():
    X, y = _blobs()
    clf = _classifier(early_stopping=True, scoring=None).fit(X, y)
    clf.validation_loss_ = [2 * v for v in clf.loss_curve_]
    display = LossCurveDisplay.from_estimator(clf)
    assert display.validation_loss_line_.axes is display.ax_
    np.testing.assert_allclose(
        display.validation_loss_line_.get_ydata(), clf.validation_loss_
    )
    assert display.ax_.get_ylabel() == "loss"
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["training loss", "validation loss", "validation score"]


def test_displays_accept_a_pipeline():
    X, y = _blobs()
    pipe = make_pipeline(
        StandardScaler(), _classifier(callbacks=[GradientRecorder(every_n=5)])
    ).fit(X, y)
    loss = LossCurveDisplay.from_estimator(pipe)
    np.testing.assert_allclose(loss.line_.get_ydata(), pipe[-1].loss_curve_)
    assert loss.ax_.get_title() == "RumelhartClassifier"
    diagnostics = DiagnosticsDisplay.from_estimator(pipe, "gradients", "norm")
    assert set(diagnostics.lines_) == {"hidden_1", "output"}


@pytest.mark.parametrize("display", [LossCurveDisplay, DiagnosticsDisplay])
def test_unfitted_or_wrong_estimators_give_clear_errors(display):
    args = () if display is LossCurveDisplay else ("gradients",)
    attribute = "loss_curve_" if display is LossCurveDisplay else "history_"
    with pytest.raises(NotFittedError, match="not fitted yet"):
        display.from_estimator(make_pipeline(StandardScaler(), _classifier()), *args)
    with pytest.raises(ValueError, match="RumelhartClassifier is not fitted"):
        display.from_estimator(_classifier(), *args)
    scaler = StandardScaler().fit(np.ones((3, 2)))
    with pytest.raises(TypeError, match=f"{attribute}.*got StandardScaler"):
        display.from_estimator(scaler, *args)


# Decision boundaries --------------------------------------------------------


def _check_points_match_regions(display, clf, X, y):
    """Correctly classified samples have the colour of the region under them."""
    display.figure_.canvas.draw()
    classes = list(clf.classes_)
    right = clf.predict(X) == np.asarray(y)
    assert right.mean() > 0.9
    faces = display.scatter_.get_facecolors()[right][:, :3]
    index = [classes.index(label) for label in np.asarray(y)[right]]
    regions = display.surface_.to_rgba(np.array(index, dtype=float))[:, :3]
    np.testing.assert_allclose(faces, regions)
    if display.colorbar_ is None:  # regions are class indices: look under points
        points = np.asarray(X, dtype=float)[right]
        col = np.abs(display.xx0[0][:, None] - points[:, 0]).argmin(axis=0)
        row = np.abs(display.xx1[:, 0][:, None] - points[:, 1]).argmin(axis=0)
        assert np.mean(display.response[row, col] == index) > 0.95
    legend = [t.get_text() for t in display.legend_.get_texts()]
    assert legend == [str(c) for c in classes]


@pytest.mark.parametrize(
    "labels",
    [
        np.array([3, 7]),
        np.array(["no", "yes"]),
        np.array([False, True]),
    ],
    ids=["int", "str", "bool"],
)
def test_decision_boundary_with_any_labels(labels):
    X, y = _blobs()
    y = labels[y]
    clf = _classifier().fit(X, y)
    display = plot_decision_boundary(clf, X, y, response_method="predict")
    _check_points_match_regions(display, clf, X, y)
    assert display.colorbar_ is None
    assert display.ax_.get_xlabel() == "feature 0"
    assert display.ax_.get_ylabel() == "feature 1"


def test_three_classes_points_take_their_regions_colours():
    X, y = _blobs(centers=3, n_samples=150)
    y = np.array(["ant", "bee", "cat"])[y]
    clf = _classifier(max_iter=200).fit(X, y)
    display = plot_decision_boundary(clf, X, y)
    _check_points_match_regions(display, clf, X, y)
    # The regions are drawn from predict, as class indices.
    assert set(np.unique(display.response)) <= {0, 1, 2}
    colours = display.surface_.to_rgba(np.arange(3.0))
    assert len({tuple(c) for c in colours}) == 3


def test_decision_boundary_of_a_pipeline_on_a_dataframe():
    pd = pytest.importorskip("pandas")
    X, y = _blobs(centers=3, n_samples=150)
    X = pd.DataFrame(X, columns=["length", "width"])
    y = np.array(["ant", "bee", "cat"])[y]
    pipe = make_pipeline(StandardScaler(), _classifier(max_iter=200)).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "X does not have valid feature names"
        display = plot_decision_boundary(pipe, X, y)
    assert (display.ax_.get_xlabel(), display.ax_.get_ylabel()) == ("length", "width")
    _check_points_match_regions(display, pipe, X, y)


def test_probability_map_has_a_labelled_colour_bar():
    X, y = _blobs()
    y = np.array(["no", "yes"])[y]
    clf = _classifier().fit(X, y)
    display = plot_decision_boundary(clf, X, y, response_method="predict_proba")
    assert display.colorbar_.ax.get_ylabel() == "P(y = yes)"
    assert display.response.min() >= 0
    assert display.response.max() <= 1
    _check_points_match_regions(display, clf, X, y)


def test_decision_boundary_errors():
    X, y = _blobs(centers=3, n_samples=150)
    clf = _classifier().fit(X, y)
    with pytest.raises(ValueError, match=r"predict_proba.*3"):
        plot_decision_boundary(clf, X, y, response_method="predict_proba")
    with pytest.raises(ValueError, match="not one of the estimator's classes_"):
        plot_decision_boundary(clf, X, y + 5)
    with pytest.raises(ValueError, match="2 features"):
        plot_decision_boundary(clf, np.ones((4, 3)), None)


# Hinton diagrams ------------------------------------------------------------


def _square_sides(display):
    sides = [np.ptp(path.vertices, axis=0) for path in display.squares_.get_paths()]
    return np.array(sides)


def test_hinton_square_areas_are_proportional_to_magnitudes():
    W = np.array([[1.0, -0.25], [0.5, -4.0], [0.0, 2.0]])
    display = HintonDisplay(W).plot()
    sides = _square_sides(display)
    np.testing.assert_allclose(sides[:, 0], sides[:, 1])  # squares
    areas = sides[:, 0] ** 2
    np.testing.assert_allclose(areas, 0.81 * np.abs(W).ravel() / 4.0)
    assert display.max_weight_ == 4.0


def test_hinton_colours_by_sign_on_grey():
    W = np.array([[1.0, -0.25], [0.5, -4.0]])
    display = HintonDisplay(W).plot()
    faces = display.squares_.get_facecolors()[:, :3]
    np.testing.assert_allclose(faces[[0, 2]], 1.0)  # positive: white
    np.testing.assert_allclose(faces[[1, 3]], 0.0)  # negative: black
    assert matplotlib.colors.to_hex(display.ax_.get_facecolor()) == "#808080"


def test_hinton_labels_title_and_bias_row():
    W = np.arange(6.0).reshape(3, 2) - 2
    display = HintonDisplay(
        W, row_labels=["a", "b", "c"], col_labels=["u", "v"], title="T", bias=[1, -1]
    ).plot(max_weight=8.0)
    ax = display.ax_
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c", "bias"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["u", "v"]
    assert ax.get_title() == "T"
    assert len(display.squares_.get_paths()) == 8
    assert display.max_weight_ == 8.0
    assert ax.get_ylim() == (3.5, -0.5)  # first row on top


def test_hinton_from_estimator_reads_coefs_and_intercepts():
    X, y = _blobs()
    clf = _classifier(hidden_layer_sizes=(4, 3)).fit(X, y)
    display = HintonDisplay.from_estimator(clf, layer=1)
    np.testing.assert_array_equal(display.weights, clf.coefs_[1])
    np.testing.assert_array_equal(display.bias, clf.intercepts_[1])
    rows = [t.get_text() for t in display.ax_.get_yticklabels()]
    assert rows == ["hidden 1.0", "hidden 1.1", "hidden 1.2", "hidden 1.3", "bias"]
    assert "hidden layer 1 → hidden layer 2" in display.ax_.get_title()
    out = HintonDisplay.from_estimator(clf, layer=-1, units=[0], bias=False)
    assert out.weights.shape == (3, 1)
    assert out.bias is None
    assert [t.get_text() for t in out.ax_.get_xticklabels()] == ["output 0"]


def test_hinton_pipeline_and_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = _blobs()
    X = pd.DataFrame(X, columns=["length", "width"])
    pipe = make_pipeline(StandardScaler(), _classifier()).fit(X, y)
    display = HintonDisplay.from_estimator(pipe)
    rows = [t.get_text() for t in display.ax_.get_yticklabels()]
    assert rows == ["length", "width", "bias"]
    np.testing.assert_array_equal(display.weights, pipe[-1].coefs_[0])
    plain = HintonDisplay.from_estimator(_classifier().fit(X.to_numpy(), y))
    rows = [t.get_text() for t in plain.ax_.get_yticklabels()]
    assert rows == ["feature 0", "feature 1", "bias"]


def test_hinton_errors_name_what_was_expected():
    X, y = _blobs()
    clf = _classifier().fit(X, y)
    with pytest.raises(ValueError, match=r"layer=2 is out of range.*2 weight"):
        HintonDisplay.from_estimator(clf, layer=2)
    with pytest.raises(TypeError, match="layer must be an int"):
        HintonDisplay.from_estimator(clf, layer="0")
    with pytest.raises(ValueError, match=r"units \[6\] are out of range"):
        HintonDisplay.from_estimator(clf, units=[0, 6])
    with pytest.raises(NotFittedError, match="HintonDisplay needs a fitted"):
        HintonDisplay.from_estimator(_classifier())
    with pytest.raises(ValueError, match="one value per column"):
        HintonDisplay(np.ones((2, 3)), bias=[1.0]).plot()


def test_hinton_draws_large_matrices_as_one_collection():
    W = np.random.default_rng(0).normal(size=(200, 100))
    display = HintonDisplay(W).plot()
    assert len(display.ax_.collections) == 1
    assert len(display.ax_.patches) == 0
    assert len(display.squares_.get_paths()) == W.size


def test_hinton_small_multiples_share_one_scale():
    X, y = _blobs(n_samples=60)
    X = np.hstack([X, X[:, ::-1], X])  # 6 inputs, drawn as 2 x 3
    clf = _classifier(hidden_layer_sizes=(5,)).fit(X, y)
    displays = plot_hinton_units(clf, shape=(2, 3), units=[4, 0, 2])
    assert len(displays) == 3
    assert len({id(d.figure_) for d in displays}) == 1
    W = clf.coefs_[0]
    for display, unit in zip(displays, [4, 0, 2]):
        np.testing.assert_array_equal(display.weights, W[:, unit].reshape(2, 3))
        assert display.max_weight_ == np.abs(W[:, [4, 0, 2]]).max()
        assert display.ax_.get_title().startswith(f"hidden {unit} (bias ")
    rows = plot_hinton_units(clf)  # by default each unit is one row of weights
    assert [d.weights.shape for d in rows] == [(1, 6)] * 5
    with pytest.raises(ValueError, match=r"shape=\(4, 4\) holds 16.*6 inputs"):
        plot_hinton_units(clf, shape=(4, 4))


# LR finder ------------------------------------------------------------------


def _sweep(smoothed):
    lrs = np.geomspace(1e-4, 1.0, len(smoothed))
    return lrs, np.asarray(smoothed) * 1.01, smoothed


def test_lr_finder_minimum_inside_the_sweep_does_not_warn():
    x = np.linspace(-1, 1, 100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = LRFinderResult(*_sweep(1 + x**2), "eps")
    assert not result.minimum_at_end
    assert result.lr_at_minimum == pytest.approx(result.lrs[49])


@pytest.mark.parametrize("tail", [0.0, 0.02], ids=["falling", "uptick"])
def test_lr_finder_minimum_at_the_end_warns_to_raise_end_lr(tail):
    smoothed = np.linspace(2.0, 1.0, 100)
    smoothed[-2:] += [0, tail]  # still falling, or a last uptick within noise
    with pytest.warns(UserWarning, match=r"end_lr.*Raise end_lr") as record:
        result = LRFinderResult(*_sweep(smoothed), "lr")
    assert result.minimum_at_end
    assert f"lr={result.lr_at_minimum:.3g}" in str(record[0].message)
    assert f"{result.suggestion:.3g}" in str(record[0].message)


def test_lr_finder_divergence_at_the_end_is_not_a_warning():
    smoothed = np.linspace(2.0, 1.0, 100)
    smoothed[-1] = np.inf  # the last rate blew the loss up
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not LRFinderResult(*_sweep(smoothed), "eps").minimum_at_end
