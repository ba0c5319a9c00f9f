"""Tests for rumelhart.datasets."""

import hashlib
import inspect
import itertools
import re
import sys

import numpy as np
import pytest

from rumelhart.datasets import (
    load_family_trees,
    make_encoder,
    make_parity,
    make_symmetry,
    make_xor,
)

ENGLISH_TO_ITALIAN = {
    "Christopher": "Roberto",
    "Penelope": "Maria",
    "Andrew": "Pierro",
    "Christine": "Francesca",
    "Margaret": "Gina",
    "Arthur": "Emilio",
    "Victoria": "Lucia",
    "James": "Marco",
    "Jennifer": "Angela",
    "Charles": "Tomaso",
    "Colin": "Alfonso",
    "Charlotte": "Sophia",
}
RELATIONS = [
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
]


@pytest.fixture(scope="module")
def trees():
    return load_family_trees()


def answers(trees, person1, relation):
    return {p2 for p1, r, p2 in trees.triples if p1 == person1 and r == relation}


# ----------------------------------------------------------------- XOR


def test_xor_truth_table():
    X, y = make_xor()
    assert X.shape == (4, 2) and X.dtype == np.float64
    assert y.shape == (4,) and np.issubdtype(y.dtype, np.integer)
    assert set(np.unique(X)) == {0.0, 1.0}
    rows = {tuple(row) for row in X.astype(int)}
    assert rows == {(0, 0), (0, 1), (1, 0), (1, 1)}
    for row, label in zip(X.astype(int), y, strict=True):
        assert label == row[0] ^ row[1]


# -------------------------------------------------------------- parity


@pytest.mark.parametrize("n_bits", [1, 2, 3, 4, 8])
def test_parity_labels_match_popcount(n_bits):
    X, y = make_parity(n_bits)
    assert X.shape == (2**n_bits, n_bits) and X.dtype == np.float64
    assert y.shape == (2**n_bits,) and np.issubdtype(y.dtype, np.integer)
    for i, (row, label) in enumerate(zip(X, y, strict=True)):
        bits = format(i, f"0{n_bits}b")
        np.testing.assert_array_equal(row, [float(b) for b in bits])
        assert label == bits.count("1") % 2
    assert y.sum() == 2 ** (n_bits - 1)


def test_parity_default_is_four_bits():
    X, y = make_parity()
    assert X.shape == (16, 4)
    assert y.tolist() == [i.bit_count() % 2 for i in range(16)]


@pytest.mark.parametrize("bad", [0, -1, 21, 2.0, 2.5, "4", None, True])
def test_parity_rejects_bad_n_bits(bad):
    with pytest.raises(ValueError, match="n_bits"):
        make_parity(bad)


@pytest.mark.parametrize(
    ("func", "kwargs"),
    [
        (make_parity, {"n_bits": 2.0}),
        (make_symmetry, {"n_bits": "6"}),
        (make_encoder, {"n": 8.0}),
        (load_family_trees, {"as_frame": "yes"}),
    ],
)
def test_wrong_type_is_also_type_error(func, kwargs):
    with pytest.raises(TypeError, match=next(iter(kwargs))):
        func(**kwargs)


def test_parity_accepts_numpy_integer():
    X, _ = make_parity(np.int64(3))
    assert X.shape == (8, 3)


# ------------------------------------------------------------ symmetry


def test_symmetry_six_bits():
    X, y = make_symmetry(6)
    assert X.shape == (64, 6) and X.dtype == np.float64
    assert y.shape == (64,) and np.issubdtype(y.dtype, np.integer)
    assert y.sum() == 8
    assert len({tuple(row) for row in X}) == 64
    for row, label in zip(X, y, strict=True):
        assert label == int(np.array_equal(row, row[::-1]))
    # The symmetric vectors are exactly the mirrored 3-bit halves.
    expected = {half + half[::-1] for half in itertools.product((0.0, 1.0), repeat=3)}
    assert {tuple(row) for row in X[y == 1]} == expected


