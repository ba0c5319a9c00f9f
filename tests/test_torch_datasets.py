"""torch Datasets and DataLoaders as input to the torch estimators.

The oracle is the array path: a Dataset read into memory must train and
predict exactly as the arrays it holds.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch.utils.data import (  # noqa: E402
    DataLoader,
    Dataset,
    IterableDataset,
    TensorDataset,
)

from rumelhart import (  # noqa: E402
    RumelhartClassifier,
    RumelhartRegressor,
    TorchMLPClassifier,
    TorchMLPRegressor,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _data(n=90, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 1)
    return X, y


class PairsDataset(Dataset):
    """A map-style Dataset of (features, label) with labels of any type."""

    def __init__(self, X, y):
        self.X, self.y = X, y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


class StreamOfPairs(IterableDataset):
    def __init__(self, X, y):
        self.X, self.y = X, y

    def __iter__(self):
        return iter(zip(torch.from_numpy(self.X), torch.from_numpy(self.y)))


def _clf(**kwargs):
    return TorchMLPClassifier(max_iter=15, batch_size=16, random_state=0, **kwargs)


def test_classifier_on_a_dataset_trains_exactly_as_on_its_arrays():
    X, y = _data()
    expected = _clf().fit(X, y)
    from_dataset = _clf().fit(TensorDataset(torch.from_numpy(X), torch.from_numpy(y)))
    np.testing.assert_array_equal(
        from_dataset.predict_proba(X), expected.predict_proba(X)
    )
    assert from_dataset.loss_curve_ == expected.loss_curve_
    assert from_dataset.n_features_in_ == 4
    np.testing.assert_array_equal(from_dataset.classes_, [0, 1, 2])


def test_regressor_on_a_dataloader_of_multi_output_pairs():
    X, _ = _data()
    Y = np.c_[X[:, 0] - X[:, 1], 2 * X[:, 2]].astype(np.float32)
    expected = TorchMLPRegressor(max_iter=10, random_state=0).fit(X, Y)
    # A DataLoader is read once as it is: a shuffled one changes the row
    # order (not the pairing), so compare against the same rows in order.
    loader = DataLoader(
        TensorDataset(torch.from_numpy(X), torch.from_numpy(Y)), batch_size=7
    )
    fitted = TorchMLPRegressor(max_iter=10, random_state=0).fit(loader)
    assert fitted.n_outputs_ == 2
    np.testing.assert_array_equal(fitted.predict(X), expected.predict(X))
    np.testing.assert_array_equal(fitted.predict(loader), expected.predict(X))


def test_string_labels_inputs_only_and_iterable_datasets():
    X, y = _data()
    classes = np.array(["cat", "dog", "emu"])
    names = classes[y]
    expected = _clf().fit(X, names)
    pairs = _clf().fit(PairsDataset(X, names))
    inputs_only = _clf().fit(TensorDataset(torch.from_numpy(X)), names)
    stream = _clf().fit(StreamOfPairs(X, y))
    for est in (pairs, inputs_only):
        np.testing.assert_array_equal(est.classes_, ["cat", "dog", "emu"])
        np.testing.assert_array_equal(est.predict(X), expected.predict(X))
    np.testing.assert_array_equal(
        classes[stream.predict(X)], expected.predict(X)
    )  # integer labels of the same classes


def test_predict_and_score_take_datasets_and_ignore_their_targets():
    X, y = _data()
    est = _clf().fit(X, y)
    pairs = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    np.testing.assert_array_equal(est.predict(pairs), est.predict(X))
    np.testing.assert_array_equal(
        est.predict_proba(TensorDataset(torch.from_numpy(X))), est.predict_proba(X)
    )
    assert est.score(pairs, y) == est.score(X, y)


def test_partial_fit_and_sample_weight_with_a_dataset():
    X, y = _data()
    w = np.linspace(0.5, 2.0, len(X))
    ds = PairsDataset(X, y)
    a = _clf().partial_fit(ds, classes=[0, 1, 2], sample_weight=w)
    b = _clf().partial_fit(X, y, classes=[0, 1, 2], sample_weight=w)
    a.partial_fit(ds, sample_weight=w)
    b.partial_fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


@pytest.mark.parametrize(
    ("make_data", "y", "message"),
    [
        (lambda X, y: PairsDataset(X, y), "y", "already yields \\(x, y\\) pairs"),
        (lambda X, y: TensorDataset(torch.from_numpy(X)), None, "pass y"),
        (
            lambda X, y: TensorDataset(torch.empty(0, 4)),
            "empty",
            "yielded no samples",
        ),
        (
            lambda X, y: TensorDataset(*(torch.from_numpy(X),) * 3),
            None,
            "tuples of 3 elements",
        ),
    ],
    ids=["y-twice", "no-targets", "empty", "triples"],
)
def test_bad_datasets_are_refused_and_change_nothing(make_data, y, message):
    X, labels = _data()
    est = _clf().fit(X, labels)
    before = est.predict_proba(X)
    target = {"y": labels, "empty": np.array([]), None: None}[y]
    with pytest.raises(ValueError, match=message):
        est.fit(make_data(X, labels), target)
    np.testing.assert_array_equal(est.predict_proba(X), before)


@pytest.mark.parametrize("cls", [RumelhartClassifier, RumelhartRegressor])
def test_numpy_estimators_refuse_datasets_and_name_the_torch_ones(cls):
    X, y = _data()
    with pytest.raises(TypeError, match=r"TorchMLP.*read torch Datasets"):
        cls().fit(TensorDataset(torch.from_numpy(X)), y)
    est = cls(max_iter=5).fit(X, y)
    with pytest.raises(TypeError, match="not a torch TensorDataset"):
        est.predict(TensorDataset(torch.from_numpy(X)))
