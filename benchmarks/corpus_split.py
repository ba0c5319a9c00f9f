"""The corpus's split into a tuning half and a reporting half, made once.

Defaults are chosen on the tuning half and quoted on the reporting half.
The split is a committed, readable file, ``corpus_split.tsv``: one task a
line, its half, its origin, its task and what it is. It was drawn once::

    python benchmarks/corpus_split.py --write

with :data:`SPLIT_SEED`: within each (origin, task) group, in table order,
the tasks are shuffled and dealt alternately to the two halves, starting
with a random one. The legacy sets (the 14 of the benchmark before the
corpus, on which earlier defaults were chosen) are all in the tuning half:
they are seen already. Never write the file again to move a task: a test
checks that it matches the corpus, so a changed corpus shows up.
"""

import argparse
import csv
import pathlib

import numpy as np

SPLIT_SEED = 1986
PATH = pathlib.Path(__file__).with_name("corpus_split.tsv")
HALVES = ("tuning", "reporting")
COLUMNS = ("name", "half", "origin", "task", "description")


def draw_split(rows, seed=SPLIT_SEED):
    """{name: half} for ``rows`` of (name, origin, task): see the module."""
    rng = np.random.default_rng(seed)
    halves, groups = {}, {}
    for name, origin, task in rows:
        if origin == "legacy":
            halves[name] = "tuning"
        else:
            groups.setdefault((origin, task), []).append(name)
    for names in groups.values():
        order = rng.permutation(len(names))
        first = int(rng.integers(2))
        for position, i in enumerate(order):
            halves[names[i]] = HALVES[(first + position) % 2]
    return halves


def write_split(datasets, path=PATH, seed=SPLIT_SEED):
    """Draw the split of ``datasets`` (rows with a half) and write it."""
    rows = [(d.name, d.origin, d.task) for d in datasets]
    halves = draw_split(rows, seed)
    with open(path, "w", newline="") as f:
        out = csv.writer(f, delimiter="\t", lineterminator="\n")
        out.writerow(COLUMNS)
        for d in datasets:
            out.writerow([d.name, halves[d.name], d.origin, d.task, d.description])


def read_split(path=PATH):
    """The committed split: a list of dicts with :data:`COLUMNS` as keys."""
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def halves(path=PATH):
    """{name: "tuning" | "reporting"} from the committed file ({} before
    it is first written)."""
    if not pathlib.Path(path).exists():
        return {}
    return {row["name"]: row["half"] for row in read_split(path)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--write", action="store_true", help=f"(re)write {PATH.name}")
    args = p.parse_args(argv)
    from quality_sets import corpus

    if args.write:
        write_split(corpus())
    for row in read_split():
        print("\t".join(row[c] for c in COLUMNS))


if __name__ == "__main__":
    main()