@pytest.mark.parametrize("n_bits", [2, 3, 5, 7])
def test_symmetry_count(n_bits):
    X, y = make_symmetry(n_bits)
    assert X.shape == (2**n_bits, n_bits)
    assert y.sum() == 2 ** ((n_bits + 1) // 2)
    np.testing.assert_array_equal(X[y == 1], X[y == 1][:, ::-1])
    assert np.all(np.any(X[y == 0] != X[y == 0][:, ::-1], axis=1))


@pytest.mark.parametrize("bad", [1, 0, 21, 6.0, "6"])
def test_symmetry_rejects_bad_n_bits(bad):
    with pytest.raises(ValueError, match="n_bits"):
        make_symmetry(bad)


@pytest.mark.parametrize("maker", [make_parity, make_symmetry])
def test_the_documented_n_bits_is_the_checked_one(maker):
    """The docstring's default and bounds of ``n_bits`` (written by a shared
    decorator) are those the function has and enforces."""
    doc = inspect.getdoc(maker)
    default = re.search(r"^n_bits : int, default=(\d+)$", doc, re.MULTILINE)
    low, high = map(int, re.search(r"between (\d+) and (\d+)\.", doc).groups())
    assert re.search(rf"^Raises\n-+\nValueError\n.*``\[{low}, {high}\]``", doc, re.M)
    assert (
        int(default.group(1)) == inspect.signature(maker).parameters["n_bits"].default
    )
    for n_bits in (low - 1, high + 1):
        with pytest.raises(ValueError, match="n_bits"):
            maker(n_bits)
    assert maker(low)[0].shape == (2**low, low)


# ------------------------------------------------------------- encoder


@pytest.mark.parametrize("n", [2, 4, 8, 16])
def test_encoder(n):
    X, Y = make_encoder(n)
    assert X.shape == Y.shape == (n, n)
    assert X.dtype == Y.dtype == np.float64
    np.testing.assert_array_equal(X, np.eye(n))
    np.testing.assert_array_equal(Y, X)
    Y[0, 0] = 5.0  # the targets do not share memory with the inputs
    assert X[0, 0] == 1.0


def test_encoder_default():
    X, Y = make_encoder()
    assert X.shape == Y.shape == (8, 8)


@pytest.mark.parametrize("bad", [0, 1, 3, 6, 12, -8, 8.0, "8", None])
def test_encoder_rejects_bad_n(bad):
    with pytest.raises(ValueError, match=r"\bn\b"):
        make_encoder(bad)


# -------------------------------------------------------- family trees


def test_family_tree_counts(trees):
    # The paper's "104 instances of relationships" are the distinct
    # (person1, relation) queries; some have two answers, so there are more
    # (person1, relation, person2) facts.
    assert len(trees.queries) == 104
    assert len(trees.triples) == 112
    assert len(set(trees.triples)) == 112
    assert len({(p1, r) for p1, r, _ in trees.queries}) == 104
    assert sum(len(a) for _, _, a in trees.queries) == 112
    assert (trees.family == "english").sum() == 52
    assert (trees.family == "italian").sum() == 52


def test_family_tree_people_and_relations(trees):
    english = list(ENGLISH_TO_ITALIAN)
    assert trees.people == english + [ENGLISH_TO_ITALIAN[p] for p in english]
    assert trees.relations == RELATIONS
    assert {p for p1, _, p2 in trees.triples for p in (p1, p2)} == set(trees.people)
    assert {p1 for p1, _, _ in trees.triples} == set(trees.people)
    assert {p2 for _, _, p2 in trees.triples} == set(trees.people)
    assert {r for _, r, _ in trees.triples} == set(RELATIONS)


def test_family_tree_arrays(trees):
    n = len(trees.queries)
    assert trees.X_person.shape == (n, 24)
    assert trees.X_relation.shape == (n, 12)
    assert trees.data.shape == (n, 36)
    assert trees.target.shape == (n, 24)
    assert trees.family.shape == (n,)
    for arr in (trees.X_person, trees.X_relation, trees.data, trees.target):
        assert arr.dtype == np.float64
        assert set(np.unique(arr)) <= {0.0, 1.0}
    np.testing.assert_array_equal(trees.X_person.sum(axis=1), 1.0)
    np.testing.assert_array_equal(trees.X_relation.sum(axis=1), 1.0)
    np.testing.assert_array_equal(
        trees.data, np.hstack([trees.X_person, trees.X_relation])
    )
    assert trees.target.sum() == 112
    assert set(trees.target.sum(axis=1)) == {1.0, 2.0}
    # Every person and every relation appears among the inputs.
    assert np.all(trees.X_person.sum(axis=0) > 0)
    assert np.all(trees.X_relation.sum(axis=0) > 0)
    assert len(trees.feature_names) == 36
    assert trees.target_names == trees.people
    assert isinstance(trees.DESCR, str) and "104" in trees.DESCR


def test_family_tree_rows_decode_to_queries(trees):
    triples = set(trees.triples)
    italian = set(ENGLISH_TO_ITALIAN.values())
    for i, (person1, relation, ans) in enumerate(trees.queries):
        assert trees.people[trees.X_person[i].argmax()] == person1
        assert trees.relations[trees.X_relation[i].argmax()] == relation
        decoded = {trees.people[j] for j in np.flatnonzero(trees.target[i])}
        assert decoded == set(ans) == answers(trees, person1, relation)
        assert all((person1, relation, p2) in triples for p2 in ans)
        assert trees.family[i] == ("italian" if person1 in italian else "english")
        # Both people of a fact belong to the same family.
        assert all((p2 in italian) == (person1 in italian) for p2 in ans)


def test_family_trees_are_isomorphic(trees):
    english_names = set(ENGLISH_TO_ITALIAN)
    english = {t for t in trees.triples if t[0] in english_names}
    italian = {t for t in trees.triples if t[0] not in english_names}
    assert len(english) == len(italian) == 56
    mapped = {
        (ENGLISH_TO_ITALIAN[p1], r, ENGLISH_TO_ITALIAN[p2]) for p1, r, p2 in english
    }
    assert mapped == italian


def test_family_tree_spot_checks(trees):
    assert answers(trees, "Colin", "father") == {"James"}
    assert answers(trees, "Colin", "mother") == {"Victoria"}
    assert answers(trees, "Arthur", "wife") == {"Margaret"}
    assert answers(trees, "Margaret", "husband") == {"Arthur"}
    assert "Jennifer" in answers(trees, "Charlotte", "aunt")
    # Aunts and uncles by blood and by marriage.
    assert answers(trees, "Charlotte", "aunt") == {"Jennifer", "Margaret"}
    assert answers(trees, "Colin", "uncle") == {"Arthur", "Charles"}
    assert answers(trees, "Charles", "nephew") == {"Colin"}
    assert answers(trees, "Margaret", "niece") == {"Charlotte"}
    assert answers(trees, "Victoria", "brother") == {"Arthur"}
    assert answers(trees, "Colin", "sister") == {"Charlotte"}
    assert answers(trees, "Christopher", "son") == {"Arthur"}
    assert answers(trees, "Christine", "daughter") == {"Jennifer"}
    assert answers(trees, "Alfonso", "father") == {"Marco"}
    assert answers(trees, "Sophia", "aunt") == {"Angela", "Gina"}
    # Grandparents have no parents, in-laws are not siblings.
    assert answers(trees, "Christopher", "father") == set()
    assert answers(trees, "Margaret", "brother") == set()
    assert answers(trees, "Arthur", "uncle") == set()


def test_family_tree_relations_are_consistent(trees):
    facts = set(trees.triples)
    inverse = {
        "husband": {"wife"},
        "wife": {"husband"},
        "father": {"son", "daughter"},
        "mother": {"son", "daughter"},
        "son": {"father", "mother"},
        "daughter": {"father", "mother"},
        "brother": {"brother", "sister"},
        "sister": {"brother", "sister"},
        "uncle": {"nephew", "niece"},
        "aunt": {"nephew", "niece"},
        "nephew": {"uncle", "aunt"},
        "niece": {"uncle", "aunt"},
    }
    for p1, r, p2 in facts:
        assert p1 != p2
        assert any((p2, inv, p1) in facts for inv in inverse[r])


def test_family_trees_fixed_split(trees):
    """4 held-out queries, 100 training ones: together every row, once."""
    assert trees.heldout.shape == (4,) and trees.train.shape == (100,)
    assert trees.heldout.dtype == trees.train.dtype == np.int64
    np.testing.assert_array_equal(
        np.sort(np.concatenate([trees.train, trees.heldout])), np.arange(104)
    )
    assert np.all(np.diff(trees.train) > 0) and np.all(np.diff(trees.heldout) > 0)
    held = [trees.queries[i] for i in trees.heldout]
    assert held == [
        ("Andrew", "daughter", ("Jennifer",)),
        ("Victoria", "father", ("Christopher",)),
        ("Angela", "husband", ("Tomaso",)),
        ("Sophia", "brother", ("Alfonso",)),
    ]


def test_family_trees_heldout_queries_are_answerable_by_analogy(trees):
    """The documented choice: one query per kind of relation, two per family,
    one answer each, and each one's twin in the other tree is trained on."""
    kinds = {
        "father": "parent",
        "mother": "parent",
        "son": "child",
        "daughter": "child",
        "husband": "spouse",
        "wife": "spouse",
        "brother": "sibling",
        "sister": "sibling",
    }
    held = [trees.queries[i] for i in trees.heldout]
    assert sorted(kinds.get(r) for _, r, _ in held) == [
        "child",
        "parent",
        "sibling",
        "spouse",
    ]
    assert sorted(trees.family[trees.heldout]) == ["english"] * 2 + ["italian"] * 2
    assert all(len(ans) == 1 for _, _, ans in held)
    assert trees.target[trees.heldout].sum(axis=1).tolist() == [1.0] * 4
    # Multi-hot targets stay: the 8 two-answer queries are all trained on.
    assert (trees.target[trees.train].sum(axis=1) == 2).sum() == 8
    twin = {**ENGLISH_TO_ITALIAN, **{v: k for k, v in ENGLISH_TO_ITALIAN.items()}}
    train = {trees.queries[i][:2] for i in trees.train}
    for person1, relation, (answer,) in held:
        assert (twin[person1], relation) in train
        # Both people of the query appear in other training queries.
        assert any(p1 == person1 for p1, _ in train)
        assert any(answer in trees.queries[i][2] for i in trees.train)


def test_family_trees_training_queries_never_have_tomaso_alone(trees):
    """What the fixed split leaves about Tomaso (docs/paper.md, why Angela's
    husband is not answered): his unit is on in two training queries, both
    with Emilio, while his English twin Charles answers Jennifer's husband
    alone; and Tomaso's own spouse fact is left only as an input."""
    train = [trees.queries[i] for i in trees.train]
    assert [(p1, r, ans) for p1, r, ans in train if "Tomaso" in ans] == [
        ("Alfonso", "uncle", ("Emilio", "Tomaso")),
        ("Sophia", "uncle", ("Emilio", "Tomaso")),
    ]
    assert [(p1, r, ans) for p1, r, ans in train if "Charles" in ans] == [
        ("Jennifer", "husband", ("Charles",)),
        ("Colin", "uncle", ("Arthur", "Charles")),
        ("Charlotte", "uncle", ("Arthur", "Charles")),
    ]
    assert ("Tomaso", "wife", ("Angela",)) in train
    # Every other person is the sole answer of some training query.
    alone = {ans[0] for _, _, ans in train if len(ans) == 1}
    assert set(trees.people) - alone == {"Tomaso"}


def test_family_trees_split_is_a_fresh_copy():
    a, b = load_family_trees(), load_family_trees()
    a.heldout[0] = 0
    assert b.heldout[0] == 8


def test_family_trees_as_frame():
    pd = pytest.importorskip("pandas")
    trees = load_family_trees(as_frame=True)
    assert isinstance(trees.frame, pd.DataFrame)
    assert list(trees.frame.columns) == ["person1", "relation", "person2"]
    assert trees.frame.shape == (112, 3)
    assert list(trees.frame.itertuples(index=False, name=None)) == trees.triples
    assert "frame" not in load_family_trees()


def test_family_trees_as_frame_without_pandas(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pandas"):
        load_family_trees(as_frame=True)
    assert len(load_family_trees().triples) == 112


@pytest.mark.parametrize("bad", ["yes", 1, None])
def test_family_trees_rejects_bad_as_frame(bad):
    with pytest.raises(ValueError, match="as_frame"):
        load_family_trees(as_frame=bad)


def test_family_trees_deterministic_and_independent():
    a, b = load_family_trees(), load_family_trees()
    assert a.triples == b.triples and a.queries == b.queries
    a.target[0, 0] = 7.0
    assert b.target[0, 0] != 7.0


def _fingerprint(bunch):
    """SHA-256 of every field of a Bunch: arrays by dtype, shape and bytes."""
    digest = hashlib.sha256()
    for key in sorted(bunch):
        value = bunch[key]
        digest.update(key.encode())
        if isinstance(value, np.ndarray):
            value = np.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<"))
            digest.update(f"{value.dtype.str}{value.shape}".encode())
            digest.update(value.tobytes())
        elif key == "frame":
            digest.update(repr(value.to_dict("list")).encode())
        else:
            digest.update(repr(value).encode())
    return digest.hexdigest()


def test_family_trees_are_pinned():
    # Every field, byte for byte, as load_family_trees returned it before it
    # was split into helpers (commit 942696e): a refactor must not move a row.
    assert _fingerprint(load_family_trees()) == (
        "615eb1df2b764727280502c290a48d303d193a0936ade0eea81a0f3762ba435a"
    )


def test_family_trees_frame_is_pinned():
    pytest.importorskip("pandas")
    assert _fingerprint(load_family_trees(as_frame=True)) == (
        "79c7da3944e6b554cf345310f5b88bb9a76a38f0ec99bc318a58168e029b5f5b"
    )
