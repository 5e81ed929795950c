"""Ebbinghaus strength: retention R = exp(-Δt / S), with S in days.

- A new memory starts with S = initial_days × importance / 5 (importance 1-10).
- Reinforcement (used in an answer, opened by the user) multiplies S by
  max(min_factor, 1 + growth × (1 − R)): the lower R had fallen, the more S grows
  (the spacing effect). It also resets the clock (last_reinforced = now).
- Pinned and core memories do not decay (R = 1).
- Zones: active (R ≥ fading_below), fading, dormant (R < dormant_below). Dormant memories
  leave default results; reinforcing one brings it back.
- Ranking multiplies relevance by rank_floor + (1 − rank_floor) × R, so an old but
  relevant fact is still found.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Config

DAY = 86400.0


@dataclass(frozen=True)
class DecayParams:
    initial_days: float = 7.0
    growth: float = 2.0
    min_factor: float = 1.2
    fading_below: float = 0.5
    dormant_below: float = 0.1
    rank_floor: float = 0.3

    @classmethod
    def from_config(cls, config: Config) -> DecayParams:
        """The decay.* settings."""
        return cls(**{name: float(config.get(f"decay.{name}")) for name in cls.__dataclass_fields__})


def initial_strength(importance: int, params: DecayParams) -> float:
    """S in days for a new memory of the given importance (clamped to 1-10)."""
    return params.initial_days * max(1, min(10, int(importance))) / 5.0


def retention(strength: float, last_reinforced: float, now: float, *, pinned: bool = False,
              kind: str = "semantic") -> float:
    """R = exp(-Δt/S); 1.0 for pinned and core memories."""
    if pinned or kind == "core":
        return 1.0
    elapsed = max(0.0, now - last_reinforced) / DAY
    return math.exp(-elapsed / max(strength, 1e-6))


def zone(r: float, params: DecayParams) -> str:
    """active, fading or dormant."""
    if r < params.dormant_below:
        return "dormant"
    if r < params.fading_below:
        return "fading"
    return "active"


def reinforced_strength(strength: float, r: float, params: DecayParams) -> float:
    """The new S after a reinforcement at retention r."""
    return strength * max(params.min_factor, 1.0 + params.growth * (1.0 - r))


def rank_factor(r: float, params: DecayParams) -> float:
    """Multiplier applied to a memory's relevance in ranking."""
    return params.rank_floor + (1.0 - params.rank_floor) * r
