"""Hinton diagrams of weight matrices, as in the paper's Figures 1 and 4."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._common import _axes, _fitted_final, _pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from numpy.typing import ArrayLike
    from sklearn.base import BaseEstimator


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
        self,
        weights: ArrayLike,
        *,
        row_labels: Sequence[str] | None = None,
        col_labels: Sequence[str] | None = None,
        title: str | None = None,
        bias: ArrayLike | None = None,
    ) -> None:
        self.weights = np.atleast_2d(np.asarray(weights, dtype=float))
        self.row_labels = row_labels
        self.col_labels = col_labels
        self.title = title
        self.bias = None if bias is None else np.ravel(np.asarray(bias, dtype=float))

    @classmethod
    def from_estimator(
        cls,
        estimator: BaseEstimator,
        layer: int = 0,
        *,
        units: Sequence[int] | None = None,
        bias: bool = True,
        ax: Axes | None = None,
        max_weight: float | None = None,
    ) -> HintonDisplay:
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

    def plot(
        self, ax: Axes | None = None, max_weight: float | None = None
    ) -> HintonDisplay:
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
        # matplotlib takes the (n, 4, 2) array of corners whole; its stubs
        # name only sequences of polygons.
        self.squares_ = PolyCollection(
            _square_corners(values, scale),  # type: ignore[arg-type]
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

    def _matrix(self) -> np.ndarray:
        if self.bias is None:
            return self.weights
        if self.bias.shape != (self.weights.shape[1],):
            raise ValueError(
                f"bias must have one value per column ({self.weights.shape[1]}), "
                f"got shape {self.bias.shape}."
            )
        return np.vstack([self.weights, self.bias])


def _square_corners(values: np.ndarray, scale: float) -> np.ndarray:
    """Corners (n, 4, 2) of squares centred on cells, area ∝ |value|."""
    half = np.minimum(0.9 * np.sqrt(np.abs(values) / scale), 1.0) / 2
    rows, cols = np.indices(values.shape)
    signs = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]])
    centres = np.stack([cols, rows], axis=-1).reshape(-1, 1, 2)
    return centres + signs * half.reshape(-1, 1, 1)


def _hinton_figsize(n_rows: int, n_cols: int) -> tuple[float, float]:
    width = min(2.5 + 0.35 * n_cols, 16)
    height = min(1.5 + 0.3 * n_rows, 16)
    return width, height


def _label_ticks(
    axis: Axis,
    n: int,
    labels: Sequence[Any] | None,
    rotate: bool = False,
    most: int = 60,
) -> None:
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


def _layer_index(layer: int, n_layers: int) -> int:
    if isinstance(layer, (bool, np.bool_)) or not isinstance(layer, (int, np.integer)):
        raise TypeError(f"layer must be an int, got {layer!r}.")
    if not -n_layers <= layer < n_layers:
        raise ValueError(
            f"layer={layer} is out of range: the network has {n_layers} weight "
            f"matrices (coefs_), so layer must be in [{-n_layers}, {n_layers - 1}]."
        )
    return int(layer) % n_layers


def _unit_indices(units: Sequence[int] | None, n_units: int) -> np.ndarray:
    if units is None:
        return np.arange(n_units)
    indices = np.asarray(units, dtype=int).ravel()
    bad = indices[(indices < 0) | (indices >= n_units)]
    if bad.size:
        raise ValueError(
            f"units {bad.tolist()} are out of range: this layer has {n_units} "
            f"receiving units (0 to {n_units - 1})."
        )
    return indices


def _unit_name(layer: int, n_layers: int, j: int) -> str:
    """Name of unit ``j`` of layer ``layer`` (0: inputs, n_layers: outputs)."""
    if layer == n_layers:
        return f"output {j}"
    return f"hidden {layer}.{j}" if n_layers > 2 else f"hidden {j}"


def _sending_labels(
    estimator: BaseEstimator, model: Any, index: int, n_rows: int
) -> list[str]:
    if index > 0:
        return [_unit_name(index, len(model.coefs_), i) for i in range(n_rows)]
    names = _input_names(estimator, model)
    if names is None or len(names) != n_rows:
        return [f"feature {i}" for i in range(n_rows)]
    return [str(name) for name in names]


def _input_names(estimator: BaseEstimator, model: Any) -> Sequence[Any] | None:
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


def _layer_title(model: Any, index: int, n_layers: int) -> str:
    sender = "input" if index == 0 else f"hidden layer {index}"
    receiver = "output" if index == n_layers - 1 else f"hidden layer {index + 1}"
    return f"{type(model).__name__}\n{sender} → {receiver}"


def plot_hinton_units(
    estimator: BaseEstimator,
    layer: int = 0,
    *,
    shape: tuple[int, ...] | None = None,
    units: Sequence[int] | None = None,
    ncols: int | None = None,
    row_labels: Sequence[str] | None = None,
    col_labels: Sequence[str] | None = None,
    max_weight: float | None = None,
) -> list[HintonDisplay]:
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


def _panel_axes(n: int, shape: tuple[int, ...], ncols: int | None) -> np.ndarray:
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
