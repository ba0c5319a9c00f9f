"""Plots of training: loss curves, diagnostics, LR finder, decision boundaries.

Display objects follow scikit-learn's convention: build one from a fitted
estimator with ``Display.from_estimator(...)`` (which plots), or construct it
from data and call ``.plot(ax=None)``; the figure is in ``figure_`` and the
axes in ``ax_``. ``from_estimator`` accepts a fitted ``Pipeline`` (its final
step is plotted) and a fitted search with ``best_estimator_``. matplotlib is
an optional extra: ``pip install 'rumelhart[plot]'``.
"""

import numpy as np

__all__ = [
    "DiagnosticsDisplay",
    "HintonDisplay",
    "LRFinderDisplay",
    "LossCurveDisplay",
    "plot_decision_boundary",
    "plot_hinton_units",
]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "Plotting needs matplotlib: pip install 'rumelhart[plot]'."
        ) from exc
    return plt


def _axes(ax, **figure_kwargs):
    if ax is None:
        _, ax = _pyplot().subplots(**figure_kwargs)
    return ax


def _final_estimator(estimator):
    """The model inside Pipelines (last step) and searches (best_estimator_)."""
    from sklearn.pipeline import Pipeline

    while True:
        if isinstance(estimator, Pipeline):
            estimator = estimator[-1]
        elif hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        else:
            return estimator


def _fitted_final(estimator, attribute, what):
    """The final estimator, checked to have ``attribute``; else a clear error."""
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    final = _final_estimator(estimator)
    if hasattr(final, attribute):
        return final
    name = type(final).__name__
    try:
        check_is_fitted(final)
    except NotFittedError:
        raise NotFittedError(
            f"{what} needs a fitted estimator; this {name} is not fitted yet. "
            "Call fit first."
        ) from None
    except TypeError:  # not an estimator at all
        pass
    raise TypeError(
        f"{what} needs a fitted estimator with {attribute} (a rumelhart "
        f"estimator, or a Pipeline ending in one); got {name}, which has none."
    )


