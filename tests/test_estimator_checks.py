"""scikit-learn's estimator checks, legacy ones included, with no expected failure."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from .conftest import ESTIMATORS


@parametrize_with_checks([cls() for cls in ESTIMATORS], legacy=True)
def test_sklearn_compatible(estimator, check):
    check(estimator)
