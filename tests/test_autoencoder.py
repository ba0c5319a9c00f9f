"""The autoencoders: the paper's encoder problems, codes, decoding, the contract."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from rumelhart import RumelhartAutoencoder
from rumelhart.datasets import make_encoder

from .conftest import HAS_TORCH


def autoencoder_classes():
    if not HAS_TORCH:
        return [RumelhartAutoencoder]
    from rumelhart import TorchAutoencoder

    return [RumelhartAutoencoder, TorchAutoencoder]


AUTOENCODERS = autoencoder_classes()


def make(cls, **params):
    extra = {"device": "cpu"} if cls.__name__.startswith("Torch") else {}
    return cls(random_state=0, **extra, **params)


@parametrize_with_checks([cls() for cls in AUTOENCODERS], legacy=True)
def test_autoencoders_pass_the_estimator_checks(estimator, check):
    check(estimator)


def test_the_8_3_8_encoder_problem_is_solved():
    """The paper's encoder: 8 one-hot patterns through 3 hidden units. The
    hidden units must invent a code: 8 distinct codes that decode back."""
    X, _ = make_encoder(8)
    ae = RumelhartAutoencoder(
        (3,),
        output_activation="logistic",
        eps=2.0,
        batch_size=None,
        max_iter=20_000,
        tol=0,
        n_iter_no_change=10**6,
        random_state=0,
    ).fit(X)
    codes = ae.transform(X)
    decoded = ae.inverse_transform(codes)
    np.testing.assert_array_equal(decoded.argmax(axis=1), X.argmax(axis=1))
    # Eight distinct codes: binary-like corners of the unit cube.
    assert len({tuple(np.round(c, 1)) for c in codes}) == 8
    assert ae.score(X) > -0.01


@pytest.mark.parametrize("cls", AUTOENCODERS)
def test_transform_is_the_narrowest_layer_and_decodes_back(cls):
    X = StandardScaler().fit_transform(load_digits().data[:300])
    ae = make(cls, hidden_layer_sizes=(32, 6, 32), max_iter=30).fit(X)
    codes = ae.transform(X)
    assert codes.shape == (300, 6)
    # Decoding the code is the network's own output: the same reconstruction.
    np.testing.assert_allclose(
        ae.inverse_transform(codes), ae._engine.predict(X), rtol=1e-5, atol=1e-6
    )
    expected = -np.mean((ae.inverse_transform(codes) - X) ** 2)
    assert ae.score(X) == pytest.approx(expected, rel=1e-5)
    assert list(ae.get_feature_names_out()) == [
        f"{cls.__name__.lower()}_hidden2_{j}" for j in range(6)
    ]
    with pytest.raises(ValueError, match=r"codes of shape \(n_samples, 6\)"):
        ae.inverse_transform(codes[:, :3])
    with pytest.raises(ValueError, match="decodes one hidden layer"):
        ae.set_params(transform_layer="all").inverse_transform(codes)


@pytest.mark.parametrize("cls", AUTOENCODERS)
def test_reconstruction_beside_pca_on_digits(cls):
    """A one-hidden-layer autoencoder learns about what PCA keeps at the same
    number of components (a linear code is PCA's optimum); within 25 %."""
    X = StandardScaler().fit_transform(load_digits().data)
    pca = PCA(8).fit(X)
    pca_error = np.mean((pca.inverse_transform(pca.transform(X)) - X) ** 2)
    ae = make(cls, hidden_layer_sizes=(8,), max_iter=300).fit(X)
    assert -ae.score(X) < 1.25 * pca_error


@pytest.mark.parametrize("cls", AUTOENCODERS)
def test_logistic_outputs_need_inputs_in_the_unit_interval(cls):
    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match=r"inputs in \[0, 1\]"):
        make(cls, output_activation="logistic").fit(X)


@pytest.mark.parametrize("cls", AUTOENCODERS)
def test_in_a_pipeline_and_partial_fit(cls):
    X = load_digits().data[:200]
    pipe = make_pipeline(StandardScaler(), make(cls, max_iter=5)).fit(X)
    assert pipe.transform(X).shape == (200, 8)
    ae = make(cls)
    for _ in range(3):
        ae.partial_fit(StandardScaler().fit_transform(X))
    assert ae.n_iter_ == 3
