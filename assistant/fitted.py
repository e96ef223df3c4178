"""A small fitted logistic model stored as JSON (never a pickle): feature names, their
standardisation, weights, intercept and the threshold chosen with it. The fingerprint of the
feature set it was fitted on travels with it, so a changed feature set is never scored by
stale weights (and a test fails until it is refitted)."""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def fingerprint(names: Sequence[str], version: int) -> str:
    """A short hash of the feature names, their order and the version of their definitions
    (raise the version when a feature's meaning changes under the same name)."""
    return hashlib.sha1(f"{version}:{','.join(names)}".encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Logistic:
    """P(yes) = 1 / (1 + exp(-(intercept + weights · standardised features)))."""

    names: tuple[str, ...]
    weights: tuple[float, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    intercept: float
    threshold: float
    fingerprint: str = ""

    def score(self, values: Sequence[float]) -> float:
        """The linear score (log-odds) of one row of feature values, in ``names`` order."""
        return self.intercept + sum(
            w * (v - m) / s for w, v, m, s in zip(self.weights, values, self.means, self.scales,
                                                  strict=True))

    def probability(self, values: Sequence[float]) -> float:
        """The probability for one row of feature values, in ``names`` order."""
        return 1 / (1 + math.exp(-max(-50.0, min(50.0, self.score(values)))))

    def contributions(self, values: Sequence[float]) -> dict[str, float]:
        """Each feature's share of the score (what pushed the decision which way)."""
        return {n: w * (v - m) / s for n, w, v, m, s in zip(
            self.names, self.weights, values, self.means, self.scales, strict=True)}

    def to_json(self, **about: Any) -> str:
        return json.dumps({"names": list(self.names), "weights": list(self.weights),
                           "means": list(self.means), "scales": list(self.scales),
                           "intercept": self.intercept, "threshold": self.threshold,
                           "fingerprint": self.fingerprint, **about}, indent=2) + "\n"

    @classmethod
    def load(cls, path: Path, expected: str) -> Logistic | None:
        """The model at ``path`` when it was fitted on the ``expected`` feature fingerprint;
        None (logged) when it is missing, unreadable or fitted on other features."""
        try:
            data = json.loads(path.read_text())
            model = cls(tuple(data["names"]), tuple(map(float, data["weights"])),
                        tuple(map(float, data["means"])), tuple(map(float, data["scales"])),
                        float(data["intercept"]), float(data["threshold"]),
                        str(data.get("fingerprint", "")))
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("no usable fitted model at %s", path)
            return None
        if model.fingerprint != expected:
            log.error("%s was fitted on other features (%s, now %s): refit it", path,
                      model.fingerprint, expected)
            return None
        return model
