"""Decision regions of a fitted classifier on two features, with its data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._common import _axes, _fitted_final

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import PathCollection
    from matplotlib.colors import Colormap, Normalize
    from matplotlib.legend import Legend
    from numpy.typing import ArrayLike
    from sklearn.base import BaseEstimator
    from sklearn.inspection import DecisionBoundaryDisplay


def plot_decision_boundary(
    estimator: BaseEstimator,
    X: ArrayLike,
    y: ArrayLike | None = None,
    *,
    ax: Axes | None = None,
    response_method: str = "auto",
    grid_resolution: int = 200,
    plot_method: str = "contourf",
    cmap: str | Colormap | None = None,
    **kwargs: Any,
) -> DecisionBoundaryDisplay:
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


def _boundary_method(
    estimator: BaseEstimator, response_method: str, n_classes: int
) -> str:
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


def _two_features(
    estimator: BaseEstimator, X: ArrayLike
) -> tuple[np.ndarray, list[Any] | None]:
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


def _grid(points: np.ndarray, resolution: int) -> tuple[np.ndarray, ...]:
    low, high = points.min(axis=0), points.max(axis=0)
    margin = 0.05 * np.where(high > low, high - low, 1.0)
    axes = [np.linspace(a, b, resolution) for a, b in zip(low - margin, high + margin)]
    return np.meshgrid(*axes)


def _grid_response(
    estimator: BaseEstimator,
    method: str,
    xx0: np.ndarray,
    xx1: np.ndarray,
    columns: list[Any] | None,
    classes: np.ndarray,
) -> np.ndarray:
    grid = np.column_stack([xx0.ravel(), xx1.ravel()])
    if columns is not None:
        import pandas as pd

        grid = pd.DataFrame(grid, columns=columns)
    if method == "predict_proba":
        response = estimator.predict_proba(grid)[:, 1]
    else:
        response = _class_index(classes, estimator.predict(grid))
    return response.reshape(xx0.shape)


def _class_index(classes: np.ndarray, labels: ArrayLike) -> np.ndarray:
    """Position of each label in ``classes`` (works for any label type)."""
    lookup = {label: k for k, label in enumerate(classes.tolist())}
    try:
        return np.array([lookup[label] for label in np.asarray(labels).tolist()])
    except KeyError as exc:
        raise ValueError(
            f"Label {exc.args[0]!r} is not one of the estimator's classes_ "
            f"{classes.tolist()}."
        ) from None


def _boundary_colors(
    classes: np.ndarray, method: str, cmap: str | Colormap | None
) -> tuple[np.ndarray, Colormap, Normalize, np.ndarray]:
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
            # A ListedColormap, whose .colors the stubs type too loosely to slice.
            tab10: Any = colormaps["tab10"]
            ends = tab10.colors[:2]
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


def _boundary_display(
    xx0: np.ndarray,
    xx1: np.ndarray,
    response: np.ndarray,
    classes: np.ndarray,
    columns: list[Any] | None,
) -> DecisionBoundaryDisplay:
    """scikit-learn's display holding the grid (its signature varies)."""
    from inspect import signature

    from sklearn.inspection import DecisionBoundaryDisplay

    names = columns or ["feature 0", "feature 1"]
    kwargs: dict[str, Any] = {"xx0": xx0, "xx1": xx1, "response": response}
    kwargs.update(xlabel=str(names[0]), ylabel=str(names[1]))
    if "n_classes" in signature(DecisionBoundaryDisplay).parameters:
        kwargs["n_classes"] = len(classes)
    return DecisionBoundaryDisplay(**kwargs)


def _scatter_classes(
    ax: Axes,
    points: np.ndarray,
    y: ArrayLike | None,
    classes: np.ndarray,
    colors: np.ndarray,
) -> PathCollection:
    from matplotlib.colors import BoundaryNorm, ListedColormap

    style: dict[str, Any] = {"s": 12, "edgecolor": "k", "linewidth": 0.3}
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


def _class_legend(ax: Axes, classes: np.ndarray, colors: np.ndarray) -> Legend:
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