class LossCurveDisplay:
    """Training loss per epoch, with the validation loss and score if any.

    The losses share the left axis; the validation score (e.g. accuracy or
    R²) has its own axis on the right. One legend names every curve.

    Parameters
    ----------
    loss_curve : sequence of float
        Training loss per epoch.
    validation_scores : sequence of float, default=None
        Validation score per epoch (drawn on a second axis).
    estimator_name : str, default=None
        Title of the plot.
    validation_loss : sequence of float, default=None
        Validation loss per epoch (drawn on the loss axis).

    Attributes
    ----------
    line_ : matplotlib Line2D
        The training loss.
    validation_loss_line_ : matplotlib Line2D or None
        The validation loss, when there is one.
    validation_line_ : matplotlib Line2D or None
        The validation score, when there is one.
    score_ax_ : matplotlib Axes or None
        The right-hand axis of the validation score.
    ax_ : matplotlib Axes
        The loss axis.
    figure_ : matplotlib Figure
        The figure.
    """

    def __init__(
        self,
        loss_curve,
        validation_scores=None,
        estimator_name=None,
        validation_loss=None,
    ):
        self.loss_curve = list(loss_curve)
        self.validation_scores = _optional_list(validation_scores)
        self.estimator_name = estimator_name
        self.validation_loss = _optional_list(validation_loss)

    @classmethod
    def from_estimator(cls, estimator, ax=None):
        """Plot a fitted estimator's loss curve and validation curves.

        Reads ``loss_curve_``, and ``validation_scores_`` and
        ``validation_loss_`` where the estimator has them.

        Parameters
        ----------
        estimator : fitted estimator with ``loss_curve_``
            A rumelhart estimator, a Pipeline ending in one, or a fitted
            search whose ``best_estimator_`` is one.
        ax : matplotlib Axes, default=None
            Where to draw.

        Returns
        -------
        display : LossCurveDisplay

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the (final) estimator is not fitted (a ValueError).
        TypeError
            If it is fitted but has no ``loss_curve_``.
        """
        model = _fitted_final(estimator, "loss_curve_", "LossCurveDisplay")
        return cls(
            model.loss_curve_,
            getattr(model, "validation_scores_", None),
            type(model).__name__,
            getattr(model, "validation_loss_", None),
        ).plot(ax=ax)

    def plot(self, ax=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : LossCurveDisplay
        """
        ax = _axes(ax)
        (self.line_,) = ax.plot(
            _epochs(self.loss_curve), self.loss_curve, label="training loss"
        )
        lines = [self.line_]
        self.validation_loss_line_ = self.validation_line_ = self.score_ax_ = None
        if self.validation_loss:
            (self.validation_loss_line_,) = ax.plot(
                _epochs(self.validation_loss),
                self.validation_loss,
                color="C2",
                linestyle="--",
                label="validation loss",
            )
            lines.append(self.validation_loss_line_)
        if self.validation_scores:
            self.score_ax_ = ax.twinx()
            (self.validation_line_,) = self.score_ax_.plot(
                _epochs(self.validation_scores),
                self.validation_scores,
                color="C1",
                label="validation score",
            )
            self.score_ax_.set_ylabel("validation score")
            lines.append(self.validation_line_)
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss" if self.validation_loss else "training loss")
        if len(lines) > 1:
            ax.legend(handles=lines, loc="center right")
        if self.estimator_name:
            ax.set_title(self.estimator_name)
        self.ax_, self.figure_ = ax, ax.figure
        return self


def _optional_list(values):
    return None if values is None else list(values)


def _epochs(values):
    return np.arange(1, len(values) + 1)


class DiagnosticsDisplay:
    """One statistic of every layer over the training steps.

    Parameters
    ----------
    records : list of dict
        Rows from an activation, gradient or weight recorder (``step``,
        ``layer`` and the statistic).
    stat : str
        Which statistic to draw (e.g. ``"std"``, ``"saturated"``, ``"norm"``).
    title : str, default=None
        Title of the plot.

    Attributes
    ----------
    lines_ : dict of str to matplotlib Line2D
        One line per layer.
    ax_ : matplotlib Axes
        The axes.
    figure_ : matplotlib Figure
        The figure.
    """

    def __init__(self, records, stat, title=None):
        self.records = list(records)
        self.stat = stat
        self.title = title

    @classmethod
    def from_estimator(cls, estimator, kind, stat="std", ax=None):
        """Plot what a recorder recorded during ``fit``.

        Parameters
        ----------
        estimator : fitted rumelhart estimator
            Fitted with the recorder among its ``callbacks``; a Pipeline
            ending in one, or a search whose ``best_estimator_`` is one.
        kind : {"activations", "gradients", "weights"}
            Which recorder's records (its ``key`` in ``history_``).
        stat : str, default="std"
            Statistic to draw.
        ax : matplotlib Axes, default=None
            Where to draw.

        Returns
        -------
        display : DiagnosticsDisplay

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the (final) estimator is not fitted (a ValueError).
        TypeError
            If it is fitted but has no ``history_``.
        ValueError
            If nothing was recorded under ``kind``.
        """
        model = _fitted_final(estimator, "history_", "DiagnosticsDisplay")
        history = model.history_
        if kind not in history:
            raise ValueError(
                f"The estimator recorded no {kind!r}; fit it with the matching "
                f"recorder in callbacks (recorded: {sorted(history)})."
            )
        return cls(history[kind], stat, f"{kind}: {stat}").plot(ax=ax)

    def plot(self, ax=None):
        """Draw one line per layer.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : DiagnosticsDisplay
        """
        if self.records and self.stat not in self.records[0]:
            stats = [k for k in self.records[0] if k not in ("step", "epoch", "layer")]
            raise ValueError(f"Unknown stat {self.stat!r}; expected one of {stats}.")
        ax = _axes(ax)
        layers = list(dict.fromkeys(row["layer"] for row in self.records))
        self.lines_ = {}
        for layer in layers:
            rows = [r for r in self.records if r["layer"] == layer]
            (self.lines_[layer],) = ax.plot(
                [r["step"] for r in rows], [r[self.stat] for r in rows], label=layer
            )
        ax.set_xlabel("step")
        ax.set_ylabel(self.stat)
        ax.legend()
        if self.title:
            ax.set_title(self.title)
        self.ax_, self.figure_ = ax, ax.figure
        return self


class LRFinderDisplay:
    """The loss of a learning-rate sweep, with the suggested rate marked.

    Parameters
    ----------
    result : rumelhart.lr_finder.LRFinderResult
        What :func:`rumelhart.find_learning_rate` returned.
    """

    def __init__(self, result):
        self.result = result

    def plot(self, ax=None):
        """Draw the smoothed loss against the learning rate.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : LRFinderDisplay
        """
        ax = _axes(ax)
        r = self.result
        ax.plot(r.lrs, r.losses, alpha=0.3, label="loss")
        (self.line_,) = ax.plot(r.lrs, r.smoothed_losses, label="smoothed loss")
        self.marker_ = ax.axvline(
            r.suggestion,
            color="C3",
            linestyle="--",
            label=f"suggestion {r.param_name}={r.suggestion:.2g}",
        )
        ax.set_xscale("log")
        ax.set_xlabel(f"learning rate ({r.param_name})")
        ax.set_ylabel("loss")
        finite = r.smoothed_losses[np.isfinite(r.smoothed_losses)]
        if finite.size:
            top = min(finite.max(), 4 * finite.min() + 1e-12)
            ax.set_ylim(max(finite.min() * 0.9, 0), top * 1.1)
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self


def plot_decision_boundary(
    estimator,
    X,
    y=None,
    *,
    ax=None,
    response_method="auto",
    grid_resolution=200,
    plot_method="contourf",
    cmap=None,
    **kwargs,
):
    """Decision regions (or class-1 probability) of a fitted classifier, with data.

    Regions and samples share one colour per class: a sample is drawn in the
    colour of the region its class owns, whatever the labels are (numbers,
    strings, booleans). A legend names the classes.

    Parameters
    ----------
    estimator : fitted classifier on 2 features
        The model, or a Pipeline ending in one (its ``classes_`` are used).
    X : array-like or DataFrame of shape (n_samples, 2)
        Samples to draw; they also set the plot's range.
    y : array-like of shape (n_samples,), default=None
        Their labels, all in ``estimator.classes_``. When None the samples
        are drawn in black.
    ax : matplotlib Axes, default=None
        Where to draw.
    response_method : {"auto", "predict", "predict_proba"}, default="auto"
        ``"predict"`` colours the regions by predicted class;
        ``"predict_proba"`` (two classes only) shades them by the
        probability of ``classes_[1]``, with a colour bar. ``"auto"`` is
        ``"predict_proba"`` for two classes when the estimator has it, else
        ``"predict"``.
    grid_resolution : int, default=200
        Points per axis of the grid.
    plot_method : {"contourf", "pcolormesh"}, default="contourf"
        How to draw the regions.
    cmap : str or matplotlib Colormap, default=None
        Colours. With ``"predict"`` class ``k`` gets the colormap's ``k``-th
        colour (a listed colormap) or an even sample of it (default:
        ``"tab10"``, or ``"viridis"`` past ten classes). With
        ``"predict_proba"`` the colormap spans probability 0 to 1 and the
        classes get its two ends (default: from the colour of class 0
        through white to that of class 1).
    **kwargs
        Passed to the matplotlib method drawing the regions (``alpha``
        defaults to 0.4).

    Returns
    -------
    display : sklearn.inspection.DecisionBoundaryDisplay
        With ``ax_``, ``figure_``, ``surface_`` (the regions), ``scatter_``
        (the samples), ``legend_`` and ``colorbar_`` (None unless
        probabilities are drawn).

    Raises
    ------
    ValueError
        If ``X`` has not two columns, ``y`` holds a label that is not in
        ``classes_``, or probabilities are asked for 3 or more classes.
    """
    classes = np.asarray(
        _fitted_final(estimator, "classes_", "plot_decision_boundary").classes_
    )
    method = _boundary_method(estimator, response_method, len(classes))
    points, columns = _two_features(estimator, X)
    xx0, xx1 = _grid(points, grid_resolution)
    response = _grid_response(estimator, method, xx0, xx1, columns, classes)
    colors, region_cmap, region_norm, levels = _boundary_colors(classes, method, cmap)
    ax = _axes(ax)
    kwargs.setdefault("alpha", 0.4)
    if plot_method == "contourf":
        kwargs.setdefault("levels", levels)
    elif plot_method != "pcolormesh":
        raise ValueError(
            f"plot_method must be 'contourf' or 'pcolormesh', got {plot_method!r}."
        )
    surface = getattr(ax, plot_method)(
        xx0, xx1, response, cmap=region_cmap, norm=region_norm, **kwargs
    )
    display = _boundary_display(xx0, xx1, response, classes, columns)
    display.surface_, display.ax_, display.figure_ = surface, ax, ax.figure
    display.scatter_ = _scatter_classes(ax, points, y, classes, colors)
    display.legend_ = _class_legend(ax, classes, colors)
    display.colorbar_ = None
    if method == "predict_proba":
        display.colorbar_ = ax.figure.colorbar(
            surface, ax=ax, label=f"P(y = {classes[1]})"
        )
    ax.set_xlabel(display.xlabel)
    ax.set_ylabel(display.ylabel)
    return display


def _boundary_method(estimator, response_method, n_classes):
    if response_method == "auto":
        binary = n_classes == 2 and hasattr(estimator, "predict_proba")
        return "predict_proba" if binary else "predict"
    if response_method not in ("predict", "predict_proba"):
        raise ValueError(
            "response_method must be 'auto', 'predict' or 'predict_proba', "
            f"got {response_method!r}."
        )
    if response_method == "predict_proba" and n_classes != 2:
        raise ValueError(
            f"response_method='predict_proba' draws the probability of one of two "
            f"classes; this classifier has {n_classes}. Use 'predict'."
        )
    return response_method


def _two_features(estimator, X):
    """X as a float array, and the column names the estimator expects."""
    columns = getattr(X, "columns", None)
    if columns is None:
        columns = getattr(estimator, "feature_names_in_", None)
    points = np.asarray(X, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(
            f"plot_decision_boundary needs X with 2 features, got shape {points.shape}."
        )
    return points, None if columns is None else list(columns)


def _grid(points, resolution):
    low, high = points.min(axis=0), points.max(axis=0)
    margin = 0.05 * np.where(high > low, high - low, 1.0)
    axes = [np.linspace(a, b, resolution) for a, b in zip(low - margin, high + margin)]
    return np.meshgrid(*axes)


def _grid_response(estimator, method, xx0, xx1, columns, classes):
    grid = np.column_stack([xx0.ravel(), xx1.ravel()])
    if columns is not None:
        import pandas as pd

        grid = pd.DataFrame(grid, columns=columns)
    if method == "predict_proba":
        response = estimator.predict_proba(grid)[:, 1]
    else:
        response = _class_index(classes, estimator.predict(grid))
    return response.reshape(xx0.shape)


def _class_index(classes, labels):
    """Position of each label in ``classes`` (works for any label type)."""
    lookup = {label: k for k, label in enumerate(classes.tolist())}
    try:
        return np.array([lookup[label] for label in np.asarray(labels).tolist()])
    except KeyError as exc:
        raise ValueError(
            f"Label {exc.args[0]!r} is not one of the estimator's classes_ "
            f"{classes.tolist()}."
        ) from None


def _boundary_colors(classes, method, cmap):
    """Class colours (n, 4) and the regions' colormap, norm and levels."""
    from matplotlib import colormaps
    from matplotlib.colors import (
        BoundaryNorm,
        LinearSegmentedColormap,
        ListedColormap,
        Normalize,
    )

    n = len(classes)
    if method == "predict_proba":
        if cmap is None:
            ends = colormaps["tab10"].colors[:2]
            cmap = LinearSegmentedColormap.from_list("", [ends[0], "white", ends[1]])
        cmap = colormaps[cmap] if isinstance(cmap, str) else cmap
        return cmap([0.0, 1.0]), cmap, Normalize(0, 1), np.linspace(0, 1, 11)
    if cmap is None:
        cmap = "tab10" if n <= 10 else "viridis"
    cmap = colormaps[cmap] if isinstance(cmap, str) else cmap
    if isinstance(cmap, ListedColormap) and n <= cmap.N:
        colors = cmap(np.arange(n))
    else:
        colors = cmap(np.linspace(0, 1, n))
    levels = np.arange(n + 1) - 0.5
    return colors, ListedColormap(colors), BoundaryNorm(levels, n), levels


def _boundary_display(xx0, xx1, response, classes, columns):
    """scikit-learn's display holding the grid (its signature varies)."""
    from inspect import signature

    from sklearn.inspection import DecisionBoundaryDisplay

    names = columns or ["feature 0", "feature 1"]
    kwargs = {"xx0": xx0, "xx1": xx1, "response": response}
    kwargs.update(xlabel=str(names[0]), ylabel=str(names[1]))
    if "n_classes" in signature(DecisionBoundaryDisplay).parameters:
        kwargs["n_classes"] = len(classes)
    return DecisionBoundaryDisplay(**kwargs)


def _scatter_classes(ax, points, y, classes, colors):
    from matplotlib.colors import BoundaryNorm, ListedColormap

    style = {"s": 12, "edgecolor": "k", "linewidth": 0.3}
    if y is None:
        return ax.scatter(points[:, 0], points[:, 1], c="k", **style)
    n = len(classes)
    return ax.scatter(
        points[:, 0],
        points[:, 1],
        c=_class_index(classes, y),
        cmap=ListedColormap(colors),
        norm=BoundaryNorm(np.arange(n + 1) - 0.5, n),
        **style,
    )


def _class_legend(ax, classes, colors):
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor=color,
            markeredgecolor="k",
            label=str(label),
        )
        for label, color in zip(classes, colors)
    ]
    return ax.legend(handles=handles, title="class")


