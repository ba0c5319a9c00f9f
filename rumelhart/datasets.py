"""Toy data sets from Rumelhart, Hinton & Williams (1986).

The tasks the paper uses to show what back-propagation learns: XOR, parity,
mirror symmetry, the ``n``-``log2(n)``-``n`` encoder and the two isomorphic
family trees of its Figure 2. Everything is generated in code with NumPy; no
file is read and nothing is downloaded.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from sklearn.utils import Bunch

from ._docstrings import with_parameters, with_raises

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "load_family_trees",
    "make_encoder",
    "make_parity",
    "make_symmetry",
    "make_xor",
]

_MAX_BITS = 20

_Function = TypeVar("_Function", bound=Callable[..., object])


class _InvalidParameterError(ValueError, TypeError):
    """An argument of the wrong type: both a ValueError and a TypeError."""


def _check_int(value: object, name: str, low: int, high: int | None = None) -> int:
    """Return ``value`` as an int, or raise a ValueError naming ``name``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise _InvalidParameterError(
            f"{name} must be an integer, got {value!r} of type {type(value).__name__}."
        )
    value = int(value)
    if value < low or (high is not None and value > high):
        bounds = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be {bounds}, got {value}.")
    return value


def _all_binary_vectors(n_bits: int) -> np.ndarray:
    """All ``2**n_bits`` binary vectors in counting order, first bit highest."""
    codes = np.arange(2**n_bits, dtype=np.int64)
    shifts = np.arange(n_bits - 1, -1, -1, dtype=np.int64)
    return ((codes[:, None] >> shifts) & 1).astype(np.float64)


def _takes_n_bits(low: int) -> Callable[[_Function], _Function]:
    """Document a maker's ``n_bits`` (its default read off the signature)
    and the error of its check, with the check's bounds (``low`` to
    ``_MAX_BITS``)."""

    def decorate(maker: _Function) -> _Function:
        default = inspect.signature(maker).parameters["n_bits"].default
        entry = f"""\
n_bits : int, default={default}
    Length of the input vectors, between {low} and {_MAX_BITS}.
"""
        error = f"""\
ValueError
    If ``n_bits`` is not an integer in ``[{low}, {_MAX_BITS}]`` (an argument of the
    wrong type raises an error that is also a TypeError).
"""
        return with_parameters(entry)(with_raises(error)(maker))

    return decorate


def make_xor() -> tuple[np.ndarray, np.ndarray]:
    """Return the four cases of the exclusive-or problem.

    Returns
    -------
    X : ndarray of shape (4, 2), dtype float64
        The inputs ``[0, 0], [0, 1], [1, 0], [1, 1]``.
    y : ndarray of shape (4,), dtype int64
        ``1`` where exactly one input is on: ``[0, 1, 1, 0]``.

    Examples
    --------
    >>> X, y = make_xor()
    >>> y.tolist()
    [0, 1, 1, 0]
    """
    X = _all_binary_vectors(2)
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return X, y


