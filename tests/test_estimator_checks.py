"""scikit-learn's estimator checks, legacy ones included, with no expected failure."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from .conftest import ESTIMATORS, NUMPY_CLASSIFIERS, TORCH_REGRESSORS

#: The hidden activations of issue 21: one estimator per backend each.
NEW_ACTIVATIONS = ["gelu", "silu", "leaky_relu"]


@parametrize_with_checks([cls() for cls in ESTIMATORS], legacy=True)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@parametrize_with_checks(
    [
        cls(activation=activation)
        for cls in NUMPY_CLASSIFIERS + TORCH_REGRESSORS
        for activation in NEW_ACTIVATIONS
    ],
    legacy=True,
)
def test_sklearn_compatible_with_new_activations(estimator, check):
    check(estimator)