class HintonDisplay:
    """Hinton diagram of a weight matrix: squares whose area is the magnitude.

    As in Figures 1 and 4 of Rumelhart, Hinton & Williams (1986): a white
    square is a positive weight, a black one a negative weight, on a grey
    background; the area of a square is proportional to the weight's
    absolute value. Rows are the sending units (inputs) and columns the
    receiving units, as in the estimators' ``coefs_[layer]``, so column
    ``j`` shows everything unit ``j`` listens to. The biases, when given,
    form an extra bottom row labelled "bias", below a thin line.

    Parameters
    ----------
    weights : array-like of shape (n_rows, n_cols)
        The weights, e.g. ``coefs_[layer]`` (units in, units out).
    row_labels : sequence of str, default=None
        Names of the rows (sending units); tick numbers when None.
    col_labels : sequence of str, default=None
        Names of the columns (receiving units); tick numbers when None.
    title : str, default=None
        Title of the plot.
    bias : array-like of shape (n_cols,), default=None
        Bias of each receiving unit, drawn as a last row labelled "bias".

    Attributes
    ----------
    squares_ : matplotlib PolyCollection
        All squares, one per weight, in row-major order of the drawn matrix
        (the weights, then the bias row).
    max_weight_ : float
        The magnitude drawn as a square filling 90% of its cell's width.
    ax_ : matplotlib Axes
        The axes.
    figure_ : matplotlib Figure
        The figure.

    Examples
    --------
    >>> import numpy as np
    >>> from rumelhart.plotting import HintonDisplay
    >>> W = np.array([[1.0, -0.5], [0.25, 0.0]])
    >>> display = HintonDisplay(W, row_labels=["a", "b"]).plot()  # doctest: +SKIP
    """

    def __init__(
        self, weights, *, row_labels=None, col_labels=None, title=None, bias=None
    ):
        self.weights = np.atleast_2d(np.asarray(weights, dtype=float))
        self.row_labels = row_labels
        self.col_labels = col_labels
        self.title = title
        self.bias = None if bias is None else np.ravel(np.asarray(bias, dtype=float))

    @classmethod
    def from_estimator(
        cls, estimator, layer=0, *, units=None, bias=True, ax=None, max_weight=None
    ):
        """Plot the weights into one layer of a fitted network.

        Parameters
        ----------
        estimator : fitted rumelhart estimator
            A network with ``coefs_`` and ``intercepts_``, a Pipeline ending
            in one, or a fitted search whose ``best_estimator_`` is one.
        layer : int, default=0
            Which weight matrix: ``coefs_[layer]``, from layer ``layer`` to
            layer ``layer + 1`` (0: inputs to the first hidden layer;
            negative values count from the output, -1 being the output
            layer's weights).
        units : sequence of int, default=None
            The receiving units (columns) to draw; all when None.
        bias : bool, default=True
            Whether to draw the biases (``intercepts_[layer]``) as a last row.
        ax : matplotlib Axes, default=None
            Where to draw.
        max_weight : float, default=None
            Passed to :meth:`plot`.

        Returns
        -------
        display : HintonDisplay

        Raises
        ------
        ValueError
            If ``layer`` or a unit is out of range, or the estimator is not
            fitted (``NotFittedError``).
        TypeError
            If the estimator has no ``coefs_``.
        """
        model = _fitted_final(estimator, "coefs_", "HintonDisplay")
        index = _layer_index(layer, len(model.coefs_))
        weights = np.asarray(model.coefs_[index])
        cols = _unit_indices(units, weights.shape[1])
        n_layers = len(model.coefs_)
        return cls(
            weights[:, cols],
            row_labels=_sending_labels(estimator, model, index, weights.shape[0]),
            col_labels=[_unit_name(index + 1, n_layers, j) for j in cols],
            title=_layer_title(model, index, n_layers),
            bias=np.asarray(model.intercepts_[index])[cols] if bias else None,
        ).plot(ax=ax, max_weight=max_weight)

    def plot(self, ax=None, max_weight=None):
        """Draw the diagram.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure sized to the matrix when None.
        max_weight : float, default=None
            The magnitude drawn as a square filling 90% of a cell's width;
            larger magnitudes are drawn at full cell width. By default the
            largest magnitude drawn, so that diagrams can share a scale by
            passing the same value.

        Returns
        -------
        display : HintonDisplay
        """
        from matplotlib.collections import PolyCollection

        values = self._matrix()
        n_rows, n_cols = values.shape
        scale = max_weight or np.abs(values).max() or 1.0
        ax = _axes(ax, figsize=_hinton_figsize(n_rows, n_cols), layout="constrained")
        ax.set_facecolor("0.5")
        self.squares_ = PolyCollection(
            _square_corners(values, scale),
            facecolors=np.where(values.ravel() > 0, "white", "black"),
            edgecolors="none",
        )
        ax.add_collection(self.squares_)
        if self.bias is not None:
            ax.axhline(n_rows - 1.5, color="0.35", linewidth=0.8)
        ax.set_xlim(-0.5, n_cols - 0.5)
        ax.set_ylim(n_rows - 0.5, -0.5)
        ax.set_aspect("equal")
        _label_ticks(ax.xaxis, n_cols, self.col_labels, rotate=True)
        row_labels = self.row_labels
        if row_labels is not None and self.bias is not None:
            row_labels = [*row_labels, "bias"]
        _label_ticks(ax.yaxis, n_rows, row_labels)
        if self.title:
            ax.set_title(self.title)
        self.max_weight_, self.ax_, self.figure_ = float(scale), ax, ax.figure
        return self

    def _matrix(self):
        if self.bias is None:
            return self.weights
        if self.bias.shape != (self.weights.shape[1],):
            raise ValueError(
                f"bias must have one value per column ({self.weights.shape[1]}), "
                f"got shape {self.bias.shape}."
            )
        return np.vstack([self.weights, self.bias])