@_takes_n_bits(low=1)
def make_parity(n_bits: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Return every binary vector of length ``n_bits`` with its parity.

    The parity problem of Rumelhart et al. (1986): output ``1`` when the
    input holds an odd number of ones.

    Returns
    -------
    X : ndarray of shape (2**n_bits, n_bits), dtype float64
        All binary vectors; row ``i`` is ``i`` written in binary, most
        significant bit first.
    y : ndarray of shape (2**n_bits,), dtype int64
        ``1`` where the row has an odd number of ones, else ``0``.

    Examples
    --------
    >>> X, y = make_parity(3)
    >>> X.shape, y.tolist()
    ((8, 3), [0, 1, 1, 0, 1, 0, 0, 1])
    """
    n_bits = _check_int(n_bits, "n_bits", 1, _MAX_BITS)
    X = _all_binary_vectors(n_bits)
    y = (X.sum(axis=1).astype(np.int64) % 2).astype(np.int64)
    return X, y


@_takes_n_bits(low=2)
def make_symmetry(n_bits: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Return every binary vector of length ``n_bits``, labelled by mirror symmetry.

    The symmetry task of Rumelhart et al. (1986): output ``1`` when the input
    vector is symmetric about its centre, i.e. equal to its own reverse. For
    six bits, 8 of the 64 vectors are symmetric.

    Returns
    -------
    X : ndarray of shape (2**n_bits, n_bits), dtype float64
        All binary vectors in binary counting order, most significant bit
        first.
    y : ndarray of shape (2**n_bits,), dtype int64
        ``1`` where the row equals its reverse, else ``0``.

    Examples
    --------
    >>> X, y = make_symmetry(6)
    >>> int(y.sum())
    8
    """
    n_bits = _check_int(n_bits, "n_bits", 2, _MAX_BITS)
    X = _all_binary_vectors(n_bits)
    y = np.all(X[:, ::-1] == X, axis=1).astype(np.int64)
    return X, y


def make_encoder(n: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Return the ``n``-``log2(n)``-``n`` encoder problem.

    Each of the ``n`` input patterns has a single unit on, and the target is
    the input itself; a network with ``log2(n)`` hidden units must learn a
    compact code to reproduce it.

    Parameters
    ----------
    n : int, default=8
        Number of patterns (and of input and output units). A power of two,
        at least 2.

    Returns
    -------
    X : ndarray of shape (n, n), dtype float64
        The identity matrix.
    Y : ndarray of shape (n, n), dtype float64
        The targets, equal to ``X`` (a multi-output target, as a copy).

    Raises
    ------
    ValueError
        If ``n`` is not an integer power of two at least 2 (an argument of
        the wrong type raises an error that is also a TypeError).

    Examples
    --------
    >>> X, Y = make_encoder(4)
    >>> X.shape, Y.shape
    ((4, 4), (4, 4))
    """
    n = _check_int(n, "n", 2)
    if n & (n - 1):
        raise ValueError(f"n must be a power of two (2, 4, 8, ...), got {n}.")
    X = np.eye(n, dtype=np.float64)
    return X, X.copy()


# --------------------------------------------------------------------------
# Family trees (Figure 2 of the paper)
# --------------------------------------------------------------------------

# The shared structure of both trees; people are named by their English name.
_ENGLISH_PEOPLE = (
    "Christopher",
    "Penelope",
    "Andrew",
    "Christine",
    "Margaret",
    "Arthur",
    "Victoria",
    "James",
    "Jennifer",
    "Charles",
    "Colin",
    "Charlotte",
)
_ITALIAN_PEOPLE = (
    "Roberto",
    "Maria",
    "Pierro",
    "Francesca",
    "Gina",
    "Emilio",
    "Lucia",
    "Marco",
    "Angela",
    "Tomaso",
    "Alfonso",
    "Sophia",
)
_MALE = frozenset({"Christopher", "Andrew", "Arthur", "James", "Charles", "Colin"})
# (husband, wife)
_MARRIAGES = (
    ("Christopher", "Penelope"),
    ("Andrew", "Christine"),
    ("Arthur", "Margaret"),
    ("James", "Victoria"),
    ("Charles", "Jennifer"),
)
# child -> (father, mother)
_PARENTS = {
    "Arthur": ("Christopher", "Penelope"),
    "Victoria": ("Christopher", "Penelope"),
    "James": ("Andrew", "Christine"),
    "Jennifer": ("Andrew", "Christine"),
    "Colin": ("James", "Victoria"),
    "Charlotte": ("James", "Victoria"),
}
# A query of the family trees: (person1, relation, every correct person2).
_Query = tuple[str, str, tuple[str, ...]]

_RELATIONS = (
    "father",
    "mother",
    "husband",
    "wife",
    "son",
    "daughter",
    "uncle",
    "aunt",
    "brother",
    "sister",
    "nephew",
    "niece",
)


def _tree_relations() -> dict[tuple[str, str], set[str]]:
    """Derive ``{(person1, relation): set(person2)}`` for the English tree.

    ``person2`` is the ``relation`` of ``person1``.
    """
    people = _ENGLISH_PEOPLE
    parents = {p: set(_PARENTS.get(p, ())) for p in people}
    children = {p: {c for c in people if p in parents[c]} for p in people}
    spouse: dict[str, set[str]] = {p: set() for p in people}
    for husband, wife in _MARRIAGES:
        spouse[husband].add(wife)
        spouse[wife].add(husband)
    siblings = {
        p: {q for q in people if q != p and parents[p] & parents[q]} for p in people
    }
    # Uncles and aunts: the siblings of a parent, and the spouses of those
    # siblings (relatives by blood and by marriage alike).
    elders: dict[str, set[str]] = {}
    for p in people:
        blood = set().union(*(siblings[q] for q in parents[p]))
        elders[p] = blood.union(*(spouse[q] for q in blood))
    # Nephews and nieces are the inverse relation.
    juniors = {p: {q for q in people if p in elders[q]} for p in people}

    # Each kin group gives two relations: its men, and its women.
    kin = {
        ("father", "mother"): parents,
        ("husband", "wife"): spouse,
        ("son", "daughter"): children,
        ("uncle", "aunt"): elders,
        ("brother", "sister"): siblings,
        ("nephew", "niece"): juniors,
    }
    facts: dict[tuple[str, str], set[str]] = {}
    for p in people:
        for (his, hers), group in kin.items():
            men = group[p] & _MALE
            for relation, answers in ((his, men), (hers, group[p] - men)):
                if answers:
                    facts[p, relation] = answers
    return facts


# The fixed split of the examples: the 4 queries held out from training. The
# paper trains on 100 of the 104 queries and tests on the other 4 without
# naming them. These are one query of each kind of relation (a parent, a
# child, a spouse, a sibling), two from each family, each with one answer;
# the isomorphic twin of each is in the other family's training queries, so
# each can be answered by analogy with the other tree, which is the point of
# the experiment.
_HELDOUT = (
    ("Andrew", "daughter"),  # English, a child: Jennifer
    ("Victoria", "father"),  # English, a parent: Christopher
    ("Angela", "husband"),  # Italian, a spouse: Tomaso
    ("Sophia", "brother"),  # Italian, a sibling: Alfonso
)

_DESCR = """\
Family trees (Rumelhart, Hinton & Williams, 1986, Figure 2)
============================================================

Two isomorphic family trees, one English and one Italian, of 12 people each,
with 12 relations: father, mother, husband, wife, son, daughter, uncle, aunt,
brother, sister, nephew, niece. Uncles and aunts include both the siblings of
a parent and the spouses of those siblings; nephews and nieces are the
inverse relation. All facts are derived in code from the parents, marriages
and sexes of the tree.

English tree: Christopher = Penelope and Andrew = Christine; Arthur and
Victoria are children of Christopher and Penelope, James and Jennifer of
Andrew and Christine; Margaret = Arthur, Victoria = James, Jennifer =
Charles; Colin and Charlotte are children of Victoria and James. The Italian
tree has the same shape with Roberto, Maria, Pierro, Francesca, Gina,
Emilio, Lucia, Marco, Angela, Tomaso, Alfonso and Sophia in place of
Christopher, Penelope, Andrew, Christine, Margaret, Arthur, Victoria, James,
Jennifer, Charles, Colin and Charlotte.

A fact ``(person1, relation, person2)`` means "person2 is the relation of
person1". The task is: given person1 and relation, turn on every correct
person2. There are 112 such facts (56 per family) and 104 distinct
``(person1, relation)`` queries (52 per family); the paper's "104 instances of
relationships" counts the queries, since some queries (e.g. Colin's uncles)
have two answers.

Attributes
----------
people : list of str
    The 24 people, English (in the order above) then Italian (matching
    order). Column ``j`` of ``X_person`` and of ``target`` is ``people[j]``.
relations : list of str
    The 12 relations, in the order above; column ``j`` of ``X_relation``.
triples : list of tuple of str
    The 112 ``(person1, relation, person2)`` facts.
queries : list of tuple
    The 104 ``(person1, relation, answers)`` queries, ``answers`` a tuple of
    every correct person2; row ``i`` of the arrays is ``queries[i]``.
X_person : ndarray of shape (104, 24)
    One-hot code of person1.
X_relation : ndarray of shape (104, 12)
    One-hot code of the relation.
data : ndarray of shape (104, 36)
    ``hstack([X_person, X_relation])``, the network's input.
target : ndarray of shape (104, 24)
    Multi-hot code of every correct person2.
family : ndarray of shape (104,) of str
    ``'english'`` or ``'italian'``.
train : ndarray of shape (100,) of int
    Rows of the 100 training queries of the fixed split.
heldout : ndarray of shape (4,) of int
    Rows of the 4 held-out queries of the fixed split: Andrew's daughter,
    Victoria's father, Angela's husband and Sophia's brother.

The fixed split
---------------
The paper trains on 100 of the 104 queries and tests the other 4 without
saying which. The split given here holds out one query of each kind of
relation (a parent, a child, a spouse, a sibling), two from each family,
each with a single answer, and none whose isomorphic twin in the other family
is also held out: each held-out query can be answered only by analogy with
the other tree, which is what the experiment tests.
"""


def load_family_trees(as_frame: bool = False) -> Bunch:
    """Load the two family trees of Rumelhart, Hinton & Williams (1986).

    The English and Italian trees of the paper's Figure 2, 12 people each,
    with 12 kinship relations. The facts are derived from the trees'
    structure (parents, marriages and sex); uncles and aunts include the
    spouses of a parent's siblings. A fact ``(person1, relation, person2)``
    means "person2 is the relation of person1". There are 112 facts and 104
    distinct ``(person1, relation)`` queries, the paper's 104 "instances of
    relationships"; the network's input is ``(person1, relation)`` and its
    target has every correct person2 on.

    Parameters
    ----------
    as_frame : bool, default=False
        If True, also return the facts as a pandas DataFrame in ``frame``.

    Returns
    -------
    data : sklearn.utils.Bunch
        Dictionary-like object with the following attributes.

        people : list of str
            The 24 people: the English family (Christopher, Penelope, Andrew,
            Christine, Margaret, Arthur, Victoria, James, Jennifer, Charles,
            Colin, Charlotte), then the Italian family in matching order
            (Roberto, Maria, Pierro, Francesca, Gina, Emilio, Lucia, Marco,
            Angela, Tomaso, Alfonso, Sophia).
        relations : list of str
            The 12 relations: father, mother, husband, wife, son, daughter,
            uncle, aunt, brother, sister, nephew, niece.
        triples : list of tuple of (str, str, str)
            The 112 ``(person1, relation, person2)`` facts, ordered by
            person1, then relation, then person2 (in the orders above).
        queries : list of tuple of (str, str, tuple of str)
            The 104 distinct ``(person1, relation, answers)`` queries in the
            same order; row ``i`` of every array below describes
            ``queries[i]``.
        X_person : ndarray of shape (104, 24), dtype float64
            One-hot code of person1, columns in ``people`` order.
        X_relation : ndarray of shape (104, 12), dtype float64
            One-hot code of the relation, columns in ``relations`` order.
        data : ndarray of shape (104, 36), dtype float64
            ``np.hstack([X_person, X_relation])``.
        target : ndarray of shape (104, 24), dtype float64
            Multi-hot code of every correct person2, columns in ``people``
            order.
        family : ndarray of shape (104,), dtype str
            ``'english'`` or ``'italian'``, the family of each query.
        train : ndarray of shape (100,), dtype int64
            Rows of the 100 training queries of the fixed split (every
            row not in ``heldout``, in order).
        heldout : ndarray of shape (4,), dtype int64
            Rows of the 4 held-out queries of the fixed split, in order:
            Andrew's daughter (Jennifer), Victoria's father (Christopher),
            Angela's husband (Tomaso) and Sophia's brother (Alfonso). The
            paper holds out 4 of the 104 queries without naming them; these
            are one query of each kind of relation (parent, child, spouse,
            sibling), two from each family, each with one answer, and the
            isomorphic twin of each, in the other family, is a training
            query: the network can answer them only by carrying what it
            learned about one tree over to the other.
        feature_names : list of str
            Names of the 36 columns of ``data``.
        target_names : list of str
            Names of the 24 columns of ``target`` (the people).
        frame : pandas.DataFrame of shape (112, 3)
            Only when ``as_frame=True``: the facts, with columns
            ``person1``, ``relation`` and ``person2``.
        DESCR : str
            Description of the data set.

    Raises
    ------
    ValueError
        If ``as_frame`` is not a bool (the error is also a TypeError).
    ImportError
        If ``as_frame=True`` and pandas is not installed.

    Examples
    --------
    >>> trees = load_family_trees()
    >>> trees.data.shape, trees.target.shape, len(trees.triples)
    ((104, 36), (104, 24), 112)
    >>> [" ".join(trees.queries[i][:2]) for i in trees.heldout]
    ['Andrew daughter', 'Victoria father', 'Angela husband', 'Sophia brother']
    >>> X_train, Y_train = trees.data[trees.train], trees.target[trees.train]
    >>> X_train.shape
    (100, 36)
    """
    if not isinstance(as_frame, bool | np.bool_):
        raise _InvalidParameterError(f"as_frame must be a bool, got {as_frame!r}.")
    people = list(_ENGLISH_PEOPLE + _ITALIAN_PEOPLE)
    relations = list(_RELATIONS)
    queries, family = _family_queries(people, relations)
    triples = [(p1, rel, p2) for p1, rel, answers in queries for p2 in answers]
    X_person, X_relation, target = _encode_queries(queries, people, relations)
    train, heldout = _fixed_split(queries)
    bunch = Bunch(
        people=people,
        relations=relations,
        triples=triples,
        queries=queries,
        X_person=X_person,
        X_relation=X_relation,
        data=np.hstack([X_person, X_relation]),
        target=target,
        family=np.array(family),
        train=train,
        heldout=heldout,
        feature_names=[f"person1={p}" for p in people]
        + [f"relation={r}" for r in relations],
        target_names=list(people),
        DESCR=_DESCR,
    )
    if as_frame:
        bunch.frame = _facts_frame(triples)
    return bunch


def _family_queries(
    people: list[str], relations: list[str]
) -> tuple[list[_Query], list[str]]:
    """Every ``(person1, relation, answers)`` query of both trees, and its family.

    The English facts are derived once and renamed for the Italian tree; the
    queries are ordered by person1 then relation, the answers by person.
    """
    english_facts = _tree_relations()
    families = (
        ("english", dict(zip(_ENGLISH_PEOPLE, _ENGLISH_PEOPLE, strict=True))),
        ("italian", dict(zip(_ENGLISH_PEOPLE, _ITALIAN_PEOPLE, strict=True))),
    )
    person_index = {p: i for i, p in enumerate(people)}
    relation_index = {r: i for i, r in enumerate(relations)}
    order = sorted(
        english_facts, key=lambda key: (person_index[key[0]], relation_index[key[1]])
    )
    queries: list[_Query] = []
    family: list[str] = []
    for family_name, rename in families:
        for person1, relation in order:
            english_answers = sorted(
                english_facts[person1, relation], key=person_index.__getitem__
            )
            answers = tuple(rename[p] for p in english_answers)
            queries.append((rename[person1], relation, answers))
            family.append(family_name)
    return queries, family


def _encode_queries(
    queries: list[_Query], people: list[str], relations: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-hot person1, one-hot relation and multi-hot answers, one row a query."""
    person_index = {p: i for i, p in enumerate(people)}
    relation_index = {r: i for i, r in enumerate(relations)}
    n_queries = len(queries)
    X_person = np.zeros((n_queries, len(people)), dtype=np.float64)
    X_relation = np.zeros((n_queries, len(relations)), dtype=np.float64)
    target = np.zeros((n_queries, len(people)), dtype=np.float64)
    for i, (person1, relation, answers) in enumerate(queries):
        X_person[i, person_index[person1]] = 1.0
        X_relation[i, relation_index[relation]] = 1.0
        target[i, [person_index[p] for p in answers]] = 1.0
    return X_person, X_relation, target


def _fixed_split(queries: list[_Query]) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the training queries and of the 4 held-out ones (``_HELDOUT``)."""
    row = {(person1, relation): i for i, (person1, relation, _) in enumerate(queries)}
    heldout = np.array([row[query] for query in _HELDOUT], dtype=np.int64)
    train = np.setdiff1d(np.arange(len(queries), dtype=np.int64), heldout)
    return train, heldout


def _facts_frame(triples: list[tuple[str, str, str]]) -> pd.DataFrame:
    """The facts as a DataFrame (pandas is imported only when asked for)."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(
            "load_family_trees(as_frame=True) requires pandas; install "
            "pandas or use as_frame=False."
        ) from exc
    return pd.DataFrame(triples, columns=["person1", "relation", "person2"])
