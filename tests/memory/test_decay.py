import math

import pytest

from recall_cli.memory.decay import (
    DAY,
    DecayParams,
    initial_strength,
    rank_factor,
    reinforced_strength,
    retention,
    zone,
)

P = DecayParams()


def test_retention_follows_exp_minus_elapsed_over_strength():
    assert retention(7.0, 0.0, 7 * DAY) == pytest.approx(math.exp(-1))
    assert retention(2.0, 0.0, 0.0) == 1.0
    assert retention(2.0, 0.0, 4 * DAY) == pytest.approx(math.exp(-2))


def test_initial_strength_scales_with_importance():
    assert initial_strength(5, P) == 7.0
    assert initial_strength(10, P) == 14.0
    assert initial_strength(1, P) == pytest.approx(1.4)
    assert initial_strength(99, P) == 14.0


def test_reinforcement_grows_strength_more_when_retention_was_lower():
    late = reinforced_strength(7.0, 0.2, P)
    early = reinforced_strength(7.0, 0.9, P)
    assert late == pytest.approx(7.0 * (1 + 2.0 * 0.8))
    assert early == pytest.approx(7.0 * 1.2)  # the minimum factor
    assert late > early


def test_zones_by_retention():
    assert zone(0.9, P) == "active"
    assert zone(0.3, P) == "fading"
    assert zone(0.05, P) == "dormant"


def test_pinned_and_core_memories_do_not_decay():
    assert retention(1.0, 0.0, 365 * DAY, pinned=True) == 1.0
    assert retention(1.0, 0.0, 365 * DAY, kind="core") == 1.0


def test_ranking_factor_has_a_floor():
    assert rank_factor(0.0, P) == pytest.approx(0.3)
    assert rank_factor(1.0, P) == 1.0