def _square_corners(values, scale):
    """Corners (n, 4, 2) of squares centred on cells, area ∝ |value|."""
    half = np.minimum(0.9 * np.sqrt(np.abs(values) / scale), 1.0) / 2
    rows, cols = np.indices(values.shape)
    signs = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]])
    centres = np.stack([cols, rows], axis=-1).reshape(-1, 1, 2)
    return centres + signs * half.reshape(-1, 1, 1)


def _hinton_figsize(n_rows, n_cols):
    width = min(2.5 + 0.35 * n_cols, 16)
    height = min(1.5 + 0.3 * n_rows, 16)
    return width, height


def _label_ticks(axis, n, labels, rotate=False, most=60):
    """Label every tick when they are few enough to read, else let mpl pick."""
    if labels is None:
        labels = [str(i) for i in range(n)]
    if len(labels) != n:
        raise ValueError(f"Expected {n} labels, got {len(labels)}.")
    if n > most:
        return
    labels = [str(label) for label in labels]
    axis.set_ticks(np.arange(n), labels)
    if rotate and max(map(len, labels)) > 3:
        axis.set_tick_params(labelrotation=90)


def _layer_index(layer, n_layers):
    if isinstance(layer, (bool, np.bool_)) or not isinstance(layer, (int, np.integer)):
        raise TypeError(f"layer must be an int, got {layer!r}.")
    if not -n_layers <= layer < n_layers:
        raise ValueError(
            f"layer={layer} is out of range: the network has {n_layers} weight "
            f"matrices (coefs_), so layer must be in [{-n_layers}, {n_layers - 1}]."
        )
    return int(layer) % n_layers


