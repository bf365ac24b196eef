"""The block model: boosted decision trees that score each line as article (1) or furniture (0).

The trees are data (cleannews/models/<kind>.json), made by benchmarks/train.py from the
benchmark pages with a fixed seed; here they are only walked, with numpy, every tree
and every line of a page at once: a page of 100 lines costs about a millisecond.
The training libraries are not needed to run them.

The thresholds a line must reach are a setting (`--favor`): `precision` drops more
furniture and now and then a line of the article, `recall` keeps every line that might
be article; `balanced` (the default) was chosen on the pages of the set each model was
not trained on, for F1 with recall first (benchmarks/train.py).
"""
from __future__ import annotations

import functools
import json
import os
from importlib import resources
from pathlib import Path

import numpy as np


class Model:
    """A forest in flat arrays: node i tests feature[i] <= cut[i] and goes to left[i] or
    right[i]; a leaf has feature -1 and its value."""

    def __init__(self, data: dict):
        self.version = data["version"]
        self.features = tuple(data["features"])
        self.thresholds = data["thresholds"]
        self.base = float(data.get("base", 0.0))
        nodes = data["nodes"]
        self.feature = np.array(nodes["feature"], dtype=np.int64)
        self.cut = np.array(nodes["cut"], dtype=np.float64)
        self.left = np.array(nodes["left"], dtype=np.int64)
        self.right = np.array(nodes["right"], dtype=np.int64)
        self.value = np.array(nodes["value"], dtype=np.float64)
        self.roots = np.array(data["roots"], dtype=np.int64)
        self.depth = int(data["depth"])
        # a leaf tests feature 0 against +inf and leads to itself: every row walks `depth` steps
        leaf = self.feature < 0
        self.feature = np.where(leaf, 0, self.feature)
        self.cut = np.where(leaf, np.inf, self.cut)

    def scores(self, rows) -> np.ndarray:
        """The probability that each row is article text."""
        x = np.asarray(rows, dtype=np.float64)
        if not len(x):
            return np.zeros(0)
        if x.shape[1] != len(self.features):
            raise ValueError(f"model {self.version} reads {len(self.features)} features, given {x.shape[1]}")
        flat = x.ravel()
        start = (np.arange(len(x)) * x.shape[1])[:, None]
        node = np.broadcast_to(self.roots, (len(x), len(self.roots)))
        for _ in range(self.depth):
            node = np.where(flat[start + self.feature[node]] <= self.cut[node], self.left[node], self.right[node])
        margin = self.base + self.value[node].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-margin))


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
