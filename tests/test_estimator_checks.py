"""scikit-learn's estimator checks, legacy ones included, with no expected failure."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from .conftest import ESTIMATORS, NUMPY_CLASSIFIERS, TORCH_REGRESSORS

#: Activations whose slope is read from the net input, not the output (the
#: NumPy engine keeps the net inputs for them; torch trains them through
#: autograd): one per backend keeps the checks' time in bounds.
FROM_INPUT_ACTIVATIONS = {"gelu": NUMPY_CLASSIFIERS, "silu": TORCH_REGRESSORS}


@parametrize_with_checks([cls() for cls in ESTIMATORS], legacy=True)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@parametrize_with_checks(
    [
        cls(activation=activation)
        for activation, classes in FROM_INPUT_ACTIVATIONS.items()
        for cls in classes
    ],
    legacy=True,
)
def test_sklearn_compatible_with_new_activations(estimator, check):
    check(estimator)