def _unit_indices(units, n_units):
    if units is None:
        return np.arange(n_units)
    units = np.asarray(units, dtype=int).ravel()
    bad = units[(units < 0) | (units >= n_units)]
    if bad.size:
        raise ValueError(
            f"units {bad.tolist()} are out of range: this layer has {n_units} "
            f"receiving units (0 to {n_units - 1})."
        )
    return units


def _unit_name(layer, n_layers, j):
    """Name of unit ``j`` of layer ``layer`` (0: inputs, n_layers: outputs)."""
    if layer == n_layers:
        return f"output {j}"
    return f"hidden {layer}.{j}" if n_layers > 2 else f"hidden {j}"


def _sending_labels(estimator, model, index, n_rows):
    if index > 0:
        return [_unit_name(index, len(model.coefs_), i) for i in range(n_rows)]
    names = _input_names(estimator, model)
    if names is None or len(names) != n_rows:
        return [f"feature {i}" for i in range(n_rows)]
    return [str(name) for name in names]


def _input_names(estimator, model):
    """Names of the network's inputs: its own, or what a Pipeline feeds it."""
    from sklearn.pipeline import Pipeline

    names = getattr(model, "feature_names_in_", None)
    if names is not None or not isinstance(estimator, Pipeline):
        return names
    if len(estimator) < 2 or not hasattr(estimator, "feature_names_in_"):
        return None
    try:
        return estimator[:-1].get_feature_names_out()
    except (AttributeError, TypeError, ValueError):
        return None


