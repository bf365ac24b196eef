"""The block model: boosted decision trees that score each line as article (1) or furniture (0).

The trees are data (cleannews/models/<kind>.json), made by benchmarks/train.py from the
benchmark pages with a fixed seed; here they are only walked, with numpy, every tree
and every line of a page at once: a page of 100 lines costs about 0.45 ms (0.75 ms when
each step looked up both children and the rows were read as a nested list).  The training
libraries are not needed to run them.

The thresholds a line must reach are a setting (`--favor`): `precision` drops more
furniture and now and then a line of the article, `recall` keeps every line that might
be article; `balanced` (the default) was chosen on the pages of the set each model was
not trained on, for F1 with recall first (benchmarks/train.py).
"""
from __future__ import annotations

import functools
import itertools
import json
import os
from importlib import resources
from pathlib import Path

import numpy as np


class Model:
    """A forest, read from flat arrays (node i tests feature[i] <= cut[i] and goes to left[i] or
    right[i]; a leaf has feature -1 and its value) and walked as complete binary trees.

    Each tree is laid out as a heap of 2 ** (depth + 1) slots, node k's children at 2k + 1
    (x <= cut) and 2k + 2, the trees one after the other: a step of the walk is then
    arithmetic on the slot, not a look-up of where the children are.  A leaf above the last
    level fills the whole subtree under its slot with its value (its tests send every row on
    to the same value), so that every row takes `depth` steps and ends on a slot of the
    last level; the same leaves are summed in the same order as the flat walk did.
    """

    def __init__(self, data: dict):
        self.version = data["version"]
        self.features = tuple(data["features"])
        self.thresholds = data["thresholds"]
        self.base = float(data.get("base", 0.0))
        self.depth = int(data["depth"])
        nodes = data["nodes"]
        feature, cut, left, right, value = (nodes[k] for k in ("feature", "cut", "left", "right", "value"))
        roots = data["roots"]
        width = 2 << self.depth  # slots per tree: 2 ** depth - 1 tests, 2 ** depth leaves, one spare
        self.feature = np.zeros(len(roots) * width, dtype=np.intp)
        self.cut = np.full(len(roots) * width, np.inf)
        self.value = np.zeros(len(roots) * width)
        for tree, root in enumerate(roots):
            todo = [(tree * width, root, 0)]  # (slot, node, level)
            while todo:
                slot, node, level = todo.pop()
                if level == self.depth:  # where `depth` steps end (a leaf, in a tree no deeper)
                    self.value[slot] = value[node]
                    continue
                leaf = feature[node] < 0
                if not leaf:
                    if not 0 <= feature[node] < len(self.features):
                        raise ValueError(f"model {self.version}: node {node} tests feature {feature[node]}")
                    self.feature[slot], self.cut[slot] = feature[node], cut[node]
                local = slot - tree * width
                todo.append((slot + local + 1, node if leaf else left[node], level + 1))
                todo.append((slot + local + 2, node if leaf else right[node], level + 1))
        # slot s of the tree starting at r: its children at r + 2 (s - r) + 1 and + 2, that is
        # 2s + (2 - r) less 1 when x <= cut
        self.roots = np.arange(len(roots), dtype=np.intp) * width
        self.step = 2 - self.roots

    def scores(self, rows) -> np.ndarray:
        """The probability that each row is article text."""
        x = _array(rows)
        if not len(x):
            return np.zeros(0)
        if x.shape[1] != len(self.features):
            raise ValueError(f"model {self.version} reads {len(self.features)} features, given {x.shape[1]}")
        flat = x.ravel()
        start = (np.arange(len(x), dtype=np.intp) * x.shape[1])[:, None]
        slot = np.repeat(self.roots[None, :], len(x), axis=0)  # [row, tree]
        at, seen, cut = np.empty_like(slot), np.empty(slot.shape), np.empty(slot.shape)
        left = np.empty(slot.shape, dtype=bool)
        # every index is in range by construction: mode="wrap" spares numpy its bounds checks
        for _ in range(self.depth):
            np.take(self.feature, slot, out=at, mode="wrap")
            at += start
            np.take(flat, at, out=seen, mode="wrap")
            np.take(self.cut, slot, out=cut, mode="wrap")
            np.less_equal(seen, cut, out=left)  # (a NaN goes right)
            slot += slot
            slot += self.step
            slot -= left
        margin = self.base + np.take(self.value, slot, out=seen, mode="wrap").sum(axis=1)
        return 1.0 / (1.0 + np.exp(-margin))


def _array(rows) -> np.ndarray:
    """`rows` as a 2-D float array.  A list of lists of one length is read as one flat run of
    numbers: numpy reads a nested list at twice the cost (0.14 ms against 0.065 for the 100
    rows of 40 features of a text page)."""
    if isinstance(rows, list) and rows and isinstance(rows[0], list):
        width = len(rows[0])
        if all(len(row) == width for row in rows):
            flat = itertools.chain.from_iterable(rows)
            return np.fromiter(flat, np.float64, len(rows) * width).reshape(len(rows), width)
    return np.asarray(rows, dtype=np.float64)


@functools.cache
def load(kind: str) -> Model:
    """The model for `kind` (html or text), read once per process: the shipped one, or the one in
    the folder $CLEANNEWS_MODELS names (benchmarks/train.py --loso-models writes leave-one-set-out
    models there, so that the whole pipeline can be scored on the set each one never saw)."""
    folder = os.environ.get("CLEANNEWS_MODELS")
    path = Path(folder) / f"{kind}.json" if folder else resources.files("cleannews.models").joinpath(f"{kind}.json")
    return Model(json.loads(path.read_text(encoding="utf-8")))


def scores(kind: str, rows, names: tuple[str, ...]) -> list[float]:
    """Each row's probability of being article text; `names`, the features the rows hold, must
    be the model's (a model made for other features is refused, not misread)."""
    found = load(kind)
    if names != found.features:
        raise ValueError(f"the {kind} model {found.version} was made for other features: run benchmarks/train.py")
    return found.scores(rows).tolist()


def keep(kind: str, scores: list[float], prior: list[bool], favor: str = "balanced") -> list[bool]:
    """Which lines stay.  The hand-written rule's verdict (`prior`) stands unless the model is
    confident against it: a line the rule keeps goes only when its score is under `inside`, a
    line the rule drops stays only when its score reaches `outside`.  Trained on three sets,
    the model alone did no better than the rule on the set it was not trained on; together,
    fewer articles lose over half their text (benchmarks/README.md)."""
    cut = load(kind).thresholds[favor]
    return [score >= (cut["inside"] if kept else cut["outside"]) for score, kept in zip(scores, prior)]


def version(kind: str) -> str:
    try:
        return load(kind).version
    except (OSError, ValueError, KeyError):
        return "missing"