def _layer_title(model, index, n_layers):
    sender = "input" if index == 0 else f"hidden layer {index}"
    receiver = "output" if index == n_layers - 1 else f"hidden layer {index + 1}"
    return f"{type(model).__name__}\n{sender} → {receiver}"


def plot_hinton_units(
    estimator,
    layer=0,
    *,
    shape=None,
    units=None,
    ncols=None,
    row_labels=None,
    col_labels=None,
    max_weight=None,
):
    """Small multiples: each unit's incoming weights as its own Hinton diagram.

    The paper's Figure 4 draws, for each of 6 hidden units, its weights from
    the 24 people as a block of 2 rows (the English and the Italian family)
    of 12; ``shape=(2, 12)`` gives that layout. All panels share one scale,
    so that areas compare across units; each title gives the unit's bias.

    Parameters
    ----------
    estimator : fitted rumelhart estimator
        A network with ``coefs_``, a Pipeline ending in one, or a fitted
        search whose ``best_estimator_`` is one.
    layer : int, default=0
        Which weight matrix, as in :meth:`HintonDisplay.from_estimator`.
    shape : tuple of int, default=None
        How to arrange a unit's incoming weights (row-major, e.g. ``(8, 8)``
        for the pixels of 8×8 digits); one row when None.
    units : sequence of int, default=None
        The receiving units to draw; all when None.
    ncols : int, default=None
        Panels per row of the figure; by default one column of wide panels,
        else a near-square grid.
    row_labels, col_labels : sequence of str, default=None
        Tick labels of every panel's rows and columns; none when None.
    max_weight : float, default=None
        Magnitude of a square filling 90% of a cell's width; by default the
        largest magnitude among the units drawn.

    Returns
    -------
    displays : list of HintonDisplay
        One per unit; they share ``figure_``.

    Raises
    ------
    ValueError
        If ``shape`` does not hold the layer's number of inputs, or ``layer``
        or a unit is out of range.
    """
    model = _fitted_final(estimator, "coefs_", "plot_hinton_units")
    index = _layer_index(layer, len(model.coefs_))
    weights = np.asarray(model.coefs_[index])
    cols = _unit_indices(units, weights.shape[1])
    shape = tuple(shape) if shape is not None else (1, weights.shape[0])
    if np.prod(shape) != weights.shape[0]:
        raise ValueError(
            f"shape={shape} holds {np.prod(shape)} weights; each unit of this "
            f"layer has {weights.shape[0]} inputs."
        )
    axes = _panel_axes(len(cols), shape, ncols)
    scale = max_weight or np.abs(weights[:, cols]).max() or 1.0
    names = [_unit_name(index + 1, len(model.coefs_), j) for j in cols]
    biases = np.asarray(model.intercepts_[index])[cols]
    displays = []
    for ax, j, name, bias in zip(axes, cols, names, biases):
        display = HintonDisplay(
            weights[:, j].reshape(shape),
            row_labels=row_labels,
            col_labels=col_labels,
            title=f"{name} (bias {bias:+.2f})",
        ).plot(ax=ax, max_weight=scale)
        if row_labels is None:
            ax.set_yticks([])
        if col_labels is None:
            ax.set_xticks([])
        displays.append(display)
    return displays


def _panel_axes(n, shape, ncols):
    """``n`` axes on one new figure, one per panel of ``shape`` cells."""
    if ncols is None:
        ncols = 1 if shape[1] > 2 * shape[0] else int(np.ceil(np.sqrt(n)))
    nrows = -(-n // ncols)
    cell = 0.3 if max(shape) <= 24 else 6 / max(shape)
    size = np.array([ncols * (shape[1] * cell + 1), nrows * (shape[0] * cell + 0.8)])
    size *= min(1.0, 16 / size.max())  # fit on a screen
    _, axes = _pyplot().subplots(
        nrows, ncols, figsize=tuple(size), squeeze=False, layout="constrained"
    )
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return axes.ravel()[:n]
